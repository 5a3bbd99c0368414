"""Geodetic (latitude, longitude, ellipsoidal height) <-> ECEF Cartesian.

Conventions
-----------
* Positions are arrays of shape ``(..., 3)`` (x, y, z in metres), the layout used
  throughout kompas.  ``*_xyz`` variants take and return x, y, z separately.
* Angles in radians; ``*_deg`` wrappers take and return degrees.
* Everything broadcasts like numpy and accepts scalars.

The inverse uses the exact closed form of Vermeille (2004), "Computing geodetic
coordinates from geocentric coordinates", J. Geodesy 78:94-95, which is accurate to
float64 rounding (nanometres) for every point farther than ~60 km from the Earth's
centre, poles included.  Points inside that sphere (within the ellipsoid's evolute,
where several normals pass through a point) are solved as the nearest point of the
meridian ellipse by bisection on the foot-point equation (Eberly's method); the
centre itself maps to the north pole at h = -b.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .ellipsoid import WGS84, Ellipsoid

__all__ = [
    "geodetic2ecef",
    "geodetic2ecef_xyz",
    "geodetic2ecef_deg",
    "ecef2geodetic",
    "ecef2geodetic_xyz",
    "ecef2geodetic_deg",
]


def geodetic2ecef_xyz(
    lat_rad: ArrayLike, lon_rad: ArrayLike, h_m: ArrayLike, ellipsoid: Ellipsoid = WGS84
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Geodetic coordinates -> ECEF x, y, z [m].

    Parameters
    ----------
    lat_rad, lon_rad : array_like
        Geodetic latitude and longitude [rad].
    h_m : array_like
        Height above the ellipsoid [m].
    ellipsoid : Ellipsoid
        Reference ellipsoid (default WGS 84).

    Returns
    -------
    x_m, y_m, z_m : numpy.ndarray
        Broadcast shape of the inputs.
    """
    lat = np.asarray(lat_rad, dtype=float)
    lon = np.asarray(lon_rad, dtype=float)
    h = np.asarray(h_m, dtype=float)
    sin_lat = np.sin(lat)
    cos_lat = np.cos(lat)
    n = ellipsoid.a_m / np.sqrt(1.0 - ellipsoid.e2 * sin_lat * sin_lat)
    r = (n + h) * cos_lat
    x = r * np.cos(lon)
    y = r * np.sin(lon)
    z = (n * (1.0 - ellipsoid.e2) + h) * sin_lat
    return x, y, z


def geodetic2ecef(
    lat_rad: ArrayLike, lon_rad: ArrayLike, h_m: ArrayLike, ellipsoid: Ellipsoid = WGS84
) -> np.ndarray:
    """Geodetic coordinates -> ECEF position, shape ``(..., 3)`` [m].

    See :func:`geodetic2ecef_xyz` for the parameters.
    """
    return np.stack(geodetic2ecef_xyz(lat_rad, lon_rad, h_m, ellipsoid), axis=-1)


def geodetic2ecef_deg(
    lat_deg: ArrayLike, lon_deg: ArrayLike, h_m: ArrayLike, ellipsoid: Ellipsoid = WGS84
) -> np.ndarray:
    """:func:`geodetic2ecef` with latitude and longitude in degrees."""
    return geodetic2ecef(np.radians(lat_deg), np.radians(lon_deg), h_m, ellipsoid)


