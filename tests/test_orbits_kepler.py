"""Keplerian broadcast orbit math: Kepler's equation, analytic velocity, relativity, GEO."""

from __future__ import annotations

import numpy as np
import pytest

from kompas.constants import SPEED_OF_LIGHT_MPS
from kompas.orbits.kepler import (
    SYSTEM_CONSTANTS,
    KeplerElements,
    clock_polynomial,
    is_geostationary,
    keplerian_states,
    solve_kepler,
)


def _elements(n: int, *, sqrt_a: float = 5153.6, e: float = 0.012, i0: float = 0.96, **kw):
    """Invented but GPS-like element sets (not copied from any file)."""
    rng = np.random.default_rng(7)
    base = dict(
        sqrt_a_sqrtm=np.full(n, sqrt_a),
        e=np.full(n, e),
        i0_rad=np.full(n, i0),
        omega0_rad=rng.uniform(-np.pi, np.pi, n),
        omega_rad=rng.uniform(-np.pi, np.pi, n),
        m0_rad=rng.uniform(-np.pi, np.pi, n),
        delta_n_radps=np.full(n, 4.5e-9),
        omega_dot_radps=np.full(n, -8.1e-9),
        idot_radps=np.full(n, 2.0e-10),
        cuc_rad=np.full(n, -3.1e-6),
        cus_rad=np.full(n, 7.9e-6),
        crc_m=np.full(n, 236.0),
        crs_m=np.full(n, -61.0),
        cic_rad=np.full(n, 1.1e-7),
        cis_rad=np.full(n, -6.0e-8),
        toe_sow_s=np.full(n, 14400.0),
    )
    base.update(kw)
    return KeplerElements(**base)


@pytest.mark.parametrize("e", [0.0, 0.001, 0.075, 0.16, 0.3, 0.5])
def test_kepler_equation_solved_to_1e13(e):
    m = np.linspace(-20.0, 20.0, 20001)
    ecc = solve_kepler(m, e)
    resid = ecc - e * np.sin(ecc) - m
    resid = np.remainder(resid + np.pi, 2 * np.pi) - np.pi
    # Requirement 1e-13 rad; float64 round-off of E - e sin E near |E| ~ pi is ~4e-16.
    assert np.max(np.abs(resid)) < 1e-13


@pytest.mark.parametrize(
    "kind",
    ["gps", "cnav", "galileo_e14", "bds_geo", "bds_igso"],
)
def test_velocity_is_derivative_of_position(kind):
    n = 64
    consts = SYSTEM_CONSTANTS["G"]
    geo = False
    if kind == "gps":
        el = _elements(n)
    elif kind == "cnav":
        el = _elements(n, a_dot_mps=np.full(n, 0.012), delta_n_dot_radps2=np.full(n, -1e-13))
    elif kind == "galileo_e14":
        consts = SYSTEM_CONSTANTS["E"]
        el = _elements(n, sqrt_a=5440.6, e=0.16, i0=0.87)
    elif kind == "bds_geo":
        consts = SYSTEM_CONSTANTS["C"]
        el = _elements(n, sqrt_a=6493.4, e=0.0005, i0=0.02)
        geo = np.ones(n, dtype=bool)
    else:
        consts = SYSTEM_CONSTANTS["C"]
        el = _elements(n, sqrt_a=6493.4, e=0.003, i0=0.96)
    tk = np.linspace(-7000.0, 7000.0, n)
    h = 0.5
    s0 = keplerian_states(el, tk, consts.gm_m3ps2, consts.omega_e_radps, geo)
    sp = keplerian_states(el, tk + h, consts.gm_m3ps2, consts.omega_e_radps, geo)
    sm = keplerian_states(el, tk - h, consts.gm_m3ps2, consts.omega_e_radps, geo)
    numeric = (sp.position_m - sm.position_m) / (2 * h)
    # Central difference truncation: |a'| h^2 / 6 ~ 1e-4 m/s^3 * 0.04 ~ 1e-6 m/s; position
    # round-off 4e-9 m / 1 s.  1e-4 m/s leaves ample margin but catches any missing term
    # (the smallest, idot * r, is ~5e-3 m/s).
    np.testing.assert_allclose(s0.velocity_mps, numeric, atol=1e-4, rtol=0)
    r = np.linalg.norm(s0.position_m, axis=-1)
    assert np.all(np.abs(r - el.sqrt_a_sqrtm**2) < 0.2 * el.sqrt_a_sqrtm**2)


