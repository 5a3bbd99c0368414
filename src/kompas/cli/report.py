"""``kompas report``: one self-contained HTML page comparing the systems on a real day."""

from __future__ import annotations

import time
from pathlib import Path

import click
import numpy as np

from kompas.cli.common import (
    NoResult,
    echo_json,
    navigation_span,
    parse_xyz,
    sinex_station,
    span_text,
    systems_option,
)
from kompas.errors import KompasError

#: Navigation data farther than this from the observations is of another day: the margin of
#: the solver's own check (positioning.sources, 6 h); nearer, the solver counts the epochs
#: without a usable ephemeris (exit 3 with the reason).
_NAV_MARGIN = np.timedelta64(6 * 3600, "s")


def _check_usage(output, truth, truth_sinex, station, sp3_files, clk_files) -> None:
    """Usage errors no option type catches, before any work."""
    if not Path(output).resolve().parent.is_dir():
        raise click.BadParameter(f"no folder {Path(output).parent}", param_hint="-o/--output")
    if truth:
        parse_xyz(truth, "--truth")
    if truth and truth_sinex:
        raise click.UsageError("give --truth or --truth-sinex, not both")
    if station and not truth_sinex:
        raise click.UsageError("--station names the station of --truth-sinex; give that too")
    if clk_files and not sp3_files:
        raise click.UsageError("--clk needs --sp3")


def _usable_systems(ds, navdata, nav, obs, systems: str) -> str:
    """The requested systems both observed and in the navigation data (data errors naming
    the files when none, or when the navigation data are of another day)."""
    names = ", ".join(Path(n).name for n in nav)
    observed = {str(s)[0] for s in ds["sv"].values}
    seen = [c for c in systems if c in observed]
    if not seen:
        held = "".join(sorted(observed)) or "none"
        raise KompasError(f"{obs}: no observation of systems {systems} (it holds {held})")
    with_nav = [c for c in seen if navigation_span(navdata, c) is not None]
    if not with_nav:
        held = "".join(sorted({k[0] for k in navdata.keys() if len(navdata[k])})) or "none"
        raise KompasError(
            f"{names}: no ephemeris of the observed systems {''.join(seen)} (they hold {held})"
        )
    use = "".join(with_nav)
    span = navigation_span(navdata, use)
    t = ds["time"].values
    if t.size and (t.max() < span[0] - _NAV_MARGIN or t.min() > span[1] + _NAV_MARGIN):
        raise KompasError(
            f"{names}: the broadcast records cover {span_text(*span)} GPST, the observations "
            f"{span_text(t.min(), t.max())}: navigation data of another day?"
        )
    return use


def _check_precise(product, files, ds, what: str) -> None:
    """A data error naming the files when precise orbits/clocks do not overlap the
    observations at all (another day). A product that ends before the last observation
    (a 5-min SP3 ends at 23:55, a day of 30 s observations at 23:59:30) is normal: SISRE and
    the solutions use the epochs both hold."""
    t, obs_t = product["time"].values, ds["time"].values
    if not t.size or t.max() < obs_t.min() or t.min() > obs_t.max():
        cover = span_text(t.min(), t.max()) + " GPST" if t.size else "no epoch"
        raise KompasError(
            f"{', '.join(Path(f).name for f in files)}: the precise {what} cover {cover}, "
            f"the observations {span_text(obs_t.min(), obs_t.max())}"
        )


def _truth_xyz(truth, truth_sinex, station, ds, obs):
    if truth:
        return parse_xyz(truth, "--truth")
    if not truth_sinex:
        return None
    xyz, _ = sinex_station(truth_sinex, station, ds, obs)
    return xyz


def _build(ds, navdata, sp3, clk, truth_xyz, systems, run_qc, sources):
    """:func:`day_report` with its warnings collected (one line each, no numpy noise)."""
    import warnings

    from kompas.report.day import day_report

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rep = day_report(
            ds,
            navdata,
            sp3=sp3,
            clk=clk,
            truth_xyz=truth_xyz,
            systems=systems,
            run_qc=run_qc,
            sources=sources,
        )
    texts = [  # kompas's own warnings; numpy's all-NaN and matplotlib's legend notes dropped
        str(w.message)
        for w in caught
        if not issubclass(w.category, RuntimeWarning) and "matplotlib" not in w.filename
    ]
    return rep, list(dict.fromkeys(texts))


