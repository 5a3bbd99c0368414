"""Errors, warnings and the strictness policy shared by every reader.

One base class, :class:`KompasError`; file-format errors carry the file, the
line number and what was expected, so a user can open the file at the right
place.  Vector code never raises per element: it returns NaN and a reason code.
"""

from __future__ import annotations

import enum
import os

__all__ = [
    "KompasError",
    "KompasWarning",
    "FormatError",
    "RinexError",
    "TimeError",
    "Strictness",
    "StationNotFoundError",
    "LeapSecondTableExpiredWarning",
]


class KompasError(Exception):
    """Base class of every error raised by kompas."""


class KompasWarning(UserWarning):
    """Base class of every warning issued by kompas."""


class LeapSecondTableExpiredWarning(KompasWarning):
    """A UTC conversion was asked for a date past the bundled table's expiry."""


class TimeError(KompasError, ValueError):
    """An epoch or time-scale request that cannot be honoured."""


class FormatError(KompasError, ValueError):
    """A file does not follow its format.

    Parameters
    ----------
    message : str
        What was wrong and what was expected.
    path : str or os.PathLike, optional
        The file being read.
    line : int, optional
        1-based line number in the (decompressed) text.
    """

    def __init__(
        self, message: str, path: str | os.PathLike | None = None, line: int | None = None
    ) -> None:
        self.path = None if path is None else os.fspath(path)
        self.line = line
        self.message = message
        where = ""
        if self.path is not None:
            where = self.path if line is None else f"{self.path}:{line}"
            where += ": "
        super().__init__(where + message)


class RinexError(FormatError):
    """A RINEX file (observation, navigation, clock) does not follow the format."""


class StationNotFoundError(KompasError, KeyError):
    """A station asked for is not in a coordinate file (a ``KeyError`` too, for old callers).

    Parameters
    ----------
    station : str
        The code asked for.
    path : str
        The file searched.
    available : list of str
        Stations the file does hold (the message names the first few).
    """

    def __init__(self, station: str, path: str, available: list[str], point: str = "A") -> None:
        self.station, self.path, self.available = station, path, list(available)
        shown = ", ".join(self.available[:8])
        more = f" and {len(self.available) - 8} more" if len(self.available) > 8 else ""
        self.message = (
            f"station {station!r} (point {point}) not in {path}; it holds "
            f"{len(self.available)} station(s): {shown or 'none'}{more}"
        )
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return self.message


class Strictness(enum.Enum):
    """What a reader does with a record that does not follow the format.

    ``RAISE``
        Stop with a :class:`FormatError` naming file, line and what was expected.
    ``WARN``
        Skip the record, count it (exposed in the result's ``attrs``) and warn once
        with the count and the first location.
    ``IGNORE``
        Skip and count, without a warning.
    """

    RAISE = "raise"
    WARN = "warn"
    IGNORE = "ignore"

    @classmethod
    def coerce(cls, value: Strictness | str | bool) -> Strictness:
        """Accept an enum member, its value (``"raise"``, ...) or a bool (True = RAISE)."""
        if isinstance(value, cls):
            return value
        if isinstance(value, bool):
            return cls.RAISE if value else cls.WARN
        try:
            return cls(str(value).lower())
        except ValueError:
            raise ValueError(
                f"strict must be one of {[m.value for m in cls]} or a bool, got {value!r}"
            ) from None
