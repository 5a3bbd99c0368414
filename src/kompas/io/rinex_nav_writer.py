"""Write :class:`~kompas.io.navigation.Navigation` tables as RINEX 3.05 or 4.00-4.02.

RINEX 4.0x: ``EPH``, ``STO``, ``ION`` (Klobuchar, NeQuick-G, BDGIM) and ``EOP`` records.
RINEX 3.05: ephemerides (GPS/QZSS/NavIC LNAV, Galileo I/NAV and F/NAV, BDS D1/D2, GLONASS
FDMA with the 3.05 extra line, SBAS) and the header's ``IONOSPHERIC CORR``, ``TIME SYSTEM
CORR`` and ``LEAP SECONDS``.  What a version cannot hold (CNAV-type ephemerides, STO/EOP/ION
records in 3.05; header-only ionosphere and time-offset lines in 4.0x, which has no such
header records) is left out with a :class:`~kompas.errors.KompasWarning` counting it:
never silently.  A file read by ``read_nav`` and written back in its own version reads
back identical, table by table.

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
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from kompas.errors import KompasWarning
from kompas.io.nav_layouts import (
    EOP_LAYOUT,
    EPH_LAYOUTS,
    ION_LAYOUTS,
    RINEX3_DEFAULT_MESSAGE,
    STO_LAYOUT,
    Layout,
)
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
#: Versions written.
VERSIONS = ("3.05", "4.00", "4.01", "4.02")
#: System of the reference time of a TIME SYSTEM CORR kind (its first two letters).
_STO_SYSTEM = {"GP": "G", "GA": "E", "BD": "C", "GL": "R", "QZ": "J", "IR": "I", "SB": "S"}
#: Header IONOSPHERIC CORR prefixes of the Klobuchar sets (RINEX 3.05 Table A5).
_KLOB_KIND = {"G": "GPS", "J": "QZS", "C": "BDS", "I": "IRN"}


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
    if "week_file" in df.columns:  # the week as the file wrote it (kept by the reader)
        out["week_file"] = df["week_file"].to_numpy(dtype=float)
    elif "week" in df.columns:
        out["week_file"] = df["week"].to_numpy(dtype=float) + _WEEK_FILE_OFFSET.get(system, 0)
    if "ttm_sow_s" in df.columns:  # RINEX 4.02 CDMA: transmission time kept raw
        out["ttm_s"] = df["ttm_sow_s"].to_numpy(dtype=float)
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
        if prefixes[i][0] is not None:
            lines.append(prefixes[i][0])
        for ln in range(layout.n_lines):
            head = prefixes[i][1] if ln == 0 else "    "
            slots = grid[i][4 * ln : 4 * ln + 4]
            if ln == 0:
                slots = [epochs[i], *slots[1:]]
            lines.append((head + "".join(slots)).rstrip())
    return lines


def _eph_lines(key: str, df: pd.DataFrame, rinex3: bool = False) -> list[str]:
    system, message = key.split("_")
    layout = EPH_LAYOUTS[(system, RINEX3_DEFAULT_MESSAGE[system] if rinex3 else message)]
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
    if rinex3:
        prefixes = [(None, f"{sv} ") for sv in svs]
    else:
        prefixes = [(f"> EPH {sv} {message}", f"{sv} ") for sv in svs]
    return _record_lines(prefixes, epochs, layout, cols)


def _timed(df: pd.DataFrame | None, column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows from records, rows from the header) of an ion/sto table."""
    if df is None or df.empty:
        return pd.DataFrame(), pd.DataFrame()
    header = df["source"].isin(["header", "rinex2"]).to_numpy()
    return df[~header], df[header]


def _record_prefixes(kind: str, df: pd.DataFrame) -> list[tuple[str, str]]:
    # "> STO G01 LNAV": system or satellite in columns 7-9, message from column 11
    out = []
    for sys_, sv, msg in zip(df["system"], df["sv"], df["message"], strict=True):
        out.append((f"> {kind} {(str(sv) or str(sys_)):<3s} {msg}", "    "))
    return out


def _scale_of(system: str) -> TimeScale:
    return _EPOCH_SCALE.get(system, TimeScale.GPST)


def _epochs_by_system(df: pd.DataFrame, column: str) -> list[str]:
    out = [""] * len(df)
    ns = df[column].to_numpy(dtype=np.int64)
    systems = df["system"].astype(str).to_numpy()
    for sys_ in np.unique(systems):  # per system (a handful)
        idx = np.flatnonzero(systems == sys_)
        for i, text in zip(idx, format_record_epoch(ns[idx], _scale_of(sys_)), strict=True):
            out[i] = text
    return out


def _ttm_sow(df: pd.DataFrame) -> np.ndarray:
    ttm = df["ttm_ns"].to_numpy(dtype=np.int64)
    out = np.full(len(df), np.nan)
    systems = df["system"].astype(str).to_numpy()
    for sys_ in np.unique(systems):
        m = (systems == sys_) & (ttm != NAT_NS)
        out[m] = _sow_ns(ttm[m], _scale_of(sys_)) / 1e9
    return out