def test_relativity_forms_agree():
    n = 200
    el = _elements(n, e=0.02)
    tk = np.linspace(-7200, 7200, n)
    c = SYSTEM_CONSTANTS["G"]
    s = keplerian_states(el, tk, c.gm_m3ps2, c.omega_e_radps)
    ecc_form = (
        c.f_rel_spsqrtm * el.e * np.sqrt(s.semi_major_axis_m) * np.sin(s.eccentric_anomaly_rad)
    )
    rv_form = -2.0 * np.sum(s.position_m * s.velocity_mps, axis=-1) / SPEED_OF_LIGHT_MPS**2
    # Identical for a pure Kepler orbit; the harmonic terms (crs/crc ~ 240 m, their rate
    # ~0.07 m/s) change r.v by < 3e6 m^2/s, i.e. < 0.07 ns.  Amplitude here ~ 45 ns.
    assert np.max(np.abs(ecc_form)) > 2e-8
    np.testing.assert_allclose(rv_form, ecc_form, atol=1e-10, rtol=0)


def test_pure_circular_orbit_matches_closed_form():
    """No perturbations, e = 0, equatorial: ECEF longitude advances at n - omega_e."""
    n = 5
    zero = np.zeros(n)
    a = 26_560_000.0
    el = KeplerElements(
        sqrt_a_sqrtm=np.full(n, np.sqrt(a)),
        e=zero,
        i0_rad=zero,
        omega0_rad=zero,
        omega_rad=zero,
        m0_rad=zero,
        delta_n_radps=zero,
        omega_dot_radps=zero,
        idot_radps=zero,
        cuc_rad=zero,
        cus_rad=zero,
        crc_m=zero,
        crs_m=zero,
        cic_rad=zero,
        cis_rad=zero,
        toe_sow_s=zero,
    )
    c = SYSTEM_CONSTANTS["G"]
    tk = np.array([0.0, 100.0, 1000.0, 3600.0, -3600.0])
    s = keplerian_states(el, tk, c.gm_m3ps2, c.omega_e_radps)
    mean_motion = np.sqrt(c.gm_m3ps2 / a**3)
    lon = (mean_motion - c.omega_e_radps) * tk
    expect = np.stack([a * np.cos(lon), a * np.sin(lon), zero], axis=-1)
    # Closed form, exact up to float64 round-off (~1e-8 m at 2.7e7 m).
    np.testing.assert_allclose(s.position_m, expect, atol=1e-6)


def test_bds_geo_algorithm_is_earth_fixed():
    """A GEO element set yields an (almost) motionless ECEF position.

    BDS GEO elements are referred to a frame tilted by 5 deg (B1I ICD 5.2.4.12): with
    i0 = 5 deg and the node at 180 deg the orbit is equatorial after the R_x(-5 deg)
    rotation.
    """
    n = 61
    c = SYSTEM_CONSTANTS["C"]
    toe = 14400.0
    el = _elements(
        n,
        sqrt_a=6493.43,
        e=0.0003,
        i0=np.deg2rad(5.0),
        omega_dot_radps=np.zeros(n),
        idot_radps=np.zeros(n),
        omega0_rad=np.full(n, np.pi + c.omega_e_radps * toe),
        toe_sow_s=np.full(n, toe),
    )
    tk = np.linspace(-1800, 1800, n)
    geo = is_geostationary(el.sqrt_a_sqrtm, el.i0_rad)
    assert geo.all()
    s = keplerian_states(el, tk, c.gm_m3ps2, c.omega_e_radps, geo)
    # Residual ECEF speed: e n a ~ 1 m/s, delta_n a ~ 0.2 m/s, harmonics ~ 0.1 m/s.  A
    # wrong rotation sequence gives hundreds of m/s (the 5 deg tilt: 270 m/s) to km/s.
    assert np.all(np.linalg.norm(s.velocity_mps, axis=-1) < 5.0)
    assert np.all(np.abs(s.position_m[:, 2]) < 50e3)  # equatorial: |z| < e a + harmonics
    # The non-GEO algorithm on the same elements leaves the 5 deg inclination.
    s_meo = keplerian_states(el, tk, c.gm_m3ps2, c.omega_e_radps, False)
    assert np.max(np.linalg.norm(s_meo.velocity_mps, axis=-1)) > 100.0


def test_geostationary_detection_from_orbit_only():
    # Broadcast GEO inclinations are referred to the 5-deg tilted frame: 3.5-4.5 deg seen
    # for C01-C05 on 2023-01-01, so the threshold must not be 5 deg.
    sqrt_a = np.array([6493.4, 6493.4, 5282.6, 5153.7, 6493.4, 6493.4])
    inc = np.deg2rad([0.5, 55.0, 55.0, 1.0, 4.5, 6.5])
    assert is_geostationary(sqrt_a, inc).tolist() == [True, False, False, False, True, True]


def test_clock_polynomial():
    dt = np.array([0.0, 3600.0, -3600.0])
    off, drift = clock_polynomial(1e-4, 2e-11, 1e-18, dt)
    np.testing.assert_allclose(off, 1e-4 + 2e-11 * dt + 1e-18 * dt**2, rtol=1e-15)
    np.testing.assert_allclose(drift, 2e-11 + 2e-18 * dt, rtol=1e-15)
