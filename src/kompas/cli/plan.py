"""``kompas plan``: satellites in view, DOP and availability for mixes of systems and with
each system removed in turn, at a site, along a route or over a grid."""

from __future__ import annotations

import time

import click
import numpy as np

from kompas.cli.common import NoResult, echo_json


def _site(text: str) -> tuple[float, float, float]:
    try:
        vals = [float(v) for v in text.replace(" ", "").split(",")]
    except ValueError:
        vals = []
    if len(vals) == 2:
        vals.append(0.0)
    if len(vals) != 3 or not -90 <= vals[0] <= 90:
        raise click.BadParameter(f"expected LAT,LON[,H] in degrees and metres, got {text!r}")
    return vals[0], vals[1], vals[2]


def _print(res) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=80) if not Console().is_terminal else Console()
    a = res.attrs
    console.print(
        f"Orbits: {a['orbits']} ({a['orbit_source']}); {a['kind']}, {a['epochs']} epochs "
        f"{a['start']} - {a['end']} GPST, {a['points']} point(s), {a['satellites']} "
        f"satellites; mask {a['elmask_deg']}°" + (" + obstruction" if a["obstruction"] else ""),
        highlight=False,
    )
    t = Table(
        title=f"Mixes (availability: PDOP <= {a['pdop_max']} and >= {a['min_sats']} sats)",
        title_justify="left",
    )
    for c in ("mix", "PDOP mean", "median", "avail %", "sats", "solved %"):
        t.add_column(c, justify="left" if c == "mix" else "right")
    for m, v in res.summary.items():
        t.add_row(
            m,
            f"{v['pdop_mean']:.2f}",
            f"{v['pdop_median']:.2f}",
            f"{100 * v['availability']:.2f}",
            f"{v['n_sat_mean']:.1f}",
            f"{100 * v['solved_fraction']:.1f}",
        )
    console.print(t)
    rows = res.minus_one_table()
    if rows:
        t = Table(title="Minus one, costliest loss first", title_justify="left")
        for c in ("removed", "mix", "avail lost %", "PDOP +", "sats left"):
            t.add_column(c, justify="left" if c in ("removed", "mix") else "right")
        for r in rows:
            t.add_row(
                r["removed"],
                r["mix"],
                f"{100 * r['availability_loss']:.2f}",
                f"{r['pdop_mean_increase']:+.3f}",
                f"{r['n_sat_mean']:.1f}",
            )
        console.print(t)


def plot_plan(res, path: str) -> None:
    """Maps (grid) or time series (site/route) of the plan, one PNG."""
    from kompas.report.page import subplots

    ds = res.dataset
    mixes = [str(m) for m in ds["mix"].values]
    if res.attrs["kind"] == "grid":
        fig = _plot_maps(ds, mixes, subplots)
    else:
        fig, axes = subplots(2, 1, figsize=(10, 6.5), sharex=True)
        for m in mixes:
            axes[0].plot(ds["time"].values, ds["pdop"].sel(mix=m).values[:, 0], lw=1, label=m)
            axes[1].plot(ds["time"].values, ds["n_sat"].sel(mix=m).values[:, 0], lw=1, label=m)
        axes[0].set_ylabel("PDOP")
        axes[1].set_ylabel("satellites in view")
        axes[1].set_xlabel("time (GPST)")
        axes[0].legend(fontsize=7, ncol=5)
        for ax in axes:
            ax.grid(alpha=0.3)
        axes[0].set_title(f"{res.attrs['kind']}: PDOP and satellites per mix", fontsize=9)
    fig.savefig(path, dpi=100)


def _plot_maps(ds, mixes, subplots):
    """Row 1: availability and mean PDOP of every requested mix; row 2: the mean PDOP
    increase when each system of the first mix is removed."""
    lat = np.unique(ds["lat_deg"].values)
    lon = np.unique(ds["lon_deg"].values)
    shape = (len(lat), len(lon))
    base = [m for m in mixes if "-" not in m]
    minus = [m for m in mixes if "-" in m]
    n_cols = max(2 * len(base), len(minus), 2)
    n_rows = 2 if minus else 1
    fig, axes = subplots(n_rows, n_cols, figsize=(4.2 * n_cols, 2.8 * n_rows), squeeze=False)
    ext = (lon[0], lon[-1], lat[0], lat[-1])

    def panel(ax, img, title, cmap):
        im = ax.imshow(img.reshape(shape), origin="lower", extent=ext, aspect="auto", cmap=cmap)
        ax.set_title(title, fontsize=8)
        ax.figure.colorbar(im, ax=ax, shrink=0.8)

    for k, m in enumerate(base):
        panel(axes[0][2 * k], ds["availability"].sel(mix=m).values, f"availability {m}", "viridis")
        panel(axes[0][2 * k + 1], ds["pdop_mean"].sel(mix=m).values, f"mean PDOP {m}", "magma_r")
    for ax in axes[0][2 * len(base) :]:
        ax.axis("off")
    full = ds["pdop_mean"].sel(mix=mixes[0]).values
    for k, m in enumerate(minus):
        loss = ds["pdop_mean"].sel(mix=m).values - full
        panel(axes[1][k], loss, f"mean PDOP increase without {m.split('-', 1)[1]}", "Reds")
    if minus:
        for ax in axes[1][len(minus) :]:
            ax.axis("off")
    return fig


