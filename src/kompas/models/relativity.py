"""Relativistic and Earth-rotation terms of the GNSS range model.

* periodic satellite clock correction (eccentricity term),
* Sagnac (Earth rotation during signal travel) correction,
* Shapiro (gravitational) path delay.

All functions take ECEF arrays with the 3 coordinates on the last axis and broadcast
the leading axes (e.g. satellites ``(T, S, 3)`` against a receiver ``(3,)``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kompas.constants import (
    F_REL_GPS_SPSQRTM,
    GM_GPS_M3PS2,
    OMEGA_E_GPS_RADPS,
    SPEED_OF_LIGHT_MPS,
)

__all__ = [
    "relativistic_clock_correction_s",
    "relativistic_clock_correction_kepler_s",
    "sagnac_m",
    "sagnac_rotation_m",
    "shapiro_delay_m",
]


def _vec(x: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise ValueError(
            f"expected ECEF vectors with 3 components on the last axis, got {arr.shape}"
        )
    return arr


def relativistic_clock_correction_s(pos_m: ArrayLike, vel_m: ArrayLike) -> NDArray[np.float64]:
    """Periodic relativistic satellite clock correction ``dt_r = -2 r.v / c^2``.

    IS-GPS-200N 20.3.3.3.3.1 gives ``dt_r = F e sqrt(A) sin E_k`` and notes the
    equivalent state-vector form used here; Galileo OS SIS ICD 5.1.4 and
    BDS-SIS-ICD-B1I 3.0 5.2.4.10 use the same term. It is *added* to the broadcast clock
    polynomial (``dt_sv = a0 + a1 dt + a2 dt^2 + dt_r``). The state-vector form is the one
    to use for GLONASS and for precise (SP3) orbits, whose clocks exclude it.

    Parameters
    ----------
    pos_m : array_like, shape (..., 3)
        Satellite position (any inertial or Earth-fixed frame) [m].
    vel_m : array_like, shape (..., 3)
        Satellite velocity in the *same* frame [m/s]. In ECEF the Earth-rotation
        part of the velocity changes the result by < 0.1 ns for GNSS orbits; use the
        inertial velocity for strict agreement with the Keplerian form.

    Returns
    -------
    numpy.ndarray
        Correction [s], shape of the broadcast leading axes.
    """
    r = _vec(pos_m)
    v = _vec(vel_m)
    return -2.0 * np.einsum("...i,...i->...", r, v) / SPEED_OF_LIGHT_MPS**2


def relativistic_clock_correction_kepler_s(
    eccentricity: ArrayLike,
    sqrt_a_m05: ArrayLike,
    eccentric_anomaly_rad: ArrayLike,
    f_rel_spsqrtm: float = F_REL_GPS_SPSQRTM,
) -> NDArray[np.float64]:
    """Keplerian form ``dt_r = F e sqrt(A) sin E_k`` (IS-GPS-200N 20.3.3.3.3.1).

    Parameters
    ----------
    eccentricity : array_like
        Orbit eccentricity e.
    sqrt_a_m05 : array_like
        Square root of the semi-major axis [m^0.5].
    eccentric_anomaly_rad : array_like
        Eccentric anomaly E_k [rad].
    f_rel_spsqrtm : float, optional
        ``F = -2 sqrt(GM) / c^2`` [s/m^0.5] of the system: ``F_REL_GPS_SPSQRTM`` (default),
        ``F_REL_GAL_SPSQRTM`` or ``F_REL_BDS_SPSQRTM`` from :mod:`kompas.constants`.

    Returns
    -------
    numpy.ndarray
        Correction [s].
    """
    e = np.asarray(eccentricity, dtype=np.float64)
    sqrt_a = np.asarray(sqrt_a_m05, dtype=np.float64)
    ek = np.asarray(eccentric_anomaly_rad, dtype=np.float64)
    return f_rel_spsqrtm * e * sqrt_a * np.sin(ek)


def sagnac_m(
    sat_pos_m: ArrayLike,
    rx_pos_m: ArrayLike,
    omega_e_radps: float = OMEGA_E_GPS_RADPS,
) -> NDArray[np.float64]:
    """Sagnac (Earth-rotation) range correction, first-order form.

    ``d_sagnac = omega_e / c (x_s y_r - y_s x_r)`` to be *added* to the geometric range
    ``|r_s - r_r|`` computed with the satellite position at emission time and the receiver
    position at reception time, both in the ECEF frame of their own epoch
    (IS-GPS-200N 20.3.3.4.3.3.2 and Figure 20-3 "Earth rotation correction";
    Sanz Subirana et al., GNSS Data Processing Vol. I (2013), 5.1.1.2). The neglected
    second-order terms are below 0.3 mm for GNSS orbits (see :func:`sagnac_rotation_m`).

    Parameters
    ----------
    sat_pos_m, rx_pos_m : array_like, shape (..., 3)
        Satellite (emission-time ECEF) and receiver (reception-time ECEF) positions [m].
    omega_e_radps : float, optional
        Earth rotation rate [rad/s] of the frame (``OMEGA_E_*_RADPS`` in
        :mod:`kompas.constants`); default GPS/WGS-84.

    Returns
    -------
    numpy.ndarray
        Correction [m].
    """
    s = _vec(sat_pos_m)
    r = _vec(rx_pos_m)
    return omega_e_radps / SPEED_OF_LIGHT_MPS * (s[..., 0] * r[..., 1] - s[..., 1] * r[..., 0])


def sagnac_rotation_m(
    sat_pos_m: ArrayLike,
    rx_pos_m: ArrayLike,
    omega_e_radps: float = OMEGA_E_GPS_RADPS,
    iterations: int = 3,
) -> NDArray[np.float64]:
    """Sagnac correction by rotating the satellite position through ``omega_e tau``.

    The satellite position (emission-time ECEF) is rotated about z by ``theta = omega_e tau``
    into the reception-time frame, with ``tau = |R3(theta) r_s - r_r| / c`` solved by fixed-
    point iteration (it converges by a factor ``omega_e |r_s| / c ~ 7e-6`` per step), and
    ``|R3(theta) r_s - r_r| - |r_s - r_r|`` is returned. This keeps the second-order terms
    that :func:`sagnac_m` drops (about 0.1 mm).

    Parameters
    ----------
    sat_pos_m, rx_pos_m : array_like, shape (..., 3)
        Satellite (emission-time ECEF) and receiver (reception-time ECEF) positions [m].
    omega_e_radps : float, optional
        Earth rotation rate [rad/s]; default GPS/WGS-84.
    iterations : int, optional
        Fixed-point iterations; 3 reach machine precision.

    Returns
    -------
    numpy.ndarray
        Correction [m].
    """
    s = _vec(sat_pos_m)
    r = _vec(rx_pos_m)
    rho0 = np.linalg.norm(s - r, axis=-1)
    rho = rho0
    for _ in range(iterations):  # fixed count, whole arrays: not a per-element loop
        theta = omega_e_radps * rho / SPEED_OF_LIGHT_MPS
        c, sn = np.cos(theta), np.sin(theta)
        x = c * s[..., 0] + sn * s[..., 1]
        y = -sn * s[..., 0] + c * s[..., 1]
        rho = np.sqrt((x - r[..., 0]) ** 2 + (y - r[..., 1]) ** 2 + (s[..., 2] - r[..., 2]) ** 2)
    return rho - rho0


def shapiro_delay_m(
    sat_pos_m: ArrayLike,
    rx_pos_m: ArrayLike,
    gm_m3ps2: float = GM_GPS_M3PS2,
) -> NDArray[np.float64]:
    """Shapiro (gravitational) signal delay in the Earth's field.

    ``d = 2 GM / c^2 ln((r_s + r_r + rho) / (r_s + r_r - rho))`` with geocentric distances
    ``r_s``, ``r_r`` and range ``rho`` (IERS Conventions 2010, eq. 11.17; about 19 mm at
    low elevation for GNSS).

    Parameters
    ----------
    sat_pos_m, rx_pos_m : array_like, shape (..., 3)
        Satellite and receiver ECEF positions [m].
    gm_m3ps2 : float, optional
        Earth gravitational parameter [m^3/s^2]; default GPS/WGS-84.

    Returns
    -------
    numpy.ndarray
        Delay [m] to add to the geometric range.
    """
    s = _vec(sat_pos_m)
    r = _vec(rx_pos_m)
    rs = np.linalg.norm(s, axis=-1)
    rr = np.linalg.norm(r, axis=-1)
    rho = np.linalg.norm(s - r, axis=-1)
    return 2.0 * gm_m3ps2 / SPEED_OF_LIGHT_MPS**2 * np.log((rs + rr + rho) / (rs + rr - rho))
