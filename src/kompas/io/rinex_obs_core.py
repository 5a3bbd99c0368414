"""Pieces shared by the RINEX 2 and RINEX 3/4 observation body parsers.

* :class:`ReadContext` applies the strictness policy, counts skipped records and warns
  once per kind of problem with the count and the first file:line.
* :class:`Body` is what a body parser hands over: one row per satellite record (its epoch,
  system, PRN, first line, layout segment) plus the epoch labels and events.
* :func:`fill_observations` parses every observation field of every record, one field
  column at a time over all records of a system, and scatters into ``(time, sv)`` arrays.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from kompas.errors import KompasWarning, RinexError, Strictness
from kompas.io.numparse import gather, parse_int, parse_obs_fields

__all__ = ["ReadContext", "Body", "fill_observations", "civil_to_ns", "parse_epoch_fields"]

NS_PER_DAY = 86_400 * 10**9
FIELD_WIDTH = 16  # F14.3 + LLI + SSI


@dataclass
class ReadContext:
    """Strictness policy and problem counters of one read."""

    path: str
    strict: Strictness
    counts: dict = field(default_factory=dict)
    first: dict = field(default_factory=dict)

    def problem(self, kind: str, line: int | None, message: str, n: int = 1) -> None:
        """Record ``n`` skipped items of ``kind``; raise at once under ``strict="raise"``."""
        if self.strict is Strictness.RAISE:
            raise RinexError(message, self.path, line)
        self.counts[kind] = self.counts.get(kind, 0) + n
        self.first.setdefault(kind, (line, message))

    def notice(self, kind: str, line: int | None, message: str, n: int = 1) -> None:
        """Something declared does not match what was read (nothing skipped): count it and
        warn at once, unless ``strict="ignore"``."""
        self.counts[kind] = self.counts.get(kind, 0) + n
        if self.strict is not Strictness.IGNORE:
            where = self.path if line is None else f"{self.path}:{line}"
            warnings.warn(f"{where}: {message}", KompasWarning, stacklevel=4)

    def truncated(self, line: int, message: str) -> None:
        """The file ends inside a record: keep what is complete and warn (never raise)."""
        self.counts["truncated_epochs"] = self.counts.get("truncated_epochs", 0) + 1
        if self.strict is not Strictness.IGNORE:
            warnings.warn(f"{self.path}:{line}: {message}", KompasWarning, stacklevel=4)

    def finish(self) -> None:
        """Warn once per kind of skipped item (under ``strict="warn"``)."""
        if self.strict is not Strictness.WARN:
            return
        for kind, (line, message) in self.first.items():
            where = self.path if line is None else f"{self.path}:{line}"
            warnings.warn(
                f"{where}: {message} ({self.counts[kind]} {kind.replace('_', ' ')} in total)",
                KompasWarning,
                stacklevel=4,
            )


@dataclass
class Body:
    """Satellite records found in the data section, ready for field parsing.

    ``rec_line`` is the absolute (0-based) index of a record's first line; field ``j`` is
    on line ``rec_line + j // fields_per_line`` at column ``prefix + 16 * (j %
    fields_per_line)``.  ``tables[seg][sys]`` lists the variable name of each field.
    """

    epoch_ns: np.ndarray
    clock_s: np.ndarray
    rec_epoch: np.ndarray
    rec_sys: np.ndarray
    rec_prn: np.ndarray
    rec_seg: np.ndarray
    rec_line: np.ndarray
    tables: list[dict[str, list[str]]]
    prefix: int
    fields_per_line: int
    events: list[dict] = field(default_factory=list)


def civil_to_ns(year, month, day, hour, minute, second_int, frac_ns) -> np.ndarray:
    """Calendar fields (int arrays) -> int64 ns since 1970-01-01 on the same scale.

    Proleptic Gregorian day count (the 'days from civil' algorithm), exact in integers.
    """
    y = np.asarray(year, dtype=np.int64) - (np.asarray(month) <= 2)
    m = np.asarray(month, dtype=np.int64)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * np.where(m > 2, m - 3, m + 9) + 2) // 5 + np.asarray(day, dtype=np.int64) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146_097 + doe - 719_468
    secs = (
        np.asarray(hour, dtype=np.int64) * 3600
        + np.asarray(minute, dtype=np.int64) * 60
        + np.asarray(second_int, dtype=np.int64)
    )
    return days * NS_PER_DAY + secs * 10**9 + np.asarray(frac_ns, dtype=np.int64)


def parse_epoch_fields(block: np.ndarray, cols: dict) -> tuple[np.ndarray, np.ndarray]:
    """Epoch time from fixed columns of an epoch-line block.

    ``cols`` maps ``year, month, day, hour, minute`` to ``(start, stop)`` and ``sec`` to the
    start of an F11.7 seconds field.  Returns ``(ns, ok)``; two-digit years are taken as
    1980-2079 (RINEX 2).
    """
    vals = {}
    ok = np.ones(block.shape[0], dtype=bool)
    for name in ("year", "month", "day", "hour", "minute"):
        a, b = cols[name]
        v, good = parse_int(block[:, a:b])
        nonblank = np.any(block[:, a:b] != 32, axis=1)
        vals[name] = v
        # calendar fields are unsigned: '-0' is not year 2000 (RINEX 2.11 sec. 6.5: 80-99
        # are 1980-1999, 00-79 are 2000-2079)
        ok &= good & nonblank & ~np.any(block[:, a:b] == 45, axis=1)
    s0 = cols["sec"]
    sec_int, g1 = parse_int(block[:, s0 : s0 + 3])
    frac, g2 = parse_int(block[:, s0 + 4 : s0 + 11])
    ok &= g1 & g2 & (block[:, s0 + 3] == 46)
    year = vals["year"]
    if cols["year"][1] - cols["year"][0] == 2:
        year = np.where(year < 80, year + 2000, year + 1900)
    ok &= (vals["month"] >= 1) & (vals["month"] <= 12) & (vals["day"] >= 1) & (vals["day"] <= 31)
    ok &= (vals["hour"] <= 23) & (vals["minute"] <= 59) & (sec_int <= 60)
    ok &= (vals["hour"] >= 0) & (vals["minute"] >= 0) & (sec_int >= 0)
    month = np.where(ok, vals["month"], 1)
    ns = civil_to_ns(year, month, vals["day"], vals["hour"], vals["minute"], sec_int, frac * 100)
    return ns, ok


def _var_order(tables: list[dict[str, list[str]]], systems: list[str]) -> list[str]:
    order: list[str] = []
    for table in tables:
        for sys_char in systems:
            for code in table.get(sys_char, []):
                if code not in order:
                    order.append(code)
    return order


#: Records parsed together by :func:`fill_observations` (each record is parsed on its own).
_RECORDS_PER_STEP = 16_384


def fill_observations(
    buf: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    body: Body,
    sv_index: np.ndarray,
    n_sv: int,
    time_index: np.ndarray,
    n_time: int,
    codes: set[str] | None,
    scale_factors: dict,
    ctx: ReadContext,
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Parse every selected field of every record and scatter into ``(time, sv)`` arrays.

    Returns
    -------
    dict
        variable name -> ``(values float64, lli int8, ssi int8)``, each ``(n_time, n_sv)``;
        values NaN and indicators -1 where absent or blank.
    """
    systems = sorted({chr(c) for c in np.unique(body.rec_sys)})
    names = [c for c in _var_order(body.tables, systems) if codes is None or c in codes]
    out = {
        name: (
            np.full((n_time, n_sv), np.nan),
            np.full((n_time, n_sv), -1, dtype=np.int8),
            np.full((n_time, n_sv), -1, dtype=np.int8),
        )
        for name in names
    }
    if body.rec_line.size == 0:
        return out
    # group the records by (layout segment, system): contiguous slices after one sort
    key = body.rec_seg.astype(np.int64) * 256 + body.rec_sys
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    # every group is parsed in steps of at most _RECORDS_PER_STEP records: the text blocks
    # and parsed fields of a step are its only temporaries (a few MB, not ~30 MB a day)
    steps = [g[a : a + _RECORDS_PER_STEP] for g in np.split(order, bounds)
             for a in range(0, g.size, _RECORDS_PER_STEP)]  # fmt: skip
    for grp in steps:
        seg, sys_code = divmod(int(key[grp[0]]), 256)
        sys_char = chr(sys_code)
        table = body.tables[seg].get(sys_char, [])
        flat = time_index[grp] * n_sv + sv_index[grp]
        factors = scale_factors.get(sys_char, {})
        for j0, line, fields in _line_layout(body, grp, table, out):
            col = body.prefix  # j0 is the first field of its line
            width = FIELD_WIDTH * (max(fields) - j0 + 1)
            block = gather(buf, starts[line] + col, lengths[line] - col, width)
            cube = block.reshape(grp.size, -1, FIELD_WIDTH)
            if len(fields) != cube.shape[1]:
                cube = cube[:, [j - j0 for j in fields], :]
            values, lli, ssi, ok = parse_obs_fields(cube)
            if not ok.all():
                _report_bad(ctx, ok, cube, line, fields, table, body, grp, sys_char)
            for m, j in enumerate(fields):
                name = table[j]
                v = values[:, m]
                if name in factors and factors[name] not in (0, 1):
                    v = v / factors[name]
                vals, li, si = out[name]
                vals.reshape(-1)[flat] = v
                li.reshape(-1)[flat] = lli[:, m]
                si.reshape(-1)[flat] = ssi[:, m]
    return out


def _line_layout(body: Body, grp: np.ndarray, table: list[str], out: dict):
    """For each record line holding selected fields: (first field, line index, fields)."""
    fpl = body.fields_per_line
    wanted = [j for j, name in enumerate(table) if name in out]
    by_line: dict[int, list[int]] = {}
    for j in wanted:
        by_line.setdefault(j // fpl, []).append(j)
    for k, fields in by_line.items():
        j0 = k * fpl if fpl < (1 << 20) else 0
        yield j0, body.rec_line[grp] + k, fields


def _report_bad(ctx, ok, cube, line, fields, table, body, grp, sys_char) -> None:
    bad = np.flatnonzero(~ok)
    r, m = divmod(int(bad[0]), len(fields))
    text = bytes(cube[r, m, :14]).decode("latin-1")
    ctx.problem(
        "bad_fields",
        int(line[r]) + 1,
        f"observation {table[fields[m]]} of {sys_char}{int(body.rec_prn[grp][r]):02d} is "
        f"{text!r}, expected an F14.3 number",
        n=bad.size,
    )
