"""Nominal constellations: orbital slots of GPS, GLONASS, Galileo and BDS-3, with sources.

Every number below carries its published source.  The slot geometry (planes, phasing,
inclination, slot longitudes) is taken as published.  The *size* of the Keplerian orbits
is set from the published repeat condition, not from the published mean semi-major axis:

* a broadcast Keplerian orbit with Omega_dot = 0 and delta_n = 0 keeps its plane fixed in
  inertial space, so its ground track repeats after K sidereal days exactly when N orbital
  periods equal K sidereal days (2 pi / omega_e of the system).  The period is then
  K/N sidereal days (GPS 1/2, Galileo 10/17, BDS MEO 7/13, BDS IGSO/GEO 1) and
  a = (GM T^2 / 4 pi^2)^(1/3) with the system's GM.
* the published semi-major axes are *mean* values of the real, J2-perturbed orbits; they
  differ from the Keplerian repeat axis by the J2 effect on the mean motion and the node
  (GPS +2.06 km, Galileo +0.99 km, BDS MEO +0.91 km; see :func:`repeat_semi_major_axis_m`
  and the test suite, which prints them).  Both values are kept in :class:`Constellation`.

GLONASS is not Keplerian: its broadcast orbit is a numerically integrated PZ-90.11 state
(GLONASS ICD 5.1 A.3.1.2, central + J2 field), so its nominal orbit is built by
integration (:mod:`kompas.sim.ephemeris`) with the ICD's draconic period.

Sources
-------
* [GPS-PS] GPS Standard Positioning Service Performance Standard, 5th ed. (2020), 3.1 and
  Table 3.1-1 "Baseline 24-Slot Constellation Slot Locations" (the same slot values as the
  2001 edition's Table 3-1): six planes A-F, RAAN and argument of latitude of each slot at
  the defined epoch 1993-07-01 00:00 UT, Greenwich hour angle 18 h 36 min 14.4 s, FK5/J2000;
  inclination 55 deg; eccentricity 0-0.02; semi-major axis 26 559.7 km; period "half a
  sidereal day" (11 h 58 min).
* [GLO-ICD] GLONASS ICD, Navigational radiosignal in bands L1, L2, edition 5.1 (2008),
  3.5 "Constellation": 24 slots in 3 planes 120 deg apart in longitude of the ascending
  node, 8 slots per plane 45 deg apart in argument of latitude, planes shifted by 15 deg in
  argument of latitude; inclination 64.8 deg; draconic period 11 h 15 min 44 s
  (17 revolutions in 8 sidereal days, ground-track repeat); mean altitude 19 100 km
  (a = 25 510 km).  Slot numbering: slots 1-8 plane 1, 9-16 plane 2, 17-24 plane 3, the
  argument of latitude decreasing by 45 deg from one slot number to the next.
* [GLO-FDMA] FDMA channel plan (GLONASS ICD 5.1, 3.3.1.1: antipodal satellites of a plane
  share a channel; k = -7..+6): the slot -> channel assignment published by the
  Information and Analysis Center (IAC, glonass-iac.ru) and broadcast in the navigation
  data.  Checked against the IGS merged broadcast file of 2023-01-01 (test suite).
* [GAL-SDD] Galileo Open Service Service Definition Document, issue 1.1 (2019), 2.1 and
  Galileo OS SIS ICD 2.1 (2023): Walker 24/3/1 constellation, inclination 56 deg,
  semi-major axis 29 600.318 km, ground-track repeat 17 revolutions in 10 sidereal days.
* [BDS-PS] BeiDou Open Service Performance Standard, BDS-OS-PS-3.0 (2021), 4.1 "Space
  constellation": 24 MEO in a Walker 24/3/1 at 55 deg, a = 27 906.1 km (period 7/13 of a
  sidereal day, 13 revolutions in 7 sidereal days); 3 IGSO at 35 786 km altitude,
  inclination 55 deg, ground tracks crossing at 118 deg E, 120 deg apart in phase;
  3 GEO at 80 deg E, 110.5 deg E and 140 deg E.  PRNs as broadcast: MEO C19-C30, C32-C37,
  C41-C46; IGSO C38-C40; GEO C59 (140 E), C60 (80 E), C61 (110.5 E) - the C59/C60
  longitudes checked in the IGS broadcast file of 2023-01-01 (140.00 and 80.02 deg E).
* Sidereal day: 2 pi / omega_e of each system (WGS-84 7.2921151467e-5 rad/s gives
  86 164.0989 s; IERS value 86 164.0905 s differs by 8 ms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kompas import constants as k

__all__ = [
    "Constellation",
    "CONSTELLATIONS",
    "GPS_SLOTS",
    "GPS_SLOT_EPOCH",
    "GPS_SLOT_GHA_DEG",
    "GLONASS_CHANNELS",
    "BDS_GEO_LONGITUDES_DEG",
    "BDS_IGSO_NODE_LONGITUDE_DEG",
    "repeat_semi_major_axis_m",
    "sidereal_day_s",
    "walker_slots",
]

# --- GPS [GPS-PS] Table 3.1-1: slot -> (RAAN deg, argument of latitude deg) ---------------
#: RAAN of planes A..F at the defined epoch [deg] ([GPS-PS] Table 3.1-1).
_GPS_PLANE_RAAN_DEG = {
    "A": 272.847,
    "B": 332.847,
    "C": 32.847,
    "D": 92.847,
    "E": 152.847,
    "F": 212.847,
}
#: Argument of latitude of slots 1..4 of each plane at the defined epoch [deg]
#: ([GPS-PS] Table 3.1-1; D3 = 35.156 as in the Performance Standard).
_GPS_ARG_LAT_DEG = {
    "A": (268.126, 161.786, 11.676, 41.806),
    "B": (80.956, 173.336, 309.976, 204.376),
    "C": (111.876, 11.796, 339.666, 241.556),
    "D": (135.226, 265.446, 35.156, 167.356),
    "E": (197.046, 302.596, 66.066, 333.686),
    "F": (238.886, 345.226, 105.206, 135.346),
}
#: GPS slots as a table: slot name, plane, RAAN, argument of latitude (PRN = row + 1).
GPS_SLOTS = pd.DataFrame(
    [
        (f"{p}{j + 1}", p, _GPS_PLANE_RAAN_DEG[p], _GPS_ARG_LAT_DEG[p][j])
        for p in "ABCDEF"
        for j in range(4)
    ],
    columns=["slot", "plane", "raan_deg", "arg_lat_deg"],
)
#: Defined epoch of the GPS slot table: 1993-07-01 00:00 UT (calendar, UTC) [GPS-PS].
GPS_SLOT_EPOCH = (1993, 7, 1, 0, 0, 0)
#: Greenwich hour angle at that epoch: 18 h 36 min 14.4 s = 279.06 deg [GPS-PS].
GPS_SLOT_GHA_DEG = (18 + 36 / 60 + 14.4 / 3600) * 15.0

# --- GLONASS [GLO-FDMA]: slot -> frequency channel k ----------------------------------
#: Slot -> FDMA channel (antipodal slots n and n+4 of a plane share a channel).
GLONASS_CHANNELS = {
    1: 1, 2: -4, 3: 5, 4: 6, 5: 1, 6: -4, 7: 5, 8: 6,
    9: -2, 10: -7, 11: 0, 12: -1, 13: -2, 14: -7, 15: 0, 16: -1,
    17: 4, 18: -3, 19: 3, 20: 2, 21: 4, 22: -3, 23: 3, 24: 2,
}  # fmt: skip

# --- BDS [BDS-PS] -----------------------------------------------------------------------
#: BDS-3 GEO PRN -> slot longitude [deg E].
BDS_GEO_LONGITUDES_DEG = {"C59": 140.0, "C60": 80.0, "C61": 110.5}
#: Longitude of the BDS-3 IGSO ground-track crossing (ascending node) [deg E].
BDS_IGSO_NODE_LONGITUDE_DEG = 118.0
#: BDS-3 IGSO PRNs, 120 deg apart in argument of latitude.
BDS_IGSO_PRNS = ("C38", "C39", "C40")
#: BDS-3 MEO PRNs in plane-major slot order (8 per plane).
BDS_MEO_PRNS = tuple(f"C{p:02d}" for p in [*range(19, 31), *range(32, 38), *range(41, 47)])


@dataclass(frozen=True)
class Constellation:
    """Published nominal orbit of one constellation (or one BDS orbit class).

    Attributes
    ----------
    system : str
        RINEX system letter.
    kind : str
        ``"MEO"``, ``"IGSO"`` or ``"GEO"``.
    inclination_deg : float
        Nominal inclination.
    published_a_m : float
        Published (mean) semi-major axis.
    revolutions, sidereal_days : int
        Ground-track repeat: ``revolutions`` orbits in ``sidereal_days``.
    published_period_s : float
        Published orbital period (for GLONASS the ICD draconic period).
    gm_m3ps2, omega_e_radps : float
        The system's GM and Earth rotation rate (broadcast user algorithm constants).
    source : str
        Reference key (see the module docstring).
    """

    system: str
    kind: str
    inclination_deg: float
    published_a_m: float
    revolutions: int
    sidereal_days: int
    published_period_s: float
    gm_m3ps2: float
    omega_e_radps: float
    source: str


def sidereal_day_s(omega_e_radps: float) -> float:
    """Sidereal day 2 pi / omega_e [s] of a system's Earth rotation rate."""
    return 2.0 * np.pi / omega_e_radps


