"""Read SP3 precise orbit files (SP3-a, -b, -c and -d) into an xarray Dataset.

Format reference: the IGS "SP3-c" (2007) and "SP3-d" (2016, rev. 2019) format descriptions;
SP3-a (Remondi 1989) has no system letter in satellite ids (GPS implied) and no time-system
field (GPS time implied).

Layout of the result (dims ``time``, ``sv``, ``xyz``):

==========================  ===============  ==========================================
variable                    dims             meaning
==========================  ===============  ==========================================
``position_m``              time, sv, xyz    ECEF position in the file's frame, m
``clock_s``                 time, sv         satellite clock offset, s
``velocity_mps``            time, sv, xyz    ECEF velocity, m/s (only with ``V`` records)
``clock_rate_sps``          time, sv         clock rate, s/s (only with ``V`` records)
``position_sigma_m``        time, sv, xyz    standard deviations (only when given)
``clock_sigma_s``           time, sv         clock standard deviation (only when given)
``velocity_sigma_mps``      time, sv, xyz    (only with ``V`` records carrying them)
``clock_rate_sigma_sps``    time, sv         (only with ``V`` records carrying them)
``clock_event``             time, sv         flag ``E``: clock discontinuity at this epoch
``clock_predicted``         time, sv         flag ``P`` in column 76
``maneuver``                time, sv         flag ``M``: orbit manoeuvre at this epoch
``orbit_predicted``         time, sv         flag ``P`` in column 80
``accuracy_m``              sv               header accuracy 2**code mm, in m (NaN: unknown)
==========================  ===============  ==========================================

Missing and bad values are NaN: a position component of exactly ``0.000000`` marks the whole
position bad (the format's bad/absent marker), a clock ``999999.999999`` (or a larger
magnitude) marks the clock bad; the same markers apply to velocity and clock rate.
Units converted: km -> m, microseconds -> s, dm/s -> m/s, 1e-4 microseconds/s -> s/s,
sigma bases: mm, ps, 1e-4 mm/s, 1e-4 ps/s.

``time`` holds ``datetime64[ns]`` labels in the file's own time system, named in
``attrs["time_scale"]`` (``"GPST"``, ``"GST"``, ``"BDT"``, ``"GLONASST"``, ``"UTC"``, ...).
IGS/MGEX SP3 orbits refer to the satellite centre of mass (``attrs["reference_point"] =
"com"``).
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from kompas.errors import FormatError, KompasError, KompasWarning, Strictness
from kompas.io.compress import read_bytes

__all__ = ["read_sp3", "SP3_TIME_SYSTEMS"]

#: SP3 time-system field (``%c`` line, columns 10-12) -> kompas time-scale name.
SP3_TIME_SYSTEMS: dict[str, str] = {
    "GPS": "GPST",
    "GAL": "GST",
    "GLO": "GLONASST",
    "BDT": "BDT",
    "BDS": "BDT",
    "QZS": "QZSST",
    "IRN": "IRNSST",
    "TAI": "TAI",
    "UTC": "UTC",
}

_KM = 1e3  # km -> m
_US = 1e-6  # microsecond -> s
_DMPS = 1e-1  # dm/s -> m/s
_RATE = 1e-10  # 1e-4 microsecond/s -> s/s
_CLOCK_BAD = 999999.0  # |clock| >= this: bad/absent marker 999999.999999
_WIDTH = 80  # SP3 data records are 80 columns wide

# 0-based [start, end) columns of a P or V record (SP3-c/d; SP3-a/b are a subset).
_REC_SPANS = [
    (4, 18),  # x (km) or vx (dm/s)
    (18, 32),  # y
    (32, 46),  # z
    (46, 60),  # clock (us) or clock rate (1e-4 us/s)
    (61, 63),  # x sigma exponent
    (64, 66),  # y sigma exponent
    (67, 69),  # z sigma exponent
    (70, 73),  # clock sigma exponent
]
_REC_FORMATS = [("F", 6)] * 4 + [("I", 0)] * 4
_EPOCH_SPANS = [(3, 7), (8, 10), (11, 13), (14, 16), (17, 19), (20, 31)]
_EPOCH_FORMATS = [("I", 0)] * 5 + [("F", 8)]


# ----------------------------------------------------------------------------------------
# vectorised fixed-width parsing (shared by the SP3 and RINEX-clock readers)
# ----------------------------------------------------------------------------------------
def _char_matrix(lines: Sequence[bytes], width: int) -> np.ndarray:
    """Lines as an (n, width) uint8 matrix, padded with blanks (longer lines truncated)."""
    if len(lines) == 0:
        return np.zeros((0, width), np.uint8)
    m = np.array(lines, dtype=f"S{width}").view(np.uint8).reshape(len(lines), width).copy()
    m[m == 0] = 32
    return m


#: Bytes a numeric field may hold; any other byte (non-ASCII, ',', letters) makes it bad.
_NUMBER_BYTES = np.zeros(256, bool)
_NUMBER_BYTES[np.frombuffer(b"0123456789 .+-EeDd", np.uint8)] = True
_DIGIT_BYTES = np.zeros(256, bool)
_DIGIT_BYTES[48:58] = True

#: A field format: ("F", decimals) Fortran Fw.d; ("E", decimals) Ew.d; ("I", 0) integer.
FieldFormat = tuple[str, int]


def _fixed_width_numbers(chars: np.ndarray, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """Parse fixed-width numeric fields of every row at once.

    Parameters
    ----------
    chars : numpy.ndarray of uint8, shape (n, width)
    spans : list of (start, end)
        0-based, end-exclusive column ranges.

    Returns
    -------
    numpy.ndarray of float64, shape (n, len(spans))
        Blank fields are NaN. Fields holding a byte that cannot be part of a number (or
        text that is not one number) are NaN too; :func:`_bad_fields` reports them.
    """
    n = chars.shape[0]
    if n == 0:
        return np.zeros((0, len(spans)))
    parts = []
    sep = np.full((n, 1), ord(","), np.uint8)
    for s, e in spans:
        field = chars[:, s:e]
        clean = _NUMBER_BYTES[field].all(axis=1)
        if not clean.all():  # blank it for the parser: NaN here, flagged by _bad_fields
            field = field.copy()
            field[~clean] = 32
        if ((field == 68) | (field == 100)).any():  # Fortran D exponent
            field = np.where((field == 68) | (field == 100), np.uint8(69), field)
        parts.append(field)
        parts.append(sep)
    parts[-1] = np.full((n, 1), ord("\n"), np.uint8)
    buf = np.hstack(parts).tobytes()
    df = pd.read_csv(
        io.BytesIO(buf),
        header=None,
        names=list(range(len(spans))),
        skipinitialspace=True,
        na_filter=True,
        keep_default_na=False,
        na_values=[""],
        engine="c",
        encoding="ascii",
        skip_blank_lines=False,
    )
    out = np.empty((n, len(spans)))
    for j in range(len(spans)):
        col = df[j]
        if col.dtype.kind in "fiu":
            out[:, j] = col.to_numpy(dtype=np.float64)
        else:  # some field is not a number: coerce, the caller detects it
            out[:, j] = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64)
    return out


def _shape_bad(field: np.ndarray, fmt: FieldFormat) -> np.ndarray:
    """Non-blank fields that do not have the fixed shape of ``fmt`` (cut, shifted, ...)."""
    kind, decimals = fmt
    w = field.shape[1]
    if kind == "I":
        ok = (_DIGIT_BYTES[field] | (field == 32) | (field == 45)).all(axis=1)
        return ~ok
    last_digit = _DIGIT_BYTES[field[:, -1]]
    if kind == "F":
        return ~((field[:, w - decimals - 1] == 46) & last_digit)
    # E: ...d.ddddE+dd (exponent letter, sign and two digits at the end)
    exp_letter = np.isin(field[:, w - 4], (69, 101, 68, 100))
    sign = (field[:, w - 3] == 43) | (field[:, w - 3] == 45)
    has_point = (field == 46).any(axis=1)
    return ~(exp_letter & sign & _DIGIT_BYTES[field[:, w - 2]] & last_digit & has_point)


def _bad_fields(
    chars: np.ndarray,
    spans: Sequence[tuple[int, int]],
    values: np.ndarray,
    formats: Sequence[FieldFormat] | None = None,
) -> np.ndarray:
    """Rows where a non-blank field is not a number, or (with ``formats``) not of its shape.

    A value cut short (``0.280378862591E-03`` -> ``0.28037``), shifted or glued to text is
    therefore an error, never a different number.
    """
    bad = np.zeros(chars.shape[0], bool)
    for j, (s, e) in enumerate(spans):
        field = chars[:, s:e]
        nonblank = (field != 32).any(axis=1)
        bad |= nonblank & np.isnan(values[:, j])
        if formats is not None and formats[j] is not None:
            bad |= nonblank & _shape_bad(field, formats[j])
    return bad


def _calendar_to_datetime64(v: np.ndarray) -> np.ndarray:
    """(n, 6) year, month, day, hour, minute, second(float) -> datetime64[ns]."""
    if v.shape[0] == 0:
        return np.zeros(0, "datetime64[ns]")
    y, mo, d, h, mi = (v[:, k].astype(np.int64) for k in range(5))
    months = (y - 1970) * 12 + (mo - 1)
    days = months.astype("datetime64[M]").astype("datetime64[D]") + (d - 1)
    ns = np.round(v[:, 5] * 1e9).astype(np.int64)
    return (
        days.astype("datetime64[ns]")
        + (h * 3600 + mi * 60).astype("timedelta64[s]")
        + ns.astype("timedelta64[ns]")
    )


def _valid_calendar(v: np.ndarray) -> np.ndarray:
    """Rows of (year, month, day, hour, minute, second) that name a real instant."""
    with np.errstate(invalid="ignore"):
        return (
            (v[:, 0] >= 1900)
            & (v[:, 0] <= 2200)
            & (v[:, 1] >= 1)
            & (v[:, 1] <= 12)
            & (v[:, 2] >= 1)
            & (v[:, 2] <= 31)
            & (v[:, 3] >= 0)
            & (v[:, 3] <= 24)
            & (v[:, 4] >= 0)
            & (v[:, 4] <= 59)
            & (v[:, 5] >= 0)
            & (v[:, 5] < 61)
        )


class _Problems:
    """Count skipped records and apply the strictness policy (raise / warn once / ignore)."""

    def __init__(
        self, strict: Strictness, path: str, error: type[FormatError] = FormatError
    ) -> None:
        self.strict = strict
        self.error = error
        self.path = path
        self.count = 0
        self.first: tuple[int, str] | None = None
        self.notices: list[str] = []

    def notice(self, message: str) -> None:
        """Something declared (a count, an end marker) does not match what was read: warn
        with both figures (unless ``IGNORE``); nothing is skipped."""
        self.notices.append(message)
        if self.strict is not Strictness.IGNORE:
            warnings.warn(f"{self.path}: {message}", KompasWarning, stacklevel=4)

    def report(self, lines: np.ndarray, what: str) -> None:
        """``lines``: 1-based line numbers of the skipped records."""
        if len(lines) == 0:
            return
        if self.strict is Strictness.RAISE:
            raise self.error(what, self.path, int(lines[0]))
        self.count += len(lines)
        if self.first is None:
            self.first = (int(lines[0]), what)

    def finish(self) -> None:
        if self.count and self.strict is Strictness.WARN and self.first is not None:
            line, what = self.first
            warnings.warn(
                f"{self.path}: skipped {self.count} malformed record(s); first at line "
                f"{line}: {what}",
                KompasWarning,
                stacklevel=3,
            )


# ----------------------------------------------------------------------------------------
# header
# ----------------------------------------------------------------------------------------
@dataclass
class _Header:
    version: str = ""
    pos_vel_flag: str = "P"
    n_epochs: int = 0
    data_used: str = ""
    coordinate_system: str = ""
    orbit_type: str = ""
    agency: str = ""
    gps_week: int | None = None
    interval_s: float = float("nan")
    file_type: str = ""
    time_system: str = "GPS"
    base_pos: float = 0.0
    base_clk: float = 0.0
    sats: list[str] = field(default_factory=list)
    accuracy: list[int] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    structure: list[str] = field(default_factory=list)


#: System letters of SP3-c/d satellite ids (blank: GPS in SP3-a/b); L is a LEO.
_SP3_SYSTEMS = "GRELCJIS"


def _norm_sv(raw: str) -> str | None:
    """``"G01"``, ``"G 1"``, ``"  1"`` (SP3-a: GPS) -> ``"G01"``; ``"  0"``, blank or an
    unknown system letter -> None."""
    raw = raw.replace("\x00", " ")
    if len(raw) < 3:
        raw = raw.rjust(3)
    sys_char = raw[0] if raw[0] != " " else "G"
    digits = raw[1:3].strip()
    if sys_char not in _SP3_SYSTEMS or not (digits.isascii() and digits.isdigit()):
        return None
    prn = int(digits)
    if prn == 0:
        return None
    return f"{sys_char}{prn:02d}"


def _parse_header(lines: list[bytes], path: str) -> _Header:
    h = _Header()
    first = lines[0].decode("ascii", "replace")
    if not first.startswith("#") or len(first) < 3 or first[1] not in "abcd":
        raise FormatError("not an SP3 file: line 1 must start with '#a'..'#d'", path, 1)
    h.version = first[1]
    h.pos_vel_flag = first[2]
    try:
        h.n_epochs = int(first[32:39])
    except ValueError:
        h.n_epochs = 0
    h.data_used = first[40:45].strip()
    h.coordinate_system = first[46:51].strip()
    h.orbit_type = first[52:55].strip()
    h.agency = first[56:60].strip()
    n_c = n_f = 0
    for raw in lines[1:]:
        line = raw.decode("ascii", "replace").rstrip("\r\n")
        if line.startswith("##"):
            try:
                h.gps_week = int(line[3:7])
                h.interval_s = float(line[24:38])
            except ValueError:
                pass
        elif line.startswith("++"):
            for k in range(9, 60, 3):
                f = line[k : k + 3].strip()
                if f:
                    h.accuracy.append(int(f) if f.lstrip("-").isdigit() else 0)
        elif line.startswith("+"):
            for k in range(9, 60, 3):
                sv = _norm_sv(line[k : k + 3])
                if sv is not None:
                    h.sats.append(sv)
        elif line.startswith("%c"):
            if n_c == 0:
                h.file_type = line[3:5].strip()
                ts = line[9:12].strip().upper()
                # SP3-a has "ccc" here (no time system): GPS time
                h.time_system = ts if ts in SP3_TIME_SYSTEMS else "GPS"
            n_c += 1
        elif line.startswith("%f"):
            if n_f == 0:
                try:
                    h.base_pos = float(line[3:13])
                    h.base_clk = float(line[14:26])
                except ValueError:
                    h.structure.append(f"'%f' line {line[:26]!r}: bases are not numbers")
                if line[13:14] not in ("", " ") or not (
                    np.isfinite(h.base_pos) and np.isfinite(h.base_clk)
                ):
                    h.structure.append(f"'%f' line {line[:26]!r}: malformed bases")
                    h.base_pos = h.base_clk = 0.0
            n_f += 1
        elif line.startswith("/*"):
            h.comments.append(line[3:].rstrip())
    h.accuracy = h.accuracy[: len(h.sats)]
    h.structure += _header_structure(lines, h)
    return h


def _header_structure(lines: list[bytes], h: _Header) -> list[str]:
    """What the SP3-c/d header declares but does not hold (SP3-a/b: the lines they have)."""
    kinds = [bytes(raw[:2]) for raw in lines[1:]]
    out = []
    if b"##" not in kinds:
        out.append("header has no '##' line (GPS week, interval)")
    for tag in (b"%c", b"%f", b"%i"):
        n = kinds.count(tag)
        if n != 2 and h.version in "cd":
            out.append(f"header has {n} {tag.decode()!r} lines, the format has 2")
    n_plus = sum(1 for k in kinds if k[:1] == b"+" and k != b"++")
    if n_plus != kinds.count(b"++"):
        out.append(f"header has {n_plus} '+' lines but {kinds.count(b'++')} '++' lines")
    plus = next((raw for raw in lines[1:] if raw[:1] == b"+" and raw[:2] != b"++"), None)
    declared = plus[3:6].strip() if plus is not None else b""
    if declared.isdigit() and int(declared) != len(h.sats):
        out.append(
            f"header declares {int(declared)} satellites (line '+', columns 4-6) and lists "
            f"{len(h.sats)}"
        )
    return out


# ----------------------------------------------------------------------------------------
# one file
# ----------------------------------------------------------------------------------------
@dataclass
class _Part:
    header: _Header
    path: str
    times: np.ndarray  # datetime64[ns], (T,)
    svs: np.ndarray  # str, (S,)
    data: dict[str, np.ndarray]  # name -> (T, S[, 3])
    n_corr: int
    n_skipped: int
    notices: list[str] = field(default_factory=list)


def _parse_records(
    chars: np.ndarray, line_no: np.ndarray, problems: _Problems, what: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse P or V records; return (values (n, 8), ok mask, raw sv ids)."""
    vals = _fixed_width_numbers(chars, _REC_SPANS)
    bad = _bad_fields(chars, _REC_SPANS, vals, _REC_FORMATS) | np.isnan(vals[:, :4]).any(axis=1)
    problems.report(
        line_no[bad],
        f"malformed {what} record (expected 4 F14.6 fields in columns 5-60 and integer "
        "sigma exponents in columns 62-73)",
    )
    ids = chars[:, 1:4].copy().view("S3").ravel()
    return vals, ~bad, ids


