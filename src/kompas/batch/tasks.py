"""The task kinds of a batch: one small function per kind, registered by name.

A kind is ``run(ctx: TaskContext) -> dict``: it reads what it needs through the context,
writes its files through it (atomically) and returns one flat row of scalars for the network
table (``stations.parquet``, columns prefixed with the kind's name). It raises a
:class:`~kompas.errors.KompasError` with a one-line reason when the station-day cannot give a
result; the runner records that reason and the other kinds and tasks go on.

Each kind declares the inputs (file roles) and options its result depends on: they make its
fingerprint, so a kind is recomputed only when one of them changes.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kompas.batch.context import MissingInput, TaskContext
from kompas.errors import KompasError

__all__ = [
    "TaskKind",
    "register",
    "available_kinds",
    "get_kind",
    "parse_kinds",
    "NavigationMismatch",
    "NoSolution",
]


class NavigationMismatch(KompasError):
    """The navigation data do not cover the observations (wrong day, wrong files)."""


class NoSolution(KompasError):
    """The solver ran and solved no epoch."""


@dataclass(frozen=True)
class TaskKind:
    """A registered kind of task.

    Attributes
    ----------
    name : str
        As given to ``--do``.
    run : callable
        ``run(ctx) -> dict`` (one flat row).
    inputs : tuple of str
        File roles (``obs``, ``nav``, ``sp3``, ``clk``, ``truth``) its result depends on.
    options : tuple of str
        :class:`~kompas.batch.context.BatchOptions` fields its result depends on.
    description : str
        One line for ``--help``.
    """

    name: str
    run: Callable[[TaskContext], dict]
    inputs: tuple[str, ...]
    options: tuple[str, ...]
    description: str


_REGISTRY: dict[str, TaskKind] = {}


def register(name: str, inputs: tuple[str, ...], options: tuple[str, ...], description: str):
    """Decorator registering ``run(ctx) -> dict`` as the task kind ``name``."""

    def deco(fn: Callable[[TaskContext], dict]) -> Callable[[TaskContext], dict]:
        _REGISTRY[name] = TaskKind(name, fn, tuple(inputs), tuple(options), description)
        return fn

    return deco


def available_kinds() -> list[str]:
    """Names of the registered kinds, in registration order."""
    return list(_REGISTRY)


def get_kind(name: str) -> TaskKind:
    """The kind called ``name``; ValueError naming the available ones otherwise."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"unknown task kind {name!r}; available: {', '.join(available_kinds())}"
        ) from None


def parse_kinds(text: str) -> list[str]:
    """``"info,solve"`` → ``["info", "solve"]``, checked (ValueError listing the kinds)."""
    kinds = [k.strip().lower() for k in text.split(",") if k.strip()]
    if not kinds:
        raise ValueError(f"no task kind given; available: {', '.join(available_kinds())}")
    for k in kinds:
        get_kind(k)
    return list(dict.fromkeys(kinds))


# -- info ------------------------------------------------------------------------------
@register("info", inputs=("obs",), options=(), description="what the observation file holds")
def info_task(ctx: TaskContext) -> dict:
    """Header facts, span, satellites and signal completeness (``info.json``)."""
    from kompas.io.rinex_obs_summary import summarize

    ds = ctx.obs()
    s = summarize(ds)
    ctx.write_json("info.json", s)
    row = {
        "receiver": s.get("receiver"),
        "antenna": s.get("antenna"),
        "start": s.get("start"),
        "end": s.get("end"),
        "interval_s": s.get("interval_s"),
        "epochs": s.get("epochs"),
        "satellites": s.get("satellites"),
        "skipped_epochs": s.get("skipped_epochs"),
        "truncated_epochs": s.get("truncated_epochs"),
    }
    xyz = ds.attrs.get("approx_position_xyz_m")
    if xyz is not None and len(xyz) == 3:
        row.update(approx_x_m=float(xyz[0]), approx_y_m=float(xyz[1]), approx_z_m=float(xyz[2]))
    for name, c in s.get("constellations", {}).items():
        row[f"satellites_{name}"] = c.get("satellites")
    return row


# -- solve -----------------------------------------------------------------------------
#: A broadcast ephemeris is used up to about 2 h after its reference epoch (GPS fit interval
#: 4 h centred on toe, IS-GPS-200 20.3.4.4; Galileo/BDS similar; GLONASS ±15 min of 30-min t_b
#: records), so a navigation span [first, last reference epoch] serves the observations up to
#: this long after its end and before its start.
NAV_MARGIN_NS = 2 * 3600 * 10**9
#: Smallest share of observation epochs the navigation span must cover: below it the files
#: belong to another day (yesterday's file alone covers 2 h of today: 8 %).
MIN_NAV_COVERAGE = 0.5
_GPS_EPOCH_NS = np.datetime64("1980-01-06T00:00:00", "ns")


def _nav_span_ns(nav) -> tuple[int, int] | None:
    tocs = [df["toc_ns"].to_numpy(np.int64) for df in nav.ephemerides.values() if len(df)]
    if not tocs:
        return None
    t = np.concatenate(tocs)
    t = t[t > 0]
    return (int(t.min()), int(t.max())) if t.size else None


