"""BDGIM: the BDS-3 global broadcast ionosphere model (B1C / B2a users), vectorised.

Implements BDS-SIS-ICD-B1C 1.0 (2017) / BDS-SIS-ICD-B2a 1.0, section 7.10 "BDS global
ionospheric delay correction model (BDGIM)": a spherical-harmonic expansion of vertical TEC
in a sun-fixed geomagnetic frame on a 400 km shell,

``VTEC = A0 + sum_{i=1..9} alpha_i A_i``

with the nine broadcast coefficients alpha_1..alpha_9 [TECU] (B-CNAV1/B-CNAV2, RINEX 4 ``ION``
records ``bdgim_a1..a9``) on the degrees/orders (0,0) (1,0) (1,1) (1,-1) (2,0) (2,1) (2,-1)
(2,2) (2,-2), and the non-broadcast part ``A0 = sum_{j=1..17} beta_j B_j`` on (3,0) ... (5,-2),
whose coefficients beta_j are periodic functions of time (table ``_NON_BROADCAST``), held
constant over the 2-hour block that contains the epoch and evaluated at its middle.

Public functions
----------------
``bdgim_vtec_tecu(alpha, t_mjd, ipp_lat_rad, ipp_lon_rad)``
    Vertical TEC [TECU] at ionospheric pierce points (geographic latitude/longitude).
``bdgim_delay_m(alpha, t_mjd, lat_rad, lon_rad, azimuth_rad, elevation_rad,
frequency_hz=FREQ_BDS_B1C_HZ)``
    Slant group delay [m] = 40.28e16 / f^2 * MF * VTEC, the pierce point and the mapping
    function ``MF = 1 / sqrt(1 - (R cos E / (R + H))^2)`` of the 400 km shell (R = 6378 km).
``pierce_point(lat_rad, lon_rad, azimuth_rad, elevation_rad)``
    Geographic latitude and longitude of the pierce point [rad].

``t_mjd`` is the epoch as a Modified Julian Date on BDT (BDT seconds of the day / 86400 plus
the day number; :func:`kompas.models.ionosphere.slant_delay_m` converts a ``Time``).  All
arguments broadcast; ``alpha`` has alpha_1..alpha_9 on its last axis.  Negative or
non-finite elevations give NaN.

Floor: like the model authors' reference implementation (AIR-CAS ``bdgim_c``, Li Zishen and
Wang Ningbo, 2021), VTEC is not allowed below alpha_1 / 10, / 8, / 6 or / 4 for alpha_1 above
35, 20, 12 TECU or lower; this keeps night-time VTEC positive.
"""

from __future__ import annotations

from math import factorial

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kompas.constants import FREQ_BDS_B1C_HZ, IONO_DELAY_CONSTANT_BDS_M3PS2
from kompas.models.ionosphere import IonoModelError

__all__ = ["bdgim_delay_m", "bdgim_vtec_tecu", "pierce_point"]

_DEG = np.pi / 180.0
#: Geomagnetic north pole used by BDGIM: 80.27 N, 72.58 W (BDS-SIS-ICD-B1C 1.0, 7.10).
_POLE_LAT_RAD = 80.27 * _DEG
_POLE_LON_RAD = -72.58 * _DEG
#: Shell height and Earth radius of the BDGIM geometry [m] (BDS-SIS-ICD-B1C 1.0, 7.10).
_SHELL_HEIGHT_M = 400.0e3
_EARTH_RADIUS_M = 6378.0e3

