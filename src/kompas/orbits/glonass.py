"""GLONASS FDMA broadcast orbits: Runge-Kutta integration of the PZ-90.11 state vector.

The equations of motion are those of GLONASS ICD 5.1 (2008), Appendix A.3.1.2, written
in the rotating Earth-fixed frame: central term, J2 zonal term, centrifugal and
Coriolis terms, plus the broadcast luni-solar acceleration held constant over the
(at most about one hour) prediction.  All requests are integrated simultaneously, each
from its own t_b with its own number of equal steps (|t - t_b| / n <= max step); the
Python loop runs over steps, never over satellites or epochs.
"""

from __future__ import annotations

import numpy as np

from kompas import constants as k

__all__ = ["glonass_acceleration", "integrate_glonass", "propagate_glonass", "MAX_STEP_S"]

#: Largest Runge-Kutta step [s] (the ICD asks for at most 60 s).  RK4 with 60 s steps has
#: a truncation error below 1 mm over 15 min and about 4 mm over 1 h for a GLONASS
#: orbit (tested against 5 s steps).
MAX_STEP_S = 60.0

_MU = k.GM_GLO_M3PS2
_AE = k.A_E_GLO_M
_J2 = k.J2_GLO
_OMEGA = k.OMEGA_E_GLO_RADPS


def glonass_acceleration(state: np.ndarray, acc_ls: np.ndarray) -> np.ndarray:
    """Time derivative of the state vector (GLONASS ICD 5.1 A.3.1.2).

    Parameters
    ----------
    state : numpy.ndarray, shape (6, N)
        Rows x, y, z [m], vx, vy, vz [m/s] in PZ-90.11 (rotating, Earth-fixed).
    acc_ls : numpy.ndarray, shape (3, N)
        Broadcast luni-solar acceleration [m/s^2], constant.

    Returns
    -------
    numpy.ndarray, shape (6, N)
        Rows vx, vy, vz, ax, ay, az.
    """
    x, y, z, vx, vy, vz = state
    out = np.empty_like(state)
    out[:3] = state[3:]
    r2 = x * x + y * y + z * z
    r = np.sqrt(r2)
    mu_r3 = _MU / (r2 * r)
    # -3/2 J2 mu a_e^2 / r^5 factor; z-dependence (1 - 5 z^2/r^2) and (3 - 5 z^2/r^2).
    j2f = 1.5 * _J2 * mu_r3 * _AE * _AE / r2
    z2r2 = 5.0 * z * z / r2
    common = -mu_r3 - j2f * (1.0 - z2r2)
    common += _OMEGA * _OMEGA
    out[3] = common * x + 2.0 * _OMEGA * vy + acc_ls[0]
    out[4] = common * y - 2.0 * _OMEGA * vx + acc_ls[1]
    out[5] = (-mu_r3 - j2f * (3.0 - z2r2)) * z + acc_ls[2]
    return out


def integrate_glonass(
    position_m: np.ndarray,
    velocity_mps: np.ndarray,
    acc_ls_mps2: np.ndarray,
    dt_s: np.ndarray,
    max_step_s: float = MAX_STEP_S,
) -> tuple[np.ndarray, np.ndarray]:
    """Propagate broadcast GLONASS state vectors forward or backward in time.

    Parameters
    ----------
    position_m, velocity_mps, acc_ls_mps2 : numpy.ndarray, shape (N, 3)
        State at t_b (PZ-90.11) and the broadcast luni-solar acceleration, per request.
    dt_s : numpy.ndarray, shape (N,)
        t - t_b [s] (negative integrates backward).
    max_step_s : float
        Largest step; each request uses n = ceil(|dt| / max_step) equal steps.

    Returns
    -------
    (position_m, velocity_mps) : tuple of numpy.ndarray, shape (N, 3)
        NaN where any input is NaN.
    """
    dt = np.asarray(dt_s, dtype=np.float64).reshape(-1)
    n_req = dt.size
    n_steps = np.ceil(np.abs(np.nan_to_num(dt)) / max_step_s).astype(np.int64)
    # Sort by decreasing step count so that the requests still running form a prefix.
    order = np.argsort(-n_steps, kind="stable")
    counts = n_steps[order]
    y = np.empty((6, n_req))
    y[:3] = np.asarray(position_m, dtype=np.float64).reshape(-1, 3)[order].T
    y[3:] = np.asarray(velocity_mps, dtype=np.float64).reshape(-1, 3)[order].T
    acc = np.asarray(acc_ls_mps2, dtype=np.float64).reshape(-1, 3)[order].T.copy()
    h_all = np.where(counts > 0, dt[order] / np.maximum(counts, 1), 0.0)
    n_max = int(counts[0]) if n_req else 0
    # active[s] = number of requests needing more than s steps (a prefix length).
    active = np.searchsorted(-counts, -np.arange(n_max), side="left")
    for step in range(n_max):
        m = int(active[step])
        ys, a, h = y[:, :m], acc[:, :m], h_all[:m]
        k1 = glonass_acceleration(ys, a)
        k2 = glonass_acceleration(ys + (0.5 * h) * k1, a)
        k3 = glonass_acceleration(ys + (0.5 * h) * k2, a)
        k4 = glonass_acceleration(ys + h * k3, a)
        y[:, :m] = ys + (h / 6.0) * (k1 + 2.0 * (k2 + k3) + k4)
    out = np.empty_like(y)
    out[:, order] = y
    return out[:3].T.copy(), out[3:].T.copy()


