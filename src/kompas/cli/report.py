"""``kompas report``: one self-contained HTML page comparing the systems on a real day."""

from __future__ import annotations

import time
from pathlib import Path

import click

from kompas.cli.common import echo_json, parse_xyz


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
    help="SINEX file; the station is the observation header's marker.",
)
@click.option("--systems", default="GREC", show_default=True)
@click.option("--no-qc", is_flag=True, help="Leave the quality-control section out.")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write."
)
@click.option("--json", "as_json", is_flag=True, help="Also print the figures as JSON.")
def report_command(
    obs, nav, sp3_files, clk_files, truth, truth_sinex, systems, no_qc, output, as_json
):
    """Compare the systems on the day of OBS (navigation file(s) NAV): accuracy, epochs,
    DOP, SISRE, inter-system biases vs broadcast offsets, fault flags, QC."""
    from kompas.io.rinex_nav import read_nav
    from kompas.io.rinex_obs import read_obs
    from kompas.report.day import day_report

    if clk_files and not sp3_files:
        raise click.UsageError("--clk needs --sp3")
    t0 = time.perf_counter()
    ds = read_obs(obs)
    navdata = read_nav(list(nav))
    sp3 = clk = None
    if sp3_files:
        from kompas.io.sp3 import read_sp3

        sp3 = read_sp3(list(sp3_files))
        if clk_files:
            from kompas.io.rinex_clock import read_rinex_clock

            clk = read_rinex_clock(list(clk_files))
    truth_xyz = None
    if truth:
        truth_xyz = parse_xyz(truth)
    elif truth_sinex:
        from kompas.io.sinex import station_position

        marker = ds.attrs.get("marker_name") or Path(obs).name[:4]
        truth_xyz, _ = station_position(truth_sinex, marker[:4])
    t_read = time.perf_counter() - t0
    sources = {"observations": Path(obs).name, "navigation": ", ".join(Path(n).name for n in nav)}
    if sp3_files:
        sources["precise orbits"] = ", ".join(Path(f).name for f in sp3_files)
    if clk_files:
        sources["precise clocks"] = ", ".join(Path(f).name for f in clk_files)
    rep = day_report(
        ds,
        navdata,
        sp3=sp3,
        clk=clk,
        truth_xyz=truth_xyz,
        systems=systems,
        run_qc=not no_qc,
        sources=sources,
    )
    rep.write(output)
    rep.data["timings"]["read_s"] = round(t_read, 3)
    rep.data["timings"]["total_s"] = round(time.perf_counter() - t0, 3)
    if as_json:
        echo_json({"output": output, **rep.data})
        return
    for row in rep.data["accuracy"]:
        line = f"{row['solution']:5s} solved {row['solved']}/{row['epochs']}"
        if "rms_horizontal_m" in row:
            line += f", RMS H {row['rms_horizontal_m']:.2f} m V {row['rms_vertical_m']:.2f} m"
        click.echo(line)
    click.echo(f"Report written to {output} ({rep.data['timings']['total_s']:.1f} s)")
