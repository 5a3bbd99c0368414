"""Satellite antenna phase-centre offsets: centre of mass <-> antenna phase centre.

Broadcast orbits of GPS, Galileo, BDS and QZSS (and, in practice, GLONASS: its broadcast
radial error against centre-of-mass orbits is -2 m, the size of its z offset) refer to an
antenna phase centre (APC); IGS/MGEX SP3 orbits refer to the centre of mass (CoM).  An
ANTEX file gives the phase-centre offset (PCO) of each satellite antenna in the
satellite-fixed frame per frequency; the offset of the ionosphere-free combination of two
signals is ``(f1^2 p1 - f2^2 p2) / (f1^2 - f2^2)`` (IGS convention).

Satellite-fixed frame of the nominal yaw-steering attitude (IGS/ANTEX convention):
``z`` towards the Earth's centre, ``y`` along the solar-panel axis ``z x e_sun``, ``x``
completing the right-handed frame (towards the Sun side).  Eclipse and orbit-normal
yaw regimes are not modelled: they turn the horizontal offset (0.0-0.6 m here) about z
and leave the radial part, which dominates SISRE, unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = [
    "DEFAULT_PCO_FREQUENCIES",
    "sun_position_ecef_m",
    "yaw_steering_axes",
    "ionosphere_free_pco_m",
    "satellite_pco_ecef_m",
]

_NS = 1_000_000_000
_AU_M = 149_597_870_700.0
#: GPST continuous ns of J2000.0 (2000-01-01T12:00:00 TT = 11:58:55.816 UTC; GPST =
#: TT - 51.184 s): 630763148.816 s after 1980-01-06.
_J2000_GPST_NS = 630_763_148_816_000_000
#: Rate of Greenwich mean sidereal time against the mean equinox of date [deg per UT1 s]
#: (IAU 1982 GMST, 360.98564736629 deg per day; Meeus, Astronomical Algorithms, 12.4).  Not
#: omega_e (7.2921151467e-5 rad/s, against inertial space): the Sun's longitude below is
#: of the equinox of date, and the two rates part by 0.013 deg per year since J2000.
_GMST_RATE_DEG_PER_S = 360.98564736629 / 86400.0

#: ANTEX frequencies whose ionosphere-free PCO each broadcast orbit refers to, per
#: system (one code: a single-frequency reference).  GPS/QZSS L1/L2 and GLONASS G1/G2
#: (the broadcast clocks' pairs), Galileo E1/E5b (I/NAV, the default message), BDS B3I
#: (the signal of the D1/D2 and CNAV clocks; BDS-SIS-ICD-B1I 3.0, 5.2.4.10).
DEFAULT_PCO_FREQUENCIES: dict[str, tuple[str, ...]] = {
    "G": ("G01", "G02"),
    "J": ("J01", "J02"),
    "R": ("R01", "R02"),
    "E": ("E01", "E07"),
    "C": ("C06",),
}

#: Carrier frequencies of the ANTEX codes [Hz] (RINEX 3 bands; GLONASS: channel 0 — the
#: G1/G2 ratio 9/7 is the same for every channel, so the combination is too; R03 is the
#: CDMA G3 1202.025 MHz; C08 the B2 (B2a+B2b) AltBOC centre, BDS-SIS-ICD-B2a 1.0, as E08).
_FREQ_HZ = {
    "G01": 1575.42e6, "G02": 1227.60e6, "G05": 1176.45e6,
    "J01": 1575.42e6, "J02": 1227.60e6, "J05": 1176.45e6, "J06": 1278.75e6,
    "R01": 1602.0e6, "R02": 1246.0e6, "R03": 1202.025e6,
    "E01": 1575.42e6, "E05": 1176.45e6, "E07": 1207.14e6, "E08": 1191.795e6, "E06": 1278.75e6,
    "C01": 1575.42e6, "C02": 1561.098e6, "C05": 1176.45e6, "C06": 1268.52e6, "C07": 1207.14e6,
    "C08": 1191.795e6,
    "I05": 1176.45e6, "I09": 2492.028e6, "S01": 1575.42e6, "S05": 1176.45e6,
}  # fmt: skip


def sun_position_ecef_m(t_ns: np.ndarray) -> np.ndarray:
    """Low-precision Sun position in an Earth-fixed frame [m], shape (..., 3).

    Montenbruck & Gill (2000, "Satellite Orbits", 3.3.2) series for the ecliptic longitude
    and distance, rotated by the mean obliquity and the Greenwich mean sidereal angle
    (UT1 taken as TT - 69.184 s, i.e. GPST - 18 s; 1 s of UT1 is 0.004 deg).  Checked on
    2023-01-01 12:00 UTC: 0.9833 AU, declination -23.01 deg, sub-solar longitude 0.07 deg
    from the equation of time (the series leaves out the perihelion's 0.32 deg/century).
    Plenty for attitude: 0.1 deg moves a 1 m offset by 1.7 mm.
    """
    t = (np.asarray(t_ns, dtype=np.int64) - _J2000_GPST_NS) / _NS
    cent = t / (36525.0 * 86400.0)
    m = np.radians(357.5256 + 35999.049 * cent)
    lon = (
        np.radians(282.9400)
        + m
        + np.radians((6892.0 * np.sin(m) + 72.0 * np.sin(2 * m)) / 3600.0 + 1.3972 * cent)
    )
    r = (149.619 - 2.499 * np.cos(m) - 0.021 * np.cos(2 * m)) * 1e9
    eps = np.radians(23.43929111)
    x = r * np.cos(lon)
    y = r * np.sin(lon) * np.cos(eps)
    z = r * np.sin(lon) * np.sin(eps)
    ut1_s = t - 69.184  # seconds of UT1 since J2000 (TT - UT1 = 69.2 s in 2023)
    gmst = np.radians(280.46061837 + _GMST_RATE_DEG_PER_S * ut1_s)
    c, s = np.cos(gmst), np.sin(gmst)
    return np.stack([c * x + s * y, -s * x + c * y, z], axis=-1)


def yaw_steering_axes(position_m: np.ndarray, sun_ecef_m: np.ndarray) -> np.ndarray:
    """Satellite-fixed unit axes (x, y, z) in ECEF, shape (..., 3, 3) (rows x, y, z)."""
    r = np.asarray(position_m, dtype=np.float64)
    ez = -r / np.linalg.norm(r, axis=-1, keepdims=True)
    es = sun_ecef_m - r
    es = es / np.linalg.norm(es, axis=-1, keepdims=True)
    ey = np.cross(ez, es)
    ey = ey / np.linalg.norm(ey, axis=-1, keepdims=True)
    ex = np.cross(ey, ez)
    return np.stack([ex, ey, ez], axis=-2)


def ionosphere_free_pco_m(pco_by_freq: Mapping[str, np.ndarray], freqs: tuple[str, ...]):
    """PCO of the ionosphere-free pair (or the single frequency) [m]; None if missing."""
    if any(f not in pco_by_freq for f in freqs):
        return None
    if len(freqs) == 1:
        return np.asarray(pco_by_freq[freqs[0]], dtype=np.float64)
    unknown = [f for f in freqs if f not in _FREQ_HZ]
    if unknown:
        raise ValueError(f"unknown ANTEX frequency code(s) {unknown}; valid: {sorted(_FREQ_HZ)}")
    f1, f2 = (_FREQ_HZ[f] for f in freqs)
    g1, g2 = f1 * f1, f2 * f2
    p1, p2 = (np.asarray(pco_by_freq[f], dtype=np.float64) for f in freqs)
    return (g1 * p1 - g2 * p2) / (g1 - g2)


def satellite_pco_ecef_m(
    antex,
    sv: np.ndarray,
    t_ns: np.ndarray,
    position_m: np.ndarray,
    frequencies: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """ECEF vector CoM -> APC [m] per (satellite, time), and the mask where it is known.

    Parameters
    ----------
    antex : kompas.io.antex.AntexFile
    sv : numpy.ndarray of str
        Satellite ids, same shape as ``t_ns``.
    t_ns : numpy.ndarray of int64
        Instants (``Time.ns``); the antenna valid at each instant is used (SVN/PRN).
    position_m : numpy.ndarray, shape (..., 3)
        Centre-of-mass positions (ECEF) for the attitude.
    frequencies : mapping, optional
        ANTEX codes per system (:data:`DEFAULT_PCO_FREQUENCIES`).

    Returns
    -------
    offset : numpy.ndarray, shape (..., 3)
        ``r_apc = r_com + offset``; NaN where the ANTEX has no valid antenna/frequency.
    found : numpy.ndarray of bool
    """
    freqs = dict(DEFAULT_PCO_FREQUENCIES)
    freqs.update(frequencies or {})
    sv = np.asarray(sv).astype(str)
    t = np.asarray(t_ns, dtype=np.int64)
    body = np.full(sv.shape + (3,), np.nan)
    for prn in np.unique(sv):  # per satellite (tens)
        if prn[0] not in freqs:
            continue
        sel = sv == prn
        for ant in antex._by_prn.get(prn, ()):  # per SVN that carried this PRN (a few)
            pco = ionosphere_free_pco_m(
                {k: v.pco_m for k, v in ant.frequencies.items()}, freqs[prn[0]]
            )
            if pco is None:
                continue
            hit = sel & ant.valid_at(t)
            body[hit] = pco
    found = np.isfinite(body).all(axis=-1) & np.isfinite(position_m).all(axis=-1)
    offset = np.full(sv.shape + (3,), np.nan)
    if found.any():
        axes = yaw_steering_axes(position_m[found], sun_position_ecef_m(t[found]))
        offset[found] = np.einsum("ni,nij->nj", body[found], axes)
    return offset, found
