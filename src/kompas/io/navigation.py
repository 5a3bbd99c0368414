"""`Navigation`: broadcast navigation data of one or more RINEX files, as tables.

The data model is the contract with :mod:`kompas.orbits` (``docs/nav_tables.md``):
``ephemerides`` maps ``"<sys>_<MSG>"`` (``"G_LNAV"``, ``"R_FDMA"``, ...) to a
:class:`pandas.DataFrame` sorted by (sv, toe_ns or toc_ns, ttm_ns); ``sto``, ``ion`` and
``eop`` hold the time-offset, ionosphere and Earth-orientation parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kompas.time import NAT_NS

__all__ = ["Navigation", "EPHEMERIS_KEYS", "deduplicate"]

#: Every ephemeris table the readers can produce.
EPHEMERIS_KEYS = (
    "G_LNAV G_CNAV G_CNV2 E_INAV E_FNAV C_D1 C_D2 C_CNV1 C_CNV2 C_CNV3 R_FDMA R_L1OC R_L3OC "
    "J_LNAV J_CNAV J_CNV2 I_LNAV I_L1NV S_SBAS"
).split()

#: Columns that are bookkeeping, not content, when comparing duplicates.
_BOOKKEEPING = ("source_file", "source_line", "_file_order")
#: Issue-of-data columns that belong to the duplicate key when a table has them.
_IOD_COLUMNS = ("iode", "iod_nav", "aode", "iodec", "iodn", "e_i")


def _sort_columns(df: pd.DataFrame) -> list[str]:
    cols = ["sv"]
    cols.append("toe_ns" if "toe_ns" in df.columns else "toc_ns")
    if "ttm_ns" in df.columns:
        cols.append("ttm_ns")
    return cols


def _filled_key(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Key columns with NaN replaced by a marker, so that unknown equals unknown."""
    out = df[key].copy()
    for c in key:
        if out[c].dtype.kind == "f":
            out[c] = out[c].fillna(-1.0)
    return out


