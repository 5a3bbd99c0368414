"""Where a solution refers to: the antenna reference point (ARP) or the marker.

Code positioning without antenna models estimates the position of the antenna (its
reference point, to the few-cm level of the phase-centre offsets). The marker lies below
it by the eccentricity that the RINEX header gives as ``ANTENNA: DELTA H/E/N`` (height,
east, north of the ARP above the marker) and a SINEX file as ``SITE/ECCENTRICITY``
(up, north, east): ``marker = ARP − R_enu→ecef · [E, N, H]``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from kompas.errors import KompasError
from kompas.frames import WGS84
from kompas.frames.geodetic import ecef2geodetic
from kompas.frames.local import enu_rotation

__all__ = ["eccentricity_enu_m", "marker_offset_ecef_m", "REF_MARKER", "REF_ARP"]

REF_MARKER = "marker"
REF_ARP = "antenna reference point"
#: Eccentricities larger than this are a unit or format error, not an antenna mount [m].
_MAX_ECCENTRICITY_M = 100.0


def eccentricity_enu_m(obs: xr.Dataset, given=None) -> np.ndarray | None:
    """ARP minus marker (east, north, up) [m]: ``given``, else the RINEX header's, else None."""
    if given is not None:
        ecc = np.asarray(given, dtype=float)
        if ecc.shape != (3,) or not np.all(np.isfinite(ecc)):
            raise KompasError(f"eccentricity_enu_m must be 3 finite numbers, not {given!r}")
    else:
        hen = obs.attrs.get("antenna_delta_hen_m")
        if hen is None:
            return None
        h, e, n = (float(v) for v in hen)
        ecc = np.array([e, n, h])
        if not np.all(np.isfinite(ecc)):
            return None
    if np.linalg.norm(ecc) > _MAX_ECCENTRICITY_M:
        raise KompasError(
            f"antenna eccentricity {ecc.tolist()} m (east, north, up) is larger than "
            f"{_MAX_ECCENTRICITY_M:.0f} m: a wrong unit or header?"
        )
    return ecc


def marker_offset_ecef_m(xyz_m: np.ndarray, obs: xr.Dataset, given=None) -> tuple[np.ndarray, str]:
    """ECEF vector from marker to ARP at each position, and the point the result refers to.

    Returns ``(offset (T, 3), ref_point)``: subtract ``offset`` from ARP positions to get
    marker positions; zeros and ``"antenna reference point"`` when no eccentricity is
    known (the header carries no ``ANTENNA: DELTA H/E/N`` and none was given).
    """
    ecc = eccentricity_enu_m(obs, given)
    if ecc is None:
        return np.zeros_like(xyz_m), REF_ARP
    if not ecc.any():
        return np.zeros_like(xyz_m), REF_MARKER
    lat, lon, _ = ecef2geodetic(np.nan_to_num(xyz_m), WGS84)
    r = enu_rotation(lat, lon)  # (T, 3, 3): ECEF → ENU rows
    offset = np.einsum("tji,j->ti", r, ecc)
    return np.where(np.isfinite(xyz_m), offset, 0.0), REF_MARKER
