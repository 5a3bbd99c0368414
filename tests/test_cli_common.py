"""Shared CLI helpers: --systems parsing, epochs, tables that fit 80 columns."""

from __future__ import annotations

from io import StringIO

import click
import numpy as np
import pytest
from rich.console import Console

from kompas.cli.common import EPOCH, Column, parse_systems, resolve_epoch, table_80


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GREC", "GREC"),
        ("G,E", "GE"),
        ("g e", "GE"),
        ("GLONASS", "R"),
        ("GPS,GLONASS,Galileo,BeiDou", "GREC"),
        ("gps, galileo", "GE"),
        ("QZSS NavIC SBAS", "JIS"),
        ("BDS,IRNSS", "CI"),
        ("GG,E", "GE"),
    ],
)
def test_parse_systems_accepts_letters_and_names(text, expected):
    assert parse_systems(text) == expected


@pytest.mark.parametrize("text", ["XYZ", "", " , ", "GPS,FOO", "Glonas"])
def test_parse_systems_rejects_with_valid_values(text):
    with pytest.raises(click.BadParameter) as err:
        parse_systems(text)
    assert "GPS, GLONASS, Galileo, BeiDou" in str(err.value)


def test_epoch_type_and_resolution():
    first = np.datetime64("2024-07-28T00:00:30", "ns")
    tod = EPOCH.convert("06:30", None, None)
    assert resolve_epoch(tod, first) == np.datetime64("2024-07-28T06:30", "ns")
    full = EPOCH.convert("2024-07-29T01:02:03", None, None)
    assert resolve_epoch(full, first) == np.datetime64("2024-07-29T01:02:03", "ns")
    assert resolve_epoch(None, first) is None
    for bad in ("noon", "25:00", "06:75"):
        with pytest.raises(click.BadParameter):
            EPOCH.convert(bad, None, None)


def _render(group, width: int) -> str:
    buf = StringIO()
    Console(file=buf, width=width, color_system=None).print(group)
    return buf.getvalue()


_COLS = [
    Column("Combination", justify="left", wrap=True),
    Column("Epochs solved", "solved"),
    Column("RMS horizontal [m]", "H"),
    Column("RMS vertical [m]", "V"),
    Column("Mean PDOP", "PDOP", drop=1),
    Column("Mean satellites used", "sats", drop=2),
]
_ROWS = [
    ["GPS+GLONASS+Galileo+BeiDou (RAIM + constellation check)", "120/120", "1.23", "2.34"],
    ["BeiDou", "120/120", "123456.789", "2.5"],
]
_ROWS = [r + ["1.45", "27.1"] for r in _ROWS]


@pytest.mark.parametrize("width", [120, 80, 60, 30])
def test_table_80_never_cuts_numbers(width):
    text = _render(table_80(_COLS, _ROWS, title="errors", width=width), width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    for cell in ("123456.789", "120/120", "2.34", "2.5"):
        assert cell in text  # whole, on one line
    if width >= 80:
        assert "[m]" in text and "27.1" in text


def test_table_80_abbreviates_then_drops_with_a_note():
    from kompas.cli.common import _build

    # narrowest table that cuts nothing, with the short headers (the full ones need more)
    fits_short = _build(None, _COLS, _ROWS, True, list(range(6)), None, None, 200)[1]
    assert _build(None, _COLS, _ROWS, False, list(range(6)), None, None, 200)[1] > fits_short
    text = " ".join(_render(table_80(_COLS, _ROWS, width=fits_short), fits_short).split())
    assert "H = RMS horizontal [m]" in text and "not shown" not in text
    text = " ".join(_render(table_80(_COLS, _ROWS, width=fits_short - 1), fits_short - 1).split())
    assert "not shown at this width: Mean satellites used" in text and "1.45" in text
