"""RINEX observation header: recognise the file and collect its facts.

The header is small, so it is parsed line by line in Python.  Facts go into a plain
``dict`` whose keys become the ``attrs`` of the dataset returned by
:func:`kompas.io.rinex_obs.read_obs` (see that module for the list).
"""

from __future__ import annotations

import math
import os
import re

from kompas.errors import RinexError

__all__ = [
    "SUPPORTED_VERSIONS",
    "TIME_SYSTEM_SCALE",
    "check_first_line",
    "parse_header",
    "apply_header_records",
    "time_scale_of",
]

#: RINEX observation versions read by kompas (major -> highest minor known)
SUPPORTED_VERSIONS = {2: 11, 3: 5, 4: 2}

#: RINEX ``TIME OF FIRST OBS`` time system -> kompas time-scale name.  RINEX ``GLO`` is
#: UTC(SU)-based (RINEX 3.05 section 6.13 / table A2 note: GLONASS time tags are UTC), so
#: its labels are UTC.
TIME_SYSTEM_SCALE = {
    "GPS": "GPST",
    "GLO": "UTC",
    "GAL": "GST",
    "BDT": "BDT",
    "BDS": "BDT",
    "QZS": "QZSST",
    "IRN": "IRNSST",
    "UTC": "UTC",
    "TAI": "TAI",
}
#: default time system of a single-system file without ``TIME OF FIRST OBS`` system
_DEFAULT_SYSTEM_TIME = {"G": "GPS", "R": "GLO", "E": "GAL", "C": "BDT", "J": "QZS", "I": "IRN"}


def _label(line: str) -> str:
    return line[60:80].strip()


_NUMBER_CHARS = set("0123456789.+-EeDd")


def _float(text: str) -> float | None:
    """A header number, or None for blank or non-numeric text ('inf', 'nan', '1_0')."""
    text = text.strip()
    if not text or not set(text) <= _NUMBER_CHARS:
        return None
    try:
        value = float(text.replace("D", "E").replace("d", "E"))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _int(text: str) -> int | None:
    text = text.strip()
    try:
        return int(text) if text else None
    except ValueError:
        return None


def check_first_line(first: str, path: str | os.PathLike) -> tuple[float, str, str]:
    """Recognise a RINEX observation file from its first line.

    Returns
    -------
    version, file_type, system : float, str, str

    Raises
    ------
    RinexError
        Not RINEX, a navigation/other RINEX file, or an unsupported version.
    """
    label = _label(first)
    if "RINEX VERSION / TYPE" not in label:
        raise RinexError(
            "not a RINEX file: expected 'RINEX VERSION / TYPE' in columns 61-80 of line 1", path, 1
        )
    version = _float(first[:9])
    file_type = first[20:21].upper()
    if file_type != "O":
        kind = {"N": "navigation", "G": "GLONASS navigation", "H": "SBAS navigation"}
        what = kind.get(file_type, f"type {file_type!r}") if file_type.strip() else "unknown-type"
        raise RinexError(
            f"this is a RINEX {what} file, not observation data (column 21 of line 1 is "
            f"{file_type!r}, expected 'O'); use the navigation reader",
            path,
            1,
        )
    if version is None:
        raise RinexError("RINEX version (columns 1-9 of line 1) is not a number", path, 1)
    major = int(version)
    minor = round((version - major) * 100)
    if major not in SUPPORTED_VERSIONS or minor > SUPPORTED_VERSIONS[major]:
        raise RinexError(
            f"unsupported RINEX version {version:.2f} (supported: 2.00-2.11, 3.00-3.05, 4.00-4.02)",
            path,
            1,
        )
    system = first[40:41].upper().strip() or "G"
    return version, file_type, system


def time_scale_of(time_system: str) -> str:
    """kompas time-scale name for a RINEX time-system string (``"GPS"`` -> ``"GPST"``)."""
    return TIME_SYSTEM_SCALE.get(time_system.strip().upper(), "GPST")


def _new_facts(version: float, system: str) -> dict:
    return {
        "version": version,
        "file_type": "O",
        "satellite_system": system,
        "comments": [],
        "obs_types": {},
        "glonass_channels": {},
        "phase_shifts": {},
        "glonass_code_phase_bias_m": {},
        "scale_factors": {},
    }