#: (degree n, order m) of the broadcast terms alpha_1..alpha_9; m < 0 = sine terms.
_BROADCAST_NM = ((0, 0), (1, 0), (1, 1), (1, -1), (2, 0), (2, 1), (2, -1), (2, 2), (2, -2))
#: (n, m) of the 17 non-broadcast terms.
_NON_BROADCAST_NM = (
    (3, 0), (3, 1), (3, -1), (3, 2), (3, -2), (3, 3), (3, -3),
    (4, 0), (4, 1), (4, -1), (4, 2), (4, -2),
    (5, 0), (5, 1), (5, -1), (5, 2), (5, -2),
)  # fmt: skip
#: Periods of the non-broadcast coefficients [days]: daily harmonics, half-month, month,
#: third of a year, half-year, year and the solar cycle with its harmonics (ICD 7.10).
_PERIODS_D = (1.0, 0.5, 0.33, 14.6, 27.0, 121.6, 182.51, 365.25, 4028.71, 2014.35, 1342.90,
              1007.18)  # fmt: skip
#: Non-broadcast coefficient table [TECU]: per term j, a_0 then (a_k cos, b_k sin) for the
#: 12 periods (BDS-SIS-ICD-B1C 1.0, 7.10, table of the non-broadcast coefficients; the same
#: values as the AIR-CAS reference implementation).
_NON_BROADCAST = np.array(
    [
        [-0.61, -0.51, 0.23, -0.06, 0.02, 0.01, 0.00, -0.01, -0.00, 0.00, 0.01, -0.19, -0.09,
         -0.18, 0.15, 1.09, 0.50, -0.34, 0.00, -0.13, 0.05, -0.06, 0.03, -0.03, 0.04],
        [-1.31, -0.43, -0.20, -0.05, -0.08, -0.03, -0.02, 0.00, -0.02, 0.00, 0.00, -0.02, 0.07,
         0.06, -0.31, -0.14, -0.08, -0.09, -0.11, 0.07, 0.03, 0.13, -0.02, 0.08, -0.02],
        [-2.00, 0.34, -0.31, 0.06, -0.06, 0.01, -0.03, 0.01, 0.01, 0.03, 0.00, 0.12, 0.03,
         -0.55, 0.13, -0.21, -0.38, -1.22, -0.22, -0.37, 0.07, -0.07, 0.04, -0.01, -0.04],
        [-0.03, -0.01, 0.16, 0.17, -0.11, -0.01, -0.05, -0.00, 0.00, 0.01, 0.01, -0.10, 0.06,
         -0.02, 0.05, 0.52, 0.36, 0.05, 0.01, 0.05, 0.02, 0.03, -0.01, 0.04, -0.00],
        [0.15, 0.17, -0.03, 0.15, 0.15, 0.05, -0.01, 0.01, -0.01, 0.02, -0.00, 0.06, 0.09,
         0.09, -0.09, 0.27, 0.14, 0.15, 0.02, 0.06, -0.01, 0.02, -0.03, 0.01, -0.01],
        [-0.48, 0.02, 0.02, 0.00, -0.14, -0.03, -0.07, -0.00, 0.01, 0.01, 0.00, 0.00, 0.01,
         -0.08, -0.03, -0.00, 0.04, -0.29, -0.03, -0.11, 0.03, -0.05, 0.02, -0.02, 0.00],
        [-0.40, -0.06, 0.04, 0.11, 0.01, 0.05, -0.03, -0.01, -0.00, 0.00, 0.00, -0.02, 0.02,
         0.00, 0.06, 0.11, 0.00, -0.17, -0.01, -0.07, 0.02, -0.05, 0.01, -0.02, 0.01],
        [2.28, 0.30, 0.18, -0.05, 0.01, -0.03, -0.01, -0.01, -0.02, -0.02, -0.00, -0.08, 0.00,
         0.86, -0.36, 0.17, 0.25, 1.58, 0.49, 0.46, -0.04, 0.01, 0.04, -0.04, 0.07],
        [-0.16, 0.44, 0.34, -0.16, 0.04, -0.01, 0.02, 0.00, 0.00, 0.00, 0.00, -0.02, -0.04,
         -0.18, 0.08, 0.23, 0.17, -0.06, -0.03, -0.00, -0.01, 0.00, 0.00, 0.00, 0.00],
        [-0.21, -0.28, 0.45, 0.02, -0.14, -0.00, -0.01, 0.00, 0.00, 0.00, 0.00, -0.07, -0.02,
         -0.05, 0.05, 0.35, 0.27, -0.15, -0.02, -0.04, -0.01, 0.00, 0.00, 0.00, 0.00],
        [-0.10, -0.31, 0.19, 0.11, -0.05, -0.08, 0.03, 0.00, 0.00, 0.00, 0.00, 0.01, -0.01,
         -0.07, 0.06, -0.05, -0.03, 0.00, 0.01, 0.01, 0.02, 0.00, 0.00, 0.00, 0.00],
        [-0.13, -0.17, -0.25, 0.04, 0.08, -0.04, -0.10, 0.00, 0.00, 0.00, 0.00, 0.03, 0.01,
         0.04, -0.02, 0.02, -0.03, 0.13, 0.02, 0.07, 0.03, 0.00, 0.00, 0.00, 0.00],
        [0.21, 0.04, -0.12, 0.12, 0.08, -0.00, 0.01, 0.00, 0.00, 0.00, 0.00, 0.15, -0.10,
         0.14, -0.05, -0.60, -0.32, 0.28, 0.04, 0.09, 0.02, 0.00, 0.00, 0.00, 0.00],
        [0.68, 0.39, 0.18, 0.07, -0.01, -0.02, 0.05, 0.00, 0.00, 0.00, 0.00, 0.06, 0.00,
         -0.03, 0.06, 0.02, -0.10, -0.08, -0.04, -0.05, -0.04, 0.00, 0.00, 0.00, 0.00],
        [1.06, -0.12, 0.40, 0.02, 0.01, -0.03, -0.01, 0.00, 0.00, 0.00, 0.00, -0.05, -0.01,
         0.37, -0.20, 0.01, 0.20, 0.62, 0.16, 0.15, -0.04, 0.00, 0.00, 0.00, 0.00],
        [0.00, 0.12, -0.09, -0.14, 0.11, 0.00, 0.04, 0.00, 0.00, 0.00, 0.00, -0.03, 0.02,
         -0.11, 0.04, 0.27, 0.10, -0.01, -0.02, -0.01, -0.01, 0.00, 0.00, 0.00, 0.00],
        [-0.12, -0.00, 0.21, -0.14, -0.12, -0.03, 0.00, 0.00, 0.00, 0.00, 0.00, -0.10, 0.05,
         -0.12, 0.07, 0.32, 0.30, -0.04, -0.01, 0.01, 0.00, 0.00, 0.00, 0.00, 0.00],
    ]
)  # fmt: skip
#: Length of the block over which the non-broadcast coefficients are constant [days].
_BLOCK_D = 2.0 / 24.0


