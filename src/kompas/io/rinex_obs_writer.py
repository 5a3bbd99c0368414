"""Write an observation Dataset (as from :func:`kompas.io.rinex_obs.read_obs`) as RINEX 3/4.

Records are built as one character matrix per constellation with vectorised fixed-point
formatting (:func:`kompas.io.numparse.format_fixed`), interleaved with the epoch lines by
one sort, trimmed of trailing blanks and written in one go.  Values are rounded to the
0.001 of the F14.3 format; ``read_obs(write_obs(ds))`` gives back the same values,
indicators (``-1`` = blank) and header facts.
"""

from __future__ import annotations

import datetime as _dt
import os
import warnings

import numpy as np
import xarray as xr

from kompas.errors import KompasError, KompasWarning
from kompas.io.numparse import SPACE, format_fixed
from kompas.io.rinex_obs_summary import observation_codes

__all__ = ["write_obs"]

_WRITABLE = {"3.00", "3.01", "3.02", "3.03", "3.04", "3.05", "4.00", "4.01", "4.02"}
_SCALE_TO_SYSTEM = {
    "GPST": "GPS",
    "UTC": "GLO",
    "GLONASST": "GLO",
    "GST": "GAL",
    "BDT": "BDT",
    "QZSST": "QZS",
    "IRNSST": "IRN",
}
_ORDER = "GRECJIS"


def _hline(text: str, label: str) -> str:
    return f"{text[:60]:<60}{label:<20}".rstrip() + "\n"


def _f(value, width: int, decimals: int) -> str:
    return " " * width if value is None else f"{float(value):{width}.{decimals}f}"


def _codes_per_system(ds: xr.Dataset, systems: list[str], sv_sys: np.ndarray) -> dict:
    names = [c for c in observation_codes(ds) if len(c) == 3]
    skipped = [c for c in observation_codes(ds) if len(c) != 3]
    if skipped:
        warnings.warn(
            f"variables {skipped} are not RINEX 3 observation codes and are not written",
            KompasWarning,
            stacklevel=3,
        )
    declared = ds.attrs.get("obs_types", {}) or {}
    out = {}
    for s in systems:
        cols = sv_sys == s
        has = [c for c in names if np.isfinite(ds[c].values[:, cols]).any()]
        first = [c for c in declared.get(s, []) if c in names]
        out[s] = first + [c for c in has if c not in first]
    return out


def _header(ds: xr.Dataset, version: str, codes: dict, times: np.ndarray) -> str:
    a = ds.attrs
    systems = [s for s in codes if codes[s]]
    sys_char = systems[0] if len(systems) == 1 else "M"
    lines = [
        _hline(f"{version:>9}{'':11}{'OBSERVATION DATA':<20}{sys_char:<20}", "RINEX VERSION / TYPE")
    ]
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d %H%M%S UTC")
    lines.append(_hline(f"{'kompas':<20}{'':<20}{now:<20}", "PGM / RUN BY / DATE"))
    lines += [_hline(c, "COMMENT") for c in a.get("comments", [])]
    lines.append(_hline(a.get("marker_name", "") or "UNKNOWN", "MARKER NAME"))
    for key, label in (("marker_number", "MARKER NUMBER"), ("marker_type", "MARKER TYPE")):
        if a.get(key):
            lines.append(_hline(a[key], label))
    lines.append(
        _hline(f"{a.get('observer', ''):<20}{a.get('agency', ''):<40}", "OBSERVER / AGENCY")
    )
    rec = f"{a.get('receiver_number', ''):<20}{a.get('receiver_type', ''):<20}"
    lines.append(_hline(rec + f"{a.get('receiver_version', ''):<20}", "REC # / TYPE / VERS"))
    ant = f"{a.get('antenna_number', ''):<20}{a.get('antenna_type', ''):<20}"
    lines.append(_hline(ant, "ANT # / TYPE"))
    xyz = a.get("approx_position_xyz_m") or [0.0, 0.0, 0.0]
    lines.append(_hline("".join(_f(v, 14, 4) for v in xyz), "APPROX POSITION XYZ"))
    hen = a.get("antenna_delta_hen_m") or [0.0, 0.0, 0.0]
    lines.append(_hline("".join(_f(v, 14, 4) for v in hen), "ANTENNA: DELTA H/E/N"))
    for s in systems:
        cs = codes[s]
        for i in range(0, len(cs), 13):
            head = f"{s}  {len(cs):3d}" if i == 0 else " " * 6
            lines.append(
                _hline(head + "".join(f" {c}" for c in cs[i : i + 13]), "SYS / # / OBS TYPES")
            )
    if a.get("signal_strength_unit"):
        lines.append(_hline(a["signal_strength_unit"], "SIGNAL STRENGTH UNIT"))
    if a.get("interval_s") is not None:
        lines.append(_hline(_f(a["interval_s"], 10, 3), "INTERVAL"))
    tsys = a.get("time_system") or _SCALE_TO_SYSTEM.get(a.get("time_scale", "GPST"), "GPS")
    for t, label in ((times[0], "TIME OF FIRST OBS"), (times[-1], "TIME OF LAST OBS")):
        lines.append(_hline(_calendar_text(t) + f"     {tsys:<3}", label))
    for key, shift in (a.get("phase_shifts") or {}).items():
        lines.append(
            _hline(f"{key:<5} {_f(shift, 8, 5) if shift is not None else ''}", "SYS / PHASE SHIFT")
        )
    lines += _glonass_lines(a)
    if a.get("receiver_clock_offset_applied") is not None:
        lines.append(_hline(f"{int(a['receiver_clock_offset_applied']):6d}", "RCV CLOCK OFFS APPL"))
    if a.get("leap_seconds") is not None:
        lines.append(_hline(f"{int(a['leap_seconds']):6d}", "LEAP SECONDS"))
    lines.append(_hline("", "END OF HEADER"))
    return "".join(lines)