def _rk4_nodes(y0: np.ndarray, acc: np.ndarray, h: float, n_steps: int) -> np.ndarray:
    """States at t_b + k h, k = 0..n_steps, shape (n_steps + 1, 6, R)."""
    nodes = np.empty((n_steps + 1,) + y0.shape)
    nodes[0] = y0
    y = y0
    for step in range(n_steps):
        k1 = glonass_acceleration(y, acc)
        k2 = glonass_acceleration(y + (0.5 * h) * k1, acc)
        k3 = glonass_acceleration(y + (0.5 * h) * k2, acc)
        k4 = glonass_acceleration(y + h * k3, acc)
        y = y + (h / 6.0) * (k1 + 2.0 * (k2 + k3) + k4)
        nodes[step + 1] = y
    return nodes


def propagate_glonass(
    position_m: np.ndarray,
    velocity_mps: np.ndarray,
    acc_ls_mps2: np.ndarray,
    record: np.ndarray,
    dt_s: np.ndarray,
    step_s: float = MAX_STEP_S,
) -> tuple[np.ndarray, np.ndarray]:
    """Evaluate many requests that share few broadcast records (fast path).

    Each record's state is integrated once with RK4 on the grid t_b + k h (|h| =
    ``step_s``), forward and backward, as far as its requests reach; every request is
    then evaluated by cubic Hermite interpolation between the two enclosing grid
    states (positions and velocities).  The interpolation error is below 0.5 mm and
    3e-5 m/s for 60 s steps (GLONASS mean motion n = 1.4e-4 rad/s: error ~ h^4 n^4 r /
    384), far below the RK4-versus-exact difference of the broadcast model itself.
    The loop runs over grid steps only.

    Parameters
    ----------
    position_m, velocity_mps, acc_ls_mps2 : numpy.ndarray, shape (R, 3)
        Broadcast records: state at t_b (PZ-90.11) and luni-solar acceleration.
    record : numpy.ndarray of int, shape (N,)
        Record index of each request.
    dt_s : numpy.ndarray, shape (N,)
        t - t_b of each request [s].
    step_s : float
        Grid step (at most 60 s per the ICD).

    Returns
    -------
    (position_m, velocity_mps) : tuple of numpy.ndarray, shape (N, 3)
    """
    record = np.asarray(record, dtype=np.int64).reshape(-1)
    dt = np.asarray(dt_s, dtype=np.float64).reshape(-1)
    pos = np.full((dt.size, 3), np.nan)
    vel = np.full((dt.size, 3), np.nan)
    y0 = np.concatenate(
        [np.asarray(position_m, dtype=np.float64).T, np.asarray(velocity_mps, dtype=np.float64).T]
    )
    acc = np.asarray(acc_ls_mps2, dtype=np.float64).T
    for sign in (1.0, -1.0):
        sel = np.nonzero((dt >= 0.0) if sign > 0 else (dt < 0.0))[0]
        if sel.size == 0:
            continue
        s_frac = np.abs(dt[sel]) / step_s
        used = np.unique(record[sel])
        n_steps = max(int(np.ceil(np.max(s_frac))), 1)
        nodes = _rk4_nodes(y0[:, used], acc[:, used], sign * step_s, n_steps)
        col = np.searchsorted(used, record[sel])
        k = np.minimum(np.floor(s_frac).astype(np.int64), n_steps - 1)
        tau = (s_frac - k)[:, None]
        h = sign * step_s
        a = nodes[k, :, col]  # (n, 6)
        b = nodes[k + 1, :, col]
        tau2, tau3 = tau * tau, tau * tau * tau
        h00, h10 = 2 * tau3 - 3 * tau2 + 1, tau3 - 2 * tau2 + tau
        h01, h11 = -2 * tau3 + 3 * tau2, tau3 - tau2
        pos[sel] = h00 * a[:, :3] + h10 * h * a[:, 3:] + h01 * b[:, :3] + h11 * h * b[:, 3:]
        d00, d10 = 6 * tau2 - 6 * tau, 3 * tau2 - 4 * tau + 1
        d01, d11 = -6 * tau2 + 6 * tau, 3 * tau2 - 2 * tau
        vel[sel] = (d00 * a[:, :3] + d01 * b[:, :3]) / h + d10 * a[:, 3:] + d11 * b[:, 3:]
    return pos, vel
