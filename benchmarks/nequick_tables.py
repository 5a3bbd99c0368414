"""Build ``src/kompas/models/data/nequick_g_tables.npz`` from the published NeQuick-G tables.

The tables are the CCIR (ITU-R P.1239) foF2 / M(3000)F2 coefficient maps, one file per
month (``ccir11.txt`` = January ... ``ccir22.txt`` = December), and the modip grid
``modip2001_wrapped.asc`` that the Galileo Ionospheric Correction Algorithm document
(European GNSS (Galileo) Open Service, Ionospheric Correction Algorithm for Galileo Single
Frequency Users, v1.2, Annex with the CCIR and modip files) distributes.  They are read from
the JRC NeQuick-G repository (https://github.com/mgfernan/NeQuickJRC, folders ``ccir/`` and
``modip/``), the source of the ``nequick`` package used as the reference implementation.

Usage::

    python benchmarks/nequick_tables.py /path/to/NeQuickJRC   # a checkout or a bare git dir

The script writes the .npz and prints the SHA-256 of every input file (recorded in
``src/kompas/models/data/README.md``).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src/kompas/models/data/nequick_g_tables.npz"
F2_SHAPE = (2, 76, 13)  # (low/high solar activity, degree, Fourier order)
FM3_SHAPE = (2, 49, 9)
MODIP_SHAPE = (39, 39)  # (latitude -95..95 by 5 deg, longitude -190..190 by 10 deg), wrapped


def _read(repo: Path, rel: str) -> bytes:
    if (repo / rel).is_file():
        return (repo / rel).read_bytes()
    return subprocess.run(
        ["git", f"--git-dir={repo}", "show", f"HEAD:{rel}"], check=True, capture_output=True
    ).stdout


def main(repo: Path) -> None:
    f2 = np.empty((12, *F2_SHAPE))
    fm3 = np.empty((12, *FM3_SHAPE))
    for month in range(1, 13):
        rel = f"ccir/ccir{month + 10}.txt"
        raw = _read(repo, rel)
        print(rel, hashlib.sha256(raw).hexdigest())
        values = np.array(raw.split(), dtype=float)
        n_f2 = int(np.prod(F2_SHAPE))
        if values.size != n_f2 + int(np.prod(FM3_SHAPE)):
            raise SystemExit(f"{rel}: {values.size} numbers, expected 2858")
        f2[month - 1] = values[:n_f2].reshape(F2_SHAPE)
        fm3[month - 1] = values[n_f2:].reshape(FM3_SHAPE)
    rel = "modip/modip2001_wrapped.asc"
    raw = _read(repo, rel)
    print(rel, hashlib.sha256(raw).hexdigest())
    modip = np.array(raw.split(), dtype=float).reshape(MODIP_SHAPE)
    np.savez_compressed(OUT, f2=f2, fm3=fm3, modip_deg=modip)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
