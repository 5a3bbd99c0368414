"""Vectorised parsing of fixed-width text fields held in a numpy byte buffer.

The readers keep the whole (decompressed) file as one ``uint8`` array and describe each
record by the byte offset of a field and how many bytes of its line are left.  These
helpers gather such fields into 2-D character blocks and turn them into numbers with
whole-array digit arithmetic: no Python loop per record.

Every parser returns the values and a boolean ``ok`` array; a field that does not follow
the fixed format gets NaN (or 0) and ``ok == False`` so the caller can report or skip it.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "line_table",
    "pad_buffer",
    "gather",
    "parse_fixed",
    "parse_obs_fields",
    "parse_int",
    "parse_indicator",
    "format_fixed",
]

SPACE = 32
_ZERO = 48

# digit value of each byte ('0'..'9' -> 0..9, anything else -> 0)
_DIGIT = np.zeros(256, dtype=np.float64)
_DIGIT[_ZERO : _ZERO + 10] = np.arange(10)
_DIGIT32 = _DIGIT.astype(np.float32)
_IS_DIGIT = np.zeros(256, dtype=bool)
_IS_DIGIT[_ZERO : _ZERO + 10] = True
# bytes that may not appear in a fixed-point number (anything but digits, blank, minus)
_BAD_NUMBER_CHAR = ~_IS_DIGIT.copy()
_BAD_NUMBER_CHAR[[SPACE, 45]] = False


def line_table(buf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start offsets and lengths (without ``\\n`` / ``\\r\\n``) of every line of ``buf``.

    Parameters
    ----------
    buf : numpy.ndarray of uint8
        Whole file content.

    Returns
    -------
    starts, lengths : numpy.ndarray of int64
        One entry per line; a final line without newline counts, an empty tail does not.
    """
    nl = np.flatnonzero(buf == 10)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [buf.size]))
    if starts[-1] >= buf.size:  # text ends with a newline: no extra line
        starts, ends = starts[:-1], ends[:-1]
    # strip a carriage return before the newline
    nonempty = ends > starts
    cr = np.zeros(ends.shape, dtype=bool)
    cr[nonempty] = buf[ends[nonempty] - 1] == 13
    ends = ends - cr
    return starts.astype(np.int64), (ends - starts).astype(np.int64)


def pad_buffer(buf: np.ndarray, pad: int = 1024) -> np.ndarray:
    """Copy of ``buf`` followed by ``pad`` spaces, so fixed-width windows never run off."""
    out = np.empty(buf.size + pad, dtype=np.uint8)
    out[: buf.size] = buf
    out[buf.size :] = SPACE
    return out


def gather(buf: np.ndarray, offsets: np.ndarray, avail: np.ndarray, width: int) -> np.ndarray:
    """Characters ``[offset, offset + width)`` of each record as an ``(n, width)`` block.

    Bytes past the end of a record's line (``avail`` bytes remain from ``offset``) read as
    spaces, so lines with stripped trailing blanks behave like padded ones.  ``buf`` should
    end with at least ``width`` spaces (:func:`pad_buffer`); otherwise it is padded here.
    """
    n = offsets.size
    if n == 0:
        return np.empty((0, width), dtype=np.uint8)
    if buf.size < width or np.any(buf[-width:] != SPACE):
        buf = pad_buffer(buf, width)
    windows = np.lib.stride_tricks.sliding_window_view(buf, width)
    block = windows[np.minimum(offsets, buf.size - width)]
    cols = np.arange(width, dtype=np.int64)
    short = avail < width
    if short.any():
        rows = np.flatnonzero(short)
        sub = block[rows]
        sub[cols[None, :] >= avail[rows, None]] = SPACE
        block[rows] = sub
    return block


def _digits_value(chars: np.ndarray) -> np.ndarray:
    """Integer value (as float64) of rows of ASCII digits; blanks and '-' count as 0.

    Works on float32 digit values in groups of at most 7 digits (exact: below 2**24) with
    one small matrix product, then joins the groups exactly in float64 (below 2**53).
    """
    nd = chars.shape[1]
    if nd > 15:
        raise ValueError("at most 15 digits fit exactly in float64")
    groups = [(max(0, e - 7), e) for e in range(nd, 0, -7)]  # least significant first
    weights = np.zeros((nd, len(groups)), dtype=np.float32)
    for g, (a, b) in enumerate(groups):
        weights[a:b, g] = 10.0 ** np.arange(b - a - 1, -1, -1)
    part = _DIGIT32[chars] @ weights
    value = part[:, 0].astype(np.float64)
    scale = 1.0
    for g in range(1, len(groups)):
        scale *= 10.0 ** (groups[g - 1][1] - groups[g - 1][0])
        value += part[:, g].astype(np.float64) * scale
    return value


