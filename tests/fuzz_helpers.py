"""Seeds, mutations and the outcome classifier shared by the fuzz tests and benchmarks/fuzz.py.

Every seed is a small valid file written here by hand (no piece of any real product): RINEX
2/3 observation (also Hatanaka and gzip), RINEX 2/3/4 navigation, SP3-d, RINEX clock 3.00 and
3.04 (header as the 3.04 specification lays it out), SINEX; plus .Z, zip and bz2 wrappers.

A mutant is run through its reader with ``strict="warn"``; the outcome is one of

``equal``      the same data as the seed (values, labels, NaN where NaN);
``warned``     different (or equal) data and at least one KompasWarning;
``one_epoch``  no warning, the data differ in exactly one epoch / record (what a changed
               digit does: a valid number became another valid number);
``silent``     no warning, more than one epoch / record changed: a silent loss (a bug);
``error``      a KompasError (or FileNotFoundError) was raised;
``crash``      any other exception (a bug).
"""

from __future__ import annotations

import bz2
import gzip
import io
import os
import random
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from kompas.errors import KompasError, KompasWarning
from kompas.io.rinex_clock import read_rinex_clock
from kompas.io.rinex_nav import read_nav
from kompas.io.rinex_obs import read_obs
from kompas.io.sinex import read_sinex_coordinates
from kompas.io.sp3 import read_sp3

CORPUS_DIR = Path(__file__).parent / "fuzz_corpus"

__all__ = ["CORPUS_DIR", "SEEDS", "Seed", "MUTATIONS", "mutate", "run", "Outcome", "seed_bytes"]


def _h(text: str, label: str, width: int = 60) -> str:
    return f"{text:<{width}}{label}\n"


# ------------------------------------------------------------------------------ observation
def _rec3(sv: str, fields: list[tuple[float, str]], shift: float) -> str:
    """One RINEX 3 record line: F14.3 value + LLI + SSI per field."""
    return (
        sv + "".join(f"{v + (shift if abs(v) > 1e6 else 0):14.3f}{ind}" for v, ind in fields) + "\n"
    )


def _obs3() -> str:
    head = (
        _h("     3.04           OBSERVATION DATA    M", "RINEX VERSION / TYPE")
        + _h("FUZZ", "MARKER NAME")
        + _h("G    4 C1C L1C D1C S1C", "SYS / # / OBS TYPES")
        + _h("E    2 C1X L1X", "SYS / # / OBS TYPES")
        + _h("  2023     1     1     0     0    0.0000000     GPS", "TIME OF FIRST OBS")
        + _h("  2023     1     1     0     1    0.0000000     GPS", "TIME OF LAST OBS")
        + _h("", "END OF HEADER")
    )
    g1 = [(20123456.789, " 7"), (101234567.123, "01"), (-1234.567, "  "), (45.25, "  ")]
    g7 = [(20234567.891, " 6"), (102345678.234, "06"), (2345.678, " 6"), (40.0, "  ")]
    e11 = [(20345678.912, " 5"), (103456789.345, "05")]
    body = []
    for k, sec in enumerate((0, 30)):
        body.append(f"> 2023 01 01 00 00 {sec:2d}.0000000  0  3\n")
        body += [_rec3("G01", g1, k * 1000), _rec3("G07", g7, k * 1000)]
        body.append(_rec3("E11", e11, k * 1000))
    body.append("> 2023 01 01 00 01 00.0000000  0  2\n")
    body += [_rec3("G01", g1, 2000), _rec3("E11", e11, 2000)]
    return head + "".join(body)


def _obs2() -> str:
    head = (
        _h("     2.11           OBSERVATION DATA    M (MIXED)", "RINEX VERSION / TYPE")
        + _h("FUZZ", "MARKER NAME")
        + _h("     6    L1    L2    C1    P2    P1    S1", "# / TYPES OF OBSERV")
        + _h("  2021     1     1     0     0    0.0000000     GPS", "TIME OF FIRST OBS")
        + _h("  2021     1     1     0     1    0.0000000     GPS", "TIME OF LAST OBS")
        + _h("", "END OF HEADER")
    )
    body = []
    for k, (mi, sec) in enumerate(((0, 0), (0, 30), (1, 0))):
        body.append(f" 21  1  1  0 {mi:2d} {sec:2d}.0000000  0  3G01G12R03\n")
        for j in range(3):
            body.append(
                f" 1{k}{j}298057.858 6  9{j}414080.64743  2{k}033720.416    "
                f"2{j}033721.351    2{k}033719.353\n"
            )
            body.append(f"        4{j}.000\n")
    return head + "".join(body)


