"""Broadcast ionosphere models: GPS Klobuchar and BDS (BDS-2/BDS-3 B1I/B3I) Klobuchar.

Both functions return the slant group delay in metres on the requested frequency
(a positive number to *subtract* from a code pseudorange, add to a carrier phase).
Everything is vectorised: the geometry arguments broadcast against each other, the
coefficient arrays ``alpha``/``beta`` have the four polynomial coefficients on their
last axis and their leading axes broadcast against the geometry (give ``(4,)`` for one
set, ``(T, 1, 4)`` for one set per epoch over a ``(T, S)`` geometry, ...).

Elements with a negative or non-finite elevation get NaN (the models are undefined
below the horizon); nothing raises per element.

References
----------
IS-GPS-200N (2022), 20.3.3.5.2.5 and Figure 20-4 "Ionospheric model".
BDS-SIS-ICD-B1I 3.0 (2019), 5.2.4.7 "Ionospheric delay model parameters".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kompas.constants import SPEED_OF_LIGHT_MPS
from kompas.errors import KompasError

__all__ = [
    "FREQ_GPS_L1_HZ",
    "FREQ_BDS_B1I_HZ",
    "klobuchar_gps_delay_m",
    "klobuchar_bds_delay_m",
    "IONO_MODELS",
    "IonoChoice",
    "IonoModelError",
    "check_iono_model",
    "iono_coefficients_at",
    "iono_model_for",
    "slant_delay_m",
]

#: GPS L1 carrier, 154 x 10.23 MHz (IS-GPS-200 3.3.1.1); the Klobuchar delay refers to it.
FREQ_GPS_L1_HZ = 1575.42e6
#: BDS B1I carrier (BDS-SIS-ICD-B1I 3.0, 4.2.1); the BDS Klobuchar delay refers to it.
FREQ_BDS_B1I_HZ = 1561.098e6

#: Night-time constant vertical delay DC = 5 ns (IS-GPS-200 20.3.3.5.2.5; BDS ICD 5.2.4.7).
_NIGHT_DELAY_S = 5.0e-9
#: Local time of the delay maximum, 14:00 = 50400 s (both ICDs).
_PEAK_LOCAL_TIME_S = 50400.0
#: Minimum model period [s] (IS-GPS-200 20.3.3.5.2.5 "if PER < 72000, PER = 72000";
#: BDS ICD 5.2.4.7 same floor for A4).
_MIN_PERIOD_S = 72000.0
#: BDS only: maximum model period A4 [s] (BDS-SIS-ICD-B1I 3.0, 5.2.4.7, "A4 >= 172800 -> 172800").
_BDS_MAX_PERIOD_S = 172800.0
#: BDS thin-shell geometry: Earth radius R = 6378 km, shell height h = 375 km (BDS ICD 5.2.4.7).
_BDS_EARTH_RADIUS_M = 6378.0e3
_BDS_SHELL_HEIGHT_M = 375.0e3


def _cubic(coeffs: NDArray[np.float64], x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sum_{n=0..3} c_n x^n with the coefficients on the last axis of ``coeffs`` (Horner)."""
    c = np.moveaxis(coeffs, -1, 0)
    return c[0] + x * (c[1] + x * (c[2] + x * c[3]))


