"""kompas.time against published facts: leap seconds, week epochs, scale offsets.

Every expected value here comes from an ICD or a published table, not from kompas:
GPS - UTC steps from USNO/IERS Bulletin C; week epochs from IS-GPS-200 (GPS week 0 =
1980-01-06), Galileo OS SIS ICD (GST week 0 = 1999-08-22), BDS-SIS-ICD (BDT week 0 =
2006-01-01); GLONASS day numbering from GLONASS ICD 5.1 sec. 4.4.
All comparisons are exact (int64 ns): there is no error budget to spend.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kompas.errors import LeapSecondTableExpiredWarning, TimeError
from kompas.time import (
    NAT_NS,
    Time,
    TimeScale,
    gps_minus_utc_s,
    parse_rinex_epoch,
    resolve_gps_week_rollover,
)

S = 1_000_000_000

# (first UTC day with the new value, GPS - UTC after it) — USNO "GPS-UTC" table.
GPS_LEAPS = [
    ("1981-07-01", 1),
    ("1982-07-01", 2),
    ("1983-07-01", 3),
    ("1985-07-01", 4),
    ("1988-01-01", 5),
    ("1990-01-01", 6),
    ("1991-01-01", 7),
    ("1992-07-01", 8),
    ("1993-07-01", 9),
    ("1994-07-01", 10),
    ("1996-01-01", 11),
    ("1997-07-01", 12),
    ("1999-01-01", 13),
    ("2006-01-01", 14),
    ("2009-01-01", 15),
    ("2012-07-01", 16),
    ("2015-07-01", 17),
    ("2017-01-01", 18),
]


def _day_before(iso_day: str) -> str:
    return str(np.datetime64(iso_day) - np.timedelta64(1, "D"))


def test_gps_epoch_is_zero():
    assert Time.from_calendar(1980, 1, 6, scale="GPST").ns == 0
    assert Time.from_calendar(1980, 1, 6, scale="UTC").ns == 0  # GPS - UTC = 0 then


@pytest.mark.parametrize(("day", "leap"), GPS_LEAPS)
def test_every_leap_second_since_1980(day, leap):
    before = _day_before(day)
    midnight = Time.parse(day, "UTC")
    last_normal = Time.parse(f"{before}T23:59:59", "UTC")
    inserted = Time.parse(f"{before}T23:59:60", "UTC")
    # the UTC minute containing the leap second lasts 61 s
    assert midnight - last_normal == 2.0
    assert inserted - last_normal == 1.0
    assert inserted.is_leap_second and not midnight.is_leap_second
    assert not last_normal.is_leap_second
    # GPS - UTC before and after
    assert gps_minus_utc_s(last_normal.ns) == leap - 1
    assert gps_minus_utc_s(midnight.ns) == leap
    # GPST labels: midnight UTC = 00:00:leap GPST
    y, mo, d, h, mi, s, _ = midnight.to("GPST").calendar()
    assert (h, mi, s) == (0, 0, leap)
    # the inserted second prints as :60 and round-trips
    assert inserted.isoformat(0).item().endswith("23:59:60")
    assert Time.parse(inserted.isoformat().item(), "UTC").ns == inserted.ns


def test_2016_leap_second_instant():
    t = Time.parse("2016-12-31T23:59:60.5", "UTC")
    assert t.to("GPST").isoformat(1).item() == "2017-01-01T00:00:17.5"
    assert t.to("TAI").isoformat(1).item() == "2017-01-01T00:00:36.5"
    # datetime64 has no second 60: clamped to the last ns of 23:59:59
    assert str(t.datetime64) == "2016-12-31T23:59:59.999999999"
    # GLONASST has the same leap second at 02:59:60 Moscow time
    assert t.to("GLONASST").isoformat(1).item() == "2017-01-01T02:59:60.5"


def test_bdt_is_gpst_minus_14s():
    t = Time.from_calendar(2023, 1, 1, 12, 0, 0, scale="GPST")
    assert t.to("BDT").isoformat(0).item() == "2023-01-01T11:59:46"
    b = Time.from_calendar(2023, 1, 1, 12, 0, 0, scale="BDT")
    assert b - t == 14.0
    # BDT zero: 2006-01-01T00:00:00 UTC (BDS-SIS-ICD 4.2) = BDS week 0, tow 0
    z = Time.parse("2006-01-01", "UTC")
    assert z.to("BDT").isoformat(0).item() == "2006-01-01T00:00:00"
    assert [int(v) for v in z.to("BDT").week_tow()] == [0, 0]


def test_glonasst_is_utc_plus_3h():
    u = Time.parse("2023-01-01T00:00:00", "UTC")
    assert u.to("GLONASST").isoformat(0).item() == "2023-01-01T03:00:00"
    # GLONASS day numbering (ICD 5.1 4.4): N4 = 7 for 2020-2023, NT = 1097 on 2023-01-01
    # the GLONASS day starts at 00:00 Moscow (GLONASST) time
    n4, nt, tod = Time.parse("2023-01-01T03:00:00", "GLONASST").glonass_day()
    assert (int(n4), int(nt), float(tod)) == (7, 1097, 10800.0)
    back = Time.from_glonass_day(7, 1097, 10800.0)
    assert back.to("UTC").isoformat(0).item() == "2023-01-01T00:00:00"


def test_week_epochs_and_rollovers():
    # GPS week rollovers: 1999-08-22 (1024) and 2019-04-07 (2048)
    for iso, week in [("1999-08-22", 1024), ("2019-04-07", 2048), ("2023-01-01", 2243)]:
        w, tow = Time.parse(iso, "GPST").week_tow()
        assert (int(w), float(tow)) == (week, 0.0)
    # Galileo week 0 = 1999-08-22 GST; BDS week = GPS week - 1356
    assert int(Time.parse("1999-08-22", "GST").week_tow()[0]) == 0
    w_bds, tow_bds = Time.parse("2023-01-01T00:00:14", "GPST").to("BDT").week_tow()
    assert (int(w_bds), float(tow_bds)) == (2243 - 1356, 0.0)
    t = Time.from_week_tow(887, 0.0, "BDT")
    assert t.to("GPST").isoformat(0).item() == "2023-01-01T00:00:14"
    # last second of a week rolls into the next
    t = Time.from_week_tow(2242, 604799.5, "GPST") + 1.0
    assert [float(v) for v in t.week_tow()] == [2243.0, 0.5]
    # 10-bit week numbers
    assert resolve_gps_week_rollover(195, 2243).item() == 2243
    assert resolve_gps_week_rollover(1023, 2048).item() == 2047


def test_exact_storage_and_arithmetic():
    t = Time.from_calendar(2023, 1, 1, 0, 0, 0, nanosecond=1, scale="GPST")
    assert (t + 1e-9).ns - t.ns == 1
    assert t.diff_ns(t - 0.5) == S // 2
    # float seconds that are not binary-exact still land on the right ns
    t2 = Time.from_calendar(2023, 1, 1, 0, 0, 29.9999999, scale="GPST")
    assert t2.ns % S == 999_999_900


def test_datetime64_round_trip_and_nat():
    labels = np.array(
        ["2023-01-01T00:00:00", "NaT", "2023-06-30T12:34:56.123456789"], dtype="datetime64[ns]"
    )
    for scale in TimeScale:
        t = Time.from_datetime64(labels, scale)
        assert t.ns[1] == NAT_NS
        np.testing.assert_array_equal(
            t.datetime64.astype("int64")[[0, 2]], labels.astype("int64")[[0, 2]]
        )


@given(st.integers(min_value=-5 * 10**17, max_value=2 * 10**18), st.sampled_from(list(TimeScale)))
def test_labels_round_trip_every_scale(ns, scale):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LeapSecondTableExpiredWarning)
        t = Time.from_ns(ns, scale)
        y, mo, d, h, mi, s, nsec = t.calendar()
        back = Time.from_calendar(y, mo, d, h, mi, s, nanosecond=nsec, scale=scale)
    assert back.ns == ns


def test_rinex_epoch_fields():
    t = parse_rinex_epoch("2023 01 01 00 00 30.0000000", "GPST")
    assert t.isoformat(0).item() == "2023-01-01T00:00:30"
    t2 = parse_rinex_epoch(" 21  1  1  0  0  0.0000000", "GPST")  # RINEX 2 two-digit year
    assert t2.isoformat(0).item() == "2021-01-01T00:00:00"
    with pytest.raises(TimeError):
        parse_rinex_epoch("2023 01 01", "GPST")


def test_leap_table_expiry_warns():
    with pytest.warns(LeapSecondTableExpiredWarning, match="expiry"):
        Time.parse("2031-01-01", "UTC")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Time.parse("2031-01-01", "GPST").to("BDT").isoformat()  # no UTC involved: no warning


def test_unknown_scale_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown time scale"):
        Time.parse("2023-01-01", "GMT")
    assert TimeScale.coerce("GLO") is TimeScale.GLONASST
