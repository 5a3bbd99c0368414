"""The RINEX 3.05 / 4.02 observation-code catalogue: bands, attributes, signals.

An observation code is three characters ``tna``: type ``t`` (C pseudorange,
L carrier phase, D Doppler, S carrier-to-noise density, plus X receiver channel
number and I ionospheric phase delay, RINEX 3.05 sections 5.1, 5.12, 5.13), band
``n`` (1..9) and tracking attribute ``a``.  Which bands and attributes exist
depends on the system: this module holds that table, transcribed from RINEX 3.05
Tables 4-10 and RINEX 4.02 Tables 5-11, with each band's carrier from
:mod:`kompas.gnss.frequencies` (which cites the ICDs).

Codeless tracking (attribute ``N``, GPS L1/L2) has no pseudorange in RINEX, so
``C1N``/``C2N`` are rejected.

BDS band numbers follow RINEX 3.02+ (B1I is band 2, B1C band 1); BDS band 7 holds
both BDS-2 B2I (attributes I/Q/X) and BDS-3 B2b (D/P/Z) at the same carrier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from . import frequencies as F

__all__ = ["Band", "OBS_TYPES", "BANDS", "band_info"]

#: Observation types: RINEX type character -> meaning (RINEX 3.05 5.1, 5.12, 5.13).
OBS_TYPES = MappingProxyType(
    {
        "C": "pseudorange",
        "L": "carrier phase",
        "D": "doppler",
        "S": "cn0",
        "X": "channel",
        "I": "ionospheric delay",
    }
)


@dataclass(frozen=True)
class Band:
    """One RINEX band of one system.

    Attributes
    ----------
    system : str
        RINEX system character.
    number : int
        RINEX band number (the middle character of an observation code).
    name : str
        Band name as the system's ICD calls it (``"L1"``, ``"B2b"``, ``"G1"``).
    frequency_hz : float
        Carrier frequency; for GLONASS FDMA bands, the k = 0 value.
    fdma_step_hz : float or None
        GLONASS FDMA channel spacing (f = frequency_hz + k * fdma_step_hz), else None.
    signals : mapping
        Tracking attribute -> signal name (``"C"`` -> ``"GPS L1 C/A"``).
    codeless : frozenset
        Attributes with no pseudorange (RINEX codeless tracking ``N``).
    """

    system: str
    number: int
    name: str
    frequency_hz: float
    fdma_step_hz: float | None
    signals: MappingProxyType
    codeless: frozenset = field(default_factory=frozenset)

    @property
    def is_fdma(self) -> bool:
        """True for GLONASS FDMA bands (frequency depends on the channel k)."""
        return self.fdma_step_hz is not None


def _band(system, number, name, freq, signals, step=None, codeless=()):
    return Band(
        system, number, name, freq, step, MappingProxyType(dict(signals)), frozenset(codeless)
    )


_GPS_L1 = {
    "C": "GPS L1 C/A",
    "S": "GPS L1C-D",
    "L": "GPS L1C-P",
    "X": "GPS L1C-(D+P)",
    "P": "GPS L1 P (AS off)",
    "W": "GPS L1 Z-tracking (P(Y) semi-codeless)",
    "Y": "GPS L1 Y",
    "M": "GPS L1 M",
    "N": "GPS L1 codeless",
}
_GPS_L2 = {
    "C": "GPS L2 C/A",
    "D": "GPS L2 semi-codeless (L1 C/A + (P2-P1))",
    "S": "GPS L2C(M)",
    "L": "GPS L2C(L)",
    "X": "GPS L2C(M+L)",
    "P": "GPS L2 P (AS off)",
    "W": "GPS L2 Z-tracking (P(Y) semi-codeless)",
    "Y": "GPS L2 Y",
    "M": "GPS L2 M",
    "N": "GPS L2 codeless",
}

_BAND_LIST = [
    # --- GPS (RINEX 3.05 Table 4 / 4.02 Table 5) ---
    _band("G", 1, "L1", F.F_GPS_L1_HZ, _GPS_L1, codeless="N"),
    _band("G", 2, "L2", F.F_GPS_L2_HZ, _GPS_L2, codeless="N"),
    _band("G", 5, "L5", F.F_GPS_L5_HZ, {"I": "GPS L5-I", "Q": "GPS L5-Q", "X": "GPS L5-(I+Q)"}),
    # --- GLONASS (RINEX 3.05 Table 5 / 4.02 Table 6) ---
    _band(
        "R",
        1,
        "G1",
        F.F_GLO_G1_HZ,
        {"C": "GLONASS G1 C/A", "P": "GLONASS G1 P"},
        step=F.DF_GLO_G1_HZ,
    ),
    _band(
        "R",
        4,
        "G1a",
        F.F_GLO_G1A_HZ,
        {"A": "GLONASS L1OCd", "B": "GLONASS L1OCp", "X": "GLONASS L1OC(d+p)"},
    ),
    _band(
        "R",
        2,
        "G2",
        F.F_GLO_G2_HZ,
        {"C": "GLONASS G2 C/A", "P": "GLONASS G2 P"},
        step=F.DF_GLO_G2_HZ,
    ),
    _band(
        "R",
        6,
        "G2a",
        F.F_GLO_G2A_HZ,
        {"A": "GLONASS L2CSI", "B": "GLONASS L2OCp", "X": "GLONASS L2(CSI+OCp)"},
    ),
    _band(
        "R",
        3,
        "G3",
        F.F_GLO_G3_HZ,
        {"I": "GLONASS L3OC-I", "Q": "GLONASS L3OC-Q", "X": "GLONASS L3OC-(I+Q)"},
    ),
    # --- Galileo (RINEX 3.05 Table 6 / 4.02 Table 7) ---
    _band(
        "E",
        1,
        "E1",
        F.F_GAL_E1_HZ,
        {
            "A": "Galileo E1 PRS",
            "B": "Galileo E1-B (I/NAV)",
            "C": "Galileo E1-C (pilot)",
            "X": "Galileo E1-(B+C)",
            "Z": "Galileo E1-(A+B+C)",
        },
    ),
    _band(
        "E",
        5,
        "E5a",
        F.F_GAL_E5A_HZ,
        {"I": "Galileo E5a-I (F/NAV)", "Q": "Galileo E5a-Q (pilot)", "X": "Galileo E5a-(I+Q)"},
    ),
    _band(
        "E",
        7,
        "E5b",
        F.F_GAL_E5B_HZ,
        {"I": "Galileo E5b-I (I/NAV)", "Q": "Galileo E5b-Q (pilot)", "X": "Galileo E5b-(I+Q)"},
    ),
    _band(
        "E",
        8,
        "E5",
        F.F_GAL_E5_HZ,
        {"I": "Galileo E5 AltBOC-I", "Q": "Galileo E5 AltBOC-Q", "X": "Galileo E5 AltBOC-(I+Q)"},
    ),
    _band(
        "E",
        6,
        "E6",
        F.F_GAL_E6_HZ,
        {
            "A": "Galileo E6 PRS",
            "B": "Galileo E6-B (C/NAV, HAS)",
            "C": "Galileo E6-C (pilot)",
            "X": "Galileo E6-(B+C)",
            "Z": "Galileo E6-(A+B+C)",
        },
    ),
    # --- SBAS (RINEX 3.05 Table 7 / 4.02 Table 8) ---
    _band("S", 1, "L1", F.F_SBS_L1_HZ, {"C": "SBAS L1 C/A"}),
    _band("S", 5, "L5", F.F_SBS_L5_HZ, {"I": "SBAS L5-I", "Q": "SBAS L5-Q", "X": "SBAS L5-(I+Q)"}),
    # --- QZSS (RINEX 3.05 Table 8 / 4.02 Table 9) ---
    _band(
        "J",
        1,
        "L1",
        F.F_QZS_L1_HZ,
        {
            "C": "QZSS L1 C/A",
            "E": "QZSS L1C/B",
            "S": "QZSS L1C-D",
            "L": "QZSS L1C-P",
            "X": "QZSS L1C-(D+P)",
            "Z": "QZSS L1S (L1-SAIF / SLAS)",
        },
    ),
    _band(
        "J",
        2,
        "L2",
        F.F_QZS_L2_HZ,
        {"S": "QZSS L2C(M)", "L": "QZSS L2C(L)", "X": "QZSS L2C(M+L)"},
    ),
    _band(
        "J",
        5,
        "L5",
        F.F_QZS_L5_HZ,
        {
            "I": "QZSS L5-I",
            "Q": "QZSS L5-Q",
            "X": "QZSS L5-(I+Q)",
            "D": "QZSS L5S-I",
            "P": "QZSS L5S-Q",
            "Z": "QZSS L5S-(I+Q)",
        },
    ),
    _band(
        "J",
        6,
        "L6",
        F.F_QZS_L6_HZ,
        {
            "S": "QZSS L6D",
            "L": "QZSS L6P",
            "X": "QZSS L6(D+P)",
            "E": "QZSS L6E",
            "Z": "QZSS L6(D+E)",
        },
    ),
    # --- BDS (RINEX 3.05 Table 9 / 4.02 Table 10) ---
    _band(
        "C",
        2,
        "B1I",
        F.F_BDS_B1I_HZ,
        {"I": "BDS B1I", "Q": "BDS B1Q", "X": "BDS B1(I+Q)"},
    ),
    _band(
        "C",
        1,
        "B1C",
        F.F_BDS_B1C_HZ,
        {
            "D": "BDS B1C-data",
            "P": "BDS B1C-pilot",
            "X": "BDS B1C-(D+P)",
            "S": "BDS B1A-data",
            "L": "BDS B1A-pilot",
            "Z": "BDS B1A-(D+P)",
        },
    ),
    _band(
        "C",
        5,
        "B2a",
        F.F_BDS_B2A_HZ,
        {"D": "BDS B2a-data", "P": "BDS B2a-pilot", "X": "BDS B2a-(D+P)"},
    ),
    _band(
        "C",
        7,
        "B2b",
        F.F_BDS_B2B_HZ,
        {
            "I": "BDS-2 B2I",
            "Q": "BDS-2 B2Q",
            "X": "BDS-2 B2(I+Q)",
            "D": "BDS-3 B2b-I",
            "P": "BDS-3 B2b-Q",
            "Z": "BDS-3 B2b-(I+Q)",
        },
    ),
    _band(
        "C",
        8,
        "B2",
        F.F_BDS_B2_HZ,
        {"D": "BDS B2(a+b)-data", "P": "BDS B2(a+b)-pilot", "X": "BDS B2(a+b)-(D+P)"},
    ),
    _band(
        "C",
        6,
        "B3I",
        F.F_BDS_B3I_HZ,
        {
            "I": "BDS B3I",
            "Q": "BDS B3Q",
            "X": "BDS B3(I+Q)",
            "D": "BDS B3A-data",
            "P": "BDS B3A-pilot",
            "Z": "BDS B3A-(D+P)",
        },
    ),
    # --- NavIC / IRNSS (RINEX 3.05 Table 10 / 4.02 Table 11) ---
    _band(
        "I",
        5,
        "L5",
        F.F_IRN_L5_HZ,
        {
            "A": "NavIC L5 SPS",
            "B": "NavIC L5 RS-data",
            "C": "NavIC L5 RS-pilot",
            "X": "NavIC L5 RS-(D+P)",
        },
    ),
    _band(
        "I",
        9,
        "S",
        F.F_IRN_S_HZ,
        {
            "A": "NavIC S SPS",
            "B": "NavIC S RS-data",
            "C": "NavIC S RS-pilot",
            "X": "NavIC S RS-(D+P)",
        },
    ),
    _band(
        "I",
        1,
        "L1",
        F.F_IRN_L1_HZ,
        {"D": "NavIC L1 SPS-data", "P": "NavIC L1 SPS-pilot", "X": "NavIC L1 SPS-(D+P)"},
    ),
]

#: (system character, band number) -> :class:`Band`.
BANDS = MappingProxyType({(b.system, b.number): b for b in _BAND_LIST})


def band_info(system: str, band: int) -> Band:
    """Return the :class:`Band` for a system character and band number.

    Raises
    ------
    ValueError
        If the system has no such band in RINEX 3.05 / 4.02.
    """
    try:
        return BANDS[(system, int(band))]
    except (KeyError, ValueError):
        valid = sorted(n for (s, n) in BANDS if s == system)
        raise ValueError(
            f"system {system!r} has no RINEX band {band!r}; valid bands: {valid}"
        ) from None
