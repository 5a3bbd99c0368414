"""Where a solution refers to: the antenna reference point (ARP) or the marker.

Code positioning without antenna models estimates the position of the antenna (its
reference point, to the few-cm level of the phase-centre offsets). The marker lies below
it by the eccentricity that the RINEX header gives as ``ANTENNA: DELTA H/E/N`` (height,
east, north of the ARP above the marker) and a SINEX file as ``SITE/ECCENTRICITY``
(up, north, east): ``marker = ARP − R_enu→ecef · [E, N, H]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from kompas.errors import KompasError
from kompas.frames import WGS84
from kompas.frames.geodetic import ecef2geodetic
from kompas.frames.local import enu_rotation

__all__ = [
    "eccentricity_enu_m",
    "marker_offset_ecef_m",
    "receiver_antenna",
    "receiver_pcc_m",
    "REF_MARKER",
    "REF_ARP",
]

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


def _antex_frequency(sys: str, code: str) -> str:
    """ANTEX frequency code of a RINEX observation code: ``("E", "C5X")`` → ``"E05"``."""
    return f"{sys}0{code[1]}"


def receiver_antenna(antex: Any, obs: xr.Dataset):
    """The calibration of the header's receiver antenna (``ANT # / TYPE``) in ``antex``.

    Raises
    ------
    KompasError
        The header names no antenna type; or (MissingAntennaError, a KompasError) the
        file holds no calibration of that type and radome.
    """
    ant_type = str(obs.attrs.get("antenna_type") or "").strip()
    if not ant_type:
        raise KompasError("antex given but the observation header names no antenna type")
    return antex.receiver(ant_type, serial=obs.attrs.get("antenna_number") or None)


def receiver_pcc_m(
    rx_antenna: Any,
    systems: np.ndarray,
    signal_names: list[str],
    signal: np.ndarray,
    elevation_rad: np.ndarray,
    azimuth_rad: np.ndarray,
    f1_hz: np.ndarray,
    f2_hz: np.ndarray,
) -> tuple[np.ndarray, list[str]]:
    """Receiver phase-centre correction of each cell's code (or iono-free pair) [m].

    ``P(ARP) = P − correction``: the measured range is from the mean phase centre
    (ARP + PCO) plus the PCV (ANTEX 1.4). A frequency the calibration lacks takes the
    GPS one of the same band number, else G01/G02 (the usual convention; the offsets of
    one antenna differ by millimetres to a few centimetres between bands); the
    substitutions are returned as text. Arrays are (T, M) cells.
    """
    out = np.zeros(signal.shape)
    notes: list[str] = []
    have = set(rx_antenna.frequencies)
    zen = 90.0 - np.degrees(elevation_rad)
    az = np.degrees(azimuth_rad) % 360.0
    e = np.stack(
        [np.cos(elevation_rad) * np.sin(azimuth_rad), np.cos(elevation_rad) * np.cos(azimuth_rad),
         np.sin(elevation_rad)], axis=-1,
    )  # fmt: skip

    def pick(sys: str, code: str) -> str:
        want = _antex_frequency(sys, code)
        for f in (want, f"G0{code[1]}", "G01" if code[1] in "12" else "G02"):
            if f in have:
                if f != want:
                    notes.append(f"{want} from {f}")
                return f
        raise KompasError(f"the antenna calibration has no {want} nor a GPS substitute")

    for s in np.unique(systems):
        for j in np.unique(signal[systems == s]):
            if j < 0:
                continue
            m = (systems == s) & (signal == j) & np.isfinite(elevation_rad)
            codes = signal_names[int(j)].split("+")
            c1 = rx_antenna.correction_m(pick(s, codes[0]), e[m], zen[m], az[m])
            if len(codes) == 1:
                out[m] = c1
                continue
            c2 = rx_antenna.correction_m(pick(s, codes[1]), e[m], zen[m], az[m])
            g1, g2 = f1_hz[m] ** 2, f2_hz[m] ** 2
            out[m] = (g1 * c1 - g2 * c2) / (g1 - g2)
    return np.nan_to_num(out), sorted(set(notes))