def _coefficients(alpha: ArrayLike) -> NDArray[np.float64]:
    a = np.asarray(alpha, dtype=np.float64)
    if a.ndim == 0 or a.shape[-1] != 9:
        raise IonoModelError(f"alpha must have alpha_1..alpha_9 on its last axis, got {a.shape}")
    return a


def _non_broadcast_beta(t_mjd: NDArray[np.float64]) -> NDArray[np.float64]:
    """beta_1..beta_17 at the middle of the 2-hour block of each epoch, shape (..., 17)."""
    day = np.floor(t_mjd)
    # seconds of day rounded to 1 us before the division: an epoch on a block boundary
    # (06:00:00) opens the next block whatever the rounding of the MJD
    sod = np.round((t_mjd - day) * 86400.0, 6)
    block = np.clip(np.floor(sod / 7200.0), 0.0, 11.0)
    tp = day + (block + 0.5) * _BLOCK_D
    omega = 2.0 * np.pi / np.asarray(_PERIODS_D)
    arg = tp[..., None] * omega  # (..., 12)
    cos_sin = np.empty((*tp.shape, 25))
    cos_sin[..., 0] = 1.0
    cos_sin[..., 1::2] = np.cos(arg)
    cos_sin[..., 2::2] = np.sin(arg)
    return cos_sin @ _NON_BROADCAST.T


