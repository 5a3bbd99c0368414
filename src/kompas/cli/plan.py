"""``kompas plan``: satellites in view, DOP and availability for mixes of systems and with
each system removed in turn, at a site, along a route or over a grid."""

from __future__ import annotations

import time

import click
import numpy as np

from kompas.cli.common import (
    ELEVATION_DEG,
    EPOCH,
    LATITUDE_DEG,
    LONGITUDE_DEG,
    POSITIVE_INT,
    POSITIVE_S,
    Column,
    NoResult,
    echo_json,
    navigation_span,
    parse_systems,
    resolve_epoch,
    span_text,
    stamp,
    systems_option,
    table_80,
)

#: A plan farther than this from the first/last clock epoch of the broadcast records is of
#: another day (the margin of the solver's own check, positioning.sources: 6 h; records
#: are valid at most 4 h from their epoch); nearer, unsolvable epochs are counted (exit 3).
_NAV_MARGIN_S = 6 * 3600.0


def finite(ctx: click.Context, param: click.Parameter, value):
    """Option callback: the shared range types let NaN and infinity through; refuse them."""
    if value is not None and not np.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number")
    return value


def _in_range(value: float, kind, what: str, text: str, hint: str) -> float:
    if not kind.min <= value <= kind.max:
        raise click.BadParameter(
            f"{what} {value:g} in {text!r} is not in the range {kind.min:g}..{kind.max:g} degrees",
            param_hint=hint,
        )
    return value


def _site(text: str) -> tuple[float, float, float]:
    """``LAT,LON[,H]`` → (lat_deg, lon_deg, height_m); a usage error otherwise."""
    try:
        vals = [float(v) for v in text.replace(" ", "").split(",")]
    except ValueError:
        vals = []
    if len(vals) == 2:
        vals.append(0.0)
    if len(vals) != 3 or not all(np.isfinite(vals)):
        raise click.BadParameter(
            f"expected LAT,LON[,H] in degrees and metres, got {text!r}", param_hint="--site"
        )
    _in_range(vals[0], LATITUDE_DEG, "latitude", text, "--site")
    _in_range(vals[1], LONGITUDE_DEG, "longitude", text, "--site")
    return vals[0], vals[1], vals[2]


def _site_callback(ctx, param, value):
    return None if value is None else _site(value)


def _mixes_callback(ctx, param, value):
    out = []
    for text in value:
        try:
            out.append(parse_systems(text))
        except click.BadParameter as exc:
            raise click.BadParameter(f"mix {text!r}: {exc.message}", param_hint="--mix") from None
    return tuple(out)


def _read_route(path: str):
    """The route CSV as a table (time, lat, lon, height); a usage error naming the file and
    the first bad line otherwise."""
    import pandas as pd

    from kompas.errors import KompasError
    from kompas.time import Time, TimeScale

    def bad(what: str):
        return click.BadParameter(
            f"{path}: {what}; expected CSV columns time (ISO, GPST), lat, lon[, height]",
            param_hint="--route",
        )

    try:
        df = pd.read_csv(path)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad(f"not a CSV table ({str(exc).splitlines()[0]})") from None
    cols = {str(c).lower().strip(): c for c in df.columns}
    pick = [cols.get(k) or cols.get(k + "_deg") for k in ("time", "lat", "lon")]
    if not all(pick):
        raise bad(f"columns {', '.join(map(str, df.columns))}")
    if df.empty:
        raise bad("no row")
    hcol = cols.get("height") or cols.get("h") or cols.get("height_m")
    out = pd.DataFrame({"time": df[pick[0]].astype(str).str.strip()})
    for name, col, kind in (("lat", pick[1], LATITUDE_DEG), ("lon", pick[2], LONGITUDE_DEG)):
        v = pd.to_numeric(df[col], errors="coerce").to_numpy(float)
        wrong = ~np.isfinite(v) | (v < kind.min) | (v > kind.max)
        if wrong.any():
            i = int(np.argmax(wrong))
            raise bad(
                f"line {i + 2}: {name} '{df[col].iloc[i]}' is not a number in "
                f"{kind.min:g}..{kind.max:g}"
            )
        out[name] = v
    out["height"] = pd.to_numeric(df[hcol], errors="coerce").fillna(0.0) if hcol else 0.0
    try:
        Time.parse(out["time"].to_numpy(), TimeScale.GPST)
    except (KompasError, ValueError):
        for i, text in enumerate(out["time"]):
            try:
                Time.parse(text, TimeScale.GPST)
            except (KompasError, ValueError):
                raise bad(f"line {i + 2}: time {text!r} is not YYYY-MM-DDTHH:MM:SS") from None
    return out


