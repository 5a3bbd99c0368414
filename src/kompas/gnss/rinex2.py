"""RINEX 2 observation types <-> RINEX 3 observation codes.

RINEX 2 (2.11 / 2.12) observation types carry a type and a band (``C1``, ``P2``,
``L5``) but no tracking attribute; RINEX 3 needs one.  The RINEX 3.05 / 4.02
specifications leave the choice to the converter (RINEX 3.05 section 5.1 and the
"RINEX 2 to 3" notes), so kompas follows the common practice of the IGS converters
(gfzrnx, RTKLIB convbin, teqc-era IGS guidance):

GPS (``G``)
    ``C1`` -> ``C1C`` (C/A), ``P1`` -> ``C1W`` (P(Y), Z-tracking under AS),
    ``C2`` -> ``C2X`` (L2C, RINEX 2.11 defines C2 as the L2C pseudorange; M+L
    combined tracking is the usual receiver output), ``P2`` -> ``C2W``,
    ``C5`` -> ``C5X``.  Phase, Doppler and SNR take the attribute of the code they
    were tracked with: ``L1/D1/S1`` -> ``*1C`` (unless the file has ``P1`` but no
    ``C1``: then ``*1W``); ``L2/D2/S2`` -> ``*2W`` (semi-codeless legacy receivers;
    if the file has ``C2`` but no ``P2``: ``*2X``); band 5 -> ``*5X``.
GLONASS (``R``)
    ``C1`` -> ``C1C``, ``P1`` -> ``C1P``, ``C2`` -> ``C2C``, ``P2`` -> ``C2P``;
    ``L1/D1/S1`` -> ``*1C`` (``*1P`` if only ``P1`` is present); ``L2/D2/S2`` -> ``*2P``
    (``*2C`` if the file has ``C2`` but no ``P2``).  The CDMA bands 3, 4 and 6 have
    no RINEX 2 types.
Galileo (``E``, RINEX 2.11 bands 1, 5, 6, 7, 8)
    every type -> attribute ``X`` (pilot+data), e.g. ``C1`` -> ``C1X``, ``L7`` -> ``L7X``.
SBAS (``S``)
    band 1 -> ``C`` (``C1`` -> ``C1C``), band 5 -> ``X``.
QZSS (``J``, RINEX 2.12)
    band 1 -> ``C``; bands 2, 5, 6 -> ``X``.
BDS (``C``, RINEX 2.12 bands 2 = B1, 7 = B2, 6 = B3)
    -> attribute ``I`` (``C2`` -> ``C2I``, ``L7`` -> ``L7I``, ``C6`` -> ``C6I``).
    ``C1``/``L1`` for BDS (RINEX 3.01-era files that wrote B1 as band 1) -> ``*2I``.
NavIC (``I``)
    band 5 and 9 -> ``A`` (SPS).

The reverse, :func:`rinex3_to_rinex2`, is many-to-one and always defined where
RINEX 2 has a matching type: a RINEX 3 pseudorange tracked on P(Y) (``W``, ``P``,
``Y``) becomes ``P1``/``P2``, other pseudoranges ``C<n>``; phase, Doppler and SNR keep
type and band.  Signals RINEX 2 cannot express (GPS L1C ``C1L``, BDS B1C band 1,
GLONASS CDMA bands) raise ValueError.
"""

from __future__ import annotations

from collections.abc import Iterable

from .constellation import Constellation
from .signals import Signal

__all__ = ["rinex2_to_rinex3", "rinex3_to_rinex2"]

# (system, band) -> attribute for types other than the GPS/GLONASS special cases.
_DEFAULT_ATTRIBUTE = {
    ("G", 5): "X",
    ("E", 1): "X",
    ("E", 5): "X",
    ("E", 6): "X",
    ("E", 7): "X",
    ("E", 8): "X",
    ("S", 1): "C",
    ("S", 5): "X",
    ("J", 1): "C",
    ("J", 2): "X",
    ("J", 5): "X",
    ("J", 6): "X",
    ("C", 2): "I",
    ("C", 6): "I",
    ("C", 7): "I",
    ("I", 5): "A",
    ("I", 9): "A",
}


