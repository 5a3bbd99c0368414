"""Completeness (observations present versus expected) and data gaps.

*Expected* samples of a satellite are the epochs of the file's regular grid (first to last
epoch at the sampling interval) at which the satellite was above the elevation mask, from
the orbits and the receiver position.  A signal is expected of the satellites that sent it
at least once in the file (GPS L5 is not expected of a Block IIR satellite); the system
line expects any observation of every satellite with a usable orbit.  Completeness =
present / expected, present samples counted above the mask only (teqc's "% of expected").

*Gaps*: for a satellite, a run of expected epochs without any observation, bounded by
observations of the same pass on both sides (rise and set below the tracking threshold are
completeness, not gaps); without orbits, a run of 1 to :data:`NO_ORBIT_MAX_GAP_S` of
missing epochs between two observations.  For the file, a break in the epoch grid.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kompas.analysis.qc.arcs import runs

__all__ = ["satellite_gaps", "file_gaps", "NO_ORBIT_MAX_GAP_S"]

#: Without orbits, a satellite absence longer than this is taken as a set, not a gap [s]
#: (a MEO satellite is below the horizon for hours; a 30-min break inside a pass is a gap).
NO_ORBIT_MAX_GAP_S = 1800.0


def satellite_gaps(
    observed: np.ndarray, expected: np.ndarray | None, t_ns: np.ndarray, interval_s: float
) -> pd.DataFrame:
    """Gaps of every satellite on a regular grid.

    Parameters
    ----------
    observed : bool ndarray (grid_time, sv)
        Any observation of the satellite (above the mask when orbits are known).
    expected : bool ndarray (grid_time, sv) or None
        Satellite above the mask (None without orbits).
    t_ns : int64 ndarray (grid_time,)
        Grid epochs.

    Returns
    -------
    DataFrame with ``col``, ``start_ns``, ``end_ns`` (first and last missing epoch),
    ``duration_s`` (missing epochs × interval).
    """
    n = observed.shape[0]
    obs_idx = np.where(observed, np.arange(n)[:, None], -1)
    seen_before = np.maximum.accumulate(obs_idx, axis=0) >= 0
    seen_after = (np.maximum.accumulate(obs_idx[::-1] >= 0, axis=0))[::-1]
    missing = ~observed & seen_before & seen_after
    if expected is not None:
        missing &= expected
    col, first, last = runs(missing)
    if expected is not None:
        # both neighbours of the run must belong to the same pass above the mask
        before = np.clip(first - 1, 0, n - 1)
        after = np.clip(last + 1, 0, n - 1)
        keep = (
            expected[before, col]
            & expected[after, col]
            & observed[before, col]
            & observed[after, col]
        )
    else:
        keep = (last - first + 1) * interval_s <= NO_ORBIT_MAX_GAP_S
    col, first, last = col[keep], first[keep], last[keep]
    return pd.DataFrame(
        {
            "col": col,
            "start_ns": t_ns[first],
            "end_ns": t_ns[last],
            "duration_s": (last - first + 1) * interval_s,
        }
    )


def file_gaps(t_ns: np.ndarray, interval_s: float) -> pd.DataFrame:
    """Breaks of the file's epoch sequence longer than 1.5 intervals: first and last missing
    epoch and the duration of the break."""
    if t_ns.size < 2:
        return pd.DataFrame({"start_ns": [], "end_ns": [], "duration_s": []})
    step = int(round(interval_s * 1e9))
    d = np.diff(t_ns)
    k = np.flatnonzero(d > 1.5 * step)
    return pd.DataFrame(
        {
            "start_ns": t_ns[k] + step,
            "end_ns": t_ns[k + 1] - step,
            "duration_s": (d[k] - step) / 1e9,
        }
    )
