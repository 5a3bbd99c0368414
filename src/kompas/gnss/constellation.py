"""Satellite systems (constellations) and their RINEX identifiers.

The one-letter system identifiers are those of RINEX 3.05 / 4.02 section 3.5
("Satellite numbers"): G GPS, R GLONASS, E Galileo, C BDS, J QZSS, I NavIC/IRNSS,
S SBAS.  Each system keeps its own time scale; the names returned by
:attr:`Constellation.time_scale` are the values of ``kompas.time.TimeScale``.
"""

from __future__ import annotations

import enum

__all__ = ["Constellation", "SYSTEM_NAMES"]


class Constellation(enum.Enum):
    """A satellite navigation system, valued by its RINEX system character.

    Examples
    --------
    >>> Constellation.from_rinex_char("C")
    <Constellation.BEIDOU: 'C'>
    >>> Constellation.GLONASS.time_scale
    'GLONASST'
    """

    GPS = "G"
    GLONASS = "R"
    GALILEO = "E"
    BEIDOU = "C"
    QZSS = "J"
    NAVIC = "I"
    SBAS = "S"

    @property
    def char(self) -> str:
        """The RINEX system character (``"G"``, ``"R"``, ...)."""
        return self.value

    @property
    def display_name(self) -> str:
        """Human-readable name (``"BeiDou"``, ``"NavIC"``, ...)."""
        return _DISPLAY_NAMES[self]

    @property
    def time_scale(self) -> str:
        """Name of the system time scale (a ``kompas.time.TimeScale`` value).

        SBAS broadcasts in GPS time (RTCA DO-229 / RINEX 3.05 section 3.1), so it
        maps to ``"GPST"``.
        """
        return _TIME_SCALES[self]

    @classmethod
    def from_rinex_char(cls, char: str) -> Constellation:
        """Return the system for a RINEX system character.

        A blank (``" "``) is *not* accepted here: the RINEX 2 convention "blank
        means GPS" is handled by :func:`kompas.gnss.Satellite.parse` and
        :func:`kompas.gnss.normalise_sv`, where it belongs.

        Raises
        ------
        ValueError
            If ``char`` is not one of ``G R E C J I S`` (case-insensitive).
        """
        if isinstance(char, cls):
            return char
        key = str(char).strip().upper()
        try:
            return cls(key)
        except ValueError:
            valid = ", ".join(f"{m.value} ({m.display_name})" for m in cls)
            raise ValueError(
                f"unknown satellite system character {char!r}; expected one of {valid}"
            ) from None

    def __str__(self) -> str:
        return self.display_name


_DISPLAY_NAMES = {
    Constellation.GPS: "GPS",
    Constellation.GLONASS: "GLONASS",
    Constellation.GALILEO: "Galileo",
    Constellation.BEIDOU: "BeiDou",
    Constellation.QZSS: "QZSS",
    Constellation.NAVIC: "NavIC",
    Constellation.SBAS: "SBAS",
}

#: RINEX system letter → display name, in the order the letters are listed to users.
SYSTEM_NAMES: dict[str, str] = {c.value: name for c, name in _DISPLAY_NAMES.items()}

_TIME_SCALES = {
    Constellation.GPS: "GPST",
    Constellation.GLONASS: "GLONASST",
    Constellation.GALILEO: "GST",
    Constellation.BEIDOU: "BDT",
    Constellation.QZSS: "QZSST",
    Constellation.NAVIC: "IRNSST",
    Constellation.SBAS: "GPST",
}
