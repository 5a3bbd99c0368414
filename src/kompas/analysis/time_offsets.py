"""System time offsets: every broadcast offset as a series, consistency between sources,
and the receiver-estimated inter-system biases against them.

Conventions (see :mod:`kompas.orbits.time_offsets`): a pair ``XXYY`` is ``T_XX - T_YY``,
fractional part, in ns here.  A receiver's solution (:func:`kompas.solve`) has one clock
per system; for system ``S`` against GPS ``isb_m = c (dt_S - dt_G)`` where ``dt_S`` is the
receiver clock against system time ``T_S``, so ``dt_S - dt_G = T_GPS - T_S + b_S``
(``b_S`` the receiver's inter-system hardware delay difference).  The *estimated* offset
``T_S - T_GPS`` reported here is therefore ``-isb_m / c`` and ``estimated - broadcast``
is ``-b_S``: the receiver's own inter-system hardware bias, expected constant over a day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kompas.constants import SECONDS_PER_DAY, SPEED_OF_LIGHT_MPS
from kompas.errors import KompasError
from kompas.orbits.time_offsets import evaluate_offset
from kompas.time import NS_PER_S, Time, TimeScale

__all__ = ["TimeOffsetReport", "time_offsets", "broadcast_series", "source_consistency"]

#: System letter → its time scale (for the receiver inter-system biases).
SYSTEM_SCALE_CODE = {"G": "GP", "E": "GA", "C": "BD", "R": "GL", "J": "QZ", "I": "IR"}


@dataclass
class TimeOffsetReport:
    """Result of :func:`time_offsets`.

    Attributes
    ----------
    broadcast : pandas.DataFrame
        One row per (pair, source, UTC id, epoch): ``pair``, ``source``, ``utc_id``,
        ``time`` (datetime64, GPST labels), ``offset_ns``.
    series : pandas.DataFrame
        One row per (pair, source, UTC id): records, first/last epoch, median, min, max
        [ns], a0 resolution [ns].
    consistency : pandas.DataFrame
        Comparisons between sources of the same offset: ``pair``, ``a``, ``b`` (source
        labels, ``"derived"`` = through UTC), ``n``, ``median_ns``, ``max_abs_ns``,
        ``resolution_ns`` (sum of the two a0 LSBs; NaN for derived), ``consistent``.
    receivers : dict
        Station → ``"E-G"`` style key → statistics of estimated, broadcast and
        estimated - broadcast [ns] (median, std, drift per day, n) and the source used.
    receiver_series : dict
        Station → DataFrame per epoch: time, pair, estimated_ns, broadcast_ns.
    attrs : dict
        Notes: interval, span, warnings.
    """

    broadcast: pd.DataFrame
    series: pd.DataFrame
    consistency: pd.DataFrame
    receivers: dict[str, dict[str, Any]] = field(default_factory=dict)
    receiver_series: dict[str, pd.DataFrame] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, unit: str = "ns") -> dict[str, Any]:
        """The JSON shape of ``kompas offsets --json`` (offsets in ``unit``: ns or m)."""
        k = _unit_factor(unit)
        b = self.broadcast
        rows = [
            {
                "pair": p,
                "source": s,
                "utc_id": u,
                "time": [str(x) for x in g["time"].to_numpy().astype("datetime64[s]")],
                f"offset_{unit}": (g["offset_ns"].to_numpy() * k).round(4).tolist(),
            }
            for (p, s, u), g in b.groupby(["pair", "source", "utc_id"], sort=True)
        ]
        return {
            "broadcast": rows,
            "series": _scaled_records(self.series, k, unit),
            "consistency": _scaled_records(self.consistency, k, unit),
            "receivers": _scaled_receivers(self.receivers, k, unit),
            "attrs": self.attrs,
        }


def _unit_factor(unit: str) -> float:
    if unit == "ns":
        return 1.0
    if unit == "m":
        return SPEED_OF_LIGHT_MPS * 1e-9
    raise ValueError(f"unknown unit {unit!r}; valid: 'ns', 'm'")


def _scaled_records(df: pd.DataFrame, k: float, unit: str) -> list[dict]:
    out = df.copy()
    for c in [c for c in out.columns if c.endswith("_ns")]:
        out[c.replace("_ns", f"_{unit}")] = out.pop(c) * k
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].astype("datetime64[s]").astype(str)
    return out.to_dict(orient="records")


def _scaled_receivers(rec: dict, k: float, unit: str) -> dict:
    """Station → pair → {"x_ns": {median, std, drift_ns_per_day, n}} with values (and the
    names of the ``_ns`` keys) in ``unit``."""

    def scale(stats: dict) -> dict:
        return {
            key.replace("_ns_", f"_{unit}_"): (v if key == "n" else v * k)
            for key, v in stats.items()
        }

    out: dict = {}
    for station, pairs in rec.items():
        out[station] = {}
        for pair, entry in pairs.items():
            out[station][pair] = {
                (key[:-3] + f"_{unit}" if key.endswith("_ns") else key): (
                    scale(v) if key.endswith("_ns") else v
                )
                for key, v in entry.items()
            }
    return out


def _time_grid(nav, interval_s: float) -> np.ndarray:
    tocs = [df["toc_ns"].to_numpy() for df in nav.ephemerides.values() if len(df)]
    if not tocs:
        raise KompasError("no ephemerides in the navigation data: no span to evaluate")
    allt = np.concatenate(tocs)
    lo, hi = np.percentile(allt, [1, 99]).astype(np.int64)  # robust to stray records
    step = int(interval_s * NS_PER_S)
    start = lo - lo % step
    return np.arange(start, hi + step, step, dtype=np.int64)


def broadcast_series(nav, t_ns: np.ndarray) -> pd.DataFrame:
    """Every broadcast offset (pair × source × UTC id) evaluated at ``t_ns`` [ns]."""
    table = nav.offset_table()
    parts = []
    labels = Time.from_ns(t_ns, TimeScale.GPST).datetime64
    for (pair, source, utc), _ in table.groupby(["pair", "source_label", "utc_id"], sort=True):
        a, b = pair[:2], pair[2:]
        if a not in SYSTEM_SCALE_CODE.values() and a not in ("UT", "SB"):
            continue
        try:
            v = evaluate_offset(table, a, b, t_ns, source, utc_id=utc)
        except ValueError:
            continue
        ok = np.isfinite(v)
        parts.append(
            pd.DataFrame(
                {
                    "pair": pair,
                    "source": source,
                    "utc_id": utc,
                    "time": labels[ok],
                    "offset_ns": v[ok] * 1e9,
                }
            )
        )
    cols = ["pair", "source", "utc_id", "time", "offset_ns"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def _series_summary(nav, bc: pd.DataFrame) -> pd.DataFrame:
    table = nav.offset_table()
    rows = []
    for (pair, source, utc), g in bc.groupby(["pair", "source", "utc_id"], sort=True):
        recs = table[
            (table["pair"] == pair) & (table["source_label"] == source) & (table["utc_id"] == utc)
        ]
        v = g["offset_ns"].to_numpy()
        rows.append(
            {
                "pair": pair,
                "source": source,
                "utc_id": utc,
                "records": len(recs),
                "first": g["time"].min(),
                "last": g["time"].max(),
                "median_ns": float(np.median(v)),
                "min_ns": float(v.min()),
                "max_ns": float(v.max()),
                "resolution_ns": float(recs["a0_lsb_s"].max() * 1e9) if len(recs) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _compare(name, a_lab, b_lab, va, vb, res_ns) -> dict | None:
    ok = np.isfinite(va) & np.isfinite(vb)
    if not ok.any():
        return None
    d = (va[ok] - vb[ok]) * 1e9
    return {
        "pair": name,
        "a": a_lab,
        "b": b_lab,
        "n": int(ok.sum()),
        "median_ns": float(np.median(d)),
        "max_abs_ns": float(np.abs(d).max()),
        "resolution_ns": res_ns,
        # consistent: the median difference within the two a0 resolutions (the max can
        # catch the moments one source has a newer upload than the other)
        "consistent": bool(abs(np.median(d)) <= res_ns) if np.isfinite(res_ns) else None,
    }


def source_consistency(nav, t_ns: np.ndarray) -> pd.DataFrame:
    """Differences between the sources of each offset: every two direct sources (header
    vs STO:<msg>, STO:LNAV vs STO:CNVX, ...) and each direct source vs the value derived
    through UTC (``"derived"``, e.g. GGTO vs GAUT - GPUT) and through GPST
    (``"derived:GP"``, e.g. BDGA vs BDGP - GAGP).  Direct sources are consistent when they agree
    within the sum of their a0 resolutions (plus the a1 drift, negligible over the grid
    since both polynomials are evaluated at the same epochs)."""
    table = nav.offset_table()
    rows = []
    for pair, g in table.groupby("pair", sort=True):
        a, b = pair[:2], pair[2:]
        sources = sorted(set(g["source_label"]))
        vals = {s: evaluate_offset(table, a, b, t_ns, s) for s in sources}
        lsb = {s: float(g[g["source_label"] == s]["a0_lsb_s"].max() * 1e9) for s in sources}
        for i, s1 in enumerate(sources):
            for s2 in sources[i + 1 :]:
                row = _compare(pair, s1, s2, vals[s1], vals[s2], lsb[s1] + lsb[s2])
                if row:
                    rows.append(row)
        if "SB" in (a, b):
            continue
        for via in ("derived", "derived:GP"):
            if ("UT" if via == "derived" else "GP") in (a, b):
                continue
            derived = evaluate_offset(table, a, b, t_ns, via)
            for s in sources:
                row = _compare(pair, s, via, vals[s], derived, np.nan)
                if row:
                    rows.append(row)
    cols = ["pair", "a", "b", "n", "median_ns", "max_abs_ns", "resolution_ns", "consistent"]
    return pd.DataFrame(rows, columns=cols)


#: Shortest span over which a drift per day is fitted [s]: over 5 minutes the ~0.3 ns
#: epoch scatter of SPP clocks alone extrapolates to ~100 ns/day.
MIN_DRIFT_SPAN_S = 3 * 3600


def _drift_per_day(t_ns: np.ndarray, v: np.ndarray) -> float:
    if v.size < 3 or np.ptp(t_ns) < MIN_DRIFT_SPAN_S * NS_PER_S:
        return float("nan")
    x = (t_ns - t_ns[0]) / (NS_PER_S * SECONDS_PER_DAY)
    return float(np.polyfit(x, v, 1)[0])


def _stats(t_ns: np.ndarray, v: np.ndarray) -> dict[str, float]:
    ok = np.isfinite(v)
    if not ok.any():
        nan = float("nan")
        return {"median": nan, "std": nan, "drift_ns_per_day": nan, "n": 0}
    return {
        "median": float(np.median(v[ok])),
        "std": float(np.std(v[ok])),
        "drift_ns_per_day": _drift_per_day(t_ns[ok], v[ok]),
        "n": int(ok.sum()),
    }


def receiver_biases(
    solution, nav, station: str | None = None
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Estimated inter-system offsets of one solution against the broadcast ones.

    Returns the per-pair statistics (``"E-G"`` → dict) and the per-epoch table.
    """
    ref = solution.attrs.get("reference_system", "G")
    if ref != "G":
        raise KompasError(f"receiver biases need GPS as the reference clock (solution has {ref})")
    t = Time.from_datetime64(solution["time"].values, solution.attrs.get("time_scale", "GPST"))
    t_ns = t.ns
    table = nav.offset_table()
    out: dict[str, Any] = {}
    frames = []
    ok_epoch = np.isfinite(solution["pdop"].values)
    for sys in [str(s) for s in solution["system"].values]:
        if sys == "G" or sys not in SYSTEM_SCALE_CODE:
            continue
        code = SYSTEM_SCALE_CODE[sys]
        est = -solution["isb_m"].sel(system=sys).values / SPEED_OF_LIGHT_MPS * 1e9
        est = np.where(ok_epoch, est, np.nan)
        bc = evaluate_offset(table, code, "GP", t_ns) * 1e9
        used = "direct"
        if not np.isfinite(bc).any():
            bc = evaluate_offset(table, code, "GP", t_ns, "derived") * 1e9
            used = "derived"
        if not np.isfinite(bc).any():
            used = "none"
        diff = est - bc
        key = f"{sys}-G"
        out[key] = {
            "pair": f"{code}GP",
            "broadcast_source": used,
            "estimated_ns": _stats(t_ns, est),
            "broadcast_ns": _stats(t_ns, bc),
            "estimated_minus_broadcast_ns": _stats(t_ns, diff),
        }
        frames.append(
            pd.DataFrame(
                {
                    "time": solution["time"].values,
                    "pair": key,
                    "estimated_ns": est,
                    "broadcast_ns": bc,
                }
            )
        )
    per_epoch = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out, per_epoch