def repeat_semi_major_axis_m(c: Constellation) -> float:
    """Keplerian semi-major axis whose period gives the published ground-track repeat.

    ``T = K / N * 2 pi / omega_e``; ``a = (GM T^2 / (4 pi^2))^(1/3)``.
    """
    period = c.sidereal_days * sidereal_day_s(c.omega_e_radps) / c.revolutions
    return float((c.gm_m3ps2 * (period / (2.0 * np.pi)) ** 2) ** (1.0 / 3.0))


_SID_GPS = sidereal_day_s(k.OMEGA_E_GPS_RADPS)
_SID_GAL = sidereal_day_s(k.OMEGA_E_GAL_RADPS)
_SID_BDS = sidereal_day_s(k.OMEGA_E_BDS_RADPS)

#: Nominal constellations keyed ``"G"``, ``"R"``, ``"E"``, ``"C"`` (BDS MEO),
#: ``"C_IGSO"``, ``"C_GEO"``.
CONSTELLATIONS: dict[str, Constellation] = {
    # [GPS-PS] 3.1: a = 26 559.7 km, i = 55 deg, two revolutions per sidereal day.
    "G": Constellation(
        "G", "MEO", 55.0, 26_559_700.0, 2, 1, _SID_GPS / 2, k.GM_GPS_M3PS2,
        k.OMEGA_E_GPS_RADPS, "GPS-PS",
    ),
    # [GLO-ICD] 3.5: a = 25 510 km, i = 64.8 deg, T = 11 h 15 min 44 s, 17 rev / 8 days.
    "R": Constellation(
        "R", "MEO", 64.8, 25_510_000.0, 17, 8, 11 * 3600 + 15 * 60 + 44.0, k.GM_GLO_M3PS2,
        k.OMEGA_E_GLO_RADPS, "GLO-ICD",
    ),
    # [GAL-SDD]: a = 29 600.318 km, i = 56 deg, 17 rev / 10 sidereal days.
    "E": Constellation(
        "E", "MEO", 56.0, 29_600_318.0, 17, 10, 10 * _SID_GAL / 17, k.GM_GAL_M3PS2,
        k.OMEGA_E_GAL_RADPS, "GAL-SDD",
    ),
    # [BDS-PS]: MEO a = 27 906.1 km, i = 55 deg, 13 rev / 7 sidereal days.
    "C": Constellation(
        "C", "MEO", 55.0, 27_906_100.0, 13, 7, 7 * _SID_BDS / 13, k.GM_BDS_M3PS2,
        k.OMEGA_E_BDS_RADPS, "BDS-PS",
    ),
    # [BDS-PS]: IGSO altitude 35 786 km (a = 42 164.1 km with R = 6378.137 km), i = 55 deg.
    "C_IGSO": Constellation(
        "C", "IGSO", 55.0, 42_164_137.0, 1, 1, _SID_BDS, k.GM_BDS_M3PS2,
        k.OMEGA_E_BDS_RADPS, "BDS-PS",
    ),
    # [BDS-PS]: GEO, same radius, equatorial.
    "C_GEO": Constellation(
        "C", "GEO", 0.0, 42_164_137.0, 1, 1, _SID_BDS, k.GM_BDS_M3PS2,
        k.OMEGA_E_BDS_RADPS, "BDS-PS",
    ),
}  # fmt: skip