def _coefficients(values: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != 4:
        raise ValueError(f"{name} must have 4 coefficients on its last axis, got shape {arr.shape}")
    return arr


def klobuchar_gps_delay_m(
    alpha: ArrayLike,
    beta: ArrayLike,
    lat_rad: ArrayLike,
    lon_rad: ArrayLike,
    azimuth_rad: ArrayLike,
    elevation_rad: ArrayLike,
    gps_tow_s: ArrayLike,
    frequency_hz: ArrayLike = FREQ_GPS_L1_HZ,
) -> NDArray[np.float64]:
    """Slant ionospheric group delay of the GPS broadcast (Klobuchar) model.

    Implements IS-GPS-200N 20.3.3.5.2.5 (Figure 20-4) step by step; the ICD works in
    semicircles (sc), trigonometric functions take radians (sc x pi):

    * Earth-centred angle: ``psi = 0.0137 / (E + 0.11) - 0.022`` [sc]
    * pierce-point latitude: ``phi_i = phi_u + psi cos A``, clamped to +/-0.416 sc
    * pierce-point longitude: ``lam_i = lam_u + psi sin A / cos(phi_i)``
    * geomagnetic latitude: ``phi_m = phi_i + 0.064 cos(lam_i - 1.617)``
    * local time: ``t = 4.32e4 lam_i + t_GPS`` reduced to ``0 <= t < 86400`` s
    * obliquity factor: ``F = 1 + 16 (0.53 - E)^3``
    * ``AMP = sum alpha_n phi_m^n`` (set to 0 if negative),
      ``PER = sum beta_n phi_m^n`` (set to 72000 s if smaller)
    * ``x = 2 pi (t - 50400) / PER``;
      ``T = F [5e-9 + AMP (1 - x^2/2 + x^4/24)]`` if ``|x| < 1.57`` else ``F 5e-9`` [s]

    The L1 delay is scaled to ``frequency_hz`` by ``(f_L1 / f)^2`` (first-order
    dispersion, IS-GPS-200 20.3.3.3.3.2).

    Parameters
    ----------
    alpha, beta : array_like, shape (..., 4)
        Broadcast coefficients alpha_0..3 [s, s/sc, s/sc^2, s/sc^3] and beta_0..3
        [s, s/sc, ...] exactly as in the navigation message / RINEX ``GPSA``/``GPSB``.
    lat_rad, lon_rad : array_like
        Receiver geodetic latitude and longitude [rad].
    azimuth_rad, elevation_rad : array_like
        Satellite azimuth (from north, clockwise) and elevation [rad].
    gps_tow_s : array_like
        GPS time of week (or of day: only its value modulo 86400 s matters) [s].
    frequency_hz : array_like, optional
        Carrier frequency the delay is wanted on [Hz]; default GPS L1.

    Returns
    -------
    numpy.ndarray
        Slant group delay [m]; NaN where the elevation is negative or not finite.
    """
    a = _coefficients(alpha, "alpha")
    b = _coefficients(beta, "beta")
    lat = np.asarray(lat_rad, dtype=np.float64)
    lon = np.asarray(lon_rad, dtype=np.float64)
    az = np.asarray(azimuth_rad, dtype=np.float64)
    el = np.asarray(elevation_rad, dtype=np.float64)
    tow = np.asarray(gps_tow_s, dtype=np.float64)

    e_sc = el / np.pi
    psi_sc = 0.0137 / (e_sc + 0.11) - 0.022
    phi_i = np.clip(lat / np.pi + psi_sc * np.cos(az), -0.416, 0.416)
    lam_i = lon / np.pi + psi_sc * np.sin(az) / np.cos(phi_i * np.pi)
    phi_m = phi_i + 0.064 * np.cos((lam_i - 1.617) * np.pi)
    t_local = np.mod(4.32e4 * lam_i + tow, 86400.0)
    obliquity = 1.0 + 16.0 * (0.53 - e_sc) ** 3

    amp = np.maximum(_cubic(a, phi_m), 0.0)
    per = np.maximum(_cubic(b, phi_m), _MIN_PERIOD_S)
    x = 2.0 * np.pi * (t_local - _PEAK_LOCAL_TIME_S) / per
    x2 = x * x
    day = amp * (1.0 - x2 / 2.0 + x2 * x2 / 24.0)
    vertical_s = _NIGHT_DELAY_S + np.where(np.abs(x) < 1.57, day, 0.0)

    scale = (FREQ_GPS_L1_HZ / np.asarray(frequency_hz, dtype=np.float64)) ** 2
    delay_m = SPEED_OF_LIGHT_MPS * obliquity * vertical_s * scale
    return np.where(np.isfinite(el) & (el >= 0.0), delay_m, np.nan)


def klobuchar_bds_delay_m(
    alpha: ArrayLike,
    beta: ArrayLike,
    lat_rad: ArrayLike,
    lon_rad: ArrayLike,
    azimuth_rad: ArrayLike,
    elevation_rad: ArrayLike,
    bdt_sow_s: ArrayLike,
    frequency_hz: ArrayLike = FREQ_BDS_B1I_HZ,
) -> NDArray[np.float64]:
    """Slant ionospheric group delay of the BDS broadcast 8-parameter Klobuchar model.

    Implements BDS-SIS-ICD-B1I 3.0, 5.2.4.7. Differences from GPS: angles in radians,
    a real thin-shell pierce point (R = 6378 km, h = 375 km), the *geographic* latitude
    of the pierce point in the polynomials (no geomagnetic conversion), ``|phi_M / pi|``
    as the polynomial variable, a full cosine instead of its Taylor series, a period
    clamp on both sides and the obliquity factor of the shell:

    * ``psi = pi/2 - E - arcsin(R / (R + h) cos E)``  (Earth-centred angle)
    * ``phi_M = arcsin(sin phi_u cos psi + cos phi_u sin psi cos A)``
    * ``lam_M = lam_u + arcsin(sin psi sin A / cos phi_M)``
    * ``t = t_E + 43200 lam_M / pi``, reduced to [0, 86400) s, with ``t_E`` the BDT
      seconds of day of the measurement
    * ``A2 = sum alpha_n |phi_M / pi|^n`` (0 if negative);
      ``A4 = sum beta_n |phi_M / pi|^n`` clamped to [72000, 172800] s
    * ``Iz = 5e-9 + A2 cos(2 pi (t - 50400) / A4)`` if ``|t - 50400| < A4 / 4``
      else ``5e-9`` [s]
    * ``I_B1I = Iz / sqrt(1 - (R / (R + h) cos E)^2)``

    The B1I delay is scaled to ``frequency_hz`` by ``(f_B1I / f)^2`` (for B3I the ICD
    itself gives the factor ``(f_B1I / f_B3I)^2``, 5.2.4.7).

    Parameters
    ----------
    alpha, beta : array_like, shape (..., 4)
        Broadcast alpha_0..3 [s, s/pi, s/pi^2, s/pi^3] and beta_0..3 [s, s/pi, ...] as in
        the D1/D2 message / RINEX ``BDSA``/``BDSB``.
    lat_rad, lon_rad : array_like
        Receiver geodetic latitude and longitude [rad].
    azimuth_rad, elevation_rad : array_like
        Satellite azimuth (from north, clockwise) and elevation [rad].
    bdt_sow_s : array_like
        BDT seconds of week (or of day: only the value modulo 86400 s matters) [s].
        Note BDT = GPST - 14 s.
    frequency_hz : array_like, optional
        Carrier frequency the delay is wanted on [Hz]; default B1I.

    Returns
    -------
    numpy.ndarray
        Slant group delay [m]; NaN where the elevation is negative or not finite.
    """
    a = _coefficients(alpha, "alpha")
    b = _coefficients(beta, "beta")
    lat = np.asarray(lat_rad, dtype=np.float64)
    lon = np.asarray(lon_rad, dtype=np.float64)
    az = np.asarray(azimuth_rad, dtype=np.float64)
    el = np.asarray(elevation_rad, dtype=np.float64)
    t_e = np.mod(np.asarray(bdt_sow_s, dtype=np.float64), 86400.0)

    k = _BDS_EARTH_RADIUS_M / (_BDS_EARTH_RADIUS_M + _BDS_SHELL_HEIGHT_M) * np.cos(el)
    psi = np.pi / 2.0 - el - np.arcsin(k)
    sin_phi_m = np.sin(lat) * np.cos(psi) + np.cos(lat) * np.sin(psi) * np.cos(az)
    phi_m = np.arcsin(np.clip(sin_phi_m, -1.0, 1.0))
    sin_dlam = np.sin(psi) * np.sin(az) / np.cos(phi_m)
    lam_m = lon + np.arcsin(np.clip(sin_dlam, -1.0, 1.0))
    t_local = np.mod(t_e + 43200.0 * lam_m / np.pi, 86400.0)

    u = np.abs(phi_m / np.pi)
    a2 = np.maximum(_cubic(a, u), 0.0)
    a4 = np.clip(_cubic(b, u), _MIN_PERIOD_S, _BDS_MAX_PERIOD_S)
    dt = t_local - _PEAK_LOCAL_TIME_S
    day = a2 * np.cos(2.0 * np.pi * dt / a4)
    vertical_s = _NIGHT_DELAY_S + np.where(np.abs(dt) < a4 / 4.0, day, 0.0)
    obliquity = 1.0 / np.sqrt(1.0 - k * k)

    scale = (FREQ_BDS_B1I_HZ / np.asarray(frequency_hz, dtype=np.float64)) ** 2
    delay_m = SPEED_OF_LIGHT_MPS * obliquity * vertical_s * scale
    return np.where(np.isfinite(el) & (el >= 0.0), delay_m, np.nan)


# --- one entry point for every broadcast model ------------------------------------------------
class IonoModelError(KompasError, ValueError):
    """An ionosphere model name, coefficient set or argument that cannot be used."""


#: Valid model names of :func:`slant_delay_m` (``"none"`` applies no correction).
IONO_MODELS = ("klobuchar_gps", "klobuchar_bds", "nequick_g", "bdgim", "none")
#: Number of coefficients each model takes on the last axis of ``coefficients``.
IONO_COEFFICIENT_COUNT = {"klobuchar_gps": 8, "klobuchar_bds": 8, "nequick_g": 3, "bdgim": 9,
                          "none": 0}  # fmt: skip


def check_iono_model(model: str) -> str:
    """``model`` if it is a valid name, else ValueError listing the valid ones."""
    if model not in IONO_MODELS:
        raise IonoModelError(f"unknown ionosphere model {model!r}; valid: {', '.join(IONO_MODELS)}")
    return model


def slant_delay_m(
    model: str,
    coefficients: ArrayLike,
    t,
    rx_llh: ArrayLike,
    sat_ecef_m: ArrayLike,
    frequency_hz: ArrayLike,
) -> NDArray[np.float64]:
    """Slant ionospheric group delay [m] of any broadcast model, on ``frequency_hz``.

    Parameters
    ----------
    model : str
        One of :data:`IONO_MODELS`: ``"klobuchar_gps"`` (IS-GPS-200, also QZSS/NavIC),
        ``"klobuchar_bds"`` (BDS-SIS-ICD-B1I), ``"nequick_g"`` (Galileo), ``"bdgim"``
        (BDS-3, BDS-SIS-ICD-B1C/B2a) or ``"none"`` (zeros).  Anything else raises
        ValueError listing these.
    coefficients : array_like
        The broadcast set, shape ``(n,)`` or broadcastable ``(..., n)``:
        Klobuchar ``n = 8`` (alpha0..3 then beta0..3, as :meth:`Navigation.klobuchar`),
        NeQuick-G ``n = 3`` (a_i0, a_i1, a_i2), BDGIM ``n = 9`` (alpha_1..alpha_9, TECU).
    t : kompas.time.Time
        Epochs (any scale; converted to GPST/BDT time of week or UTC month and hour as
        each model needs), broadcastable against the geometry's leading shape.
    rx_llh : array_like, shape (..., 3)
        Receiver geodetic latitude [rad], longitude [rad], ellipsoidal height [m].
    sat_ecef_m : array_like, shape (..., 3)
        Satellite position, ECEF [m] (e.g. ``(T, S, 3)`` with ``rx_llh`` ``(T, 1, 3)``).
    frequency_hz : array_like
        Carrier frequency of the signal corrected [Hz].

    Returns
    -------
    numpy.ndarray
        Delay [m], the broadcast shape of the inputs without their last axis; NaN below
        the horizon or where the inputs are not finite.
    """
    from kompas.frames.geodetic import geodetic2ecef
    from kompas.frames.local import ecef2aer
    from kompas.time import TimeScale

    check_iono_model(model)
    coeff = np.asarray(coefficients, dtype=np.float64)
    n = IONO_COEFFICIENT_COUNT[model]
    if model != "none" and (coeff.ndim == 0 or coeff.shape[-1] != n):
        raise IonoModelError(f"{model} takes {n} coefficients on the last axis, got {coeff.shape}")
    llh = np.asarray(rx_llh, dtype=np.float64)
    sat = np.asarray(sat_ecef_m, dtype=np.float64)
    rx_xyz = geodetic2ecef(llh[..., 0], llh[..., 1], llh[..., 2])
    az, el, _ = ecef2aer(sat, rx_xyz)
    shape = np.broadcast_shapes(az.shape, np.shape(t.ns), np.shape(frequency_hz))
    f = np.broadcast_to(np.asarray(frequency_hz, dtype=np.float64), shape)
    lat, lon, h = (np.broadcast_to(llh[..., k], shape) for k in range(3))
    az, el = np.broadcast_to(az, shape), np.broadcast_to(el, shape)
    if model == "none":
        return np.where(np.isfinite(el) & (el >= 0.0), 0.0, np.nan)
    if model in ("klobuchar_gps", "klobuchar_bds"):
        scale = TimeScale.GPST if model == "klobuchar_gps" else TimeScale.BDT
        tow = np.broadcast_to(t.to(scale).week_tow()[1], shape)
        fn = klobuchar_gps_delay_m if model == "klobuchar_gps" else klobuchar_bds_delay_m
        return fn(coeff[..., :4], coeff[..., 4:], lat, lon, az, el, tow, f)
    if model == "bdgim":
        from kompas.models.bdgim import bdgim_delay_m

        mjd = np.broadcast_to(_bdt_mjd(t), shape)
        return bdgim_delay_m(coeff, mjd, lat, lon, az, el, f)
    return _nequick_delay_m(coeff, t, (lat, lon, h), sat, el, f)


def _bdt_mjd(t) -> NDArray[np.float64]:
    """Modified Julian Date on BDT of ``Time`` instants (float days)."""
    from kompas.time import TimeScale

    labels = t.to(TimeScale.BDT).datetime64
    return (labels - np.datetime64("1858-11-17T00:00:00", "ns")) / np.timedelta64(86400, "s")


def _nequick_delay_m(coeff, t, rx_llh, sat, el, f) -> NDArray[np.float64]:
    """NeQuick-G branch of :func:`slant_delay_m`: only rays above the horizon are integrated."""
    from kompas.frames.geodetic import ecef2geodetic
    from kompas.models.nequick_g import nequick_g_delay_m
    from kompas.time import TimeScale

    shape = el.shape
    _, month, _, hour, minute, sec, nsec = t.to(TimeScale.UTC).calendar()
    utc_h = hour + minute / 60.0 + (sec + nsec * 1e-9) / 3600.0
    s_lat, s_lon, s_h = ecef2geodetic(sat)
    ok = np.isfinite(el) & (el >= 0.0)
    out = np.full(shape, np.nan)
    if ok.any():
        pick = [
            np.broadcast_to(v, shape)[ok]
            for v in (month, utc_h, *rx_llh, s_lat, s_lon, s_h, f)
        ]  # fmt: skip
        mon, hours, la, lo, hh, sla, slo, sh, ff = pick
        c = np.broadcast_to(coeff, (*shape, 3))[ok]
        deg = np.degrees
        out[ok] = nequick_g_delay_m(
            c, mon, hours, deg(la), deg(lo), hh, deg(sla), deg(slo), sh, ff
        )  # fmt: skip
    return out


# --- which model the navigation data offer -----------------------------------------------------
#: (model, system carrying its coefficients) in order of preference for users of each system:
#: each system's own model first, then the others (a broadcast model of another system is
#: better than none).  QZSS and NavIC broadcast the GPS (Klobuchar) algorithm's coefficients.
_PREFERENCE: dict[str, tuple[tuple[str, str], ...]] = {
    "G": (("klobuchar_gps", "G"), ("nequick_g", "E"), ("bdgim", "C"), ("klobuchar_bds", "C")),
    "J": (("klobuchar_gps", "J"), ("klobuchar_gps", "G"), ("nequick_g", "E"), ("bdgim", "C"),
          ("klobuchar_bds", "C")),
    "I": (("klobuchar_gps", "I"), ("klobuchar_gps", "G"), ("nequick_g", "E"), ("bdgim", "C"),
          ("klobuchar_bds", "C")),
    "E": (("nequick_g", "E"), ("klobuchar_gps", "G"), ("bdgim", "C"), ("klobuchar_bds", "C")),
    "C": (("bdgim", "C"), ("klobuchar_bds", "C"), ("klobuchar_gps", "G"), ("nequick_g", "E")),
    "C2": (("klobuchar_bds", "C"), ("bdgim", "C"), ("klobuchar_gps", "G"), ("nequick_g", "E")),
}  # fmt: skip
for _s in ("R", "S"):
    _PREFERENCE[_s] = _PREFERENCE["G"]

_NAV_MODEL = {"klobuchar_gps": "klobuchar", "klobuchar_bds": "klobuchar", "nequick_g": "nequick_g",
              "bdgim": "bdgim"}  # fmt: skip
_COLUMNS = {
    "klobuchar": [f"alpha{i}" for i in range(4)] + [f"beta{i}" for i in range(4)],
    "nequick_g": ["ai0", "ai1", "ai2"],
    "bdgim": [f"bdgim_a{i}" for i in range(1, 10)],
}


@dataclass(frozen=True)
class IonoChoice:
    """A broadcast ionosphere model and the coefficient set to use with it.

    Attributes
    ----------
    model : str
        One of :data:`IONO_MODELS` (``"none"`` when the data carry no usable set).
    coefficients : numpy.ndarray
        The set, in the layout :func:`slant_delay_m` takes (empty for ``"none"``).
    system : str
        System whose navigation message carried the set ("" for ``"none"``).
    time_ns : int
        Reference time of the set (GPST ns; ``NAT_NS`` for RINEX header sets).
    source : str
        ``"header"``, ``"ION"`` (RINEX 4 record) or ``"rinex2"``.
    """

    model: str
    coefficients: np.ndarray = field(default_factory=lambda: np.zeros(0))
    system: str = ""
    time_ns: int = np.iinfo(np.int64).min
    source: str = ""

    def describe(self) -> str:
        """One line for attrs and headers, e.g. ``"nequick_g (E header)"``."""
        if self.model == "none":
            return "none (no broadcast ionosphere parameters)"
        return f"{self.model} ({self.system} {self.source})"


def _pick_set(ion, model: str, system: str, t_ns: int | None):
    """The latest set of (model, system) at or before t (header sets when none precedes)."""
    nat = np.iinfo(np.int64).min
    sel = ion[(ion["system"] == system) & (ion["model"] == _NAV_MODEL[model])]
    cols = _COLUMNS[_NAV_MODEL[model]]
    if sel.empty or any(c not in sel.columns for c in cols):
        return None
    values = sel[cols].to_numpy(dtype=float)
    ok = np.isfinite(values).all(axis=1)
    sel, values = sel[ok], values[ok]
    if sel.empty:
        return None
    times = sel["time_ns"].to_numpy(dtype=np.int64)
    if t_ns is not None:
        use = (times == nat) | (times <= t_ns)
        if use.any():
            sel, values, times = sel[use], values[use], times[use]
    timed = times != nat
    i = int(np.argmax(np.where(timed, times, nat))) if timed.any() else len(sel) - 1
    return IonoChoice(model, values[i], system, int(times[i]), str(sel["source"].iloc[i]))


def iono_model_for(nav, system: str, t=None) -> IonoChoice:
    """The broadcast ionosphere model a user of ``system`` should apply, with its set.

    Each system's own model where the navigation data carry it — NeQuick-G for Galileo
    (``"E"``), BDGIM for BDS-3 (``"C"``; ``"C2"`` for BDS-2 B1I/B3I users prefers the BDS
    Klobuchar), GPS Klobuchar for GPS (QZSS and NavIC: their own Klobuchar set, else GPS's)
    — else the best other model available (see ``_PREFERENCE``), else ``"none"``.

    Parameters
    ----------
    nav : Navigation
        As read by :func:`kompas.read_nav` (uses ``nav.ion``).
    system : str
        ``"G"``, ``"R"``, ``"E"``, ``"C"``, ``"C2"``, ``"J"``, ``"I"`` or ``"S"``.
    t : Time or int, optional
        Instant: the latest set at or before it is taken (header sets when no timed set
        precedes it); None = the latest set.

    Returns
    -------
    IonoChoice
    """
    if system not in _PREFERENCE:
        raise IonoModelError(f"unknown system {system!r}; valid: {', '.join(_PREFERENCE)}")
    ion = getattr(nav, "ion", None)
    if ion is None or len(ion) == 0:
        return IonoChoice("none")
    t_ns = None if t is None else int(np.asarray(getattr(t, "ns", t)).min())
    for model, carrier in _PREFERENCE[system]:
        choice = _pick_set(ion, model, carrier, t_ns)
        if choice is not None:
            return choice
    return IonoChoice("none")


def iono_coefficients_at(nav, choice: IonoChoice, t) -> NDArray[np.float64]:
    """The coefficient set of ``choice``'s model and system in force at each epoch of ``t``.

    For RINEX 4 files, whose ``ION`` records change during the day: per epoch the latest
    set at or before it (header sets, and before the first timed set the earliest one, stand
    in where none precedes).  The result has ``t``'s shape plus the set on the last axis, to
    pass to :func:`slant_delay_m` as ``coefficients`` (e.g. ``t[:, None]`` gives ``(T, 1, n)``
    against a ``(T, S)`` geometry).

    Parameters
    ----------
    nav : Navigation
    choice : IonoChoice
        As returned by :func:`iono_model_for` (``"none"`` gives an empty last axis).
    t : Time or array_like of int64 ns
    """
    t_ns = np.asarray(getattr(t, "ns", t), dtype=np.int64)
    if choice.model == "none":
        return np.zeros((*t_ns.shape, 0))
    ion = nav.ion
    nat = np.iinfo(np.int64).min
    sel = ion[(ion["system"] == choice.system) & (ion["model"] == _NAV_MODEL[choice.model])]
    values = sel[_COLUMNS[_NAV_MODEL[choice.model]]].to_numpy(dtype=float)
    times = sel["time_ns"].to_numpy(dtype=np.int64)
    ok = np.isfinite(values).all(axis=1)
    values, times = values[ok], times[ok]
    timed = times != nat
    if not timed.any():
        return np.broadcast_to(values[-1], (*t_ns.shape, values.shape[1])).copy()
    order = np.argsort(times[timed], kind="stable")
    tv, vv = times[timed][order], values[timed][order]
    k = np.searchsorted(tv, t_ns, side="right") - 1
    out = vv[np.clip(k, 0, None)]
    if (~timed).any():  # before the first timed set, a header set if there is one
        out = np.where((k < 0)[..., None], values[~timed][-1], out)
    return out