@click.command("report")
@click.argument("obs", type=click.Path(exists=True, dir_okay=False))
@click.argument("nav", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--sp3",
    "sp3_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Precise orbits for the SISRE section (repeat for several).",
)
@click.option(
    "--clk",
    "clk_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Precise clocks (RINEX clock); default the SP3 clocks.",
)
@click.option("--truth", help="Known position X,Y,Z (ECEF metres).")
@click.option(
    "--truth-sinex",
    type=click.Path(exists=True, dir_okay=False),
    help="SINEX file; the station is --station or the observation header's marker.",
)
@click.option("--station", help="4-character station name in --truth-sinex.")
@systems_option(default="GREC")
@click.option("--no-qc", is_flag=True, help="Leave the quality-control section out.")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write."
)
@click.option("--json", "as_json", is_flag=True, help="Also print the figures as JSON.")
def report_command(
    obs, nav, sp3_files, clk_files, truth, truth_sinex, station, systems, no_qc, output, as_json
):
    """Compare the systems on the day of OBS (navigation file(s) NAV): accuracy, epochs,
    DOP, SISRE, inter-system biases vs broadcast offsets, fault flags, QC."""
    from kompas.io.rinex_nav import read_nav
    from kompas.io.rinex_obs import read_obs

    _check_usage(output, truth, truth_sinex, station, sp3_files, clk_files)
    t0 = time.perf_counter()
    ds = read_obs(obs)
    if ds.sizes.get("time", 0) == 0:
        raise NoResult(f"{obs}: no observation epoch")
    navdata = read_nav(list(nav))
    use = _usable_systems(ds, navdata, nav, obs, systems)
    sp3 = clk = None
    if sp3_files:
        from kompas.io.sp3 import read_sp3

        sp3 = read_sp3(list(sp3_files))
        _check_precise(sp3, sp3_files, ds, "orbits")
        if clk_files:
            from kompas.io.rinex_clock import read_rinex_clock

            clk = read_rinex_clock(list(clk_files))
            _check_precise(clk, clk_files, ds, "clocks")
    truth_xyz = _truth_xyz(truth, truth_sinex, station, ds, obs)
    t_read = time.perf_counter() - t0
    sources = {"observations": Path(obs).name, "navigation": ", ".join(Path(n).name for n in nav)}
    if sp3_files:
        sources["precise orbits"] = ", ".join(Path(f).name for f in sp3_files)
    if clk_files:
        sources["precise clocks"] = ", ".join(Path(f).name for f in clk_files)
    rep, warned = _build(ds, navdata, sp3, clk, truth_xyz, use, not no_qc, sources)
    dropped = "".join(c for c in systems if c not in use)
    if dropped:
        warned.insert(0, f"systems {dropped} left out: not observed or without ephemerides")
    rep.data["warnings"] = warned
    rep.data["timings"]["read_s"] = round(t_read, 3)
    rows = rep.data["accuracy"]
    if all(row["solved"] == 0 for row in rows):
        from kompas.cli.solve import no_result_reason
        from kompas.positioning import solve

        sol = solve(ds, navdata, systems=use)  # the combined solution's counted reasons
        reason = no_result_reason(sol, navdata, None, "nav") or "no epoch solved"
        if as_json:
            echo_json({"output": None, "no_result": reason, **rep.data})
        raise NoResult(f"no epoch solved in any solution: {reason}")
    rep.write(output)
    rep.data["timings"]["total_s"] = round(time.perf_counter() - t0, 3)
    for text in warned:
        click.echo(f"kompas: warning: {text}", err=True)
    if as_json:
        echo_json({"output": output, **rep.data})
        return
    for row in rows:
        line = f"{row['solution']:5s} solved {row['solved']}/{row['epochs']}"
        if np.isfinite(row.get("rms_horizontal_m", np.nan)):
            line += f", RMS H {row['rms_horizontal_m']:.2f} m V {row['rms_vertical_m']:.2f} m"
        click.echo(line)
    click.echo(f"Report written to {output} ({rep.data['timings']['total_s']:.1f} s)")
