"""Whole-array parsing of fixed-width RINEX text: line matrices, 19-char fields, epochs.

Nothing here loops over records in Python on the fast path: a file body becomes one
``(n_lines, 80)`` uint8 matrix; the fields of every record of one layout are cut from it
with one fancy index and converted to float64 in one call.
"""

from __future__ import annotations

import warnings

import numpy as np

from kompas.io.numparse import SPACE, line_table

__all__ = ["line_matrix", "parse_fields", "parse_epochs", "SENTINEL_MIN", "SENTINEL_MAX"]

WIDTH = 80
_SPACE = 32
#: "Unknown" markers of RINEX 3.05/4 (0.999999999999E+09) and older writers (.9999E+09).
SENTINEL_MIN = 0.9999e9
SENTINEL_MAX = 1.0e9
_NAN = np.frombuffer(b"nan", dtype=np.uint8)
#: Bytes a numeric field may hold (digits, blank, point, signs, Fortran exponent letters).
_NUMBER_BYTES = np.zeros(256, dtype=bool)
_NUMBER_BYTES[np.frombuffer(b"0123456789 .+-EeDd", dtype=np.uint8)] = True


#: Lines copied into :func:`line_matrix` per step (bounds its index arrays to ~5 MB).
_LINES_PER_STEP = 8192


def line_matrix(body: bytes) -> np.ndarray:
    """Lines of ``body`` (``\\n``-separated) as an (n, 80) uint8 matrix, space-padded.

    Characters past column 80 are dropped (RINEX lines are at most 80 characters), a
    ``\\r`` before a ``\\n`` too. Nothing but the matrix and a few index arrays is made
    (no list of line objects, no padded copy of the text: a day of broadcast navigation is
    110,000 lines), in steps of :data:`_LINES_PER_STEP` lines.
    """
    buf = np.frombuffer(body, dtype=np.uint8)
    starts, lengths = line_table(buf)
    out = np.full((starts.size, WIDTH), SPACE, dtype=np.uint8)
    full = np.flatnonzero(lengths >= WIDTH)  # most lines: one strided copy each
    if full.size:
        out[full] = np.lib.stride_tricks.sliding_window_view(buf, WIDTH)[starts[full]]
    short = np.flatnonzero(lengths < WIDTH)
    cols = np.arange(WIDTH, dtype=np.int64)
    for a in range(0, short.size, _LINES_PER_STEP):  # steps of lines, not a loop per line
        rows = short[a : a + _LINES_PER_STEP]
        inside = cols[None, :] < lengths[rows, None]
        block = out[rows]
        block[inside] = buf[(starts[rows, None] + cols[None, :])[inside]]
        out[rows] = block
    return out


