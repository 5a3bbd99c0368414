"""Pick the pseudoranges (and Doppler, C/N0) each system contributes to a solution.

Signals are chosen per epoch and satellite from priority lists, as RTKLIB's code
priorities do: the first code of :data:`SINGLE_PRIORITY` (single frequency) or the first
pair of :data:`DUAL_PRIORITY` (dual-frequency ionosphere-free
``P_IF = (f1² P1 − f2² P2) / (f1² − f2²)``) that the receiver tracked at that epoch. Every
code listed has a broadcast group delay defined for the system's default navigation
message (:mod:`kompas.orbits.group_delay`), which the solver applies per cell for the
chosen code. A user's ``signals`` entry replaces a system's list (one code or pair: no
fallback; a list: that priority).

GPS/QZSS tracking modes other than P(Y) have their own inter-signal correction (ISC) in
the CNAV message (IS-GPS-200 30.3.3.3.1.1, IS-GPS-705 20.3.3.3.1.2): where the navigation
data carry a CNAV record of the satellite valid at the epoch, L1 C/A and L2C get
``-T_GD + ISC`` and L5 becomes usable; elsewhere L1 C/A and L2C keep the LNAV T_GD
formulas. L5 has no correction without ISC (its ISCs reach 10 ns = 3 m in real files), so
a cell whose L5 candidate lacks one is treated as not tracked and the next candidate of
the priority list is taken (counted: :meth:`Measurements.isc_counts`); only a user's
explicit single code or pair, which has no next candidate, is used without ISC (ISC taken
as 0, counted and warned: :attr:`Measurements.notes`). :attr:`Measurements.isc_applied`
says per cell whether ISCs were applied. GLONASS frequencies use each satellite's FDMA channel
``k`` (observation header, else navigation data); a GLONASS satellite whose channel is
unknown is dropped with a warning — a guessed channel would put a wrong ionospheric scale
factor into the arithmetic.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from kompas.errors import KompasError, KompasWarning
from kompas.gnss.signals import frequency_hz
from kompas.orbits.group_delay import isc_column, needs_isc
from kompas.time import Time

__all__ = ["Measurements", "select_measurements", "SINGLE_PRIORITY", "DUAL_PRIORITY"]

#: Single-frequency code priority per system (band 1 of each system's default message:
#: GPS/QZSS LNAV T_GD refers to L1 C/A, P(Y) and L1C alike; Galileo E1 C (pilot), X
#: (data+pilot), B (data) share BGD; BDS B1I D1/D2 T_GD1). GPS/QZSS L5 (Q5 pilot, I5+Q5,
#: I5 data) comes last and only where a CNAV ISC exists for the cell (module docstring).
SINGLE_PRIORITY: dict[str, tuple[str, ...]] = {
    "G": ("C1C", "C1W", "C1P", "C1X", "C1L", "C1S", "C5Q", "C5X", "C5I"),
    "R": ("C1C", "C1P"),
    "E": ("C1C", "C1X", "C1B"),
    "C": ("C2I", "C2X", "C2Q"),
    "J": ("C1C", "C1X", "C1L", "C1S", "C5Q", "C5X", "C5I"),
    "I": ("C5A", "C5X"),
    "S": ("C1C",),
}
#: Dual-frequency pairs per system in order of preference: the clock's own pair first
#: (GPS L1/L2 P(Y), Galileo I/NAV E1/E5b and F/NAV E1/E5a, BDS B1I/B3I), then the other
#: tracking modes of the same bands, then other bands. GPS/QZSS L1/L5 come after L1/L2 and
#: only where the CNAV ISCs of both codes exist for the cell (the LNAV message used for
#: the orbit and clock defines no L5 group delay; IS-GPS-705 20.3.3.3.1.2.2).
DUAL_PRIORITY: dict[str, tuple[tuple[str, str], ...]] = {
    "G": (("C1C", "C2W"), ("C1W", "C2W"), ("C1C", "C2L"), ("C1C", "C2X"), ("C1C", "C2S"),
          ("C1C", "C5Q"), ("C1C", "C5X"), ("C1C", "C5I"), ("C1W", "C5Q"), ("C1W", "C5X")),
    "R": (("C1C", "C2C"), ("C1C", "C2P"), ("C1P", "C2P")),
    "E": (("C1C", "C5Q"), ("C1X", "C5X"), ("C1C", "C5X"), ("C1X", "C5Q"), ("C1C", "C7Q"),
          ("C1X", "C7X"), ("C1B", "C5I"), ("C1B", "C7I")),
    "C": (("C2I", "C6I"), ("C2X", "C6X"), ("C2Q", "C6Q"), ("C2I", "C7I"), ("C2X", "C7X")),
    "J": (("C1C", "C2L"), ("C1C", "C2X"), ("C1X", "C2X"), ("C1C", "C5Q"), ("C1C", "C5X"),
          ("C1C", "C5I")),
    "I": (("C5A", "C9A"), ("C5X", "C9X")),
    "S": (("C1C", "C5I"), ("C1C", "C5X")),
}  # fmt: skip


@dataclass
class Measurements:
    """Code observations arranged for positioning (dense (time, sv) arrays).

    Attributes
    ----------
    sv : ndarray (S,) of str
    system : ndarray (S,) of str
        System character per satellite.
    codes : dict
        System → tuple of the RINEX codes of its most used choice (one code, or the pair
        of the iono-free combination).
    signal : ndarray (T, S) of int16
        Index into ``signal_names`` of the code (``"C1C"``) or pair (``"C1X+C5X"``)
        chosen per cell, -1 where none.
    signal_names : list of str
    pseudorange_m : ndarray (T, S)
        Code observation (or iono-free combination), NaN where absent, zero or negative.
    frequency_hz : ndarray (T, S)
        Carrier frequency of the (first) code chosen in each cell (NaN if none).
    frequency2_hz : ndarray (T, S)
        Carrier frequency of the second code (iono-free mode), else NaN.
    doppler_hz, cn0_dbhz : ndarray (T, S)
        Doppler and C/N0 on the first code's band, NaN when not observed.
    mode : str
        ``"single"`` or ``"iflc"``.
    dropped : dict
        System -> why it contributes nothing.
    isc_applied : ndarray (T, S) of bool
        Cells whose broadcast correction includes CNAV inter-signal corrections.
    notes : list of str
        Warnings for the user (an explicitly requested L5 code used without ISC).
    isc_skipped : dict
        System -> {code or pair: cells where it was observed but skipped for want of
        CNAV ISCs, so that the next candidate (if any) was used}.
    """

    sv: np.ndarray
    system: np.ndarray
    codes: dict[str, tuple[str, ...]]
    signal: np.ndarray
    signal_names: list[str]
    pseudorange_m: np.ndarray
    frequency_hz: np.ndarray
    frequency2_hz: np.ndarray
    doppler_hz: np.ndarray
    cn0_dbhz: np.ndarray
    mode: str
    dropped: dict[str, str] = field(default_factory=dict)
    isc_applied: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    isc_skipped: dict[str, dict[str, int]] = field(default_factory=dict)

    def isc_counts(self) -> dict[str, dict[str, dict[str, int]]]:
        """System -> {signal: {"with_isc": cells, "without_isc": cells}} for the GPS/QZSS
        signals a CNAV ISC can correct (L1 C/A, L2C, L5), plus ``"skipped_no_isc"``
        (cells where an L5 signal was observed and not used for want of ISC)."""
        out: dict[str, dict[str, dict[str, int]]] = {}
        ok = np.isfinite(self.pseudorange_m) & (self.signal >= 0)
        applied = self.isc_applied if self.isc_applied is not None else np.zeros(ok.shape, bool)
        for j, name in enumerate(self.signal_names):
            for sys in ("G", "J"):
                codes = name.split("+")
                if not any(isc_column(sys, c) for c in codes):
                    continue
                cells = ok & (self.signal == j) & (self.system == sys)[None, :]
                n = int(cells.sum())
                if n:
                    with_isc = int((cells & applied).sum())
                    out.setdefault(sys, {})[name] = {
                        "with_isc": with_isc, "without_isc": n - with_isc,
                    }  # fmt: skip
        for sys, skipped in self.isc_skipped.items():
            for name, n in skipped.items():
                entry = out.setdefault(sys, {}).setdefault(name, {"with_isc": 0, "without_isc": 0})
                entry["skipped_no_isc"] = n
        return out

    def signal_counts(self) -> dict[str, dict[str, int]]:
        """System → {signal: cells with a pseudorange on it}."""
        out: dict[str, dict[str, int]] = {}
        ok = np.isfinite(self.pseudorange_m) & (self.signal >= 0)
        for sys in dict.fromkeys(self.system):
            sig = self.signal[:, self.system == sys][ok[:, self.system == sys]]
            idx, n = np.unique(sig, return_counts=True)
            order = np.argsort(-n, kind="stable")
            out[str(sys)] = {self.signal_names[int(idx[i])]: int(n[i]) for i in order}
        return out


def _candidates(sys: str, mode: str, wanted) -> list[tuple[str, ...]]:
    """The system's priority list: a user's code/pair/list, else the defaults."""
    if wanted is None:
        if mode == "single":
            return [(c,) for c in SINGLE_PRIORITY.get(sys, ())]
        return [tuple(p) for p in DUAL_PRIORITY.get(sys, ())]
    if isinstance(wanted, str):
        return [(wanted,)]
    items = list(wanted)
    if mode == "iflc" and len(items) == 2 and all(isinstance(c, str) for c in items):
        return [tuple(items)]
    return [(c,) if isinstance(c, str) else tuple(c) for c in items]


def observables_needed(
    systems: str,
    mode: str = "single",
    signals: dict | None = None,
    *,
    doppler: bool = True,
    cn0: bool = False,
) -> list[str]:
    """The RINEX codes :func:`select_measurements` can use, to read nothing else.

    Every candidate code of each system's priority list (or of ``signals``), with the
    Doppler (``D``) and, when ``cn0``, the C/N0 (``S``) of the band of its first code.
    Passing this list as ``read_obs(..., codes=)`` gives the same solution as reading
    every observable (the NIST day G+R+E+C: 10 of 38 variables, a quarter of the memory).

    Parameters
    ----------
    systems : str
        System characters, e.g. ``"GREC"``.
    mode : {"single", "iflc"}
    signals : dict, optional
        As for :func:`select_measurements`.
    doppler, cn0 : bool
        Include the Doppler (velocity) / C/N0 (weighting) observables.

    Returns
    -------
    list of str
        Sorted RINEX 3 observation codes.
    """
    signals = dict(signals or {})
    codes: set[str] = set()
    for sys in systems:
        for cand in _candidates(sys, mode, signals.get(sys)):
            codes.update(cand)
            band = cand[0][1:]
            if doppler:
                codes.add("D" + band)
            if cn0:
                codes.add("S" + band)
    return sorted(codes)


def _values(obs: xr.Dataset, code: str | None, cols: np.ndarray) -> np.ndarray:
    if code is None or code not in obs.data_vars:
        return np.full((obs.sizes["time"], len(cols)), np.nan)
    return np.asarray(obs[code].values[:, cols], dtype=float)


def select_measurements(
    obs: xr.Dataset,
    systems: str,
    mode: str = "single",
    signals: dict | None = None,
    glonass_channels: dict[str, int] | None = None,
    isc_lookup=None,
) -> Measurements:
    """Arrange the code observations of ``systems`` for positioning.

    Parameters
    ----------
    obs : xarray.Dataset
        As returned by :func:`kompas.read_obs` (dims time, sv).
    systems : str
        System characters, e.g. ``"GREC"``.
    mode : {"single", "iflc"}
        Single-frequency code, or the dual-frequency ionosphere-free combination.
    signals : dict, optional
        Per system: a code (single) or a pair of codes (iflc) to use alone, or a list of
        them in order of priority, replacing :data:`SINGLE_PRIORITY` /
        :data:`DUAL_PRIORITY`.
    glonass_channels : dict, optional
        sv → FDMA channel k, merged over the observation header's channels.
    isc_lookup : callable, optional
        ``isc_lookup(sv (n,), t_ns (T, n)) -> {ISC column: (T, n) array} or None``, the
        CNAV inter-signal corrections per cell (e.g. ``BroadcastSource.isc_s``); without
        it no ISC exists and L5 candidates are skipped (module docstring).

    Raises
    ------
    KompasError
        When none of the requested systems has usable observations.
    """
    if mode not in ("single", "iflc"):
        raise KompasError(f"mode must be 'single' or 'iflc', not {mode!r}")
    signals = dict(signals or {})
    all_sv = np.asarray(obs["sv"].values).astype(str)
    sys_of = np.array([s[0] for s in all_sv])
    channels = dict(obs.attrs.get("glonass_channels") or {})
    channels.update(glonass_channels or {})
    names: list[str] = []
    parts: list[dict[str, np.ndarray]] = []
    codes: dict[str, tuple[str, ...]] = {}
    dropped: dict[str, str] = {}
    notes: list[str] = []
    skipped: dict[str, dict[str, int]] = {}
    t_ns = Time.from_datetime64(obs["time"].values, obs.attrs.get("time_scale", "GPST")).ns
    for sys in systems:
        cols = np.flatnonzero(sys_of == sys)
        if cols.size == 0:
            dropped[sys] = "no observations of this system in the file"
            continue
        sv_sys = all_sv[cols]
        k = None
        if sys == "R":
            k = np.array([channels.get(s, np.nan) for s in sv_sys], dtype=float)
            unknown = ~np.isfinite(k)
            if unknown.any():
                warnings.warn(
                    f"GLONASS satellites without an FDMA channel (not in the observation header "
                    f"nor the navigation data) dropped: {', '.join(sv_sys[unknown])}",
                    KompasWarning,
                    stacklevel=3,
                )
                cols, sv_sys, k = cols[~unknown], sv_sys[~unknown], k[~unknown]
        cand = _candidates(sys, mode, signals.get(sys))
        isc = _isc_grid(isc_lookup, sys, cand, sv_sys, t_ns)
        forced = signals.get(sys) is not None and len(cand) == 1
        skipped[sys] = {}
        part = _choose(obs, sys, cols, sv_sys, k, cand, names, (isc, forced, notes, skipped[sys]))
        if part is None:
            tried = ", ".join("+".join(c) for c in cand)
            dropped[sys] = f"no pseudoranges on any of {tried}" + (
                f" (without CNAV ISC: {', '.join(skipped[sys])} not usable)" if skipped[sys] else ""
            )
            continue
        codes[sys] = part.pop("dominant")
        parts.append(part)
    if not parts:
        raise KompasError(
            f"no usable pseudoranges for systems {systems!r}: "
            + "; ".join(f"{k}: {v}" for k, v in dropped.items())
        )

    def cat(key, axis=1):
        return np.concatenate([p[key] for p in parts], axis=axis)

    return Measurements(
        sv=cat("sv", 0),
        system=cat("system", 0),
        codes=codes,
        signal=cat("signal"),
        signal_names=names,
        pseudorange_m=cat("p"),
        frequency_hz=cat("f1"),
        frequency2_hz=cat("f2"),
        doppler_hz=cat("doppler"),
        cn0_dbhz=cat("cn0"),
        mode=mode,
        dropped=dropped,
        isc_applied=cat("isc"),
        notes=notes,
        isc_skipped={k: v for k, v in skipped.items() if v},
    )


def _isc_grid(isc_lookup, sys, candidates, sv_sys, t_ns) -> dict[str, np.ndarray] | None:
    """(T, n) CNAV ISCs of the system's satellites when a candidate can use them."""
    if isc_lookup is None or not any(isc_column(sys, c) for cand in candidates for c in cand):
        return None
    return isc_lookup(sv_sys[None, :], np.asarray(t_ns, np.int64)[:, None])


