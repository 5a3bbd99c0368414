"""Station coordinates from SINEX files (SINEX 2.xx, IERS/IGS "Solution INdependent EXchange").

Only what positioning needs: ``SITE/ID``, ``SOLUTION/EPOCHS``, ``SOLUTION/ESTIMATE``
(``STAX/STAY/STAZ`` and, when present, ``VELX/VELY/VELZ``) and ``SITE/ECCENTRICITY``.
Matrices are ignored. Epochs ``YY:DOY:SSSSS`` become ``datetime64[ns]`` (``00:000:00000``
means "open" and becomes NaT); two-digit years 50-99 are 19xx, 00-49 are 20xx (SINEX 2.02).
"""

from __future__ import annotations

import os
import re
import warnings
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from kompas.errors import FormatError, KompasWarning, StationNotFoundError
from kompas.io.compress import read_bytes

__all__ = ["read_sinex_coordinates", "station_position"]

_SECONDS_PER_JULIAN_YEAR = 365.25 * 86400.0  # SINEX velocities are per (Julian) year
_KEY = ["station", "point", "solution"]


def _sinex_epoch(text: str) -> np.datetime64:
    """``"24:035:43200"`` -> 2024-02-04T12:00; ``"00:000:00000"`` -> NaT."""
    try:
        yy, doy, sod = (int(v) for v in text.strip().split(":"))
    except ValueError:
        return np.datetime64("NaT", "ns")
    if yy == 0 and doy == 0 and sod == 0:
        return np.datetime64("NaT", "ns")
    year = yy + (1900 if yy >= 50 else 2000)
    return (
        np.datetime64(f"{year:04d}-01-01", "ns")
        + np.timedelta64(doy - 1, "D")
        + np.timedelta64(sod, "s")
    )


#: SINEX versions read (the header line's version field, columns 7-10).
SUPPORTED_VERSIONS = ("1.00", "2.00", "2.01", "2.02", "2.10")
#: A number of a SINEX data line (no 'inf', 'nan', '1_0').
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?")


def _check_first_line(lines: list[str], path: str) -> int | None:
    """Version check; returns the declared number of estimated parameters (or None)."""
    if not lines or not lines[0].startswith("%=SNX"):
        raise FormatError("not a SINEX file: line 1 must start with '%=SNX'", path, 1)
    version = lines[0][6:10]
    if version not in SUPPORTED_VERSIONS:
        raise FormatError(
            f"unsupported SINEX version {version!r} (columns 7-10 of line 1; supported: "
            f"{', '.join(SUPPORTED_VERSIONS)})",
            path,
            1,
        )
    tokens = lines[0].split()
    return int(tokens[8]) if len(tokens) > 8 and tokens[8].isdigit() else None


def _blocks(lines: list[str], path: str) -> dict[str, list[tuple[int, str]]]:
    """Data lines (1-based line number, text) of every ``+BLOCK`` ... ``-BLOCK``.

    A file without its final ``%ENDSNX`` line or with a block left open was cut: warned.
    """
    out: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    ended = False
    for no, line in enumerate(lines, 1):
        if line.startswith("+"):
            current = line[1:].split()[0] if line[1:].split() else ""
            out.setdefault(current, [])
        elif line.startswith("-"):
            current = None
        elif line.startswith("%ENDSNX"):
            ended = True
            break
        elif current is not None and line and not line.startswith("*"):
            out[current].append((no, line))
    if current is not None:
        _warn(path, f"block +{current} is never closed: the file was cut")
    elif not ended:
        _warn(path, "no '%ENDSNX' line at the end: the file may be truncated")
    return out


def _warn(path: str, message: str) -> None:
    warnings.warn(f"{path}: {message}", KompasWarning, stacklevel=4)


def _number(text: str, path: str, line: int, what: str) -> float:
    if _NUMBER.fullmatch(text) is None:
        raise FormatError(f"malformed SOLUTION/ESTIMATE {what} {text!r}", path, line)
    return float(text.replace("D", "E").replace("d", "E"))


def _code_pt(tokens: list[str]) -> tuple[str, str]:
    return tokens[0].upper(), tokens[1]


