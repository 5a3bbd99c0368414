"""Leap-second look-ups between GPST instants and UTC labels."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from kompas.constants import TAI_MINUS_GPST_S
from kompas.errors import LeapSecondTableExpiredWarning
from kompas.time import leap_seconds as _bundled
from kompas.time.calendar import GPS_EPOCH_DAYS, days_from_civil

__all__ = [
    "LeapTable",
    "leap_table",
    "load_leap_seconds_list",
    "gps_minus_utc_s",
]

_S = 1_000_000_000
_DAY = 86_400 * _S


class LeapTable:
    """GPS - UTC as a step function, keyed both by GPST instant and by UTC label.

    Parameters
    ----------
    entries : sequence of (year, month, day, tai_minus_utc_s)
        UTC midnights from which each TAI - UTC value applies.
    expires : (year, month, day)
        UTC date until which the table is known to be complete.
    source : str
        Where the table comes from (for messages).
    """

    def __init__(self, entries, expires, source: str) -> None:
        ent = sorted(entries)
        y, m, d, tai_utc = (np.array(c, dtype=np.int64) for c in zip(*ent, strict=False))
        gps_utc = tai_utc - TAI_MINUS_GPST_S
        #: UTC label (ns since 1980-01-06 on the UTC label axis) where each value starts.
        self.utc_start_ns = (days_from_civil(y, m, d) - GPS_EPOCH_DAYS) * _DAY
        #: GPS - UTC [s] from that start.
        self.gps_minus_utc_s = gps_utc
        #: GPST instant where each value starts: the leap second itself belongs to the *new*
        #: offset on the instant axis (its label repeats 23:59:59 of the old day).
        self.gps_start_ns = self.utc_start_ns + gps_utc * _S - _S
        self.gps_start_ns[0] = self.utc_start_ns[0] + gps_utc[0] * _S
        self.expires_utc_ns = int((days_from_civil(*expires) - GPS_EPOCH_DAYS) * _DAY)
        self.expires = expires
        self.source = source

    def _warn_if_expired(self, utc_label_ns: np.ndarray) -> None:
        if utc_label_ns.size and np.max(utc_label_ns) > self.expires_utc_ns:
            y, m, d = self.expires
            warnings.warn(
                f"UTC conversion past the leap-second table's expiry ({y:04d}-{m:02d}-{d:02d}, "
                f"{self.source}); a leap second announced since then would be missing. "
                "Load a newer leap-seconds.list with kompas.time.load_leap_seconds_list().",
                LeapSecondTableExpiredWarning,
                stacklevel=4,
            )

    def at_gps(self, gps_ns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """GPS - UTC [s] at GPST instants, and a mask of instants inside a leap second."""
        gps_ns = np.asarray(gps_ns, dtype=np.int64)
        i = np.searchsorted(self.gps_start_ns, gps_ns, side="right") - 1
        i = np.clip(i, 0, len(self.gps_start_ns) - 1)
        off = self.gps_minus_utc_s[i]
        in_leap = (i > 0) & (gps_ns < self.gps_start_ns[i] + _S)
        self._warn_if_expired(gps_ns - off * _S)
        return off, in_leap

    def at_utc_label(self, utc_label_ns: np.ndarray) -> np.ndarray:
        """GPS - UTC [s] in force at UTC labels (a 23:59:59.x label gets the old value)."""
        utc_label_ns = np.asarray(utc_label_ns, dtype=np.int64)
        i = np.searchsorted(self.utc_start_ns, utc_label_ns, side="right") - 1
        i = np.clip(i, 0, len(self.utc_start_ns) - 1)
        self._warn_if_expired(utc_label_ns)
        return self.gps_minus_utc_s[i]


_TABLE = LeapTable(_bundled.TAI_MINUS_UTC, _bundled.EXPIRES, "bundled IERS Bulletin C table")


def leap_table() -> LeapTable:
    """The leap-second table in use."""
    return _TABLE


def load_leap_seconds_list(path: str | os.PathLike) -> LeapTable:
    """Use an IERS/IETF ``leap-seconds.list`` file from now on and return its table.

    The file gives NTP seconds (since 1900-01-01) and TAI - UTC per line, and its expiry on
    the ``#@`` line.
    """
    global _TABLE
    entries = []
    expires = None
    ntp_to_unix_days = 25_567  # days from 1900-01-01 to 1970-01-01
    from kompas.time.calendar import civil_from_days

    for raw in Path(path).read_text().splitlines():
        if raw.startswith("#@"):
            days = int(raw[2:].split()[0]) // 86_400 - ntp_to_unix_days
            expires = tuple(int(v) for v in civil_from_days(days))
        elif raw.strip() and not raw.startswith("#"):
            ntp_s, dtai = raw.split()[:2]
            days = int(ntp_s) // 86_400 - ntp_to_unix_days
            y, m, d = (int(v) for v in civil_from_days(days))
            entries.append((y, m, d, int(dtai)))
    if not entries or expires is None:
        raise ValueError(f"{path}: not a leap-seconds.list file (no entries or no '#@' expiry)")
    _TABLE = LeapTable(entries, expires, os.fspath(path))
    return _TABLE


def gps_minus_utc_s(gps_ns) -> np.ndarray:
    """GPS - UTC [s] at GPST instants (int64 ns since 1980-01-06)."""
    return _TABLE.at_gps(np.asarray(gps_ns, dtype=np.int64))[0]
