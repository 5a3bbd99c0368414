"""Saastamoinen zenith delays and the Niell mapping functions."""

from __future__ import annotations

import numpy as np
import pytest

from kompas.models.troposphere import (
    niell_mapping,
    saastamoinen_zenith_delays_m,
    standard_atmosphere,
    tropo_delay_m,
)

D = np.pi / 180.0


def test_saastamoinen_zhd_sea_level_45deg():
    # Hand computed: P = 1013.25 hPa, cos(90 deg) = 0, h = 0:
    # ZHD = 0.0022768 * 1013.25 = 2.3069676 m (the textbook "2.3 m at sea level").
    zhd, _ = saastamoinen_zenith_delays_m(45.0 * D, 0.0)
    # Budget: exact arithmetic; 1e-7 m covers the 8-digit hand value.
    assert zhd == pytest.approx(2.3069676, abs=1e-7)


def test_saastamoinen_at_1000m_equator():
    # Hand computed: ln(1 - 0.022557) = -0.0228153, x 5.2568 = -0.1199356,
    # P = 1013.25 * exp(-0.1199356) = 898.7301 hPa.
    # ZHD = 0.0022768 * 898.7301 / (1 - 0.00266 * cos 0 - 0.00028 * 1) = 2.046229 / 0.99706
    #     = 2.052262 m.
    # T = 288.15 - 6.5 = 281.65 K, t = 8.5 degC, e_sat = 6.112 exp(17.67 * 8.5 / 252)
    #   = 6.112 * exp(0.596012) = 11.09246 hPa; RH 0.5 -> e = 5.54623 hPa.
    # ZWD = 0.002277 * (1255 / 281.65 + 0.05) * 5.54623 = 0.002277 * 4.505850 * 5.54623
    #     = 0.0569038 m.
    p, t, e = standard_atmosphere(1000.0, 0.5)
    assert p == pytest.approx(898.7301, abs=1e-4)  # hand value to 0.1 Pa
    assert t == pytest.approx(281.65, abs=1e-12)
    assert e == pytest.approx(5.54623, abs=1e-5)  # hand value, 6 digits
    zhd, zwd = saastamoinen_zenith_delays_m(0.0, 1000.0, relative_humidity=0.5)
    assert zhd == pytest.approx(2.052262, abs=1e-6)  # hand value to 1 um
    assert zwd == pytest.approx(0.0569038, abs=1e-7)  # hand value to 0.1 um


def test_saastamoinen_measured_meteorology_and_range():
    zhd, zwd = saastamoinen_zenith_delays_m(
        [0.3, 0.3], [100.0, 20000.0], pressure_hpa=1000.0, temperature_k=290.0,
        vapour_pressure_hpa=10.0,
    )  # fmt: skip
    # ZHD = 0.0022768 * 1000 / (1 - 0.00266 cos 0.6 - 0.000028) = 2.2768 / 0.99777662
    assert zhd[0] == pytest.approx(2.2768 / (1 - 0.00266 * np.cos(0.6) - 0.000028), rel=1e-14)
    assert zwd[0] == pytest.approx(0.002277 * (1255 / 290 + 0.05) * 10.0, rel=1e-14)
    assert np.isnan(zhd[1]) and np.isnan(zwd[1])  # 20 km is outside the model


def test_niell_published_value_le_mans():
    # Mercier & Perosanz, "Mesures GNSS, resolution des ambiguites" (as used by Orekit's
    # NiellMappingFunctionModelTest): Le Mans, lat 48.0 deg, h 68 m, 1 Jan 1994,
    # elevation 5 deg -> hydrostatic 10.16, wet 10.75.
    mh, mw = niell_mapping(5.0 * D, 48.0 * D, 68.0, 1.0)
    # Budget: the reference is printed to 0.01 (+/-0.005 rounding); the day-of-year
    # convention (doy 0 or 1 at 0h UT) moves mh by < 1e-4. Tolerance 0.006.
    assert mh == pytest.approx(10.16, abs=0.006)
    assert mw == pytest.approx(10.75, abs=0.006)


def test_niell_properties():
    el = np.radians([3.0, 5.0, 10.0, 30.0, 60.0, 90.0])
    mh, mw = niell_mapping(el, 45.0 * D, 0.0, 100.0)
    # normalised continued fraction: exactly 1 at zenith (1e-15: float rounding)
    assert mh[-1] == pytest.approx(1.0, abs=1e-15) and mw[-1] == pytest.approx(1.0, abs=1e-15)
    assert (np.diff(mh) < 0).all() and (np.diff(mw) < 0).all()
    # at 30 deg both are close to 1/sin(E) = 2 (within 0.5 %: bending/curvature terms)
    assert mh[3] == pytest.approx(2.0, rel=5e-3) and mw[3] == pytest.approx(2.0, rel=5e-3)
    # southern hemisphere = northern half a year later
    n = niell_mapping(7.0 * D, 50.0 * D, 300.0, 10.0)[0]
    s = niell_mapping(7.0 * D, -50.0 * D, 300.0, 10.0 + 365.25 / 2)[0]
    assert n == pytest.approx(s, rel=1e-14)
    # no seasonal term at |lat| <= 15 deg (amplitude row is 0), none in the wet function
    a = niell_mapping(7.0 * D, 10.0 * D, 0.0, [1.0, 180.0])
    assert a[0][0] == pytest.approx(a[0][1], rel=1e-15)
    w = niell_mapping(7.0 * D, 50.0 * D, [0.0, 2000.0], [1.0, 180.0])[1]
    assert w[0] == pytest.approx(w[1], rel=1e-15)
    # height correction increases mh: (1/sin E - m_ht(E)) > 0
    h = niell_mapping(7.0 * D, 50.0 * D, [0.0, 2000.0], 1.0)[0]
    assert h[1] > h[0]
    assert np.isnan(niell_mapping(-0.01, 0.5, 0.0, 1.0)[0])


def test_tropo_delay_vectorised():
    el = np.radians(np.linspace(5, 90, 24)).reshape(4, 6)
    out = tropo_delay_m(45.0 * D, 100.0, el, 150.0)
    assert out.shape == (4, 6)
    zhd, zwd = saastamoinen_zenith_delays_m(45.0 * D, 100.0)
    assert out[-1, -1] == pytest.approx(zhd + zwd, rel=1e-14)  # zenith: mapping = 1
    # 5 deg: ~10x the zenith delay (mapping ~10.2 / 10.7)
    assert 23.0 < out[0, 0] < 26.0
