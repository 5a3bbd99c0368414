"""RINEX clock reader: MGEX 3.00 and ESA 2.00 products, hand-written 3.04 and broken files."""

from __future__ import annotations

import numpy as np
import pytest

from kompas.errors import KompasWarning, RinexError
from kompas.io.rinex_clock import read_rinex_clock
from kompas.io.sp3 import read_sp3

WUM_CLK = "nist-2023-001/WUM0MGXFIN_20230010000_01D_30S_CLK.CLK.gz"


def test_wum_mgex_clock_300(data):
    ds = read_rinex_clock(data(WUM_CLK))
    assert ds.attrs["rinex_version"] == 3.0 and ds.attrs["time_scale"] == "GPST"
    assert ds.sizes["time"] == 2881 and ds.sizes["sv"] == 121
    assert "station" not in ds.dims  # the file holds AS records only
    assert np.all(np.diff(ds.time.values) == np.timedelta64(30, "s"))
    # "AS G01  2023  1  1  0  0  0.000000  1    0.230218024731E-03"
    assert ds.clock_s.sel(sv="G01").values[0] == pytest.approx(0.230218024731e-03, abs=1e-18)
    assert int(ds.clock_s.notnull().sum()) == 348601  # every AS record of the file
    assert ds.attrs["n_skipped_records"] == 0


def test_wum_clk_agrees_with_wum_sp3_clocks(data):
    """The same analysis centre's SP3 clocks are its CLK clocks rounded to 1 ps."""
    clk = read_rinex_clock(data(WUM_CLK))
    sp3 = read_sp3(data("nist-2023-001/WUM0MGXFIN_20230010000_01D_05M_ORB.SP3.gz"))
    common_sv = np.intersect1d(clk.sv.values, sp3.sv.values)
    a = clk.clock_s.sel(time=sp3.time.values, sv=common_sv).values
    b = sp3.clock_s.sel(sv=common_sv).values
    both = np.isfinite(a) & np.isfinite(b)
    assert both.sum() > 30000
    # SP3 clocks carry 6 decimals of microseconds: rounding <= 0.5 ps (+ float noise)
    assert np.max(np.abs(a[both] - b[both])) <= 0.5e-12 + 1e-17


def test_esa_clock_200_with_receivers(data):
    ds = read_rinex_clock(data("rinex2/esa15253.clk"))
    assert ds.attrs["rinex_version"] == 2.0
    assert ds.sizes["sv"] == 48 and ds.sizes["station"] == 110
    assert int(ds.clock_s.notnull().sum()) == 13824
    assert int(ds.receiver_clock_s.notnull().sum()) == 31323
    # "AR ALGO 2009  4  1  0  0  0.000000  1    0.803316663405E-04"
    assert ds.receiver_clock_s.sel(station="ALGO").values[0] == pytest.approx(0.803316663405e-04)
    # "AS G32  2009  4  1  0  0  0.000000  1    0.280381686059E-03"
    assert ds.clock_s.sel(sv="G32").values[0] == pytest.approx(0.280381686059e-03)


# RINEX clock 3.04: nine-character names, header labels in columns 66-85.
_V304 = (
    "     3.04           C                   M                        RINEX VERSION / TYPE\n"
    "   GPS                                                           TIME SYSTEM ID\n"
    "     2    AR    AS                                               # / TYPES OF DATA\n"
    "                                                                 END OF HEADER\n"
    "AR NIST00USA 2023 01 01 00 00  0.000000  2    0.123456789012E-06  0.100000000000E-10\n"
    "AS G01       2023 01 01 00 00  0.000000  4    0.230218024731E-03  0.200000000000E-10\n"
    "    0.100000000000E-11  0.300000000000E-13\n"
    "AS E05       2023 01 01 00 00 30.000000  1   -0.100000000000E-05\n"
    "AS G01       2023 01 01 00 00 30.000000  1    0.230218025731E-03\n"
)


def test_version_304_layout(tmp_path):
    p = tmp_path / "v304.clk"
    p.write_text(_V304)
    ds = read_rinex_clock(p)
    assert ds.attrs["rinex_version"] == 3.04
    assert list(ds.sv.values) == ["E05", "G01"] and list(ds.station.values) == ["NIST00USA"]
    assert ds.sizes["time"] == 2
    g = ds.sel(sv="G01")
    np.testing.assert_allclose(g.clock_s.values, [0.230218024731e-03, 0.230218025731e-03])
    assert g.clock_sigma_s.values[0] == pytest.approx(2e-11)
    assert np.isnan(g.clock_sigma_s.values[1])  # one value only
    assert g.clock_rate_sps.values[0] == pytest.approx(1e-12)
    assert g.clock_rate_sigma_sps.values[0] == pytest.approx(3e-14)
    assert ds.receiver_clock_s.values[0, 0] == pytest.approx(0.123456789012e-06)
    assert np.isnan(ds.sel(sv="E05").clock_s.values[0])


def test_malformed_record(tmp_path):
    bad = _V304.replace("0.230218025731E-03", "0.23021802x731E-03")
    p = tmp_path / "bad.clk"
    p.write_text(bad)
    with pytest.raises(RinexError) as exc:
        read_rinex_clock(p, strict="raise")
    assert exc.value.line == 9
    with pytest.warns(KompasWarning):
        ds = read_rinex_clock(p)
    assert ds.attrs["n_skipped_records"] == 1
    assert np.isnan(ds.clock_s.sel(sv="G01").values[1])


def test_not_a_clock_file(tmp_path):
    p = tmp_path / "x.clk"
    p.write_text(
        "     3.04           O                   M                   RINEX VERSION / TYPE\n"
    )
    with pytest.raises(RinexError, match="not a RINEX clock file"):
        read_rinex_clock(p)