def parse_fixed(block: np.ndarray, decimals: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse Fortran ``Fw.d`` fields (one per row of ``block``) into float64.

    The decimal point must sit at column ``w - d - 1`` (as every RINEX writer puts it);
    the result is then exactly ``float(text)``: the integer made of all digits is exact in
    float64 (below 2**53) and one division by ``10**d`` rounds once, like the
    decimal-to-binary conversion of ``float``.

    Returns
    -------
    values : float64, NaN for blank fields and for fields that do not follow the format
    blank : bool, field is all spaces
    ok : bool, field is blank or well formed
    """
    w = block.shape[1]
    point = w - decimals - 1
    digit_cols = np.r_[0:point, point + 1 : w]
    chars = block[:, digit_cols]
    blank = np.all(block == SPACE, axis=1)
    minus = np.any(chars == 45, axis=1)
    bad = np.any(_BAD_NUMBER_CHAR[chars], axis=1)
    # every decimal present: a value cut short (blank decimals) is malformed
    decimals_ok = np.all(_IS_DIGIT[block[:, point + 1 :]], axis=1)
    ok = blank | ((block[:, point] == 46) & ~bad & decimals_ok)
    values = _digits_value(chars) / 10.0**decimals
    np.negative(values, out=values, where=minus)
    values[~ok | blank] = np.nan
    return values, blank, ok


_SP8 = np.frombuffer(b" " * 8, dtype=np.uint64)[0]
_LOW6 = np.uint64(0x0000FFFFFFFFFFFF)  # bytes 8..13 of a 16-byte field (little endian)
_SP6 = _SP8 & _LOW6
_DIGIT_U8 = _DIGIT.astype(np.uint8)


def _horner(digits: np.ndarray) -> np.ndarray:
    """Integer value (float64, exact below 2**53) of rows of digit values 0-9."""
    acc = digits[:, 0].astype(np.float64)
    for k in range(1, digits.shape[1]):
        acc *= 10.0
        acc += digits[:, k]
    return acc


def parse_obs_fields(cube: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Parse RINEX observation fields (F14.3 value, LLI, SSI) held as ``(n, f, 16)`` bytes.

    Blank values are detected 8 bytes at a time and skipped; only the others are parsed
    (exactly like ``float(text)``: see :func:`parse_fixed`).

    Returns
    -------
    values : float64 ``(n, f)``, NaN for blank or malformed values
    lli, ssi : int8 ``(n, f)``, the digit or -1 for blank
    ok : bool ``(n, f)``, False where a non-blank value does not follow F14.3
    """
    n, f, _ = cube.shape
    cube = np.ascontiguousarray(cube)
    words = cube.view(np.uint64).reshape(n, f, 2)
    blank = (words[:, :, 0] == _SP8) & ((words[:, :, 1] & _LOW6) == _SP6)
    values = np.full((n, f), np.nan)
    ok = np.ones((n, f), dtype=bool)
    idx = np.flatnonzero(~blank)
    if idx.size:
        fields = cube.reshape(n * f, 16)[idx]
        good = fields[:, 10] == 46
        # all three decimals present: a value cut short (a blank decimal) is malformed
        good &= _IS_DIGIT[fields[:, 11]] & _IS_DIGIT[fields[:, 12]] & _IS_DIGIT[fields[:, 13]]
        chars = fields[:, _F14_DIGITS]
        good &= ~np.any(_BAD_NUMBER_CHAR[chars], axis=1)
        digits = _DIGIT_U8[chars]
        mag = _horner(digits) / 1000.0
        np.negative(mag, out=mag, where=np.any(fields[:, :10] == 45, axis=1))
        mag[~good] = np.nan
        values.reshape(-1)[idx] = mag
        ok.reshape(-1)[idx] = good
    lli = parse_indicator(cube[:, :, 14])
    ssi = parse_indicator(cube[:, :, 15])
    return values, lli, ssi, ok


_F14_DIGITS = np.r_[0:10, 11:14]


def parse_int(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse right-aligned integer fields (``In``); blank gives 0.  Returns ``(values, ok)``."""
    w = block.shape[1]
    is_digit = _IS_DIGIT[block]
    minus = block == 45
    ok = np.all(is_digit | (block == SPACE) | minus, axis=1) & (minus.sum(axis=1) <= 1)
    mag = (_DIGIT[block] @ (10.0 ** np.arange(w - 1, -1, -1))).astype(np.int64)
    return np.where(minus.any(axis=1), -mag, mag), ok


def parse_indicator(col: np.ndarray) -> np.ndarray:
    """One-character indicator (LLI, SSI, epoch flag) -> int8: digit 0-9, else -1 (blank)."""
    out = col.astype(np.int16) - _ZERO
    out[(out < 0) | (out > 9)] = -1
    return out.astype(np.int8)


def format_fixed(values: np.ndarray, width: int, decimals: int) -> tuple[np.ndarray, np.ndarray]:
    """Format float64 values as Fortran ``Fw.d`` character blocks (NaN -> blanks).

    Returns
    -------
    block : uint8 array ``(n, width)``
    ok : bool, False where the value does not fit the width (those fields are blanked)
    """
    v = np.asarray(values, dtype=np.float64)
    n = v.size
    finite = np.isfinite(v)
    scaled = np.rint(np.abs(np.where(finite, v, 0.0)) * 10.0**decimals)
    ndig = width - 1  # characters available for digits (one for the point)
    # all digit columns for positive values, one kept for the sign of negative ones
    fits = np.where(v < 0, scaled < 10.0 ** (ndig - 1), scaled < 10.0**ndig)
    ok = fits | ~finite
    k = np.where(finite & fits, scaled, 0).astype(np.int64)
    neg = finite & fits & (v < 0) & (k > 0)
    pw = 10 ** np.arange(ndig - 1, -1, -1, dtype=np.int64)
    digits = (k[:, None] // pw[None, :]) % 10  # (n, ndig), most significant first
    nint = ndig - decimals  # integer digit positions
    # leading zeros of the integer part become blanks; keep the units digit
    nz = digits[:, : nint - 1] != 0
    first = np.where(nz.any(axis=1), nz.argmax(axis=1), nint - 1)
    pos = np.arange(ndig)[None, :]
    chars = (digits + _ZERO).astype(np.uint8)
    chars[pos < first[:, None]] = SPACE
    sign_pos = first - 1
    rows = np.flatnonzero(neg)
    chars[rows, sign_pos[rows]] = 45
    block = np.empty((n, width), dtype=np.uint8)
    point = width - decimals - 1
    block[:, :point] = chars[:, :nint]
    block[:, point] = 46
    block[:, point + 1 :] = chars[:, nint:]
    block[~(finite & fits)] = SPACE
    return block, ok
