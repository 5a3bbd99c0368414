"""Which broadcast record a user evaluates at t: every record-choice rule in one place.

A record is *usable* at t when t lies in its validity interval (``validity_window_s``,
per system and message from :data:`kompas.constants.EPHEMERIS_VALIDITY_S`; GPS LNAV from
the record's fit-interval field).  Among the usable records of a satellite:

``"nearest"``
    the one whose reference time (toe, GLONASS t_b, SBAS t0) is nearest to t (ties: the
    later).  Post-processing choice: the best fit a complete file offers.
``"latest"``
    the one with the latest reference time <= t + margin (an upload-based choice).
``"transmitted"``
    the one most recently *transmitted* at or before t (RINEX transmission time; where a
    file gives none, the ICD's first-transmission time, see
    :func:`transmission_ns`) — what a real-time receiver had.  GNSSTk's ``bc2sp3`` and
    its ``OrbitEphStore`` "user" search pick this way.

Every rule applies the validity interval: a satellite with records but none usable at t
is OUTSIDE_FIT, never given a stale or premature record.

Records and requests are grouped by integer satellite codes; one ``searchsorted`` on
composite (satellite, rank) keys finds each request's neighbours among the records of
the same satellite, and the few candidates around it are checked in vectorised passes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from kompas.constants import EPHEMERIS_VALIDITY_S, TRANSMISSION_FALLBACK_S

__all__ = [
    "RULES",
    "select_records",
    "validity_window_s",
    "transmission_ns",
]

#: Record-choice rules understood by :func:`select_records`.
RULES = ("nearest", "latest", "transmitted")
_NS = 1_000_000_000
_NAT = np.iinfo(np.int64).min
_BIG = np.iinfo(np.int64).max
#: Neighbours examined on each side of a request (records of one satellite sorted by the
#: rule's key).  More than one is needed where windows differ between records (GPS fit
#: intervals of 4 and 6 h) or a record was transmitted before its validity starts.
_CANDIDATES = 2


def validity_window_s(
    table, system: str, message: str, override: Mapping[str, float] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of every record's validity relative to its reference time [s].

    Parameters
    ----------
    table : mapping of column name to array
        One ephemeris table (``nav.ephemerides["G_LNAV"]``).
    system, message : str
        ``"G"``, ``"LNAV"``.
    override : mapping, optional
        ``{system: seconds}``: the end of the window (the largest age t - ref); for
        systems with a window centred on ref the start becomes ``-seconds`` too, the
        others keep their start (Galileo, NavIC: ref; BDS: ref - 1 h).
    """
    n = len(table)
    key = f"{system}:{message}"
    if key not in EPHEMERIS_VALIDITY_S:
        raise ValueError(f"no validity interval for {key}; known: {sorted(EPHEMERIS_VALIDITY_S)}")
    lo, hi = EPHEMERIS_VALIDITY_S[key]
    start = np.full(n, lo)
    end = np.full(n, hi)
    if key == "G:LNAV" and "fit_interval_h" in table:
        # RINEX gives hours for GPS (0 from some writers means "flag 0": 4 h).
        fit = np.asarray(table["fit_interval_h"], dtype=np.float64)
        hours = np.where(np.isfinite(fit) & (fit >= 4.0), fit, 4.0)
        start, end = -hours * 1800.0, hours * 1800.0
    if override and system in override:
        age = float(override[system])
        end = np.full(n, age)
        # a window centred on ref stays centred; the others keep their own start
        start = np.full(n, -age if lo == -hi else lo)
    return start, end


def transmission_ns(table, system: str, ref_ns: np.ndarray, start_s: np.ndarray) -> np.ndarray:
    """Transmission instant of every record: RINEX ``ttm`` where given, else the ICD's
    first-transmission time (``ref + start of validity``; GLONASS ``t_b - 15 min``; BDS
    toe), :data:`kompas.constants.TRANSMISSION_FALLBACK_S`."""
    ref = np.asarray(ref_ns, dtype=np.int64)
    lead = TRANSMISSION_FALLBACK_S.get(system)
    fallback = ref + (
        np.full(ref.shape, int(lead * _NS), np.int64)
        if lead is not None
        else np.round(np.asarray(start_s) * _NS).astype(np.int64)
    )
    if "ttm_ns" not in table:
        return fallback
    ttm = np.asarray(table["ttm_ns"], dtype=np.int64)
    return np.where(ttm == _NAT, fallback, ttm)


def _neighbours(
    s_sat: np.ndarray, s_key: np.ndarray, req_sat: np.ndarray, probe: np.ndarray
) -> np.ndarray:
    """Index (into the sorted records) of the last record with (sat, key) <= (req, probe)."""
    uniq_req, inv_req = np.unique(probe, return_inverse=True)
    times = np.unique(np.concatenate([s_key, uniq_req]))
    base = times.size + 1
    rec_key = s_sat * base + np.searchsorted(times, s_key)
    req_key = req_sat * base + np.searchsorted(times, uniq_req)[inv_req.reshape(-1)]
    return np.searchsorted(rec_key, req_key, side="right") - 1


