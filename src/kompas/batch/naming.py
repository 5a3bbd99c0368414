"""Station and date of GNSS files from their names (RINEX long and short) or their headers.

Long names (RINEX 3/4, IGS products)::

    NIST00USA_R_20230010000_01D_30S_MO.crx.gz      station NIST, 2023 day 001
    BRDC00IGS_R_20230010000_01D_MN.rnx.gz          navigation, 2023 day 001
    COD0MGXFIN_20230010000_01D_05M_ORB.SP3.gz      precise orbit, 2023 day 001

Short names (RINEX 2): ``ssssdddf.yyt`` (``nist0010.23o``, ``brdc0010.23n``, ``.23d``
Hatanaka) and the IGS product names ``cccwwwwd.sp3`` / ``.clk`` (GPS week and day of week).
A file whose name says nothing is dated from its header: ``TIME OF FIRST OBS`` for
observations, the first epoch line of an SP3 file; navigation and clock files without a dated
name are dated from their contents by the caller (see :mod:`kompas.batch.pairing`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
from pathlib import Path

__all__ = ["file_date", "name_date", "station_of", "header_obs_date", "sp3_header_date"]

#: long names: 9-char site/product id, source letter, YYYYDDDHHMM (RINEX 3.04 sec. 4)
_LONG = re.compile(r"^(?P<id>[A-Z0-9]{9,10})_(?P<src>[A-Z])_(?P<y>\d{4})(?P<d>\d{3})\d{4}_", re.I)
#: long product names without the source letter (IGS: AAAVPPPTTT_YYYYDDDHHMM_...)
_LONG_PRODUCT = re.compile(r"^(?P<id>[A-Z0-9]{10})_(?P<y>\d{4})(?P<d>\d{3})\d{4}_", re.I)
#: RINEX 2 short names: ssss ddd f . yy t (t: o obs, d Hatanaka, n g l ... nav; f: session 0 or a-x)
_SHORT = re.compile(
    r"^(?P<id>[a-z0-9]{4})(?P<d>\d{3})[a-x0-9]\.(?P<yy>\d{2})[odngplhbcmefqi]", re.I
)
#: IGS short product names: ccc wwww d . sp3 / clk / clk_30s
_GPS_WEEK = re.compile(r"^(?P<id>[a-z]{3})(?P<w>\d{4})(?P<dow>[0-7])\.(sp3|clk)", re.I)
_GPS_EPOCH = dt.date(1980, 1, 6)


def _doy_date(year: int, doy: int) -> dt.date | None:
    if not 1 <= doy <= 366:
        return None
    try:
        d = dt.date(year, 1, 1) + dt.timedelta(days=doy - 1)
    except (ValueError, OverflowError):
        return None
    return d if d.year == year else None


def name_date(path: str | os.PathLike) -> dt.date | None:
    """The day a file's name says it holds (long, short or IGS-week name), else None."""
    name = Path(path).name
    m = _LONG.match(name) or _LONG_PRODUCT.match(name)
    if m:
        return _doy_date(int(m["y"]), int(m["d"]))
    m = _SHORT.match(name)
    if m:
        yy = int(m["yy"])
        # RINEX 2 two-digit years: 80-99 -> 19xx, 00-79 -> 20xx (RINEX 2.11 sec. 5.1)
        return _doy_date(1900 + yy if yy >= 80 else 2000 + yy, int(m["d"]))
    m = _GPS_WEEK.match(name)
    if m:
        dow = int(m["dow"])
        if dow == 7:  # weekly product: dated by the week's first day
            dow = 0
        return _GPS_EPOCH + dt.timedelta(days=7 * int(m["w"]) + dow)
    return None


def station_of(path: str | os.PathLike, marker_name: str = "") -> str:
    """Four-character station code: the header's marker name, else the file name's."""
    marker = (marker_name or "").strip()
    if marker and re.fullmatch(r"[A-Za-z0-9]{4}.*", marker) and " " not in marker[:4]:
        return marker[:4].upper()
    name = Path(path).name
    m = _LONG.match(name) or _SHORT.match(name)
    return (m["id"][:4] if m else name[:4]).upper()


def _head_text(path: str | os.PathLike, size: int = 65536) -> str:
    """The first ``size`` bytes of a file as text (plain or gzip; others fully decompressed)."""
    with open(path, "rb") as fh:
        raw = fh.read(size)
    if raw[:2] == b"\x1f\x8b":
        with gzip.open(path, "rb") as fh:
            raw = fh.read(size)
    elif raw[:2] == b"\x1f\x9d" or raw[:3] == b"BZh" or raw[:4] == b"PK\x03\x04":
        from kompas.io.compress import read_bytes

        raw = read_bytes(path)[:size]
    return raw.decode("latin-1")


def header_obs_date(path: str | os.PathLike) -> dt.date | None:
    """Date of ``TIME OF FIRST OBS`` in an observation header (plain, gzip, Hatanaka)."""
    try:
        text = _head_text(path)
    except (OSError, EOFError, ValueError):
        return None
    for line in text.splitlines():
        if line[60:].startswith("TIME OF FIRST OBS"):
            try:
                y, mo, d = (int(float(v)) for v in line[:60].split()[:3])
                return dt.date(y, mo, d)
            except ValueError:
                return None
        if line[60:].startswith("END OF HEADER"):
            break
    return None


def sp3_header_date(path: str | os.PathLike) -> dt.date | None:
    """Date of an SP3 file's start epoch (first line ``#cP2023  1  1  0  0 ...``)."""
    try:
        first = _head_text(path, 256).splitlines()[0]
    except (OSError, EOFError, ValueError, IndexError):
        return None
    if not first.startswith("#"):
        return None
    try:
        y, mo, d = int(first[3:7]), int(first[8:10]), int(first[11:13])
        return dt.date(y, mo, d)
    except ValueError:
        return None


def file_date(path: str | os.PathLike, kind: str) -> dt.date | None:
    """Day of an ``obs``, ``nav``, ``sp3`` or ``clk`` file: its name, else its header."""
    date = name_date(path)
    if date is not None:
        return date
    if kind == "obs":
        return header_obs_date(path)
    if kind == "sp3":
        return sp3_header_date(path)
    return None
