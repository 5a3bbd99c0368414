"""Tropospheric delay: Saastamoinen zenith delays with a standard atmosphere, Niell mapping.

Model (stated once, used throughout)
------------------------------------
* Meteorology, when not measured: the standard atmosphere RTKLIB also uses for SPP —
  pressure ``P = 1013.25 (1 - 2.2557e-5 h)^5.2568`` hPa, temperature
  ``T = 15 degC - 6.5 degC/km * h``, relative humidity 70 % by default (RTKLIB's
  ``REL_HUMI``; pass ``relative_humidity=0.5`` for a drier default). ``h`` is the height
  above the ellipsoid used as a stand-in for the orthometric height (a few tens of metres
  of geoid undulation change ZHD by < 1 cm).
* Water-vapour partial pressure ``e = RH * e_sat(T)`` with the Magnus/Bolton (1980)
  saturation pressure ``e_sat = 6.112 exp(17.67 t / (t + 243.5))`` hPa, ``t`` in degC.
* Zenith hydrostatic delay (Saastamoinen 1972, in the Davis et al. 1985 form):
  ``ZHD = 0.0022768 P / (1 - 0.00266 cos 2phi - 0.00028 h_km)`` [m].
* Zenith wet delay (Saastamoinen 1972): ``ZWD = 0.002277 (1255 / T + 0.05) e`` [m].
* Mapping: Niell (1996) hydrostatic and wet mapping functions (NMF), continued fraction
  with latitude-interpolated, seasonally varying coefficients and the hydrostatic height
  correction.

References
----------
Saastamoinen, J. (1972), Atmospheric correction for the troposphere and stratosphere in
radio ranging of satellites, Geophys. Monogr. 15, AGU.
Davis, J. L. et al. (1985), Geodesy by radio interferometry: effects of atmospheric
modeling errors on estimates of baseline length, Radio Sci. 20(6).
Niell, A. E. (1996), Global mapping functions for the atmosphere delay at radio
wavelengths, J. Geophys. Res. 101(B2), 3227-3246 (Table 3 coefficients).
Bolton, D. (1980), The computation of equivalent potential temperature, Mon. Wea. Rev. 108.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "standard_atmosphere",
    "saastamoinen_zenith_delays_m",
    "niell_mapping",
    "tropo_delay_m",
]

_KELVIN = 273.15
#: Heights outside this range [m] get NaN: the standard atmosphere is a troposphere model
#: (tropopause at 11 km) and receivers below -500 m do not exist.
_H_MIN_M = -500.0
_H_MAX_M = 11000.0

# --- Niell (1996), Table 3: coefficients at |latitude| = 15, 30, 45, 60, 75 deg ------------
_NMF_LAT_DEG = np.array([15.0, 30.0, 45.0, 60.0, 75.0])
#: hydrostatic average a, b, c
_NMF_HYD_AVG = np.array(
    [
        [1.2769934e-3, 1.2683230e-3, 1.2465397e-3, 1.2196049e-3, 1.2045996e-3],
        [2.9153695e-3, 2.9152299e-3, 2.9288445e-3, 2.9022565e-3, 2.9024912e-3],
        [62.610505e-3, 62.837393e-3, 63.721774e-3, 63.824265e-3, 64.258455e-3],
    ]
)
#: hydrostatic seasonal amplitude a, b, c
_NMF_HYD_AMP = np.array(
    [
        [0.0, 1.2709626e-5, 2.6523662e-5, 3.4000452e-5, 4.1202191e-5],
        [0.0, 2.1414979e-5, 3.0160779e-5, 7.2562722e-5, 11.723375e-5],
        [0.0, 9.0128400e-5, 4.3497037e-5, 84.795348e-5, 170.37206e-5],
    ]
)
#: wet a, b, c
_NMF_WET = np.array(
    [
        [5.8021897e-4, 5.6794847e-4, 5.8118019e-4, 5.9727542e-4, 6.1641693e-4],
        [1.4275268e-3, 1.5138625e-3, 1.4572752e-3, 1.5007428e-3, 1.7599082e-3],
        [4.3472961e-2, 4.6729510e-2, 4.3908931e-2, 4.4626982e-2, 5.4736038e-2],
    ]
)
#: hydrostatic height correction a_ht, b_ht, c_ht (Niell 1996, eq. 6)
_NMF_HT = (2.53e-5, 5.49e-3, 1.14e-3)
#: phase of the seasonal term: day of year 28 (Niell 1996, eq. 5)
_NMF_DOY0 = 28.0
_DAYS_PER_YEAR = 365.25


def standard_atmosphere(
    h_m: ArrayLike, relative_humidity: ArrayLike = 0.7
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Pressure, temperature and water-vapour pressure of the standard atmosphere.

    Parameters
    ----------
    h_m : array_like
        Height [m].
    relative_humidity : array_like, optional
        Relative humidity as a fraction (0..1); default 0.7 (RTKLIB).

    Returns
    -------
    pressure_hpa, temperature_k, vapour_pressure_hpa : numpy.ndarray
        ``P = 1013.25 (1 - 2.2557e-5 h)^5.2568``, ``T = 288.15 - 6.5e-3 h``,
        ``e = RH * 6.112 exp(17.67 t / (t + 243.5))`` (``t`` in degC).
    """
    h = np.asarray(h_m, dtype=np.float64)
    pressure_hpa = 1013.25 * (1.0 - 2.2557e-5 * h) ** 5.2568
    temperature_k = 15.0 + _KELVIN - 6.5e-3 * h
    t_c = temperature_k - _KELVIN
    e_sat = 6.112 * np.exp(17.67 * t_c / (t_c + 243.5))
    return pressure_hpa, temperature_k, np.asarray(relative_humidity, dtype=np.float64) * e_sat


