"""Reference ellipsoids of the GNSS frames, each with its source.

An :class:`Ellipsoid` is defined by its semi-major axis ``a`` and flattening ``f``;
``b`` and ``e2`` are derived.  The gravitational parameter and rotation rate of the
system's geodetic reference are carried for completeness (orbit code takes its
constants from :mod:`kompas.constants`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Ellipsoid", "WGS84", "GRS80", "CGCS2000", "PZ90_11", "ELLIPSOIDS"]


@dataclass(frozen=True)
class Ellipsoid:
    """A reference ellipsoid of revolution.

    Parameters
    ----------
    name : str
        Short name.
    a_m : float
        Semi-major (equatorial) axis [m].
    f : float
        Flattening (a - b) / a.
    gm_m3ps2 : float, optional
        Geocentric gravitational constant of the geodetic system [m^3/s^2].
    omega_radps : float, optional
        Nominal Earth rotation rate of the geodetic system [rad/s].
    source : str
        Where the parameters come from.
    """

    name: str
    a_m: float
    f: float
    gm_m3ps2: float | None = None
    omega_radps: float | None = None
    source: str = ""

    @property
    def b_m(self) -> float:
        """Semi-minor (polar) axis a (1 - f) [m]."""
        return self.a_m * (1.0 - self.f)

    @property
    def e2(self) -> float:
        """First eccentricity squared f (2 - f)."""
        return self.f * (2.0 - self.f)

    @property
    def ep2(self) -> float:
        """Second eccentricity squared e^2 / (1 - e^2)."""
        return self.e2 / (1.0 - self.e2)

    @property
    def inverse_flattening(self) -> float:
        """1 / f."""
        return 1.0 / self.f

    def radius_of_curvature_prime_vertical_m(self, lat_rad):
        """N(lat) = a / sqrt(1 - e^2 sin^2 lat) [m] (scalar or array)."""
        s = np.sin(lat_rad)
        return self.a_m / np.sqrt(1.0 - self.e2 * s * s)

    def __repr__(self) -> str:
        return f"Ellipsoid({self.name!r}, a_m={self.a_m!r}, 1/f={1.0 / self.f!r})"


#: WGS 84 (NGA.STND.0036_1.0.0_WGS84, 2014, Table 3.1: a = 6378137 m,
#: 1/f = 298.257223563, GM = 3.986004418e14 m^3/s^2, omega = 7.292115e-5 rad/s).
WGS84 = Ellipsoid(
    "WGS84",
    6_378_137.0,
    1.0 / 298.257223563,
    3.986004418e14,
    7.292115e-5,
    "NGA.STND.0036_1.0.0_WGS84 (2014), Table 3.1",
)

#: GRS 80 (Moritz, Geodetic Reference System 1980, Bulletin Geodesique 54, 1980 /
#: J. Geodesy 74, 2000: a = 6378137 m, 1/f = 298.257222101 (derived from J2),
#: GM = 3.986005e14, omega = 7.292115e-5).  The ellipsoid of the ITRF conventions.
GRS80 = Ellipsoid(
    "GRS80",
    6_378_137.0,
    1.0 / 298.257222101,
    3.986005e14,
    7.292115e-5,
    "Moritz (2000), Geodetic Reference System 1980, J. Geodesy 74:128-133",
)

#: CGCS2000 (BDS-SIS-ICD-B1I 3.0, 2019, section 3.2 / BDS-SIS-ICD-B1C 1.0, 3.2:
#: a = 6378137 m, 1/f = 298.257222101, GM = 3.986004418e14, omega = 7.292115e-5).
CGCS2000 = Ellipsoid(
    "CGCS2000",
    6_378_137.0,
    1.0 / 298.257222101,
    3.986004418e14,
    7.292115e-5,
    "BDS-SIS-ICD-B1I 3.0 (2019), 3.2",
)

#: PZ-90.11 (GLONASS ICD 5.1, 2008, Table 3.2 / Parametry Zemli 1990 (PZ-90.11) reference
#: document, 2014: a = 6378136 m, 1/f = 298.25784, GM = 3.9860044e14, omega = 7.292115e-5).
PZ90_11 = Ellipsoid(
    "PZ-90.11",
    6_378_136.0,
    1.0 / 298.25784,
    3.9860044e14,
    7.292115e-5,
    "GLONASS ICD 5.1 (2008), Table 3.2; Parametry Zemli 1990 (2014)",
)

#: Name -> ellipsoid.
ELLIPSOIDS = {e.name: e for e in (WGS84, GRS80, CGCS2000, PZ90_11)}
