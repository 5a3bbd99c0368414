"""``kompas demo``: simulate a ship's hour of multi-GNSS data, position it, write a report."""

from __future__ import annotations

import click

from kompas.cli.common import echo_json


def _latlon(lat: float, lon: float) -> str:
    return f"{abs(lat):.0f}°{'N' if lat >= 0 else 'S'} {abs(lon):.0f}°{'E' if lon >= 0 else 'W'}"


def _print_table(result) -> None:
    from rich.console import Console

    from kompas.cli.common import Column, table_80

    console = Console(highlight=False)  # the terminal's width; COLUMNS or 80 when piped
    console.print(f"[bold yellow]{result.simulated_note}[/bold yellow]")
    sc = result.scenario
    title = (
        f"{sc.duration_s / 3600:.0f} h at {sc.interval_s:.0f} s, ship from "
        f"{_latlon(sc.lat_deg, sc.lon_deg)}, {sc.speed_knots:.0f} kn; "
        "errors against the simulated truth"
    )
    columns = [
        Column("Combination", justify="left", wrap=True),
        Column("Epochs solved", "solved"),
        Column("RMS horiz. [m]", "H [m]"),
        Column("RMS vert. [m]", "V [m]"),
        Column("Mean PDOP", "PDOP", drop=2),
        Column("Mean sats used", "sats", drop=1),
    ]
    rows, styles = [], []
    for r in result.rows:
        styles.append("red" if r["scenario"] != "fault-free" else None)
        rows.append(
            [
                r["label"],
                f"{r['epochs_solved']}/{r['epochs']}",
                f"{r['rms_horizontal_m']:.2f}",
                f"{r['rms_vertical_m']:.2f}",
                f"{r['mean_pdop']:.2f}",
                f"{r['mean_satellites']:.1f}",
            ]
        )
    table = table_80(columns, rows, title=title, width=console.width, styles=styles)
    console.print(table)
    from kompas.sim.report import flag_statement

    console.print(flag_statement(result))
    f = result.fault
    console.print(
        f"Combined solution with RAIM + constellation check: RMS {f['rms_ratio_horizontal']:.2f}x "
        f"horizontal, {f['rms_ratio_vertical']:.2f}x vertical its fault-free value."
    )
    for key, path in result.files.items():
        console.print(f"wrote {key}: {path}")
    console.print(f"total {result.timings_s['total']:.1f} s")


@click.command("demo")
@click.option(
    "--out",
    "out_dir",
    default="./kompas-demo",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for the RINEX files and report.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary on stdout.")
def demo_command(out_dir: str, as_json: bool) -> None:
    """Simulate one hour of a ship in the Bering Sea (GPS, GLONASS, Galileo, BeiDou),
    position it with each constellation and all together, compromise one constellation
    for 20 minutes, and write RINEX files and an HTML report. The data are SIMULATED."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from kompas.sim.demo import run_demo

    with Progress(
        TextColumn("{task.description:<40}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as bar:
        task = bar.add_task("kompas demo", total=1)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        result = run_demo(out_dir, progress=progress)
    if as_json:
        echo_json(result.to_dict())
        return
    _print_table(result)