def saastamoinen_zenith_delays_m(
    lat_rad: ArrayLike,
    h_m: ArrayLike,
    pressure_hpa: ArrayLike | None = None,
    temperature_k: ArrayLike | None = None,
    vapour_pressure_hpa: ArrayLike | None = None,
    relative_humidity: ArrayLike = 0.7,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Saastamoinen zenith hydrostatic and wet delays.

    ``ZHD = 0.0022768 P / (1 - 0.00266 cos 2phi - 0.00028 h_km)`` and
    ``ZWD = 0.002277 (1255 / T + 0.05) e`` (Saastamoinen 1972; Davis et al. 1985).
    Missing meteorological values come from :func:`standard_atmosphere`.

    Parameters
    ----------
    lat_rad : array_like
        Geodetic latitude [rad].
    h_m : array_like
        Height [m]; NaN is returned outside [-500, 11000] m.
    pressure_hpa, temperature_k, vapour_pressure_hpa : array_like, optional
        Measured surface meteorology; each one given overrides the standard atmosphere.
    relative_humidity : array_like, optional
        Used only when ``vapour_pressure_hpa`` is not given; default 0.7.

    Returns
    -------
    zhd_m, zwd_m : numpy.ndarray
        Zenith hydrostatic and wet delays [m].
    """
    lat = np.asarray(lat_rad, dtype=np.float64)
    h = np.asarray(h_m, dtype=np.float64)
    p_std, t_std, e_std = standard_atmosphere(h, relative_humidity)
    p = p_std if pressure_hpa is None else np.asarray(pressure_hpa, dtype=np.float64)
    t = t_std if temperature_k is None else np.asarray(temperature_k, dtype=np.float64)
    if vapour_pressure_hpa is not None:
        e = np.asarray(vapour_pressure_hpa, dtype=np.float64)
    elif temperature_k is not None:
        t_c = t - _KELVIN
        e = np.asarray(relative_humidity) * 6.112 * np.exp(17.67 * t_c / (t_c + 243.5))
    else:
        e = e_std
    zhd = 0.0022768 * p / (1.0 - 0.00266 * np.cos(2.0 * lat) - 0.00028 * h * 1e-3)
    zwd = 0.002277 * (1255.0 / t + 0.05) * e
    ok = (h >= _H_MIN_M) & (h <= _H_MAX_M)
    return np.where(ok, zhd, np.nan), np.where(ok, zwd, np.nan)


def _continued_fraction(sin_e: NDArray[np.float64], a, b, c) -> NDArray[np.float64]:
    """Marini continued fraction normalised to 1 at zenith (Niell 1996, eq. 4)."""
    top = 1.0 + a / (1.0 + b / (1.0 + c))
    return top / (sin_e + a / (sin_e + b / (sin_e + c)))


def _interp_lat(table: NDArray[np.float64], abs_lat_deg: NDArray[np.float64]):
    """Linear interpolation of each row of a (3, 5) table in |latitude|, flat outside 15..75."""
    return tuple(np.interp(abs_lat_deg, _NMF_LAT_DEG, row) for row in table)


def niell_mapping(
    elevation_rad: ArrayLike,
    lat_rad: ArrayLike,
    h_m: ArrayLike,
    day_of_year: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Niell (1996) hydrostatic and wet mapping functions (NMF).

    Hydrostatic: ``a(phi, doy) = a_avg(phi) - a_amp(phi) cos(2 pi (doy - 28) / 365.25)``
    (half a year added in the southern hemisphere), likewise b, c, with the average and
    amplitude interpolated linearly in |latitude| between the tabulated 15..75 deg (Niell
    1996, Table 3, eq. 5); ``m_h = m(E; a, b, c) + (1/sin E - m(E; a_ht, b_ht, c_ht)) h_km``
    (eq. 6). Wet: ``m_w = m(E; a_w, b_w, c_w)``, no seasonal or height term.

    Parameters
    ----------
    elevation_rad : array_like
        Elevation [rad]; NaN is returned for elevations <= 0.
    lat_rad : array_like
        Geodetic latitude [rad].
    h_m : array_like
        Height above sea level [m] (for the hydrostatic height correction).
    day_of_year : array_like
        Day of year, fractional allowed (1.0 = 1 January 00:00).

    Returns
    -------
    mh, mw : numpy.ndarray
        Hydrostatic and wet mapping factors (dimensionless, 1 at zenith).
    """
    el = np.asarray(elevation_rad, dtype=np.float64)
    lat = np.asarray(lat_rad, dtype=np.float64)
    h_km = np.asarray(h_m, dtype=np.float64) * 1e-3
    doy = np.asarray(day_of_year, dtype=np.float64)

    abs_lat_deg = np.abs(np.degrees(lat))
    phase = 2.0 * np.pi * (doy - _NMF_DOY0) / _DAYS_PER_YEAR + np.where(lat < 0.0, np.pi, 0.0)
    season = np.cos(phase)
    avg = _interp_lat(_NMF_HYD_AVG, abs_lat_deg)
    amp = _interp_lat(_NMF_HYD_AMP, abs_lat_deg)
    a_h, b_h, c_h = (m - s * season for m, s in zip(avg, amp, strict=True))

    sin_e = np.sin(el)
    mh = _continued_fraction(sin_e, a_h, b_h, c_h)
    mh = mh + (1.0 / sin_e - _continued_fraction(sin_e, *_NMF_HT)) * h_km
    mw = _continued_fraction(sin_e, *_interp_lat(_NMF_WET, abs_lat_deg))
    ok = np.isfinite(el) & (el > 0.0)
    mh, mw, ok = np.broadcast_arrays(mh, mw, ok)  # mw does not depend on h or doy
    return np.where(ok, mh, np.nan), np.where(ok, mw, np.nan)


def tropo_delay_m(
    lat_rad: ArrayLike,
    h_m: ArrayLike,
    elevation_rad: ArrayLike,
    day_of_year: ArrayLike,
    relative_humidity: ArrayLike = 0.7,
) -> NDArray[np.float64]:
    """Slant tropospheric delay: standard-atmosphere Saastamoinen zenith delays x NMF.

    ``delay = ZHD * m_h + ZWD * m_w`` (see the module docstring for the model).

    Parameters
    ----------
    lat_rad, h_m : array_like
        Receiver geodetic latitude [rad] and height [m].
    elevation_rad : array_like
        Satellite elevation [rad]; NaN for elevations <= 0.
    day_of_year : array_like
        Day of year (fractional allowed).
    relative_humidity : array_like, optional
        Standard-atmosphere relative humidity (fraction), default 0.7.

    Returns
    -------
    numpy.ndarray
        Slant delay [m], broadcast shape of the inputs.
    """
    zhd, zwd = saastamoinen_zenith_delays_m(lat_rad, h_m, relative_humidity=relative_humidity)
    mh, mw = niell_mapping(elevation_rad, lat_rad, h_m, day_of_year)
    return zhd * mh + zwd * mw