#: RINEX 3/4 observation code: type (C, L, D, S; X channel number), band, attribute.
_CODE3 = re.compile(r"[CLDSX][0-9][A-Z]?")
#: RINEX 2.11/2.12 observation type: C, P, L, D, S and a band (1, 2, 5, 6, 7, 8).
_CODE2 = re.compile(r"[CPLDS][125678]")


def _check_codes(codes: list[str], pattern: re.Pattern, where: str, facts: dict) -> None:
    bad = [c for c in codes if pattern.fullmatch(c) is None]
    if bad:
        facts.setdefault("_type_count_mismatch", []).append(
            f"observation type(s) {', '.join(map(repr, bad))} of {where} are not RINEX codes "
            "(damaged header?)"
        )


def _parse_obs_types_v3(lines: list[str], facts: dict) -> None:
    sys_char = None
    declared: dict[str, int | None] = {}
    for line in lines:
        if line[0:1].strip():
            sys_char = line[0].upper()
            facts["obs_types"][sys_char] = []
            declared[sys_char] = _int(line[3:6])
        if sys_char is None:
            continue
        facts["obs_types"][sys_char].extend(line[7:60].split())
    for sys_char, n in declared.items():
        _check_codes(facts["obs_types"][sys_char], _CODE3, f"system {sys_char}", facts)
        listed = len(facts["obs_types"][sys_char])
        if n is not None and n != listed:
            facts.setdefault("_type_count_mismatch", []).append(
                f"'SYS / # / OBS TYPES' of system {sys_char} declares {n} observation types "
                f"but lists {listed} (a continuation line missing or extra?)"
            )


def _parse_obs_types_v2(lines: list[str], facts: dict) -> None:
    codes: list[str] = []
    for line in lines:
        codes.extend(line[6:60].split())
    facts["rinex2_obs_types"] = codes
    _check_codes(codes, _CODE2, "'# / TYPES OF OBSERV'", facts)
    declared = _int(lines[0][0:6]) if lines else None
    facts["_rinex2_declared"] = declared or 0
    if declared is not None and declared != len(codes):
        facts.setdefault("_type_count_mismatch", []).append(
            f"'# / TYPES OF OBSERV' declares {declared} observation types but lists "
            f"{len(codes)}; the records are read with {max(declared, len(codes))} fields, "
            "the unnamed ones are dropped"
        )


def _parse_glonass_slots(lines: list[str], facts: dict) -> None:
    for i, line in enumerate(lines):
        tokens = line[:60].split()
        if i == 0 or (tokens and tokens[0].isdigit()):
            if tokens and tokens[0].isdigit():
                tokens = tokens[1:]
        for sv, k in zip(tokens[0::2], tokens[1::2], strict=False):
            if len(sv) == 3 and sv[0] == "R":
                try:
                    facts["glonass_channels"][f"R{int(sv[1:]):02d}"] = int(k)
                except ValueError:
                    continue


def _parse_phase_shift(line: str, facts: dict) -> None:
    sys_char = line[0:1].strip()
    code = line[2:5].strip()
    if sys_char and code:
        facts["phase_shifts"][f"{sys_char} {code}"] = _float(line[6:14])


def _parse_cod_phs_bis(line: str, facts: dict) -> None:
    tokens = line[:60].split()
    for code, value in zip(tokens[0::2], tokens[1::2], strict=False):
        facts["glonass_code_phase_bias_m"][code] = _float(value)


def _parse_scale_factor(lines: list[str], facts: dict) -> None:
    for line in lines:
        sys_char = line[0:1].strip()
        factor = _int(line[2:6])
        if not sys_char or not factor:
            continue
        codes = line[10:60].split() or facts["obs_types"].get(sys_char, [])
        facts["scale_factors"].setdefault(sys_char, {}).update({c: factor for c in codes})


def _parse_time_of_obs(line: str) -> tuple[list[float], str]:
    fields = [line[0:6], line[6:12], line[12:18], line[18:24], line[24:30], line[30:43]]
    return [_float(f) for f in fields], line[48:51].strip()