def _isc_mask(sys, cand, isc, shape) -> np.ndarray | None:
    """Cells where every ISC the candidate's codes use exists; None if it uses none."""
    names = [isc_column(sys, c) for c in cand]
    names = [n for n in names if n is not None]
    if not names:
        return None
    if isc is None:
        return np.zeros(shape, bool)
    return np.logical_and.reduce([np.isfinite(isc[n]) for n in names])


def _isc_rule(sys, cand, ok, free, isc_ctx, shape) -> tuple[np.ndarray, np.ndarray]:
    """The cells a candidate may take under the ISC rule, and where its ISCs exist.

    A candidate that needs ISCs (L5) skips cells without them, so that the next one in the
    priority list is used there; an explicit single choice is used anyway. Both counted.
    """
    isc, forced, notes, skipped = isc_ctx
    have = _isc_mask(sys, cand, isc, shape)
    if have is None:
        return ok, np.zeros(shape, bool)
    if needs_isc(sys, cand):
        missing = int((ok & free & ~have).sum())
        label = "+".join(cand)
        if missing and forced:
            notes.append(
                f"{sys}: {label} used without CNAV ISC on {missing} cells (no CNAV record "
                "of the satellite valid then): -T_GD only, a bias of up to a few metres"
            )
        elif missing:
            skipped[label] = skipped.get(label, 0) + missing
        if not forced:
            ok = ok & have
    return ok, have


