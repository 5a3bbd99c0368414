"""GLONASS FDMA inter-frequency code biases, one per frequency channel k, estimated from
a run's post-fit residuals."""

from __future__ import annotations

import numpy as np

from kompas.positioning.status import SolutionStatus

__all__ = ["channel_biases"]

#: Fewest observations of a channel for its bias to be estimated (the median of 30
#: residuals of ~1 m noise has a ~0.2 m standard error).
_MIN_OBS = 30


def channel_biases(
    sol, p_corr: np.ndarray, channel_of_cell: np.ndarray
) -> tuple[dict[int, float], np.ndarray]:
    """Per-channel GLONASS inter-frequency code bias.

    Parameters
    ----------
    sol : the solver's per-epoch solution (residual, used, status)
    p_corr : ndarray (T, M)
        Corrected pseudoranges of the cells.
    channel_of_cell : ndarray (T, M) int
        FDMA channel k of each cell, 99 for non-GLONASS cells.

    Returns
    -------
    ``{k: bias_m}`` (the median post-fit residual of each channel, minus their mean over
    all GLONASS observations, so the GLONASS clock keeps its meaning) and the
    pseudoranges with the biases removed. Channels with fewer than 30 observations are
    left alone.
    """
    k = channel_of_cell
    ok_rows = (sol.status == SolutionStatus.OK)[:, None]
    cell = sol.used & ok_rows & (k != 99) & np.isfinite(sol.residual)
    if cell.sum() < _MIN_OBS:
        return {}, p_corr
    chans, counts = np.unique(k[cell], return_counts=True)
    r = sol.residual[cell]
    kk = k[cell]
    bias, weight = {}, {}
    for c, n in zip(chans, counts, strict=False):  # a loop over at most 14 channels
        if n >= _MIN_OBS:
            bias[int(c)] = float(np.median(r[kk == c]))  # robust to the odd outlier
            weight[int(c)] = int(n)
    if not bias:
        return {}, p_corr
    mean = sum(bias[c] * weight[c] for c in bias) / sum(weight.values())
    bias = {c: b - mean for c, b in bias.items()}
    corr = np.zeros(p_corr.shape)
    for c, b in bias.items():
        corr[k == c] = b
    return bias, p_corr - corr
