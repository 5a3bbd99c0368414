"""write_obs: read -> write -> read gives the same data and header facts."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from kompas.errors import KompasError
from kompas.io.numparse import format_fixed, parse_fixed
from kompas.io.rinex_obs import read_obs
from kompas.io.rinex_obs_writer import write_obs

# facts that legitimately change on rewrite: the program line, the version written, the
# path, the time of last obs (written from the data), and the RINEX 2 originals
_VOLATILE = {
    "program", "run_by", "file_date", "version", "source", "time_of_last_obs",
    "rinex2_obs_types", "epoch_flags", "comments",
}  # fmt: skip


def assert_same(ds: xr.Dataset, back: xr.Dataset) -> None:
    # values to the 0.001 of the format are exact: both are float("...") of the same text
    xr.testing.assert_identical(ds.drop_attrs(), back.drop_attrs())
    for key, value in ds.attrs.items():
        if key not in _VOLATILE:
            assert back.attrs.get(key) == value, key


@pytest.mark.data
@pytest.mark.parametrize(
    "rel",
    [
        "tlse-2023-001/TLSE00FRA_R_20230010100_10S_01S_MO.crx.gz",
        "rinex4/KMS300DNK_R_20221591000_01H_30S_MO.crx",
        "rinex2/delf0010.21o",
    ],
)
@pytest.mark.parametrize("version", ["3.05", "4.01"])
def test_round_trip_real_files(data, tmp_path, rel, version):
    ds = read_obs(data(rel), strict="raise")
    out = tmp_path / "out.rnx"
    write_obs(ds, out, version=version)
    back = read_obs(out, strict="raise")
    assert back.attrs["version"] == float(version)
    assert_same(ds, back)


def test_round_trip_synthetic_indicators_clock_and_flags(tmp_path):
    times = np.array(["2023-01-01T00:00:00", "2023-01-01T00:00:30.5"], dtype="datetime64[ns]")
    sv = np.array(["E11", "G01", "R24"], dtype=object)
    c1c = np.array([[20000000.001, -1.5, np.nan], [np.nan, 0.0, 9999999999.999]])
    lli = np.array([[-1, 1, -1], [-1, 9, -1]], dtype=np.int8)
    ds = xr.Dataset(
        {
            "C1C": (("time", "sv"), c1c),
            "C1C_lli": (("time", "sv"), lli),
            "receiver_clock_offset_s": (("time",), np.array([1.25e-4, np.nan])),
        },
        coords={"time": times, "sv": sv},
        attrs={
            "marker_name": "SYNT",
            "time_scale": "GPST",
            "glonass_channels": {"R24": 2},
            "epoch_flags": [{"flag": 1, "time": "2023-01-01T00:00:30.500000000"}],
        },
    )
    out = tmp_path / "s.rnx"
    write_obs(ds, out)
    back = read_obs(out, strict="raise")
    np.testing.assert_array_equal(back["C1C"].values, c1c)
    np.testing.assert_array_equal(back["C1C_lli"].values, lli)
    np.testing.assert_array_equal(back["time"].values, times)
    assert back["receiver_clock_offset_s"].values[0] == 1.25e-4
    assert back.attrs["glonass_channels"] == {"R24": 2}
    assert [ev["flag"] for ev in back.attrs["epoch_flags"]] == [1]


def test_value_too_large_for_f14_3(tmp_path):
    ds = xr.Dataset(
        {"C1C": (("time", "sv"), np.array([[1.0e10]]))},
        coords={"time": np.array(["2023-01-01"], dtype="datetime64[ns]"), "sv": ["G01"]},
    )
    with pytest.raises(KompasError, match="does not fit F14.3"):
        write_obs(ds, tmp_path / "x.rnx")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-(10**12) + 1, 10**13 - 1), min_size=1, max_size=50))
def test_format_then_parse_f14_3_is_exact(milli):
    values = np.array(milli, dtype=np.float64) / 1000.0
    block, ok = format_fixed(values, 14, 3)
    assert ok.all()
    back, blank, good = parse_fixed(block, 3)
    assert good.all() and not blank.any()
    np.testing.assert_array_equal(back, values)
    # and identical to Python's own decimal parse of the same text
    text = [bytes(r).decode() for r in block]
    np.testing.assert_array_equal(back, [float(t) for t in text])
    assert all(t == f"{v:14.3f}" for t, v in zip(text, values, strict=True))
