"""Write georinex reference arrays for the kompas RINEX observation reader tests.

Run with the interpreter of a venv that has georinex installed (georinex is not a kompas
dependency)::

    /work/venv-georinex/bin/python benchmarks/georinex_reference.py

For each reference file it loads the observations with ``georinex.load(..., useindicators=True)``
and stores a compact ``.npz`` (``time`` as int64 ns labels, ``sv`` strings, and one array per
georinex variable) in ``$KOMPAS_CACHE/georinex`` (default ``~/.cache/kompas/georinex``).  It also
writes the 2-hour cut of the NIST day (header + epochs before 02:00) used by the tests and the
benchmark.  ``tests/test_rinex_obs_georinex.py`` compares kompas against these files.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]

#: (reference name, path relative to the data folder)
FILES = [
    ("tlse_crx", "tlse-2023-001/TLSE00FRA_R_20230010100_10S_01S_MO.crx.gz"),
    ("tlse_rnx2", "tlse-2023-001/tlse001b.23o"),
    ("delf_rnx2", "rinex2/delf0010.21o"),
    ("delf_crx2", "rinex2/delf0010.21d"),
    ("york_crx2", "rinex2/york0440.15d"),
    ("nist_2h", None),  # the cut below
]
NIST_DAY = "nist-2023-001/NIST00USA_R_20230010000_01D_30S_MO.crx.gz"


def data_dir() -> Path:
    env = os.environ.get("KOMPAS_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def cache_dir() -> Path:
    env = os.environ.get("KOMPAS_CACHE")
    base = Path(env) if env else Path.home() / ".cache" / "kompas"
    return base / "georinex"


def plain_text(path: Path) -> bytes:
    """Decompress gzip and Hatanaka with the ``hatanaka`` package (independent of kompas)."""
    import hatanaka

    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if b"CRINEX" in raw[:200]:
        raw = hatanaka.crx2rnx(raw)
        if isinstance(raw, str):
            raw = raw.encode()
    return raw


def write_nist_cut(out: Path, hours: int = 2) -> Path:
    """Header and every epoch before ``hours`` h of the NIST day, as plain RINEX 3."""
    text = plain_text(data_dir() / NIST_DAY)
    stop = f"> 2023 01 01 {hours:02d} 00".encode()
    cut = text[: text.index(stop)]
    out.write_bytes(cut)
    return out


def save_reference(ds, out: Path) -> None:
    arrays = {
        "time": ds["time"].values.astype("datetime64[ns]").astype(np.int64),
        "sv": np.asarray(ds["sv"].values).astype(str),
    }
    for name, var in ds.data_vars.items():
        arrays[f"var_{name}"] = np.asarray(var.transpose("time", "sv").values, dtype=np.float64)
    np.savez_compressed(out, **arrays)


def load_with_fallback(gr, plain: Path, error_file: Path):
    """``georinex.load``; when it fails, load each system alone and merge those that load.

    The systems georinex cannot read are listed in ``error_file`` (removed when all load).
    """
    import xarray

    try:
        ds = gr.load(plain, useindicators=True)
        error_file.unlink(missing_ok=True)
        return ds
    except Exception as exc:  # georinex bug on a real file: record it, try per system
        first = f"{type(exc).__name__}: {exc}"
    parts, failed = [], []
    for sys_char in "GRECJIS":
        try:
            parts.append(gr.load(plain, use=sys_char, useindicators=True))
        except Exception as exc:
            failed.append(f"{sys_char}: {type(exc).__name__}: {exc}")
    parts = [p for p in parts if p.sizes.get("sv", 0)]
    error_file.write_text(f"whole file: {first}\n" + "".join(f"{f}\n" for f in failed))
    print(f"{plain.stem}: georinex failed on the whole file ({first}); per system: {failed}")
    if not parts:
        return None
    return xarray.concat(parts, dim="sv", join="outer", data_vars="all")


def main(argv: list[str] | None = None) -> int:
    import warnings

    import georinex as gr

    warnings.simplefilter("ignore", FutureWarning)  # georinex's xarray.merge calls

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="reference names to (re)build")
    args = parser.parse_args(argv)
    root = data_dir()
    if not root.exists():
        print(f"data folder not found: {root} (set KOMPAS_DATA)")
        return 1
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    print(f"georinex {gr.__version__}; data {root}; cache {cache}")
    for name, rel in FILES:
        if args.only and name not in args.only:
            continue
        if rel is None:
            src = write_nist_cut(cache / "NIST_2h.rnx")
        else:
            src = root / rel
        plain = cache / f"{name}.plain"
        plain.write_bytes(plain_text(src))
        t0 = time.perf_counter()
        try:
            ds = load_with_fallback(gr, plain, cache / f"{name}.error.txt")
        finally:
            plain.unlink()
        dt = time.perf_counter() - t0
        if ds is None:
            print(f"{name}: georinex failed for every system")
            continue
        save_reference(ds, cache / f"{name}.npz")
        print(f"{name}: {dict(ds.sizes)} {len(ds.data_vars)} variables, georinex {dt:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
