"""Per-(epoch, satellite) terms of the code observation model.

``P = rho + c·dt_rx[sys] − c·(dt_sv + dt_rel − gd) + I + T + e``

with rho the geometric range from the satellite at emission time, rotated into the
ECEF frame of reception (Earth rotation during the signal flight, per-system rate),
dt_sv the broadcast (or precise) satellite clock, dt_rel the periodic relativistic term,
gd the signal's group-delay correction from the navigation message (TGD/BGD/ISC),
I the broadcast ionosphere, T the troposphere.
"""

from __future__ import annotations

import numpy as np

from kompas.constants import SPEED_OF_LIGHT_MPS
from kompas.models.ionosphere import (
    FREQ_BDS_B1I_HZ,
    FREQ_GPS_L1_HZ,
    klobuchar_bds_delay_m,
    klobuchar_gps_delay_m,
)
from kompas.models.troposphere import tropo_delay_m
from kompas.orbits.emission import rotate_for_flight_time as rotate_vectors

__all__ = ["rotate_and_range", "ionosphere_m", "troposphere_m"]


def rotate_and_range(
    sat_m: np.ndarray, rx_m: np.ndarray, omega_radps: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rotate satellite positions by the Earth rotation during the signal flight.

    Parameters
    ----------
    sat_m : ndarray (T, S, 3)
        Satellite ECEF positions at emission (in the emission-time frame).
    rx_m : ndarray (T, 3)
        Receiver positions.
    omega_radps : ndarray (S,)

    Returns
    -------
    sat_rot_m : ndarray (T, S, 3)
        Positions in the ECEF frame at reception (one-step flight time: the residual of a
        second iteration is below 0.1 mm for GNSS altitudes).
    range_m : ndarray (T, S)
        Geometric range from the rotated positions.
    """
    d = sat_m - rx_m[:, None, :]
    tau = _norm(d) / SPEED_OF_LIGHT_MPS
    out = rotate_vectors(sat_m, tau, omega_radps)
    np.subtract(out, rx_m[:, None, :], out=d)
    return out, _norm(d)


def _norm(d: np.ndarray) -> np.ndarray:
    """Euclidean norm over the last axis (2-3x faster than ``np.linalg.norm`` here)."""
    return np.sqrt(np.einsum("...i,...i->...", d, d))


def ionosphere_m(
    is_bds: np.ndarray,
    frequency_hz: np.ndarray,
    lat_rad: np.ndarray,
    lon_rad: np.ndarray,
    azimuth_rad: np.ndarray,
    elevation_rad: np.ndarray,
    gps_tow_s: np.ndarray,
    bdt_sow_s: np.ndarray,
    gps_coeffs: tuple[np.ndarray, np.ndarray] | None,
    bds_coeffs: tuple[np.ndarray, np.ndarray] | None,
) -> np.ndarray:
    """Broadcast ionospheric group delay per (epoch, cell) on each cell's signal.

    BDS satellites (``is_bds``) use the BDS Klobuchar model with BDS coefficients when
    the navigation data carry them (BDS-SIS-ICD-B1I 5.2.4.7); every other system uses the
    GPS model (IS-GPS-200 20.3.3.5.2.5) scaled by (f_L1/f)², as do BDS satellites when no
    BDS coefficients are available. Arrays are (T, M) except lat/lon/time (T,).
    """
    shape = azimuth_rad.shape
    lat = np.broadcast_to(lat_rad[:, None], shape)
    lon = np.broadcast_to(lon_rad[:, None], shape)
    out = np.full(shape, np.nan)
    other = ~is_bds if bds_coeffs is not None else np.ones(shape, bool)
    if gps_coeffs is not None and other.any():
        a, b = gps_coeffs
        tow = np.broadcast_to(gps_tow_s[:, None], shape)
        out[other] = (
            klobuchar_gps_delay_m(
                a,
                b,
                lat[other],
                lon[other],
                azimuth_rad[other],
                elevation_rad[other],
                tow[other],
                FREQ_GPS_L1_HZ,
            )
            * (FREQ_GPS_L1_HZ / frequency_hz[other]) ** 2
        )
    if bds_coeffs is not None and is_bds.any():
        a, b = bds_coeffs
        sow = np.broadcast_to(bdt_sow_s[:, None], shape)
        m = is_bds
        out[m] = (
            klobuchar_bds_delay_m(
                a, b, lat[m], lon[m], azimuth_rad[m], elevation_rad[m], sow[m], FREQ_BDS_B1I_HZ
            )
            * (FREQ_BDS_B1I_HZ / frequency_hz[m]) ** 2
        )
    return out


def troposphere_m(
    lat_rad: np.ndarray, h_m: np.ndarray, elevation_rad: np.ndarray, day_of_year: np.ndarray
) -> np.ndarray:
    """Slant tropospheric delay (Saastamoinen standard atmosphere, Niell mapping)."""
    h = np.clip(h_m, -500.0, 9000.0)  # the standard atmosphere is meaningless outside
    return tropo_delay_m(lat_rad[:, None], h[:, None], elevation_rad, day_of_year[:, None])