def read_sinex_coordinates(path: str | os.PathLike) -> pd.DataFrame:
    """Station coordinates, velocities, epochs and eccentricities of a SINEX file.

    Parameters
    ----------
    path : str or os.PathLike
        SINEX file (plain or compressed).

    Returns
    -------
    pandas.DataFrame
        One row per (``station``, ``point``, ``solution``) with an estimate, columns:
        ``station`` (4-char, upper case), ``point``, ``solution``, ``domes``,
        ``description``, ``x_m``, ``y_m``, ``z_m``, ``sigma_x_m``, ``sigma_y_m``,
        ``sigma_z_m``, ``vx_m_per_yr``, ``vy_m_per_yr``, ``vz_m_per_yr`` (NaN without
        velocities), ``ref_epoch`` (of the estimate), ``data_start``, ``data_end``,
        ``mean_epoch`` (``SOLUTION/EPOCHS``), ``ecc_up_m``, ``ecc_north_m``,
        ``ecc_east_m`` (antenna reference point minus marker, ``SITE/ECCENTRICITY``, UNE;
        NaN when not UNE or absent).

    Raises
    ------
    FormatError
        Not a SINEX file, or a malformed estimate line.
    """
    name = os.fspath(path)
    lines = read_bytes(path).decode("ascii", "replace").replace("\r", "").split("\n")
    declared = _check_first_line(lines, name)
    blocks = _blocks(lines, name)
    n_est = len(blocks.get("SOLUTION/ESTIMATE", []))
    if declared is not None and "SOLUTION/ESTIMATE" in blocks and n_est != declared:
        _warn(
            name,
            f"header line declares {declared} estimated parameters, SOLUTION/ESTIMATE holds "
            f"{n_est}",
        )

    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    comp = {"STAX": "x_m", "STAY": "y_m", "STAZ": "z_m"}
    vcomp = {"VELX": "vx_m_per_yr", "VELY": "vy_m_per_yr", "VELZ": "vz_m_per_yr"}
    for no, line in blocks.get("SOLUTION/ESTIMATE", []):
        tok = line.split()
        if len(tok) < 9:
            raise FormatError("malformed SOLUTION/ESTIMATE line", name, no)
        ptype = tok[1].upper()
        if ptype not in comp and ptype not in vcomp:
            continue
        value = _number(tok[8], name, no, "value")
        sigma = _number(tok[9], name, no, "sigma") if len(tok) > 9 else float("nan")
        key = (tok[2].upper(), tok[3], tok[4])
        row = rows.setdefault(key, {"ref_epoch": _sinex_epoch(tok[5])})
        if ptype in comp:
            row[comp[ptype]] = value
            row["sigma_" + comp[ptype]] = sigma
            row["ref_epoch"] = _sinex_epoch(tok[5])
        else:
            row[vcomp[ptype]] = value
    partial = [k for k, v in rows.items() if not all(c in v for c in comp.values())]
    if partial:
        _warn(
            name,
            f"{len(partial)} station solution(s) lack one of STAX/STAY/STAZ (first: "
            f"{' '.join(partial[0])}); their position is NaN",
        )
    site_codes = {
        _code_pt(ln.split()) for _, ln in blocks.get("SITE/ID", []) if len(ln.split()) > 1
    }
    unknown = [k for k in rows if site_codes and (k[0], k[1]) not in site_codes]
    if unknown:
        _warn(
            name,
            f"{len(unknown)} estimate(s) of a station not in SITE/ID (first: "
            f"{' '.join(unknown[0])})",
        )
    df = pd.DataFrame(
        [{"station": k[0], "point": k[1], "solution": k[2], **v} for k, v in rows.items()]
    )
    cols = ["x_m", "y_m", "z_m", "sigma_x_m", "sigma_y_m", "sigma_z_m"] + list(vcomp.values())
    for c in cols:
        if c not in df:
            df[c] = np.nan
    if df.empty:
        df = pd.DataFrame(columns=_KEY + cols + ["ref_epoch"])

    site = {}
    for _, line in blocks.get("SITE/ID", []):
        tok = line.split()
        if len(tok) >= 3:
            site[_code_pt(tok)] = (line[9:18].strip(), line[21:43].strip())
    sp = list(zip(df.station, df.point, strict=True))
    df["domes"] = [site.get(k, ("", ""))[0] for k in sp]
    df["description"] = [site.get(k, ("", ""))[1] for k in sp]

    epochs = {}
    for _, line in blocks.get("SOLUTION/EPOCHS", []):
        tok = line.split()
        if len(tok) >= 7:
            key = (tok[0].upper(), tok[1], tok[2])
            epochs[key] = tuple(_sinex_epoch(t) for t in tok[4:7])
    nat = (np.datetime64("NaT", "ns"),) * 3
    keys = zip(df.station, df.point, df.solution, strict=True)
    ep = [epochs.get(k, nat) for k in keys]
    for i, c in enumerate(("data_start", "data_end", "mean_epoch")):
        df[c] = np.array([e[i] for e in ep], dtype="datetime64[ns]")
    df["ref_epoch"] = np.asarray(df["ref_epoch"].to_numpy(), dtype="datetime64[ns]")

    ecc: dict[tuple[str, str], tuple[np.datetime64, tuple[float, float, float]]] = {}
    for _, line in blocks.get("SITE/ECCENTRICITY", []):
        tok = line.split()
        if len(tok) < 10 or tok[6].upper() != "UNE":
            continue
        key = _code_pt(tok)
        start = _sinex_epoch(tok[4])
        try:
            une = (float(tok[7]), float(tok[8]), float(tok[9]))
        except ValueError:
            continue
        # keep the latest-starting entry (the one in force at the end of the file)
        if key not in ecc or (not np.isnat(start) and start >= ecc[key][0]):
            ecc[key] = (start, une)
    nan3 = (np.nan, np.nan, np.nan)
    une = np.array([ecc.get(k, (None, nan3))[1] for k in sp])
    une = une.reshape(len(df), 3)
    df["ecc_up_m"], df["ecc_north_m"], df["ecc_east_m"] = une[:, 0], une[:, 1], une[:, 2]
    order = _KEY + ["domes", "description"] + cols + ["ref_epoch"]
    order += ["data_start", "data_end", "mean_epoch", "ecc_up_m", "ecc_north_m", "ecc_east_m"]
    df = df[order].sort_values(_KEY, kind="stable").reset_index(drop=True)
    df.attrs["source"] = os.path.basename(name)
    return df


