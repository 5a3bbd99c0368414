"""RAIM/FDE: chi-square test of the weighted residuals and iterative exclusion.

The solver hands in ``resolve(rows, usable, max_iter, sol)``, which re-solves the epochs
``rows`` in place with the given usable cells, so this module needs nothing of the
solver's internals (and the solver imports it, not the other way round).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kompas.positioning.lsq import chi2_threshold
from kompas.positioning.status import SolutionStatus

__all__ = ["raim_fde"]


def raim_fde(
    sol,
    resolve: Callable,
    usable: np.ndarray,
    excl_raim: np.ndarray,
    alpha: float,
    max_exclusions: int,
):
    """Chi-square test and iterative exclusion of the worst satellite (FDE).

    An exclusion is only tried while at least two redundant observations remain (so the
    test stays meaningful afterwards), and kept only when it lowers the test statistic
    relative to its threshold; otherwise the epoch is restored and flagged
    ``CHI2_FAILED``. ``excl_raim`` (T, M) is set where a cell was excluded.
    """
    usable = usable.copy()
    active = np.ones(len(sol.status), bool)
    for _ in range(max_exclusions):
        thr = chi2_threshold(sol.dof, alpha)
        failing = active & (sol.status == SolutionStatus.OK) & (sol.dof >= 2) & (sol.wssr > thr)
        rows = np.flatnonzero(failing)
        if rows.size == 0:
            break
        before = {name: getattr(sol, name)[rows].copy() for name in vars(sol)}
        ratio_before = sol.wssr[rows] / thr[rows]
        norm_res = np.abs(sol.residual[rows]) * np.sqrt(sol.weight[rows])
        worst = np.nanargmax(np.where(sol.used[rows], norm_res, -np.inf), axis=1)
        usable[rows, worst] = False
        resolve(rows, usable, 6, sol)
        thr_after = chi2_threshold(sol.dof[rows], alpha)
        better = (sol.status[rows] == SolutionStatus.OK) & (
            sol.wssr[rows] / thr_after < ratio_before
        )
        excl_raim[rows[better], worst[better]] = True
        undo = rows[~better]
        if undo.size:
            for name, values in before.items():
                getattr(sol, name)[undo] = values[~better]
            usable[undo, worst[~better]] = True
            active[undo] = False
    thr = chi2_threshold(sol.dof, alpha)
    still = (sol.status == SolutionStatus.OK) & (sol.dof >= 1) & (sol.wssr > thr)
    sol.status[still] = SolutionStatus.CHI2_FAILED
    return sol
