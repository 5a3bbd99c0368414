"""``kompas qc``: quality control of an observation file (multipath, slips, SNR, gaps...)."""

from __future__ import annotations

import time
from pathlib import Path

import click
import numpy as np

from kompas.cli.common import NoResult, echo_json, parse_xyz

_WIDTH = 80


def _num(v, spec: str, none: str = "-") -> str:
    try:
        if v is None or not np.isfinite(float(v)):
            return none
    except (TypeError, ValueError):
        return none
    return spec.format(float(v))


def summary_lines(result, elapsed_s: float | None = None) -> list[str]:
    """The terminal summary of a QC result: every line at most 80 characters."""
    a, s = result.attrs, result.summary
    out = [
        f"{Path(str(a.get('file'))).name}",
        f"station {a.get('station') or '-'}  receiver {a.get('receiver') or '-'}",
        f"{s['start'].replace('T', ' ')} to {s['end'].replace('T', ' ')} {a.get('time_scale')}",
        f"every {a['interval_s']:g} s, {s['epochs']} epochs ({s['missing_epochs']} missing)",
    ]
    if a.get("position_source"):
        out.append(
            f"orbits {a['orbits'][:40]}  position {a['position_source']}  "
            f"mask {a['elmask_deg']:g} deg"
        )
    else:
        out.append("orbits none: no elevation mask, no completeness")
    out.append("")
    out.append(
        f"{'signal':<8}{'phases':>10}{'MP rms m':>10}{'slips':>7}{'o/slip':>8}"
        f"{'LLI':>6}{'compl %':>9}{'SNR':>7}{'<30dB%':>8}"
    )
    for key, r in result.signals.iterrows():
        phases = f"{r.get('phase') or '-'}/{r.get('partner') or '-'}"
        out.append(
            f"{key:<8}{phases:>10}{_num(r.get('mp_rms_m'), '{:.3f}'):>10}"
            f"{_num(r.get('slips'), '{:.0f}'):>7}{_num(r.get('obs_per_slip'), '{:.0f}', 'inf'):>8}"
            f"{_num(r.get('lli'), '{:.0f}'):>6}"
            f"{_num(100 * r['completeness'] if 'completeness' in r else None, '{:.1f}'):>9}"
            f"{_num(r.get('snr_mean_dbhz'), '{:.1f}'):>7}"
            f"{_num(100 * r['snr_low_fraction'] if 'snr_low_fraction' in r else None, '{:.1f}'):>8}"
        )
    out.append("")
    out.append(
        f"{'system':<8}{'sats':>6}{'expect':>8}{'compl %':>9}{'slips':>7}{'/1000':>8}{'gaps':>6}"
    )
    for char, e in s["systems"].items():
        out.append(
            f"{char:<8}{e['satellites']:>6}{_num(e.get('satellites_expected'), '{:.0f}'):>8}"
            f"{_num(100 * e['completeness'] if 'completeness' in e else None, '{:.1f}'):>9}"
            f"{e['slips']:>7}{_num(e['slips_per_1000'], '{:.2f}'):>8}{e['gaps']:>6}"
        )
    t = s["teqc"]
    out.append("")
    out.append(
        f"teqc-style: MP1 {_num(t['mp1_m'], '{:.3f}')} m ({t['mp1_code'] or '-'})  "
        f"MP2 {_num(t['mp2_m'], '{:.3f}')} m ({t['mp2_code'] or '-'})  "
        f"o/slps {_num(t['obs_per_slip'], '{:.0f}', 'inf')}"
    )
    out.append(
        f"clock jumps {s['clock_jumps']}  satellite gaps {len(result.gaps)}  "
        f"file gaps {s['file_gaps']}  epoch flags {s['epoch_flags']}"
    )
    for _, j in result.clock_jumps.head(5).iterrows():
        out.append(f"  clock jump {str(j['time'])[:19]} {j['jump_ms']:+d} ms ({j['kind']})")
    for note in a.get("notes", []):
        out.extend(_wrap("note: " + note))
    if elapsed_s is not None:
        out.append(f"time {elapsed_s:.2f} s")
    return out


def _wrap(text: str) -> list[str]:
    import textwrap

    return textwrap.wrap(text, _WIDTH, subsequent_indent="  ")


@click.command("qc")
@click.argument("obs", type=click.Path(exists=True, dir_okay=False))
@click.argument("nav", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--sp3",
    "sp3_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Precise orbits (SP3) for the elevations instead of NAV (repeat for several).",
)
@click.option(
    "--elmask", "elmask_deg", type=float, default=10.0, show_default=True, help="Mask, degrees."
)
@click.option("--position", help="Receiver X,Y,Z in metres (default: the header's).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Write HTML.")
@click.option(
    "--plot-dir", type=click.Path(file_okay=False), help="Write the report's plots as PNG files."
)
def qc_command(obs, nav, sp3_files, elmask_deg, position, as_json, report_path, plot_dir):
    """Quality control of the observation file OBS, with the broadcast navigation files NAV
    (or --sp3) for elevations and expected observations: code multipath per signal, cycle
    slips, SNR, completeness, gaps and receiver clock jumps, every system and signal."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from kompas.analysis.qc import qc

    rx = parse_xyz(position) if position else None
    t0 = time.perf_counter()
    with Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("kompas qc", total=6)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        result = qc(
            obs, list(nav) or None, sp3=list(sp3_files) or None, elmask_deg=elmask_deg,
            position_m=rx, progress=progress,
        )  # fmt: skip
    elapsed = time.perf_counter() - t0
    if result.signals.empty or int(result.signals["n_obs"].sum()) == 0:
        raise NoResult(f"{obs}: no code observation above the mask to check")
    written = _outputs(result, report_path, plot_dir)
    if as_json:
        payload = result.to_dict()
        payload["time_total_s"] = round(elapsed, 3)
        payload["written"] = written
        echo_json(payload)
        return
    for line in summary_lines(result, elapsed):
        click.echo(line)
    for path in written:
        click.echo(f"written {path}")


def _outputs(result, report_path, plot_dir) -> list[str]:
    written = []
    if report_path:
        from kompas.report.qc import write_qc_report

        written.append(str(write_qc_report(result, report_path)))
    if plot_dir:
        from kompas.report.qc import write_qc_plots

        written.extend(str(p) for p in write_qc_plots(result, plot_dir))
    return written