@click.command("plan")
@click.option("--site", help="LAT,LON[,H] (degrees, metres).")
@click.option(
    "--route",
    "route",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV with columns time (ISO, GPST), lat, lon[, height].",
)
@click.option("--grid", help="global, arctic (60-90 N) or W,S,E,N in degrees.")
@click.option(
    "--step", "step_deg", type=float, default=2.0, show_default=True, help="Grid step, degrees."
)
@click.option("--start", required=True, help="First epoch, ISO (GPST).")
@click.option("--end", required=True, help="Last epoch, ISO (GPST).")
@click.option(
    "--interval",
    "interval_s",
    type=float,
    default=600.0,
    show_default=True,
    help="Epoch interval, seconds.",
)
@click.option(
    "--nav",
    "nav_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Broadcast navigation file(s).",
)
@click.option(
    "--sp3",
    "sp3_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Precise orbit file(s).",
)
@click.option("--nominal", is_flag=True, help="Nominal constellations (kompas.sim).")
@click.option("--systems", default="GREC", show_default=True)
@click.option("--mix", "mixes", multiple=True, help="Mix to evaluate (repeat); default SYSTEMS.")
@click.option("--minus-one", is_flag=True, help="Also each system of the first mix removed.")
@click.option("--elmask", "elmask_deg", type=float, default=10.0, show_default=True)
@click.option(
    "--obstruction",
    type=click.Path(exists=True, dir_okay=False),
    help="Text/CSV rows 'azimuth_deg, min_elevation_deg'.",
)
@click.option("--pdop-max", type=float, default=6.0, show_default=True)
@click.option("--min-sats", type=int, default=4, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), help="Write a PNG.")
def plan_command(
    site,
    route,
    grid,
    step_deg,
    start,
    end,
    interval_s,
    nav_files,
    sp3_files,
    nominal,
    systems,
    mixes,
    minus_one,
    elmask_deg,
    obstruction,
    pdop_max,
    min_sats,
    as_json,
    plot_path,
):
    """Satellites in view, DOPs and availability for mixes of systems (and with each system
    removed in turn: --minus-one), from broadcast (--nav), precise (--sp3) or nominal
    (--nominal) orbits."""
    from rich.progress import Progress

    from kompas.analysis.plan import plan

    where = [x is not None for x in (site, route, grid)]
    if sum(where) != 1:
        raise click.UsageError("give exactly one of --site, --route, --grid")
    sources = [bool(nav_files), bool(sp3_files), bool(nominal)]
    if sum(sources) != 1:
        raise click.UsageError("give exactly one of --nav, --sp3, --nominal")
    t0 = time.perf_counter()
    if nav_files:
        from kompas.io.rinex_nav import read_nav

        orbits = read_nav(list(nav_files))
    elif sp3_files:
        from kompas.io.sp3 import read_sp3

        orbits = read_sp3(list(sp3_files))
    else:
        orbits = "nominal"
    kwargs = dict(
        start=start,
        end=end,
        interval_s=interval_s,
        site=_site(site) if site else None,
        route=route,
        grid=grid,
        step_deg=step_deg,
        systems=systems,
        mixes=list(mixes) or None,
        minus_one=minus_one,
        elmask_deg=elmask_deg,
        obstruction=obstruction,
        pdop_max=pdop_max,
        min_sats=min_sats,
    )
    try:
        if as_json:
            res = plan(orbits, **kwargs)
        else:
            with Progress(transient=True) as bar:
                task = bar.add_task("planning", total=None)
                res = plan(
                    orbits, progress=lambda d, n: bar.update(task, completed=d, total=n), **kwargs
                )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if all(v["solved_fraction"] == 0 for v in res.summary.values()):
        raise NoResult("no epoch/point has a solvable geometry (orbits outside their validity?)")
    payload = res.to_dict()
    payload["time_total_s"] = round(time.perf_counter() - t0, 3)
    if plot_path:
        plot_plan(res, plot_path)
        payload["plot"] = plot_path
    if as_json:
        echo_json(payload)
        return
    _print(res)
    if plot_path:
        click.echo(f"Plot written to {plot_path}")