def _sigma(base: float, exps: np.ndarray, unit: float) -> np.ndarray:
    """Standard deviation base**exp * unit; NaN where the exponent is blank or base unset."""
    if not base > 0:
        return np.full(exps.shape, np.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(np.isnan(exps), np.nan, base**exps * unit)


def _parse_file(path: str | os.PathLike, strict: Strictness) -> _Part:
    name = os.fspath(path)
    text = read_bytes(path)
    lines = text.replace(b"\r", b"").split(b"\n")
    if not lines or not lines[0].startswith(b"#"):
        raise FormatError("not an SP3 file: line 1 must start with '#a'..'#d'", name, 1)
    first_epoch = next((i for i, ln in enumerate(lines) if ln.startswith(b"*")), len(lines))
    header = _parse_header(lines[:first_epoch], name)
    problems = _Problems(strict, name)

    body = lines[first_epoch:]
    chars = _char_matrix(body, _WIDTH)
    line_no = np.arange(first_epoch + 1, first_epoch + 1 + len(body))
    c0, c1 = chars[:, 0], chars[:, 1]
    is_epoch = c0 == ord("*")
    is_p = c0 == ord("P")
    is_v = c0 == ord("V")
    is_corr = (c0 == ord("E")) & ((c1 == ord("P")) | (c1 == ord("V")))
    is_eof = (c0 == ord("E")) & (c1 == ord("O"))
    blank = (chars == 32).all(axis=1)
    eof_at = int(np.argmax(is_eof)) if is_eof.any() else len(body)
    after_eof = np.arange(len(body)) > eof_at
    other = ~(is_epoch | is_p | is_v | is_corr | is_eof | blank) & ~after_eof
    problems.report(line_no[other], "unknown SP3 record type")
    for m in (is_epoch, is_p, is_v, is_corr):
        m &= ~after_eof

    # epochs
    ep_vals = _fixed_width_numbers(chars[is_epoch], _EPOCH_SPANS)
    ep_bad = np.isnan(ep_vals).any(axis=1)
    ep_bad |= _bad_fields(chars[is_epoch], _EPOCH_SPANS, ep_vals, _EPOCH_FORMATS)
    ep_bad |= ~_valid_calendar(ep_vals)
    problems.report(line_no[is_epoch][ep_bad], "malformed epoch line '*  YYYY MM DD hh mm ss'")
    ep_counter = np.cumsum(is_epoch) - 1  # epoch-line ordinal of each line
    ep_good_ordinal = np.flatnonzero(~ep_bad)  # ordinals of good epoch lines
    times_all = _calendar_to_datetime64(ep_vals[~ep_bad])
    # map each good epoch line to a unique sorted time index
    times, ep_to_time = np.unique(times_all, return_inverse=True)
    ordinal_to_time = np.full(int(is_epoch.sum()), -1, np.int64)
    ordinal_to_time[ep_good_ordinal] = ep_to_time

    # satellites: header list plus any id met in the records
    rec_ids = np.concatenate(
        [chars[is_p, 1:4].copy().view("S3").ravel(), chars[is_v, 1:4].copy().view("S3").ravel()]
    )
    uniq_ids = np.unique(rec_ids)
    id_map = {u: _norm_sv(u.decode("ascii", "replace")) for u in uniq_ids}
    svs = np.array(sorted(set(header.sats) | {s for s in id_map.values() if s is not None}))
    sv_index = {s: i for i, s in enumerate(svs)}
    listed = np.isin(svs, header.sats)
    T, S = len(times), len(svs)

    data: dict[str, np.ndarray] = {}
    base_pos, base_clk = header.base_pos, header.base_clk

    def locate(mask: np.ndarray, ids: np.ndarray, ok: np.ndarray, what: str):
        """Time and sv indices of records; drops records before the first epoch, bad ids."""
        ord_ = ep_counter[mask]
        tix = np.where(ord_ >= 0, ordinal_to_time[np.maximum(ord_, 0)], -1)
        u, inv = np.unique(ids, return_inverse=True)
        lut = np.array([sv_index.get(id_map.get(i) or "", -1) for i in u], np.int64)
        six = lut[inv.ravel()] if len(u) else np.zeros(0, np.int64)
        bad_id = six < 0
        problems.report(line_no[mask][bad_id & ok], f"{what} record with invalid satellite id")
        orphan = (tix < 0) & ~bad_id & ok
        problems.report(line_no[mask][orphan], f"{what} record without a valid epoch line")
        keep = ok & (tix >= 0) & ~bad_id
        if header.sats:
            unlisted = keep & ~listed[np.maximum(six, 0)]
            problems.report(
                line_no[mask][unlisted],
                f"{what} record of a satellite not in the header's satellite list ('+' lines)",
            )
            keep &= ~unlisted
        # duplicate (epoch, sv) records: keep the first; identical copies merge silently
        flat = tix * max(S, 1) + six
        first_of = np.zeros(len(flat), bool)
        if keep.any():
            kept_idx = np.flatnonzero(keep)
            _, first_idx, inv = np.unique(flat[keep], return_index=True, return_inverse=True)
            first_of[kept_idx[first_idx]] = True
            rows = chars[mask]
            dup = keep & ~first_of
            twin = np.zeros(len(flat), np.int64)
            twin[kept_idx] = kept_idx[first_idx][inv.ravel()]
            same = (rows[dup] == rows[twin[dup]]).all(axis=1)
            problems.report(
                line_no[mask][np.flatnonzero(dup)[~same]],
                f"duplicate {what} record for the same epoch and satellite with different "
                "values (the first is kept)",
            )
        return tix[first_of], six[first_of], first_of

    # positions and clocks
    p_chars = chars[is_p]
    vals, ok, ids = _parse_records(p_chars, line_no[is_p], problems, "position")
    tix, six, keep = locate(is_p, ids, ok, "position")
    tix_p = tix
    v = vals[keep]
    pos = np.full((T, S, 3), np.nan)
    xyz = v[:, 0:3] * _KM
    xyz[(v[:, 0:3] == 0.0).any(axis=1)] = np.nan  # 0.000000: bad/absent position
    pos[tix, six] = xyz
    clk = np.full((T, S), np.nan)
    c = v[:, 3] * _US
    c[~(np.abs(v[:, 3]) < _CLOCK_BAD)] = np.nan  # 999999.999999: bad/absent clock
    clk[tix, six] = c
    data["position_m"] = pos
    data["clock_s"] = clk
    if np.isfinite(v[:, 4:8]).any():
        ps = np.full((T, S, 3), np.nan)
        ps[tix, six] = _sigma(base_pos, v[:, 4:7], 1e-3)  # mm -> m
        cs = np.full((T, S), np.nan)
        cs[tix, six] = _sigma(base_clk, v[:, 7], 1e-12)  # ps -> s
        data["position_sigma_m"] = ps
        data["clock_sigma_s"] = cs
    pc = p_chars[keep]
    for name_, col, letter in (
        ("clock_event", 74, "E"),
        ("clock_predicted", 75, "P"),
        ("maneuver", 78, "M"),
        ("orbit_predicted", 79, "P"),
    ):
        flag = np.zeros((T, S), bool)
        flag[tix, six] = pc[:, col] == ord(letter)
        data[name_] = flag

    # velocities and clock rates
    if is_v.any():
        vals, ok, ids = _parse_records(chars[is_v], line_no[is_v], problems, "velocity")
        tix, six, keep = locate(is_v, ids, ok, "velocity")
        v = vals[keep]
        vel = np.full((T, S, 3), np.nan)
        vxyz = v[:, 0:3] * _DMPS
        vxyz[(v[:, 0:3] == 0.0).any(axis=1)] = np.nan  # 0.000000: bad/absent velocity
        vel[tix, six] = vxyz
        rate = np.full((T, S), np.nan)
        r = v[:, 3] * _RATE
        r[~(np.abs(v[:, 3]) < _CLOCK_BAD)] = np.nan
        rate[tix, six] = r
        data["velocity_mps"] = vel
        data["clock_rate_sps"] = rate
        if np.isfinite(v[:, 4:8]).any():
            vs = np.full((T, S, 3), np.nan)
            vs[tix, six] = _sigma(base_pos, v[:, 4:7], 1e-7)  # 1e-4 mm/s -> m/s
            rs = np.full((T, S), np.nan)
            rs[tix, six] = _sigma(base_clk, v[:, 7], 1e-16)  # 1e-4 ps/s -> s/s
            data["velocity_sigma_mps"] = vs
            data["clock_rate_sigma_sps"] = rs

    _check_counts(header, T, np.bincount(tix_p, minlength=T), bool(is_eof.any()), problems)
    problems.finish()
    part = _Part(header, name, times, svs, data, int(is_corr.sum()), problems.count)
    part.notices = problems.notices
    return part


def _check_counts(
    header: _Header, n_times: int, per_epoch: np.ndarray, has_eof: bool, problems: _Problems
) -> None:
    """Compare what the header declares with what the body holds (warn with both numbers)."""
    if header.n_epochs and header.n_epochs != n_times:
        problems.notice(
            f"header (line 1, columns 33-39) announces {header.n_epochs} epochs, the file "
            f"holds {n_times}"
        )
    n_sats = len(header.sats)
    if n_sats and per_epoch.size:
        off = np.flatnonzero(per_epoch != n_sats)
        if off.size:
            problems.notice(
                f"header lists {n_sats} satellites; {off.size} of {per_epoch.size} epochs hold "
                f"another number of position records (first: {int(per_epoch[off[0]])})"
            )
    if not has_eof:
        problems.notice("no 'EOF' line at the end: the file may be truncated")
    for message in header.structure:
        problems.notice(message)


# ----------------------------------------------------------------------------------------
# several files
# ----------------------------------------------------------------------------------------
def _as_path_list(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def _merge(parts: list[_Part]) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Join parts along time. At a shared epoch the earlier file wins; its NaNs are filled."""
    times = np.unique(np.concatenate([p.times for p in parts]))
    svs = np.array(sorted(set().union(*[set(p.svs.tolist()) for p in parts])))
    names = []
    for p in parts:
        names += [k for k in p.data if k not in names]
    T, S = len(times), len(svs)
    out: dict[str, np.ndarray] = {}
    for k in names:
        proto = next(p.data[k] for p in parts if k in p.data)
        shape = (T, S) + proto.shape[2:]
        out[k] = np.zeros(shape, bool) if proto.dtype == bool else np.full(shape, np.nan)
    for p in reversed(parts):  # later files first, earlier files overwrite
        ti = np.searchsorted(times, p.times)
        si = np.searchsorted(svs, p.svs)
        have_pos = np.isfinite(p.data["position_m"]).all(axis=-1)
        have_clk = np.isfinite(p.data["clock_s"])
        for k, arr in p.data.items():
            dst = out[k]
            if k.startswith("velocity") or k.startswith("clock_rate"):
                src_ok = np.isfinite(arr).all(axis=-1) if arr.ndim == 3 else np.isfinite(arr)
            elif k.startswith("clock"):
                src_ok = have_clk
            else:
                src_ok = have_pos
            sub = dst[np.ix_(ti, si)]
            sub[src_ok] = arr[src_ok]
            dst[np.ix_(ti, si)] = sub
    return times, svs, out


def read_sp3(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    strict: Strictness | str | bool = "warn",
) -> xr.Dataset:
    """Read one or several SP3 files (a/b/c/d, any compression) into a Dataset.

    Parameters
    ----------
    paths : path or iterable of paths
        SP3 files; several consecutive files are joined along ``time``. At an epoch present
        in more than one file (the usual shared midnight epoch), the value of the earlier
        file in ``paths`` is kept; where it is NaN (missing or bad) the later file's value
        fills it. All files must share one time system.
    strict : Strictness or {"raise", "warn", "ignore"} or bool
        What to do with malformed records: raise :class:`~kompas.errors.FormatError`
        (file and line), or skip and count them (``attrs["n_skipped_records"]``), warning
        once per file with ``"warn"``.

    Returns
    -------
    xarray.Dataset
        Dims ``time`` (datetime64[ns] labels in ``attrs["time_scale"]``), ``sv``
        (``"G01"``...), ``xyz``; variables as in the module docstring. Attributes:
        ``sp3_version``, ``pos_vel_flag``, ``coordinate_system`` (e.g. ``"IGS20"``),
        ``orbit_type``, ``agency``, ``data_used``, ``file_type``, ``time_scale``,
        ``time_system_sp3``, ``interval_s``, ``n_epochs_header`` (sum over files; compare
        with ``sizes["time"]`` to detect truncated files), ``base_pos``, ``base_clk``, ``comments``,
        ``reference_point`` (``"com"``), ``source``, ``n_correlation_records``
        (``EP``/``EV`` lines, skipped), ``n_skipped_records``.

    Raises
    ------
    FileNotFoundError
        A file does not exist.
    FormatError
        A file is not SP3, or (with ``strict="raise"``) a record is malformed.
    KompasError
        The files use different time systems.

    Examples
    --------
    >>> ds = read_sp3("COD0MGXFIN_20230010000_01D_05M_ORB.SP3.gz")  # doctest: +SKIP
    >>> ds.position_m.sel(sv="G07").isel(time=0).values  # metres, IGS20  # doctest: +SKIP
    """
    strictness = Strictness.coerce(strict)
    files = _as_path_list(paths)
    if not files:
        raise ValueError("read_sp3 needs at least one path")
    parts = [_parse_file(f, strictness) for f in files]
    systems = {p.header.time_system for p in parts}
    if len(systems) > 1:
        raise KompasError(f"SP3 files use different time systems {sorted(systems)}: {files}")
    times, svs, data = _merge(parts)
    h = parts[0].header

    coords = {"time": times, "sv": svs, "xyz": np.array(["x", "y", "z"])}
    dims = {2: ("time", "sv"), 3: ("time", "sv", "xyz")}
    ds = xr.Dataset({k: (dims[v.ndim], v) for k, v in data.items()}, coords=coords)
    acc = np.full(len(svs), np.nan)
    for p in parts:
        codes = dict(zip(p.header.sats, p.header.accuracy, strict=False))
        for i, s in enumerate(svs):
            code = codes.get(s, 0)
            if code > 0 and np.isnan(acc[i]):
                acc[i] = 2.0**code * 1e-3  # 2**code mm -> m
    ds["accuracy_m"] = ("sv", acc)
    units = {
        "position_m": "m",
        "clock_s": "s",
        "velocity_mps": "m/s",
        "clock_rate_sps": "s/s",
        "position_sigma_m": "m",
        "clock_sigma_s": "s",
        "velocity_sigma_mps": "m/s",
        "clock_rate_sigma_sps": "s/s",
        "accuracy_m": "m",
    }
    for k, u in units.items():
        if k in ds:
            ds[k].attrs["units"] = u
    ds.attrs.update(
        sp3_version=h.version,
        pos_vel_flag=h.pos_vel_flag,
        coordinate_system=h.coordinate_system,
        orbit_type=h.orbit_type,
        agency=h.agency,
        data_used=h.data_used,
        file_type=h.file_type,
        time_system_sp3=h.time_system,
        time_scale=SP3_TIME_SYSTEMS[h.time_system],
        interval_s=float(h.interval_s),
        n_epochs_header=int(sum(p.header.n_epochs for p in parts)),
        base_pos=h.base_pos,
        base_clk=h.base_clk,
        comments="\n".join(c for p in parts for c in p.header.comments),
        reference_point="com",
        source=";".join(Path(p.path).name for p in parts),
        n_correlation_records=int(sum(p.n_corr for p in parts)),
        n_skipped_records=int(sum(p.n_skipped for p in parts)),
        notices="\n".join(f"{p.path}: {m}" for p in parts for m in p.notices),
    )
    ds["time"].attrs["time_scale"] = ds.attrs["time_scale"]
    return ds
