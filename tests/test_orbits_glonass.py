"""GLONASS broadcast integration: convergence, reversibility, an invariant, vectorisation."""

from __future__ import annotations

import numpy as np

from kompas import constants as k
from kompas.orbits.glonass import glonass_acceleration, integrate_glonass


def _states(n: int, seed: int = 3):
    """Invented GLONASS-like states: r = 25 510 km, circular speed, i = 64.8 deg."""
    rng = np.random.default_rng(seed)
    r = 25_510_000.0
    lon = rng.uniform(0, 2 * np.pi, n)
    lat = rng.uniform(-1.0, 1.0, n)
    pos = r * np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1)
    up = pos / r
    east = np.stack([-np.sin(lon), np.cos(lon), np.zeros(n)], -1)
    north = np.cross(up, east)
    az = rng.uniform(0, 2 * np.pi, n)
    speed = np.sqrt(k.GM_GLO_M3PS2 / r)
    v_inertial = speed * (np.cos(az)[:, None] * north + np.sin(az)[:, None] * east)
    # Earth-fixed velocity = inertial - omega x r
    omega = np.array([0.0, 0.0, k.OMEGA_E_GLO_RADPS])
    vel = v_inertial - np.cross(omega, pos)
    acc = rng.uniform(-3e-6, 3e-6, (n, 3))  # luni-solar magnitude ~ 1e-6..5e-6 m/s^2
    return pos, vel, acc


def _jacobi(pos, vel):
    """Jacobi integral of the rotating-frame J2 problem (no luni-solar term)."""
    r = np.linalg.norm(pos, axis=-1)
    z = pos[..., 2]
    mu, ae, j2, w = k.GM_GLO_M3PS2, k.A_E_GLO_M, k.J2_GLO, k.OMEGA_E_GLO_RADPS
    u = mu / r * (1 - 0.5 * j2 * (ae / r) ** 2 * (3 * (z / r) ** 2 - 1))
    return 0.5 * np.sum(vel**2, -1) - 0.5 * w**2 * (pos[..., 0] ** 2 + pos[..., 1] ** 2) - u


def test_rk4_60s_converged():
    pos, vel, acc = _states(20)
    for span, tol_m in ((900.0, 1e-3), (3600.0, 1e-2)):
        dt = np.linspace(-span, span, 20)
        p60, v60 = integrate_glonass(pos, vel, acc, dt, max_step_s=60.0)
        p5, v5 = integrate_glonass(pos, vel, acc, dt, max_step_s=5.0)
        # RK4 global error grows like h^4 t: measured 0.3 mm at 15 min and 3.5 mm at 1 h
        # with 60 s steps (5 s steps are 2e4 times better).  Both are far below the
        # metre-level broadcast accuracy.
        assert np.max(np.linalg.norm(p60 - p5, axis=-1)) < tol_m
        assert np.max(np.linalg.norm(v60 - v5, axis=-1)) < tol_m * 1e-2


def test_forward_then_backward_returns():
    pos, vel, acc = _states(10)
    dt = np.full(10, 900.0)
    p1, v1 = integrate_glonass(pos, vel, acc, dt)
    p0, v0 = integrate_glonass(p1, v1, acc, -dt)
    # Round trip error of RK4 (not symmetric) plus round-off: micrometres.
    np.testing.assert_allclose(p0, pos, atol=1e-4)
    np.testing.assert_allclose(v0, vel, atol=1e-7)


def test_jacobi_integral_conserved():
    pos, vel, _ = _states(10)
    zero = np.zeros_like(pos)
    dt = np.full(10, -1800.0)
    p1, v1 = integrate_glonass(pos, vel, zero, dt)
    c0, c1 = _jacobi(pos, vel), _jacobi(p1, v1)
    # C ~ -1.1e7 m^2/s^2; a 1 mm position error changes it by ~1e-2 m^2/s^2.
    np.testing.assert_allclose(c1, c0, atol=1e-3, rtol=0)


def test_vectorised_equals_one_by_one_and_zero_dt():
    pos, vel, acc = _states(7)
    dt = np.array([0.0, 30.0, -30.0, 899.0, -901.0, 1799.5, 61.0])
    p_all, v_all = integrate_glonass(pos, vel, acc, dt)
    for i in range(7):
        p_i, v_i = integrate_glonass(pos[i : i + 1], vel[i : i + 1], acc[i : i + 1], dt[i : i + 1])
        np.testing.assert_array_equal(p_all[i], p_i[0])
        np.testing.assert_array_equal(v_all[i], v_i[0])
    np.testing.assert_array_equal(p_all[0], pos[0])


def test_acceleration_central_term_dominates():
    pos, vel, acc = _states(5)
    d = glonass_acceleration(np.concatenate([pos.T, vel.T]), np.zeros((3, 5)))
    w = k.OMEGA_E_GLO_RADPS
    x, y, vx, vy = pos[:, 0], pos[:, 1], vel[:, 0], vel[:, 1]
    # Remove the centrifugal and Coriolis terms of the rotating frame (ICD A.3.1.2).
    frame = np.stack([w * w * x + 2 * w * vy, w * w * y - 2 * w * vx, 0 * x], -1)
    g = np.linalg.norm(d[3:].T - frame, axis=-1)
    expect = k.GM_GLO_M3PS2 / 25_510_000.0**2
    # What is left is gravity: central term plus J2 (1.5 J2 (a_e/r)^2 ~ 1e-4 relative).
    np.testing.assert_allclose(g, expect, rtol=3e-4)
