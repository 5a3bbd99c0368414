"""Arc bookkeeping on (time, sv) grids, whole-array: previous sample, arc labels, arc means.

An *arc* of a satellite is a run of valid samples with no break between them; a break is a
gap longer than the allowed one, a cycle slip, a loss-of-lock flag or a clock reset.
Arc labels are integers unique over the whole grid (column-major blocks), so per-arc sums
are one :func:`numpy.bincount`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["previous_valid", "next_valid", "arc_labels", "arc_demean", "runs"]


def previous_valid(valid: np.ndarray) -> np.ndarray:
    """Row index of the previous valid sample of the same column (-1 if none), per element."""
    n = valid.shape[0]
    idx = np.where(valid, np.arange(n)[:, None], -1)
    last = np.maximum.accumulate(idx, axis=0)
    prev = np.full(valid.shape, -1, dtype=np.int64)
    prev[1:] = last[:-1]
    return prev


def next_valid(valid: np.ndarray) -> np.ndarray:
    """Row index of the next valid sample of the same column (-1 if none), per element."""
    rev = previous_valid(valid[::-1])[::-1]
    n = valid.shape[0]
    return np.where(rev >= 0, n - 1 - rev, -1)


def arc_labels(valid: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Arc label per element (-1 where not valid).

    A new arc starts at a valid sample whose column has no earlier valid sample, or where
    ``breaks`` is True (gap, slip, ...).  Labels are unique across columns.
    """
    n, m = valid.shape
    prev = previous_valid(valid)
    start = valid & ((prev < 0) | breaks)
    label = np.cumsum(start, axis=0) + (np.arange(m) * (n + 1))[None, :]
    return np.where(valid, label, -1)


def arc_demean(
    x: np.ndarray, label: np.ndarray, min_samples: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Remove each arc's mean from ``x``; arcs with fewer than ``min_samples`` become NaN.

    Returns
    -------
    demeaned : ndarray, same shape (NaN outside arcs)
    arc_size : ndarray of int, same shape (samples in the element's arc, 0 outside)
    """
    ok = (label >= 0) & np.isfinite(x)
    lab = label[ok]
    size = int(label.max()) + 1 if lab.size else 1
    total = np.bincount(lab, weights=x[ok], minlength=size)
    count = np.bincount(lab, minlength=size)
    out = np.full(x.shape, np.nan)
    n_arc = np.zeros(x.shape, dtype=np.int64)
    n_arc[ok] = count[lab]
    keep = ok & (n_arc >= min_samples)
    out[keep] = x[keep] - (total / np.maximum(count, 1))[label[keep]]
    return out, n_arc


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of True along axis 0 of a 2-D boolean array.

    Returns
    -------
    column, first_row, last_row : ndarrays of int (one element per run, inclusive rows)
    """
    m = np.asarray(mask, dtype=bool)
    if m.ndim == 1:
        m = m[:, None]
    pad = np.zeros((1, m.shape[1]), dtype=bool)
    d = np.diff(np.vstack([pad, m, pad]).astype(np.int8), axis=0)
    s_row, s_col = np.nonzero(d.T == 1)[::-1]
    e_row, e_col = np.nonzero(d.T == -1)[::-1]
    # nonzero on the transpose orders by column then row: starts and ends pair up
    return s_col, s_row, e_row - 1