def _iso_ns(ns: int) -> str:
    return str(np.datetime_as_string(_GPS_EPOCH_NS + np.timedelta64(int(ns), "ns"), unit="m"))


def check_navigation_covers(obs, nav, path: str) -> None:
    """Raise :class:`NavigationMismatch` when the navigation span misses most observations."""
    span = _nav_span_ns(nav)
    t = (obs["time"].values.astype("datetime64[ns]") - _GPS_EPOCH_NS).astype(np.int64)
    if span is None:
        raise NavigationMismatch(f"{path}: the navigation files hold no ephemeris")
    if t.size == 0:
        return
    inside = (t >= span[0] - NAV_MARGIN_NS) & (t <= span[1] + NAV_MARGIN_NS)
    share = float(inside.mean())
    if share < MIN_NAV_COVERAGE:
        raise NavigationMismatch(
            f"{path}: navigation data span {_iso_ns(span[0])} - {_iso_ns(span[1])} covers "
            f"{100 * share:.0f}% of the observations ({_iso_ns(t.min())} - {_iso_ns(t.max())}): "
            "navigation files of another day or time span?"
        )


def _dominant_status(sol) -> str:
    names = sol.attrs.get("status_names", {})
    vals, counts = np.unique(sol["status"].values, return_counts=True)
    k = int(vals[np.argmax(counts)])
    return str(names.get(k, names.get(str(k), k)))


def _solution_row(sol, ok: np.ndarray) -> dict:
    row = {
        "epochs": int(sol.attrs["epochs"]),
        "epochs_solved": int(sol.attrs["epochs_solved"]),
        "mean_satellites": float(sol["n_sat"].values[ok].mean()),
        "mean_pdop": float(np.nanmean(sol["pdop"].values[ok])),
        "codes": "; ".join(f"{k} {' '.join(v)}" for k, v in sol.attrs.get("codes", {}).items()),
    }
    xyz = np.median(sol["position_ecef_m"].values[ok], axis=0)
    row.update(x_m=float(xyz[0]), y_m=float(xyz[1]), z_m=float(xyz[2]))
    row["lat_deg"] = float(np.median(sol["lat_deg"].values[ok]))
    row["lon_deg"] = float(np.median(sol["lon_deg"].values[ok]))
    row["height_m"] = float(np.median(sol["height_m"].values[ok]))
    n_sys = sol["n_sat_system"].values
    isb = sol["isb_m"].values
    for k, s in enumerate(sol["system"].values.astype(str)):
        used = ok & (n_sys[:, k] > 0)
        row[f"epochs_{s}"] = int(used.sum())
        if k > 0:
            v = isb[used, k]
            row[f"isb_{s}_m"] = float(np.median(v)) if v.size else float("nan")
    return row


def _epochs_table(sol):
    import pandas as pd

    xyz = sol["position_ecef_m"].values
    cols = {
        "time": sol["time"].values,
        "x_m": xyz[:, 0],
        "y_m": xyz[:, 1],
        "z_m": xyz[:, 2],
        "lat_deg": sol["lat_deg"].values,
        "lon_deg": sol["lon_deg"].values,
        "height_m": sol["height_m"].values,
        "n_sat": sol["n_sat"].values,
        "pdop": sol["pdop"].values,
        "status": sol["status"].values,
    }
    for k, s in enumerate(sol["system"].values.astype(str)):
        cols[f"n_sat_{s}"] = sol["n_sat_system"].values[:, k]
        cols[f"clock_{s}_m"] = sol["clock_m"].values[:, k]
    return pd.DataFrame(cols)


def solution(ctx: TaskContext):
    """The day's :func:`kompas.solve` result with the batch options (computed once per task,
    shared by ``solve`` and ``offsets``), after checking the navigation data cover it."""
    from kompas.positioning import solve

    def compute():
        o = ctx.options
        obs, nav = ctx.obs_for_solve(), ctx.nav()
        check_navigation_covers(obs, nav, ctx.day.nav[0])
        return solve(obs, nav, systems=o.systems, mode=o.mode, elmask_deg=o.elmask_deg,
                     raim=o.raim)  # fmt: skip

    return ctx.cached("solution", compute)


@register(
    "solve",
    inputs=("obs", "nav", "truth"),
    options=("systems", "mode", "elmask_deg", "raim"),
    description="single point positioning of every epoch (solution.pos, epochs.parquet)",
)
def solve_task(ctx: TaskContext) -> dict:
    """Position every epoch as ``kompas solve`` does; RMS against the truth when known."""
    from kompas.io.solution_writers import write_solution
    from kompas.positioning import accuracy_summary

    sol = solution(ctx)
    ok = np.isfinite(sol["position_ecef_m"].values).all(axis=1) & (sol["status"].values <= 1)
    if not ok.any():
        raise NoSolution(
            f"{ctx.day.obs}: no epoch solved of {sol.attrs['epochs']} "
            f"(mostly: {_dominant_status(sol)})"
        )
    ctx.write_with("solution.pos", lambda tmp: write_solution(sol, tmp, "pos-xyz", ctx.day.obs))
    ctx.write_parquet("epochs.parquet", _epochs_table(sol))
    row = _solution_row(sol, ok)
    for w in sol.attrs.get("warnings", []):
        if w not in ctx.read_warnings:
            ctx.read_warnings.append(" ".join(str(w).split()))
    try:
        truth = ctx.truth_xyz(sol["time"].values[0])
    except MissingInput as exc:  # the position stands; only the accuracy is unknown
        warnings.warn(f"no accuracy: {exc}", stacklevel=1)
        truth = None
    if truth is not None:
        acc = accuracy_summary(sol, truth)
        row.update({k: v for k, v in acc.items() if k not in ("epochs", "solved")})
    return row