def _legendre(nmax: int, x: NDArray[np.float64]) -> dict[tuple[int, int], NDArray[np.float64]]:
    """Associated Legendre functions P_nm(x), m <= n <= nmax, without Condon-Shortley phase."""
    s = np.sqrt(np.maximum((1.0 - x) * (1.0 + x), 0.0))
    p: dict[tuple[int, int], NDArray[np.float64]] = {(0, 0): np.ones_like(x)}
    for m in range(1, nmax + 1):
        p[(m, m)] = (2 * m - 1) * s * p[(m - 1, m - 1)]
    for m in range(0, nmax):
        p[(m + 1, m)] = (2 * m + 1) * x * p[(m, m)]
        for n in range(m + 2, nmax + 1):
            p[(n, m)] = ((2 * n - 1) * x * p[(n - 1, m)] - (n + m - 1) * p[(n - 2, m)]) / (n - m)
    return p


def _harmonics(nm, lat, lon) -> NDArray[np.float64]:
    """Normalised spherical harmonics N_nm P_n|m|(sin lat) (cos | sin)(|m| lon), (..., len)."""
    p = _legendre(max(n for n, _ in nm), np.sin(lat))
    out = []
    for n, m in nm:
        k = abs(m)
        norm = np.sqrt((2.0 if k else 1.0) * (2 * n + 1) * factorial(n - k) / factorial(n + k))
        trig = np.cos(k * lon) if m >= 0 else np.sin(k * lon)
        out.append(norm * p[(n, k)] * trig)
    return np.stack(out, axis=-1)


def _sun_fixed_geomagnetic(t_mjd, lat, lon):
    """Geographic pierce point -> geomagnetic latitude and sun-fixed geomagnetic longitude."""
    sp, cp = np.sin(_POLE_LAT_RAD), np.cos(_POLE_LAT_RAD)
    dl = lon - _POLE_LON_RAD
    lat_m = np.arcsin(np.clip(sp * np.sin(lat) + cp * np.cos(lat) * np.cos(dl), -1.0, 1.0))
    lon_m = np.arctan2(
        np.cos(lat) * np.sin(dl) / np.cos(lat_m),
        -(np.sin(lat) - sp * np.sin(lat_m)) / (cp * np.cos(lat_m)),
    )
    # mean sun's geographic longitude, then its geomagnetic longitude
    sun = np.pi * (1.0 - 2.0 * (t_mjd - np.floor(t_mjd)))
    sun_m = np.arctan2(np.sin(sun - _POLE_LON_RAD), sp * np.cos(sun - _POLE_LON_RAD))
    d = lon_m - sun_m
    return lat_m, np.arctan2(np.sin(d), np.cos(d))


def bdgim_vtec_tecu(
    alpha: ArrayLike, t_mjd: ArrayLike, ipp_lat_rad: ArrayLike, ipp_lon_rad: ArrayLike
) -> NDArray[np.float64]:
    """BDGIM vertical TEC [TECU] at pierce points (ICD B1C 1.0, 7.10, steps 2-5).

    Parameters
    ----------
    alpha : array_like, shape (..., 9)
        Broadcast alpha_1..alpha_9 [TECU].
    t_mjd : array_like
        Epoch, Modified Julian Date on BDT [days].
    ipp_lat_rad, ipp_lon_rad : array_like
        Geographic latitude and longitude of the pierce point [rad].

    Returns
    -------
    numpy.ndarray
        VTEC [TECU], the broadcast shape of the inputs (without alpha's last axis).
    """
    a = _coefficients(alpha)
    t = np.asarray(t_mjd, dtype=np.float64)
    lat_m, lon_s = _sun_fixed_geomagnetic(
        t, np.asarray(ipp_lat_rad, dtype=np.float64), np.asarray(ipp_lon_rad, dtype=np.float64)
    )
    broadcast = np.einsum("...k,...k->...", _harmonics(_BROADCAST_NM, lat_m, lon_s), a)
    beta = _non_broadcast_beta(np.broadcast_to(t, lat_m.shape))
    a0 = np.einsum("...k,...k->...", _harmonics(_NON_BROADCAST_NM, lat_m, lon_s), beta)
    vtec = broadcast + a0
    a1 = a[..., 0]
    floor = a1 / np.where(a1 > 35.0, 10.0, np.where(a1 > 20.0, 8.0, np.where(a1 > 12.0, 6.0, 4.0)))
    return np.maximum(vtec, floor)


