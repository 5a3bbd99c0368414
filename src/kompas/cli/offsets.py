"""``kompas offsets``: broadcast system time offsets, their consistency, receiver biases."""

from __future__ import annotations

import time

import click

from kompas.cli.common import NoResult, echo_json


def _fmt(v, spec: str = "{:.2f}") -> str:
    try:
        return "-" if v != v else spec.format(v)
    except (TypeError, ValueError):
        return str(v)


def _print(report, unit: str, k: float) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=80) if not Console().is_terminal else Console()
    t = Table(title=f"Broadcast time offsets T_XX - T_YY [{unit}]", title_justify="left")
    for c in ("pair", "source", "UTC id", "rec", "median", "min", "max", "LSB"):
        t.add_column(c, justify="left" if c in ("pair", "source", "UTC id") else "right")
    for _, r in report.series.iterrows():
        t.add_row(
            r["pair"],
            r["source"],
            r["utc_id"] or "-",
            str(r["records"]),
            *[_fmt(r[c] * k) for c in ("median_ns", "min_ns", "max_ns", "resolution_ns")],
        )
    console.print(t)
    if len(report.consistency):
        t = Table(title=f"Consistency between sources (a - b) [{unit}]", title_justify="left")
        for c in ("pair", "a", "b", "n", "median", "max |d|", "LSB", "ok"):
            t.add_column(c, justify="left" if c in ("pair", "a", "b") else "right")
        for _, r in report.consistency.iterrows():
            ok = r["consistent"]
            t.add_row(
                r["pair"],
                r["a"],
                r["b"],
                str(r["n"]),
                _fmt(r["median_ns"] * k),
                _fmt(r["max_abs_ns"] * k),
                _fmt(r["resolution_ns"] * k),
                "-" if ok is None else ("yes" if ok else "NO"),
            )
        console.print(t)
    if report.receivers:
        t = Table(
            title=f"Receiver inter-system bias: estimated - broadcast [{unit}]",
            title_justify="left",
        )
        for c in ("station", "pair", "source", "est", "bcast", "median", "std", "drift/d"):
            t.add_column(c, justify="left" if c in ("station", "pair") else "right")
        for st, pairs in report.receivers.items():
            for key, e in pairs.items():
                d = e["estimated_minus_broadcast_ns"]
                t.add_row(
                    st,
                    key,
                    e["broadcast_source"],
                    _fmt(e["estimated_ns"]["median"] * k),
                    _fmt(e["broadcast_ns"]["median"] * k),
                    _fmt(d["median"] * k),
                    _fmt(d["std"] * k),
                    _fmt(d["drift_ns_per_day"] * k),
                )
        console.print(t)
        console.print(
            "est = -isb/c (the receiver's T_S - GPST); est - bcast = the receiver's own "
            "inter-system hardware bias (constant if the broadcast offset is right).",
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


@click.command("offsets")
@click.argument("nav", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--obs",
    "obs_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Observation file(s): solve each and compare its inter-system biases.",
)
@click.option("--systems", default="GREC", show_default=True, help="Systems solved (with G).")
@click.option(
    "--interval",
    "interval_s",
    type=float,
    default=300.0,
    show_default=True,
    help="Grid of the broadcast series, seconds.",
)
@click.option("--unit", type=click.Choice(["ns", "m"]), default="ns", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), help="Write a PNG.")
def offsets_command(nav, obs_files, systems, interval_s, unit, as_json, plot_path):
    """Every broadcast system time offset in NAV (RINEX 3 TIME SYSTEM CORR, RINEX 4 STO by
    message) as series, consistency between the sources (and through UTC) and, with --obs,
    each receiver's estimated inter-system bias minus the broadcast offset."""
    from kompas.analysis.time_offsets import _unit_factor, time_offsets
    from kompas.io.rinex_nav import read_nav
    from kompas.io.rinex_obs import read_obs

    t0 = time.perf_counter()
    navdata = read_nav(list(nav))
    if navdata.sto.empty:
        raise NoResult("no time offsets in the navigation files (no TIME SYSTEM CORR / STO)")
    obs = [read_obs(f) for f in obs_files]
    report = time_offsets(navdata, obs, interval_s=interval_s, systems=systems)
    if report.broadcast.empty:
        raise NoResult("no broadcast time offset covers the navigation data's span")
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