# ------------------------------------------------------------------------------- navigation
_G_LINES = [
    " 7.000000000000D+01-6.734375000000D+01 4.426612854050D-09-1.066268352180D-01",
    "-3.414228558540D-06 4.754658322780D-03 9.918585419660D-06 5.153662338260D+03",
    " 5.184000000000D+05 7.078051567080D-08 1.975618000580D+00 4.470348358150D-08",
    " 9.627691860810D-01 1.901562500000D+02 4.856751884010D-01-8.047835287070D-09",
    " 2.785830247040D-11 1.000000000000D+00 1.866000000000D+03 0.000000000000D+00",
    " 2.000000000000D+00 0.000000000000D+00 5.122274160390D-09 7.000000000000D+01",
    " 5.112000000000D+05 4.000000000000D+00",
]


def _nav_records(prefix: str, first: Callable[[int, int], str]) -> str:
    out = []
    for prn, hour in ((1, 0), (1, 2), (8, 0)):
        out.append(first(prn, hour) + " 1.874286681414D-06 7.958078640513D-13 0.000000000000D+00")
        out.extend(prefix + line for line in _G_LINES)
    return "\n".join(out) + "\n"


def _nav3() -> str:
    head = (
        _h("     3.04           N: GNSS NAV DATA    G: GPS", "RINEX VERSION / TYPE")
        + _h("    18", "LEAP SECONDS")
        + _h("", "END OF HEADER")
    )
    return head + _nav_records("    ", lambda p, h: f"G{p:02d} 2015 10 10 {h:02d} 00 00")


def _nav2() -> str:
    head = (
        _h("     2.10           N: GPS NAV DATA", "RINEX VERSION / TYPE")
        + _h("    17", "LEAP SECONDS")
        + _h("", "END OF HEADER")
    )
    return head + _nav_records("   ", lambda p, h: f"{p:2d} 15 10 10 {h:2d}  0  0.0")


def _nav4() -> str:
    head = (
        _h("     4.00           N: GNSS NAV DATA    M: MIXED", "RINEX VERSION / TYPE")
        + _h("    18", "LEAP SECONDS")
        + _h("", "END OF HEADER")
    )
    text = _nav_records("    ", lambda p, h: f"G{p:02d} 2015 10 10 {h:02d} 00 00")
    out = []
    for line in text.splitlines():
        if line.startswith("G"):
            out.append(f"> EPH {line[:3]} LNAV")
        out.append(line)
    return head + "\n".join(out) + "\n"


# --------------------------------------------------------------------------- SP3 and clocks
def _sp3() -> str:
    head = (
        "#dP2023  1  1  0  0  0.00000000       3 ORBIT IGS20 FIT  TST\n"
        "## 2243      0.00000000   300.00000000 59945 0.0000000000000\n"
        "+    2   G01E05  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0\n"
        "++         5  6  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0\n"
        "%c M  cc GPS ccc cccc cccc cccc cccc ccccc ccccc ccccc ccccc\n"
        "%c cc cc ccc ccc cccc cccc cccc cccc ccccc ccccc ccccc ccccc\n"
        "%f  1.2500000  1.025000000  0.00000000000  0.000000000000000\n"
        "%f  0.0000000  0.000000000  0.00000000000  0.000000000000000\n"
        "%i    0    0    0    0      0      0      0      0         0\n"
        "%i    0    0    0    0      0      0      0      0         0\n"
        "/* hand-written fuzz seed\n"
    )
    body = []
    for k, minute in enumerate((0, 5, 10)):
        body.append(f"*  2023  1  1  0 {minute:2d}  0.00000000\n")
        body.append(
            f"PG01{-15000.123456 + k:14.6f}{20000.654321 - k:14.6f}{5000.111111 + k:14.6f}"
            f"{123.456789 + k:14.6f} 10 11 12 100\n"
        )
        body.append(
            f"PE05{25000.5 + k:14.6f}{-12000.25 - k:14.6f}{14000.125 + k:14.6f}"
            f"{-45.678901 - k:14.6f}\n"
        )
    return head + "".join(body) + "EOF\n"