def pierce_point(
    lat_rad: ArrayLike, lon_rad: ArrayLike, azimuth_rad: ArrayLike, elevation_rad: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Geographic latitude and longitude [rad] of the 400 km pierce point (ICD 7.10, step 1).

    ``psi = pi/2 - E - arcsin(R cos E / (R + H))``;
    ``lat_p = arcsin(sin lat cos psi + cos lat sin psi cos A)``;
    ``lon_p = lon + atan2(sin psi sin A cos lat, cos psi - sin lat sin lat_p)``.
    """
    lat = np.asarray(lat_rad, dtype=np.float64)
    az = np.asarray(azimuth_rad, dtype=np.float64)
    el = np.asarray(elevation_rad, dtype=np.float64)
    k = _EARTH_RADIUS_M / (_EARTH_RADIUS_M + _SHELL_HEIGHT_M) * np.cos(el)
    psi = np.pi / 2.0 - el - np.arcsin(k)
    sin_lat_p = np.sin(lat) * np.cos(psi) + np.cos(lat) * np.sin(psi) * np.cos(az)
    lat_p = np.arcsin(np.clip(sin_lat_p, -1.0, 1.0))
    dlon = np.arctan2(np.sin(psi) * np.sin(az) * np.cos(lat), np.cos(psi) - np.sin(lat) * sin_lat_p)
    return lat_p, np.asarray(lon_rad, dtype=np.float64) + dlon


def bdgim_delay_m(
    alpha: ArrayLike,
    t_mjd: ArrayLike,
    lat_rad: ArrayLike,
    lon_rad: ArrayLike,
    azimuth_rad: ArrayLike,
    elevation_rad: ArrayLike,
    frequency_hz: ArrayLike = FREQ_BDS_B1C_HZ,
) -> NDArray[np.float64]:
    """Slant ionospheric group delay of BDGIM [m] on ``frequency_hz`` (ICD B1C 1.0, 7.10).

    ``T = 40.28e16 / f^2 * MF * VTEC`` with ``MF = 1 / sqrt(1 - (R cos E / (R + H))^2)``.

    Parameters
    ----------
    alpha : array_like, shape (..., 9)
        Broadcast alpha_1..alpha_9 [TECU].
    t_mjd : array_like
        Epoch, Modified Julian Date on BDT [days].
    lat_rad, lon_rad : array_like
        Receiver geodetic latitude and longitude [rad].
    azimuth_rad, elevation_rad : array_like
        Satellite azimuth (from north, clockwise) and elevation [rad].
    frequency_hz : array_like, optional
        Carrier frequency [Hz]; default B1C.

    Returns
    -------
    numpy.ndarray
        Slant delay [m]; NaN where the elevation is negative or not finite.
    """
    el = np.asarray(elevation_rad, dtype=np.float64)
    lat_p, lon_p = pierce_point(lat_rad, lon_rad, azimuth_rad, el)
    vtec = bdgim_vtec_tecu(alpha, t_mjd, lat_p, lon_p)
    k = _EARTH_RADIUS_M / (_EARTH_RADIUS_M + _SHELL_HEIGHT_M) * np.cos(el)
    mf = 1.0 / np.sqrt(1.0 - k * k)
    f = np.asarray(frequency_hz, dtype=np.float64)
    delay = IONO_DELAY_CONSTANT_BDS_M3PS2 * 1.0e16 / (f * f) * mf * vtec
    return np.where(np.isfinite(el) & (el >= 0.0), delay, np.nan)
