"""Constellation-level consistency: a system whose receiver clock jumps away from the
consensus of the others (a time-offset jump, a spoofed or broken constellation)."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from kompas.positioning.status import SolutionStatus

__all__ = ["constellation_check"]


def constellation_check(
    sol,
    resolve: Callable,
    usable: np.ndarray,
    sys_index: np.ndarray,
    systems: list[str],
    threshold_m: float,
    times_iso: np.ndarray,
):
    """Detect, and where attributable exclude, a system inconsistent with the others.

    Each system's receiver clock minus the reference system's is a constant hardware
    bias plus the broadcast system-time offset (ns-level): it is stable. Its deviation
    from the run's median, compared with the median deviation over all systems at that
    epoch, isolates a single inconsistent system. With three or more systems the culprit
    is excluded at those epochs and the epochs re-solved (``resolve(rows, usable,
    max_iter, sol)``); with two, both are only flagged.

    Returns
    -------
    sol, flagged (T, K) bool, reason text ("" when nothing was flagged)
    """
    n_sys = len(systems)
    clocks = sol.state[:, 3 : 3 + n_sys]
    n_t = clocks.shape[0]
    seen = np.zeros((n_t, n_sys), bool)
    for k in range(n_sys):
        seen[:, k] = (sol.used & (sys_index == k)).any(axis=1)
    ok = sol.status <= SolutionStatus.CHI2_FAILED
    valid = seen & ok[:, None] & np.isfinite(clocks)
    isb = clocks - clocks[:, [0]]
    isb = np.where(valid & valid[:, [0]], isb, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        centre = np.nanmedian(isb, axis=0)
        dev = isb - centre
        spread = 1.4826 * np.nanmedian(np.abs(dev), axis=0)
        consensus = np.nanmedian(dev, axis=1)
    delta = dev - consensus[:, None]
    thr = np.maximum(threshold_m, 8.0 * np.nan_to_num(spread, nan=0.0))
    flagged = np.abs(np.nan_to_num(delta)) > thr[None, :]
    n_present = valid.sum(axis=1)
    # attribution needs a majority: with two systems, flag both, exclude neither
    two = n_present < 3
    flagged[two & flagged.any(axis=1)] = valid[two & flagged.any(axis=1)]
    if not flagged.any():
        return sol, flagged, ""
    exclude_rows = np.flatnonzero(flagged.any(axis=1) & ~two)
    if exclude_rows.size:
        usable = usable.copy()
        sys_mask = np.take_along_axis(flagged[exclude_rows], sys_index[exclude_rows], axis=1)
        usable[exclude_rows] &= ~sys_mask
        resolve(exclude_rows, usable, 6, sol)
    parts = []
    for k, sys in enumerate(systems):
        idx = np.flatnonzero(flagged[:, k])
        if idx.size:
            parts.append(
                f"system {sys} inconsistent with the others at {idx.size} epochs "
                f"({times_iso[idx[0]]} to {times_iso[idx[-1]]}; clock deviation up to "
                f"{np.nanmax(np.abs(delta[idx, k])):.1f} m)"
                + ("; excluded there" if not two[idx].all() else "; flagged only (two systems)")
            )
    return sol, flagged, "; ".join(parts)
