"""Summary of an observation Dataset: what ``kompas info`` shows."""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["summarize", "observation_codes"]

_SYSTEM_NAMES = {
    "G": "GPS",
    "R": "GLONASS",
    "E": "Galileo",
    "C": "BeiDou",
    "J": "QZSS",
    "I": "NavIC",
    "S": "SBAS",
}


def observation_codes(ds: xr.Dataset) -> list[str]:
    """Names of the observation variables (not indicators nor clock offsets)."""
    return [
        str(n)
        for n, v in ds.data_vars.items()
        if v.dims == ("time", "sv") and not str(n).endswith(("_lli", "_ssi"))
    ]


def _signal_key(code: str) -> tuple:
    # band, then tracking mode, then C L D S
    return (code[1:2], code[2:3], "CLDS".find(code[:1]) % 9, code)


def _iso(t: np.datetime64) -> str:
    return str(np.datetime_as_string(t, unit="s"))


def summarize(ds: xr.Dataset) -> dict:
    """Facts about an observation Dataset from :func:`kompas.io.rinex_obs.read_obs`.

    Completeness of a signal is the percentage of tracked (epoch, satellite) pairs of that
    constellation holding a value, a pair being tracked when it has any observation.

    Returns
    -------
    dict
        JSON-serialisable: ``version``, ``station``, ``marker_number``, ``receiver``,
        ``antenna``, ``time_scale``, ``start``, ``end``, ``interval_s``, ``epochs``,
        ``satellites``, ``constellations`` {name: {"satellites": n, "sv": [...],
        "signals": {code: completeness_percent}}}, and the skipped-record counters.
    """
    a = ds.attrs
    codes = observation_codes(ds)
    times = ds["time"].values
    interval = a.get("interval_s")
    if interval is None and times.size > 1:
        interval = float(np.median(np.diff(times)).astype("timedelta64[ns]").astype(np.int64)) / 1e9
    sv = np.asarray(ds["sv"].values).astype(str)
    systems = np.array([s[0] for s in sv])
    present = {c: np.isfinite(ds[c].values) for c in codes}
    out_sys = {}
    for sys_char in sorted(set(systems.tolist()), key=lambda c: "GRECJIS".find(c)):
        cols = systems == sys_char
        tracked = np.zeros((times.size, int(cols.sum())), dtype=bool)
        for m in present.values():
            tracked |= m[:, cols]
        n_tracked = int(tracked.sum())
        signals = {}
        for c in sorted(codes, key=_signal_key):
            n = int(present[c][:, cols].sum())
            if n:
                signals[c] = round(100.0 * n / n_tracked, 2) if n_tracked else 0.0
        seen = tracked.any(axis=0)
        out_sys[_SYSTEM_NAMES.get(sys_char, sys_char)] = {
            "satellites": int(seen.sum()),
            "sv": sv[cols][seen].tolist(),
            "signals": signals,
        }
    rec = " ".join(x for x in (a.get("receiver_type"), a.get("receiver_version")) if x)
    return {
        "file": a.get("source"),
        "version": a.get("version"),
        "station": a.get("marker_name"),
        "marker_number": a.get("marker_number"),
        "receiver": rec or None,
        "antenna": a.get("antenna_type"),
        "approx_position_xyz_m": a.get("approx_position_xyz_m"),
        "time_scale": a.get("time_scale"),
        "start": _iso(times[0]) if times.size else None,
        "end": _iso(times[-1]) if times.size else None,
        "interval_s": interval,
        "epochs": int(times.size),
        "satellites": int(sum(v["satellites"] for v in out_sys.values())),
        "constellations": out_sys,
        "skipped_epochs": int(a.get("skipped_epochs", 0)),
        "truncated_epochs": int(a.get("truncated_epochs", 0)),
        "duplicate_records": int(a.get("duplicate_records", 0)),
        "count_mismatches": int(a.get("count_mismatches", 0)),
        "events": len(a.get("epoch_flags", [])),
    }