def walker_slots(
    total: int, planes: int, phasing: int, node0_deg: float = 0.0, arg_lat0_deg: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Slots of a Walker delta constellation T/P/F.

    Plane p (0-based) has node ``node0 + 360 p / P``; slot j of that plane has argument of
    latitude ``arg_lat0 + 360 j / S + 360 F p / T`` (S = T / P satellites per plane).

    Returns
    -------
    plane, slot, node_deg, arg_lat_deg : numpy.ndarray
        One entry per satellite, plane-major order.
    """
    per_plane = total // planes
    plane = np.repeat(np.arange(planes), per_plane)
    slot = np.tile(np.arange(per_plane), planes)
    node = node0_deg + 360.0 * plane / planes
    arg_lat = arg_lat0_deg + 360.0 * slot / per_plane + 360.0 * phasing * plane / total
    return plane, slot, np.mod(node, 360.0), np.mod(arg_lat, 360.0)


def glonass_slots(node1_deg: float = 0.0, arg_lat1_deg: float = 0.0) -> pd.DataFrame:
    """The 24 GLONASS slots ([GLO-ICD] 3.5) with their channels ([GLO-FDMA]).

    Slot n of plane p = (n - 1) // 8 + 1 has node ``node1 + 120 (p - 1)`` and argument of
    latitude ``arg_lat1 - 45 ((n - 1) mod 8) + 15 (p - 1)`` at the reference epoch
    (the ICD pattern; the real constellation of 2023-01-01 follows it within a few deg).

    Returns
    -------
    pandas.DataFrame
        Columns ``sv``, ``slot``, ``plane``, ``node_deg`` (Earth-fixed longitude of the
        ascending node), ``arg_lat_deg``, ``freq_channel``.
    """
    n = np.arange(1, 25)
    p = (n - 1) // 8
    j = (n - 1) % 8
    return pd.DataFrame(
        {
            "sv": [f"R{i:02d}" for i in n],
            "slot": n,
            "plane": p + 1,
            "node_deg": np.mod(node1_deg + 120.0 * p, 360.0),
            "arg_lat_deg": np.mod(arg_lat1_deg - 45.0 * j + 15.0 * p, 360.0),
            "freq_channel": [GLONASS_CHANNELS[i] for i in n],
        }
    )