def _as_datetime64(epoch: Any) -> np.datetime64:
    if hasattr(epoch, "datetime64"):  # kompas.time.Time
        return np.datetime64(np.asarray(epoch.datetime64).ravel()[0], "ns")
    if isinstance(epoch, datetime):
        return np.datetime64(epoch.replace(tzinfo=None), "ns")
    return np.datetime64(epoch, "ns")


def station_position(
    path: str | os.PathLike | pd.DataFrame,
    station: str,
    epoch: Any = None,
    *,
    point: str = "A",
) -> tuple[np.ndarray, dict[str, Any]]:
    """Marker position of one station from a SINEX file, propagated to ``epoch``.

    Parameters
    ----------
    path : path or DataFrame
        SINEX file, or the table from :func:`read_sinex_coordinates`.
    station : str
        4-character code, case-insensitive; a 9-character name (``"NIST00USA"``) is
        accepted (its first four characters are used).
    epoch : numpy.datetime64, datetime, str, kompas.time.Time, optional
        When the file holds several solutions for the station, the one whose data span
        contains ``epoch`` (else the one with the nearest reference epoch) is used; with
        velocities, the position is propagated linearly from the reference epoch
        (Julian years). Default: the latest solution, at its reference epoch.
    point : str
        Point code, ``"A"`` by default.

    Returns
    -------
    xyz_m : numpy.ndarray, shape (3,)
        ECEF marker position in the file's frame, m.
    info : dict
        ``station``, ``point``, ``solution``, ``domes``, ``ref_epoch``, ``epoch``,
        ``propagated`` (bool), ``velocity_m_per_yr`` (array or None), ``sigma_m``,
        ``eccentricity_une_m`` (up, north, east), ``source``.

    Raises
    ------
    StationNotFoundError
        The station is not in the file (also a ``KeyError``); the message names the
        stations the file holds.
    """
    table = path if isinstance(path, pd.DataFrame) else read_sinex_coordinates(path)
    code = station.strip().upper()[:4]
    rows = table[(table.station == code) & (table.point == point)]
    rows = rows[np.isfinite(rows[["x_m", "y_m", "z_m"]].to_numpy(float)).all(axis=1)]
    if rows.empty:
        available = sorted(set(table.station[table.point == point].tolist()))
        raise StationNotFoundError(station, str(table.attrs.get("source")), available, point)
    when = None if epoch is None else _as_datetime64(epoch)
    if when is None:
        last = rows["data_end"].fillna(rows["ref_epoch"]).to_numpy("datetime64[ns]")
        pick = int(np.argmax(last.astype(np.int64)))
    else:
        start = rows["data_start"].to_numpy("datetime64[ns]")
        end = rows["data_end"].to_numpy("datetime64[ns]")
        inside = (start <= when) & ((end >= when) | np.isnat(end))
        ref = rows["ref_epoch"].to_numpy("datetime64[ns]")
        dist = np.abs((ref - when).astype("timedelta64[s]").astype(np.float64))
        dist = np.where(inside, dist - 1e15, dist)  # prefer a span that contains epoch
        pick = int(np.argmin(dist))
    r = rows.iloc[pick]
    xyz = np.array([r.x_m, r.y_m, r.z_m], dtype=np.float64)
    vel = np.array([r.vx_m_per_yr, r.vy_m_per_yr, r.vz_m_per_yr], dtype=np.float64)
    has_vel = bool(np.isfinite(vel).all())
    propagated = False
    ref_epoch = np.datetime64(r.ref_epoch, "ns") if not pd.isna(r.ref_epoch) else None
    if has_vel and when is not None and ref_epoch is not None:
        dt_s = (when - ref_epoch) / np.timedelta64(1, "s")
        xyz = xyz + vel * (dt_s / _SECONDS_PER_JULIAN_YEAR)
        propagated = True
    info = {
        "station": code,
        "point": r.point,
        "solution": r.solution,
        "domes": r.domes,
        "ref_epoch": ref_epoch,
        "epoch": when if when is not None else ref_epoch,
        "propagated": propagated,
        "velocity_m_per_yr": vel if has_vel else None,
        "sigma_m": np.array([r.sigma_x_m, r.sigma_y_m, r.sigma_z_m], dtype=np.float64),
        "eccentricity_une_m": np.array([r.ecc_up_m, r.ecc_north_m, r.ecc_east_m]),
        "source": table.attrs.get("source", ""),
    }
    return xyz, info
