"""Proleptic Gregorian calendar arithmetic on integer arrays (no datetime objects).

Days are counted from 1970-01-01 (the numpy ``datetime64`` epoch), using the
civil-from-days / days-from-civil algorithms (H. Hinnant, "chrono-compatible low-level
date algorithms"), exact for any year representable in int64.
"""

from __future__ import annotations

import numpy as np

__all__ = ["days_from_civil", "civil_from_days", "GPS_EPOCH_DAYS"]


def days_from_civil(year, month, day) -> np.ndarray:
    """Days since 1970-01-01 of a Gregorian date (vectorised, int64)."""
    y = np.asarray(year, dtype=np.int64)
    m = np.asarray(month, dtype=np.int64)
    d = np.asarray(day, dtype=np.int64)
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gregorian (year, month, day) of days since 1970-01-01 (vectorised, int64)."""
    z = np.asarray(days, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    return y + (m <= 2), m, d


#: 1980-01-06 (GPS time zero) in days since 1970-01-01.
GPS_EPOCH_DAYS = int(days_from_civil(1980, 1, 6))