def _check_route_span(path: str, table, t0, t1) -> None:
    """A usage error naming the route when its times miss the planning span."""
    from kompas.time import Time, TimeScale

    t = Time.parse(table["time"].to_numpy(), TimeScale.GPST).datetime64
    if t.max() < t0 or t.min() > t1:
        raise click.BadParameter(
            f"{path}: the route spans {span_text(t.min(), t.max())} GPST, outside "
            f"--start/--end {span_text(t0, t1)}",
            param_hint="--route",
        )


def _check_obstruction(path: str | None) -> None:
    from kompas.analysis.plan import obstruction_mask
    from kompas.errors import KompasError

    if path is None:
        return
    try:
        obstruction_mask(path)
    except (KompasError, ValueError) as exc:
        msg = str(exc)
        if not msg.startswith(path):
            msg = f"{path}: {msg}"
        raise click.BadParameter(msg, param_hint="--obstruction") from None


def _check_grid(grid: str | None) -> None:
    from kompas.analysis.plan import grid_points

    if grid is None:
        return
    try:  # the bounds only: the nodes at --step are counted by _check_size, not built
        grid_points(grid, 90.0)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--grid") from None


#: Most (epoch, point) pairs a plan may hold: each keeps a few float arrays per mix, so 5e7
#: pairs of 5 mixes need about 10 GB (a global 0.5° grid for a day at 600 s is 3.7e7).
_MAX_PAIRS = 50_000_000


