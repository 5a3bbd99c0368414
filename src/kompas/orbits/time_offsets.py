"""Broadcast system time offsets evaluated at any epoch (GGTO, BDGP, tau_GPS, UTC, ...).

The polynomials come from :attr:`kompas.io.navigation.Navigation.sto`: RINEX 3 header
``TIME SYSTEM CORR`` lines (source ``"header"``; RINEX 2 ``DELTA-UTC`` / ``CORR TO SYSTEM
TIME`` as ``"rinex2"``) and RINEX 4 ``STO`` records (source ``"STO:<message>"``, e.g.
``"STO:CNVX"``, ``"STO:LNAV"``, ``"STO:IFNV"``, ``"STO:FDMA"``, ``"STO:D1D2"``).

Sign convention
---------------
For a pair ``XXYY`` (RINEX 3.02+ / 4.0x naming: ``GAGP`` = "GAL to GPS", ``GPUT`` = "GPS to
UTC", ...) the broadcast polynomial is the *fractional* offset of the first scale from the
second::

    T_XX - T_YY = a0 + a1 (t - t_ref) + a2 (t - t_ref)^2        [s]

with the integer seconds left out (leap seconds for ``UT``, 3 h for GLONASST - UTC(SU),
14 s for BDT - GPST: :class:`kompas.time.Time` handles those exactly).  So
``time_offset("GST", "GPST", t)`` is GGTO = GST - GPST = A0G + A1G (t - t0G) (Galileo OS
SIS ICD 2.1, 5.1.9: Delta t_systems = t_Galileo - t_GPS); ``time_offset("GPST", "UTC", t)``
is the GPS UTC correction, GPST - UTC - Delta t_LS = A0 + A1 (t - t_ot) (IS-GPS-200N,
20.3.3.5.2.4); ``BDGP`` is BDT - GPST (BDS-SIS-ICD-B1C 1.0, 7.x BGTO: t_BD - t_GNSS);
``GLGP`` a0 = -tau_GPS, i.e. GLONASST - GPST (GLONASS ICD 5.1, 4.5: T_GPS - T_GL =
Delta T + tau_GPS) and ``GLUT`` a0 = -tau_c (RINEX 3.02+ store both negated for exactly
this uniform reading).  The reverse pair is the negation: ``time_offset("GPST", "GST", t)
== -time_offset("GST", "GPST", t)``; a record of the reverse kind (e.g. a RINEX 4 ``GPGA``
from GPS CNAV message 35, t_GPS - t_GNSS) is negated to serve the forward request.
RINEX 3.00/3.01 headers wrote GGTO as ``GPGA`` with a0 = A0G (= GST - GPST): in files of
those versions a header ``GPGA`` line is read as ``GAGP``.

Validity applied (none of IS-GPS-200N 20.3.3.5.2.4, Galileo OS SIS ICD 2.1 5.1.7-5.1.9,
BDS-SIS-ICD-B1C 1.0 7.x or IRNSS SPS ICD 1.1 sets a use-by interval for these parameters:
they give the formula only, so this is a kompas rule, stated here):

- a polynomial is used only within ``|t - t_ref| <= TIME_OFFSET_MAX_AGE_S`` (3.5 days: GPS
  UTC parameters are routinely broadcast with t_ot up to ~3 days ahead of transmission —
  seen in the NIST header and the DLR RINEX 4 CNAV records — so half a week covers a
  normal upload cycle while excluding a value from another week);
- a record with a transmission time (RINEX 4 STO) is used only from that time on (what a
  receiver had), and the most recently transmitted record covering ``t`` wins;
- a header line without transmission time is used by nearest reference time; a header
  line without any reference time (GLONASS ``GLUT 0 0``: tau_c holds for the day of the
  almanac, GLONASS ICD 5.1, 4.5) covers the span of its own file's ephemerides, widened by
  2 h (half the GPS fit interval, IS-GPS-200N 20.3.4.4) at each end;
- no record covers ``t``: NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kompas.constants import SECONDS_PER_DAY
from kompas.time import NAT_NS, NS_PER_S, TimeScale

__all__ = [
    "TIME_OFFSET_MAX_AGE_S",
    "PAIR_CODES",
    "pair_code",
    "normalised_offsets",
    "evaluate_offset",
    "offset_sources",
    "a0_resolution_s",
]

#: Largest |t - t_ref| at which a broadcast time-offset polynomial is used [s] (see the
#: module docstring: a kompas rule, the ICDs give none).
TIME_OFFSET_MAX_AGE_S = 3.5 * SECONDS_PER_DAY
#: Widening of a file's ephemeris span for header lines without a reference time [s]
#: (half the 4 h GPS fit interval, IS-GPS-200N 20.3.4.4).
_FILE_SPAN_MARGIN_S = 2 * 3600
#: (record, instant) pairs scored at once by the evaluation (~8 MB per float64 temporary).
_SCORE_BLOCK = 1 << 20

#: Two-letter RINEX codes of the time scales in ``TIME SYSTEM CORR`` / STO kinds.
PAIR_CODES = {
    TimeScale.GPST: "GP",
    TimeScale.GST: "GA",
    TimeScale.BDT: "BD",
    TimeScale.GLONASST: "GL",
    TimeScale.QZSST: "QZ",
    TimeScale.IRNSST: "IR",
    TimeScale.UTC: "UT",
}
_CODES = set(PAIR_CODES.values()) | {"SB"}

#: Resolution (LSB) of the broadcast a0 term [s] by (system, message), from the ICDs:
#: GPS LNAV A0 2^-30 (IS-GPS-200N Table 20-IX), GPS/QZSS CNAV A0-n / A0GGTO 2^-35 (Tables
#: 30-IX, 30-X), Galileo A0 (UTC) 2^-30 and A0G 2^-35 (OS SIS ICD 2.1 Tables 74, 75),
#: BDS D1/D2 A0UTC 2^-30 (B1I ICD 3.0 5.2.4.19), BDS CNAV A0UTC/A0BGTO 2^-35 (B1C ICD 1.0
#: 7.x), GLONASS tau_c 2^-31 and tau_GPS 2^-30 (ICD 5.1 Table 4.9), NavIC A0 2^-35
#: (IRNSS SPS ICD 1.1 Table 22), SBAS MT12 A0 2^-30 (RTCA DO-229 A.4.4.15).
_A0_LSB_S = {
    ("G", "LNAV"): 2.0**-30,
    ("G", "CNVX"): 2.0**-35,
    ("G", "CNAV"): 2.0**-35,
    ("G", "CNV2"): 2.0**-35,
    ("J", "LNAV"): 2.0**-30,
    ("J", "CNVX"): 2.0**-35,
    ("C", "D1D2"): 2.0**-30,
    ("C", "CNVX"): 2.0**-35,
    ("I", "LNAV"): 2.0**-35,
    ("S", "SBAS"): 2.0**-30,
}


def a0_resolution_s(kind: str, system: str, message: str) -> float:
    """LSB of the broadcast a0 term of ``kind`` as carried by ``(system, message)`` [s].

    Header lines (``message == ""``) give the coarsest LSB any message of the system uses
    for that kind (the header does not say which message it was copied from).
    """
    if kind.startswith("GL"):  # GLONASS: tau_c 2^-31, tau_GPS 2^-30 (ICD 5.1 Table 4.9)
        return 2.0**-31 if kind == "GLUT" else 2.0**-30
    if system == "E":  # Galileo: UTC A0 2^-30, GGTO A0G 2^-35 (OS SIS ICD 2.1 Tables 74-75)
        return 2.0**-30 if kind.endswith("UT") else 2.0**-35
    if (system, message) in _A0_LSB_S:
        return _A0_LSB_S[(system, message)]
    return 2.0**-30  # header line or unknown message: the coarsest of the system's messages


def pair_code(scale: TimeScale | str) -> str:
    """Two-letter RINEX code (``"GP"``, ``"GA"``, ...) of a time scale or code.

    Raises
    ------
    ValueError
        Naming the valid scales and codes.
    """
    text = str(getattr(scale, "value", scale)).strip().upper()
    if text in _CODES:
        return text
    if text == "SBAS":
        return "SB"
    try:
        return PAIR_CODES[TimeScale.coerce(text)]
    except (ValueError, KeyError):
        valid = ", ".join(sorted({m.value for m in PAIR_CODES} | _CODES))
        raise ValueError(
            f"unknown time scale {scale!r} for a time offset; valid: {valid}"
        ) from None


def _versions(header: list[dict] | None) -> dict[str, float]:
    return {h.get("path", ""): float(h.get("version", 0.0)) for h in (header or [])}


def _file_spans(ephemerides: dict[str, pd.DataFrame] | None) -> dict[str, tuple[int, int]]:
    """(first, last) toc [ns] of each file's ephemerides."""
    spans: dict[str, tuple[int, int]] = {}
    for df in (ephemerides or {}).values():
        if df.empty or "source_file" not in df.columns:
            continue
        g = df.groupby("source_file")["toc_ns"].agg(["min", "max"])
        for path, row in g.iterrows():
            lo, hi = spans.get(path, (row["min"], row["max"]))
            spans[path] = (int(min(lo, row["min"])), int(max(hi, row["max"])))
    return spans


