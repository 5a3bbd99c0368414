"""Local-level frames: ECEF <-> ENU (east, north, up) and azimuth/elevation/range.

Positions and vectors are ``(..., 3)`` arrays in metres; angles in radians, with
``_deg`` variants.  The local frame of a receiver is defined by its *geodetic*
latitude and longitude on the given ellipsoid (ellipsoidal normal as "up").

Azimuth is measured clockwise from north in [0, 2 pi); elevation in [-pi/2, pi/2].
Receiver arrays broadcast against satellite arrays, e.g. satellites ``(time, sv, 3)``
with a receiver ``(3,)`` or ``(time, 1, 3)``: the receiver's geodetic position is
computed once per receiver, not per satellite.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .ellipsoid import WGS84, Ellipsoid
from .geodetic import ecef2geodetic

__all__ = [
    "enu_rotation",
    "rotate_ecef2enu",
    "rotate_enu2ecef",
    "ecef2enu",
    "enu2ecef",
    "enu2aer",
    "aer2enu",
    "ecef2aer",
    "aer2ecef",
    "enu2aer_deg",
    "aer2enu_deg",
    "ecef2aer_deg",
]


def enu_rotation(lat_rad: ArrayLike, lon_rad: ArrayLike) -> np.ndarray:
    """Rotation matrix ECEF -> ENU, shape ``(..., 3, 3)``; rows are e, n, u.

    ``enu = R @ d_ecef``;  ``d_ecef = R.T @ enu`` (R is orthonormal).

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Geodetic latitude and longitude of the local origin [rad].
    """
    lat = np.asarray(lat_rad, dtype=float)
    lon = np.asarray(lon_rad, dtype=float)
    lat, lon = np.broadcast_arrays(lat, lon)
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    zero = np.zeros_like(lat)
    rows = [
        np.stack([-so, co, zero], axis=-1),
        np.stack([-sl * co, -sl * so, cl], axis=-1),
        np.stack([cl * co, cl * so, sl], axis=-1),
    ]
    return np.stack(rows, axis=-2)


def rotate_ecef2enu(dxyz_m: ArrayLike, lat_rad: ArrayLike, lon_rad: ArrayLike) -> np.ndarray:
    """Rotate ECEF vectors ``(..., 3)`` into the local ENU frame at (lat, lon).

    ``lat_rad``/``lon_rad`` broadcast against ``dxyz_m[..., 0]``.
    """
    d = np.asarray(dxyz_m, dtype=float)
    lat = np.asarray(lat_rad, dtype=float)
    lon = np.asarray(lon_rad, dtype=float)
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    dx, dy, dz = d[..., 0], d[..., 1], d[..., 2]
    t = co * dx + so * dy
    e = -so * dx + co * dy
    n = -sl * t + cl * dz
    u = cl * t + sl * dz
    return np.stack(np.broadcast_arrays(e, n, u), axis=-1)


def rotate_enu2ecef(enu_m: ArrayLike, lat_rad: ArrayLike, lon_rad: ArrayLike) -> np.ndarray:
    """Rotate local ENU vectors ``(..., 3)`` at (lat, lon) into ECEF axes."""
    v = np.asarray(enu_m, dtype=float)
    lat = np.asarray(lat_rad, dtype=float)
    lon = np.asarray(lon_rad, dtype=float)
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    e, n, u = v[..., 0], v[..., 1], v[..., 2]
    t = -sl * n + cl * u
    dx = -so * e + co * t
    dy = co * e + so * t
    dz = cl * n + sl * u
    return np.stack(np.broadcast_arrays(dx, dy, dz), axis=-1)


def ecef2enu(xyz_m: ArrayLike, ref_xyz_m: ArrayLike, ellipsoid: Ellipsoid = WGS84) -> np.ndarray:
    """ENU coordinates ``(..., 3)`` of ECEF points relative to an ECEF reference point.

    Parameters
    ----------
    xyz_m : array_like, shape (..., 3)
        Target positions, ECEF [m].
    ref_xyz_m : array_like, shape (..., 3)
        Local origin(s), ECEF [m]; broadcasts against ``xyz_m``.
    ellipsoid : Ellipsoid
        Defines "up" (the ellipsoidal normal at the origin).
    """
    ref = np.asarray(ref_xyz_m, dtype=float)
    lat, lon, _ = ecef2geodetic(ref, ellipsoid)
    return rotate_ecef2enu(np.asarray(xyz_m, dtype=float) - ref, lat, lon)


def enu2ecef(enu_m: ArrayLike, ref_xyz_m: ArrayLike, ellipsoid: Ellipsoid = WGS84) -> np.ndarray:
    """ECEF positions of points given in ENU ``(..., 3)`` about an ECEF origin."""
    ref = np.asarray(ref_xyz_m, dtype=float)
    lat, lon, _ = ecef2geodetic(ref, ellipsoid)
    return ref + rotate_enu2ecef(enu_m, lat, lon)


def enu2aer(enu_m: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ENU vector ``(..., 3)`` -> (azimuth_rad, elevation_rad, range_m).

    Azimuth in [0, 2 pi) clockwise from north; straight up gives elevation pi/2
    and azimuth 0.
    """
    v = np.asarray(enu_m, dtype=float)
    e, n, u = v[..., 0], v[..., 1], v[..., 2]
    horiz = np.hypot(e, n)
    az = np.mod(np.arctan2(e, n), 2.0 * np.pi)
    el = np.arctan2(u, horiz)
    rng = np.sqrt(horiz * horiz + u * u)
    return az, el, rng


