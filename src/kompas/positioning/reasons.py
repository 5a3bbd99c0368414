"""Why epochs of a solution were not solved: counted, with the dominant reason in words."""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from kompas.positioning.status import ExclusionReason, SolutionStatus

__all__ = ["unsolved_reasons"]

_NAT = np.iinfo(np.int64).min


def _epoch_reasons(sol: xr.Dataset) -> np.ndarray:
    """Reason text of every unsolved epoch ("" where solved)."""
    status = sol["status"].values
    excl = sol["exclusion"].values
    n_codes = max(ExclusionReason.NAMES) + 1
    counts = np.zeros((len(status), n_codes), np.int64)
    for c in range(n_codes):  # a loop over the 8 reason codes
        counts[:, c] = (excl == c).sum(axis=1)
    observed = counts.sum(axis=1) - counts[:, ExclusionReason.NOT_OBSERVED]
    lost = counts.copy()
    lost[:, [ExclusionReason.NOT_OBSERVED, ExclusionReason.USED]] = -1
    worst = np.argmax(lost, axis=1)
    out = np.full(len(status), "", dtype=object)
    bad = status > SolutionStatus.CHI2_FAILED
    for i in np.flatnonzero(bad):
        if observed[i] == 0:
            out[i] = "no observations of the requested systems"
        elif lost[i, worst[i]] > 0 and counts[i, ExclusionReason.USED] < 4:
            out[i] = ExclusionReason.NAMES[int(worst[i])]
        else:
            out[i] = SolutionStatus.NAMES[int(status[i])]
    return out


def _nav_span_text(nav: Any) -> str:
    from kompas.time import Time

    lo, hi = None, None
    for k in getattr(nav, "ephemerides", {}):
        col = np.asarray(nav.ephemerides[k].get("toc_ns", []), dtype=np.int64)
        col = col[col != _NAT]
        if col.size:
            lo = col.min() if lo is None else min(lo, col.min())
            hi = col.max() if hi is None else max(hi, col.max())
    if lo is None:
        return "the navigation data hold no ephemeris"
    a, b = Time.from_ns(np.array([lo, hi])).isoformat(0)
    return f"nav covers {a[:16].replace('T', ' ')}–{b[:16].replace('T', ' ')} GPST"


def unsolved_reasons(sol: xr.Dataset, nav: Any = None) -> dict:
    """Counted reasons of the epochs a solution left unsolved.

    Parameters
    ----------
    sol : xarray.Dataset
        A result of :func:`kompas.solve`.
    nav : kompas.io.Navigation, optional
        Adds the span of the navigation data when ephemerides were missing.

    Returns
    -------
    dict
        ``unsolved`` (int), ``counts`` ({reason: epochs}, largest first), ``dominant``
        (the most frequent reason or ""), ``text`` (one line, e.g. ``"2880 of 2880 epochs
        unsolved: no usable ephemeris (2880) — nav covers 2024-05-06 06:00–08:00 GPST,
        obs 01:00–02:00"``; "" when every epoch was solved).
    """
    reasons = _epoch_reasons(sol)
    bad = reasons != ""
    names, counts = np.unique(reasons[bad].astype(str), return_counts=True)
    order = np.argsort(-counts, kind="stable")
    table = {str(names[i]): int(counts[i]) for i in order}
    n_bad = int(bad.sum())
    if n_bad == 0:
        return {"unsolved": 0, "counts": {}, "dominant": "", "text": ""}
    dominant = next(iter(table))
    text = f"{n_bad} of {sol.sizes['time']} epochs unsolved: " + ", ".join(
        f"{k} ({v})" for k, v in table.items()
    )
    if dominant == ExclusionReason.NAMES[ExclusionReason.NO_EPHEMERIS] and nav is not None:
        t = sol["time"].values
        text += (
            f" — {_nav_span_text(nav)}; obs {str(t[0])[:16].replace('T', ' ')}–"
            f"{str(t[-1])[:16].replace('T', ' ')} {sol.attrs.get('time_scale', 'GPST')}"
        )
    return {"unsolved": n_bad, "counts": table, "dominant": dominant, "text": text}
