"""Data section of RINEX 3.00-3.05 and 4.00-4.02 observation files, as whole arrays.

Layout (RINEX 3.05 / 4.01 section 'Observation data record'): an epoch line

``> yyyy mm dd hh mm ss.sssssss  f nnn      clock offset (F15.12)``

followed by ``nnn`` lines, one per satellite, ``Gnn`` then 16-column fields (F14.3 value,
loss-of-lock indicator, signal-strength indicator) in the order of ``SYS / # / OBS TYPES``.
Flags 2-5 are followed by ``nnn`` header or event lines, flag 6 by cycle-slip records.
Epoch lines are the only lines starting with ``>``, so every line is classified at once.
"""

from __future__ import annotations

import numpy as np

from kompas.io.numparse import gather, parse_fixed, parse_indicator, parse_int
from kompas.io.rinex_obs_core import Body, ReadContext, parse_epoch_fields
from kompas.io.rinex_obs_header import apply_header_records

__all__ = ["parse_body_v3"]

_EPOCH_COLS = {
    "year": (2, 6),
    "month": (7, 9),
    "day": (10, 12),
    "hour": (13, 15),
    "minute": (16, 18),
    "sec": 18,
}
_SYSTEMS = np.frombuffer(b"GRECJIS", dtype=np.uint8)
_EXPECTED = "'> yyyy mm dd hh mm ss.sssssss  f nnn' (RINEX 3 epoch line)"


def _line_text(buf: np.ndarray, start: int, length: int) -> str:
    return bytes(buf[start : start + length]).decode("latin-1")


def _handle_events(buf, starts, lengths, ep, flag, nsat, ok_time, ns, facts, tables) -> list:
    """Apply/record the flag 1-6 events (few per file: a Python loop is fine here)."""
    events = []
    for k in np.flatnonzero(flag != 0):
        line = int(ep[k])
        f = int(flag[k])
        ev = {"flag": f, "line": line + 1}
        if ok_time[k]:
            ev["time"] = str(np.datetime64(int(ns[k]), "ns"))
        if f == 1:  # power failure: the records are ordinary data
            events.append(ev)
            continue
        recs = [
            _line_text(buf, int(starts[i]), int(lengths[i]))
            for i in range(line + 1, line + 1 + int(nsat[k]))
        ]
        if 2 <= f <= 5:
            ev["records"] = recs
            seen = apply_header_records([r.ljust(80) for r in recs], facts)
            if "SYS / # / OBS TYPES" in seen:
                tables.append((k, {s: list(c) for s, c in facts["obs_types"].items()}))
        elif f == 6:
            ev["cycle_slip_sv"] = [r[:3] for r in recs]
        events.append(ev)
    return events


