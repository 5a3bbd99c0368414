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
