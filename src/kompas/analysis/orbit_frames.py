"""Orbit-fixed frames and orbit classes from Earth-fixed satellite states.

The radial / along-track / cross-track (RAC) frame of a satellite is built from its
position ``r`` and its *inertial* velocity ``v_i = v + omega_e x r`` (``v`` the
Earth-fixed velocity of an ECEF state)::

    e_R = r / |r|,   e_C = (r x v_i) / |r x v_i|,   e_A = e_C x e_R

The inertial velocity matters: a geostationary satellite has an Earth-fixed velocity of
a few m/s, so ``r x v`` would give an arbitrary cross-track axis, and for a MEO the
Earth-fixed velocity is rotated by tens of degrees from the inertial one.  The frame is
the same when computed in an inertial frame at the same instant (the rotation between
ECEF and ECI preserves it), so no Earth-orientation data are needed.

Orbit classes come from the osculating semi-major axis (vis-viva,
``1/a = 2/|r| - |v_i|^2 / GM``) and inclination (``cos i = h_z / |h|``,
``h = r x v_i``), never from a PRN list.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kompas.constants import GM_GAL_M3PS2, OMEGA_E_GPS_RADPS

__all__ = [
    "inertial_velocity",
    "rac_basis",
    "to_rac",
    "orbit_elements",
    "orbit_class",
    "MEO_MAX_SEMI_MAJOR_AXIS_M",
    "GEO_MAX_INCLINATION_DEG",
]

#: Semi-major axis separating MEO (GPS 26 560 km, GLONASS 25 510 km, Galileo 29 600 km,
#: BDS MEO 27 906 km) from IGSO/GEO (42 164 km) [m]: half-way between the two families.
MEO_MAX_SEMI_MAJOR_AXIS_M = 35_000_000.0
#: Largest inclination of a geostationary orbit [deg].  BDS-2 GEO keep i < 2 deg in
#: operation but drift up to ~6 deg near end of life (C01's broadcast i0 is 6.3 deg on
#: 2023-01-01); IGSO and QZSS QZO are at 40-57 deg.
GEO_MAX_INCLINATION_DEG = 15.0


def inertial_velocity(
    position_m: ArrayLike, velocity_mps: ArrayLike, omega_e_radps: float = OMEGA_E_GPS_RADPS
) -> NDArray[np.float64]:
    """Inertial velocity ``v + omega_e x r`` of an Earth-fixed state [m/s], shape (..., 3).

    ``omega_e`` defaults to the WGS-84 / IERS value 7.2921151467e-5 rad/s (IS-GPS-200
    Table 20-IV); the systems' values differ by 2e-13 rad/s, i.e. < 1e-8 m/s here.
    """
    r = np.asarray(position_m, dtype=np.float64)
    v = np.asarray(velocity_mps, dtype=np.float64)
    w_cross_r = np.stack(
        [-omega_e_radps * r[..., 1], omega_e_radps * r[..., 0], np.zeros_like(r[..., 2])], axis=-1
    )
    return v + w_cross_r


def rac_basis(
    position_m: ArrayLike, velocity_mps: ArrayLike, omega_e_radps: float = OMEGA_E_GPS_RADPS
) -> NDArray[np.float64]:
    """Unit vectors of the radial, along-track and cross-track axes in ECEF.

    Parameters
    ----------
    position_m, velocity_mps : array_like, shape (..., 3)
        Earth-fixed position [m] and velocity [m/s] of the reference orbit.
    omega_e_radps : float
        Earth rotation rate used to form the inertial velocity.

    Returns
    -------
    numpy.ndarray, shape (..., 3, 3)
        ``basis[..., k, :]`` is axis ``k`` (0 radial, 1 along-track, 2 cross-track).
        NaN where the state is NaN.
    """
    r = np.asarray(position_m, dtype=np.float64)
    vi = inertial_velocity(r, velocity_mps, omega_e_radps)
    with np.errstate(invalid="ignore", divide="ignore"):
        e_r = r / np.linalg.norm(r, axis=-1, keepdims=True)
        h = np.cross(r, vi)
        e_c = h / np.linalg.norm(h, axis=-1, keepdims=True)
    e_a = np.cross(e_c, e_r)
    return np.stack([e_r, e_a, e_c], axis=-2)


def to_rac(
    delta_m: ArrayLike,
    position_m: ArrayLike,
    velocity_mps: ArrayLike,
    omega_e_radps: float = OMEGA_E_GPS_RADPS,
) -> NDArray[np.float64]:
    """Project ECEF vectors onto the RAC axes of a reference orbit.

    Parameters
    ----------
    delta_m : array_like, shape (..., 3)
        ECEF vectors, e.g. ``broadcast - precise`` positions [m].
    position_m, velocity_mps : array_like, shape (..., 3)
        Reference (precise) Earth-fixed state defining the frame.

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        Radial, along-track and cross-track components [m].

    Examples
    --------
    >>> import numpy as np
    >>> r = np.array([26_560e3, 0.0, 0.0]); v = np.array([0.0, 3874.0 - 1936.8, 0.0])
    >>> to_rac(np.array([1.0, 2.0, 3.0]), r, v).round(12)
    array([1., 2., 3.])
    """
    basis = rac_basis(position_m, velocity_mps, omega_e_radps)
    return np.einsum("...ki,...i->...k", basis, np.asarray(delta_m, dtype=np.float64))


def orbit_elements(
    position_m: ArrayLike,
    velocity_mps: ArrayLike,
    gm_m3ps2: float = GM_GAL_M3PS2,
    omega_e_radps: float = OMEGA_E_GPS_RADPS,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Osculating semi-major axis [m] and inclination [deg] of Earth-fixed states.

    ``1/a = 2/|r| - |v_i|^2 / GM`` (vis-viva) and ``cos i = h_z / |h|`` with
    ``h = r x v_i``; the default GM is the IERS/Galileo/BDS 3.986004418e14 m^3/s^2.
    """
    r = np.asarray(position_m, dtype=np.float64)
    vi = inertial_velocity(r, velocity_mps, omega_e_radps)
    rn = np.linalg.norm(r, axis=-1)
    v2 = np.einsum("...i,...i->...", vi, vi)
    h = np.cross(r, vi)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = 1.0 / (2.0 / rn - v2 / gm_m3ps2)
        inc = np.degrees(np.arccos(np.clip(h[..., 2] / np.linalg.norm(h, axis=-1), -1, 1)))
    return a, inc


def orbit_class(semi_major_axis_m: ArrayLike, inclination_deg: ArrayLike) -> NDArray[np.str_]:
    """``"MEO"``, ``"IGSO"``, ``"GEO"`` (or ``""`` for NaN input) from orbit elements.

    MEO when a < :data:`MEO_MAX_SEMI_MAJOR_AXIS_M`; otherwise GEO when the inclination
    is below :data:`GEO_MAX_INCLINATION_DEG`, else IGSO.
    """
    a = np.asarray(semi_major_axis_m, dtype=np.float64)
    inc = np.asarray(inclination_deg, dtype=np.float64)
    out = np.where(
        a < MEO_MAX_SEMI_MAJOR_AXIS_M, "MEO", np.where(inc < GEO_MAX_INCLINATION_DEG, "GEO", "IGSO")
    )
    return np.where(np.isfinite(a) & np.isfinite(inc), out, "").astype("<U4")