def _simple(label: str, line: str, facts: dict) -> None:
    text = line[:60]
    if label == "MARKER NAME":
        facts["marker_name"] = text.strip()
    elif label == "MARKER NUMBER":
        facts["marker_number"] = text.strip()
    elif label == "MARKER TYPE":
        facts["marker_type"] = text[:20].strip()
    elif label == "OBSERVER / AGENCY":
        facts["observer"] = text[:20].strip()
        facts["agency"] = text[20:60].strip()
    elif label == "REC # / TYPE / VERS":
        facts["receiver_number"] = text[:20].strip()
        facts["receiver_type"] = text[20:40].strip()
        facts["receiver_version"] = text[40:60].strip()
    elif label == "ANT # / TYPE":
        facts["antenna_number"] = text[:20].strip()
        facts["antenna_type"] = text[20:40].strip()
    elif label == "APPROX POSITION XYZ":
        facts["approx_position_xyz_m"] = [_float(text[i : i + 14]) for i in (0, 14, 28)]
    elif label == "ANTENNA: DELTA H/E/N":
        facts["antenna_delta_hen_m"] = [_float(text[i : i + 14]) for i in (0, 14, 28)]
    elif label == "INTERVAL":
        facts["interval_s"] = _float(text[:10])
    elif label == "LEAP SECONDS":
        facts["leap_seconds"] = _int(text[:6])
    elif label == "SIGNAL STRENGTH UNIT":
        facts["signal_strength_unit"] = text[:20].strip()
    elif label == "RCV CLOCK OFFS APPL":
        facts["receiver_clock_offset_applied"] = _int(text[:6])
    elif label == "PGM / RUN BY / DATE":
        facts["program"] = text[:20].strip()
        facts["run_by"] = text[20:40].strip()
        facts["file_date"] = text[40:60].strip()
    elif label == "COMMENT":
        facts["comments"].append(text.rstrip())
    elif label == "SYS / PHASE SHIFT":
        _parse_phase_shift(line, facts)
    elif label == "GLONASS COD/PHS/BIS":
        _parse_cod_phs_bis(line, facts)
    elif label == "TIME OF FIRST OBS":
        facts["time_of_first_obs"], ts = _parse_time_of_obs(line)
        if ts:
            facts["time_system"] = ts
    elif label == "TIME OF LAST OBS":
        facts["time_of_last_obs"], _ = _parse_time_of_obs(line)


_MULTI = {
    "SYS / # / OBS TYPES": _parse_obs_types_v3,
    "# / TYPES OF OBSERV": _parse_obs_types_v2,
    "GLONASS SLOT / FRQ #": _parse_glonass_slots,
    "SYS / SCALE FACTOR": _parse_scale_factor,
}


def apply_header_records(lines: list[str], facts: dict) -> set[str]:
    """Apply header records (from the header or from an epoch-flag 2-5 event) to ``facts``.

    Returns the set of labels seen, so callers know e.g. that observation types changed.
    """
    seen: set[str] = set()
    groups: dict[str, list[str]] = {}
    for line in lines:
        label = _label(line)
        seen.add(label)
        if label in _MULTI:
            groups.setdefault(label, []).append(line)
        else:
            _simple(label, line, facts)
    if "SYS / # / OBS TYPES" in groups:
        # a repeated record in an event replaces the listed systems only
        for sys_char in {ln[0].upper() for ln in groups["SYS / # / OBS TYPES"] if ln[:1].strip()}:
            facts["obs_types"].pop(sys_char, None)
    # obs types before scale factors (a scale-factor record without codes applies to all)
    for label in ("SYS / # / OBS TYPES", "# / TYPES OF OBSERV", "GLONASS SLOT / FRQ #"):
        if label in groups:
            _MULTI[label](groups[label], facts)
    if "SYS / SCALE FACTOR" in groups:
        _parse_scale_factor(groups["SYS / SCALE FACTOR"], facts)
    return seen


def parse_header(lines: list[str], path: str | os.PathLike) -> dict:
    """Parse the header lines (first line to ``END OF HEADER`` excluded).

    Raises
    ------
    RinexError
        When the file is not a supported RINEX observation file or declares no
        observation types.
    """
    version, _, system = check_first_line(lines[0], path)
    facts = _new_facts(version, system)
    apply_header_records(lines[1:], facts)
    if version < 3:
        if not facts.get("rinex2_obs_types"):
            raise RinexError("header has no '# / TYPES OF OBSERV' record", path)
    elif not facts["obs_types"]:
        raise RinexError("header has no 'SYS / # / OBS TYPES' record", path)
    if "time_system" not in facts:
        default = "GPS" if system == "M" else _DEFAULT_SYSTEM_TIME.get(system, "GPS")
        facts["time_system"] = default
    facts["time_scale"] = time_scale_of(facts["time_system"])
    return facts
