"""``kompas sisre``: broadcast orbit and clock quality against precise products."""

from __future__ import annotations

import time
from pathlib import Path

import click

from kompas.cli.common import (
    POSITIVE_S,
    Column,
    NoResult,
    echo_json,
    navigation_span,
    span_text,
    systems_option,
    table_80,
)

#: (summary column, header, short header, format, drop order at narrow widths)
_GROUP_COLUMNS = [
    ("n_satellites", "sats", None, "{:d}", 0),
    ("n_epochs", "samples", "n", "{:d}", 0),
    ("rms_radial_m", "radial", "R", "{:.2f}", 0),
    ("rms_along_m", "along", "A", "{:.2f}", 0),
    ("rms_cross_m", "cross", "C", "{:.2f}", 0),
    ("rms_clock_m", "clock", "clk", "{:.2f}", 0),
    ("rms_sisre_orbit_m", "SISRE orbit", "orb", "{:.2f}", 0),
    ("rms_sisre_m", "SISRE", None, "{:.2f}", 0),
    ("mean_radial_m", "mean radial", "mR", "{:+.2f}", 2),
    ("max_orbit_3d_m", "max 3-D", "max", "{:.2f}", 1),
]


def _fmt(value, spec: str) -> str:
    try:
        if value != value:  # NaN
            return "-"
        return spec.format(int(value) if spec.endswith("d}") else float(value))
    except (TypeError, ValueError):
        return str(value)


def _table(title: str, df, first: str, columns):
    """The summary table ``df`` as a :func:`table_80` group (fits the terminal)."""
    cols = [Column(first, justify="left")] + [  # labels stay whole: "BDS-2 MEO"
        Column(head, short, drop=drop) for _, head, short, _, drop in columns
    ]
    rows = [
        [str(idx)] + [_fmt(row[c], spec) for c, _, _, spec, _ in columns]
        for idx, row in df.iterrows()
    ]
    return table_80(cols, rows, title=title)


def _print_report(summary, report: dict, per_satellite: bool) -> None:
    from rich.console import Console

    console = Console()  # the terminal's width; COLUMNS or 80 when piped
    console.print(
        _table(
            "SISRE per constellation, RMS [m] (broadcast - precise)",
            summary.groups,
            "group",
            _GROUP_COLUMNS,
        )
    )
    if per_satellite:
        cols = [c for c in _GROUP_COLUMNS if c[0] != "n_satellites"]
        cols[0] = ("n_epochs", "epochs", "n", "{:d}", 0)
        console.print(_table("SISRE per satellite, RMS [m]", summary.satellites, "sv", cols))
    if summary.unhealthy:
        console.print(
            "Excluded as unhealthy (epochs): "
            + ", ".join(f"{s} ({n})" for s, n in summary.unhealthy.items())
        )
    if summary.missing:
        console.print("Without a usable sample: " + " ".join(summary.missing))
    console.print("[bold]Clock reference[/bold]")
    for key, text in summary.attrs.items():
        if key.startswith("clock_reference_"):
            console.print(f"  {key[-1]}: {text}", highlight=False)
    console.print(
        f"[bold]Clock alignment[/bold]: {summary.attrs.get('clock_alignment')}", highlight=False
    )
    console.print(f"[bold]Antenna[/bold]: {summary.attrs.get('antenna')}", highlight=False)
    if summary.attrs.get("antenna_missing"):
        console.print(
            "[bold]Not in the ANTEX file[/bold] (centre of mass kept): "
            + summary.attrs["antenna_missing"],
            highlight=False,
        )
    console.print(f"[bold]Weights[/bold]: {summary.attrs.get('weights_source')}", highlight=False)
    console.print(f"Precise product: {summary.attrs.get('precise_source')}", highlight=False)
    console.print(
        f"Time: read {report['time_read_s']:.2f} s, total {report['time_total_s']:.2f} s",
        highlight=False,
    )


def _no_sample_reason(navdata, sp3, systems: str, summary) -> str:
    """Why no (broadcast, precise) pair was found: disjoint time spans, or satellites."""
    import numpy as np

    t = sp3["time"].values
    nav_span = navigation_span(navdata, systems)
    if not t.size:
        return "the SP3 file holds no epoch"
    if nav_span is None:
        return f"the navigation data hold no ephemeris of systems {systems}"
    lo, hi = np.min(t), np.max(t)
    if hi < nav_span[0] or lo > nav_span[1]:
        return (
            f"the precise orbits cover {span_text(lo, hi)}, the navigation data "
            f"{span_text(*nav_span)} (GPST): files of different days?"
        )
    missing = len(summary.missing)
    return (
        f"no satellite of systems {systems} has a usable broadcast ephemeris and a precise "
        f"orbit and clock at the same epochs ({missing} satellites without a usable sample)"
    )