def _clk300() -> str:
    head = (
        _h("     3.00           C                   M", "RINEX VERSION / TYPE")
        + _h("FUZZ                TEST                20230101 000000 UTC", "PGM / RUN BY / DATE")
        + _h("   GPS", "TIME SYSTEM ID")
        + _h("     2    AR    AS", "# / TYPES OF DATA")
        + _h("TST TEST CENTRE", "ANALYSIS CENTER")
        + _h("", "END OF HEADER")
    )
    body = []
    for k, sec in enumerate((0, 30, 0)):
        minute = 1 if k == 2 else 0
        ep = f"2023 01 01 00 {minute:02d} {sec:9.6f}"
        body.append(f"AR NIST {ep}  2   {0.123456789012e-6 + k * 1e-9:19.12E} 1.000000000000E-11\n")
        body.append(f"AS G01  {ep}  2   {0.230218024731e-3 + k * 1e-9:19.12E} 2.000000000000E-11\n")
        body.append(f"AS E05  {ep}  1  {-0.100000000000e-5 - k * 1e-9:19.12E}\n")
    return head + "".join(body)


def _clk304() -> str:
    """RINEX clock 3.04 (2017) header as the specification lays it out: 85 columns, labels in
    columns 66-85, version F4.2 in columns 1-4, file type 'C' in column 22, system in 43."""
    first = f"{'3.04':<21}{'C':<21}{'M':<23}RINEX VERSION / TYPE\n"
    head = (
        first
        + _h(
            "FUZZ                 TEST                 20230101 000000 UTC",
            "PGM / RUN BY / DATE",
            65,
        )
        + _h("   GPS", "TIME SYSTEM ID", 65)
        + _h("     2    AR    AS", "# / TYPES OF DATA", 65)
        + _h("TST TEST CENTRE", "ANALYSIS CENTER", 65)
        + _h("", "END OF HEADER", 65)
    )
    body = []
    for k, sec in enumerate((0, 30)):
        ep = f"2023 01 01 00 00 {sec:9.6f}"
        body.append(
            f"AR NIST00USA {ep}  2   {0.123456789012e-6 + k * 1e-9:19.12E} 1.000000000000E-11\n"
        )
        body.append(
            f"AS G01       {ep}  2   {0.230218024731e-3 + k * 1e-9:19.12E} 2.000000000000E-11\n"
        )
    return head + "".join(body)


def _sinex() -> str:
    return (
        "%=SNX 2.02 TST 24:001:00000 TST 20:001:00000 20:001:00000 P 00006 0 X V\n"
        "+SITE/ID\n"
        "*CODE PT __DOMES__ T _STATION DESCRIPTION__ _LONGITUDE_ _LATITUDE__ HEIGHT_\n"
        " FUZZ  A 00000M000 P Made up                 0  0  0.0   0  0  0.0     0.0\n"
        "-SITE/ID\n"
        "+SOLUTION/EPOCHS\n"
        " FUZZ  A    1 P 10:001:00000 30:001:00000 20:001:00000\n"
        "-SOLUTION/EPOCHS\n"
        "+SOLUTION/ESTIMATE\n"
        "     1 STAX   FUZZ  A    1 20:001:00000 m    2  4.00000000000000e+06 1.00000e-03\n"
        "     2 STAY   FUZZ  A    1 20:001:00000 m    2  1.00000000000000e+06 1.00000e-03\n"
        "     3 STAZ   FUZZ  A    1 20:001:00000 m    2  4.00000000000000e+06 1.00000e-03\n"
        "     4 VELX   FUZZ  A    1 20:001:00000 m/y  2  1.00000000000000e-02 1.00000e-04\n"
        "     5 VELY   FUZZ  A    1 20:001:00000 m/y  2 -2.00000000000000e-02 1.00000e-04\n"
        "     6 VELZ   FUZZ  A    1 20:001:00000 m/y  2  3.00000000000000e-02 1.00000e-04\n"
        "-SOLUTION/ESTIMATE\n"
        "%ENDSNX\n"
    )


