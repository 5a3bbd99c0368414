"""Header of RINEX 2/3/4 navigation files: version, leap seconds, ionosphere, time offsets."""

from __future__ import annotations

import numpy as np

from kompas.errors import RinexError

__all__ = [
    "split_header",
    "parse_header",
    "check_version",
    "RINEX2_TYPE_SYSTEM",
    "SUPPORTED_VERSIONS",
]

#: RINEX 2 file-type character (column 21) → system letter.
RINEX2_TYPE_SYSTEM = {"N": "G", "G": "R", "H": "S", "E": "E", "L": "E"}
_NOT_NAV = {
    "O": "an observation file",
    "M": "a meteorological file",
    "C": "a clock file",
}
_NUMBER_CHARS = set("0123456789 .+-EeDd")
_KLOB_PREFIX = {"GPS": "G", "QZS": "J", "BDS": "C", "IRN": "I"}


def _num(text: str) -> float:
    s = text.strip()
    if not s:
        return np.nan
    if not set(s) <= _NUMBER_CHARS:  # 'inf', 'nan', '1_0' are not RINEX numbers
        raise ValueError(s)
    return float(s.replace("D", "E").replace("d", "e"))


#: Navigation versions read: major -> highest minor (2.00-2.12, 3.00-3.05, 4.00-4.02).
SUPPORTED_VERSIONS = {2: 12, 3: 5, 4: 2}
_SUPPORTED_TEXT = "2.00-2.12, 3.00-3.05, 4.00-4.02"


def check_version(version: float, text: str, path: str) -> None:
    """Refuse a version kompas does not read, naming the supported ones."""
    ok = bool(np.isfinite(version)) and version > 0
    if ok:
        major = int(version)
        minor = round((version - major) * 100)
        ok = major in SUPPORTED_VERSIONS and minor <= SUPPORTED_VERSIONS[major]
    if not ok:
        raise RinexError(
            f"unsupported RINEX navigation version {text.strip()!r} (columns 1-9 of line 1; "
            f"supported: {_SUPPORTED_TEXT})",
            path,
            1,
        )


def split_header(text: bytes, path: str) -> tuple[list[str], bytes, int]:
    """Header lines, the body after ``END OF HEADER`` and the number of header lines.

    Raises
    ------
    RinexError
        When the text is empty, not RINEX, or not a navigation file.
    """
    if not text or text.isspace():  # (no stripped copy of a whole day's text)
        raise RinexError("empty file, expected a RINEX navigation file", path)
    first = text[:81].split(b"\n", 1)[0]
    if b"RINEX VERSION / TYPE" not in first:
        raise RinexError(
            "not a RINEX file: the first line has no 'RINEX VERSION / TYPE' label", path, 1
        )
    end = text.find(b"END OF HEADER")
    if end < 0:
        raise RinexError("no 'END OF HEADER' line: not a complete RINEX header", path)
    cut = text.find(b"\n", end)
    cut = len(text) if cut < 0 else cut + 1
    head = text[:cut].decode("latin-1").splitlines()
    return head, text[cut:], len(head)


def _file_system(version: float, line: str, path: str) -> str:
    ftype = line[20:21]
    if ftype in _NOT_NAV:
        raise RinexError(f"{_NOT_NAV[ftype]}, not a navigation file", path, 1)
    if version < 3:
        if ftype not in RINEX2_TYPE_SYSTEM:
            raise RinexError(f"RINEX 2 file type {ftype!r} is not a navigation type", path, 1)
        return RINEX2_TYPE_SYSTEM[ftype]
    if ftype != "N":
        raise RinexError(f"file type {ftype!r}: not a navigation file (expected 'N')", path, 1)
    return line[40:41].strip() or "M"