def _offset_ns(seconds, shape, order: np.ndarray) -> np.ndarray:
    """Validity offsets [s] (scalar or per record) of the sorted records as int64 ns."""
    arr = np.asarray(seconds, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(order.size, int(round(float(arr) * _NS)), dtype=np.int64)
    return np.round(np.broadcast_to(arr, shape)[order] * _NS).astype(np.int64)


def select_records(
    rec_sat: np.ndarray,
    rec_ref_ns: np.ndarray,
    rec_start_s: np.ndarray | float,
    rec_end_s: np.ndarray | float,
    req_sat: np.ndarray,
    req_t_ns: np.ndarray,
    rule: str = "nearest",
    margin_ns: int = 0,
    rec_ttm_ns: np.ndarray | None = None,
) -> np.ndarray:
    """Pick a record for every request, or -1.

    Parameters
    ----------
    rec_sat : numpy.ndarray of int64, shape (R,)
        Satellite code of each record (negative codes are ignored: excluded records).
    rec_ref_ns : numpy.ndarray of int64, shape (R,)
        Reference instant of each record (toe; GLONASS t_b; SBAS t0).
    rec_start_s, rec_end_s : float or numpy.ndarray, shape (R,)
        Validity interval relative to the reference: usable at t when
        ``start <= t - ref <= end``.
    req_sat : numpy.ndarray of int64, shape (Q,)
        Satellite code of each request.
    req_t_ns : numpy.ndarray of int64, shape (Q,)
        Request instants.
    rule : {"nearest", "latest", "transmitted"}
        See the module docstring.
    margin_ns : int
        Look-ahead of the ``"latest"`` rule (reference <= t + margin).
    rec_ttm_ns : numpy.ndarray of int64, shape (R,), optional
        Transmission instants (:func:`transmission_ns`); required by ``"transmitted"``.

    Returns
    -------
    numpy.ndarray of int64, shape (Q,)
        Positional index into the record arrays, -1 where no record is usable.
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {list(RULES)}, not {rule!r}")
    if rule == "transmitted" and rec_ttm_ns is None:
        raise ValueError("rule 'transmitted' needs the records' transmission times")
    rec_sat = np.asarray(rec_sat, dtype=np.int64)
    rec_ref = np.asarray(rec_ref_ns, dtype=np.int64)
    req_sat = np.asarray(req_sat, dtype=np.int64)
    req_t = np.asarray(req_t_ns, dtype=np.int64)
    out = np.full(req_sat.shape, -1, dtype=np.int64)
    keep = np.nonzero(rec_sat >= 0)[0]
    if keep.size == 0 or req_sat.size == 0:
        return out
    lo_ns = _offset_ns(rec_start_s, rec_sat.shape, np.arange(rec_sat.size))
    if rule == "transmitted":
        key = np.asarray(rec_ttm_ns, dtype=np.int64)
    elif rule == "latest":
        # the instant from which "latest" may take a record: reference - margin, but
        # never before its validity starts (a forward-fitted Galileo/NavIC record ahead
        # of t is inside the look-ahead and still unusable)
        key = rec_ref + np.maximum(lo_ns, -int(margin_ns))
    else:
        key = rec_ref
    # ties of the key (equal transmission times) go to the later reference: the newer set
    order = keep[np.lexsort((rec_ref[keep], key[keep], rec_sat[keep]))]
    s_sat, s_key = rec_sat[order], key[order]
    s_ref = rec_ref[order]
    s_lo = s_ref + lo_ns[order]
    s_hi = s_ref + _offset_ns(rec_end_s, rec_sat.shape, order)
    before = _neighbours(s_sat, s_key, req_sat, req_t)
    n = s_sat.size

    def usable(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ok = (idx >= 0) & (idx < n)
        i = np.where(ok, idx, 0)
        ok &= (s_sat[i] == req_sat) & (s_lo[i] <= req_t) & (req_t <= s_hi[i])
        return ok, i

    best = np.full(req_sat.shape, -1, dtype=np.int64)
    if rule in ("latest", "transmitted"):
        # scan backwards from the last record with key <= t: the first usable wins
        for k in range(_CANDIDATES):
            ok, i = usable(before - k)
            take = ok & (best < 0)
            best[take] = i[take]
    else:
        dist = np.full(req_sat.shape, _BIG, dtype=np.int64)
        # after-side first so that on equal distance the later record wins
        for k in (*range(1, _CANDIDATES + 1), *range(0, -_CANDIDATES, -1)):
            ok, i = usable(before + k)
            d = np.abs(req_t - s_ref[i])
            take = ok & (d < dist)
            best[take] = i[take]
            dist[take] = d[take]
    sel = best >= 0
    out[sel] = order[best[sel]]
    return out