# ------------------------------------------------------------------------------------ seeds
@dataclass(frozen=True)
class Seed:
    name: str
    reader: str  # "obs", "nav", "sp3", "clk", "snx"
    make: Callable[[], bytes]


def _text(f: Callable[[], str]) -> Callable[[], bytes]:
    return lambda: f().encode("ascii")


def _crx() -> bytes:
    import hatanaka

    return hatanaka.rnx2crx(_obs3().encode("ascii"))


def _zip(data: bytes, member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, data)
    return out.getvalue()


def _lzw(data: bytes) -> bytes:
    import ncompress

    return ncompress.compress(data)


SEEDS: list[Seed] = [
    Seed("obs3", "obs", _text(_obs3)),
    Seed("obs2", "obs", _text(_obs2)),
    Seed("obs3.crx", "obs", _crx),
    Seed("obs3.gz", "obs", lambda: gzip.compress(_obs3().encode(), mtime=0)),
    Seed("nav3", "nav", _text(_nav3)),
    Seed("nav2", "nav", _text(_nav2)),
    Seed("nav4", "nav", _text(_nav4)),
    Seed("nav3.zip", "nav", lambda: _zip(_nav3().encode(), "brdc.rnx")),
    Seed("sp3", "sp3", _text(_sp3)),
    Seed("sp3.Z", "sp3", lambda: _lzw(_sp3().encode())),
    Seed("clk300", "clk", _text(_clk300)),
    Seed("clk304", "clk", _text(_clk304)),
    Seed("clk300.bz2", "clk", lambda: bz2.compress(_clk300().encode())),
    Seed("snx", "snx", _text(_sinex)),
]

_READERS = {
    "obs": read_obs,
    "nav": read_nav,
    "sp3": read_sp3,
    "clk": read_rinex_clock,
    "snx": read_sinex_coordinates,
}


def seed_bytes(name: str) -> bytes:
    return next(s for s in SEEDS if s.name == name).make()


# -------------------------------------------------------------------------------- mutations
_COMPRESSED = (b"\x1f\x8b", b"\x1f\x9d", b"PK\x03\x04", b"BZh")


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _m_flip(r: random.Random, d: bytes) -> bytes:
    i = r.randrange(len(d))
    return d[:i] + bytes([r.randrange(256)]) + d[i + 1 :]


def _m_digit(r: random.Random, d: bytes) -> bytes:
    pos = [i for i, c in enumerate(d) if 48 <= c <= 57]
    if not pos:
        return _m_flip(r, d)
    i = r.choice(pos)
    return d[:i] + bytes([48 + (d[i] - 48 + r.randrange(1, 10)) % 10]) + d[i + 1 :]


def _m_delete_byte(r: random.Random, d: bytes) -> bytes:
    i = r.randrange(len(d))
    return d[:i] + d[i + 1 :]


def _m_insert_byte(r: random.Random, d: bytes) -> bytes:
    i = r.randrange(len(d) + 1)
    return d[:i] + bytes([r.choice([32, 44, 45, 46, 48, 57, 69, 0xE9, 0xFF, 0x00, 10])]) + d[i:]


def _m_truncate(r: random.Random, d: bytes) -> bytes:
    return d[: r.randrange(len(d))]


def _m_delete_line(r: random.Random, d: bytes) -> bytes:
    ls = _lines(d)
    del ls[r.randrange(len(ls))]
    return b"\n".join(ls)


def _m_duplicate_line(r: random.Random, d: bytes) -> bytes:
    ls = _lines(d)
    i = r.randrange(len(ls))
    ls.insert(i, ls[i])
    return b"\n".join(ls)


def _m_swap_lines(r: random.Random, d: bytes) -> bytes:
    ls = _lines(d)
    if len(ls) < 2:
        return d
    i = r.randrange(len(ls) - 1)
    ls[i], ls[i + 1] = ls[i + 1], ls[i]
    return b"\n".join(ls)


def _m_garbage_line(r: random.Random, d: bytes) -> bytes:
    ls = _lines(d)
    junk = bytes(r.randrange(32, 127) for _ in range(r.randrange(1, 90)))
    ls.insert(r.randrange(len(ls) + 1), junk)
    return b"\n".join(ls)


