"""Write :class:`~kompas.io.navigation.Navigation` tables as a RINEX 4.00 navigation file.

The record layouts are those the reader uses (:data:`kompas.io.nav_layouts.EPH_LAYOUTS`,
:data:`~kompas.io.nav_layouts.ION_LAYOUTS`): every record is the satellite or blank
4-character prefix followed by 19-character slots, slot 0 of the first line holding the
epoch ``YYYY MM DD HH MM SS`` and every other named slot one number in ``%19.12e`` form
(RINEX 4.00, 6.x: ``4X,4D19.12``).  Values are written with 13 significant digits, so a
table whose values are already rounded to that precision (``float(f"{v:.12e}")``) reads
back bit-identical.

Epochs are written in each system's time (RINEX 4.00 Table A3): GPS/QZSS/SBAS in GPST,
Galileo in GST, BDS in BDT, GLONASS in UTC; weeks in the record's own numbering as the
RINEX text defines it (Galileo weeks GPS-aligned, BDS weeks BDT).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np
import pandas as pd

from kompas.io.nav_layouts import EPH_LAYOUTS, ION_LAYOUTS, Layout
from kompas.time import NAT_NS, Time, TimeScale
from kompas.time.leap import gps_minus_utc_s

__all__ = ["write_nav", "format_record_epoch"]

_S = 1_000_000_000
_WEEK_NS = 7 * 86_400 * _S
#: Time scale of record epochs per system (RINEX 4.00 Table A3 / 3.05 A6-A16).
_EPOCH_SCALE = {
    "G": TimeScale.GPST,
    "J": TimeScale.QZSST,
    "E": TimeScale.GST,
    "C": TimeScale.BDT,
    "I": TimeScale.IRNSST,
    "S": TimeScale.GPST,
    "R": TimeScale.UTC,
}
#: File week = normalised week + this (Galileo and NavIC weeks are written GPS-aligned).
_WEEK_FILE_OFFSET = {"E": 1024, "I": 1024}


def format_record_epoch(ns: np.ndarray, scale: TimeScale) -> list[str]:
    """``YYYY MM DD HH MM SS`` labels (19 characters) of whole-second instants."""
    t = Time.from_ns(np.asarray(ns, dtype=np.int64), TimeScale.GPST).to(scale)
    y, mo, d, h, mi, s = (np.asarray(c) for c in t.calendar()[:6])
    sec = np.floor(np.asarray(s, dtype=np.float64) + 1e-9).astype(np.int64)
    return [
        f"{a:4d} {b:02d} {c:02d} {e:02d} {f:02d} {g:02d}"
        for a, b, c, e, f, g in zip(
            y.tolist(), mo.tolist(), d.tolist(), h.tolist(), mi.tolist(), sec.tolist(), strict=True
        )
    ]


def _num(v: float) -> str:
    if not np.isfinite(v):
        # RINEX 4.00: unknown values as 0.999999999999e+09 (5.x "not known")
        return " 9.999999999990e+08"
    return f"{v:19.12e}"


def _sow_ns(ns: np.ndarray, scale: TimeScale) -> np.ndarray:
    lab = np.asarray(ns, dtype=np.int64).copy()
    if scale is TimeScale.BDT:
        lab -= 14 * _S
    elif scale is TimeScale.UTC:
        lab -= gps_minus_utc_s(lab).astype(np.int64) * _S
    return np.mod(lab, _WEEK_NS)


def _derived_columns(df: pd.DataFrame, system: str, message: str) -> dict[str, np.ndarray]:
    """Raw RINEX fields the tables store as instants (``ttm_s``, ``week_file``, ``tk_s``)."""
    out: dict[str, np.ndarray] = {}
    scale = _EPOCH_SCALE[system]
    if "ttm_ns" in df.columns:
        ttm = df["ttm_ns"].to_numpy(dtype=np.int64)
        sec = _sow_ns(ttm, scale) / 1e9
        out["ttm_s"] = np.where(ttm == NAT_NS, np.nan, sec)
    if "week" in df.columns:
        out["week_file"] = df["week"].to_numpy(dtype=float) + _WEEK_FILE_OFFSET.get(system, 0)
    return out


def _record_lines(
    prefixes: list[str], epochs: list[str], layout: Layout, columns: dict[str, np.ndarray]
) -> list[str]:
    n = len(prefixes)
    grid = [[" " * 19] * (4 * layout.n_lines) for _ in range(n)]
    for slot, name in layout.slots():
        vals = columns.get(name)
        if vals is None:
            continue
        for i, v in enumerate(np.asarray(vals, dtype=np.float64).tolist()):
            grid[i][slot] = _num(v)
    lines = []
    for i in range(n):
        lines.append(prefixes[i][0])
        for ln in range(layout.n_lines):
            head = prefixes[i][1] if ln == 0 else "    "
            slots = grid[i][4 * ln : 4 * ln + 4]
            if ln == 0:
                slots = [epochs[i], *slots[1:]]
            lines.append((head + "".join(slots)).rstrip())
    return lines


def _eph_lines(key: str, df: pd.DataFrame) -> list[str]:
    system, message = key.split("_")
    layout = EPH_LAYOUTS[(system, message)]
    cols = {c: df[c].to_numpy() for c in df.columns if df[c].dtype.kind in "fiu"}
    scale_back = {name: 1.0 / f for name, f in layout.scale.items()}
    for name, f in scale_back.items():
        if name in cols:
            cols[name] = cols[name].astype(np.float64) * f
    cols.update(_derived_columns(df, system, message))
    if system == "R" and "tk_s" in df.columns:
        cols["tk_s"] = df["tk_s"].to_numpy(dtype=np.float64)
    svs = df["sv"].astype(str).tolist()
    epochs = format_record_epoch(df["toc_ns"].to_numpy(dtype=np.int64), _EPOCH_SCALE[system])
    prefixes = [(f"> EPH {sv} {message}", f"{sv} ") for sv in svs]
    return _record_lines(prefixes, epochs, layout, cols)


def _ion_lines(ion: pd.DataFrame) -> list[str]:
    lines: list[str] = []
    if ion is None or ion.empty:
        return lines
    for (system, model), grp in ion.groupby(["system", "model"], sort=True):
        if model != "klobuchar" or system not in "GJCI":
            continue
        message = "D1D2" if system == "C" else "LNAV"
        _, layout = ION_LAYOUTS[(system, message)]
        grp = grp[grp["time_ns"] != NAT_NS]
        if grp.empty:
            continue
        sv = grp["sv"].astype(str).tolist() if "sv" in grp.columns else [""] * len(grp)
        # "> ION G01 LNAV": system/satellite in columns 7-9, message from column 11
        prefixes = [(f"> ION {(s or system):<3s} {message}", "    ") for s in sv]
        epochs = format_record_epoch(grp["time_ns"].to_numpy(dtype=np.int64), _EPOCH_SCALE[system])
        cols = {
            c: grp[c].to_numpy(dtype=np.float64)
            for c in ("alpha0", "alpha1", "alpha2", "alpha3", "beta0", "beta1", "beta2", "beta3")
        }
        cols["region_code"] = np.zeros(len(grp))
        lines += _record_lines(prefixes, epochs, layout, cols)
    return lines


def _header(leap_seconds: int | None, program: str, comments: Iterable[str]) -> list[str]:
    def rec(text: str, label: str) -> str:
        return f"{text:<60s}{label:<20s}".rstrip()

    out = [
        rec(f"{'4.00':>9s}{'':11s}{'NAVIGATION DATA':<20s}{'M':<20s}", "RINEX VERSION / TYPE"),
        rec(f"{program[:20]:<20s}{'kompas':<20s}{'':20s}", "PGM / RUN BY / DATE"),
    ]
    out += [rec(c[:60], "COMMENT") for c in comments]
    if leap_seconds is not None:
        out.append(rec(f"{leap_seconds:6d}", "LEAP SECONDS"))
    out.append(rec("", "END OF HEADER"))
    return out


def write_nav(
    nav,
    path: str | os.PathLike,
    version: str = "4.00",
    program: str = "kompas",
    comments: Iterable[str] = (),
) -> None:
    """Write navigation tables as a RINEX 4.00 navigation file.

    Parameters
    ----------
    nav : Navigation
        Ephemeris tables in the ``docs/nav_tables.md`` layout (``G_LNAV``, ``R_FDMA``,
        ``E_INAV``/``E_FNAV``, ``C_D1``/``C_D2``, ``J_LNAV``, ... any key of
        :data:`~kompas.io.nav_layouts.EPH_LAYOUTS`); ``nav.ion`` Klobuchar sets with a
        time become ``ION`` records.
    path : path-like
        Output file (plain text).
    version : str
        ``"4.00"`` (the only version written).
    program : str
        ``PGM / RUN BY / DATE`` program name.
    comments : iterable of str
        Header comments.

    Notes
    -----
    NaN values are written as the RINEX "unknown" value 0.999999999999E+09 (read back as
    NaN).  Records are written table by table, sorted by (sv, toc) as the tables are.
    """
    if version != "4.00":
        raise ValueError(f"write_nav writes RINEX 4.00 only, not {version!r}")
    tables = getattr(nav, "ephemerides", nav)
    lines = _header(getattr(nav, "leap_seconds", None), program, comments)
    lines += _ion_lines(getattr(nav, "ion", None))
    for key in sorted(tables):
        df = tables[key]
        if df is None or len(df) == 0:
            continue
        if tuple(key.split("_")) not in EPH_LAYOUTS:
            raise ValueError(f"no RINEX layout for ephemeris table {key!r}")
        lines += _eph_lines(key, df)
    with open(path, "w", encoding="ascii", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")
