"""Vectorised choice of one ephemeris record per (satellite, time) request.

Records and requests are grouped by integer satellite codes; a single ``searchsorted``
on composite (satellite, time-rank) keys finds, for every request, the neighbouring
records of the same satellite.  Time ranks come from one ``numpy.unique`` over record
and request instants, so the keys are exact int64 whatever the span of the data.
"""

from __future__ import annotations

import numpy as np

__all__ = ["select_records"]


def select_records(
    rec_sat: np.ndarray,
    rec_ref_ns: np.ndarray,
    rec_half_window_ns: np.ndarray | int,
    req_sat: np.ndarray,
    req_t_ns: np.ndarray,
    rule: str = "nearest",
    margin_ns: int = 0,
) -> np.ndarray:
    """Pick a record for every request, or -1.

    Parameters
    ----------
    rec_sat : numpy.ndarray of int64, shape (R,)
        Satellite code of each record (any integers; negative codes are ignored).
    rec_ref_ns : numpy.ndarray of int64, shape (R,)
        Reference instant of each record (toe, or t_b for GLONASS).
    rec_half_window_ns : int or numpy.ndarray of int64, shape (R,)
        A record is usable at t when |t - ref| <= half window.
    req_sat : numpy.ndarray of int64, shape (Q,)
        Satellite code of each request.
    req_t_ns : numpy.ndarray of int64, shape (Q,)
        Request instants.
    rule : {"nearest", "latest"}
        ``"nearest"``: the usable record whose reference is nearest to t (ties: the
        later one).  ``"latest"``: the usable record with the latest reference
        <= t + margin (what a receiver holding the most recent upload would use).
    margin_ns : int
        Look-ahead margin of the ``"latest"`` rule.

    Returns
    -------
    numpy.ndarray of int64, shape (Q,)
        Positional index into the record arrays, -1 where no record is usable.
    """
    if rule not in ("nearest", "latest"):
        raise ValueError(f"rule must be 'nearest' or 'latest', not {rule!r}")
    rec_sat = np.asarray(rec_sat, dtype=np.int64)
    rec_ref = np.asarray(rec_ref_ns, dtype=np.int64)
    half = np.broadcast_to(np.asarray(rec_half_window_ns, dtype=np.int64), rec_sat.shape)
    req_sat = np.asarray(req_sat, dtype=np.int64)
    req_t = np.asarray(req_t_ns, dtype=np.int64)
    out = np.full(req_sat.shape, -1, dtype=np.int64)
    keep = np.nonzero(rec_sat >= 0)[0]
    if keep.size == 0 or req_sat.size == 0:
        return out
    order = keep[np.lexsort((rec_ref[keep], rec_sat[keep]))]
    s_sat, s_ref, s_half = rec_sat[order], rec_ref[order], half[order]

    probe = req_t + (margin_ns if rule == "latest" else 0)
    uniq_req, inv_req = np.unique(probe, return_inverse=True)
    times = np.unique(np.concatenate([s_ref, uniq_req]))
    base = times.size + 1
    rec_key = s_sat * base + np.searchsorted(times, s_ref)
    req_key = req_sat * base + np.searchsorted(times, uniq_req)[inv_req.reshape(-1)]

    # Last record with ref <= probe (same satellite checked below), and the next one.
    before = np.searchsorted(rec_key, req_key, side="right") - 1
    after = before + 1
    n = s_sat.size
    b_ok = before >= 0
    b_idx = np.where(b_ok, before, 0)
    b_ok &= s_sat[b_idx] == req_sat
    b_ok &= np.abs(req_t - s_ref[b_idx]) <= s_half[b_idx]
    if rule == "latest":
        out[b_ok] = order[b_idx[b_ok]]
        return out
    a_ok = after < n
    a_idx = np.where(a_ok, after, 0)
    a_ok &= s_sat[a_idx] == req_sat
    a_ok &= np.abs(s_ref[a_idx] - req_t) <= s_half[a_idx]
    d_b = np.where(b_ok, req_t - s_ref[b_idx], np.iinfo(np.int64).max)
    d_a = np.where(a_ok, s_ref[a_idx] - req_t, np.iinfo(np.int64).max)
    take_after = a_ok & (d_a <= d_b)
    take_before = b_ok & ~take_after
    out[take_before] = order[b_idx[take_before]]
    out[take_after] = order[a_idx[take_after]]
    return out
