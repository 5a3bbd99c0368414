"""DOP and visibility against closed-form geometries and explicit per-epoch inversion."""

from __future__ import annotations

import numpy as np
import pytest

from kompas.analysis.dop import dop
from kompas.frames import ecef2aer

D = np.pi / 180.0
A, F = 6378137.0, 1 / 298.257223563
E2 = F * (2 - F)
LAT0, LON0, H0 = 43.56 * D, 1.48 * D, 200.0  # near Toulouse; any point works
RANGE_M = 2.0e7


def _rx():
    n = A / np.sqrt(1 - E2 * np.sin(LAT0) ** 2)
    return np.array(
        [
            (n + H0) * np.cos(LAT0) * np.cos(LON0),
            (n + H0) * np.cos(LAT0) * np.sin(LON0),
            (n * (1 - E2) + H0) * np.sin(LAT0),
        ]
    )


def _sat(az_deg, el_deg):
    """ECEF positions of satellites at given azimuth/elevation from the receiver."""
    az, el = np.asarray(az_deg) * D, np.asarray(el_deg) * D
    enu = np.stack([np.cos(el) * np.sin(az), np.cos(el) * np.cos(az), np.sin(el)], axis=-1)
    sl, cl, so, co = np.sin(LAT0), np.cos(LAT0), np.sin(LON0), np.cos(LON0)
    rot = np.array([[-so, co, 0], [-sl * co, -sl * so, cl], [cl * co, cl * so, sl]])  # rows E,N,U
    return _rx() + RANGE_M * enu @ rot


def _ring(n, el_deg, az0=0.0):
    az = az0 + 360.0 * np.arange(n) / n
    return az, np.full(n, el_deg)


def _closed_form(n, el_deg):
    """Zenith satellite + n equally spaced at elevation el, one clock.

    G^T G is block diagonal: EE = NN = n cos^2(el) / 2; the (U, clock) block is
    [[n sin^2 el + 1, -(n sin el + 1)], [-(n sin el + 1), n + 1]] with determinant
    n (1 - sin el)^2.
    """
    s, c = np.sin(el_deg * D), np.cos(el_deg * D)
    hdop = 2.0 / (c * np.sqrt(n))
    vdop = np.sqrt((n + 1) / (n * (1 - s) ** 2))
    tdop = np.sqrt((n * s**2 + 1) / (n * (1 - s) ** 2))
    pdop = np.hypot(hdop, vdop)
    return np.hypot(pdop, tdop), pdop, hdop, vdop, tdop


def test_look_angles_roundtrip():
    az, el = np.meshgrid(np.arange(0, 360, 30.0), np.arange(-10, 90, 20.0))
    got_az, got_el, _ = ecef2aer(_sat(az, el), _rx())
    # Budget: kompas.frames recovers the receiver latitude to ~1e-15 rad and the rest is
    # exact rotation algebra at 2e7 m: 1e-12 rad is far above the float noise.
    np.testing.assert_allclose(got_el, el * D, atol=1e-12)
    np.testing.assert_allclose(np.angle(np.exp(1j * (got_az - az * D))), 0.0, atol=1e-12)


def test_four_satellites_hand_built():
    # Zenith + 3 at 30 deg elevation, azimuths 0/120/240. Hand values from _closed_form:
    # HDOP = 2 / (cos 30 * sqrt 3) = 1.333333, VDOP = sqrt(4 / (3 * 0.25)) = 2.309401,
    # TDOP = sqrt(1.75 / 0.75) = 1.527525, PDOP = sqrt(1.777778 + 5.333333) = 2.666667,
    # GDOP = sqrt(7.111111 + 2.333333) = 3.073181.
    az, el = _ring(3, 30.0)
    sats = _sat(np.r_[0.0, az], np.r_[90.0, el])[None]
    res = dop(sats, _rx(), ["G01", "G02", "G03", "G04"])
    expected = [3.073181, 2.666667, 1.333333, 2.309401, 1.527525]
    got = [res.gdop[0], res.pdop[0], res.hdop[0], res.vdop[0], res.tdop[0, 0]]
    # Budget: the hand values are rounded to 1e-6.
    np.testing.assert_allclose(got, expected, atol=1e-6)
    np.testing.assert_allclose(got, _closed_form(3, 30.0), rtol=1e-10)  # float algebra only
    assert res.systems == ("G",) and res.n_visible.tolist() == [[4]]


