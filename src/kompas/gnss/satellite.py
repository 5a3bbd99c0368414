"""Satellite identifiers: ``Satellite(constellation, prn)`` and ``"G07"`` strings.

Inside kompas a satellite is a :class:`Satellite`; in xarray objects the ``sv``
coordinate holds three-character strings such as ``"G07"``, ``"R24"``, ``"C59"``
(RINEX 3.05 section 3.5).  RINEX 2 files may write ``"G 7"`` or, for GPS-only
files, a blank system character (``" 7"``); :func:`normalise_sv` turns those
forms into the canonical one.  SBAS satellites use PRN - 100 (``"S20"`` is PRN 120),
as RINEX does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import total_ordering

import numpy as np
from numpy.typing import ArrayLike

from .constellation import Constellation

__all__ = ["Satellite", "sv_system", "sv_prn", "normalise_sv"]

#: Satellite numbers are two digits in RINEX (01..99).
_PRN_MIN, _PRN_MAX = 1, 99


@total_ordering
@dataclass(frozen=True)
class Satellite:
    """One satellite: its system and its RINEX satellite number.

    Hashable and ordered (by system character, then number), so it can key
    dictionaries and sort.

    Parameters
    ----------
    constellation : Constellation or str
        The system (a RINEX character is accepted and converted).
    prn : int
        RINEX satellite number, 1..99 (for SBAS: PRN - 100; for GLONASS: the slot).
    """

    constellation: Constellation
    prn: int

    def __post_init__(self) -> None:
        if not isinstance(self.constellation, Constellation):
            object.__setattr__(
                self, "constellation", Constellation.from_rinex_char(self.constellation)
            )
        prn = int(self.prn)
        if not _PRN_MIN <= prn <= _PRN_MAX:
            raise ValueError(
                f"satellite number {self.prn!r} out of range {_PRN_MIN}..{_PRN_MAX} "
                f"for {self.constellation.display_name}"
            )
        object.__setattr__(self, "prn", prn)

    def __str__(self) -> str:
        return f"{self.constellation.char}{self.prn:02d}"

    def __lt__(self, other: Satellite) -> bool:
        if not isinstance(other, Satellite):
            return NotImplemented
        return (self.constellation.char, self.prn) < (other.constellation.char, other.prn)

    @property
    def system(self) -> str:
        """The RINEX system character."""
        return self.constellation.char

    @classmethod
    def parse(cls, text: str) -> Satellite:
        """Parse ``"G07"``, ``"G 7"``, ``"G7"``, ``" 7"`` / ``"07"`` (RINEX 2: GPS).

        Raises
        ------
        ValueError
            If the text is not a satellite identifier.
        """
        raw = str(text)
        s = raw.strip()
        if not s:
            raise ValueError(f"empty satellite identifier {raw!r}")
        if s[0].isdigit():
            # RINEX 2.11 section 5.1: a blank system identifier means GPS.
            system, number = "G", s
        else:
            system, number = s[0], s[1:].strip()
        if not number.isdigit():
            raise ValueError(
                f"invalid satellite identifier {raw!r}: expected a system letter and a "
                "number such as 'G07'"
            )
        try:
            return cls(Constellation.from_rinex_char(system), int(number))
        except ValueError as err:
            raise ValueError(f"invalid satellite identifier {raw!r}: {err}") from None


def normalise_sv(sv: ArrayLike) -> np.ndarray:
    """Return canonical ``"G07"``-style ids for an array of RINEX 2/3 satellite ids.

    Accepts every form :meth:`Satellite.parse` accepts (``"G 7"``, ``" 7"``,
    ``"g07"``).  The parse runs once per *distinct* value, so it is cheap on
    (time, satellite) arrays.

    Parameters
    ----------
    sv : array_like of str
        Satellite ids, any shape.

    Returns
    -------
    numpy.ndarray of ``<U3``
        Same shape as ``sv``.

    Raises
    ------
    ValueError
        If an element is not a satellite identifier (the message names it).
    """
    arr = np.asarray(sv, dtype=str)
    uniq, inverse = np.unique(arr, return_inverse=True)
    fixed = np.array([str(Satellite.parse(u)) for u in uniq], dtype="<U3")
    return fixed[inverse].reshape(arr.shape)


def _codepoints(sv: ArrayLike) -> np.ndarray:
    """Unicode code points of the first three characters of each id, shape (..., 3)."""
    arr = np.asarray(sv)
    if arr.dtype.kind != "U":
        arr = arr.astype(str)
    arr = np.ascontiguousarray(arr.astype("<U3"))
    return arr.view(np.uint32).reshape(arr.shape + (3,))


_ORD_G = ord("G")


def _system_codepoints(cp: np.ndarray) -> np.ndarray:
    first = cp[..., 0]
    blank_or_digit = (first == 0) | (first == 32) | ((first >= 48) & (first <= 57))
    lower = (first >= 97) & (first <= 122)
    return np.where(blank_or_digit, _ORD_G, np.where(lower, first - 32, first)).astype(np.uint32)


def sv_prn(sv: ArrayLike) -> np.ndarray:
    """Satellite number of each canonical id (``"G07"`` -> 7), vectorised.

    Parameters
    ----------
    sv : array_like of str
        Satellite ids in the canonical three-character form (see :func:`normalise_sv`);
        a blank tens digit (``"G 7"``) is read as 0.

    Returns
    -------
    numpy.ndarray of int64
        Same shape as ``sv``; -1 where the last two characters are not digits.
    """
    cp = _codepoints(sv).astype(np.int64)
    tens = np.where(cp[..., 1] == 32, 0, cp[..., 1] - 48)
    ones = cp[..., 2] - 48
    ok = (tens >= 0) & (tens <= 9) & (ones >= 0) & (ones <= 9)
    return np.where(ok, tens * 10 + ones, -1)


def sv_system(sv: ArrayLike) -> np.ndarray:
    """Return the system character of each satellite id (vectorised).

    A blank or a digit in the first position (RINEX 2 GPS-only forms) gives ``"G"``.
    Works on the code points of the strings, without Python-level loops.

    Parameters
    ----------
    sv : array_like of str
        Satellite ids such as ``"G07"``, any shape.

    Returns
    -------
    numpy.ndarray of ``<U1``
        Same shape as ``sv``.
    """
    return _system_codepoints(_codepoints(sv)).view("<U1")