def _choose(obs, sys, cols, sv_sys, k, candidates, names, isc_ctx) -> dict | None:
    """Per cell, the first candidate (code or pair) with observations (and the ISCs it
    needs, see :func:`_isc_rule`); None if none."""
    n_t, n = obs.sizes["time"], len(cols)
    p = np.full((n_t, n), np.nan)
    f1 = np.full((n_t, n), np.nan)
    f2 = np.full((n_t, n), np.nan)
    dop = np.full((n_t, n), np.nan)
    cn0 = np.full((n_t, n), np.nan)
    sig = np.full((n_t, n), -1, np.int16)
    isc_applied = np.zeros((n_t, n), bool)
    best, best_n = None, 0
    for cand in candidates:  # a loop over a handful of codes
        if not all(c in obs.data_vars for c in cand):
            continue
        v1 = _values(obs, cand[0], cols)
        g1 = _freq(sys, cand[0], sv_sys, k)
        if len(cand) == 2:
            v2 = _values(obs, cand[1], cols)
            g2 = _freq(sys, cand[1], sv_sys, k)
            a, b = g1**2, g2**2
            with np.errstate(invalid="ignore"):
                v = (a * v1 - b * v2) / (a - b)
            ok = (v1 > 0) & (v2 > 0) & np.isfinite(v)
        else:
            g2 = np.full(n, np.nan)
            v = v1
            ok = np.isfinite(v1) & (v1 > 0)  # RINEX blanks/zeros never reach the arithmetic
        ok, have = _isc_rule(sys, cand, ok, np.isnan(p), isc_ctx, (n_t, n))
        take = ok & np.isnan(p)
        if not take.any():
            continue
        label = "+".join(cand)
        if label not in names:
            names.append(label)
        p[take] = v[take]
        sig[take] = names.index(label)
        isc_applied[take] = have[take]
        f1[take] = np.broadcast_to(g1, (n_t, n))[take]
        f2[take] = np.broadcast_to(g2, (n_t, n))[take]
        band = cand[0][1:]
        dop[take] = _values(obs, "D" + band, cols)[take]
        cn0[take] = _values(obs, "S" + band, cols)[take]
        if take.sum() > best_n:
            best, best_n = cand, int(take.sum())
    if best is None:
        return None
    return {
        "sv": sv_sys, "system": np.full(n, sys), "p": p, "f1": f1, "f2": f2, "doppler": dop,
        "cn0": cn0, "signal": sig, "dominant": tuple(best), "isc": isc_applied,
    }  # fmt: skip


def _freq(sys: str, code: str, sv: np.ndarray, k: np.ndarray | None) -> np.ndarray:
    """Carrier frequency per satellite of one code (GLONASS FDMA from k)."""
    return np.asarray(frequency_hz(sv, code, k if sys == "R" else None), dtype=float)