def _glonass_lines(a: dict) -> list[str]:
    lines = []
    slots = sorted((a.get("glonass_channels") or {}).items())
    for i in range(0, max(len(slots), 1), 8):
        head = f"{len(slots):3d} " if i == 0 else "    "
        body = "".join(f"{sv} {k:2d} " for sv, k in slots[i : i + 8])
        if slots:
            lines.append(_hline(head + body, "GLONASS SLOT / FRQ #"))
    bias = a.get("glonass_code_phase_bias_m") or {}
    if bias:
        text = "".join(f" {c:<3} {_f(v, 8, 3)}" for c, v in bias.items())
        lines.append(_hline(text, "GLONASS COD/PHS/BIS"))
    return lines


def _calendar_text(t: np.datetime64) -> str:
    ns = int(np.datetime64(t, "ns").astype(np.int64))
    day_ns = 86_400 * 10**9
    days, rem = divmod(ns, day_ns)
    d = np.datetime64(days, "D").astype(object)
    sec, frac = divmod(rem, 10**9)
    return (
        f"{d.year:6d}{d.month:6d}{d.day:6d}{sec // 3600:6d}{sec % 3600 // 60:6d}"
        f"{sec % 60:5d}.{frac // 100:07d}"
    )


def _epoch_lines(times: np.ndarray, counts: np.ndarray, flags: np.ndarray, clock) -> list[bytes]:
    ns = times.astype("datetime64[ns]").astype(np.int64)
    days, rem = np.divmod(ns, 86_400 * 10**9)
    dates = np.datetime64("1970-01-01", "D") + days.astype("timedelta64[D]")
    ymd = dates.astype(object)
    sec, frac = np.divmod(rem, 10**9)
    out = []
    for i, d in enumerate(ymd):  # a few thousand epoch lines: plain formatting is fine
        s = int(sec[i])
        line = (
            f"> {d.year:4d} {d.month:02d} {d.day:02d} {s // 3600:02d} {s % 3600 // 60:02d}"
            f"{s % 60:3d}.{int(frac[i]) // 100:07d}  {int(flags[i]):1d}{int(counts[i]):3d}"
        )
        if clock is not None and np.isfinite(clock[i]):
            line += f"{'':6}{clock[i]:15.12f}"
        out.append(line.encode())
    return out


def _indicator_chars(arr: np.ndarray) -> np.ndarray:
    return np.where(arr >= 0, arr + 48, SPACE).astype(np.uint8)