def test_symmetric_rings_masking_and_nan():
    # 8 equally spaced at 45 deg + zenith. Epoch 1: the odd ones absent (NaN) -> ring of 4.
    # Epoch 2: the odd ones at 5 deg elevation, below the 10 deg mask -> also ring of 4.
    # Epoch 3: only 3 satellites present -> no solution.
    az, el = _ring(8, 45.0)
    full = _sat(np.r_[0.0, az], np.r_[90.0, el])
    low = _sat(np.r_[0.0, az], np.r_[90.0, np.where(np.arange(8) % 2, 5.0, 45.0)])
    e1 = full.copy()
    e1[2::2] = np.nan
    e3 = np.full_like(full, np.nan)
    e3[:3] = full[:3]
    sats = np.stack([full, e1, low, e3])
    res = dop(sats, _rx(), ["C"] * 9, elevation_mask_rad=10.0 * D)
    for t, n in [(0, 8), (1, 4), (2, 4)]:
        got = [res.gdop[t], res.pdop[t], res.hdop[t], res.vdop[t], res.tdop[t, 0]]
        np.testing.assert_allclose(got, _closed_form(n, 45.0), rtol=1e-10)  # float algebra
    assert np.isnan([res.gdop[3], res.pdop[3], res.hdop[3], res.vdop[3], res.tdop[3, 0]]).all()
    assert res.n_visible[:, 0].tolist() == [9, 5, 5, 3]
    assert res.visible.shape == (4, 9) and not res.visible[2, 2]


def _explicit(sats, rx, letters, mask):
    """Reference: drop invisible rows, keep only present clock columns, invert."""
    az, el, _ = ecef2aer(sats, rx)
    keep = np.isfinite(el) & (el >= mask)
    systems = sorted({s for s, k in zip(letters, keep, strict=True) if k})
    u = np.stack([np.cos(el) * np.sin(az), np.cos(el) * np.cos(az), np.sin(el)], axis=-1)[keep]
    clk = np.array(
        [[float(s == k) for k in systems] for s, m in zip(letters, keep, strict=True) if m]
    )
    g = np.hstack([-u, clk])
    q = np.linalg.inv(g.T @ g)
    d = np.diag(q)
    return dict(zip(systems, np.sqrt(d[3:]), strict=True)), np.sqrt(d[:3].sum()), np.sqrt(d.sum())


def test_multi_system_against_explicit_inverse():
    rng = np.random.default_rng(7)
    n_t, n_s = 6, 14
    az = rng.uniform(0, 360, (n_t, n_s))
    el = rng.uniform(-20, 88, (n_t, n_s))
    sats = _sat(az, el)
    sats[rng.uniform(size=(n_t, n_s)) < 0.15] = np.nan
    letters = ["G"] * 5 + ["E"] * 4 + ["C"] * 3 + ["R"] * 2
    sats[4, 9:12] = np.nan  # no BDS at epoch 4: its column must drop out
    res = dop(sats, _rx(), letters, elevation_mask_rad=5.0 * D)
    assert res.systems == ("G", "E", "C", "R")
    for t in range(n_t):
        tdops, pdop, gdop = _explicit(sats[t], _rx(), letters, 5.0 * D)
        # Budget: two double-precision inversions of the same 4..7-column normal matrix
        # (condition < 1e4): agreement to 1e-9 relative.
        assert res.pdop[t] == pytest.approx(pdop, rel=1e-9)
        assert res.gdop[t] == pytest.approx(gdop, rel=1e-9)
        for k, s in enumerate(res.systems):
            if s in tdops:
                assert res.tdop[t, k] == pytest.approx(tdops[s], rel=1e-9)
            else:
                assert np.isnan(res.tdop[t, k]) and res.n_visible[t, k] == 0
    assert res.n_visible[4, 2] == 0


def test_extra_system_with_one_satellite_only_adds_its_clock():
    # A system seen by one satellite estimates its own clock from it and nothing else:
    # the position DOPs are unchanged.
    az, el = _ring(5, 35.0)
    base = _sat(np.r_[0.0, az], np.r_[90.0, el])
    extra = np.vstack([base, _sat(77.0, 20.0)])
    one = dop(base[None], _rx(), ["E"] * 6)
    two = dop(extra[None], _rx(), ["E"] * 6 + ["C"])
    assert two.pdop[0] == pytest.approx(one.pdop[0], rel=1e-10)
    assert two.hdop[0] == pytest.approx(one.hdop[0], rel=1e-10)
    assert two.tdop[0, 0] == pytest.approx(one.tdop[0, 0], rel=1e-10)
    assert np.isfinite(two.tdop[0, 1]) and two.gdop[0] > one.gdop[0]


def test_receiver_per_epoch_and_degenerate_geometry():
    az, el = _ring(6, 40.0)
    sats = np.stack([_sat(np.r_[0.0, az], np.r_[90.0, el])] * 3)
    fixed = dop(sats, _rx(), ["G"] * 7)
    per_epoch = dop(sats, np.tile(_rx(), (3, 1)), ["G"] * 7)
    np.testing.assert_allclose(per_epoch.gdop, fixed.gdop, rtol=1e-14)
    # All satellites at the same elevation and no zenith one: vertical and clock are
    # inseparable (singular normal matrix) -> NaN, not an exception.
    ring_only = _sat(az, el)[None]
    res = dop(ring_only, _rx(), ["G"] * 6)
    assert np.isnan(res.gdop[0]) and np.isnan(res.pdop[0])
