"""Reference frames: ellipsoids, geodetic/ECEF/ENU/AER, Helmert sets, framed positions.

Positions are ``(..., 3)`` arrays in metres; angles in radians (``_deg`` variants in
degrees).  See :mod:`kompas.frames.registry` for the published transformation sets
between PZ-90.11, CGCS2000/BDCS, WGS 84 realisations, GTRF, IGS and ITRF frames.
"""

from .coordinates import Coordinates, frame_ellipsoid
from .ellipsoid import CGCS2000, ELLIPSOIDS, GRS80, PZ90_11, WGS84, Ellipsoid
from .geodetic import (
    ecef2geodetic,
    ecef2geodetic_deg,
    ecef2geodetic_xyz,
    geodetic2ecef,
    geodetic2ecef_deg,
    geodetic2ecef_xyz,
)
from .helmert import MAS_TO_RAD, Helmert, HelmertChain, decimal_year
from .local import (
    aer2ecef,
    aer2enu,
    aer2enu_deg,
    ecef2aer,
    ecef2aer_deg,
    ecef2enu,
    enu2aer,
    enu2aer_deg,
    enu2ecef,
    enu_rotation,
    rotate_ecef2enu,
    rotate_enu2ecef,
)
from .registry import (
    ALIASES,
    PUBLISHED_SETS,
    canonical_frame,
    known_frames,
    register,
    transformation,
)

__all__ = [
    "Ellipsoid",
    "WGS84",
    "GRS80",
    "CGCS2000",
    "PZ90_11",
    "ELLIPSOIDS",
    "geodetic2ecef",
    "geodetic2ecef_xyz",
    "geodetic2ecef_deg",
    "ecef2geodetic",
    "ecef2geodetic_xyz",
    "ecef2geodetic_deg",
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
    "Helmert",
    "HelmertChain",
    "MAS_TO_RAD",
    "decimal_year",
    "Coordinates",
    "frame_ellipsoid",
    "PUBLISHED_SETS",
    "ALIASES",
    "canonical_frame",
    "known_frames",
    "register",
    "transformation",
]
