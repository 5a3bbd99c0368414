"""``kompas offsets``: broadcast system time offsets, their consistency, receiver biases."""

from __future__ import annotations

import time
from pathlib import Path

import click
import numpy as np

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


def finite(ctx: click.Context, param: click.Parameter, value):
    """Option callback: the shared range types let NaN and infinity through; refuse them."""
    if value is not None and not np.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number")
    return value


def _fmt(v, spec: str = "{:.2f}") -> str:
    try:
        return "-" if v != v else spec.format(v)
    except (TypeError, ValueError):
        return str(v)


def _columns(names: list[str], left: int) -> list[Column]:
    """table_80 columns: the first ``left`` are text labels, the rest numbers."""
    return [
        Column(n, justify="left", wrap=True) if i < left else Column(n) for i, n in enumerate(names)
    ]


def _tables(report, unit: str, k: float) -> list:
    """The terminal tables of the report, each fitting the terminal (never a cut number)."""
    out = []
    rows = [
        [
            r["pair"],
            r["source"],
            r["utc_id"] or "-",
            str(r["records"]),
            *[_fmt(r[c] * k) for c in ("median_ns", "min_ns", "max_ns", "resolution_ns")],
        ]
        for _, r in report.series.iterrows()
    ]
    heads = ["pair", "source", "UTC id", "rec", "median", "min", "max", "LSB"]
    title = f"Broadcast time offsets T_XX - T_YY [{unit}]"
    out.append(table_80(_columns(heads, 3), rows, title=title))
    if len(report.consistency):
        rows = []
        for _, r in report.consistency.iterrows():
            ok = r["consistent"]
            rows.append(
                [
                    r["pair"],
                    r["a"],
                    r["b"],
                    str(r["n"]),
                    _fmt(r["median_ns"] * k),
                    _fmt(r["max_abs_ns"] * k),
                    _fmt(r["resolution_ns"] * k),
                    "-" if ok is None else ("yes" if ok else "NO"),
                ]
            )
        heads = ["pair", "a", "b", "n", "median", "max |d|", "LSB", "ok"]
        title = f"Consistency between sources (a - b) [{unit}]"
        out.append(table_80(_columns(heads, 3), rows, title=title))
    rows = []
    for st, pairs in report.receivers.items():
        for key, e in pairs.items():
            d = e["estimated_minus_broadcast_ns"]
            rows.append(
                [
                    st,
                    key,
                    e["broadcast_source"],
                    _fmt(e["estimated_ns"]["median"] * k),
                    _fmt(e["broadcast_ns"]["median"] * k),
                    _fmt(d["median"] * k),
                    _fmt(d["std"] * k),
                    _fmt(d["drift_ns_per_day"] * k),
                ]
            )
    if rows:
        heads = ["station", "pair", "source", "est", "bcast", "est - bcast", "std", "drift/d"]
        title = f"Receiver inter-system bias: estimated - broadcast [{unit}]"
        caption = (
            "est = -isb/c (the receiver's T_S - GPST); est - bcast = the receiver's own "
            "inter-system hardware bias (constant if the broadcast offset is right)."
        )
        out.append(table_80(_columns(heads, 3), rows, title=title, caption=caption))
    return out


def _print(report, unit: str, k: float) -> None:
    from rich.console import Console

    console = Console()  # the terminal's width; COLUMNS or 80 when piped
    for table in _tables(report, unit, k):
        console.print(table)
    for st in report.receivers:
        if not report.receivers[st]:
            console.print(
                f"{st}: no inter-system bias (no epoch solved with GPS and another system)",
                highlight=False,
            )


def plot_offsets(report, path: str, unit: str = "ns") -> None:
    """Broadcast series per pair/source (top) and receivers' estimated - broadcast (bottom)."""
    from kompas.analysis.time_offsets import _unit_factor
    from kompas.report.page import subplots

    k = _unit_factor(unit)
    n = 2 if report.receivers else 1
    fig, axes = subplots(n, 1, figsize=(10, 3.6 * n))
    axes = list(axes) if n > 1 else [axes]
    ax = axes[0]
    for (p, s, u), g in report.broadcast.groupby(["pair", "source", "utc_id"]):
        label = f"{p} {s}" + (f" {u}" if u else "")
        ax.plot(g["time"], g["offset_ns"] * k, lw=1, label=label)
    ax.set_ylabel(f"T_XX - T_YY [{unit}]")
    ax.set_title("Broadcast system time offsets", fontsize=9)
    ax.legend(fontsize=6, ncol=4)
    ax.grid(alpha=0.3)
    if n > 1:
        ax = axes[1]
        for st, df in report.receiver_series.items():
            for pair, g in df.groupby("pair"):
                ax.plot(
                    g["time"],
                    (g["estimated_ns"] - g["broadcast_ns"]) * k,
                    lw=0.6,
                    label=f"{st} {pair}",
                )
        ax.set_ylabel(f"estimated - broadcast [{unit}]")
        ax.legend(fontsize=7, ncol=4)
        ax.grid(alpha=0.3)
    fig.savefig(path, dpi=110)


