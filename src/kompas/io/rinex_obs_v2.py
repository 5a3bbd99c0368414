"""Data section of RINEX 2.xx observation files, as whole arrays.

Layout (RINEX 2.11 tables A1-A2): an epoch line

`` yy mm dd hh mm ss.sssssss  f nnn`` + up to 12 satellite ids (``G07``; blank system = GPS)
in columns 33-68 + receiver clock offset (F12.9, columns 69-80), continued on extra lines
(32 blanks then 12 more ids) when ``nnn > 12``; then, per satellite, ``ceil(nobs / 5)``
lines of five 16-column fields (F14.3, LLI, SSI) in ``# / TYPES OF OBSERV`` order.  Flags
2-5 are followed by ``nnn`` header/comment lines, flag 6 by cycle-slip records.

Epoch lines cannot be told from data lines by their first character, so epoch-line
*candidates* are found by pattern over all lines at once, and the chain of epochs is walked
with integer arithmetic (one step per epoch, no text handling) to confirm each one.  All
times, satellite lists and observations are then parsed as arrays.
"""

from __future__ import annotations

import numpy as np

from kompas.gnss import rinex2_to_rinex3
from kompas.io.numparse import gather, parse_fixed, parse_indicator, parse_int
from kompas.io.rinex_obs_core import Body, ReadContext, parse_epoch_fields
from kompas.io.rinex_obs_header import apply_header_records

__all__ = ["parse_body_v2", "rinex2_code_map"]

_EPOCH_COLS = {
    "year": (1, 3),
    "month": (4, 6),
    "day": (7, 9),
    "hour": (10, 12),
    "minute": (13, 15),
    "sec": 15,
}
_EXPECTED = "' yy mm dd hh mm ss.sssssss  f nnn' + satellite list (RINEX 2 epoch line)"


def rinex2_code_map(sys_char: str, codes2: list[str]) -> list[str]:
    """RINEX 3 names of the RINEX 2 observation types of one system.

    The mapping is :func:`kompas.gnss.rinex2_to_rinex3` given the whole header list (it
    picks the tracking attribute from which codes the file has).  A type without a RINEX 3
    equivalent for the system (e.g. ``P1`` of Galileo) keeps its 2-character name.
    """
    mapped = []
    for code in codes2:
        try:
            mapped.append(rinex2_to_rinex3(sys_char, code, header_types=codes2))
        except ValueError:
            mapped.append(code)
    if len(set(mapped)) != len(mapped):  # never merge two columns of the file into one
        seen: set[str] = set()
        mapped = [
            m if not (m in seen or seen.add(m)) else c for m, c in zip(mapped, codes2, strict=True)
        ]
    return mapped