def aer2enu(azimuth_rad: ArrayLike, elevation_rad: ArrayLike, range_m: ArrayLike) -> np.ndarray:
    """(azimuth_rad, elevation_rad, range_m) -> ENU vector ``(..., 3)`` [m]."""
    az = np.asarray(azimuth_rad, dtype=float)
    el = np.asarray(elevation_rad, dtype=float)
    r = np.asarray(range_m, dtype=float)
    horiz = r * np.cos(el)
    return np.stack(
        np.broadcast_arrays(horiz * np.sin(az), horiz * np.cos(az), r * np.sin(el)), axis=-1
    )


def ecef2aer(
    sat_xyz_m: ArrayLike, rx_xyz_m: ArrayLike, ellipsoid: Ellipsoid = WGS84
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Azimuth, elevation and range of targets (satellites) seen from receivers.

    Parameters
    ----------
    sat_xyz_m : array_like, shape (..., 3)
        Target positions, ECEF [m], e.g. ``(time, sv, 3)``.
    rx_xyz_m : array_like, shape (..., 3)
        Observer positions, ECEF [m], broadcastable (``(3,)``, ``(time, 1, 3)``).
    ellipsoid : Ellipsoid
        Defines the local vertical.

    Returns
    -------
    azimuth_rad, elevation_rad, range_m : numpy.ndarray
        Broadcast shape without the last axis.  NaN positions give NaN.
    """
    return enu2aer(ecef2enu(sat_xyz_m, rx_xyz_m, ellipsoid))


def aer2ecef(
    azimuth_rad: ArrayLike,
    elevation_rad: ArrayLike,
    range_m: ArrayLike,
    rx_xyz_m: ArrayLike,
    ellipsoid: Ellipsoid = WGS84,
) -> np.ndarray:
    """ECEF position ``(..., 3)`` of a target at (az, el, range) from an ECEF observer."""
    return enu2ecef(aer2enu(azimuth_rad, elevation_rad, range_m), rx_xyz_m, ellipsoid)


def enu2aer_deg(enu_m: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`enu2aer` returning (azimuth_deg, elevation_deg, range_m)."""
    az, el, r = enu2aer(enu_m)
    return np.degrees(az), np.degrees(el), r


def aer2enu_deg(azimuth_deg: ArrayLike, elevation_deg: ArrayLike, range_m: ArrayLike) -> np.ndarray:
    """:func:`aer2enu` with angles in degrees."""
    return aer2enu(np.radians(azimuth_deg), np.radians(elevation_deg), range_m)


def ecef2aer_deg(
    sat_xyz_m: ArrayLike, rx_xyz_m: ArrayLike, ellipsoid: Ellipsoid = WGS84
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`ecef2aer` returning (azimuth_deg, elevation_deg, range_m)."""
    az, el, r = ecef2aer(sat_xyz_m, rx_xyz_m, ellipsoid)
    return np.degrees(az), np.degrees(el), r