def ecef2geodetic_xyz(
    x_m: ArrayLike, y_m: ArrayLike, z_m: ArrayLike, ellipsoid: Ellipsoid = WGS84
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ECEF x, y, z -> geodetic latitude, longitude [rad] and ellipsoidal height [m].

    Parameters
    ----------
    x_m, y_m, z_m : array_like
        ECEF coordinates [m], broadcastable.
    ellipsoid : Ellipsoid
        Reference ellipsoid (default WGS 84).

    Returns
    -------
    lat_rad : numpy.ndarray
        Geodetic latitude in [-pi/2, pi/2].
    lon_rad : numpy.ndarray
        Longitude in (-pi, pi]; 0 on the polar axis.
    h_m : numpy.ndarray
        Height above the ellipsoid (negative inside).

    Notes
    -----
    Vermeille (2004), J. Geodesy 78:94-95, closed form.  With p = (x^2+y^2)/a^2,
    q = (1-e^2) z^2/a^2, r = (p+q-e^4)/6, s = e^4 p q / (4 r^3),
    t = cbrt(1 + s + sqrt(s (2+s))), u = r (1 + t + 1/t), v = sqrt(u^2 + e^4 q),
    w = e^2 (u+v-q) / (2v), k = sqrt(u+v+w^2) - w, D = k rho / (k+e^2):
    lat = 2 atan2(z, D + sqrt(D^2+z^2)), h = (k+e^2-1)/k sqrt(D^2+z^2).
    Valid for r > 0, i.e. outside a sphere of radius ~a e^2 (43 km); kompas uses it
    beyond sqrt(2) times that and a robust foot-point solver inside.
    """
    x = np.asarray(x_m, dtype=float)
    y = np.asarray(y_m, dtype=float)
    z = np.asarray(z_m, dtype=float)
    x, y, z = np.broadcast_arrays(x, y, z)
    a = ellipsoid.a_m
    e2 = ellipsoid.e2
    e4 = e2 * e2
    rho2 = x * x + y * y
    rho = np.sqrt(rho2)
    p = rho2 / (a * a)
    q = (1.0 - e2) * z * z / (a * a)
    near_centre = (p + q) < 2.0 * e4

    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        r = (p + q - e4) / 6.0
        s = e4 * p * q / (4.0 * r * r * r)
        t = np.cbrt(1.0 + s + np.sqrt(s * (2.0 + s)))
        u = r * (1.0 + t + 1.0 / t)
        v = np.sqrt(u * u + e4 * q)
        w = e2 * (u + v - q) / (2.0 * v)
        k = np.sqrt(u + v + w * w) - w
        d = k * rho / (k + e2)
        dz = np.sqrt(d * d + z * z)
        lat = 2.0 * np.arctan2(z, d + dz)
        h = (k + e2 - 1.0) / k * dz

    if np.any(near_centre):
        lat_c, h_c = _near_centre(rho[near_centre], z[near_centre], ellipsoid)
        lat = np.array(lat, copy=True)
        h = np.array(h, copy=True)
        lat[near_centre] = lat_c
        h[near_centre] = h_c
    lon = np.arctan2(y, x)
    return lat, lon, h


def _near_centre(rho: np.ndarray, z: np.ndarray, ell: Ellipsoid):
    """Nearest point of the meridian ellipse for points deep inside the ellipsoid.

    Solves G(t) = (a rho/(t+a^2))^2 + (b |z|/(t+b^2))^2 - 1 = 0 for t in (-b^2, 0]
    (in the variable sigma = t + b^2)
    by bisection (G decreases monotonically there); the foot point is
    (a^2 rho/(t+a^2), b^2 |z|/(t+b^2)).  On the equatorial plane inside the evolute
    (|z| = 0, rho < (a^2-b^2)/a) the foot point is off the plane (northern choice).
    """
    a, b = ell.a_m, ell.b_m
    a2, b2 = a * a, b * b
    c2 = a2 - b2
    # |z| below 1e-200 m is the equatorial plane for every purpose (and keeps the
    # solver out of subnormal numbers, which carry too few bits).
    zabs = np.where(np.abs(z) < 1e-200, 0.0, np.abs(z))
    # Unknown sigma = t + b^2 in [b |z|, b^2]: G(b|z|) >= 0 and G(b^2) < 0 inside the
    # ellipsoid.  t + a^2 = sigma + (a^2 - b^2).  Bisecting log(sigma) keeps full
    # relative precision however small |z| is (sigma ~ b |z| near the plane and on
    # the polar axis, where the root is exactly b |z|).
    with np.errstate(divide="ignore"):
        lo = np.log(b * zabs) - 1e-6  # strictly below the root despite log/exp rounding
    hi = np.full(rho.shape, np.log(b2))

    def g_of(sig):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return (a * rho / (sig + c2)) ** 2 + (b * zabs / sig) ** 2 - 1.0

    for _ in range(80):  # the log-bracket (< 800 wide) narrows to ~1e-21
        mid = 0.5 * (lo + hi)
        go_up = g_of(np.exp(mid)) > 0.0
        lo = np.where(go_up, mid, lo)
        hi = np.where(go_up, hi, mid)
    lo, hi = np.exp(lo), np.exp(hi)
    for _ in range(60):  # then linear halving to the last bit of sigma
        mid = 0.5 * (lo + hi)
        go_up = g_of(mid) > 0.0
        lo = np.where(go_up, mid, lo)
        hi = np.where(go_up, hi, mid)
    sigma = 0.5 * (lo + hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho_f = a2 * rho / (sigma + c2)
        z_f = b2 * zabs / sigma
    # Equatorial plane (z = 0): the bisection drives sigma to 0; use the closed form.
    on_plane = zabs == 0.0
    inside_evolute = on_plane & (rho < c2 / a)
    rho_f = np.where(inside_evolute, a2 * rho / c2, np.where(on_plane, a, rho_f))
    z_f = np.where(
        inside_evolute,
        b * np.sqrt(np.clip(1.0 - (a * rho / c2) ** 2, 0.0, None)),
        np.where(on_plane, 0.0, z_f),
    )
    lat = np.arctan2(a2 * z_f, b2 * rho_f)
    dist = np.hypot(rho - rho_f, zabs - z_f)
    # All these points are inside the ellipsoid: height is minus the distance.
    h = -dist
    lat = np.where(z < 0.0, -lat, lat)
    return lat, h


def ecef2geodetic(
    xyz_m: ArrayLike, ellipsoid: Ellipsoid = WGS84
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ECEF position ``(..., 3)`` -> (lat_rad, lon_rad, h_m), each of shape ``(...)``.

    See :func:`ecef2geodetic_xyz` for the method and conventions.
    """
    xyz = np.asarray(xyz_m, dtype=float)
    if xyz.shape[-1:] != (3,):
        raise ValueError(f"positions must have a last axis of 3, got shape {xyz.shape}")
    return ecef2geodetic_xyz(xyz[..., 0], xyz[..., 1], xyz[..., 2], ellipsoid)


def ecef2geodetic_deg(
    xyz_m: ArrayLike, ellipsoid: Ellipsoid = WGS84
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`ecef2geodetic` returning (lat_deg, lon_deg, h_m)."""
    lat, lon, h = ecef2geodetic(xyz_m, ellipsoid)
    return np.degrees(lat), np.degrees(lon), h