def _sto_records(sto: pd.DataFrame) -> list[str]:
    if sto.empty:
        return []
    epochs = _epochs_by_system(sto, "ref_time_ns")
    # epoch line: epoch, the offset type in columns 25-28, SBAS id 44-61, UTC id 62-80
    for i, (kind, sbas, utc) in enumerate(
        zip(sto["kind"], sto["sbas_id"].fillna(""), sto["utc_id"].fillna(""), strict=True)
    ):
        epochs[i] = f"{epochs[i]} {kind:<4s}{'':15s}{str(sbas):<18s}{str(utc):<18s}"
    cols = {c: sto[c].to_numpy(dtype=np.float64) for c in ("a0_s", "a1_sps", "a2_sps2")}
    cols["ttm_s"] = _ttm_sow(sto)
    return _record_lines(_record_prefixes("STO", sto), epochs, STO_LAYOUT, cols)


def _eop_records(eop: pd.DataFrame | None) -> list[str]:
    if eop is None or eop.empty:
        return []
    cols = {c: eop[c].to_numpy(dtype=np.float64) for c in eop.columns if c.endswith(("arcsec",
            "arcsecpd", "arcsecpd2", "_s", "_spd", "_spd2"))}  # fmt: skip
    cols["ttm_s"] = _ttm_sow(eop)
    epochs = _epochs_by_system(eop, "ref_time_ns")
    return _record_lines(_record_prefixes("EOP", eop), epochs, EOP_LAYOUT, cols)


#: Message of an ION record by (system, model) when the table does not say.
_ION_MESSAGE = {"klobuchar": "LNAV", "nequick_g": "IFNV", "bdgim": "CNVX"}


def _ion_messages(ion: pd.DataFrame) -> pd.DataFrame:
    msg = ion["message"].fillna("") if "message" in ion.columns else pd.Series("", ion.index)
    default = [
        "D1D2" if (s == "C" and m == "klobuchar") else _ION_MESSAGE.get(m, "")
        for s, m in zip(ion["system"], ion["model"], strict=True)
    ]
    out = ion.copy()
    out["message"] = np.where(msg.to_numpy() == "", default, msg.to_numpy())
    if "sv" not in out.columns:
        out["sv"] = ""
    out["sv"] = out["sv"].fillna("")
    return out


def _ion_records(ion: pd.DataFrame) -> list[str]:
    lines: list[str] = []
    if ion.empty:
        return lines
    ion = _ion_messages(ion)
    for (system, message), grp in ion.groupby(["system", "message"], sort=False):
        _, layout = ION_LAYOUTS[(system, message)]
        cols = {
            name: grp[name].to_numpy(dtype=np.float64)
            for _, name in layout.slots()
            if name in grp.columns
        }
        lines += _record_lines(
            _record_prefixes("ION", grp), _epochs_by_system(grp, "time_ns"), layout, cols
        )
    return lines


def _rec(text: str, label: str) -> str:
    return f"{text:<60s}{label:<20s}".rstrip()


def _d(v: float, width: int, decimals: int) -> str:
    return f"{(0.0 if not np.isfinite(v) else v):{width}.{decimals}E}"


def _header_ion(ion: pd.DataFrame) -> list[str]:
    """IONOSPHERIC CORR lines (RINEX 3.05: A4,1X,4D12.4,1X,A1,1X,I2) in table order."""
    out = []
    for row in ion.itertuples(index=False):
        mark = str(getattr(row, "time_mark", "") or "")
        sv = str(getattr(row, "sv", "") or "")
        tail = f" {mark:1s} {int(sv[1:]):2d}" if sv else (f" {mark:1s}" if mark else "")
        if row.model == "nequick_g":
            vals = [row.ai0, row.ai1, row.ai2, 0.0]
            out.append(_rec("GAL  " + "".join(_d(v, 12, 4) for v in vals) + tail,
                            "IONOSPHERIC CORR"))  # fmt: skip
            continue
        kind = _KLOB_KIND[row.system]
        for ab, names in (("A", "alpha"), ("B", "beta")):
            vals = [getattr(row, f"{names}{k}") for k in range(4)]
            out.append(_rec(f"{kind}{ab} " + "".join(_d(v, 12, 4) for v in vals) + tail,
                            "IONOSPHERIC CORR"))  # fmt: skip
    return out


def _sto_week_sow(kind: str, ref_ns: int) -> tuple[int, int]:
    """Reference (seconds of week, week) as RINEX 3 files write them: GPS-aligned weeks,
    BDS weeks in BDT numbering, NavIC weeks GPS - 1024; (0, 0) when unknown."""
    if ref_ns == NAT_NS:
        return 0, 0
    system = _STO_SYSTEM.get(kind[:2], "G")
    lab = int(ref_ns)
    if system == "C":
        lab -= 14 * _S
    week, sow_ns = divmod(lab, _WEEK_NS)
    if system == "C":
        week -= 1356
    elif system == "I":
        week -= 1024
    return int(round(sow_ns / _S)), int(week)