def _m_huge_number(r: random.Random, d: bytes) -> bytes:
    pos = [i for i, c in enumerate(d) if c == 46]  # a '.' of some number
    if not pos:
        return _m_flip(r, d)
    i = r.choice(pos)
    word = r.choice([b"9" * 9, b"inf", b"nan", b"1e999", b"-", b"1,5", b"\xc3\xa9"])
    lo = max(0, i - len(word) // 2)
    return d[:lo] + word + d[lo + len(word) :]


def _m_drop_header_line(r: random.Random, d: bytes) -> bytes:
    ls = _lines(d)
    end = next((k for k, ln in enumerate(ls) if b"END OF HEADER" in ln), min(len(ls), 10))
    if end <= 1:
        return _m_delete_line(r, d)
    del ls[r.randrange(1, end)]
    return b"\n".join(ls)


def _m_version(r: random.Random, d: bytes) -> bytes:
    v = r.choice([b"9.99", b"5.00", b"1.00", b"3.99", b"-3.0", b"3.5 ", b" nan", b"2.1x"])
    for old in (b"2.11", b"3.04", b"3.00", b"2.10", b"4.00", b"2.02"):
        at = d.find(old, 0, 12)
        if at >= 0:
            return d[:at] + v + d[at + 4 :]
    return d[:1] + v + d[5:]


def _m_crlf(r: random.Random, d: bytes) -> bytes:
    return d.replace(b"\n", b"\r\n")


def _m_bom(r: random.Random, d: bytes) -> bytes:
    return b"\xef\xbb\xbf" + d


def _m_non_ascii(r: random.Random, d: bytes) -> bytes:
    i = r.randrange(len(d))
    return d[:i] + r.choice([b"\xc3\xa9", b"\xff", b"\x80", "Å".encode()]) + d[i + 1 :]


def _m_no_final_newline(r: random.Random, d: bytes) -> bytes:
    return d.rstrip(b"\n")


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "flip": _m_flip,
    "digit": _m_digit,
    "delete_byte": _m_delete_byte,
    "insert_byte": _m_insert_byte,
    "truncate": _m_truncate,
    "delete_line": _m_delete_line,
    "duplicate_line": _m_duplicate_line,
    "swap_lines": _m_swap_lines,
    "garbage_line": _m_garbage_line,
    "huge_number": _m_huge_number,
    "drop_header_line": _m_drop_header_line,
    "version": _m_version,
    "crlf": _m_crlf,
    "bom": _m_bom,
    "non_ascii": _m_non_ascii,
    "no_final_newline": _m_no_final_newline,
}
#: Mutations that change one byte of the text (the "at most one epoch" property holds).
ONE_BYTE = ("flip", "digit", "non_ascii")
#: Mutations that must leave the data exactly as the seed's.
NEUTRAL = ("crlf", "bom", "no_final_newline")
_TEXT_ONLY = (
    "delete_line",
    "duplicate_line",
    "swap_lines",
    "garbage_line",
    "drop_header_line",
    "version",
    "crlf",
    "bom",
    "no_final_newline",
    "huge_number",
    "digit",
)


def mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    """One mutation of ``data``; text-level mutations of a compressed seed are applied to the
    compressed bytes as raw byte changes instead (a corrupt container)."""
    if data.startswith(_COMPRESSED) and kind in _TEXT_ONLY:
        kind = rng.choice(["flip", "truncate", "delete_byte", "insert_byte"])
    if not data:
        return data
    return MUTATIONS[kind](rng, data)


# --------------------------------------------------------------------------------- outcome
@dataclass
class Outcome:
    kind: str  # equal, warned, one_epoch, silent, error, crash
    detail: str = ""


def _read(reader: str, data: bytes, suffix: str):
    fd, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = _READERS[reader](path)
        warned = [str(w.message) for w in caught if issubclass(w.category, KompasWarning)]
        return result, warned
    finally:
        os.unlink(path)


def _present(x: np.ndarray) -> np.ndarray:
    return np.isfinite(x) if x.dtype.kind == "f" else (x >= 0) if x.dtype.kind in "iu" else x


