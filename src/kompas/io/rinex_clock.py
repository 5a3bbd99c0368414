"""Read RINEX clock files (versions 2.00 to 3.04) into an xarray Dataset.

Format reference: "RINEX Extensions to Handle Clock Information" (Ray, Gurtner, Coleman),
versions 2.00 (1999), 3.00 (2006), 3.02 (2010) and 3.04 (2017). Version 3.04 widens the
clock name to nine characters (``"AS G01     2023 01 01 ..."``, 85-column lines, header labels
in columns 66-85); the records are therefore split on blanks, which reads every version.

Layout of the result:

==========================  ===============  ==========================================
variable                    dims             meaning
==========================  ===============  ==========================================
``clock_s``                 time, sv         satellite clock bias (``AS``), s
``clock_sigma_s``           time, sv         its sigma (NaN when not given), s
``clock_rate_sps``          time, sv         clock rate (only when given), s/s
``clock_rate_sigma_sps``    time, sv         its sigma (only when given), s/s
``receiver_clock_s``        time, station    receiver clock bias (``AR``), s
``receiver_clock_sigma_s``  time, station    its sigma, s
==========================  ===============  ==========================================

``time`` holds ``datetime64[ns]`` labels in the file's time system
(``attrs["time_scale"]``; GPS time when the file does not say). ``CR``, ``DR`` and ``MS``
records are counted in ``attrs["n_other_records"]`` and not stored.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from kompas.errors import KompasError, RinexError, Strictness
from kompas.io.compress import read_bytes
from kompas.io.sp3 import (
    SP3_TIME_SYSTEMS,
    _bad_fields,
    _calendar_to_datetime64,
    _char_matrix,
    _fixed_width_numbers,
    _Problems,
    _valid_calendar,
)

__all__ = ["read_rinex_clock"]

_RECORD_TYPES = (b"AS", b"AR", b"CR", b"DR", b"MS")
_EPOCH_FORMATS = [("I", 0)] * 5 + [("F", 6)]
_VALUE_FORMATS = [("I", 0), ("E", 12), ("E", 12)]


@dataclass
class _ClockPart:
    path: str
    version: float
    time_system: str
    analysis_center: str
    comments: list[str]
    times: np.ndarray
    sat: dict[str, tuple[np.ndarray, np.ndarray]]  # var -> (names, (T, N) array)
    rcv: dict[str, tuple[np.ndarray, np.ndarray]]
    n_other: int
    n_skipped: int
    notices: list[str]


#: One number of a blank-separated clock record: integers (epoch, count) or E-format values
#: with their full exponent (a value cut short does not match and makes the record bad).
_TOKEN = re.compile(rb"[+-]?\d+|[+-]?\d*\.\d+(?:[EeDd][+-]\d{2,3})?")
_VALUE_TOKEN = re.compile(rb"[+-]?\d*\.\d+[EeDd][+-]\d{2,3}")


def _split_numbers(rows: np.ndarray, ncols: int, n_lead: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Split blank-separated numbers of each row of a uint8 char matrix (slow, exact path).

    The first ``n_lead`` tokens may be integers or fixed-point numbers (epoch fields and the
    value count); the others must be complete E-format values.  Returns (values (n, ncols)
    float64 with NaN for missing fields, mask of rows that are malformed: more than
    ``ncols`` fields or a token that is not a number of its kind).
    """
    n = rows.shape[0]
    vals = np.full((n, ncols), np.nan)
    bad = np.zeros(n, bool)
    for i in range(n):
        tokens = rows[i].tobytes().split()
        if len(tokens) > ncols:
            bad[i] = True
            continue
        for j, tok in enumerate(tokens):
            pattern = _TOKEN if j < n_lead else _VALUE_TOKEN
            if pattern.fullmatch(tok) is None:
                bad[i] = True
                break
            vals[i, j] = float(tok.replace(b"D", b"E").replace(b"d", b"e"))
    return vals, bad


