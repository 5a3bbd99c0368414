"""Signals: hashable ``Signal("G", "C1C")`` ids and vectorised frequencies.

A :class:`Signal` is one RINEX observation code of one system (written
``"GC1C"``, like cssrlib's ``rSigRnx``).  It knows its observation type, band,
carrier frequency and wavelength.  GLONASS FDMA bands need the satellite's
channel number k; without it the frequency is NaN, never a default.

The hot path (phase cycles -> metres over a (time, sv) grid) is
:func:`wavelength_m` / :func:`frequency_hz`: one code, an array of satellite ids and
the GLONASS channels, whole-array numpy with one step per *system*, not per satellite.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..constants import SPEED_OF_LIGHT_MPS
from . import frequencies as F
from .catalogue import BANDS, OBS_TYPES, Band
from .constellation import Constellation
from .satellite import Satellite, _codepoints, _system_codepoints, sv_prn

__all__ = [
    "Signal",
    "all_signals",
    "frequency_hz",
    "wavelength_m",
    "glonass_channels",
]

GlonassChannels = Mapping[str, int] | Mapping[Satellite, int]


def _check_k(k: int) -> int:
    k_int = int(k)
    if k_int != k or not F.GLO_K_MIN <= k_int <= F.GLO_K_MAX:
        raise ValueError(
            f"GLONASS FDMA channel number k={k!r} outside {F.GLO_K_MIN}..{F.GLO_K_MAX} "
            "(GLONASS ICD 5.1, 3.3.1.4)"
        )
    return k_int


@dataclass(frozen=True, order=True)
class Signal:
    """One observation code of one satellite system.

    Parameters
    ----------
    system : str or Constellation
        RINEX system character.
    code : str
        RINEX 3/4 observation code (``"C1C"``, ``"L7D"``, ``"S2W"``); the
        receiver-channel code ``"X1"`` is also accepted.

    Raises
    ------
    ValueError
        If the code does not exist for the system in RINEX 3.05 / 4.02.

    Examples
    --------
    >>> s = Signal.parse("CL2I")
    >>> s.band_name, s.frequency_hz()
    ('B1I', 1561098000.0)
    >>> Signal.parse("RL1C").frequency_hz(k=-7)
    1598062500.0
    """

    system: str
    code: str

    def __post_init__(self) -> None:
        system = Constellation.from_rinex_char(self.system).char
        code = str(self.code).strip().upper()
        object.__setattr__(self, "system", system)
        object.__setattr__(self, "code", code)
        _validate(system, code)

    # --- construction ---------------------------------------------------------------
    @classmethod
    def parse(cls, text: str, system: str | Constellation | None = None) -> Signal:
        """Parse ``"GC1C"`` (system + code), or ``"C1C"`` with ``system=`` given."""
        s = str(text).strip().upper()
        if system is not None:
            return cls(Constellation.from_rinex_char(system).char, s)
        if len(s) not in (3, 4):
            raise ValueError(
                f"invalid signal {text!r}: expected a system character and a RINEX 3 "
                "observation code such as 'GC1C'"
            )
        return cls(s[0], s[1:])

    # --- description ---------------------------------------------------------------
    def __str__(self) -> str:
        return self.system + self.code

    @property
    def constellation(self) -> Constellation:
        """The satellite system."""
        return Constellation(self.system)

    @property
    def obs_type(self) -> str:
        """Observation type character: C, L, D, S, X or I."""
        return self.code[0]

    @property
    def obs_type_name(self) -> str:
        """``"pseudorange"``, ``"carrier phase"``, ``"doppler"``, ``"cn0"``, ..."""
        return OBS_TYPES[self.code[0]]

    @property
    def band(self) -> int:
        """RINEX band number."""
        return int(self.code[1])

    @property
    def attribute(self) -> str:
        """Tracking attribute (``""`` for the channel code ``"X1"``)."""
        return self.code[2:]

    @property
    def band_info(self) -> Band:
        """The :class:`~kompas.gnss.catalogue.Band` record."""
        return BANDS[(self.system, self.band)]

    @property
    def band_name(self) -> str:
        """The ICD name of the band (``"L1"``, ``"E5a"``, ``"B2b"``, ``"G1"``)."""
        return self.band_info.name

    @property
    def signal_name(self) -> str:
        """The signal tracked (``"GPS L1 C/A"``, ``"BDS-3 B2b-I"``, ...)."""
        b = self.band_info
        return b.signals.get(self.attribute, f"{b.name} (any tracking mode)")

    @property
    def is_fdma(self) -> bool:
        """True when the frequency depends on a GLONASS channel number."""
        return self.band_info.is_fdma

    # --- physics ---------------------------------------------------------------------
    def frequency_hz(self, k: int | None = None) -> float:
        """Carrier frequency [Hz].

        Parameters
        ----------
        k : int, optional
            GLONASS FDMA channel number (-7..+6). Required for FDMA bands (the
            result is NaN without it); ignored for every other band.
        """
        b = self.band_info
        if not b.is_fdma:
            return b.frequency_hz
        if k is None:
            return float("nan")
        return b.frequency_hz + _check_k(k) * b.fdma_step_hz

    def wavelength_m(self, k: int | None = None) -> float:
        """Carrier wavelength c / f [m] (NaN for FDMA without ``k``)."""
        return SPEED_OF_LIGHT_MPS / self.frequency_hz(k)


def _validate(system: str, code: str) -> None:
    if code == "X1":  # receiver channel number (RINEX 3.05 5.13)
        return
    if len(code) != 3:
        raise ValueError(
            f"invalid observation code {code!r} for {system}: expected three characters "
            "(type, band, attribute) such as 'C1C'"
        )
    t, n, a = code
    if t not in OBS_TYPES:
        raise ValueError(
            f"invalid observation code {code!r}: type {t!r} is not one of {''.join(OBS_TYPES)}"
        )
    band = BANDS.get((system, int(n))) if n.isdigit() else None
    if band is None:
        valid = sorted(num for (s, num) in BANDS if s == system)
        raise ValueError(
            f"invalid observation code {code!r}: {Constellation(system).display_name} has no "
            f"band {n!r} (RINEX 3.05/4.02 bands: {valid})"
        )
    if a not in band.signals:
        raise ValueError(
            f"invalid observation code {code!r}: {Constellation(system).display_name} band "
            f"{n} ({band.name}) has no attribute {a!r}; valid: {''.join(band.signals)}"
        )
    if t == "C" and a in band.codeless:
        raise ValueError(
            f"invalid observation code {code!r}: codeless tracking ({a}) has no pseudorange"
        )


def all_signals(system: str | Constellation | None = None, types: str = "CLDS") -> list[Signal]:
    """Every observation code of the catalogue, for one system or all.

    Parameters
    ----------
    system : str or Constellation, optional
        Restrict to one system.
    types : str
        Observation types to enumerate (default ``"CLDS"``).
    """
    only = None if system is None else Constellation.from_rinex_char(system).char
    out = []
    for (sys_char, number), band in BANDS.items():
        if only is not None and sys_char != only:
            continue
        for t in types:
            for a in band.signals:
                if t == "C" and a in band.codeless:
                    continue
                out.append(Signal(sys_char, f"{t}{number}{a}"))
    return out


# --- vectorised --------------------------------------------------------------------------
def glonass_channels(sv: ArrayLike, channels: GlonassChannels | ArrayLike | None) -> np.ndarray:
    """Return the GLONASS channel number of each satellite as float (NaN if unknown).

    Parameters
    ----------
    sv : array_like of str
        Satellite ids (``"R07"``), any shape.
    channels : mapping or array_like or None
        Either a mapping sv -> k (keys ``"R07"`` or :class:`Satellite`; from the obs
        header ``GLONASS SLOT / FRQ #`` or the navigation data), or an array of k
        broadcastable to ``sv`` (NaN = unknown).

    Returns
    -------
    numpy.ndarray of float64
        k per element; NaN for unknown channels and for non-GLONASS satellites.
    """
    cp = _codepoints(sv)
    shape = cp.shape[:-1]
    if channels is None:
        return np.full(shape, np.nan)
    is_glo = _system_codepoints(cp) == ord("R")
    if isinstance(channels, Mapping):
        table = np.full(100, np.nan)  # indexed by RINEX satellite number 01..99
        for key, value in channels.items():
            try:
                sat = key if isinstance(key, Satellite) else Satellite.parse(str(key))
            except ValueError:
                continue  # not a satellite id: no channel for anything
            if sat.system == "R" and value is not None:
                table[sat.prn] = float(value)
        prn = sv_prn(sv)
        k = np.where(prn >= 0, table[np.clip(prn, 0, 99)], np.nan)
    else:
        k = np.broadcast_to(np.asarray(channels, dtype=float), shape).copy()
    bad = ~np.isnan(k) & ((k < F.GLO_K_MIN) | (k > F.GLO_K_MAX) | (k != np.round(k)))
    k[bad] = np.nan
    k[~is_glo] = np.nan
    return k


def frequency_hz(
    sv: ArrayLike, code: str, glonass_k: GlonassChannels | ArrayLike | None = None
) -> np.ndarray:
    """Carrier frequency of one observation code for every satellite in ``sv`` [Hz].

    Parameters
    ----------
    sv : array_like of str
        Canonical satellite ids (``"G07"``, ``"R24"``), any shape.  For a (time, sv)
        grid, pass the 1-D ``sv`` coordinate and broadcast the result: the cost is
        proportional to the number of elements (about 0.4 us each).
    code : str
        RINEX 3/4 observation code, e.g. ``"L1C"``.
    glonass_k : mapping or array_like, optional
        GLONASS FDMA channel numbers (see :func:`glonass_channels`).

    Returns
    -------
    numpy.ndarray of float64
        Same shape as ``sv``.  NaN where the code does not exist for that satellite's
        system, and for GLONASS FDMA satellites whose channel is unknown.

    Raises
    ------
    ValueError
        If ``code`` is valid for no system at all (a typo rather than data).
    """
    code = str(code).strip().upper()
    systems = _system_codepoints(_codepoints(sv))
    out = np.full(systems.shape, np.nan)
    valid_somewhere = False
    k = None
    for constellation in Constellation:  # one whole-array step per system
        try:
            sig = Signal(constellation.char, code)
        except ValueError:
            continue
        valid_somewhere = True
        mask = systems == ord(constellation.char)
        if not mask.any():
            continue
        band = sig.band_info
        if band.is_fdma:
            if k is None:
                k = glonass_channels(sv, glonass_k)
            out[mask] = band.frequency_hz + k[mask] * band.fdma_step_hz
        else:
            out[mask] = band.frequency_hz
    if not valid_somewhere:
        raise ValueError(
            f"observation code {code!r} does not exist for any system in RINEX 3.05/4.02"
        )
    return out


def wavelength_m(
    sv: ArrayLike, code: str, glonass_k: GlonassChannels | ArrayLike | None = None
) -> np.ndarray:
    """Carrier wavelength c / f of one observation code per satellite [m].

    Same arguments and NaN rules as :func:`frequency_hz`.  Multiply carrier phase in
    cycles by this to get metres.
    """
    return SPEED_OF_LIGHT_MPS / frequency_hz(sv, code, glonass_k)