def _candidates(blk: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    flag = parse_indicator(blk[:, 28])
    nsat, ok_n = parse_int(blk[:, 29:32])
    ok_n &= np.any(blk[:, 29:32] != 32, axis=1)
    sp = blk == 32
    timed = sp[:, 0] & sp[:, 3] & sp[:, 6] & sp[:, 9] & sp[:, 12] & (blk[:, 18] == 46)
    eventish = np.all(sp[:, :26], axis=1) & (flag >= 2) & (flag <= 5)
    cand = (flag >= 0) & (flag <= 6) & ok_n & sp[:, 26] & sp[:, 27] & (timed | eventish)
    return cand, flag, nsat


def _text(buf, starts, lengths, i) -> str:
    return bytes(buf[starts[i] : starts[i] + lengths[i]]).decode("latin-1")


def _walk(buf, bs, bl, first, facts, ctx):
    """Confirm the epoch chain; returns epoch arrays, events and layout segments."""
    n_lines = bs.size
    blk = gather(buf, bs, bl, 32)
    cand, flag, nsat = _candidates(blk)
    cand_l, flag_l, nsat_l = cand.tolist(), flag.tolist(), nsat.tolist()
    blank_l = np.all(blk == 32, axis=1).tolist()
    cand_idx = np.flatnonzero(cand)
    # the declared number of types fixes the record layout even if some names are missing
    nobs = max(len(facts["rinex2_obs_types"]), facts.get("_rinex2_declared", 0))
    nlps = max(1, -(-nobs // 5))
    seg = 0
    segments = [list(facts["rinex2_obs_types"])]
    epochs: list[tuple[int, int, int, int, int, int]] = []
    events: list[dict] = []
    i = 0
    while i < n_lines:
        if cand_l[i]:
            f, n = flag_l[i], nsat_l[i]
            if 2 <= f <= 5:
                if i + n >= n_lines:
                    ctx.truncated(first + i + 1, "file ends inside an event's header records")
                    break
                recs = [_text(buf, bs, bl, k) for k in range(i + 1, i + 1 + n)]
                seen = apply_header_records([r.ljust(80) for r in recs], facts)
                events.append({"flag": f, "line": first + i + 1, "records": recs, "_i": i})
                if "# / TYPES OF OBSERV" in seen:
                    segments.append(list(facts["rinex2_obs_types"]))
                    seg += 1
                    nobs = len(segments[-1])
                    nlps = max(1, -(-nobs // 5))
                i += 1 + n
                continue
            nsl = max(1, -(-n // 12))
            end = i + nsl + n * nlps
            if end > n_lines:
                ctx.truncated(
                    first + i + 1,
                    f"file ends inside the epoch starting here ({n} satellites announced); "
                    "returning the complete epochs before it",
                )
                break
            epochs.append((i, n, f, seg, nsl, nlps))
            i = end
            continue
        if blank_l[i]:
            i += 1
            continue
        k = int(np.searchsorted(cand_idx, i, side="right"))
        nxt = int(cand_idx[k]) if k < cand_idx.size else n_lines
        ctx.problem(
            "skipped_epochs",
            first + i + 1,
            f"expected {_EXPECTED}, found {_text(buf, bs, bl, i)!r}",
        )
        i = nxt
    arr = np.array(epochs, dtype=np.int64).reshape(-1, 6)
    return arr, events, segments


def parse_body_v2(
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
    """Find epochs and satellite records of a RINEX 2 data section (lines ``first:``)."""
    bs, bl = starts[first:], lengths[first:]
    arr, events, segments = _walk(buf, bs, bl, first, facts, ctx)
    e_line, e_n, e_flag, e_seg, e_nsl, e_nlps = arr.T
    eb = gather(buf, bs[e_line], bl[e_line], 80)
    ns, ok_time = parse_epoch_fields(eb, _EPOCH_COLS)
    clock, _, _ = parse_fixed(eb[:, 68:80], 9)
    for k in np.flatnonzero(~ok_time):
        ctx.problem(
            "skipped_epochs",
            first + int(e_line[k]) + 1,
            f"malformed epoch time, expected {_EXPECTED}: {_text(buf, bs, bl, e_line[k])!r}",
        )
    for ev in events:  # time of event epochs, when given
        i = ev.pop("_i")
        t, ok = parse_epoch_fields(gather(buf, bs[[i]], bl[[i]], 32), _EPOCH_COLS)
        if ok[0]:
            ev["time"] = str(np.datetime64(int(t[0]), "ns"))
    # satellite slots of every data / cycle-slip epoch
    total = int(e_n.sum())
    slot_e = np.repeat(np.arange(e_n.size), e_n)
    slot_k = np.arange(total) - np.repeat(np.cumsum(e_n) - e_n, e_n)
    sat_line = e_line[slot_e] + slot_k // 12
    col = 32 + 3 * (slot_k % 12)
    sb = gather(buf, bs[sat_line] + col, bl[sat_line] - col, 3)
    default_sys = facts["satellite_system"] if facts["satellite_system"] != "M" else "G"
    sysc = np.where(sb[:, 0] == 32, ord(default_sys), sb[:, 0]).astype(np.uint8)
    prn, ok_prn = parse_int(sb[:, 1:3])
    rec_line = first + e_line[slot_e] + e_nsl[slot_e] + slot_k * e_nlps[slot_e]
    # cycle-slip epochs (flag 6) are events, not observations
    for k in np.flatnonzero(e_flag == 6):
        sel = slot_e == k
        events.append(
            {
                "flag": 6,
                "line": first + int(e_line[k]) + 1,
                "time": str(np.datetime64(int(ns[k]), "ns")) if ok_time[k] else None,
                "cycle_slip_sv": [
                    f"{chr(s)}{p:02d}" for s, p in zip(sysc[sel], prn[sel], strict=True)
                ],
            }
        )
    for k in np.flatnonzero(e_flag == 1):
        when = str(np.datetime64(int(ns[k]), "ns")) if ok_time[k] else None
        events.append({"flag": 1, "line": first + int(e_line[k]) + 1, "time": when})
    keep_e = ok_time & (e_flag <= 1)
    if start_ns is not None:
        keep_e &= ns >= start_ns
    if end_ns is not None:
        keep_e &= ns <= end_ns
    bad_prn = ~ok_prn | (prn <= 0)
    if bad_prn.any():
        i = int(np.flatnonzero(bad_prn)[0])
        ctx.problem(
            "skipped_records",
            first + int(sat_line[i]) + 1,
            f"expected a satellite id like 'G07' at column {col[i] + 1}, "
            f"found {bytes(sb[i]).decode('latin-1')!r}",
            n=int(bad_prn.sum()),
        )
    keep = keep_e[slot_e] & ~bad_prn
    if systems is not None:
        wanted = np.frombuffer("".join(sorted(systems)).encode(), dtype=np.uint8)
        keep &= np.isin(sysc, wanted)
    kept_epochs = np.flatnonzero(keep_e)
    epoch_pos = np.full(e_n.size, -1, dtype=np.int64)
    epoch_pos[kept_epochs] = np.arange(kept_epochs.size)
    rec_sys = sysc[keep]
    present = sorted({chr(c) for c in np.unique(sysc)})
    tables = []
    names2: dict[str, str] = {}
    for codes2 in segments:
        table = {}
        for s in present:
            mapped = rinex2_code_map(s, codes2)
            table[s] = mapped
            names2.update(dict(zip(mapped, codes2, strict=True)))
        tables.append(table)
    facts["obs_types"] = tables[-1]
    facts["_rinex2_names"] = names2
    events.sort(key=lambda ev: ev["line"])
    return Body(
        epoch_ns=ns[kept_epochs],
        clock_s=clock[kept_epochs],
        rec_epoch=epoch_pos[slot_e[keep]],
        rec_sys=rec_sys,
        rec_prn=prn[keep],
        rec_seg=e_seg[slot_e[keep]],
        rec_line=rec_line[keep],
        tables=tables,
        prefix=0,
        fields_per_line=5,
        events=events,
    )
