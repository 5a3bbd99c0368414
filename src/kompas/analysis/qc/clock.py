"""Receiver clock jumps (millisecond resets) from code and phase.

Many receivers keep their clock within ±1 ms of the system time by stepping it by exactly
1 ms (or by n ms).  A step of J metres (J = n · c · 1 ms ≈ n · 299.79 km) at epoch t
appears in every satellite's code at once, and — depending on the receiver — in the phase
too, or not.  Per epoch the statistic is the median over all satellites of

    s(t) = ΔP(t) − (ΔP(t−1) + ΔP(t+1)) / 2,   ΔP(t) = P(t) − P(t−1)

(epochs one interval apart only).  It removes each satellite's range rate; what is left is
the range acceleration (< 0.2 m/s², i.e. < 200 m at 30 s) and the jump, which gives s = J
at its epoch and −J/2 at the two neighbours.  A jump is flagged where |s| > 0.7 ms · c and
is the largest of its neighbours; its size is s rounded to whole milliseconds.  The same
statistic on the phases (in metres) tells whether the phase jumped with the code
(``"code+phase"``), or not (``"code"``, the jump then breaks code–phase combinations and is
repaired by :func:`clock_repair_m`), or alone (``"phase"``).  At least
:data:`MIN_SATELLITES` satellites must see the epoch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kompas.constants import SPEED_OF_LIGHT_MPS

__all__ = ["clock_jumps", "clock_repair_m", "MS_M", "MIN_SATELLITES"]

#: One millisecond of receiver clock in metres.
MS_M = SPEED_OF_LIGHT_MPS * 1e-3
#: Satellites needed for a robust (median) common-mode statistic.
MIN_SATELLITES = 3
_THRESHOLD_MS = 0.7


def _statistic(x: np.ndarray, consecutive: np.ndarray) -> np.ndarray:
    """Median over satellites of the detrended first difference (module notes)."""
    n = x.shape[0]
    d = np.full(x.shape, np.nan)
    d[1:] = np.where(consecutive[1:, None], x[1:] - x[:-1], np.nan)
    s = np.full(x.shape, np.nan)
    s[1:-1] = d[1:-1] - 0.5 * (d[:-2] + d[2:])
    ok = np.isfinite(s)
    enough = ok.sum(axis=1) >= MIN_SATELLITES
    out = np.full(n, np.nan)
    if enough.any():
        with np.errstate(invalid="ignore"):
            out[enough] = np.nanmedian(s[enough], axis=1)
    return out


def clock_jumps(
    code_m: np.ndarray, phase_m: np.ndarray, t_s: np.ndarray, interval_s: float
) -> pd.DataFrame:
    """Receiver clock jumps.

    Parameters
    ----------
    code_m, phase_m : ndarray (time, n)
        One code and one phase (in metres) per satellite (columns of any systems).
    t_s : ndarray (time,)
        Epochs [s].
    interval_s : float
        Sampling interval.

    Returns
    -------
    pandas.DataFrame
        One row per jump: ``row`` (epoch index), ``jump_ms`` (code jump, whole ms, signed),
        ``phase_jump_ms`` and ``kind`` ("code", "code+phase", "phase").
    """
    dt = np.diff(t_s, prepend=np.nan)
    consecutive = np.abs(dt - interval_s) < 0.01 * interval_s
    sc = _statistic(code_m, consecutive) / MS_M
    sp = _statistic(phase_m, consecutive) / MS_M
    rows = []
    for s in (sc, sp):
        a = np.abs(np.nan_to_num(s))
        left = np.concatenate([[0.0], a[:-1]])
        right = np.concatenate([a[1:], [0.0]])
        rows.append(np.flatnonzero((a > _THRESHOLD_MS) & (a >= left) & (a > right)))
    code_rows, phase_rows = rows
    all_rows = np.union1d(code_rows, phase_rows)
    jc = np.rint(np.nan_to_num(sc[all_rows])).astype(int)
    jp = np.rint(np.nan_to_num(sp[all_rows])).astype(int)
    kind = np.where(jc == 0, "phase", np.where(jp == jc, "code+phase", "code"))
    return pd.DataFrame({"row": all_rows, "jump_ms": jc, "phase_jump_ms": jp, "kind": kind})


def clock_repair_m(jumps: pd.DataFrame, n_epochs: int) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative corrections (time,) [m] to subtract from codes and from phases so that
    jumps seen in only one of them no longer break code–phase combinations."""
    code = np.zeros(n_epochs)
    phase = np.zeros(n_epochs)
    for row, jc, jp in zip(jumps["row"], jumps["jump_ms"], jumps["phase_jump_ms"], strict=True):
        if jc != jp:  # only the unmatched part matters
            code[row] += jc * MS_M
            phase[row] += jp * MS_M
    return np.cumsum(code), np.cumsum(phase)