def _fallback(fields: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Field by field (slow path, only for a block that holds a bad field)."""
    flat = fields.reshape(-1, fields.shape[-1])
    vals = np.empty(flat.shape[0])
    bad = np.zeros(flat.shape[0], dtype=bool)
    for i, raw in enumerate(flat):
        s = raw.tobytes().strip()
        if not s:
            vals[i] = np.nan
            continue
        if s == b"nan":  # a blank field (marked by parse_fields)
            vals[i] = np.nan
            continue
        try:
            vals[i] = float(s.replace(b"D", b"E").replace(b"d", b"e"))
            if not np.isfinite(vals[i]) or not _NUMBER_BYTES[np.frombuffer(s, np.uint8)].all():
                raise ValueError(s)
        except ValueError:
            vals[i] = np.nan
            bad[i] = True
    return vals, bad


#: Exact powers of ten (10**k is exactly representable in float64 for k <= 22).
_POW10 = np.array([float(10**k) for k in range(23)])
_MANT_WEIGHTS = 10 ** np.arange(12, -1, -1, dtype=np.int64)
_MANT_COLS = [1, *range(3, 15)]


def _fast_standard(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values of fields written ``±d.ddddddddddddE±dd`` (19 chars, the RINEX 2/3/4 norm).

    The 13 mantissa digits form an exact integer m, and the value m * 10**(e - 12) is
    computed with one correctly rounded multiplication or division by an exact power of
    ten, so it equals what ``float()`` gives.  Fields of another shape, or whose exponent
    needs a power beyond 10**22, are flagged for the general parser.
    """
    d = a - np.uint8(48)  # digits 0-9; anything else wraps above 9
    isd = d <= 9
    ok = (
        ((a[:, 0] == 32) | (a[:, 0] == 45))
        & isd[:, 1]
        & (a[:, 2] == 46)
        & isd[:, 3:15].all(axis=1)
        & ((a[:, 15] == 69) | (a[:, 15] == 101))
        & ((a[:, 16] == 43) | (a[:, 16] == 45))
        & isd[:, 17]
        & isd[:, 18]
    )
    mant = d[:, _MANT_COLS].astype(np.int64) @ _MANT_WEIGHTS
    e = d[:, 17].astype(np.int64) * 10 + d[:, 18]
    e = np.where(a[:, 16] == 45, -e, e)
    k = 12 - e
    ok &= np.abs(k) <= 22
    p = _POW10[np.clip(np.abs(k), 0, 22)]
    v = np.where(k >= 0, mant / p, mant * p)
    v = np.where(a[:, 0] == 45, -v, v)
    return v, ok


def _general(a: np.ndarray) -> np.ndarray | None:
    """Values of arbitrary numeric fields (one numpy text parse), None if one is bad."""
    text = np.concatenate((a, np.full((a.shape[0], 1), _SPACE, np.uint8)), axis=1).tobytes()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            v = np.fromstring(text, sep=" ")  # noqa: NPY201 - text mode is supported
    except (DeprecationWarning, ValueError):
        return None
    return v if v.size == a.shape[0] else None


def parse_fields(fields: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convert fixed-width numeric fields to float64.

    Parameters
    ----------
    fields : numpy.ndarray of uint8, shape (n_records, n_fields, width)
        Raw characters of each field.

    Returns
    -------
    values : numpy.ndarray, shape (n_records, n_fields)
        Blank fields and RINEX "unknown" sentinels (0.9999e9 <= |v| <= 1e9) are NaN.
    bad : numpy.ndarray of bool, shape (n_records,)
        Records with a field that is not a number.
    """
    n, k, w = fields.shape
    a = fields.reshape(n * k, w).copy()
    if a.size == 0:
        return np.empty((n, k)), np.zeros(n, dtype=bool)
    blank = (a == _SPACE).all(axis=1)
    # only digits, blanks, '.', signs and exponent letters: 'inf', 'nan', ',' ... are bad
    weird = ~_NUMBER_BYTES[a].all(axis=1)
    # values are right-aligned in their slot: text ending in a blank was cut short
    weird |= ~blank & (a[:, -1] == _SPACE)
    a[blank | weird] = _SPACE
    a[blank | weird, :3] = _NAN
    a[(a == 68) | (a == 100)] = 69  # Fortran D/d exponent -> E
    if w == 19:
        vals, fast = _fast_standard(a)
    else:
        vals, fast = np.empty(a.shape[0]), np.zeros(a.shape[0], dtype=bool)
    rest = np.flatnonzero(~fast)
    bad = np.zeros(n, dtype=bool)
    if rest.size:
        other = _general(a[rest])
        if other is None:
            other, badf = _fallback(a[rest][:, None, :])
            bad[np.unique(rest[badf] // k)] = True
        vals[rest] = other
    if weird.any():
        bad[np.unique(np.flatnonzero(weird) // k)] = True
        vals[weird] = np.nan
    vals = vals.reshape(n, k)
    mag = np.abs(vals)
    vals[(mag >= SENTINEL_MIN) & (mag <= SENTINEL_MAX)] = np.nan
    return vals, bad


def _digits(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unsigned integers of right-aligned digit columns (spaces = leading blanks)."""
    isdig = (a >= 48) & (a <= 57)
    ok = (isdig | (a == _SPACE)).all(axis=1) & isdig.any(axis=1)
    d = np.where(isdig, a.astype(np.int64) - 48, 0)
    p = 10 ** np.arange(a.shape[1] - 1, -1, -1, dtype=np.int64)
    return d @ p, ok


def parse_epochs(slot: np.ndarray, rinex2: bool) -> tuple[np.ndarray, np.ndarray]:
    """Calendar fields of epoch slots (19 characters each).

    RINEX 3/4: ``YYYY MM DD HH MM SS``; RINEX 2: ``YY MM DD HH MM SS.S`` (two-digit year:
    80-99 → 19xx, 00-79 → 20xx, RINEX 2.11 sec. 6.5).

    Returns
    -------
    fields : numpy.ndarray of int64, shape (6, n)
        year, month, day, hour, minute, nanosecond-of-minute.
    ok : numpy.ndarray of bool
        False where the slot is not a valid epoch.
    """
    if rinex2:
        spans = [(0, 2), (3, 5), (6, 8), (9, 11), (12, 14)]
    else:
        spans = [(0, 4), (5, 7), (8, 10), (11, 13), (14, 16)]
    out = []
    ok = np.ones(slot.shape[0], dtype=bool)
    for lo, hi in spans:
        v, good = _digits(slot[:, lo:hi])
        out.append(v)
        ok &= good
    if rinex2:
        year = out[0]
        out[0] = np.where(year >= 80, 1900 + year, 2000 + year)
        whole, g1 = _digits(slot[:, 14:17])  # F5.1 seconds: line columns 18-22
        frac, g2 = _digits(slot[:, 18:19])
        dot = slot[:, 17] == ord(".")
        ok &= g1 & g2 & dot
        ns = whole * 1_000_000_000 + frac * 100_000_000
    else:
        whole, g1 = _digits(slot[:, 17:19])
        ok &= g1
        ns = whole * 1_000_000_000
    year, month, day, hour, minute = out
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    ok &= (hour <= 23) & (minute <= 59) & (ns <= 60_999_999_999)
    fields = np.stack([year, month, day, hour, minute, ns])
    fields[:, ~ok] = np.array([[2000], [1], [1], [0], [0], [0]])
    return fields, ok
