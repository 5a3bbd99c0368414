"""Which observations are combined: per code signal its phase and second frequency.

Code multipath of a code observable ``C<b><a>`` (band b, tracking attribute a) needs the
carrier phase on the same frequency and a phase on a second frequency:

* the phase ``L<b><a>`` of the same tracking mode, else the phase of the same band that is
  observed most often (the same carrier, so the same combination; a constant phase bias
  between tracking modes is removed with the arc mean);
* the second phase: among the phases of the system's other bands observed together with
  the code at least :data:`COVERAGE` times as often as the best of them (gnssmultipath's
  rule is "most estimates"), the one with the smallest amplification factor
  |κ| = 2 f_j²/|f_i² − f_j²|, i.e. the widest frequency separation: the phase noise in MP
  grows with κ, and close carriers (BDS B1C/B1I 14 MHz apart: κ ≈ 100; Galileo E5a/E5b:
  κ ≈ 40) are avoided.  This gives teqc's MP1 (P1/L1 with L2) and MP2 (P2/L2 with L1) on
  dual-frequency GPS data, L5↔L1, E1↔E5a, E5a/E5b/E6↔E1, G1↔G2, B1I↔B3I, B3I↔B1I,
  B1C/B2a↔B2a/B1C on BDS-3.

Each phase signal gets a partner for cycle-slip detection by the same rule, and the codes of
both bands (for the Melbourne–Wübbena combination) when observed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MPPair", "PhasePair", "choose_pairs", "code_for", "COVERAGE"]

#: A second phase must be observed with the code at least this fraction as often as the
#: most observed one (a phase tracked only on the newest satellites loses against one
#: tracked on all of them, unless they cover nearly the same data).
COVERAGE = 0.95


@dataclass(frozen=True)
class MPPair:
    """One code multipath combination: code, its phase, the second phase (RINEX codes)."""

    system: str
    code: str
    phase: str
    partner: str


@dataclass(frozen=True)
class PhasePair:
    """A phase signal, its partner phase and the codes of both bands (None if absent)."""

    system: str
    phase: str
    partner: str | None
    code: str | None
    partner_code: str | None


def _nominal_hz(system: str, code: str) -> float:
    from kompas.gnss import Signal

    return Signal(system, code).frequency_hz(k=0)


def _kappa(system: str, code_i: str, code_j: str) -> float:
    fi, fj = _nominal_hz(system, code_i), _nominal_hz(system, code_j)
    return abs(2.0 * fj * fj / (fi * fi - fj * fj)) if fi != fj else np.inf


def _best(candidates: list[str], counts: dict[str, int], system: str) -> str | None:
    """The most observed candidate (ties: the band/attribute order of the name)."""
    usable = [c for c in candidates if counts.get(c, 0) > 0]
    if not usable:
        return None
    return max(usable, key=lambda c: (counts[c], c))


def _second(of: str, candidates: list[str], counts: dict[str, int], system: str) -> str | None:
    """The second phase for ``of``: enough coverage, then the smallest |κ| (module notes)."""
    usable = [
        c for c in candidates
        if counts.get(c, 0) > 0 and _nominal_hz(system, c) != _nominal_hz(system, of)
    ]  # fmt: skip
    if not usable:
        return None
    top = max(counts[c] for c in usable)
    good = [c for c in usable if counts[c] >= COVERAGE * top]
    return min(good, key=lambda c: (_kappa(system, of, c), -counts[c], c))


def choose_pairs(
    codes: list[str], present: dict[str, np.ndarray], system: str
) -> tuple[list[MPPair], list[PhasePair]]:
    """Choose the combinations of one system.

    Parameters
    ----------
    codes : list of str
        Observation codes of the system present in the data (``"C1C"``, ``"L2W"``, ...).
    present : dict code -> bool ndarray (time, sv_of_system)
        Where each observation holds a value (above the elevation mask when known).
    system : str
        System character.
    """
    phases = [c for c in codes if c[0] == "L"]
    pcodes = [c for c in codes if c[0] == "C"]
    count = {c: int(present[c].sum()) for c in codes}

    def same_band_phase(code: str) -> str | None:
        exact = "L" + code[1:]
        if exact in phases and count[exact]:
            return exact
        return _best([p for p in phases if p[1] == code[1]], count, system)

    def partner_of(base: np.ndarray, phase: str) -> str | None:
        others = [p for p in phases if p[1] != phase[1]]
        joint = {p: int((base & present[p]).sum()) for p in others}
        return _second(phase, others, joint, system)

    mp: list[MPPair] = []
    for code in pcodes:
        ph = same_band_phase(code)
        if ph is None:
            continue
        partner = partner_of(present[code] & present[ph], ph)
        if partner is not None:
            mp.append(MPPair(system, code, ph, partner))
    slips: list[PhasePair] = []
    for ph in phases:
        if not count[ph]:
            continue
        partner = partner_of(present[ph], ph)
        code = code_for(ph, pcodes, count, system)
        pcode = code_for(partner, pcodes, count, system) if partner else None
        slips.append(PhasePair(system, ph, partner, code, pcode))
    return mp, slips


def code_for(phase: str, pcodes: list[str], count: dict[str, int], system: str) -> str | None:
    """The code of the phase's band: same tracking mode if observed, else the most observed."""
    exact = "C" + phase[1:]
    if exact in pcodes and count.get(exact, 0):
        return exact
    return _best([c for c in pcodes if c[1] == phase[1]], count, system)