def _parse_records(
    chars: np.ndarray, width: int, lines: list[bytes]
) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of data records: (n, 9) = Y M D h m s n v1 v2, and a too-many-fields mask.

    Fast path: the fixed columns of the format (name field ``width`` wide). Records that do
    not fit them (shifted columns from a non-conforming writer) are split on blanks.
    """
    w = width
    n = chars.shape[0]
    # records of one epoch are consecutive: parse each distinct epoch string once
    keys = chars[:, w + 4 : w + 30].copy().view("S26").ravel()
    new = np.ones(n, bool)
    new[1:] = keys[1:] != keys[:-1]
    group = np.cumsum(new) - 1
    ep_spans = [(w + 4, w + 8), (w + 9, w + 11), (w + 12, w + 14), (w + 15, w + 17)]
    ep_spans += [(w + 18, w + 20), (w + 21, w + 30)]
    first_rows = chars[new]
    ep = _fixed_width_numbers(first_rows, ep_spans)
    ep[_bad_fields(first_rows, ep_spans, ep, _EPOCH_FORMATS)] = np.nan
    ep[(np.mod(ep[:, :5], 1) != 0).any(axis=1)] = np.nan
    val_spans = [(w + 30, w + 33), (w + 36, w + 55), (w + 56, w + 75)]
    fl = _fixed_width_numbers(chars, val_spans)
    num = np.column_stack([ep[group], fl])
    n_given = np.nan_to_num(num[:, 6])
    misfit = np.isnan(num[:, :8]).any(axis=1) | (np.isnan(num[:, 8]) & (n_given >= 2))
    misfit |= _bad_fields(chars, val_spans, fl, _VALUE_FORMATS)
    misfit |= (chars[:, w + 75 :] != 32).any(axis=1)
    too_long = np.zeros(len(num), bool)
    if misfit.any():
        idx = np.flatnonzero(misfit)
        rest = _char_matrix([lines[i][3 + w :] for i in idx], 100)
        num[idx], too_long[idx] = _split_numbers(rest, 9, n_lead=7)
    return num, too_long


def _name_width(first_record: bytes) -> int:
    """Width of the clock-name field: 4 (versions 2.00-3.02) or 9 (3.04), from a record.

    The epoch's year is the token after the name; its start column fixes the layout.
    """
    text = first_record.decode("ascii", "replace")
    tokens = text.split()
    if len(tokens) < 3:
        return 4
    year_at = text.find(" " + tokens[2], 3 + len(tokens[1])) + 1
    return max(year_at - 4, 4)


#: RINEX clock versions read (the 3.04 header has another layout, see :func:`_version_line`).
SUPPORTED_VERSIONS = (2.0, 3.0, 3.01, 3.02, 3.04)
_SUPPORTED_TEXT = "2.00, 3.00, 3.01, 3.02, 3.04"


def _version_line(first: str, path: str) -> tuple[float, int]:
    """Version and header-label column of the ``RINEX VERSION / TYPE`` line.

    Versions 2.00-3.02: ``F9.2,11X,A1,19X,A1,19X`` + label in columns 61-80 (file type in
    column 21).  Version 3.04 (RINEX clock 3.04, 2017, Table A1) widens the header to 85
    columns: ``F4.2,17X,A1,20X,A1,22X`` + label in columns 66-85 (file type in column 22,
    satellite system in column 43).  Both layouts are recognised by where the label sits.
    """
    at = first.find("RINEX VERSION / TYPE")
    if at < 0:
        raise RinexError(
            "not a RINEX clock file: no 'RINEX VERSION / TYPE' label on line 1", path, 1
        )
    text = first[: min(at, 9)].strip()
    try:
        version = float(text)
    except ValueError:
        raise RinexError(
            f"not a RINEX clock file: version {text!r} (columns 1-9) is not a number", path, 1
        ) from None
    if round(version, 2) not in SUPPORTED_VERSIONS:
        raise RinexError(
            f"unsupported RINEX clock version {version:.2f} (supported: {_SUPPORTED_TEXT})",
            path,
            1,
        )
    wide = at >= 65 or version >= 3.04
    type_columns = (21, 20) if wide else (20,)  # 3.04: column 22; older writers: 21
    if not any(first[c : c + 1] == "C" for c in type_columns):
        col = "22" if wide else "21"
        raise RinexError(
            f"not a RINEX clock file: file type (column {col}) must be 'C', found "
            f"{first[type_columns[0] : type_columns[0] + 1]!r}",
            path,
            1,
        )
    return version, (65 if wide else 60)


def _header(lines: list[bytes], path: str) -> tuple[float, str, str, list[str], int]:
    """Return (version, time system, analysis centre, comments, index of the first data line)."""
    first = lines[0].decode("latin-1").rstrip("\r\n") if lines else ""
    version, lab = _version_line(first, path)
    time_system, center, comments = "GPS", "", []
    for i, raw in enumerate(lines):
        line = raw.decode("latin-1").rstrip("\r\n")
        label = line[lab:].strip() if len(line) > lab else line[60:].strip()
        if "END OF HEADER" in line[55:]:
            return version, time_system, center, comments, i + 1
        if label.startswith("TIME SYSTEM ID"):
            ts = line[3:6].strip().upper()
            if ts in SP3_TIME_SYSTEMS:
                time_system = ts
        elif label.startswith("ANALYSIS CENTER"):
            center = line[:3].strip()
        elif label.startswith("COMMENT"):
            comments.append(line[:lab].rstrip())
    raise RinexError("no END OF HEADER line", path, len(lines))


def _grid(
    names: np.ndarray,
    tix: np.ndarray,
    values: dict[str, np.ndarray],
    n_times: int,
    lines: np.ndarray,
    problems: _Problems,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Scatter per-record values onto (time, name) grids.

    Duplicates (same epoch and clock name): the first record is kept; identical copies are
    merged silently, copies with other values are reported (line of the first such copy).
    """
    uniq, inv = np.unique(names, return_inverse=True)
    inv = inv.ravel()
    flat = tix * max(len(uniq), 1) + inv
    _, first, back = np.unique(flat, return_index=True, return_inverse=True)
    twin = first[back.ravel()]
    dup = twin != np.arange(len(flat))
    if dup.any():
        differ = np.zeros(len(flat), bool)
        for v in values.values():
            a, b = v[dup], v[twin[dup]]
            differ[np.flatnonzero(dup)] |= ~((a == b) | (np.isnan(a) & np.isnan(b)))
        problems.report(
            lines[differ],
            "duplicate clock record for the same epoch and name with different values "
            "(the first is kept)",
        )
    out = {}
    for k, v in values.items():
        arr = np.full((n_times, len(uniq)), np.nan)
        arr[tix[first], inv[first]] = v[first]
        out[k] = (np.char.decode(uniq, "ascii"), arr)
    return out


