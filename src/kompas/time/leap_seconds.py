"""The bundled leap-second table (TAI - UTC) and its expiry.

Source: IERS Bulletin C (https://hpiers.obspm.fr/iers/bul/bulc/) and the IERS/IETF
``leap-seconds.list``.  The last leap second was inserted at the end of
2016-12-31 (TAI - UTC = 37 s, GPS - UTC = 18 s).  Bulletin C 70 (July 2025) announced no
leap second at the end of June 2026; the table is therefore known to be valid until
2026-06-28, the expiry date of the list published with that bulletin.  Past that date
kompas still converts, with a :class:`~kompas.errors.LeapSecondTableExpiredWarning`;
load a newer ``leap-seconds.list`` with :func:`kompas.time.load_leap_seconds_list`.
"""

from __future__ import annotations

#: (year, month, day) of the UTC midnight from which the TAI - UTC value applies.
#: Integer-second era only (UTC before 1972 used rate offsets; kompas does not model it).
TAI_MINUS_UTC: tuple[tuple[int, int, int, int], ...] = (
    (1972, 1, 1, 10),
    (1972, 7, 1, 11),
    (1973, 1, 1, 12),
    (1974, 1, 1, 13),
    (1975, 1, 1, 14),
    (1976, 1, 1, 15),
    (1977, 1, 1, 16),
    (1978, 1, 1, 17),
    (1979, 1, 1, 18),
    (1980, 1, 1, 19),
    (1981, 7, 1, 20),
    (1982, 7, 1, 21),
    (1983, 7, 1, 22),
    (1985, 7, 1, 23),
    (1988, 1, 1, 24),
    (1990, 1, 1, 25),
    (1991, 1, 1, 26),
    (1992, 7, 1, 27),
    (1993, 7, 1, 28),
    (1994, 7, 1, 29),
    (1996, 1, 1, 30),
    (1997, 7, 1, 31),
    (1999, 1, 1, 32),
    (2006, 1, 1, 33),
    (2009, 1, 1, 34),
    (2012, 7, 1, 35),
    (2015, 7, 1, 36),
    (2017, 1, 1, 37),
)

#: Date (UTC) until which the table is known to be complete.
EXPIRES: tuple[int, int, int] = (2026, 6, 28)