def rinex2_to_rinex3(
    system: str | Constellation, code2: str, header_types: Iterable[str] | None = None
) -> str:
    """Map a RINEX 2 observation type to a RINEX 3 observation code.

    Parameters
    ----------
    system : str or Constellation
        RINEX system character of the satellite the observation belongs to.
    code2 : str
        RINEX 2 type: ``C1``, ``P1``, ``L1``, ``D1``, ``S1``, ``C2``, ``P2``, ... ``S8``.
    header_types : iterable of str, optional
        All types of the file's ``# / TYPES OF OBSERV`` header.  Used to decide which
        code a phase was tracked with (see the module notes); without it the
        defaults apply (L1 with C/A, L2 with P(Y)).

    Returns
    -------
    str
        A RINEX 3 code valid for ``system`` (e.g. ``"C1W"``).

    Raises
    ------
    ValueError
        If the type is malformed or has no RINEX 3 equivalent for the system.

    Examples
    --------
    >>> rinex2_to_rinex3("G", "P2"), rinex2_to_rinex3("R", "P1"), rinex2_to_rinex3("E", "C5")
    ('C2W', 'C1P', 'C5X')
    """
    sys_char = Constellation.from_rinex_char(system).char
    c2 = str(code2).strip().upper()
    if len(c2) != 2 or c2[0] not in "CPLDS" or not c2[1].isdigit():
        raise ValueError(
            f"invalid RINEX 2 observation type {code2!r}: expected C, P, L, D or S and a band"
        )
    t, band = c2[0], int(c2[1])
    header = {h.strip().upper() for h in header_types} if header_types is not None else None
    if sys_char == "C" and band == 1:
        band = 2  # B1 written as band 1 by RINEX 3.01-era software
    attr = _attribute(sys_char, t, band, header)
    if attr is None:
        raise ValueError(
            f"RINEX 2 type {c2!r} has no RINEX 3 equivalent for "
            f"{Constellation(sys_char).display_name}"
        )
    code3 = f"{'C' if t == 'P' else t}{band}{attr}"
    try:
        Signal(sys_char, code3)
    except ValueError as err:
        raise ValueError(
            f"RINEX 2 type {c2!r} has no RINEX 3 equivalent for "
            f"{Constellation(sys_char).display_name}: {err}"
        ) from None
    return code3


def _attribute(sys_char: str, t: str, band: int, header: set[str] | None) -> str | None:
    if sys_char in ("G", "R"):
        p_attr = "W" if sys_char == "G" else "P"
        if t == "P":
            return p_attr if band in (1, 2) else None
        if band == 1:
            if t == "C":
                return "C"
            only_p = header is not None and "P1" in header and "C1" not in header
            return p_attr if only_p else "C"
        if band == 2:
            if t == "C":
                return "X" if sys_char == "G" else "C"
            only_c = header is not None and "C2" in header and "P2" not in header
            if only_c:
                return "X" if sys_char == "G" else "C"
            return p_attr
        if sys_char == "G" and band == 5:
            return "X"
        return None
    if t == "P":
        return None
    return _DEFAULT_ATTRIBUTE.get((sys_char, band))


def rinex3_to_rinex2(system: str | Constellation, code3: str) -> str:
    """Map a RINEX 3 observation code to the RINEX 2 type that holds it.

    Parameters
    ----------
    system : str or Constellation
        RINEX system character.
    code3 : str
        RINEX 3/4 observation code.

    Returns
    -------
    str
        RINEX 2 type, e.g. ``"P2"`` for GPS ``C2W``, ``"L1"`` for ``L1C``.

    Raises
    ------
    ValueError
        If the code is invalid or RINEX 2 has no type for that signal.
    """
    sig = Signal(Constellation.from_rinex_char(system).char, code3)
    t, band, attr = sig.obs_type, sig.band, sig.attribute
    s = sig.system
    if t not in "CLDS":
        raise ValueError(f"{sig}: RINEX 2 has no {sig.obs_type_name} observations")
    if s == "G" and band == 1 and attr in "SLX":
        raise ValueError(f"{sig}: GPS L1C has no RINEX 2 observation type")
    if s == "R" and band not in (1, 2):
        raise ValueError(f"{sig}: GLONASS CDMA band {band} has no RINEX 2 observation type")
    if s == "C" and band in (1, 5, 8):
        raise ValueError(f"{sig}: BDS-3 band {band} has no RINEX 2.12 observation type")
    if s == "J" and band == 1 and attr in "ESLXZ":
        raise ValueError(f"{sig}: QZSS L1 signal {attr} has no RINEX 2 observation type")
    if t == "C" and (
        (s == "G" and band in (1, 2) and attr in "WPYMD") or (s == "R" and attr == "P")
    ):
        return f"P{band}"
    return f"{t}{band}"
