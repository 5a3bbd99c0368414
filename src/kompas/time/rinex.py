"""RINEX epoch fields and week-number ambiguities."""

from __future__ import annotations

from typing import Any

import numpy as np

from kompas.errors import TimeError
from kompas.time.core import Time
from kompas.time.scales import TimeScale

__all__ = ["parse_rinex_epoch", "resolve_gps_week_rollover", "RINEX_TIME_SYSTEMS"]

#: RINEX 3/4 ``TIME SYSTEM ID`` → kompas scale. RINEX "GLO" epochs are UTC(SU)-based labels:
#: the RINEX 3.05 (sec. 6.1) GLONASS epochs in observation and navigation files are UTC.
RINEX_TIME_SYSTEMS: dict[str, TimeScale] = {
    "GPS": TimeScale.GPST,
    "GAL": TimeScale.GST,
    "BDT": TimeScale.BDT,
    "GLO": TimeScale.UTC,
    "QZS": TimeScale.QZSST,
    "IRN": TimeScale.IRNSST,
    "UTC": TimeScale.UTC,
    "TAI": TimeScale.TAI,
}


def _full_year(yy: np.ndarray) -> np.ndarray:
    """RINEX 2 two-digit years: 80–99 → 19xx, 00–79 → 20xx (RINEX 2.11 sec. 6.5)."""
    return np.where(yy < 100, np.where(yy >= 80, 1900 + yy, 2000 + yy), yy)


def parse_rinex_epoch(text: Any, scale: TimeScale | str = TimeScale.GPST) -> Time:
    """Epochs from RINEX epoch fields ``YYYY MM DD HH MM SS.sssssss`` (or 2-digit years).

    Parameters
    ----------
    text : str or array of str
        Whitespace-separated fields: year, month, day, hour, minute, seconds.
    scale : TimeScale or str
        The file's time system.
    """
    arr = np.atleast_1d(np.asarray(text, dtype=object))
    fields = np.empty(arr.shape + (5,), dtype=np.int64)
    secs = np.empty(arr.shape, dtype=object)
    for idx, s in np.ndenumerate(arr):
        parts = str(s).split()
        if len(parts) < 6:
            raise TimeError(f"RINEX epoch {s!r}: expected 'YYYY MM DD HH MM SS.sssssss'")
        try:
            fields[idx] = [int(p) for p in parts[:5]]
        except ValueError:
            raise TimeError(f"RINEX epoch {s!r}: non-integer date/time field") from None
        secs[idx] = parts[5]
    # exact seconds: split on the decimal point
    ns = np.empty(arr.shape, dtype=np.int64)
    for idx, s in np.ndenumerate(secs):
        whole, _, frac = s.partition(".")
        try:
            ns[idx] = int(whole) * 1_000_000_000 + int((frac or "0")[:9].ljust(9, "0"))
        except ValueError:
            raise TimeError(f"RINEX epoch seconds {s!r} are not a number") from None
    f = np.moveaxis(fields, -1, 0)
    t = Time.from_calendar(_full_year(f[0]), f[1], f[2], f[3], f[4], 0, nanosecond=ns, scale=scale)
    return t if np.ndim(text) else t[0]


def resolve_gps_week_rollover(week_mod: Any, reference_week: Any) -> np.ndarray:
    """Full GPS week from a week modulo 1024 (RINEX 2 / legacy 10-bit) nearest a reference.

    Parameters
    ----------
    week_mod : int array
        Week as broadcast (0–1023) or already full.
    reference_week : int array
        A full GPS week known to be within ±512 weeks (e.g. from the file's epoch year).
    """
    w = np.asarray(week_mod, dtype=np.int64)
    ref = np.asarray(reference_week, dtype=np.int64)
    if np.any(w < 0):
        raise TimeError("negative GPS week")
    k = np.rint((ref - (w % 1024)) / 1024).astype(np.int64)
    return (w % 1024) + 1024 * k
