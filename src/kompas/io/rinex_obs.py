"""Read RINEX observation files (2.xx, 3.00-3.05, 4.00-4.02) into an xarray Dataset, fast.

The whole decompressed text is one numpy byte array; lines are found with numpy, epoch
lines are classified and parsed as a block, and every observation field is parsed for all
records of a system at once (vectorised digit arithmetic, exact like ``float(text)``) and
scattered into preallocated ``(time, sv)`` arrays.  No Python loop runs per epoch or per
satellite on the RINEX 3/4 path; RINEX 2 walks its epoch chain with integer arithmetic only.

Dataset layout
--------------
dims ``(time, sv)``
    ``time``: ``datetime64[ns]`` labels in the file's time system (``attrs["time_scale"]``:
    ``"GPST"``, ``"UTC"`` for RINEX ``GLO`` time tags, ``"GST"``, ``"BDT"``, ``"QZSST"``,
    ``"IRNSST"``); ``sv``: strings like ``"G07"``, sorted.
one float64 variable per observation code
    RINEX 3 codes (``"C1C"``, ``"L1C"``, ...); NaN where absent.  For RINEX 2 files the
    2-character codes are mapped per system to RINEX 3 codes and each variable's
    ``attrs["rinex2_code"]`` keeps the original; a code without a RINEX 3 equivalent for any
    system keeps its 2-character name.  Variable attrs: ``units`` (``m``, ``cycles``,
    ``Hz``, or the signal-strength unit).
``<code>_lli``, ``<code>_ssi`` (int8)
    loss-of-lock and signal-strength indicators: the digit 0-9, or -1 where the column is
    blank or the observation absent.  Present only when the file has any such indicator.
``receiver_clock_offset_s`` (time)
    when the epoch lines carry it.

``attrs`` (plain Python objects; dicts and lists are not netCDF-serialisable as such):
``version``, ``file_type``, ``satellite_system``, ``marker_name``, ``marker_number``,
``marker_type``, ``observer``, ``agency``, ``receiver_number``/``_type``/``_version``,
``antenna_number``/``_type``, ``approx_position_xyz_m`` [x, y, z], ``antenna_delta_hen_m``
[h, e, n], ``interval_s``, ``time_system`` (RINEX string), ``time_scale``,
``leap_seconds``, ``glonass_channels`` {sv: k}, ``phase_shifts`` {"G L2L": cycles or None},
``glonass_code_phase_bias_m``, ``scale_factors``, ``signal_strength_unit``, ``obs_types``
{system: [codes]} (``rinex2_obs_types`` too for RINEX 2), ``comments``, ``epoch_flags``
(list of events: flag, line, time, header records or cycle-slip satellites), and the
counters ``skipped_epochs``, ``skipped_records``, ``skipped_lines``, ``bad_fields``,
``truncated_epochs``.  Header records found in the data (flags 2-5) are applied: the
attrs hold the values in force at the end of the file, and the event keeps the records.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Sequence

import numpy as np
import xarray as xr

from kompas.errors import RinexError, Strictness, TimeError
from kompas.io.compress import PendingText, read_bytes
from kompas.io.numparse import line_table, pad_buffer
from kompas.io.rinex_obs_core import Body, ReadContext, civil_to_ns, fill_observations
from kompas.io.rinex_obs_header import check_first_line, parse_header
from kompas.io.rinex_obs_summary import summarize
from kompas.io.rinex_obs_v2 import parse_body_v2
from kompas.io.rinex_obs_v3 import parse_body_v3

__all__ = ["read_obs", "summarize"]

_COUNTERS = (
    "skipped_epochs",
    "skipped_records",
    "skipped_lines",
    "bad_fields",
    "truncated_epochs",
    "duplicate_records",
    "count_mismatches",
)
_PAD = 256
_UNITS = {"C": "m", "L": "cycles", "D": "Hz"}


def _to_ns(value) -> int | None:
    if value is None:
        return None
    try:
        return int(np.datetime64(value, "ns").astype(np.int64))
    except (ValueError, TypeError, OverflowError):
        raise TimeError(
            f"start/end must be a datetime64 or an ISO time like '2023-01-01T01:00', got {value!r}"
        ) from None


def _system_set(systems: str | Iterable[str] | None) -> set[str] | None:
    if systems is None:
        return None
    chars = "".join(systems) if not isinstance(systems, str) else systems
    return {c.upper() for c in chars if c.strip() and c != ","}


def _check_text(data: bytes, path: str) -> None:
    if not data or data.isspace():  # (no stripped copy of the whole text)
        raise RinexError("empty file: expected a RINEX observation header", path)
    head = data[:4096]
    if b"\x00" in head or sum(b > 127 or (b < 32 and b not in (9, 10, 13)) for b in head) > 8:
        raise RinexError("binary content, not a RINEX text file (nor a known compression)", path)


def _split_header(data: bytes, starts: np.ndarray, path: str) -> tuple[list[str], int]:
    pos = data.find(b"END OF HEADER")
    if pos < 0:
        raise RinexError("no 'END OF HEADER' line: header incomplete or not RINEX", path)
    end_line = int(np.searchsorted(starts, pos, side="right")) - 1
    header = data[: starts[end_line]].decode("latin-1").splitlines()
    return [ln.ljust(80) for ln in header], end_line + 1


def _assemble(body: Body, arrays: dict, times: np.ndarray, svs: list[str], facts: dict):
    data_vars = {}
    ssu = facts.get("signal_strength_unit") or "dB-Hz"
    rinex2 = facts.get("_rinex2_names", {})
    for name, (vals, lli, ssi) in arrays.items():
        attrs = {"units": _UNITS.get(name[0], ssu if name[0] == "S" else "")}
        if name in rinex2:
            attrs["rinex2_code"] = rinex2[name]
        data_vars[name] = (("time", "sv"), vals, attrs)
        if (lli >= 0).any():
            data_vars[f"{name}_lli"] = (("time", "sv"), lli)
        if (ssi >= 0).any():
            data_vars[f"{name}_ssi"] = (("time", "sv"), ssi)
    if body.clock_s.size and np.isfinite(body.clock_s).any():
        clock = np.full(times.size, np.nan)
        uniq, inv = np.unique(body.epoch_ns, return_inverse=True)
        clock[inv[::-1]] = body.clock_s[::-1]  # a repeated epoch: the first one's clock
        data_vars["receiver_clock_offset_s"] = (("time",), clock, {"units": "s"})
    return xr.Dataset(
        data_vars,
        coords={"time": times.astype("datetime64[ns]"), "sv": np.array(svs, dtype=object)},
    )


def _record_text(buf, starts, lengths, body: Body, i: int) -> bytes:
    """Raw text of record ``i`` (all its lines)."""
    n_lines = 1
    if body.fields_per_line < (1 << 20):
        table = body.tables[int(body.rec_seg[i])].get(chr(int(body.rec_sys[i])), [])
        n_lines = max(1, -(-len(table) // body.fields_per_line))
    first = int(body.rec_line[i])
    return b"\n".join(
        bytes(buf[starts[k] : starts[k] + lengths[k]]).rstrip()
        for k in range(first, min(first + n_lines, starts.size))
    )


def _drop_duplicates(buf, starts, lengths, body, rec_t, rec_s, n_sv, n_time, ctx):
    """Keep the first record of each (epoch, satellite); returns the mask of records kept.

    Policy (RINEX says nothing about repeats): an exact copy (same text) is merged silently;
    a repeat with other values - the same epoch twice, or the same satellite twice in an
    epoch - is dropped, counted in ``attrs["duplicate_records"]`` and warned once (an error
    under ``strict="raise"``).
    """
    flat = rec_t.astype(np.int64) * n_sv + rec_s
    idx = np.arange(flat.size)
    owner = np.full(max(n_time * n_sv, 1), -1, dtype=np.int64)
    owner[flat[::-1]] = idx[::-1]  # fancy assignment: the last write wins, so the first record
    first = owner[flat]
    dup = first != idx
    if not dup.any():
        return None
    differ = [
        int(i)
        for i in np.flatnonzero(dup)
        if _record_text(buf, starts, lengths, body, int(i))
        != _record_text(buf, starts, lengths, body, int(first[i]))
    ]
    if differ:
        i = differ[0]
        sv = f"{chr(int(body.rec_sys[i]))}{int(body.rec_prn[i]):02d}"
        ctx.problem(
            "duplicate_records",
            int(body.rec_line[i]) + 1,
            f"second record of {sv} for the same epoch with other values (first at line "
            f"{int(body.rec_line[first[i]]) + 1}); the first is kept",
            n=len(differ),
        )
    return ~dup


def _check_declared(facts: dict, times: np.ndarray, ctx: ReadContext, whole: bool) -> None:
    """Declared counts and spans of the header against what was read."""
    for message in facts.get("_type_count_mismatch", []):
        ctx.notice("count_mismatches", None, message)
    last = facts.get("time_of_last_obs")
    if not whole or times.size == 0 or not last or any(v is None for v in last):
        return
    sec = float(last[5])
    declared = int(civil_to_ns(*[int(v) for v in last[:5]], int(sec), round((sec % 1) * 1e9)))
    # writers give the end of the span (23:59:59 for 30 s data): allow one interval
    step = facts.get("interval_s") or 0.0
    if times.size > 1:
        step = max(step, float(np.median(np.diff(times))) / 1e9)
    if int(times[-1]) < declared - round((step + 0.5) * 1e9):
        ctx.notice(
            "count_mismatches",
            None,
            f"data end at {np.datetime64(int(times[-1]), 'ns')} but the header's 'TIME OF "
            f"LAST OBS' is {np.datetime64(declared, 'ns')}: the file may be truncated",
        )


def _sv_strings(keys: np.ndarray) -> list[str]:
    return [f"{chr(k // 100)}{k % 100:02d}" for k in keys.tolist()]


def read_obs(
    path: str | os.PathLike,
    systems: str | Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    start=None,
    end=None,
    strict: Strictness | str | bool = "warn",
) -> xr.Dataset:
    """Read a RINEX observation file into an ``(time, sv)`` Dataset.

    Parameters
    ----------
    path : str or os.PathLike
        RINEX 2.xx / 3.0x / 4.0x observation file: plain, gzip, ``.Z``, zip, bzip2 or
        Hatanaka (CRX 1.0/3.0), recognised by content; or a
        :class:`kompas.io.compress.PendingText` of one, started earlier.
    systems : str or sequence of str, optional
        Keep only these constellations, e.g. ``"GRE"`` or ``["G", "E"]``.
    codes : sequence of str, optional
        Keep only these observation codes (RINEX 3 names; for RINEX 2 files the
        2-character names are accepted too).
    start, end : datetime64 or str, optional
        Keep epochs with ``start <= time <= end`` (labels in the file's time system).
    strict : {"warn", "raise", "ignore"} or Strictness
        What to do with malformed epochs/records: raise a :class:`RinexError` naming file
        and line, or skip them, count them in ``attrs`` and warn once.  A file cut inside
        its last epoch always keeps every complete epoch and warns (unless "ignore").

    Returns
    -------
    xarray.Dataset
        See the module documentation for variables and ``attrs``.

    Raises
    ------
    RinexError
        Empty, binary, non-observation (e.g. navigation) or unsupported-version files, a
        header without ``END OF HEADER``, and malformed data under ``strict="raise"``.
    FileNotFoundError
        When ``path`` does not exist.
    """
    name = os.fspath(path)
    ctx = ReadContext(name, Strictness.coerce(strict))
    data = path.result() if isinstance(path, PendingText) else read_bytes(path)
    _check_text(data, name)
    first_line = data[: data.find(b"\n") if b"\n" in data else len(data)]
    check_first_line(first_line.decode("latin-1").ljust(80), name)
    starts, lengths = line_table(np.frombuffer(data, dtype=np.uint8))
    header, first_body = _split_header(data, starts, name)
    # trailing blanks let every fixed-width window of a record stay inside the buffer
    buf = pad_buffer(np.frombuffer(data, dtype=np.uint8), _PAD + int(lengths.max(initial=0)))
    del data  # the padded copy is the text from here on: one copy alive, not two
    facts = parse_header(header, name)
    sel_systems = _system_set(systems)
    code_set = set(codes) if codes is not None else None
    args = (buf, starts, lengths, first_body, facts, sel_systems, _to_ns(start), _to_ns(end), ctx)
    if facts["version"] < 3:
        body = parse_body_v2(*args)
        if code_set is not None:  # accept RINEX 2 names too
            code_set |= {v3 for v3, v2 in facts["_rinex2_names"].items() if v2 in code_set}
    else:
        body = parse_body_v3(*args)
    times, t_inv = np.unique(body.epoch_ns, return_inverse=True)
    sv_key = body.rec_sys.astype(np.int64) * 100 + body.rec_prn
    sv_keys, s_inv = np.unique(sv_key, return_inverse=True)
    kept = _drop_duplicates(
        buf, starts, lengths, body, t_inv[body.rec_epoch], s_inv, sv_keys.size, times.size, ctx
    )
    if kept is not None:
        body = dataclasses.replace(
            body,
            rec_epoch=body.rec_epoch[kept],
            rec_sys=body.rec_sys[kept],
            rec_prn=body.rec_prn[kept],
            rec_seg=body.rec_seg[kept],
            rec_line=body.rec_line[kept],
        )
        s_inv = s_inv[kept]
    whole = start is None and end is None and systems is None
    _check_declared(facts, times, ctx, whole)
    arrays = fill_observations(
        buf,
        starts,
        lengths,
        body,
        s_inv,
        sv_keys.size,
        t_inv[body.rec_epoch],
        times.size,
        code_set,
        facts.get("scale_factors", {}),
        ctx,
    )
    ctx.finish()
    ds = _assemble(body, arrays, times, _sv_strings(sv_keys), facts)
    attrs = {k: v for k, v in facts.items() if not k.startswith("_")}
    attrs["epoch_flags"] = body.events
    attrs["source"] = name
    for counter in _COUNTERS:
        attrs[counter] = int(ctx.counts.get(counter, 0))
    ds.attrs = attrs
    return ds
