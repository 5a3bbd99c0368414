"""SP3 reader: real IGS/MGEX files (a, c, d) and small hand-written broken files."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from kompas.errors import FormatError, KompasWarning
from kompas.io.sp3 import read_sp3

NIST = "nist-2023-001/"

# A tiny SP3-d file written for these tests: 3 epochs, 2 satellites, flags, bad markers,
# correlation lines. Columns follow the SP3-d layout (P record: id 2-4, x/y/z/clk F14.6).
_HEADER = """#dP2023  1  1  0  0  0.00000000       3 ORBIT IGS20 FIT  TST
## 2243      0.00000000   300.00000000 59945 0.0000000000000
+    2   G01E05  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0
++         5  6  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0
%c M  cc GPS ccc cccc cccc cccc cccc ccccc ccccc ccccc ccccc
%c cc cc ccc ccc cccc cccc cccc cccc ccccc ccccc ccccc ccccc
%f  1.2500000  1.025000000  0.00000000000  0.000000000000000
%f  0.0000000  0.000000000  0.00000000000  0.000000000000000
%i    0    0    0    0      0      0      0      0         0
%i    0    0    0    0      0      0      0      0         0
/* hand-written test file
"""


def _rec(sv, x, y, z, c, tail=""):
    return f"P{sv}{x:14.6f}{y:14.6f}{z:14.6f}{c:14.6f}{tail}\n"


def _small_sp3(epochs):
    out = _HEADER
    for hh_mm, recs in epochs:
        out += f"*  2023  1  1 {hh_mm[0]:2d} {hh_mm[1]:2d}  0.00000000\n"
        out += "".join(recs)
    out = out.replace("       3 ORBIT", f"{len(epochs):8d} ORBIT", 1)
    return out + "EOF\n"


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    "rel, version, n_time, n_sv, frame, scale",
    [
        (NIST + "COD0MGXFIN_20230010000_01D_05M_ORB.SP3.gz", "d", 289, 116, "IGS20", "GPST"),
        (NIST + "GFZ0MGXRAP_20230010000_01D_05M_ORB.SP3", "d", 288, 124, "IGS20", "GPST"),
        (NIST + "WUM0MGXFIN_20230010000_01D_05M_ORB.SP3.gz", "d", 288, 121, "IGS20", "GPST"),
        (NIST + "igr22340.sp3.Z", "c", 96, 32, "IGb14", "GPST"),
        ("rinex2/igl15253.sp3", "c", 96, 18, "IGS05", "GPST"),
        ("rinex2/esa15253.sp3", "c", 96, 48, "IGS05", "GPST"),
        ("rinex2/test_input_sp3_nav_2015_200.sp3", "a", 288, 31, "WGS84", "GPST"),
    ],
)
def test_real_files_shape_and_header(data, rel, version, n_time, n_sv, frame, scale):
    ds = read_sp3(data(rel))
    assert ds.attrs["sp3_version"] == version
    assert ds.sizes["time"] == n_time and ds.sizes["sv"] == n_sv
    assert ds.attrs["coordinate_system"] == frame
    assert ds.attrs["time_scale"] == scale == ds["time"].attrs["time_scale"]
    assert ds["time"].dtype == np.dtype("datetime64[ns]")
    assert ds.attrs["n_skipped_records"] == 0
    # every satellite id is normalised to "X99"
    assert all(len(s) == 3 and s[1:].isdigit() for s in ds.sv.values)
    # GNSS orbit radii: 25,400 km (GLONASS) ... 45,400 km (QZSS IGSO apogee, e = 0.075)
    r = np.linalg.norm(ds.position_m.values, axis=-1)
    assert np.nanmin(r) > 19.0e6 and np.nanmax(r) < 46.0e6


def test_cod_first_record_units(data):
    ds = read_sp3(data(NIST + "COD0MGXFIN_20230010000_01D_05M_ORB.SP3.gz"))
    rec = ds.sel(sv="G01").isel(time=0)
    # "PG01  13294.139155 -16851.109420  15098.239689    230.219510": km -> m, us -> s
    expected = [13294139.155, -16851109.420, 15098239.689]
    # km * 1e3 in float64: exact to 1 ulp (2e-9 m)
    np.testing.assert_allclose(rec.position_m.values, expected, rtol=0, atol=1e-8)
    assert rec.clock_s.values == pytest.approx(230.219510e-6, rel=0, abs=1e-18)
    assert ds.time.values[0] == np.datetime64("2023-01-01T00:00:00")
    assert ds.time.values[-1] == np.datetime64("2023-01-02T00:00:00")
    assert ds.attrs["agency"] == "AIUB" and ds.attrs["interval_s"] == 300.0


def test_sp3c_sigmas_from_exponents(data):
    ds = read_sp3(data(NIST + "igr22340.sp3.Z"))
    rec = ds.sel(sv="G01").isel(time=0)
    # "PG01 ... 259.686700  9  5  7 101": sigma = base**exp (1.25 mm, 1.025 ps)
    np.testing.assert_allclose(rec.position_sigma_m.values, 1.25 ** np.array([9, 5, 7]) * 1e-3)
    assert rec.clock_sigma_s.values == pytest.approx(1.025**101 * 1e-12, rel=1e-12)
    # header accuracy code 2 -> 2**2 mm
    assert ds.accuracy_m.sel(sv="G01").values == pytest.approx(4e-3)


def test_sp3a_ids_velocities_and_clock_rates(data):
    ds = read_sp3(data("rinex2/test_input_sp3_nav_2015_200.sp3"))
    assert ds.attrs["pos_vel_flag"] == "V" and ds.attrs["time_system_sp3"] == "GPS"
    assert "G01" in ds.sv.values and "G08" not in ds.sv.values
    rec = ds.sel(sv="G01").isel(time=0)
    # "V  1 -16658.679468  -1539.361524 -25226.490071      0.005752": dm/s, 1e-4 us/s
    np.testing.assert_allclose(
        rec.velocity_mps.values, [-1665.8679468, -153.9361524, -2522.6490071], rtol=1e-15
    )
    assert rec.clock_rate_sps.values == pytest.approx(0.005752e-10, rel=1e-12)


def test_bad_markers_flags_and_correlation_lines(tmp_path):
    text = _small_sp3(
        [
            (
                (0, 0),
                [
                    _rec("G01", 13294.139155, -16851.109420, 15098.239689, 230.21951),
                    "EP  10  12  14   120 1234567 -1234567 1234567 -1234567 1234567 1234567\n",
                    _rec("E05", 0.0, 0.0, 0.0, 999999.999999),
                ],
            ),
            (
                (0, 5),
                [
                    _rec("G01", 13300.0, -16850.0, 15090.0, 230.3, "  9  5  7 101 EP  MP"),
                    _rec("E05", 20000.0, 10000.0, 15000.0, -10.5),
                ],
            ),
            ((0, 10), [_rec("G01", 13310.0, -16840.0, 15080.0, 999999.999999)]),
        ]
    )
    ds = read_sp3(_write(tmp_path, "t.sp3", text))
    pos, clk = ds.position_m.values, ds.clock_s.values
    g, e = list(ds.sv.values).index("G01"), list(ds.sv.values).index("E05")
    assert np.isnan(pos[0, e]).all() and np.isnan(clk[0, e])  # 0.000000 / 999999.999999
    assert np.isfinite(pos[2, g]).all() and np.isnan(clk[2, g])
    assert np.isnan(pos[2, e]).all()  # absent record
    assert ds.clock_event.values[1, g] and ds.clock_predicted.values[1, g]
    assert ds.maneuver.values[1, g] and ds.orbit_predicted.values[1, g]
    assert not ds.clock_event.values[0, g]
    assert ds.attrs["n_correlation_records"] == 1
    np.testing.assert_allclose(ds.accuracy_m.values, [2**6 * 1e-3, 2**5 * 1e-3])  # E05, G01


def test_malformed_record_policies(tmp_path):
    bad = "PG01  13294.1x9155 -16851.109420  15098.239689    230.219510\n"
    text = _small_sp3(
        [
            ((0, 0), [bad, _rec("E05", 20000.0, 10000.0, 15000.0, 1.0)]),
            ((0, 5), [_rec("G01", 13300.0, -16850.0, 15090.0, 230.3)]),
            ((0, 10), [_rec("G01", 13310.0, -16840.0, 15080.0, 230.4)]),
        ]
    )
    p = _write(tmp_path, "bad.sp3", text)
    with pytest.raises(FormatError) as exc:
        read_sp3(p, strict="raise")
    assert exc.value.line == 13 and "bad.sp3" in str(exc.value)
    with pytest.warns(KompasWarning, match="skipped 1 malformed"):
        ds = read_sp3(p, strict="warn")
    assert ds.attrs["n_skipped_records"] == 1
    assert np.isnan(ds.position_m.sel(sv="G01").values[0]).all()
    assert np.isfinite(ds.position_m.sel(sv="E05").values[0]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_sp3(p, strict="ignore").attrs["n_skipped_records"] == 1


def test_not_sp3(tmp_path):
    with pytest.raises(FormatError, match="not an SP3 file"):
        read_sp3(_write(tmp_path, "x.sp3", "hello\n"))


def test_join_consecutive_files_first_wins_nan_filled(tmp_path):
    a = _small_sp3(
        [
            ((0, 0), [_rec("G01", 1.0e4, 2.0e4, 3.0e4, 1.0)]),
            ((0, 5), [_rec("G01", 1.1e4, 2.1e4, 3.1e4, 999999.999999)]),
        ]
    )
    b = _small_sp3(
        [
            (
                (0, 5),
                [_rec("G01", 9.9e4, 9.9e4, 9.9e4, 2.0), _rec("E05", 1.5e4, 2.5e4, 3.5e4, 3.0)],
            ),
            ((0, 10), [_rec("G01", 1.2e4, 2.2e4, 3.2e4, 4.0)]),
        ]
    )
    ds = read_sp3([_write(tmp_path, "a.sp3", a), _write(tmp_path, "b.sp3", b)])
    assert ds.sizes["time"] == 3
    g = ds.sel(sv="G01")
    # shared 00:05 epoch: the first file's position wins, its bad clock is filled from b
    np.testing.assert_array_equal(g.position_m.values[1], [1.1e7, 2.1e7, 3.1e7])
    assert g.clock_s.values[1] == pytest.approx(2.0e-6)
    np.testing.assert_array_equal(ds.sel(sv="E05").position_m.values[1], [1.5e7, 2.5e7, 3.5e7])
    assert ds.attrs["source"] == "a.sp3;b.sp3"


def test_join_real_files_along_time(data):
    p = data(NIST + "GFZ0MGXRAP_20230010000_01D_05M_ORB.SP3")
    ds = read_sp3([p, p])  # the same day twice: every epoch duplicated, kept once
    one = read_sp3(p)
    assert ds.sizes == one.sizes
    np.testing.assert_array_equal(ds.position_m.values, one.position_m.values)