def _ds_changes(a: xr.Dataset, b: xr.Dataset) -> int:
    """Number of time labels at which two datasets differ (labels only in one count)."""
    ta, tb = a["time"].values, b["time"].values
    # an epoch whose time label changed counts once (it left one label, took another)
    relabelled = max(np.setdiff1d(ta, tb).size, np.setdiff1d(tb, ta).size)
    changed: set = set()
    common = np.intersect1d(ta, tb)
    if common.size == 0:
        return relabelled
    for k in set(a.data_vars) | set(b.data_vars):
        da, db = a.get(k), b.get(k)
        if da is not None and "time" not in da.dims or db is not None and "time" not in db.dims:
            if da is None or db is None or not da.equals(db):
                changed.add("static")
            continue
        if da is None or db is None:  # a whole variable appeared or vanished
            x = (da if da is not None else db).sel(time=common).values
            rows = _present(x).reshape(len(common), -1).any(axis=1)
            changed |= set(common[rows].tolist())
            continue
        others = [d for d in da.dims if d != "time"]
        coords = {d: np.union1d(da[d].values, db[d].values) for d in others}
        fill = np.nan if da.dtype.kind == "f" else -1
        xa = da.sel(time=common).reindex(coords, fill_value=fill).values
        xb = db.sel(time=common).reindex(coords, fill_value=fill).values
        same = xa == xb
        if xa.dtype.kind == "f":
            same |= np.isnan(xa) & np.isnan(xb)
        row_same = same.reshape(len(common), -1).all(axis=1)
        changed |= set(common[~row_same].tolist())
    return len(changed) + relabelled


def _records(nav) -> pd.DataFrame:
    frames = []
    for key, df in nav.ephemerides.items():
        d = df.drop(columns=["source_file", "source_line"], errors="ignore").copy()
        d.insert(0, "table", key)
        frames.append(d)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def _table_changes(a: pd.DataFrame, b: pd.DataFrame) -> int:
    """Rows present in one table and not (identically) in the other, counted once per pair."""
    if a.empty and b.empty:
        return 0
    cols = sorted(set(a.columns) | set(b.columns))
    ka = {tuple(_cell(v) for v in row) for row in a.reindex(columns=cols).itertuples(index=False)}
    kb = {tuple(_cell(v) for v in row) for row in b.reindex(columns=cols).itertuples(index=False)}
    return max(len(ka - kb), len(kb - ka))


def _cell(v):
    if isinstance(v, float) and np.isnan(v):
        return "nan"
    if isinstance(v, np.datetime64) and np.isnat(v):
        return "nat"
    if v is pd.NaT:
        return "nat"
    return v


def _changes(reader: str, a, b) -> int:
    if reader in ("obs", "sp3", "clk"):
        return _ds_changes(a, b)
    if reader == "nav":
        n = _table_changes(_records(a), _records(b))
        for k in ("sto", "ion"):
            n += _table_changes(
                getattr(a, k).drop(columns=["source_file", "source_line"], errors="ignore"),
                getattr(b, k).drop(columns=["source_file", "source_line"], errors="ignore"),
            )
        return n
    return _table_changes(a, b)


_BASELINE: dict[str, object] = {}


def baseline(seed: Seed):
    if seed.name not in _BASELINE:
        result, warned = _read(seed.reader, seed.make(), _suffix(seed))
        assert not warned, f"seed {seed.name} warns: {warned}"
        _BASELINE[seed.name] = result
    return _BASELINE[seed.name]


def _suffix(seed: Seed) -> str:
    return "." + seed.name.replace(".", "_")


def run(seed: Seed, data: bytes) -> Outcome:
    """Read ``data`` with the seed's reader and classify the outcome against the seed."""
    base = baseline(seed)
    try:
        result, warned = _read(seed.reader, data, _suffix(seed))
    except (KompasError, FileNotFoundError) as exc:
        return Outcome("error", str(exc)[:200])
    except Exception as exc:  # noqa: BLE001 - exactly what the fuzzing looks for
        return Outcome("crash", f"{type(exc).__name__}: {exc}"[:300])
    n = _changes(seed.reader, base, result)
    if warned:
        return Outcome("warned", warned[0][:200])
    if n == 0:
        return Outcome("equal")
    return Outcome("one_epoch" if n == 1 else "silent", f"{n} epochs/records changed")
