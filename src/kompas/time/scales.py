"""Time scales of the GNSS world and their fixed relations.

=========  ===========================================================  =================
scale      definition                                                   label - GPST
=========  ===========================================================  =================
GPST       GPS time, zero at 1980-01-06T00:00:00 UTC (IS-GPS-200 3.3.4)  0
GST        Galileo System Time, steered to GPST modulo the broadcast     0
           GGTO (Galileo OS SIS ICD 5.1.2); week 0 starts 1999-08-22
QZSST      QZSS time, aligned to GPST (IS-QZSS-PNT 3.1.2)               0
IRNSST     NavIC time; week 0 starts 1999-08-22 (IRNSS SPS ICD 3.1)     0
BDT        BeiDou time, zero at 2006-01-01T00:00:00 UTC                  -14 s
           (BDS-SIS-ICD-B1I 3.0 sec. 4.2)
TAI        International Atomic Time                                     +19 s
UTC        Coordinated Universal Time                                    -(GPS - UTC)
GLONASST   UTC(SU) + 3 h (GLONASS ICD 5.1 sec. 3.3.3)                   +3 h - (GPS - UTC)
=========  ===========================================================  =================

The sub-microsecond steering offsets between the realisations (GGTO, BDGP, tau_GPS, ...)
are broadcast *data*, not constants, and live in the navigation tables.
"""

from __future__ import annotations

import enum

from kompas.constants import BDT_MINUS_GPST_S, GLONASST_MINUS_UTC_S, TAI_MINUS_GPST_S

__all__ = ["TimeScale", "FIXED_OFFSET_NS", "UTC_BASED", "WEEK_EPOCH_GPS_WEEK"]


class TimeScale(str, enum.Enum):
    """A GNSS or civil time scale. The value is the conventional abbreviation."""

    GPST = "GPST"
    GST = "GST"
    BDT = "BDT"
    GLONASST = "GLONASST"
    QZSST = "QZSST"
    IRNSST = "IRNSST"
    UTC = "UTC"
    TAI = "TAI"

    @classmethod
    def coerce(cls, value: TimeScale | str) -> TimeScale:
        """Accept a member or a name; RINEX names ``GPS GAL BDT GLO QZS IRN UTC TAI`` too."""
        if isinstance(value, cls):
            return value
        key = str(value).strip().upper()
        alias = {
            "GPS": "GPST",
            "GAL": "GST",
            "BDS": "BDT",
            "BDST": "BDT",
            "GLO": "GLONASST",
            "GLONASS": "GLONASST",
            "QZS": "QZSST",
            "QZSS": "QZSST",
            "IRN": "IRNSST",
            "NAVIC": "IRNSST",
            "IRNSS": "IRNSST",
            "GALILEO": "GST",
            "GLOT": "GLONASST",
        }
        key = alias.get(key, key)
        try:
            return cls(key)
        except ValueError:
            names = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown time scale {value!r}; expected one of {names}") from None


_S = 1_000_000_000

#: label - GPST [ns] for the scales with a fixed offset from GPST.
FIXED_OFFSET_NS: dict[TimeScale, int] = {
    TimeScale.GPST: 0,
    TimeScale.GST: 0,
    TimeScale.QZSST: 0,
    TimeScale.IRNSST: 0,
    TimeScale.BDT: BDT_MINUS_GPST_S * _S,
    TimeScale.TAI: TAI_MINUS_GPST_S * _S,
}

#: Scales whose labels follow UTC (leap seconds), with their fixed offset from UTC [ns].
UTC_BASED: dict[TimeScale, int] = {
    TimeScale.UTC: 0,
    TimeScale.GLONASST: GLONASST_MINUS_UTC_S * _S,
}

#: GPS week number at which each scale's week 0 starts (labels aligned at week starts).
WEEK_EPOCH_GPS_WEEK: dict[TimeScale, int] = {
    TimeScale.GPST: 0,
    TimeScale.QZSST: 0,
    TimeScale.TAI: 0,
    TimeScale.UTC: 0,
    TimeScale.GST: 1024,
    TimeScale.IRNSST: 1024,
    TimeScale.BDT: 1356,
}