def _header_sto(sto: pd.DataFrame) -> list[str]:
    """TIME SYSTEM CORR lines (A4,1X,D17.10,D16.9,1X,I6,1X,I4,1X,A5,1X,I2)."""
    out = []
    for row in sto.itertuples(index=False):
        sow, week = _sto_week_sow(row.kind, int(row.ref_time_ns))
        text = (
            f"{row.kind:<4s} {_d(row.a0_s, 17, 10)}{_d(row.a1_sps, 16, 9)} {sow:6d} "
            f"{week:4d} {str(row.utc_id or ''):<5s}"
        )
        out.append(_rec(text, "TIME SYSTEM CORR"))
    return out


def _header(
    version: str,
    leap_seconds: int | None,
    program: str,
    comments: Iterable[str],
    ion: pd.DataFrame,
    sto: pd.DataFrame,
) -> list[str]:
    if version.startswith("3"):
        first = f"{version:>9s}{'':11s}{'N: GNSS NAV DATA':<20s}{'M: MIXED':<20s}"
    else:
        first = f"{version:>9s}{'':11s}{'NAVIGATION DATA':<20s}{'M':<20s}"
    out = [
        _rec(first, "RINEX VERSION / TYPE"),
        _rec(f"{program[:20]:<20s}{'kompas':<20s}{'':20s}", "PGM / RUN BY / DATE"),
    ]
    out += [_rec(c[:60], "COMMENT") for c in comments]
    out += _header_ion(ion) + _header_sto(sto)
    if leap_seconds is not None:
        out.append(_rec(f"{leap_seconds:6d}", "LEAP SECONDS"))
    out.append(_rec("", "END OF HEADER"))
    return out


def _rinex3_ephemerides(key: str) -> bool:
    system, message = key.split("_")
    return RINEX3_DEFAULT_MESSAGE.get(system) == message or key in ("E_FNAV", "C_D2")


def write_nav(
    nav,
    path: str | os.PathLike,
    version: str = "4.00",
    program: str = "kompas",
    comments: Iterable[str] = (),
) -> dict[str, int]:
    """Write navigation data as a RINEX 3.05 or 4.00/4.01/4.02 navigation file.

    Parameters
    ----------
    nav : Navigation
        Ephemeris tables in the ``docs/nav_tables.md`` layout and ``nav.sto``,
        ``nav.ion``, ``nav.eop`` as :func:`kompas.read_nav` returns them.
    path : path-like
        Output file (plain text).
    version : {"3.05", "4.00", "4.01", "4.02"}
    program : str
        ``PGM / RUN BY / DATE`` program name.
    comments : iterable of str
        Header comments.

    Returns
    -------
    dict of str to int
        What the version cannot hold and was left out, by kind (empty when everything
        was written); a :class:`~kompas.errors.KompasWarning` says the same.

    Notes
    -----
    NaN values are written as the RINEX "unknown" value 0.999999999999E+09 (read back as
    NaN).  Numbers are written with the precision of the RINEX fields (records
    ``D19.12``, header ionosphere ``D12.4``, time offsets ``D17.10``/``D16.9``).
    """
    if version not in VERSIONS:
        raise ValueError(f"write_nav writes RINEX {', '.join(VERSIONS)}, not {version!r}")
    rinex3 = version.startswith("3")
    tables = getattr(nav, "ephemerides", nav)
    ion_rec, ion_head = _timed(getattr(nav, "ion", None), "time_ns")
    sto_rec, sto_head = _timed(getattr(nav, "sto", None), "ref_time_ns")
    eop = getattr(nav, "eop", None)
    left_out: dict[str, int] = {}
    if rinex3:
        for name, df in (("STO records", sto_rec), ("ION records", ion_rec), ("EOP", eop)):
            if df is not None and len(df):
                left_out[name] = len(df)
        lines = _header(version, getattr(nav, "leap_seconds", None), program, comments,
                        ion_head, sto_head)  # fmt: skip
    else:
        for name, df in (("header TIME SYSTEM CORR", sto_head), ("header ION", ion_head)):
            if len(df):
                left_out[name] = len(df)
        empty = pd.DataFrame()
        lines = _header(version, getattr(nav, "leap_seconds", None), program, comments,
                        empty, empty)  # fmt: skip
        lines += _sto_records(sto_rec) + _ion_records(ion_rec) + _eop_records(eop)
    for key in sorted(tables):
        df = tables[key]
        if df is None or len(df) == 0:
            continue
        if tuple(key.split("_")) not in EPH_LAYOUTS:
            raise ValueError(f"no RINEX layout for ephemeris table {key!r}")
        if rinex3 and not _rinex3_ephemerides(key):
            left_out[f"{key} ephemerides"] = len(df)
            continue
        lines += _eph_lines(key, df, rinex3)
    with open(path, "w", encoding="ascii", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")
    if left_out:
        what = ", ".join(f"{n} {k}" for k, n in left_out.items())
        warnings.warn(
            f"{os.fspath(path)}: RINEX {version} cannot hold {what}: left out",
            KompasWarning,
            stacklevel=2,
        )
    return left_out
