"""Reader of RINEX navigation files: RINEX 2 (2.01-2.12), 3.00-3.05 and 4.00-4.02.

:func:`read_nav` returns a :class:`~kompas.io.navigation.Navigation` whose tables follow
``docs/nav_tables.md``.  Records are cut into 19-character slots (layouts in
:mod:`kompas.io.nav_layouts`) and converted block by block with numpy; the only Python
loops run over record *types* and over the header lines.

Time scales of the record epochs: GPS, QZSS, NavIC and SBAS in GPST, Galileo in GST, BDS
in BDT (= GPST - 14 s), GLONASS in UTC; every instant is stored as int64 ns since
1980-01-06 GPST (``kompas.time.Time.ns``).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kompas.errors import KompasWarning, RinexError, Strictness
from kompas.io.compress import read_bytes
from kompas.io.nav_layouts import (
    EOP_LAYOUT,
    EPH_LAYOUTS,
    ION_LAYOUTS,
    RINEX3_DEFAULT_MESSAGE,
    STO_LAYOUT,
    Layout,
)
from kompas.io.navigation import Navigation, deduplicate
from kompas.io.rinex_fixed import line_matrix, parse_epochs, parse_fields
from kompas.io.rinex_nav_header import parse_header, split_header
from kompas.time import NAT_NS, Time, TimeScale, gps_minus_utc_s

__all__ = ["read_nav", "Navigation"]

_S = 1_000_000_000
_DAY_NS = 86_400 * _S
_WEEK_NS = 7 * _DAY_NS
_HALF_WEEK_NS = _WEEK_NS // 2
#: Records further than this from the file's median epoch are implausible (dropped).
IMPLAUSIBLE_EPOCH_DAYS = 30

#: Scale of record epochs (and of week/time-of-week fields) per system letter.
SYSTEM_SCALE = {
    "G": TimeScale.GPST,
    "J": TimeScale.QZSST,
    "I": TimeScale.IRNSST,
    "S": TimeScale.GPST,
    "E": TimeScale.GST,
    "C": TimeScale.BDT,
    "R": TimeScale.UTC,
}
#: Scale of the first system of a TIME SYSTEM CORR / STO kind (the reference time's scale).
_STO_SCALE = {"GP": "G", "GA": "E", "BD": "C", "GL": "R", "QZ": "J", "IR": "I", "SB": "S"}
_KEPLER = set("GJECI")
#: BDS GEO: geostationary radius sqrt(42164.2 km) = 6493.4 m^0.5 (BDS-SIS-ICD-B1I 3.0, 5.2.4).
_GEO_SQRT_A = 6493.3
#: GEO vs IGSO (same radius, i ~ 55 deg): broadcast i0 of the old GEOs drifts past 5 deg
#: (C01 reaches 6.3 deg on 2023-01-01), so the split is at 15 deg, far from both groups.
_GEO_MAX_INCLINATION_RAD = np.deg2rad(15.0)


# ------------------------------------------------------------------------------ time helpers
def _label_ns(ns: np.ndarray, scale: TimeScale) -> np.ndarray:
    """Labels (ns since 1980-01-06 on ``scale``'s clock face) of instants."""
    if scale is TimeScale.UTC:
        return ns - gps_minus_utc_s(ns).astype(np.int64) * _S
    if scale is TimeScale.BDT:
        return ns - 14 * _S
    return ns


def _to_ns(seconds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float seconds → int64 ns (rounded), and the finite mask."""
    ok = np.isfinite(seconds)
    return np.rint(np.where(ok, seconds, 0.0) * 1e9).astype(np.int64), ok


def nearest_of_period(
    ref_ns: np.ndarray, scale: TimeScale, sop_s: np.ndarray, period_ns: int = _WEEK_NS
) -> np.ndarray:
    """Instants given as seconds-of-period on ``scale``, taken in the period that puts them
    within ± half a period of ``ref_ns``. NaN seconds give :data:`NAT_NS`."""
    sop_ns, ok = _to_ns(sop_s)
    lab = _label_ns(ref_ns, scale)
    d = sop_ns - np.mod(lab, period_ns)
    d -= np.rint(d / period_ns).astype(np.int64) * period_ns
    return np.where(ok & (ref_ns != NAT_NS), ref_ns + d, NAT_NS)


# -------------------------------------------------------------------------- per-file result
@dataclass
class _FileData:
    path: str
    order: int
    header: dict
    eph: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    sto: list[pd.DataFrame] = field(default_factory=list)
    ion: list[pd.DataFrame] = field(default_factory=list)
    eop: list[pd.DataFrame] = field(default_factory=list)
    problems: list[tuple[str, str, int]] = field(default_factory=list)  # (reason, msg, line)
    implausible: list[int] = field(default_factory=list)


class _Context:
    """What the block parsers need: the line matrix, offsets, strictness, problems."""

    def __init__(
        self,
        path: str,
        M: np.ndarray,
        first_line: int,
        version: float,
        strict: Strictness,
        data: _FileData,
    ) -> None:
        self.path, self.M, self.first_line = path, M, first_line
        self.rinex2 = version < 3
        self.offset = 3 if self.rinex2 else 4
        self.strict, self.data = strict, data

    def lineno(self, row: np.ndarray | int) -> np.ndarray | int:
        return row + self.first_line

    def problem(self, reason: str, message: str, row: int) -> None:
        line = int(self.lineno(row))
        if self.strict is Strictness.RAISE and reason == "broken":
            raise RinexError(message, self.path, line)
        self.data.problems.append((reason, message, line))


# ----------------------------------------------------------------------------- block parse
#: Records whose text is parsed together (the character arrays of a step are its only
#: temporaries: ~1 MB per 1,000 eight-line records, instead of ~40 MB for a day at once).
_RECORDS_PER_STEP = 2048


def _parse_records(ctx: _Context, rows, counts, n_lines: int, slots_wanted: list[int]):
    """Epoch fields (6, n), field values (n, k) and bad flags (n,) of records ``rows``."""
    idx = rows[:, None] + np.arange(n_lines)[None, :]
    short = np.arange(n_lines)[None, :] >= counts[:, None]
    idx = np.where(short, 0, idx)
    block = ctx.M[idx][:, :, ctx.offset : ctx.offset + 76].copy()  # (n, lines, 76)
    block[short] = 32  # missing optional trailing lines read as blank → NaN
    slots = block.reshape(rows.size, n_lines * 4, 19)
    epoch, ok_epoch = parse_epochs(slots[:, 0, :], ctx.rinex2)
    vals, bad = parse_fields(slots[:, slots_wanted, :])
    return epoch, vals, bad | ~ok_epoch


def _parse_block(
    ctx: _Context, rows: np.ndarray, counts: np.ndarray, layout: Layout, what: str
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray] | None:
    """Fields and epochs of records starting at ``rows`` (first data line) of one layout.

    Returns (columns, epoch fields (6, n), kept rows) or None when nothing is left.
    """
    good = np.isin(counts, list(layout.accepted))
    for r, c in zip(rows[~good], counts[~good], strict=True):
        ctx.problem("broken", f"{what} record: expected {layout.n_lines} lines, found {c}", r)
    rows, counts = rows[good], counts[good]
    if rows.size == 0:
        return None
    named = layout.slots()
    parts = [
        _parse_records(ctx, rows[a : a + _RECORDS_PER_STEP], counts[a : a + _RECORDS_PER_STEP],
                       layout.n_lines, [s for s, _ in named])
        for a in range(0, rows.size, _RECORDS_PER_STEP)  # steps of records, not one each
    ]  # fmt: skip
    epoch = np.concatenate([p[0] for p in parts], axis=1)
    vals = np.concatenate([p[1] for p in parts])
    bad = np.concatenate([p[2] for p in parts])
    for r in rows[bad]:
        ctx.problem("broken", f"{what} record: a field is not a number or the epoch is invalid", r)
    keep = ~bad
    if not keep.any():
        return None
    cols = {}
    for j, (_, name) in enumerate(named):
        v = vals[keep, j]
        cols[name] = v * layout.scale[name] if name in layout.scale else v
    return cols, epoch[:, keep], rows[keep]


def _epoch_ns(epoch: np.ndarray, scale: TimeScale) -> np.ndarray:
    y, mo, d, h, mi, ns = epoch
    return Time.from_calendar(y, mo, d, h, mi, 0, nanosecond=ns, scale=scale).ns


def _sv_ids(
    ctx: _Context, rows: np.ndarray, system: str, col: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Satellite ids of the records' first lines (``"G01"``), from 'G01'/'G 1'/' 1', and
    whether the number field holds a number 1-99 (digits, leading blank allowed)."""
    M = ctx.M
    if ctx.rinex2:
        prn = M[rows, 0:2]
    else:
        prn = M[rows, col + 1 : col + 3]
    digit = (prn >= 48) & (prn <= 57)
    ok = digit[:, 1] & (digit[:, 0] | (prn[:, 0] == 32))
    prn = np.where(prn == 32, 48, prn)
    num = (prn[:, 0].astype(np.int64) - 48) * 10 + (prn[:, 1].astype(np.int64) - 48)
    ok &= num >= 1
    num = np.where(ok, num, 0)
    return np.char.add(system, np.char.zfill(num.astype(str), 2)), ok


# ------------------------------------------------------------------------ ephemeris tables
def _kepler_columns(cols: dict, system: str, message: str, toc: np.ndarray) -> None:
    """toe/ttm/top instants and the normalised week of Keplerian records (in place)."""
    scale = SYSTEM_SCALE[system]
    if system in "GJ" and message in ("CNAV", "CNV2"):
        # RINEX 4 CNAV/CNAV-2 give no toe: the ephemeris and clock epochs coincide (toe = toc)
        cols["toe_sow_s"] = np.mod(_label_ns(toc, scale), _WEEK_NS) / 1e9
    toe = nearest_of_period(toc, scale, cols["toe_sow_s"])
    cols["toe_ns"] = toe
    week_file = cols.pop("week_file", None)
    t = Time.from_ns(np.where(toe == NAT_NS, toc, toe), scale)
    week = t.week_tow()[0].astype(np.float64)
    cols["week"] = np.where(toe == NAT_NS, np.nan, week)
    if week_file is not None and system in "GEI":
        cols["week_file"] = week_file  # as written (GPS-aligned for E and I): kept for audit
    ref = np.where(toe == NAT_NS, toc, toe)
    cols["ttm_ns"] = nearest_of_period(ref, scale, cols.pop("ttm_s"))
    if "top_sow_s" in cols:
        cols["top_ns"] = nearest_of_period(toc, scale, cols["top_sow_s"])
    acc = cols.get("accuracy_m")
    if acc is not None:
        cols["accuracy_m"] = np.where(acc < 0, np.nan, acc)


def _glonass_columns(cols: dict, message: str, toc: np.ndarray, rinex2: bool) -> None:
    if message == "FDMA":
        # tk: seconds of the UTC day (RINEX 2) or of the UTC week (RINEX 3/4)
        period = _DAY_NS if rinex2 else _WEEK_NS
        cols["ttm_ns"] = nearest_of_period(toc, TimeScale.UTC, cols["tk_s"], period)
        for name in ("status_flags", "delta_tau_s", "urai", "health_flags"):
            cols.setdefault(name, np.full(toc.size, np.nan))
    else:
        # RINEX 4.02 CDMA: the transmission time's reference is not established: kept raw
        cols["ttm_sow_s"] = cols.pop("ttm_s")
        cols["ttm_ns"] = np.full(toc.size, NAT_NS, dtype=np.int64)


def _split_rinex3(system: str, cols: dict) -> dict[str, np.ndarray]:
    """Masks per message for RINEX 2/3 Galileo and BDS records."""
    n = next(iter(cols.values())).size
    if system == "E":
        ds = np.nan_to_num(cols["data_sources"]).astype(np.int64)
        inav = (ds & 0b101) != 0
        fnav = ((ds & 0b010) != 0) & ~inav
        return {"INAV": ~fnav, "FNAV": fnav}
    if system == "C":
        geo = (cols["i0_rad"] < _GEO_MAX_INCLINATION_RAD) & (
            np.abs(cols["sqrt_a_sqrtm"] / _GEO_SQRT_A - 1.0) < 0.01
        )
        return {"D1": ~geo, "D2": geo}
    return {RINEX3_DEFAULT_MESSAGE[system]: np.ones(n, dtype=bool)}


def _eph_block(
    ctx: _Context,
    system: str,
    message: str,
    rows: np.ndarray,
    counts: np.ndarray,
    sv_rows: np.ndarray | None = None,
) -> None:
    layout = EPH_LAYOUTS[(system, message)]
    parsed = _parse_block(ctx, rows, counts, layout, f"{system} {message}")
    if parsed is None:
        return
    cols, epoch, rows = parsed
    toc = _epoch_ns(epoch, SYSTEM_SCALE[system])
    if system in _KEPLER:
        _kepler_columns(cols, system, message, toc)
    elif system == "R":
        _glonass_columns(cols, message, toc, ctx.rinex2)
    else:  # SBAS: transmission time in seconds of the GPS week
        cols["ttm_ns"] = nearest_of_period(toc, TimeScale.GPST, cols.pop("ttm_s"))
    svs, ok_sv = _sv_ids(ctx, rows, system)
    for r in rows[~ok_sv]:
        ctx.problem("broken", f"{system} {message} record: satellite number is not 1-99", r)
    if not ok_sv.all():
        cols = {k: v[ok_sv] for k, v in cols.items()}
        rows, svs, toc = rows[ok_sv], svs[ok_sv], toc[ok_sv]
        if rows.size == 0:
            return
    base = {"sv": svs, "toc_ns": toc}
    if not ctx.rinex2 and ctx.data.header["version"] >= 4:
        masks = {message: np.ones(rows.size, dtype=bool)}
    else:
        masks = _split_rinex3(system, cols)
    for msg, mask in masks.items():
        if not mask.any():
            continue
        df = pd.DataFrame(
            {**{k: v[mask] for k, v in base.items()}, **{k: v[mask] for k, v in cols.items()}}
        )
        df["source_file"] = ctx.path
        df["source_line"] = ctx.lineno(rows[mask] - (0 if sv_rows is None else 1))
        ctx.data.eph.setdefault(f"{system}_{msg}", []).append(df)


# --------------------------------------------------------------------- RINEX 4 other records
def _meta(ctx: _Context, starts: np.ndarray) -> tuple[np.ndarray, str]:
    svs = np.array([ctx.M[s, 6:9].tobytes().decode("latin-1").strip() for s in starts])
    return np.where(np.char.str_len(svs) > 1, svs, ""), ""


def _record_table(
    ctx: _Context,
    system: str,
    message: str,
    starts: np.ndarray,
    counts: np.ndarray,
    layout: Layout,
    what: str,
):
    parsed = _parse_block(ctx, starts + 1, counts, layout, what)
    if parsed is None:
        return None
    cols, epoch, rows = parsed
    scale = SYSTEM_SCALE.get(system, TimeScale.GPST)
    t = _epoch_ns(epoch, scale)
    svs, _ = _meta(ctx, rows - 1)
    base = {"system": system, "message": message, "sv": svs}
    return cols, t, rows, base, scale


def _sto_block(ctx, system, message, starts, counts) -> None:
    res = _record_table(ctx, system, message, starts, counts, STO_LAYOUT, "STO")
    if res is None:
        return
    cols, t, rows, base, scale = res
    text = [ctx.M[r].tobytes().decode("latin-1") for r in rows]
    kinds = np.array([s[24:28].strip() for s in text])
    df = pd.DataFrame(
        {
            "kind": kinds,
            "source": "STO",
            **base,
            "ref_time_ns": t,
            "a0_s": cols["a0_s"],
            "a1_sps": cols["a1_sps"],
            "a2_sps2": cols["a2_sps2"],
            "ttm_ns": nearest_of_period(t, scale, cols["ttm_s"]),
            "sbas_id": [s[43:61].strip() for s in text],
            "utc_id": [s[61:80].strip() for s in text],
        }
    )
    df["source_file"] = ctx.path
    df["source_line"] = ctx.lineno(rows - 1)
    ctx.data.sto.append(df)


def _ion_block(ctx, system, message, starts, counts) -> None:
    model, layout = ION_LAYOUTS[(system, message)]
    res = _record_table(ctx, system, message, starts, counts, layout, f"ION {system} {message}")
    if res is None:
        return
    cols, t, rows, base, _ = res
    df = pd.DataFrame({**base, "model": model, "time_ns": t, **cols, "source": "ION"})
    df["source_file"] = ctx.path
    df["source_line"] = ctx.lineno(rows - 1)
    ctx.data.ion.append(df)


def _eop_block(ctx, system, message, starts, counts) -> None:
    res = _record_table(ctx, system, message, starts, counts, EOP_LAYOUT, "EOP")
    if res is None:
        return
    cols, t, rows, base, scale = res
    ttm = nearest_of_period(t, scale, cols.pop("ttm_s"))
    df = pd.DataFrame({**base, "ref_time_ns": t, **cols, "ttm_ns": ttm})
    df["source_file"] = ctx.path
    df["source_line"] = ctx.lineno(rows - 1)
    ctx.data.eop.append(df)


# ----------------------------------------------------------------------------- file driver
#: Columns of a RINEX 4 record line ("> EPH G01 LNAV") that name its type: record type,
#: system letter, message type (the satellite number is left out).
_V4_KEY_COLUMNS = [2, 3, 4, 6, 10, 11, 12, 13]


def _group_keys(M: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cols = M[starts][:, _V4_KEY_COLUMNS]
    keys = np.ascontiguousarray(cols).view(f"S{len(_V4_KEY_COLUMNS)}").ravel()
    uniq, inv = np.unique(keys, return_inverse=True)
    return uniq, inv


def _record_starts(ctx: _Context, version: float, system: str) -> np.ndarray:
    M = ctx.M
    if version >= 4:
        return np.flatnonzero(M[:, 0] == ord(">"))
    if version < 3:
        return np.flatnonzero((M[:, 0] != 32) | (M[:, 1] != 32))
    return np.flatnonzero(M[:, 0] != 32)


def _read_body(ctx: _Context, version: float, system: str) -> None:
    M = ctx.M
    starts = _record_starts(ctx, version, system)
    nonblank = np.flatnonzero((M != 32).any(axis=1))
    if nonblank.size and (starts.size == 0 or nonblank[0] < starts[0]):
        ctx.problem("broken", "data lines before the first record", int(nonblank[0]))
    last = nonblank[-1] + 1 if nonblank.size else 0
    ends = np.append(starts[1:], max(last, starts[-1] + 1 if starts.size else 0))
    counts = ends - starts
    if version >= 4:
        uniq, inv = _group_keys(M, starts)
        for g, key in enumerate(uniq):
            sel = inv == g
            text = key.decode("latin-1").ljust(8)
            rtype, sys_, msg = text[0:3], text[3:4], text[4:8].strip()
            s, c = starts[sel], counts[sel] - 1
            if rtype == "EPH" and (sys_, msg) in EPH_LAYOUTS:
                _eph_block(ctx, sys_, msg, s + 1, c, sv_rows=s)
            elif rtype == "STO":
                _sto_block(ctx, sys_, msg, s, c)
            elif rtype == "ION" and (sys_, msg) in ION_LAYOUTS:
                _ion_block(ctx, sys_, msg, s, c)
            elif rtype == "EOP":
                _eop_block(ctx, sys_, msg, s, c)
            else:
                for r in s:
                    ctx.problem(
                        "unknown_record", f"unknown record type {rtype} {sys_} {msg}", int(r)
                    )
        return
    if version < 3:
        groups = {system: np.ones(starts.size, dtype=bool)}
    else:
        codes = M[starts, 0]
        groups = {chr(int(c)): codes == c for c in np.unique(codes)}
    for ch, sel in groups.items():
        if ch in RINEX3_DEFAULT_MESSAGE:
            # Galileo / BDS are read with one layout and split by content in _eph_block
            _eph_block(ctx, ch, RINEX3_DEFAULT_MESSAGE[ch], starts[sel], counts[sel])
        else:
            for r in starts[sel]:
                ctx.problem(
                    "unknown_record",
                    f"unknown satellite system {ch!r} in column 1 (expected one of "
                    f"{', '.join(RINEX3_DEFAULT_MESSAGE)})",
                    int(r),
                )


def _header_tables(data: _FileData, ref_ns: int) -> None:
    """ION and STO rows of the header, with their reference times resolved."""
    h, path = data.header, data.path
    if h["ion"]:
        df = pd.DataFrame(h.pop("ion"))
        df["time_ns"] = NAT_NS
        df["source"] = "header" if h["version"] >= 3 else "rinex2"
        df["source_file"] = path
        df["source_line"] = df.pop("line")
        data.ion.append(df)
    else:
        h.pop("ion")
    rows = []
    for e in h.pop("sto"):
        kind = e["kind"]
        sys_ = _STO_SCALE.get(kind[:2], "G")
        if "ref_date" in e:
            y, m, d = e["ref_date"]
            t = int(Time.from_calendar(y, m, d, scale="UTC").ns)
        elif not (np.isfinite(e["ref_week"]) and np.isfinite(e["ref_sow_s"])):
            t = NAT_NS
        elif not e["ref_week"] and not e["ref_sow_s"]:
            t = NAT_NS
        else:
            t = _week_candidate(sys_, int(e["ref_week"]), e["ref_sow_s"], ref_ns)
        rows.append(
            {
                "kind": kind,
                "source": "header" if h["version"] >= 3 else "rinex2",
                "system": sys_,
                "message": "",
                "sv": "",
                "ref_time_ns": t,
                "a0_s": e["a0_s"],
                "a1_sps": e["a1_sps"],
                "a2_sps2": 0.0,
                "ttm_ns": NAT_NS,
                "sbas_id": "",
                "utc_id": e["utc_id"],
                "source_file": path,
                "source_line": e["line"],
            }
        )
    if rows:
        data.sto.append(pd.DataFrame(rows))


def _week_candidate(system: str, week: int, sow: float, ref_ns: int) -> int:
    """Reference time of a header correction: the week read in the system's own numbering
    or GPS-aligned (RINEX 3 Galileo/NavIC practice) or modulo 1024, whichever lies nearest
    the file's data."""
    scale = SYSTEM_SCALE[system]
    cands = []
    for w in {week, week - 1024, week - 1356}:
        for sc in (scale, TimeScale.GPST):
            if sc in (TimeScale.UTC,) or w < 0:
                continue
            try:
                cands.append(int(Time.from_week_tow(w, sow, sc).ns))
            except Exception:  # noqa: BLE001 - a scale without weeks: not a candidate
                continue
    if ref_ns == NAT_NS or not cands:
        return cands[0] if cands else NAT_NS
    best = min(cands, key=lambda c: abs(c - ref_ns))
    if abs(best - ref_ns) > 512 * _WEEK_NS:  # 10-bit week: bring it next to the data
        best += int(np.rint((ref_ns - best) / (1024 * _WEEK_NS))) * 1024 * _WEEK_NS
    return best


def _drop_implausible(data: _FileData) -> int:
    """Drop records whose epoch is before 1980-01-06 or > 30 days from the file's median."""
    all_toc = [df["toc_ns"].to_numpy() for lst in data.eph.values() for df in lst]
    if not all_toc:
        return NAT_NS
    ref = int(np.median(np.concatenate(all_toc)))
    limit = IMPLAUSIBLE_EPOCH_DAYS * _DAY_NS
    for lst in data.eph.values():
        for i, df in enumerate(lst):
            toc = df["toc_ns"].to_numpy()
            bad = (toc < 0) | (np.abs(toc - ref) > limit)
            if bad.any():
                data.implausible.extend(df["source_line"].to_numpy()[bad].tolist())
                lst[i] = df[~bad]
    return ref


def _read_file(path: str, order: int, strict: Strictness) -> _FileData:
    raw = read_bytes(path)
    if b"\r" in raw:
        raw = raw.replace(b"\r", b"")
    head_lines, body, n_head = split_header(raw, path)
    del raw  # the body is a copy: one text alive, not two
    header = parse_header(head_lines, path)
    data = _FileData(path=path, order=order, header=header)
    M = line_matrix(body)
    del body  # the matrix holds the text from here on
    ctx = _Context(path, M, n_head + 1, header["version"], strict, data)
    _read_body(ctx, header["version"], header["system"])
    ref = _drop_implausible(data)
    _header_tables(data, ref)
    return data


# ----------------------------------------------------------------------------- assembling
_FRONT = ["sv", "toc_ns", "toe_ns"]
_BACK = ["source_file", "source_line"]


def _finish_eph(frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, int]:
    df = pd.concat(frames, ignore_index=True)
    df, dropped = deduplicate(df)
    df = df.drop(columns=["_file_order"])
    sort = ["sv", "toe_ns" if "toe_ns" in df.columns else "toc_ns"]
    if "ttm_ns" in df.columns:
        sort.append("ttm_ns")
    df = df.sort_values(sort, kind="mergesort").reset_index(drop=True)
    cols = [c for c in _FRONT if c in df.columns]
    cols += [c for c in df.columns if c not in cols and c not in _BACK] + _BACK
    df = df[cols]
    for c in df.columns:
        if c.endswith("_ns"):
            df[c] = df[c].astype(np.int64)
    df["source_line"] = df["source_line"].astype(np.int64)
    return df, dropped


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)


def read_nav(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    strict: Strictness | str | bool = "warn",
) -> Navigation:
    """Read RINEX navigation files (2.01-2.12, 3.00-3.05, 4.00-4.02) into tables.

    Parameters
    ----------
    paths : path or iterable of paths
        Plain or compressed (gzip, .Z, zip, bz2) files; several files are merged.
    strict : Strictness or {"raise", "warn", "ignore"} or bool
        A broken record (non-numeric field, invalid epoch, wrong number of lines) raises
        :class:`~kompas.errors.RinexError` naming file and line (``"raise"``), or is
        skipped and counted in ``nav.skipped["broken"]`` with one warning giving the count
        and the first location (``"warn"``) or silently (``"ignore"``).  Unknown RINEX 4
        record types are always skipped and counted (``"unknown_record"``).

    Returns
    -------
    Navigation
        Tables as specified in ``docs/nav_tables.md``.

    Notes
    -----
    *Implausible epochs.* An ephemeris whose epoch lies before 1980-01-06 or more than
    30 days from the median epoch of its file is dropped, counted in
    ``skipped["implausible_epoch"]`` and reported in a warning (unless ``"ignore"``).

    *Duplicates.* After concatenating all files, rows of a table with the same key
    (sv, toc_ns, toe_ns and the issue of data: iode / iod_nav / aode / iodec / iodn /
    e_i, whichever the table has) are merged: identical content keeps one row (the
    first by file order, then line); different content keeps the row with the latest
    transmission time ``ttm_ns`` (unknown counts as earliest), ties by file order then
    line.  The number removed is ``nav.duplicates_dropped``.

    *Weeks.* ``toe_ns`` is built from toe (seconds of week) in the week that puts it
    within ± half a week of toc, so GPS 10-bit rollovers of RINEX 2 files, Galileo and
    NavIC weeks written GPS-aligned (RINEX 3) and toe/toc on either side of a week
    boundary all resolve; ``week`` is then the system's own week of toe (GPS full week,
    GST week = GPS week - 1024, BDS week = GPS week - 1356, IRNSS week as GST).
    Transmission times (seconds of week) are taken in the week within ± half a week of toe.

    Raises
    ------
    RinexError
        For a file that is not a RINEX navigation file (observation file, garbage, empty),
        and, with ``strict="raise"``, at the first broken record.
    """
    strict = Strictness.coerce(strict)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = [_read_file(os.fspath(p), i, strict) for i, p in enumerate(paths)]
    if not files:
        raise ValueError("read_nav needs at least one path")
    nav = Navigation()
    eph: dict[str, list[pd.DataFrame]] = {}
    for f in files:
        for key, lst in f.eph.items():
            for df in lst:
                if len(df):
                    df = df.copy()
                    df["_file_order"] = f.order
                    eph.setdefault(key, []).append(df)
        nav.header.append(f.header)
        if f.header.get("leap_seconds") is not None:
            nav.leap_seconds = f.header["leap_seconds"]
    order = [k for k in _ORDER if k in eph]
    for key in order:
        nav.ephemerides[key], dropped = _finish_eph(eph[key])
        nav.duplicates_dropped += dropped
    nav.sto = _concat([d for f in files for d in f.sto])
    nav.ion = _concat([d for f in files for d in f.ion])
    nav.eop = _concat([d for f in files for d in f.eop])
    _report(nav, files, strict)
    return nav


_ORDER = [f"{s}_{m}" for (s, m) in EPH_LAYOUTS] + ["E_INAV", "E_FNAV", "C_D1", "C_D2"]
_ORDER = list(dict.fromkeys(_ORDER))


def _report(nav: Navigation, files: list[_FileData], strict: Strictness) -> None:
    problems = [(f.path, *p) for f in files for p in f.problems]
    for _, reason, _, _ in problems:
        nav.skipped[reason] = nav.skipped.get(reason, 0) + 1
    if problems:
        path, reason, message, line = problems[0]
        text = (
            f"{len(problems)} navigation record(s) skipped "
            f"({', '.join(f'{k}: {v}' for k, v in nav.skipped.items())}); "
            f"first at {path}:{line}: {message}"
        )
        nav.warnings.append(text)
        if strict is Strictness.WARN:
            warnings.warn(text, KompasWarning, stacklevel=3)
    bad = [(f.path, line) for f in files for line in f.implausible]
    if bad:
        nav.skipped["implausible_epoch"] = len(bad)
        text = (
            f"{len(bad)} ephemeris record(s) with an implausible epoch (before 1980-01-06 "
            f"or > {IMPLAUSIBLE_EPOCH_DAYS} days from the file's median) dropped; first "
            f"at {bad[0][0]}:{bad[0][1]}"
        )
        nav.warnings.append(text)
        if strict is not Strictness.IGNORE:
            warnings.warn(text, KompasWarning, stacklevel=3)