def parse_header(lines: list[str], path: str) -> dict:
    """Header fields of a navigation file.

    Returns a dict with ``version``, ``system`` (``"M"`` for mixed), ``program``,
    ``run_by``, ``date``, ``comments``, ``leap_seconds`` (GPS - UTC, s), and raw
    ``ion`` and ``sto`` row lists (times still to be resolved by the caller).
    """
    first = lines[0]
    try:
        version = float(first[0:9])
    except ValueError:
        raise RinexError(f"RINEX version {first[0:9]!r} is not a number", path, 1) from None
    check_version(version, first[0:9], path)
    out: dict = {
        "path": path,
        "version": version,
        "system": _file_system(version, first, path),
        "comments": [],
        "leap_seconds": None,
        "ion": [],
        "sto": [],
    }
    klob: dict[tuple, dict] = {}
    for i, line in enumerate(lines, start=1):
        label = line[60:80].strip()
        try:
            _header_line(out, klob, label, line, version, i)
        except ValueError:
            raise RinexError(f"header line {label!r} has a non-numeric field", path, i) from None
    for (system, mark, sv), params in klob.items():
        out["ion"].append(
            {"system": system, "model": "klobuchar", "sv": sv, "time_mark": mark, **params}
        )
    return out


def _header_line(out: dict, klob: dict, label: str, line: str, version: float, i: int) -> None:
    if label == "PGM / RUN BY / DATE":
        out["program"], out["run_by"], out["date"] = (
            line[0:20].strip(),
            line[20:40].strip(),
            line[40:60].strip(),
        )
    elif label == "COMMENT":
        out["comments"].append(line[:60].rstrip())
    elif label == "LEAP SECONDS":
        leap = int(line[0:6])
        if line[24:27] == "BDS":  # RINEX 3.02+: the value is BDT - UTC
            leap += 14
        out["leap_seconds"] = leap
    elif label == "IONOSPHERIC CORR":
        kind = line[0:4]
        vals = [_num(line[5 + 12 * k : 17 + 12 * k]) for k in range(4)]
        mark, sv = line[54:55].strip(), line[56:58].strip()
        if kind.startswith("GAL"):
            out["ion"].append(
                {
                    "system": "E",
                    "model": "nequick_g",
                    "sv": "",
                    "time_mark": mark,
                    "ai0": vals[0],
                    "ai1": vals[1],
                    "ai2": vals[2],
                    "line": i,
                }
            )
        elif kind[:3] in _KLOB_PREFIX and kind[3] in "AB":
            system = _KLOB_PREFIX[kind[:3]]
            svid = f"{system}{int(sv):02d}" if sv.isdigit() else ""
            entry = klob.setdefault((system, mark, svid), {"line": i})
            name = "alpha" if kind[3] == "A" else "beta"
            for k in range(4):
                entry[f"{name}{k}"] = vals[k]
    elif label == "TIME SYSTEM CORR":
        out["sto"].append(
            {
                "kind": line[0:4].strip(),
                "a0_s": _num(line[5:22]),
                "a1_sps": _num(line[22:38]),
                "ref_sow_s": _num(line[38:45]),
                "ref_week": _num(line[45:50]),
                "utc_id": line[51:56].strip(),
                "line": i,
            }
        )
    elif label in ("ION ALPHA", "ION BETA"):  # RINEX 2
        vals = [_num(line[2 + 12 * k : 14 + 12 * k]) for k in range(4)]
        if out["system"] == "E":  # RINEX 2.12 Galileo: ai0, ai1, ai2
            out["ion"].append(
                {
                    "system": "E",
                    "model": "nequick_g",
                    "sv": "",
                    "time_mark": "",
                    "ai0": vals[0],
                    "ai1": vals[1],
                    "ai2": vals[2],
                    "line": i,
                }
            )
        else:
            entry = klob.setdefault((out["system"], "", ""), {"line": i})
            name = "alpha" if label == "ION ALPHA" else "beta"
            for k in range(4):
                entry[f"{name}{k}"] = vals[k]
    elif label == "DELTA-UTC: A0,A1,T,W":  # RINEX 2 GPS (GPUT) or Galileo 2.12 (GAUT)
        kind = "GAUT" if out["system"] == "E" else "GPUT"
        out["sto"].append(
            {
                "kind": kind,
                "a0_s": _num(line[3:22]),
                "a1_sps": _num(line[22:41]),
                "ref_sow_s": _num(line[41:50]),
                "ref_week": _num(line[50:59]),
                "utc_id": "",
                "line": i,
            }
        )
    elif label == "CORR TO SYSTEM TIME" and out["system"] == "R":  # RINEX 2 GLONASS: -tau_c
        out["sto"].append(
            {
                "kind": "GLUT",
                "a0_s": _num(line[21:40]),
                "a1_sps": 0.0,
                "ref_date": (int(line[0:6]), int(line[6:12]), int(line[12:18])),
                "utc_id": "",
                "line": i,
            }
        )