def deduplicate(df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Resolve duplicate ephemerides deterministically; return the table and rows dropped.

    1. Rows with identical content (every column but ``source_file``/``source_line``)
       keep one copy: the first by file order, then line.
    2. Rows of the same key — (sv, toc_ns, toe_ns, issue of data), the columns of these
       that the table has — coming from *different files* with different content: only
       the rows of one file are kept, the file holding the latest transmission time
       ``ttm_ns`` of that key (unknown counts as earliest), ties to the earlier file.
       Distinct records of one key inside one file (a merged file holding the same
       ephemeris as broadcast on several signals or by several stations) are all kept.

    ``df`` must carry the helper column ``_file_order`` (position of the file in the
    ``read_nav`` call).
    """
    if df.empty:
        return df, 0
    content = [c for c in df.columns if c not in _BOOKKEEPING]
    ordered = df.sort_values(["_file_order", "source_line"], kind="mergesort")
    kept = ordered[~ordered.duplicated(subset=content, keep="first")]
    key = [c for c in ("sv", "toc_ns", "toe_ns", *_IOD_COLUMNS) if c in kept.columns]
    if kept["_file_order"].nunique() > 1:
        kf = _filled_key(kept, key)
        kf["_file"] = kept["_file_order"].to_numpy()
        if "ttm_ns" in kept.columns:
            kf["_ttm"] = kept["ttm_ns"].to_numpy()
        else:
            kf["_ttm"] = 0
        grouped = kf.groupby(key, sort=False)
        multi = grouped["_file"].transform("nunique").to_numpy() > 1
        if multi.any():
            sub = kf[multi]
            best_t = sub.groupby(key + ["_file"], sort=False)["_ttm"].transform("max")
            sub = sub.assign(_best=best_t.to_numpy())
            ranked = sub.sort_values(
                key + ["_best", "_file"],
                ascending=[True] * len(key) + [False, True],
                kind="mergesort",
            )
            winner = ranked.groupby(key, sort=False)["_file"].transform("first")
            lose = ranked.index[(ranked["_file"] != winner).to_numpy()]
            kept = kept.drop(index=lose)
    out = kept.sort_index()
    return out, len(df) - len(out)


@dataclass
class Navigation:
    """Broadcast navigation data read from RINEX navigation files.

    Attributes
    ----------
    ephemerides : dict of str to pandas.DataFrame
        ``"<sys>_<MSG>"`` → table (see ``docs/nav_tables.md`` for the columns).
    sto : pandas.DataFrame
        System time offsets (header ``TIME SYSTEM CORR`` / RINEX 2 ``DELTA-UTC``,
        ``CORR TO SYSTEM TIME`` / RINEX 4 ``STO`` records).  Sign convention, as RINEX
        defines it: for kind ``XXYY``, ``T_XX - T_YY = a0_s + a1_sps*(t - ref) +
        a2_sps2*(t - ref)^2`` (plus the integer leap seconds when YY is UT; GLUT and GLGP
        a0 are -tau_c and -tau_GPS).
    ion : pandas.DataFrame
        Ionosphere parameters (Klobuchar, NeQuick-G, BDGIM), header and records.
    eop : pandas.DataFrame
        Earth orientation parameters of RINEX 4 ``EOP`` records.
    header : list of dict
        One dict per file read (version, program, comments, leap seconds, ...).
    leap_seconds : int or None
        GPS - UTC [s] from the headers (``LEAP SECONDS``), None if no file gave it.
    skipped : dict of str to int
        Records skipped, by reason.
    warnings : list of str
        Messages of everything that was skipped or doubtful.
    duplicates_dropped : int
        Ephemeris rows removed by :func:`deduplicate`.
    """

    ephemerides: dict[str, pd.DataFrame] = field(default_factory=dict)
    sto: pd.DataFrame = field(default_factory=pd.DataFrame)
    ion: pd.DataFrame = field(default_factory=pd.DataFrame)
    eop: pd.DataFrame = field(default_factory=pd.DataFrame)
    header: list[dict[str, Any]] = field(default_factory=list)
    leap_seconds: int | None = None
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    duplicates_dropped: int = 0

    def __getitem__(self, key: str) -> pd.DataFrame:
        return self.ephemerides[key]

    def __contains__(self, key: str) -> bool:
        return key in self.ephemerides

    def keys(self) -> list[str]:
        """Names of the non-empty ephemeris tables."""
        return list(self.ephemerides)

    @property
    def systems(self) -> list[str]:
        """System letters with at least one ephemeris, sorted."""
        return sorted({k[0] for k, df in self.ephemerides.items() if len(df)})

    def glonass_channels(self) -> dict[str, int]:
        """GLONASS slot → FDMA frequency channel k (the latest record's value per slot)."""
        df = self.ephemerides.get("R_FDMA")
        if df is None or df.empty:
            return {}
        ok = df[np.isfinite(df["freq_channel"].to_numpy())]
        last = ok.sort_values(["sv", "toc_ns"]).groupby("sv")["freq_channel"].last()
        return {sv: int(k) for sv, k in last.items()}

    def klobuchar(self, system: str = "G", t: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Klobuchar (alpha[4], beta[4]) of a system, the latest set at or before ``t``.

        Parameters
        ----------
        system : str
            ``"G"``, ``"J"``, ``"C"`` or ``"I"``.
        t : Time or int, optional
            Instant (``Time`` or int64 ns); None = the latest set of all.  Header sets
            without a time are used when no timed set precedes ``t``.

        Raises
        ------
        KeyError
            When the data hold no Klobuchar set for the system.
        """
        ion = self.ion
        if ion.empty:
            raise KeyError(f"no Klobuchar parameters for system {system!r}")
        sel = ion[(ion["system"] == system) & (ion["model"] == "klobuchar")]
        if sel.empty:
            raise KeyError(f"no Klobuchar parameters for system {system!r}")
        times = sel["time_ns"].to_numpy()
        if t is not None:
            t_ns = int(getattr(t, "ns", t))
            ok = (times == NAT_NS) | (times <= t_ns)
            if ok.any():
                sel, times = sel[ok], times[ok]
        # the latest timed set, else the last header set
        pick = sel.iloc[int(np.argmax(times))] if (times != NAT_NS).any() else sel.iloc[-1]
        alpha = pick[["alpha0", "alpha1", "alpha2", "alpha3"]].to_numpy(dtype=float)
        beta = pick[["beta0", "beta1", "beta2", "beta3"]].to_numpy(dtype=float)
        return alpha, beta

    def time_offset(
        self, from_scale: Any, to_scale: Any, t: Any, source: str | None = None
    ) -> np.ndarray:
        """Broadcast offset ``T_from - T_to`` [s] at ``t`` (fractional part), NaN where none
        covers ``t``.

        Delegates to :func:`kompas.orbits.time_offsets.evaluate_offset`, whose module
        docstring gives the sign convention (``time_offset("GST", "GPST", t)`` = GGTO =
        GST - GPST), the validity rule and the sources.

        Parameters
        ----------
        from_scale, to_scale : TimeScale or str
            ``"GPST" "GST" "BDT" "GLONASST" "QZSST" "IRNSST" "UTC"`` (or RINEX names, or
            the two-letter codes ``GP GA BD GL QZ IR UT SB``).
        t : Time or int
            Instants (``Time`` or int64 GPST-continuous ns), any shape.
        source : str, optional
            None (best direct: STO record, else header line), ``"STO"``,
            ``"STO:<message>"``, ``"header"``, ``"rinex2"`` or ``"derived"`` (through UTC).

        Returns
        -------
        numpy.ndarray of float
            Seconds, the shape of ``t``.
        """
        from kompas.orbits.time_offsets import evaluate_offset

        t_ns = np.asarray(getattr(t, "ns", t), dtype=np.int64)
        return evaluate_offset(self.offset_table(), from_scale, to_scale, t_ns, source)

    def offset_table(self) -> pd.DataFrame:
        """:attr:`sto` with the coverage and pair columns of
        :func:`kompas.orbits.time_offsets.normalised_offsets` (cached)."""
        from kompas.orbits.time_offsets import normalised_offsets

        key = (id(self.sto), len(self.sto))
        cached = self.__dict__.get("_offset_cache")
        if cached is None or cached[0] != key:
            table = normalised_offsets(self.sto, self.header, self.ephemerides)
            self.__dict__["_offset_cache"] = (key, table)
            return table
        return cached[1]

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={len(v)}" for k, v in self.ephemerides.items())
        return (
            f"Navigation({counts}; sto={len(self.sto)}, ion={len(self.ion)}, "
            f"eop={len(self.eop)}, skipped={self.skipped})"
        )
