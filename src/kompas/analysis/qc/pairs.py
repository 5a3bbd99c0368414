"""Which observations are combined: per code signal its phase and second frequency.

Code multipath of a code observable ``C<b><a>`` (band b, tracking attribute a) needs the
carrier phase on the same frequency and a phase on a second frequency:

* the phase ``L<b><a>`` of the same tracking mode, else the phase of the same band that is
  observed most often (the same carrier, so the same combination; a constant phase bias
  between tracking modes is removed with the arc mean);
* the second phase: among the phases of the system's other bands (a different carrier
  frequency), the one observed together with the code most often; ties go to the order of
  :data:`SECOND_BAND_PREFERENCE` (the classic pairs: GPS L1↔L2, L5↔L1; Galileo E1↔E5a;
  GLONASS G1↔G2; BDS B1I↔B3I, B2I↔B1I...).  This is the rule of gnssmultipath (most
  estimates) with a stated tie-break, and it gives teqc's MP1 (P1/L1 with L2) and MP2
  (P2/L2 with L1) on dual-frequency GPS data.

Each phase signal gets a partner for cycle-slip detection by the same rule, and the codes of
both bands (for the Melbourne–Wübbena combination) when observed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MPPair", "PhasePair", "choose_pairs", "code_for", "SECOND_BAND_PREFERENCE"]

#: Per system, the order in which second bands are preferred on ties (RINEX band digits).
SECOND_BAND_PREFERENCE = {
    "G": "215",
    "R": "21436",
    "E": "15786",
    "C": "265178",
    "J": "21564",
    "I": "519",
    "S": "15",
}


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


def _rank(system: str, band: str) -> int:
    order = SECOND_BAND_PREFERENCE.get(system, "")
    return order.index(band) if band in order else len(order)


def _best(candidates: list[str], counts: dict[str, int], system: str) -> str | None:
    usable = [c for c in candidates if counts.get(c, 0) > 0]
    if not usable:
        return None
    return max(usable, key=lambda c: (counts[c], -_rank(system, c[1]), c))


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

    def partner_of(base: np.ndarray, band: str) -> str | None:
        others = [p for p in phases if p[1] != band]
        joint = {p: int((base & present[p]).sum()) for p in others}
        return _best(others, joint, system)

    mp: list[MPPair] = []
    for code in pcodes:
        ph = same_band_phase(code)
        if ph is None:
            continue
        partner = partner_of(present[code] & present[ph], code[1])
        if partner is not None:
            mp.append(MPPair(system, code, ph, partner))
    slips: list[PhasePair] = []
    for ph in phases:
        if not count[ph]:
            continue
        partner = partner_of(present[ph], ph[1])
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