def check_plot_folder(plot_path: str | None) -> None:
    """A usage error, before any work, when the folder of ``--plot`` does not exist."""
    if plot_path and not Path(plot_path).resolve().parent.is_dir():
        raise click.BadParameter(f"no folder {Path(plot_path).parent}", param_hint="--plot")


def _read_receivers(obs_files) -> list:
    from kompas.io.rinex_obs import read_obs

    return [read_obs(f) for f in obs_files]


#: Navigation data farther than this from a receiver's observations is of another day (the
#: margin of the solver's own check, positioning.sources).
_NAV_MARGIN = np.timedelta64(6 * 3600, "s")


def _check_days(navdata, nav, obs, obs_files, systems) -> None:
    """A data error naming the files when the navigation data are of another day than an
    observation file (checked before the broadcast series are built)."""
    from kompas.errors import KompasError

    span = navigation_span(navdata, systems)
    names = ", ".join(Path(n).name for n in nav)
    for ds, path in zip(obs, obs_files, strict=True):
        t = ds["time"].values
        if not t.size:
            raise KompasError(f"{path}: no observation epoch")
        if span is None:
            raise KompasError(f"{names}: no ephemeris of systems {systems}")
        if t.max() < span[0] - _NAV_MARGIN or t.min() > span[1] + _NAV_MARGIN:
            raise KompasError(
                f"{names}: the broadcast records cover {span_text(*span)} GPST, "
                f"{Path(path).name} {span_text(t.min(), t.max())}: navigation data of "
                "another day?"
            )


def _run(navdata, nav, obs, obs_files, interval_s, systems):
    """:func:`time_offsets`; a data error from solving the observations names the files."""
    from kompas.analysis.time_offsets import time_offsets
    from kompas.errors import KompasError

    try:
        return time_offsets(navdata, obs, interval_s=interval_s, systems=systems)
    except KompasError as exc:
        if not obs:
            raise
        files = ", ".join(Path(f).name for f in (*obs_files, *nav))
        raise KompasError(f"{files}: {exc}") from None


@click.command("offsets")
@click.argument("nav", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--obs",
    "obs_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Observation file(s): solve each and compare its inter-system biases.",
)
@systems_option(
    default="GREC", help="Systems solved with --obs (GPS among them): letters GREC or names."
)
@click.option(
    "--interval",
    "interval_s",
    type=POSITIVE_S,
    callback=finite,
    default=300.0,
    show_default=True,
    help="Grid of the broadcast series, seconds (> 0).",
)
@click.option("--unit", type=click.Choice(["ns", "m"]), default="ns", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), help="Write a PNG.")
def offsets_command(nav, obs_files, systems, interval_s, unit, as_json, plot_path):
    """Every broadcast system time offset in NAV (RINEX 3 TIME SYSTEM CORR, RINEX 4 STO by
    message) as series, consistency between the sources (and through UTC) and, with --obs,
    each receiver's estimated inter-system bias minus the broadcast offset."""
    from kompas.analysis.time_offsets import _unit_factor
    from kompas.io.rinex_nav import read_nav

    if obs_files and "G" not in systems:
        raise click.BadParameter(
            f"{systems!r} has no GPS: GPS is the reference clock of the receiver biases",
            param_hint="--systems",
        )
    check_plot_folder(plot_path)
    t0 = time.perf_counter()
    navdata = read_nav(list(nav))
    if navdata.sto is None or navdata.sto.empty:
        files = ", ".join(Path(n).name for n in nav)
        records = sum(len(navdata[k]) for k in navdata.keys())
        raise NoResult(
            f"{files}: 0 system time offsets (no TIME SYSTEM CORR / STO) among "
            f"{records} broadcast records"
        )
    obs = _read_receivers(obs_files)
    _check_days(navdata, nav, obs, obs_files, systems)
    report = _run(navdata, nav, obs, obs_files, interval_s, systems)
    if report.broadcast.empty:
        raise NoResult(
            f"none of the {len(navdata.sto)} broadcast time offsets covers the navigation "
            f"data's span ({report.attrs['start']} to {report.attrs['end']})"
        )
    payload = report.to_dict(unit)
    payload["time_total_s"] = round(time.perf_counter() - t0, 3)
    if plot_path:
        plot_offsets(report, plot_path, unit)
        payload["plot"] = plot_path
    if as_json:
        echo_json(payload)
        return
    _print(report, unit, _unit_factor(unit))
    if plot_path:
        click.echo(f"Plot written to {plot_path}")
