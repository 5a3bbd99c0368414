"""GPS and BDS broadcast Klobuchar models against published and hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from kompas.constants import SPEED_OF_LIGHT_MPS as C
from kompas.models.ionosphere import (
    FREQ_BDS_B1I_HZ,
    FREQ_GPS_L1_HZ,
    klobuchar_bds_delay_m,
    klobuchar_gps_delay_m,
)

D = np.pi / 180.0

# Published worked cases (inputs and L1 delays in metres as printed in the libswiftnav
# test-suite, swift-nav/libswiftnav tests/check_ionosphere.c; the second is the classic
# textbook case lat 40 N, lon 260 E, az 210, el 20). Printed to 1 mm / 0.1 mm.
GPS_CASES = [
    # alpha, beta, lat, lon, az, el, tow, delay_m
    (
        [0.1583e-7, -0.7451e-8, -0.5960e-7, 0.1192e-6],
        [0.1290e6, -0.2130e6, 0.6554e5, 0.3277e6],
        -35.3 * D, 149.1 * D, 0.0, 15.0 * D, 479820.0, 7.202,
    ),
    (
        [0.3820e-7, 0.1490e-7, -0.1790e-6, 0.0],
        [0.1430e6, 0.0, -0.3280e6, 0.1130e6],
        40.0 * D, 260.0 * D, 210.0 * D, 20.0 * D, 593100.0, 23.784,
    ),
    (
        [1.304e-8, 0.0, -5.96e-8, 5.96e-8],
        [1.106e5, -65540.0, -2.621e5, 3.932e5],
        0.70605, -0.076233, 2.62049, 0.2939, 345600.0, 3.4929,
    ),
]  # fmt: skip


@pytest.mark.parametrize("case", GPS_CASES)
def test_gps_klobuchar_published_values(case):
    alpha, beta, lat, lon, az, el, tow, expected = case
    got = klobuchar_gps_delay_m(alpha, beta, lat, lon, az, el, tow)
    # Budget: the reference values are printed to 1 mm (the 4-decimal one to 0.1 mm);
    # the arithmetic is double precision, so rounding of the reference is all there is.
    assert abs(got - expected) < 1e-3


def test_gps_klobuchar_vectorised_matches_scalar():
    alphas = np.array([c[0] for c in GPS_CASES])  # (3, 4): one set per element
    betas = np.array([c[1] for c in GPS_CASES])
    cols = np.array([c[2:] for c in GPS_CASES]).T  # lat, lon, az, el, tow, delay
    got = klobuchar_gps_delay_m(alphas, betas, *cols[:5])
    np.testing.assert_allclose(got, cols[5], atol=1e-3)  # same budget as above
    # (T, S) geometry with one coefficient set per epoch given as (T, 1, 4)
    el = np.full((2, 5), 30.0 * D)
    out = klobuchar_gps_delay_m(alphas[:2, None, :], betas[:2, None, :], 0.5, 0.1, 1.0, el, 50400)
    assert out.shape == (2, 5)


def test_gps_klobuchar_night_and_frequency():
    alpha, beta = GPS_CASES[1][0], GPS_CASES[1][1]
    el = 90.0 * D  # E = 0.5 sc: F = 1 + 16 * 0.03^3 = 1.000432 (hand computed)
    # Local time at the pierce point ~ 0 h (tow 0, lon 0, zenith): |x| >= 1.57, so the
    # delay is the 5 ns night floor times F.
    night = klobuchar_gps_delay_m(alpha, beta, 0.0, 0.0, 0.0, el, 0.0)
    assert night == pytest.approx(C * 5e-9 * (1 + 16 * 0.03**3), abs=1e-12)
    l1 = klobuchar_gps_delay_m(alpha, beta, 0.7, -1.5, 1.0, 0.5, 70000.0)
    l5 = klobuchar_gps_delay_m(alpha, beta, 0.7, -1.5, 1.0, 0.5, 70000.0, 1176.45e6)
    assert l5 / l1 == pytest.approx((FREQ_GPS_L1_HZ / 1176.45e6) ** 2, rel=1e-14)
    below = klobuchar_gps_delay_m(alpha, beta, 0.7, -1.5, 1.0, [-0.1, np.nan, 0.2], 0.0)
    assert np.isnan(below[:2]).all() and np.isfinite(below[2])


def test_gps_klobuchar_amplitude_clamped_at_zero():
    # All-negative alpha: AMP < 0 is set to 0, leaving the night floor at any hour.
    alpha = [-1e-8, 0.0, 0.0, 0.0]
    beta = [1e5, 0.0, 0.0, 0.0]
    got = klobuchar_gps_delay_m(alpha, beta, 0.0, 0.0, 0.0, 90.0 * D, 50400.0)
    assert got == pytest.approx(C * 5e-9 * (1 + 16 * 0.03**3), abs=1e-12)


# --- BDS ------------------------------------------------------------------------------
# No published worked example was found; the expected numbers below are computed by hand
# from the BDS-SIS-ICD-B1I 3.0 5.2.4.7 formulas, choosing geometries where each step
# is elementary. R = 6378 km, h = 375 km, R/(R+h) = 6378/6753 = 0.944469124833...
BDS_ALPHA = [1.1176e-8, 2.9802e-8, -4.1723e-7, 6.5565e-7]
BDS_BETA = [1.4131e5, -5.2429e5, 1.6384e6, -4.5875e5]
K = 6378.0 / 6753.0


def test_bds_zenith_hand_computed():
    # Zenith: psi = 0, pierce point = receiver, obliquity = 1/sqrt(1 - 0) = 1.
    # lat 30 deg -> |phi_M/pi| = 1/6; lon 120 E -> lam_M/pi = 2/3 -> local time offset
    # 43200 * 2/3 = 28800 s. BDT sow 21600 + 86400 (one day into the week) -> t_E = 21600,
    # t = 50400 s exactly (the peak): Iz = 5e-9 + A2.
    u = 1.0 / 6.0
    a2 = BDS_ALPHA[0] + BDS_ALPHA[1] * u + BDS_ALPHA[2] * u**2 + BDS_ALPHA[3] * u**3
    # a2 = 1.1176e-8 + 4.967e-9 - 1.1589722e-8 + 3.0354167e-9 = 7.5886944e-9 s
    assert a2 == pytest.approx(7.5886944e-9, rel=1e-7)
    expected = C * (5e-9 + a2)  # 299792458 * 1.25886944e-8 = 3.773996 m
    got = klobuchar_bds_delay_m(
        BDS_ALPHA, BDS_BETA, 30.0 * D, 120.0 * D, 0.7, 90.0 * D, 86400.0 + 21600.0
    )
    # Budget: exact arithmetic on both sides (differences only from float rounding and
    # the arcsin(sin(psi)) round trip, ~1e-15 relative).
    assert got == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(3.773996, abs=1e-6)


def test_bds_north_azimuth_hand_computed():
    # Azimuth 0 (due north): phi_M = phi_u + psi, lam_M = lam_u.
    # E = 30 deg: K cos E = 0.944469124833 * 0.866025403784 = 0.817934255
    # psi = 90 - 30 - asin(0.817934255) deg = 60 - 54.878536 = 5.121464 deg
    # phi_u = 30 - 5.121464 deg -> phi_M = 30.0 deg (chosen so), u = 1/6 as above.
    e = 30.0 * D
    kc = K * np.cos(e)
    psi = np.pi / 2 - e - np.arcsin(kc)
    assert np.degrees(psi) == pytest.approx(5.121464, abs=1e-6)
    lat_u = 30.0 * D - psi
    # Local time: lon 0, t_E = 36000 s -> t = 36000, dt = -14400 s.
    # A4 = beta(1/6) = 141310 - 87381.67 + 45511.11 - 2123.84 = 97315.60 s, A4/4 = 24329 > 14400
    u = 1.0 / 6.0
    a4 = BDS_BETA[0] + BDS_BETA[1] * u + BDS_BETA[2] * u**2 + BDS_BETA[3] * u**3
    assert a4 == pytest.approx(97315.60, abs=0.01)
    a2 = BDS_ALPHA[0] + BDS_ALPHA[1] * u + BDS_ALPHA[2] * u**2 + BDS_ALPHA[3] * u**3
    iz = 5e-9 + a2 * np.cos(2 * np.pi * -14400.0 / a4)  # cos(-0.9297365) = 0.5980452
    obliq = 1.0 / np.sqrt(1.0 - kc**2)  # 1 / sqrt(1 - 0.6690164) = 1.738188
    assert obliq == pytest.approx(1.738188, abs=1e-6)
    expected = C * iz * obliq  # 299792458 * 9.5383880e-9 * 1.738188 = 4.970410 m
    got = klobuchar_bds_delay_m(BDS_ALPHA, BDS_BETA, lat_u, 0.0, 0.0, e, 36000.0)
    assert got == pytest.approx(expected, rel=1e-9)  # same-formula arithmetic, 1e-9 rel
    assert expected == pytest.approx(4.970410, abs=2e-6)  # hand value, 7 digits


def test_bds_period_clamps_and_night():
    # beta so large that A4 > 172800 -> 172800; at dt = -43199 s (|dt| < A4/4 = 43200)
    # the cosine term is still used: cos(2 pi 43199 / 172800) = cos(pi/2 - 3.636e-5).
    big_beta = [3.0e5, 0.0, 0.0, 0.0]
    alpha = [1e-8, 0.0, 0.0, 0.0]
    tod = 50400.0 - 43199.0  # zenith at lon 0: local time = t_E
    got = klobuchar_bds_delay_m(alpha, big_beta, 0.0, 0.0, 0.0, 90.0 * D, tod)
    expected = C * (5e-9 + 1e-8 * np.cos(2 * np.pi * 43199.0 / 172800.0))
    assert got == pytest.approx(expected, rel=1e-12)
    # Unclamped (A4 = 3e5) the value would be 1.8 m larger: check it is not.
    unclamped = C * (5e-9 + 1e-8 * np.cos(2 * np.pi * 43199.0 / 3.0e5))
    assert unclamped - got > 1.5
    # Lower clamp: A4 = 1000 -> 72000; dt = 17000 < 18000 uses the cosine.
    small = klobuchar_bds_delay_m(alpha, [1000.0, 0, 0, 0], 0.0, 0.0, 0.0, 90 * D, 67400.0)
    assert small == pytest.approx(C * (5e-9 + 1e-8 * np.cos(2 * np.pi * 17000 / 72000)), rel=1e-12)
    # Night: dt = 20000 > 72000/4 -> 5 ns only; negative A2 clamps to 0.
    night = klobuchar_bds_delay_m(alpha, [1000.0, 0, 0, 0], 0.0, 0.0, 0.0, 90 * D, 70400.0)
    assert night == pytest.approx(C * 5e-9, rel=1e-12)
    neg = klobuchar_bds_delay_m([-1e-8, 0, 0, 0], BDS_BETA, 0.0, 0.0, 0.0, 90 * D, 50400.0)
    assert neg == pytest.approx(C * 5e-9, rel=1e-12)


def test_bds_frequency_scaling_and_southern_symmetry():
    b1i = klobuchar_bds_delay_m(BDS_ALPHA, BDS_BETA, 0.5, 2.0, 1.0, 0.4, 20000.0)
    b3i = klobuchar_bds_delay_m(BDS_ALPHA, BDS_BETA, 0.5, 2.0, 1.0, 0.4, 20000.0, 1268.52e6)
    assert b3i / b1i == pytest.approx((FREQ_BDS_B1I_HZ / 1268.52e6) ** 2, rel=1e-14)
    # |phi_M/pi| makes the model symmetric about the equator (mirror azimuth too).
    north = klobuchar_bds_delay_m(BDS_ALPHA, BDS_BETA, 0.5, 2.0, 0.3, 0.4, 20000.0)
    south = klobuchar_bds_delay_m(BDS_ALPHA, BDS_BETA, -0.5, 2.0, np.pi - 0.3, 0.4, 20000.0)
    assert north == pytest.approx(south, rel=1e-12)


def test_bds_vectorised_shapes():
    el = np.linspace(5, 90, 12).reshape(3, 4) * D
    az = np.linspace(0, 2 * np.pi, 4)
    sow = np.array([0.0, 30000.0, 60000.0])[:, None]
    out = klobuchar_bds_delay_m(BDS_ALPHA, BDS_BETA, 0.6, 2.0, az, el, sow)
    assert out.shape == (3, 4) and np.isfinite(out).all()
    # low elevations get the largest obliquity: monotone along each row at fixed time
    one = klobuchar_bds_delay_m(BDS_ALPHA, BDS_BETA, 0.6, 2.0, 0.0, el[0], 0.0)
    assert (np.diff(one) < 0).all()


def test_nequick_nodes_break_at_a_change_of_utc_month():
    """NeQuick-G's maps are monthly: a GPST day file's first epoch (23:59:42 UTC of the
    month before) must not be interpolated towards the next node across the jump (on the
    NIST day that put 0.47 m into a low ray and 0.33 m into the first positions)."""
    from kompas.positioning.iono import _node_cells, _utc_month
    from kompas.time import Time

    day = np.array(["2023-01-01T00:00:00"], "datetime64[ns]")
    t = Time.from_datetime64(day, "GPST").ns[0] + np.arange(0, 600, 30) * 1_000_000_000
    month = _utc_month(t, "GPST")
    assert month[0] == 2022 * 12 + 12 and np.all(month[1:] == 2023 * 12 + 1)
    node, prev, nxt, frac = _node_cells(t, np.zeros(t.size, int), month)
    assert node[0] and node[1] and node[-1]  # the December cell, then January's arc
    assert np.all(prev[1:] >= 1) and nxt[0] == 0  # nothing interpolates across the jump