_PRINTABLE = np.zeros(256, bool)
_PRINTABLE[32:127] = True
_SV_LETTERS = np.frombuffer(b"GRECJIS", np.uint8)


def _bad_names(chars: np.ndarray, width: int, types: np.ndarray) -> np.ndarray:
    """Records whose name field is not printable ASCII, or (``AS``) not a satellite id."""
    field = chars[:, 3 : 3 + width]
    bad = ~_PRINTABLE[field].all(axis=1) | (field == 32).all(axis=1)
    is_as = types == b"AS"
    sv_ok = (
        np.isin(field[:, 0], _SV_LETTERS)
        & (field[:, 1] >= 48)
        & (field[:, 1] <= 57)
        & (field[:, 2] >= 48)
        & (field[:, 2] <= 57)
        & (field[:, 3:] == 32).all(axis=1)
    )
    return bad | (is_as & ~sv_ok)


def _parse_file(path: str | os.PathLike, strict: Strictness) -> _ClockPart:
    name = os.fspath(path)
    lines = read_bytes(path).replace(b"\r", b"").split(b"\n")
    version, time_system, center, comments, start = _header(lines, name)
    problems = _Problems(strict, name, RinexError)
    body = lines[start:]
    line_no = np.arange(start + 1, start + 1 + len(body))
    kind = np.array(body, dtype="S2") if body else np.zeros(0, "S2")
    is_rec = np.isin(kind, _RECORD_TYPES)
    is_cont = np.zeros(len(body), bool)
    is_cont[[i for i in np.flatnonzero(~is_rec) if body[i].strip()]] = True

    rec_lines = list(itertools.compress(body, is_rec))
    width = _name_width(rec_lines[0]) if rec_lines else 4
    chars = _char_matrix(rec_lines, 3 + width + 80)
    types = chars[:, 0:2].copy().view("S2").ravel()
    names = np.char.strip(chars[:, 3 : 3 + width].copy().view(f"S{width}").ravel())
    num, too_long = _parse_records(chars, width, rec_lines)
    rec_no = line_no[is_rec]
    bad = np.isnan(num[:, :8]).any(axis=1) | too_long | _bad_names(chars, width, types)
    bad |= ~_valid_calendar(np.nan_to_num(num[:, :6], nan=-1.0))
    bad |= (num[:, 6] < 1) | (num[:, 6] > 6)
    problems.report(
        rec_no[bad],
        "malformed clock data record (expected type, name, epoch 'yyyy mm dd hh mm ss.ssssss', "
        "number of values 1-6, values in E19.12)",
    )
    good = ~bad
    times_all = _calendar_to_datetime64(num[good, :6])
    back = np.flatnonzero(np.diff(times_all.astype(np.int64)) < 0)
    if back.size:  # records are written epoch by epoch: a step back is a damaged epoch
        problems.notice(
            f"{back.size} record(s) earlier than the record before them (first at line "
            f"{int(rec_no[good][back[0] + 1])}): epochs out of order or damaged"
        )
    times, tix_good = np.unique(times_all, return_inverse=True)
    tix = np.full(len(num), -1, np.int64)
    tix[good] = tix_good.ravel()
    nvals = np.nan_to_num(num[:, 6]).astype(np.int64)
    v1, v2 = num[:, 7], np.where(nvals >= 2, num[:, 8], np.nan)

    # continuation lines (values 3..6 when n > 2) belong to the record just above
    owner = np.cumsum(is_rec) - 1  # record ordinal owning each line
    cont_owner = owner[is_cont]
    v3 = np.full(len(num), np.nan)
    v4 = np.full(len(num), np.nan)
    if is_cont.any():
        cont_lines = list(itertools.compress(body, is_cont))
        cont, cont_long = _split_numbers(_char_matrix(cont_lines, 100), 4)
        a, b = cont[:, 0], cont[:, 1]
        orphan = (cont_owner < 0) | np.isnan(a) | cont_long
        orphan[~orphan] |= nvals[cont_owner[~orphan]] <= 2
        problems.report(line_no[is_cont][orphan], "unexpected line in the data section")
        ok = ~orphan
        v3[cont_owner[ok]] = a[ok]
        v4[cont_owner[ok]] = np.where(nvals[cont_owner[ok]] >= 4, b[ok], np.nan)
    has_cont = np.zeros(len(num), bool)
    if is_cont.any():
        has_cont[cont_owner[ok]] = True
    lost = good & (nvals > 2) & ~has_cont
    if lost.any():
        problems.notice(
            f"{int(lost.sum())} record(s) announce more than 2 values but have no "
            f"continuation line (first at line {int(rec_no[lost][0])}); values 3-6 are NaN"
        )

    sat = rcv = {}
    as_m = good & (types == b"AS")
    if as_m.any():
        vals = {"clock_s": v1[as_m], "clock_sigma_s": v2[as_m]}
        if np.isfinite(v3[as_m]).any():
            vals["clock_rate_sps"] = v3[as_m]
            vals["clock_rate_sigma_sps"] = v4[as_m]
        sat = _grid(names[as_m], tix[as_m], vals, len(times), rec_no[as_m], problems)
    ar_m = good & (types == b"AR")
    if ar_m.any():
        vals = {"receiver_clock_s": v1[ar_m], "receiver_clock_sigma_s": v2[ar_m]}
        rcv = _grid(names[ar_m], tix[ar_m], vals, len(times), rec_no[ar_m], problems)
    n_other = int((good & ~as_m & ~ar_m).sum())
    problems.finish()
    return _ClockPart(
        name,
        version,
        time_system,
        center,
        comments,
        times,
        sat,
        rcv,
        n_other,
        problems.count,
        problems.notices,
    )


