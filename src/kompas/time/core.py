"""`Time`: vectorised, exact epochs with an explicit time scale.

An instant is stored as int64 nanoseconds since 1980-01-06T00:00:00 GPST on the
continuous GPS scale (``Time.ns``): ±292 years of range at 1 ns, no float rounding, no
leap-second ambiguity.  ``Time.scale`` only says how the instant is *presented*
(calendar labels, week/time-of-week).  Arithmetic between times is exact in
nanoseconds; differences come back as float64 seconds (or int64 ns with ``diff_ns``).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from kompas.constants import SECONDS_PER_DAY, SECONDS_PER_WEEK
from kompas.errors import TimeError
from kompas.time.calendar import GPS_EPOCH_DAYS, civil_from_days, days_from_civil
from kompas.time.leap import leap_table
from kompas.time.scales import FIXED_OFFSET_NS, UTC_BASED, WEEK_EPOCH_GPS_WEEK, TimeScale

__all__ = ["Time", "NAT_NS", "NS_PER_S"]

NS_PER_S = 1_000_000_000
_DAY_NS = SECONDS_PER_DAY * NS_PER_S
_WEEK_NS = SECONDS_PER_WEEK * NS_PER_S
#: Marker for an unknown instant in int64 columns (same bit pattern as numpy NaT).
NAT_NS = np.iinfo(np.int64).min
#: ns between 1970-01-01 and 1980-01-06 on a label axis (numpy datetime64 epoch → GPS zero).
_UNIX_TO_GPS_LABEL_NS = GPS_EPOCH_DAYS * _DAY_NS
#: Start of GLONASS four-year interval 1 (N4 = 1): 1996-01-01 (GLONASS ICD 5.1, 4.4).
_GLO_N4_EPOCH_DAYS = int(days_from_civil(1996, 1, 1))
_FOUR_YEARS_DAYS = 1461

_ISO = re.compile(
    r"^\s*(-?\d{1,4})-(\d{1,2})-(\d{1,2})"  # date
    r"(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?\s*$"  # [time]
)


def _seconds_to_ns(seconds) -> np.ndarray:
    """Round seconds (int or float array) to int64 nanoseconds, exactly for integers."""
    s = np.asarray(seconds)
    if np.issubdtype(s.dtype, np.integer):
        return s.astype(np.int64) * NS_PER_S
    whole = np.floor(s)
    return whole.astype(np.int64) * NS_PER_S + np.rint((s - whole) * NS_PER_S).astype(np.int64)


def _labels_to_ns(label_ns: np.ndarray, scale: TimeScale) -> np.ndarray:
    """Instants (GPST ns) from labels (ns since 1980-01-06 label) in ``scale``."""
    if scale in FIXED_OFFSET_NS:
        return label_ns - FIXED_OFFSET_NS[scale]
    utc = label_ns - UTC_BASED[scale]
    return label_ns - UTC_BASED[scale] + leap_table().at_utc_label(utc) * NS_PER_S


class Time:
    """Epochs on an explicit GNSS or civil time scale, stored exactly.

    Do not call the constructor with labels: use a factory (:meth:`from_calendar`,
    :meth:`from_datetime64`, :meth:`from_week_tow`, :meth:`parse`, :meth:`from_ns`).

    Parameters
    ----------
    ns : array_like of int64
        Instants, nanoseconds since 1980-01-06T00:00:00 GPST on the continuous GPS scale.
    scale : TimeScale or str
        The scale used to present the instants.

    Examples
    --------
    >>> t = Time.from_calendar(2023, 1, 1, 0, 0, 0, scale="BDT")
    >>> (t.to("GPST").datetime64 - t.datetime64).astype("timedelta64[s]")
    numpy.timedelta64(14,'s')
    """

    __slots__ = ("ns", "scale")

    def __init__(self, ns: Any, scale: TimeScale | str = TimeScale.GPST) -> None:
        self.ns = np.asarray(ns, dtype=np.int64)
        self.scale = TimeScale.coerce(scale)

    # ----------------------------------------------------------------- factories
    @classmethod
    def from_ns(cls, ns: Any, scale: TimeScale | str = TimeScale.GPST) -> Time:
        """Wrap int64 GPST-continuous nanoseconds (the internal representation)."""
        return cls(ns, scale)

    @classmethod
    def from_calendar(
        cls,
        year: Any,
        month: Any = 1,
        day: Any = 1,
        hour: Any = 0,
        minute: Any = 0,
        second: Any = 0,
        *,
        nanosecond: Any = 0,
        scale: TimeScale | str = TimeScale.GPST,
    ) -> Time:
        """Epochs from calendar labels in ``scale`` (array-like fields broadcast together).

        ``second`` may be float (rounded to the nanosecond) or int; ``nanosecond`` adds an
        exact integer part. On UTC-based scales (UTC, GLONASST) ``second`` may reach 60 for
        an inserted leap second (e.g. 2016-12-31T23:59:60 UTC).
        """
        scale = TimeScale.coerce(scale)
        days = days_from_civil(year, month, day) - GPS_EPOCH_DAYS
        sec_ns = _seconds_to_ns(second) + np.asarray(nanosecond, dtype=np.int64)
        label = (
            days * _DAY_NS
            + np.asarray(hour, dtype=np.int64) * 3600 * NS_PER_S
            + np.asarray(minute, dtype=np.int64) * 60 * NS_PER_S
            + sec_ns
        )
        if scale in UTC_BASED:
            # A label in second 60 belongs to the day before the step: look the offset up at
            # the clamped label (23:59:59.x), then add the label as it is.
            over = np.maximum(sec_ns - 59 * NS_PER_S - (NS_PER_S - 1), 0)
            utc_lookup = label - UTC_BASED[scale] - over
            return cls(
                label - UTC_BASED[scale] + leap_table().at_utc_label(utc_lookup) * NS_PER_S,
                scale,
            )
        return cls(_labels_to_ns(label, scale), scale)

    @classmethod
    def from_datetime64(cls, labels: Any, scale: TimeScale | str = TimeScale.GPST) -> Time:
        """Epochs from ``datetime64`` labels read on ``scale`` (NaT becomes :data:`NAT_NS`)."""
        scale = TimeScale.coerce(scale)
        dt = np.asarray(labels, dtype="datetime64[ns]")
        nat = np.isnat(dt)
        raw = np.where(nat, _UNIX_TO_GPS_LABEL_NS, dt.view(np.int64))
        out = _labels_to_ns(raw - _UNIX_TO_GPS_LABEL_NS, scale)
        return cls(np.where(nat, NAT_NS, out), scale)

    @classmethod
    def from_week_tow(cls, week: Any, tow_s: Any, scale: TimeScale | str = TimeScale.GPST) -> Time:
        """Epochs from a week number in ``scale``'s own numbering and seconds of week.

        GPST/QZSST: GPS week; GST and IRNSST: weeks since 1999-08-22; BDT: BDS week
        (GPS week − 1356). GLONASST has no week: use :meth:`from_glonass_day`.
        """
        scale = TimeScale.coerce(scale)
        if scale not in WEEK_EPOCH_GPS_WEEK:
            raise TimeError(f"{scale.value} has no week numbering; use from_glonass_day")
        weeks = np.asarray(week, dtype=np.int64) + WEEK_EPOCH_GPS_WEEK[scale]
        label = weeks * _WEEK_NS + _seconds_to_ns(tow_s)
        if scale is TimeScale.BDT:
            # BDT week 0 starts at 2006-01-01 00:00:00 BDT, a Sunday: label axis aligned.
            label = (
                label
                - 1356 * _WEEK_NS
                + int(days_from_civil(2006, 1, 1) - GPS_EPOCH_DAYS) * _DAY_NS
            )
        elif scale in (TimeScale.GST, TimeScale.IRNSST):
            label = (
                label
                - 1024 * _WEEK_NS
                + int(days_from_civil(1999, 8, 22) - GPS_EPOCH_DAYS) * _DAY_NS
            )
        return cls(_labels_to_ns(label, scale), scale)

    @classmethod
    def from_glonass_day(cls, n4: Any, nt: Any, tod_s: Any) -> Time:
        """GLONASS epochs from the four-year interval N4 (1 = 1996–1999), day NT (1–1461)
        and seconds of GLONASS day (GLONASS ICD 5.1, 4.4)."""
        days = (
            _GLO_N4_EPOCH_DAYS
            + (np.asarray(n4, dtype=np.int64) - 1) * _FOUR_YEARS_DAYS
            + np.asarray(nt, dtype=np.int64)
            - 1
            - GPS_EPOCH_DAYS
        )
        label = days * _DAY_NS + _seconds_to_ns(tod_s)
        return cls(_labels_to_ns(label, TimeScale.GLONASST), TimeScale.GLONASST)

    @classmethod
    def parse(cls, text: Any, scale: TimeScale | str = TimeScale.GPST) -> Time:
        """Epochs from ISO-8601-like strings ``YYYY-MM-DD[THH:MM[:SS[.fffffffff]]]``.

        Second 60 is accepted on UTC-based scales.
        """
        arr = np.asarray(text, dtype=object)
        fields = np.zeros(arr.shape + (7,), dtype=np.int64)
        for idx, s in np.ndenumerate(arr):
            m = _ISO.match(str(s))
            if not m:
                raise TimeError(f"cannot parse epoch {s!r}; expected YYYY-MM-DDTHH:MM:SS[.f]")
            y, mo, d, h, mi, se, frac = m.groups()
            fields[idx] = (
                int(y),
                int(mo),
                int(d),
                int(h or 0),
                int(mi or 0),
                int(se or 0),
                int((frac or "0").ljust(9, "0")),
            )
        f = np.moveaxis(fields, -1, 0)
        return cls.from_calendar(f[0], f[1], f[2], f[3], f[4], f[5], nanosecond=f[6], scale=scale)

    # ------------------------------------------------------------ presentation
    def to(self, scale: TimeScale | str) -> Time:
        """The same instants, presented on another scale."""
        return Time(self.ns, scale)

    def _label_ns(self) -> tuple[np.ndarray, np.ndarray]:
        """Labels (ns since 1980-01-06 label) on this scale, and the in-leap-second mask."""
        if self.scale in FIXED_OFFSET_NS:
            return self.ns + FIXED_OFFSET_NS[self.scale], np.zeros(self.ns.shape, bool)
        off, in_leap = leap_table().at_gps(np.where(self.ns == NAT_NS, 0, self.ns))
        return self.ns - off * NS_PER_S + UTC_BASED[self.scale], in_leap

    @property
    def datetime64(self) -> np.ndarray:
        """Labels on this scale as ``datetime64[ns]`` (NaT where unknown).

        During an inserted leap second (UTC-based scales) the label is clamped to
        23:59:59.999999999, since ``datetime64`` has no second 60; :meth:`calendar`
        gives the exact 60.x.
        """
        label, in_leap = self._label_ns()
        if in_leap.any():
            # label already repeats 23:59:59.x; clamp to the last ns of that second
            label = np.where(in_leap, (label // NS_PER_S) * NS_PER_S + NS_PER_S - 1, label)
        out = (label + _UNIX_TO_GPS_LABEL_NS).view("datetime64[ns]")
        return np.where(self.ns == NAT_NS, np.datetime64("NaT", "ns"), out)

    def calendar(self) -> tuple[np.ndarray, ...]:
        """(year, month, day, hour, minute, second_int, nanosecond) on this scale.

        ``second_int`` is 60 during an inserted leap second on UTC-based scales.
        """
        label, in_leap = self._label_ns()
        days, rem = np.divmod(label, _DAY_NS)
        y, m, d = civil_from_days(days + GPS_EPOCH_DAYS)
        hour, rem = np.divmod(rem, 3600 * NS_PER_S)
        minute, rem = np.divmod(rem, 60 * NS_PER_S)
        sec, nsec = np.divmod(rem, NS_PER_S)
        return y, m, d, hour, minute, sec + in_leap, nsec

    def isoformat(self, digits: int = 9) -> np.ndarray:
        """ISO-8601 strings on this scale (with ``:60`` for leap seconds), as an object array."""
        y, mo, d, h, mi, s, nsec = self.calendar()
        out = np.empty(self.shape, dtype=object)
        for idx in np.ndindex(self.shape):
            frac = f"{int(nsec[idx]):09d}"[:digits]
            out[idx] = (
                f"{int(y[idx]):04d}-{int(mo[idx]):02d}-{int(d[idx]):02d}T"
                f"{int(h[idx]):02d}:{int(mi[idx]):02d}:{int(s[idx]):02d}"
                + (f".{frac}" if digits else "")
            )
        return out

    def week_tow(self) -> tuple[np.ndarray, np.ndarray]:
        """(week, seconds of week) in this scale's own numbering (see :meth:`from_week_tow`)."""
        week, tow_ns = self.week_tow_ns()
        return week, tow_ns / NS_PER_S

    def week_tow_ns(self) -> tuple[np.ndarray, np.ndarray]:
        """(week, nanoseconds of week) exactly, in this scale's own numbering."""
        if self.scale not in WEEK_EPOCH_GPS_WEEK:
            raise TimeError(f"{self.scale.value} has no week numbering; use glonass_day()")
        label, _ = self._label_ns()
        if self.scale is TimeScale.BDT:
            label = label - int(days_from_civil(2006, 1, 1) - GPS_EPOCH_DAYS) * _DAY_NS
        elif self.scale in (TimeScale.GST, TimeScale.IRNSST):
            label = label - int(days_from_civil(1999, 8, 22) - GPS_EPOCH_DAYS) * _DAY_NS
        week, tow = np.divmod(label, _WEEK_NS)
        return week, tow

    def seconds_of_day(self) -> np.ndarray:
        """Seconds since midnight on this scale (float64; 86400.x inside a leap second)."""
        label, in_leap = self._label_ns()
        return np.mod(label, _DAY_NS) / NS_PER_S + in_leap

    def glonass_day(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(N4, NT, seconds of GLONASS day) per GLONASS ICD 5.1, 4.4 (presented in GLONASST)."""
        g = self.to(TimeScale.GLONASST)
        label, in_leap = g._label_ns()
        days, rem = np.divmod(label, _DAY_NS)
        d = days + GPS_EPOCH_DAYS - _GLO_N4_EPOCH_DAYS
        n4, nt = np.divmod(d, _FOUR_YEARS_DAYS)
        return n4 + 1, nt + 1, rem / NS_PER_S + in_leap

    @property
    def is_leap_second(self) -> np.ndarray:
        """True for instants inside an inserted UTC leap second."""
        return leap_table().at_gps(self.ns)[1]

    # ------------------------------------------------------------- array protocol
    @property
    def shape(self) -> tuple[int, ...]:
        return self.ns.shape

    @property
    def ndim(self) -> int:
        return self.ns.ndim

    @property
    def size(self) -> int:
        return self.ns.size

    def __len__(self) -> int:
        return len(self.ns)

    def __getitem__(self, key: Any) -> Time:
        return Time(self.ns[key], self.scale)

    def __iter__(self):
        for v in self.ns:
            yield Time(v, self.scale)

    def reshape(self, *shape: Any) -> Time:
        return Time(self.ns.reshape(*shape), self.scale)

    def ravel(self) -> Time:
        return Time(self.ns.ravel(), self.scale)

    @property
    def isnat(self) -> np.ndarray:
        """True where the instant is unknown."""
        return self.ns == NAT_NS

    @staticmethod
    def concatenate(times: list[Time], scale: TimeScale | str | None = None) -> Time:
        """Join 1-D times; the result is presented on ``scale`` (default: the first's)."""
        if not times:
            raise TimeError("nothing to concatenate")
        sc = times[0].scale if scale is None else scale
        return Time(np.concatenate([t.ns.ravel() for t in times]), sc)

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, seconds: Any) -> Time:
        if isinstance(seconds, Time):
            return NotImplemented
        return Time(self.ns + _seconds_to_ns(seconds), self.scale)

    __radd__ = __add__

    def __sub__(self, other: Any):
        if isinstance(other, Time):
            return (self.ns - other.ns) / NS_PER_S
        return Time(self.ns - _seconds_to_ns(other), self.scale)

    def diff_ns(self, other: Time) -> np.ndarray:
        """Exact difference ``self - other`` in int64 nanoseconds."""
        return self.ns - other.ns

    def _cmp(self, other: Any, op) -> np.ndarray:
        if not isinstance(other, Time):
            return NotImplemented
        return op(self.ns, other.ns)

    def __eq__(self, other: Any):  # type: ignore[override]
        return self._cmp(other, np.equal)

    def __ne__(self, other: Any):  # type: ignore[override]
        return self._cmp(other, np.not_equal)

    def __lt__(self, other: Any):
        return self._cmp(other, np.less)

    def __le__(self, other: Any):
        return self._cmp(other, np.less_equal)

    def __gt__(self, other: Any):
        return self._cmp(other, np.greater)

    def __ge__(self, other: Any):
        return self._cmp(other, np.greater_equal)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self.ns.ndim == 0:
            return f"<Time {self.isoformat().item()} {self.scale.value}>"
        n = self.ns.size
        if n == 0:
            return f"<Time [] {self.scale.value}>"
        iso = self.ravel().isoformat()
        body = f"{iso[0]} … {iso[-1]}" if n > 1 else iso[0]
        return f"<Time shape={self.shape} {body} {self.scale.value}>"