def _check_size(grid, step_deg: float, t0, t1, interval_s: float) -> None:
    """A usage error before any allocation when the plan would not fit in memory."""
    from kompas.analysis.plan import _GRIDS

    epochs = int((t1 - t0) / np.timedelta64(1, "ns") // round(interval_s * 1e9)) + 1
    points = 1
    if grid is not None:
        w, s, e, n = _GRIDS[grid.lower()] if grid.lower() in _GRIDS else map(float, grid.split(","))
        points = (int((n - s) // step_deg) + 1) * (int((e - w) // step_deg) + 1)
    if epochs * points > _MAX_PAIRS:
        what = f"{points} grid points x {epochs} epochs" if grid else f"{epochs} epochs"
        raise click.BadParameter(
            f"{what} = {epochs * points:.3g} (epoch, point) pairs, more than {_MAX_PAIRS:.0e}: "
            "give a larger --step or --interval, or a shorter span",
            param_hint="--grid" if grid and points > 1 else "--interval",
        )


def _check_mixes(systems: str, mixes, minus_one: bool) -> None:
    for m in mixes:
        if set(m) - set(systems):
            raise click.BadParameter(
                f"mix {m!r} uses systems outside --systems {systems!r}", param_hint="--mix"
            )
    first = mixes[0] if mixes else systems
    if minus_one and len(first) < 2:
        raise click.BadParameter(
            f"removing each system in turn needs a mix of two systems or more, got {first!r}",
            param_hint="--minus-one",
        )


def _read_orbits(nav_files, sp3_files):
    """(orbits, their first and last epoch or None, file names, systems held)."""
    if nav_files:
        from kompas.io.rinex_nav import read_nav

        nav = read_nav(list(nav_files))
        held = "".join(sorted({k[0] for k in nav.keys() if len(nav[k])}))
        return nav, navigation_span(nav, held or "G"), nav_files, held
    if sp3_files:
        from kompas.io.sp3 import read_sp3

        sp3 = read_sp3(list(sp3_files))
        t = sp3["time"].values
        held = "".join(sorted({str(s)[0] for s in sp3["sv"].values}))
        return sp3, ((t.min(), t.max()) if t.size else None), sp3_files, held
    return "nominal", None, (), "GRECJIS"


def _check_coverage(orbits, span, files, held, systems, t0, t1) -> None:
    """Data errors naming the files: no satellite of the systems, or orbits of other days."""
    import xarray as xr

    from kompas.errors import KompasError

    if isinstance(orbits, str):
        return
    names = ", ".join(str(f) for f in files)
    if not set(systems) & set(held):
        raise KompasError(
            f"{names}: no satellite of systems {systems} (the files hold {held or 'none'})"
        )
    if isinstance(orbits, xr.Dataset):  # SP3
        if span is None or t0 < span[0] or t1 > span[1]:
            cover = span_text(*span) + " GPST" if span else "no epoch"
            raise KompasError(
                f"{names}: the precise orbits cover {cover}, the plan asks {span_text(t0, t1)} GPST"
            )
        return
    span = navigation_span(orbits, systems)
    margin = np.timedelta64(int(_NAV_MARGIN_S), "s")
    if span is None or t1 < span[0] - margin or t0 > span[1] + margin:
        cover = span_text(*span) + " GPST" if span else "no record"
        raise KompasError(
            f"{names}: the broadcast records of {systems} cover {cover}, the plan asks "
            f"{span_text(t0, t1)} GPST: navigation data of another day?"
        )


def _epochs(start, end, span, nominal: bool):
    """--start/--end as datetime64; a time of day needs the orbits' day."""
    for value, hint in ((start, "--start"), (end, "--end")):
        if isinstance(value, np.timedelta64) and (nominal or span is None):
            raise click.BadParameter(
                "a time of day needs orbit files to take the date from; give YYYY-MM-DDTHH:MM[:SS]",
                param_hint=hint,
            )
    # the day of the middle of the orbits' span: a day's navigation file starts with
    # records of the evening before, an SP3 file ends at 00:00 of the next day
    day = None if span is None else span[0] + (span[1] - span[0]) / 2
    t0, t1 = resolve_epoch(start, day), resolve_epoch(end, day)
    if t1 < t0:
        raise click.BadParameter(
            f"--end {stamp(t1)} is before --start {stamp(t0)}", param_hint="--end"
        )
    return t0, t1


def _no_result_reason(res) -> str:
    """Counted reason when no (epoch, point) of any mix has a solvable geometry."""
    a, ds = res.attrs, res.dataset
    n_sat = ds["n_sat"].values
    most = int(np.nanmax(n_sat)) if n_sat.size else 0
    return (
        f"none of {a['epochs']} epochs x {a['points']} point(s) has a solvable geometry in "
        f"any mix: at most {most} satellites above the {a['elmask_deg']:g}° mask "
        f"({a['satellites']} satellites in the orbits; 3 + one per system needed)"
    )


def _print(res) -> None:
    from rich.console import Console

    console = Console()  # the terminal's width; COLUMNS or 80 when piped
    a = res.attrs
    console.print(
        f"Orbits: {a['orbits']} ({a['orbit_source']}); {a['kind']}, {a['epochs']} epochs "
        f"{a['start']} - {a['end']} GPST, {a['points']} point(s), {a['satellites']} "
        f"satellites; mask {a['elmask_deg']}°" + (" + obstruction" if a["obstruction"] else ""),
        highlight=False,
    )
    cols = [
        Column("mix", justify="left"),
        Column("PDOP mean"),
        Column("PDOP median"),
        Column("available %"),
        Column("sats mean"),
        Column("solvable %"),
    ]
    rows = [
        [
            m,
            f"{v['pdop_mean']:.2f}",
            f"{v['pdop_median']:.2f}",
            f"{100 * v['availability']:.2f}",
            f"{v['n_sat_mean']:.1f}",
            f"{100 * v['solved_fraction']:.1f}",
        ]
        for m, v in res.summary.items()
    ]
    title = f"Mixes (available: PDOP <= {a['pdop_max']} and >= {a['min_sats']} satellites)"
    console.print(table_80(cols, rows, title=title))
    rows = [
        [
            r["removed"],
            r["mix"],
            f"{100 * r['availability_loss']:.2f}",
            f"{r['pdop_mean_increase']:+.3f}",
            f"{r['n_sat_mean']:.1f}",
        ]
        for r in res.minus_one_table()
    ]
    if rows:
        cols = [
            Column("removed", justify="left"),
            Column("mix", justify="left"),
            Column("availability lost %"),
            Column("PDOP increase"),
            Column("sats left"),
        ]
        console.print(table_80(cols, rows, title="Minus one, costliest loss first"))


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


def _check_plot_folder(plot_path: str | None) -> None:
    from pathlib import Path

    if plot_path and not Path(plot_path).resolve().parent.is_dir():
        raise click.BadParameter(f"no folder {Path(plot_path).parent}", param_hint="--plot")


def _run_plan(orbits, kwargs: dict, as_json: bool):
    """:func:`kompas.analysis.plan.plan` (with a progress bar on a terminal) and the
    warnings it gave, as one line each."""
    import warnings

    from rich.progress import Progress

    from kompas.analysis.plan import plan

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if as_json:
            res = plan(orbits, **kwargs)
        else:
            with Progress(transient=True) as bar:
                task = bar.add_task("planning", total=None)
                res = plan(
                    orbits, progress=lambda d, n: bar.update(task, completed=d, total=n), **kwargs
                )
    texts = [  # kompas's own warnings; numpy's all-NaN and matplotlib's legend notes dropped
        str(w.message)
        for w in caught
        if not issubclass(w.category, RuntimeWarning) and "matplotlib" not in w.filename
    ]
    return res, list(dict.fromkeys(texts))


@click.command("plan")
@click.option("--site", callback=_site_callback, help="LAT,LON[,H] (degrees, metres).")
@click.option(
    "--route",
    "route",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV with columns time (ISO, GPST), lat, lon[, height].",
)
@click.option("--grid", help="global, arctic (60-90 N) or W,S,E,N in degrees.")
@click.option(
    "--step",
    "step_deg",
    type=POSITIVE_S,
    callback=finite,
    default=2.0,
    show_default=True,
    help="Grid step, degrees (> 0).",
)
@click.option(
    "--start", required=True, type=EPOCH, help="First epoch, YYYY-MM-DDTHH:MM[:SS] (GPST)."
)
@click.option("--end", required=True, type=EPOCH, help="Last epoch, YYYY-MM-DDTHH:MM[:SS] (GPST).")
@click.option(
    "--interval",
    "interval_s",
    type=POSITIVE_S,
    callback=finite,
    default=600.0,
    show_default=True,
    help="Epoch interval, seconds (> 0).",
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
@systems_option(default="GREC")
@click.option(
    "--mix",
    "mixes",
    multiple=True,
    callback=_mixes_callback,
    help="Mix to evaluate (repeat; letters or names); default SYSTEMS.",
)
@click.option("--minus-one", is_flag=True, help="Also each system of the first mix removed.")
@click.option(
    "--elmask",
    "elmask_deg",
    type=ELEVATION_DEG,
    callback=finite,
    default=10.0,
    show_default=True,
    help="Degrees.",
)
@click.option(
    "--obstruction",
    type=click.Path(exists=True, dir_okay=False),
    help="Text/CSV rows 'azimuth_deg, min_elevation_deg'.",
)
@click.option(
    "--pdop-max", type=POSITIVE_S, callback=finite, default=6.0, show_default=True, help="> 0."
)
@click.option("--min-sats", type=POSITIVE_INT, default=4, show_default=True, help=">= 1.")
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
    where = [x is not None for x in (site, route, grid)]
    if sum(where) != 1:
        raise click.UsageError("give exactly one of --site, --route, --grid")
    sources = [bool(nav_files), bool(sp3_files), bool(nominal)]
    if sum(sources) != 1:
        raise click.UsageError("give exactly one of --nav, --sp3, --nominal")
    _check_grid(grid)
    _check_mixes(systems, mixes, minus_one)
    _check_obstruction(obstruction)
    _check_plot_folder(plot_path)
    route_table = _read_route(route) if route else None
    if not any(isinstance(v, np.timedelta64) for v in (start, end)):
        _epochs(start, end, None, nominal)  # --end before --start: before reading anything
    t0 = time.perf_counter()
    orbits, span, files, held = _read_orbits(nav_files, sp3_files)
    t_start, t_end = _epochs(start, end, span, nominal)
    _check_size(grid, step_deg, t_start, t_end, interval_s)
    _check_coverage(orbits, span, files, held, systems, t_start, t_end)
    if route_table is not None:
        _check_route_span(route, route_table, t_start, t_end)
    kwargs = dict(
        start=str(t_start),
        end=str(t_end),
        interval_s=interval_s,
        site=site,
        route=route_table,
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
    res, warned = _run_plan(orbits, kwargs, as_json)
    for text in warned:
        click.echo(f"kompas: warning: {text}", err=True)
    if all(v["solved_fraction"] == 0 for v in res.summary.values()):
        raise NoResult(_no_result_reason(res))
    payload = res.to_dict()
    payload["warnings"] = warned
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