def _merge_var(
    parts: list[_ClockPart], attr: str, var: str, times: np.ndarray, names: np.ndarray
) -> np.ndarray:
    """Join one variable along time onto (times, names); earlier files win unless NaN."""
    out = np.full((len(times), len(names)), np.nan)
    for p in reversed(parts):
        if var not in getattr(p, attr):
            continue
        nm, arr = getattr(p, attr)[var]
        ti = np.searchsorted(times, p.times)
        ni = np.searchsorted(names, nm)
        sub = out[np.ix_(ti, ni)]
        ok = np.isfinite(arr)
        sub[ok] = arr[ok]
        out[np.ix_(ti, ni)] = sub
    return out


def read_rinex_clock(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    strict: Strictness | str | bool = "warn",
) -> xr.Dataset:
    """Read one or several RINEX clock files (2.00, 3.00-3.02, 3.04; any compression).

    Parameters
    ----------
    paths : path or iterable of paths
        Clock files, joined along ``time``; at an epoch present in several files the earlier
        file's value wins unless it is missing. All files must share one time system.
    strict : Strictness or {"raise", "warn", "ignore"} or bool
        Policy for malformed data records (raise with file and line, or skip and count in
        ``attrs["n_skipped_records"]``).

    Returns
    -------
    xarray.Dataset
        Dims ``time`` (datetime64[ns] labels, ``attrs["time_scale"]``), ``sv`` and, when the
        file holds ``AR`` records, ``station``; variables as in the module docstring.

    Raises
    ------
    RinexError
        Not a RINEX clock file, or a malformed record with ``strict="raise"``.
    KompasError
        The files use different time systems.
    """
    strictness = Strictness.coerce(strict)
    files = [os.fspath(paths)] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not files:
        raise ValueError("read_rinex_clock needs at least one path")
    parts = [_parse_file(f, strictness) for f in files]
    systems = {p.time_system for p in parts}
    if len(systems) > 1:
        raise KompasError(f"clock files use different time systems {sorted(systems)}: {files}")
    times = np.unique(np.concatenate([p.times for p in parts]))
    data_vars = {}
    coords: dict[str, np.ndarray] = {"time": times}
    for attr, dim in (("sat", "sv"), ("rcv", "station")):
        variables = sorted({v for p in parts for v in getattr(p, attr)})
        names = sorted({n for p in parts for v in getattr(p, attr).values() for n in v[0]})
        coords[dim] = np.array(names, dtype=str)
        for var in variables:
            data_vars[var] = (("time", dim), _merge_var(parts, attr, var, times, coords[dim]))
    if not len(coords["station"]):
        del coords["station"]
    if "clock_s" not in data_vars:
        data_vars["clock_s"] = (("time", "sv"), np.zeros((len(times), len(coords["sv"]))))
    ds = xr.Dataset(data_vars, coords=coords)
    for k in ds.data_vars:
        ds[k].attrs["units"] = "s/s" if "rate" in k else "s"
    ts = SP3_TIME_SYSTEMS[parts[0].time_system]
    ds.attrs.update(
        rinex_version=parts[0].version,
        time_system_rinex=parts[0].time_system,
        time_scale=ts,
        analysis_center=parts[0].analysis_center,
        comments="\n".join(c for p in parts for c in p.comments),
        source=";".join(Path(p.path).name for p in parts),
        n_other_records=int(sum(p.n_other for p in parts)),
        n_skipped_records=int(sum(p.n_skipped for p in parts)),
        notices="\n".join(f"{p.path}: {m}" for p in parts for m in p.notices),
    )
    ds["time"].attrs["time_scale"] = ts
    return ds