def normalised_offsets(
    sto: pd.DataFrame,
    header: list[dict] | None = None,
    ephemerides: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The STO table with the columns the evaluation needs.

    Adds ``pair`` (the kind as evaluated: ``GPGA`` of RINEX < 3.02 headers becomes
    ``GAGP``), ``from_code``/``to_code``, ``source_label`` (``"header"``, ``"rinex2"`` or
    ``"STO:<message>"``), ``valid_from_ns``/``valid_to_ns`` (the coverage of the module
    docstring, ``NAT_NS`` when the row covers nothing) and ``a0_lsb_s``.
    """
    if sto is None or sto.empty:
        cols = ["pair", "from_code", "to_code", "source_label", "valid_from_ns", "valid_to_ns"]
        return pd.DataFrame(columns=[*cols, "a0_s", "a1_sps", "a2_sps2", "ref_time_ns"])
    df = sto.copy()
    versions = _versions(header)
    spans = _file_spans(ephemerides)
    kind = df["kind"].astype(str).str.strip().str.upper()
    files = df["source_file"].astype(str) if "source_file" in df else pd.Series("", df.index)
    is_header = df["source"].isin(["header", "rinex2"]).to_numpy()
    old = np.array([versions.get(f, 9.0) < 3.02 for f in files]) & is_header
    kind = kind.where(~(old & (kind == "GPGA").to_numpy()), "GAGP")
    df["pair"] = kind
    df["from_code"] = kind.str[:2]
    df["to_code"] = kind.str[2:4]
    msg = df["message"].fillna("").astype(str) if "message" in df else pd.Series("", df.index)
    df["source_label"] = np.where(is_header, df["source"].astype(str), "STO:" + msg)
    df["a0_lsb_s"] = [
        a0_resolution_s(k, s, m)
        for k, s, m in zip(kind, df["system"].astype(str), msg, strict=True)
    ]
    ref = df["ref_time_ns"].to_numpy(dtype=np.int64)
    ttm = df["ttm_ns"].to_numpy(dtype=np.int64) if "ttm_ns" in df else np.full(len(df), NAT_NS)
    age = int(TIME_OFFSET_MAX_AGE_S * NS_PER_S)
    has_ref = ref != NAT_NS
    lo = np.where(has_ref, ref - age, NAT_NS)
    hi = np.where(has_ref, ref + age, NAT_NS)
    has_ttm = (ttm != NAT_NS) & has_ref
    lo = np.where(has_ttm, np.maximum(ttm, lo), lo)
    margin = _FILE_SPAN_MARGIN_S * NS_PER_S
    for i in np.flatnonzero(~has_ref):
        span = spans.get(files.iloc[i])
        if span is not None:
            lo[i], hi[i] = span[0] - margin, span[1] + margin
    df["valid_from_ns"] = lo
    df["valid_to_ns"] = hi
    return df.reset_index(drop=True)


def _rows_for(
    df: pd.DataFrame, a: str, b: str, source: str | None, utc_id: str | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows of pair ``a``–``b`` (either direction) and their signs (+1 forward).

    Filtered on numpy copies of the (few dozen) label columns: pandas' per-operation
    overhead on arrow-backed strings made this a tenth of a whole solve."""
    from_code = df["from_code"].to_numpy(dtype=object)
    to_code = df["to_code"].to_numpy(dtype=object)
    fwd = (from_code == a) & (to_code == b)
    sel = fwd | ((from_code == b) & (to_code == a))
    if utc_id is not None and "utc_id" in df:
        ids = df["utc_id"].to_numpy(dtype=object)
        sel &= np.array([("" if pd.isna(v) else str(v)) == utc_id for v in ids], bool)
    if source is not None:
        lab = df["source_label"].to_numpy(dtype=object)
        if source == "STO":
            sel &= np.array([str(v).startswith("STO:") for v in lab], bool)
        else:
            sel &= lab == source
    idx = np.flatnonzero(sel)
    return df.iloc[idx], np.where(fwd[idx], 1.0, -1.0)


def _evaluate_rows(
    rows: pd.DataFrame, sign: np.ndarray, t_ns: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Offset [s] at ``t_ns`` from the covering row chosen by the rule; chosen row index.

    The (row, instant) scores are formed in blocks of instants so that memory stays
    bounded (:data:`_SCORE_BLOCK` pairs) whatever the number of rows and instants.
    """
    flat = t_ns.ravel()
    out = np.full(flat.shape, np.nan)
    pick = np.full(flat.shape, -1, dtype=np.int64)
    if rows.empty or flat.size == 0:
        return out.reshape(t_ns.shape), pick.reshape(t_ns.shape)
    step = max(1, _SCORE_BLOCK // len(rows))
    for k in range(0, flat.size, step):  # blocks of instants, not a per-epoch loop
        out[k : k + step], pick[k : k + step] = _evaluate_block(rows, sign, flat[k : k + step])
    return out.reshape(t_ns.shape), pick.reshape(t_ns.shape)


def _evaluate_block(
    rows: pd.DataFrame, sign: np.ndarray, flat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_evaluate_rows` on one block of instants (1-D)."""
    out = np.full(flat.shape, np.nan)
    pick = np.full(flat.shape, -1, dtype=np.int64)
    lo = rows["valid_from_ns"].to_numpy(dtype=np.int64)[:, None]
    hi = rows["valid_to_ns"].to_numpy(dtype=np.int64)[:, None]
    ref = rows["ref_time_ns"].to_numpy(dtype=np.int64)[:, None]
    ttm = rows["ttm_ns"].to_numpy(dtype=np.int64)[:, None] if "ttm_ns" in rows else ref * 0 + NAT_NS
    line = rows["source_line"].to_numpy(dtype=np.int64)[:, None] if "source_line" in rows else 0
    tt = flat[None, :]
    cover = (lo != NAT_NS) & (tt >= lo) & (tt <= hi)
    # rank: most recent transmission first; then nearest reference time; then file line
    has_ttm = (ttm != NAT_NS).astype(float)
    ttm_s = np.where(ttm != NAT_NS, ttm, 0).astype(float) / NS_PER_S
    ref_ok = ref != NAT_NS
    dist_s = np.where(ref_ok, np.abs(tt - np.where(ref_ok, ref, 0)) / NS_PER_S, 0.0)
    score = has_ttm * 1e12 + ttm_s * has_ttm - dist_s * (1 - has_ttm) + line * 1e-9
    score = np.where(cover, score, -np.inf)
    best = np.argmax(score, axis=0)
    ok = np.isfinite(score[best, np.arange(flat.size)])
    dt = np.where(ref_ok[best, 0], (flat - np.where(ref_ok[:, 0], ref[:, 0], 0)[best]), 0)
    dt_s = dt.astype(float) / NS_PER_S
    a0 = rows["a0_s"].to_numpy(float)[best]
    a1 = np.nan_to_num(rows["a1_sps"].to_numpy(float))[best]
    a2 = np.nan_to_num(rows["a2_sps2"].to_numpy(float))[best]
    val = sign[best] * (a0 + a1 * dt_s + a2 * dt_s**2)
    out[ok] = val[ok]
    pick[ok] = rows.index.to_numpy()[best][ok]
    return out, pick


def offset_sources(df: pd.DataFrame, from_scale: Any, to_scale: Any) -> list[str]:
    """Source labels with a direct record of the pair (either direction), sorted."""
    a, b = pair_code(from_scale), pair_code(to_scale)
    rows, _ = _rows_for(df, a, b, None)
    return sorted(set(rows["source_label"]))


def _check_source(source: str | None) -> None:
    if source is None or source in ("STO", "header", "rinex2", "derived", "derived:GP"):
        return
    if isinstance(source, str) and source.startswith("STO:") and len(source) > 4:
        return
    raise ValueError(
        f"unknown time-offset source {source!r}; valid: None (best direct: STO, else header),"
        " 'STO', 'STO:<message>' (e.g. 'STO:CNVX'), 'header', 'rinex2', 'derived' (through UTC),"
        " 'derived:GP' (through GPST)"
    )


def evaluate_offset(
    df: pd.DataFrame,
    from_scale: Any,
    to_scale: Any,
    t_ns: np.ndarray,
    source: str | None = None,
    return_rows: bool = False,
    utc_id: str | None = None,
):
    """``T_from - T_to`` [s] (fractional part, see the module docstring) at ``t_ns``.

    Parameters
    ----------
    df : pandas.DataFrame
        :func:`normalised_offsets` output.
    from_scale, to_scale : TimeScale or str
        Scales (``"GST"``, ``TimeScale.GPST``, RINEX names) or two-letter codes.
    t_ns : numpy.ndarray of int64
        Instants (GPST-continuous ns).
    source : str, optional
        None: the best direct record (an STO record where one covers ``t``, else a header
        line); ``"STO"``, ``"STO:<message>"``, ``"header"``, ``"rinex2"``: only those;
        ``"derived"``: ``(T_from - UTC) - (T_to - UTC)`` from the best direct UTC offset of
        each scale (each system's own prediction of UTC, so the value carries the
        difference between the UTC(k) realisations, a few ns); ``"derived:GP"``:
        ``(T_from - GPST) - (T_to - GPST)`` (closure of e.g. BDGA with BDGP and GAGP).
    utc_id : str, optional
        Only records naming this UTC realisation (``"UTC(USNO)"``, ``"UTC(NPLI)"``,
        ``"UTCIRN"``, ...; ``""`` = unnamed); None = any (NavIC, for one, broadcasts
        IRUT for two realisations: give it to keep a series on one).
    return_rows : bool
        Also return the index (into ``df``) of the row used per instant, -1 where none
        (for ``"derived"``: a pair of such arrays).

    Returns
    -------
    numpy.ndarray of float
        Offset [s], the shape of ``t_ns``; NaN where no record covers the instant.
    """
    _check_source(source)
    a, b = pair_code(from_scale), pair_code(to_scale)
    t_ns = np.asarray(t_ns, dtype=np.int64)
    if a == b:
        zero = np.zeros(t_ns.shape)
        return (zero, np.full(t_ns.shape, -1)) if return_rows else zero
    if source in ("derived", "derived:GP"):
        via = "UT" if source == "derived" else "GP"
        if via in (a, b):
            raise ValueError(f"a {source!r} offset goes through {via}: neither scale may be {via}")
        va, ra = evaluate_offset(df, a, via, t_ns, None, True, utc_id)
        vb, rb = evaluate_offset(df, b, via, t_ns, None, True, utc_id)
        val = va - vb
        return (val, (ra, rb)) if return_rows else val
    if source is None:
        val, rows = evaluate_offset(df, a, b, t_ns, "STO", True, utc_id)
        for fallback in ("header", "rinex2"):
            gap = np.isnan(val)
            if not gap.any():
                break
            vf, rf = evaluate_offset(df, a, b, t_ns, fallback, True, utc_id)
            val, rows = np.where(gap, vf, val), np.where(gap, rf, rows)
        return (val, rows) if return_rows else val
    rows, sign = _rows_for(df, a, b, source, utc_id)
    val, picked = _evaluate_rows(rows, sign, t_ns)
    return (val, picked) if return_rows else val