# -- sisre -----------------------------------------------------------------------------
def _column(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text).strip("_")


@register(
    "sisre",
    inputs=("nav", "sp3", "clk"),
    options=("systems", "sisre_interval_s"),
    description="broadcast orbit/clock error against precise products (sisre.parquet)",
)
def sisre_task(ctx: TaskContext) -> dict:
    """Signal-in-space range error of the day's broadcast ephemerides."""
    from kompas.analysis.sisre import sisre, sisre_summary

    o = ctx.options
    ds = sisre(ctx.nav(), ctx.precise(), interval_s=o.sisre_interval_s, systems=o.systems)
    summary = sisre_summary(ds)
    if summary.groups.empty:
        raise MissingInput("no satellite with both broadcast and precise states")
    sats = summary.satellites.reset_index()
    ctx.write_parquet("sisre.parquet", sats)
    row = {"satellites": int(len(sats)), "missing": len(summary.missing)}
    for group, g in summary.groups.iterrows():
        row[f"rms_{_column(str(group))}_m"] = float(g["rms_sisre_m"])
    return row


# -- offsets (kompas.analysis.time_offsets) ----------------------------------------------
@register(
    "offsets",
    inputs=("obs", "nav"),
    options=("systems", "mode", "elmask_deg", "raim"),
    description="receiver inter-system biases against the broadcast time offsets",
)
def offsets_task(ctx: TaskContext) -> dict:
    """Estimated inter-system offsets (-isb/c) against the broadcast ones (``offsets.parquet``,
    one row per epoch and pair); the row holds the medians per pair, ns."""
    from kompas.analysis.time_offsets import receiver_biases

    sol = solution(ctx)
    ref = sol.attrs.get("reference_system", "G")
    if ref != "G":  # e.g. a Galileo-only day: nothing to compare, not a failure of the day
        return {"offsets_note": f"not applicable: the solution's reference clock is {ref}, not GPS"}
    stats, per_epoch = receiver_biases(sol, ctx.nav(), ctx.day.station)
    if not stats:
        return {"offsets_note": "not applicable: no system besides GPS solved"}
    ctx.write_parquet("offsets.parquet", per_epoch)
    row: dict = {}
    for key, e in stats.items():
        k = key.replace("-", "")  # "E-G" -> "EG"
        row[f"{k}_source"] = e["broadcast_source"]
        row[f"{k}_estimated_ns"] = e["estimated_ns"]["median"]
        row[f"{k}_broadcast_ns"] = e["broadcast_ns"]["median"]
        row[f"{k}_bias_ns"] = e["estimated_minus_broadcast_ns"]["median"]
        row[f"{k}_bias_std_ns"] = e["estimated_minus_broadcast_ns"]["std"]
    return row


# -- qc (kompas.analysis.qc) -------------------------------------------------------------
def _pct(v) -> float:
    return float("nan") if v is None or v != v else 100.0 * float(v)


@register(
    "qc",
    inputs=("obs", "nav"),
    options=("elmask_deg",),
    description="multipath, cycle slips, SNR, completeness (qc.json, qc_signals.parquet)",
)
def qc_task(ctx: TaskContext) -> dict:
    """Quality control of the observation file; with navigation data (elevations) the
    completeness against the expected observations too."""
    from kompas.analysis.qc import qc

    nav = ctx.nav() if ctx.day.nav else None
    res = qc(ctx.obs(), nav, elmask_deg=ctx.options.elmask_deg)
    s = res.summary
    ctx.write_json("qc.json", res.to_dict())
    ctx.write_parquet("qc_signals.parquet", res.signals.reset_index())
    teqc = s.get("teqc", {})
    row = {
        "mp1_m": teqc.get("mp1_m"),
        "mp2_m": teqc.get("mp2_m"),
        "obs_per_slip": teqc.get("obs_per_slip"),
        "missing_epochs": s.get("missing_epochs"),
        "clock_jumps": s.get("clock_jumps"),
        "file_gaps": s.get("file_gaps"),
    }
    for sys, e in s.get("systems", {}).items():
        row[f"slips_{sys}"] = e.get("slips")
        row[f"gaps_{sys}"] = e.get("gaps")
        if "completeness" in e:
            row[f"completeness_{sys}_pct"] = _pct(e.get("completeness"))
        mp = [v for v in e.get("mp_rms_m", {}).values() if v == v]
        row[f"mp_{sys}_m"] = float(np.median(mp)) if mp else float("nan")
    return row
