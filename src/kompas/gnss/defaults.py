"""Default signals for positioning, per system.

Single-frequency SPP uses the signal each system's broadcast clock and group-delay
parameters refer to, and that nearly every receiver tracks:

==========  ============  ===========================  =========================================
system      single        dual-frequency pair          reason
==========  ============  ===========================  =========================================
GPS (G)     C1C           C1C + C2W                    LNAV clock refers to the L1/L2 P(Y)
                                                       iono-free combination; T_GD corrects
                                                       single-frequency L1 (IS-GPS-200 20.3.3.3.3.2)
GLONASS (R) C1C           C1C + C2C (else C2P)         FDMA C/A on G1/G2; tau_n refers to L1/L2
                                                       (GLONASS ICD 5.1)
Galileo (E) C1C           C1C + C5Q                    F/NAV clock: E1/E5a iono-free; BGD(E1,E5a)
                                                       (OS SIS ICD 2.1, 5.1.5)
BDS (C)     C2I           C2I + C6I                    D1/D2 clock refers to B3I; T_GD1 for B1I
                                                       (BDS-SIS-ICD-B1I 3.0, 5.2.4.10);
                                                       BDS-2 and BDS-3 both transmit B1I and B3I
QZSS (J)    C1C           C1C + C2L                    as GPS (IS-QZSS-PNT-005)
NavIC (I)   C5A           C5A + C9A                    L5/S SPS (IRNSS SPS ICD 1.1)
SBAS (S)    C1C           C1C + C5I                    L1 C/A; L5 DFMC
==========  ============  ===========================  =========================================

Receivers differ (Galileo often as ``C1X``/``C5X``, BDS-3 signals ``C1P``/``C5P``);
:data:`ALTERNATIVES` lists, per system, the codes to try in order when the default is
absent from a file.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["DEFAULT_SIGNAL", "DEFAULT_DUAL_FREQUENCY", "ALTERNATIVES", "default_signal"]

#: System character -> single-frequency pseudorange code for SPP.
DEFAULT_SIGNAL = MappingProxyType(
    {"G": "C1C", "R": "C1C", "E": "C1C", "C": "C2I", "J": "C1C", "I": "C5A", "S": "C1C"}
)

#: System character -> (first, second) pseudorange codes for dual-frequency iono-free use.
DEFAULT_DUAL_FREQUENCY = MappingProxyType(
    {
        "G": ("C1C", "C2W"),
        "R": ("C1C", "C2C"),
        "E": ("C1C", "C5Q"),
        "C": ("C2I", "C6I"),
        "J": ("C1C", "C2L"),
        "I": ("C5A", "C9A"),
        "S": ("C1C", "C5I"),
    }
)

#: System character -> band-1 (primary) pseudorange codes in order of preference.
ALTERNATIVES = MappingProxyType(
    {
        "G": ("C1C", "C1W", "C1P", "C1X", "C1L"),
        "R": ("C1C", "C1P"),
        "E": ("C1C", "C1X", "C1B"),
        "C": ("C2I", "C2X", "C2Q"),
        "J": ("C1C", "C1X", "C1L"),
        "I": ("C5A", "C5X"),
        "S": ("C1C",),
    }
)


def default_signal(system: str, available: tuple[str, ...] | list[str] | None = None) -> str:
    """Return the single-frequency SPP code for a system.

    Parameters
    ----------
    system : str
        RINEX system character.
    available : sequence of str, optional
        Codes present in the data; when given, the first of :data:`ALTERNATIVES`
        found there is returned.

    Raises
    ------
    KeyError
        If ``available`` is given and none of the alternatives is in it, or the
        system is unknown.
    """
    if available is None:
        return DEFAULT_SIGNAL[system]
    have = set(available)
    for code in ALTERNATIVES[system]:
        if code in have:
            return code
    raise KeyError(f"none of {ALTERNATIVES[system]} available for system {system!r}")