def plot_sisre(ds, summary, path: str | Path) -> None:
    """Per-group SISRE time series (RMS over the group's satellites per epoch) and a bar
    chart of the per-satellite RMS SISRE, written to ``path`` (matplotlib Agg)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from kompas.analysis.sisre import satellite_group

    svs = ds["sv"].values.astype(str)
    classes = ds["orbit_class"].values.astype(str)
    groups = np.array([satellite_group(s, c) for s, c in zip(svs, classes, strict=True)])
    use = ds["healthy"].values & np.isfinite(ds["sisre_m"].values)
    x = np.where(use, ds["sisre_m"].values, np.nan)
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 8), constrained_layout=True)
    colours = {}
    for _i, g in enumerate(summary.groups.index):
        cols = groups == g
        with np.errstate(all="ignore"):
            series = np.sqrt(np.nanmean(x[:, cols] ** 2, axis=1))
        (line,) = ax1.plot(ds["time"].values, series, label=g, lw=1.2)
        colours[g] = line.get_color()
    ax1.set_ylabel("SISRE RMS per epoch [m]")
    ax1.set_xlabel("time (" + str(ds["time"].attrs.get("time_scale", "GPST")) + ")")
    ax1.set_title(
        f"Orbit+clock SISRE, broadcast vs {ds.attrs.get('precise_source', '')}", fontsize=9
    )
    ax1.legend(ncol=4, fontsize=8)
    ax1.grid(alpha=0.3)
    sat = summary.satellites
    ax2.bar(
        np.arange(len(sat)),
        sat["rms_sisre_m"].to_numpy(),
        color=[colours.get(g, "grey") for g in sat["group"]],
    )
    ax2.set_xticks(np.arange(len(sat)))
    ax2.set_xticklabels(sat.index, rotation=90, fontsize=6)
    ax2.set_ylabel("SISRE RMS [m]")
    ax2.grid(alpha=0.3, axis="y")
    fig.savefig(path, dpi=120)
    plt.close(fig)


@click.command("sisre")
@click.argument("nav", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--sp3",
    "sp3_files",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Precise orbit file(s) (SP3; repeat the option for several).",
)
@click.option(
    "--clk",
    "clk_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Precise clock file(s) (RINEX clock); default: the SP3 clocks.",
)
@click.option(
    "--interval",
    "interval_s",
    type=POSITIVE_S,
    default=300.0,
    show_default=True,
    help="Sampling interval, seconds (> 0).",
)
@systems_option(default="GRECJ")
@click.option(
    "--align-clock",
    type=click.Choice(["epoch", "clock", "none"]),
    default="epoch",
    show_default=True,
    help="Clock datum removed per constellation and epoch.",
)
@click.option(
    "--galileo-message", type=click.Choice(["INAV", "FNAV"]), default="INAV", show_default=True
)
@click.option(
    "--rule",
    type=click.Choice(["nearest", "latest", "transmitted"]),
    default="nearest",
    show_default=True,
    help="Record choice: toe nearest to t (post-processing), latest toe, or the record "
    "most recently transmitted (what a real-time receiver had). Every rule keeps to each "
    "system's validity interval.",
)
@click.option(
    "--antex",
    "antex_file",
    type=click.Path(exists=True, dir_okay=False),
    help="ANTEX file (e.g. igs20.atx): satellite antenna offsets applied to the precise "
    "orbits, so both refer to the antenna phase centre.",
)
@click.option("--per-satellite", is_flag=True, help="Also print the per-satellite table.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False),
    help="Write a PNG: per-constellation SISRE series and per-satellite bars.",
)
def sisre_command(
    nav,
    sp3_files,
    clk_files,
    interval_s,
    systems,
    align_clock,
    galileo_message,
    rule,
    antex_file,
    per_satellite,
    as_json,
    plot_path,
):
    """Signal-in-space range error of the broadcast ephemerides in NAV (one or more files;
    add the previous day's file for the first hours) against precise orbits and clocks."""
    import warnings

    from kompas.analysis.sisre import sisre, sisre_summary
    from kompas.io.rinex_clock import read_rinex_clock
    from kompas.io.rinex_nav import read_nav
    from kompas.io.sp3 import read_sp3
    from kompas.orbits.precise import PreciseOrbit

    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        navdata = read_nav(list(nav))
        sp3 = read_sp3(list(sp3_files))
        clk = read_rinex_clock(list(clk_files)) if clk_files else None
        t_read = time.perf_counter() - t0
        antex = None
        if antex_file:
            from kompas.io.antex import read_antex

            antex = read_antex(antex_file)
        precise = PreciseOrbit(sp3, clk, antex=antex)
        ds = sisre(
            navdata,
            precise,
            interval_s=interval_s,
            systems=systems,
            align_clock=align_clock,
            galileo_message=galileo_message,
            rule=rule,
        )
        summary = sisre_summary(ds)
    t_total = time.perf_counter() - t0
    report = {
        "navigation_files": list(nav),
        "sp3_files": list(sp3_files),
        "clock_files": list(clk_files),
        "antex_file": antex_file,
        "rule": rule,
        "interval_s": interval_s,
        "epochs": int(ds.sizes["time"]),
        "satellites": int(ds.sizes["sv"]),
        **summary.to_dict(),
        "warnings": sorted({str(w.message) for w in caught if "empty slice" not in str(w.message)}),
        "time_read_s": round(t_read, 3),
        "time_total_s": round(t_total, 3),
    }
    if summary.groups.empty:
        reason = _no_sample_reason(navdata, sp3, systems, summary)
        report["no_result"] = reason
        if as_json:
            echo_json(report)
        raise NoResult(f"no SISRE sample: {reason}")
    if plot_path:
        plot_sisre(ds, summary, plot_path)
        report["plot"] = plot_path
    if as_json:
        echo_json(report)
        return
    _print_report(summary, report, per_satellite)
    if plot_path:
        click.echo(f"Plot written to {plot_path}")