def time_offsets(
    nav,
    obs: list | None = None,
    *,
    interval_s: float = 300.0,
    systems: str = "GREC",
    solutions: dict | None = None,
    **solve_options: Any,
) -> TimeOffsetReport:
    """Every broadcast system time offset, its consistency between sources and, with
    observations, the receivers' estimated inter-system biases against it.

    Parameters
    ----------
    nav : kompas.io.Navigation
        Broadcast navigation data (:func:`kompas.read_nav` of one or more files).
    obs : list of xarray.Dataset, optional
        Observation datasets (:func:`kompas.read_obs`); each is solved with
        :func:`kompas.solve` (``systems`` and ``solve_options``) for its per-system clocks.
    interval_s : float
        Grid of the broadcast series over the navigation data's span [s].
    systems : str
        Systems solved (GPS must be among them: it is the reference clock).
    solutions : dict, optional
        Station name → an existing :func:`kompas.solve` result (instead of ``obs``).

    Returns
    -------
    TimeOffsetReport
    """
    if interval_s <= 0:
        raise ValueError(f"interval_s must be positive, got {interval_s}")
    if nav.sto is None or nav.sto.empty:
        raise KompasError("the navigation data carry no time offsets (no TIME SYSTEM CORR / STO)")
    t_ns = _time_grid(nav, interval_s)
    bc = broadcast_series(nav, t_ns)
    report = TimeOffsetReport(
        broadcast=bc,
        series=_series_summary(nav, bc),
        consistency=source_consistency(nav, t_ns),
        attrs={
            "interval_s": interval_s,
            "start": str(Time.from_ns(t_ns[0]).isoformat(0)),
            "end": str(Time.from_ns(t_ns[-1]).isoformat(0)),
            "convention": "pair XXYY = T_XX - T_YY (fractional), ns; estimated = -isb/c",
        },
    )
    sols = dict(solutions or {})
    if obs:
        from kompas.positioning import solve

        if "G" not in systems.upper():
            raise ValueError("systems must include G: GPS is the reference clock")
        for k, ds in enumerate(obs):
            name = str(ds.attrs.get("marker_name") or f"station{k + 1}")[:4].upper() or "RX"
            sols[name] = solve(ds, nav, systems=systems, **solve_options)
    for name, sol in sols.items():
        stats, per_epoch = receiver_biases(sol, nav, name)
        report.receivers[name] = stats
        report.receiver_series[name] = per_epoch
    return report