def parse_body_v3(
    buf: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    first: int,
    facts: dict,
    systems: set[str] | None,
    start_ns: int | None,
    end_ns: int | None,
    ctx: ReadContext,
) -> Body:
    """Find epochs and satellite records of a RINEX 3/4 data section (lines ``first:``)."""
    nlines = starts.size
    body_idx = np.arange(first, nlines)
    fc = np.full(body_idx.size, 32, dtype=np.uint8)
    nonempty = lengths[first:] > 0
    fc[nonempty] = buf[starts[first:][nonempty]]
    ep = body_idx[fc == 62]  # '>'
    lead = body_idx[(body_idx < (ep[0] if ep.size else nlines)) & nonempty]
    if lead.size:
        ctx.problem(
            "skipped_lines",
            int(lead[0]) + 1,
            f"expected an epoch line {_EXPECTED} after the header, found text",
            n=lead.size,
        )
    eb = gather(buf, starts[ep], lengths[ep], 56)
    ns, ok_time = parse_epoch_fields(eb, _EPOCH_COLS)
    flag = parse_indicator(eb[:, 31])
    nsat, ok_n = parse_int(eb[:, 32:35])
    ok_n &= np.any(eb[:, 32:35] != 32, axis=1)
    clock, _, _ = parse_fixed(eb[:, 41:56], 12)
    # lines until the next epoch line must be exactly the announced records
    nxt = np.concatenate((ep[1:], [nlines]))
    count = nxt - ep - 1
    # tolerate blank lines at the very end of the file
    if ep.size:
        tail = np.arange(ep[-1] + 1, nlines)
        count[-1] -= int(np.sum(lengths[tail] == 0)) if tail.size else 0
    is_data = (flag == 0) | (flag == 1) | (flag == 6)
    good = (flag >= 0) & ok_n & (ok_time | ~is_data)
    for k in np.flatnonzero(~good):
        ctx.problem(
            "skipped_epochs",
            int(ep[k]) + 1,
            f"malformed epoch line, expected {_EXPECTED}: "
            f"{_line_text(buf, int(starts[ep[k]]), int(lengths[ep[k]]))!r}",
        )
    if ep.size and good[-1] and count[-1] < nsat[-1]:
        ctx.truncated(
            int(ep[-1]) + 1,
            f"file ends inside the epoch starting here ({count[-1]} of {nsat[-1]} records); "
            "returning the complete epochs before it",
        )
        good[-1] = False
    wrong = good & (count != nsat)
    for k in np.flatnonzero(wrong):
        ctx.problem(
            "skipped_epochs",
            int(ep[k]) + 1,
            f"epoch line announces {nsat[k]} records but {count[k]} lines follow before the "
            f"next epoch line (expected {_EXPECTED} after exactly {nsat[k]} records)",
        )
    good &= ~wrong
    # events (flags 1-6) and in-data header changes of the observation types
    changes: list = []
    initial = {s: list(c) for s, c in facts["obs_types"].items()}
    events = _handle_events(
        buf,
        starts,
        lengths,
        ep[good],
        flag[good],
        nsat[good],
        ok_time[good],
        ns[good],
        facts,
        changes,
    )
    # layout segments: each in-data change of the observation types starts a new one
    tables = [initial] + [t for _, t in changes]
    seg = np.zeros(ep.size, dtype=np.int64)
    if changes:
        good_idx = np.flatnonzero(good)
        change_pos = np.array([good_idx[k] for k, _ in changes])
        seg = np.searchsorted(change_pos, np.arange(ep.size), side="right")
    keep = good & ((flag == 0) | (flag == 1))
    if start_ns is not None:
        keep &= ns >= start_ns
    if end_ns is not None:
        keep &= ns <= end_ns
    kept = np.flatnonzero(keep)
    n_rec = nsat[kept]
    total = int(n_rec.sum())
    rec_epoch = np.repeat(np.arange(kept.size), n_rec)
    offs = np.arange(total) - np.repeat(np.cumsum(n_rec) - n_rec, n_rec)
    rec_line = np.repeat(ep[kept] + 1, n_rec) + offs
    rec_seg = np.repeat(seg[kept], n_rec)
    sb = gather(buf, starts[rec_line], lengths[rec_line], 3)
    rec_sys = sb[:, 0].copy()
    prn, ok_prn = parse_int(sb[:, 1:3])
    valid = np.isin(rec_sys, _SYSTEMS) & ok_prn & (prn > 0)
    if systems is not None or not valid.all():
        known = valid.copy()
        if not valid.all():
            for i in np.flatnonzero(~valid)[:1]:
                ctx.problem(
                    "skipped_records",
                    int(rec_line[i]) + 1,
                    f"expected a satellite id like 'G07' in columns 1-3, found "
                    f"{bytes(sb[i]).decode('latin-1')!r}",
                    n=int((~valid).sum()),
                )
        if systems is not None:
            wanted = np.frombuffer("".join(sorted(systems)).encode(), dtype=np.uint8)
            known &= np.isin(rec_sys, wanted)
        rec_epoch, rec_line, rec_seg = rec_epoch[known], rec_line[known], rec_seg[known]
        rec_sys, prn = rec_sys[known], prn[known]
    # records of a system without observation types cannot be parsed
    declared = np.zeros(rec_sys.size, dtype=bool)
    for s_i, table in enumerate(tables):
        in_seg = rec_seg == s_i
        codes = np.frombuffer("".join(table).encode(), dtype=np.uint8)
        declared |= in_seg & np.isin(rec_sys, codes)
    if not declared.all():
        i = int(np.flatnonzero(~declared)[0])
        ctx.problem(
            "skipped_records",
            int(rec_line[i]) + 1,
            f"satellite {chr(rec_sys[i])}{prn[i]:02d} of a system without "
            "'SYS / # / OBS TYPES' in the header",
            n=int((~declared).sum()),
        )
        rec_epoch, rec_line, rec_seg = rec_epoch[declared], rec_line[declared], rec_seg[declared]
        rec_sys, prn = rec_sys[declared], prn[declared]
    return Body(
        epoch_ns=ns[kept],
        clock_s=clock[kept],
        rec_epoch=rec_epoch,
        rec_sys=rec_sys,
        rec_prn=prn,
        rec_seg=rec_seg,
        rec_line=rec_line,
        tables=tables,
        prefix=3,
        fields_per_line=1 << 30,
        events=events,
    )