def write_obs(ds: xr.Dataset, path: str | os.PathLike, version: str = "3.05") -> None:
    """Write ``ds`` as a RINEX 3.0x / 4.0x observation file (plain text).

    Parameters
    ----------
    ds : xarray.Dataset
        ``(time, sv)`` observations as returned by :func:`~kompas.io.rinex_obs.read_obs`
        (RINEX 3 code variables, optional ``<code>_lli`` / ``<code>_ssi`` int8 with -1 for
        blank, header facts in ``attrs``).
    path : str or os.PathLike
        Output file.
    version : str
        ``"3.05"`` (default) or any of 3.00-3.05, 4.00-4.02.

    Raises
    ------
    KompasError
        Unsupported version, or a value that does not fit the F14.3 field.
    """
    version = f"{float(version):.2f}"
    if version not in _WRITABLE:
        raise KompasError(f"cannot write RINEX observation version {version}")
    times = ds["time"].values
    sv = np.asarray(ds["sv"].values).astype(str)
    sv_sys = np.array([s[0] for s in sv])
    systems = sorted(set(sv_sys.tolist()), key=lambda c: (_ORDER.find(c) % 99, c))
    codes = _codes_per_system(ds, systems, sv_sys)
    n_t = times.size
    width = 3 + 16 * max([len(c) for c in codes.values()] + [3]) + 60
    keys, rows = [], []
    counts = np.zeros(n_t, dtype=np.int64)
    sv_rank = np.argsort(np.argsort(sv))  # records sorted by satellite id within an epoch
    for s in systems:
        cols = np.flatnonzero(sv_sys == s)
        cs = codes[s]
        if not cs or not cols.size:
            continue
        present = np.zeros((n_t, cols.size), dtype=bool)
        for c in cs:
            present |= np.isfinite(ds[c].values[:, cols])
        t_i, c_i = np.nonzero(present)
        s_i = cols[c_i]
        mat = np.full((t_i.size, width), SPACE, dtype=np.uint8)
        mat[:, :3] = np.frombuffer("".join(sv[s_i]).encode(), dtype=np.uint8).reshape(-1, 3)
        for j, c in enumerate(cs):
            vals = ds[c].values[t_i, s_i]
            block, ok = format_fixed(vals, 14, 3)
            if not ok.all():
                bad = int(np.flatnonzero(~ok)[0])
                raise KompasError(
                    f"{c} of {sv[s_i[bad]]} at {times[t_i[bad]]} = {vals[bad]} does not fit F14.3"
                )
            col = 3 + 16 * j
            mat[:, col : col + 14] = block
            for kind, off in (("lli", 14), ("ssi", 15)):
                name = f"{c}_{kind}"
                if name in ds:
                    mat[:, col + off] = _indicator_chars(ds[name].values[t_i, s_i])
        np.add.at(counts, t_i, 1)
        keys.append(t_i * (sv.size + 1) + 1 + sv_rank[s_i])
        rows.append(mat)
    flags = np.zeros(n_t, dtype=np.int64)
    power = {ev.get("time") for ev in ds.attrs.get("epoch_flags", []) if ev.get("flag") == 1}
    if power:
        flags[np.isin(np.datetime_as_string(times, unit="ns"), list(power))] = 1
    clock = ds["receiver_clock_offset_s"].values if "receiver_clock_offset_s" in ds else None
    ep_mat = np.full((n_t, width), SPACE, dtype=np.uint8)
    for i, line in enumerate(_epoch_lines(times, counts, flags, clock)):
        ep_mat[i, : len(line)] = np.frombuffer(line, dtype=np.uint8)
    keys.append(np.arange(n_t) * (sv.size + 1))
    rows.append(ep_mat)
    allkeys = np.concatenate(keys)
    mat = np.concatenate(rows)[np.argsort(allkeys, kind="stable")]
    # trim trailing blanks, end every line with a newline
    nonblank = mat != SPACE
    last = width - 1 - np.argmax(nonblank[:, ::-1], axis=1)
    mat[np.arange(mat.shape[0]), np.minimum(last + 1, width - 1)] = 10
    keep = np.arange(width)[None, :] <= (last + 1)[:, None]
    body = mat[keep].tobytes()
    with open(path, "wb") as fh:
        fh.write(_header(ds, version, codes, times).encode("ascii", "replace"))
        fh.write(body)
