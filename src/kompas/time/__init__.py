"""Time scales of GNSS: exact vectorised epochs, leap seconds, weeks per system.

The main type is :class:`Time`; see :mod:`kompas.time.scales` for the relations
between GPST, GST, BDT, GLONASST, QZSST, IRNSST, UTC and TAI.
"""

from kompas.time.convert import as_instants_ns, as_time
from kompas.time.core import NAT_NS, NS_PER_S, Time
from kompas.time.leap import gps_minus_utc_s, leap_table, load_leap_seconds_list
from kompas.time.rinex import parse_rinex_epoch, resolve_gps_week_rollover
from kompas.time.scales import TimeScale

__all__ = [
    "Time",
    "TimeScale",
    "NAT_NS",
    "NS_PER_S",
    "as_time",
    "as_instants_ns",
    "gps_minus_utc_s",
    "leap_table",
    "load_leap_seconds_list",
    "parse_rinex_epoch",
    "resolve_gps_week_rollover",
]
