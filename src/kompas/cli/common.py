"""Helpers shared by the CLI commands.

- exit codes (``EXIT_*``) and :class:`NoResult` (exit 3 with the reason);
- :func:`echo_json` (NaN → null), :func:`parse_xyz`;
- option parsing: :func:`parse_systems` / :func:`systems_option` (letters or names),
  range-checked types (:data:`ELEVATION_DEG`, :data:`POSITIVE_S`, ...), :data:`EPOCH` +
  :func:`resolve_epoch` for ``--start/--end``;
- time spans in messages: :func:`span_text`, :func:`stamp`, :func:`navigation_span`;
- :func:`table_80`: rich tables that fit the terminal and never cut a number.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import click
import numpy as np

from kompas.gnss.constellation import SYSTEM_NAMES

#: Exit codes, the same on every command.
EXIT_OK = 0
#: unreadable, inconsistent or mismatched input (a KompasError or OSError): one line
EXIT_DATA = 1
#: wrong command line (click's own code)
EXIT_USAGE = 2
#: the command ran but produced no result (no epoch solved, empty table): reason printed
EXIT_NO_RESULT = 3
#: a batch in which some tasks failed (the others completed)
EXIT_PARTIAL = 4
#: a bug in kompas (an exception that is not a KompasError): one line, no traceback
EXIT_INTERNAL = 70


class NoResult(click.ClickException):
    """The command ran to the end but has nothing to show; ``message`` gives the reason."""

    exit_code = EXIT_NO_RESULT

    def format_message(self) -> str:
        return self.message


def _default(o: Any):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (np.bool_,)):
        return bool(o)
    return str(o)


def _clean(o: Any):
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    return o


def echo_json(payload: Any) -> None:
    """Print ``payload`` as JSON (NaN → null) on stdout."""
    click.echo(json.dumps(_clean(payload), default=_default, indent=2))


def parse_xyz(text: str, param_hint: str | None = None) -> np.ndarray:
    """``"X,Y,Z"`` in metres → array(3); a usage error (naming ``param_hint``) otherwise."""
    try:
        vals = [float(v) for v in text.replace(" ", "").split(",")]
    except ValueError:
        vals = []
    if len(vals) != 3:
        raise click.BadParameter(f"expected X,Y,Z in metres, got {text!r}", param_hint=param_hint)
    return np.array(vals)


# --------------------------------------------------------------------------------------
# Option parsing shared by every command
# --------------------------------------------------------------------------------------

#: upper-case names (and the common aliases BDS, IRNSS) → letter
_NAME_TO_LETTER: dict[str, str] = {
    **{name.upper(): letter for letter, name in SYSTEM_NAMES.items()},
    "BDS": "C",
    "IRNSS": "I",
}
_VALID_SYSTEMS = (
    "letters "
    + "".join(SYSTEM_NAMES)
    + " (e.g. GREC) or names "
    + ", ".join(SYSTEM_NAMES.values())
    + " (also BDS, IRNSS), comma or space separated"
)


def parse_systems(text: str) -> str:
    """Satellite systems from the command line → RINEX letters in the order given.

    Accepts letters (``"GREC"``, ``"G,E"``, ``"g e"``) or names
    (``"GPS,GLONASS,Galileo,BeiDou,QZSS,NavIC,SBAS"``, also ``BDS``/``IRNSS``), in any
    case, separated by commas and/or spaces; repeats are dropped.

    Raises
    ------
    click.BadParameter
        On anything else (an unknown name or letter, or nothing at all), listing the
        valid values.

    Examples
    --------
    >>> parse_systems("GPS, galileo")
    'GE'
    >>> parse_systems("G,E")
    'GE'
    """
    tokens = [t for t in str(text).replace(",", " ").split() if t]
    letters: list[str] = []
    bad: list[str] = []
    for tok in tokens:
        key = tok.upper()
        if key in _NAME_TO_LETTER:
            letters.append(_NAME_TO_LETTER[key])
        elif all(ch in SYSTEM_NAMES for ch in key):
            letters.extend(key)
        else:
            bad.append(tok)
    if bad or not letters:
        what = f"unknown system {', '.join(map(repr, bad))}" if bad else "no system given"
        raise click.BadParameter(f"{what}; valid: {_VALID_SYSTEMS}")
    return "".join(dict.fromkeys(letters))


def _systems_callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    return None if value is None else parse_systems(value)


def systems_option(default: str | None = "GREC", help: str | None = None):
    """A ``--systems`` click option parsed by :func:`parse_systems` (value: letters)."""
    return click.option(
        "--systems",
        default=default,
        show_default=default is not None,
        callback=_systems_callback,
        help=help or "Systems: letters (GREC) or names (GPS,GLONASS,Galileo,BeiDou,...).",
    )


#: Range-checked numeric option types (click prints the allowed range on a bad value).
class FiniteFloatRange(click.FloatRange):
    """A click float range that also refuses ``nan`` and ``inf`` (which FloatRange lets by)."""

    def convert(self, value: Any, param, ctx):
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value} is not a finite number", param, ctx)
        return super().convert(number, param, ctx)


ELEVATION_DEG = FiniteFloatRange(0.0, 90.0)
#: a strictly positive duration or interval, seconds
POSITIVE_S = FiniteFloatRange(min=0.0, min_open=True)
#: a non-negative number (a threshold, a sigma)
NON_NEGATIVE = FiniteFloatRange(min=0.0)
#: a probability strictly between 0 and 1
PROBABILITY = FiniteFloatRange(0.0, 1.0, min_open=True, max_open=True)
#: a count of at least one
POSITIVE_INT = click.IntRange(min=1)
LATITUDE_DEG = FiniteFloatRange(-90.0, 90.0)
LONGITUDE_DEG = FiniteFloatRange(-180.0, 360.0)


class EpochType(click.ParamType):
    """An epoch on the command line: ``YYYY-MM-DD[THH:MM[:SS[.f]]]`` (a full date) or
    ``HH:MM[:SS[.f]]`` (a time of day, resolved against the data's first day with
    :func:`resolve_epoch`). Converts to ``numpy.datetime64[ns]`` or ``numpy.timedelta64[ns]``.
    The time scale is the data's own (GPST for observations)."""

    name = "epoch"

    def convert(self, value: Any, param, ctx):
        if isinstance(value, (np.datetime64, np.timedelta64)):
            return value
        text = str(value).strip().replace(" ", "T")
        try:
            if "-" in text[:10] and len(text) >= 10:
                return np.datetime64(text, "ns")
            parts = text.split(":")
            if 2 <= len(parts) <= 3:
                h, m = int(parts[0]), int(parts[1])
                s = float(parts[2]) if len(parts) == 3 else 0.0
                if 0 <= h <= 24 and 0 <= m < 60 and 0 <= s < 61:
                    ns = round(((h * 60 + m) * 60 + s) * 1e9)
                    return np.timedelta64(ns, "ns")
        except ValueError:
            pass
        self.fail(
            f"{value!r} is not an epoch; expected YYYY-MM-DD[THH:MM[:SS]] or HH:MM[:SS]",
            param,
            ctx,
        )


EPOCH = EpochType()


def resolve_epoch(value: Any, first: np.datetime64) -> np.datetime64 | None:
    """An :data:`EPOCH` value as a ``datetime64[ns]``: a time of day is taken on the day
    of ``first`` (the data's first epoch); ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, np.timedelta64):
        return np.datetime64(first, "D").astype("datetime64[ns]") + value
    return np.datetime64(value, "ns")


# --------------------------------------------------------------------------------------
# Time spans in messages
# --------------------------------------------------------------------------------------


def span_text(lo: np.datetime64, hi: np.datetime64) -> str:
    """``2024-07-28 06:00–08:00`` (one day) or ``2024-07-28 06:00–2024-07-29 02:00``."""
    a = str(np.datetime64(lo, "m")).replace("T", " ")
    b = str(np.datetime64(hi, "m")).replace("T", " ")
    return f"{a}–{b[11:]}" if a[:10] == b[:10] else f"{a}–{b}"


def stamp(t: np.datetime64) -> str:
    """An epoch as ``YYYY-MM-DD HH:MM:SS``."""
    return str(np.datetime64(t, "s")).replace("T", " ")


def navigation_span(nav, systems: str) -> tuple[np.datetime64, np.datetime64] | None:
    """First and last clock reference epoch (GPST labels) of the broadcast records of
    ``systems`` in ``nav`` (a :class:`kompas.io.Navigation`), None without any."""
    lo = hi = None
    missing = np.iinfo(np.int64).min
    for key in nav.keys():
        if key[:1] not in systems or "toc_ns" not in nav[key]:
            continue
        toc = nav[key]["toc_ns"].to_numpy()
        toc = toc[toc != missing]
        if toc.size:
            lo = toc.min() if lo is None else min(lo, toc.min())
            hi = toc.max() if hi is None else max(hi, toc.max())
    if lo is None:
        return None
    from kompas.time import Time

    labels = Time.from_ns(np.array([lo, hi]), "GPST").datetime64
    return labels[0], labels[1]


# --------------------------------------------------------------------------------------
# Terminal tables that fit 80 columns
# --------------------------------------------------------------------------------------


@dataclass
class Column:
    """One column of :func:`table_80`.

    Attributes
    ----------
    header : str
        Full header (wraps on spaces when narrow).
    short : str, optional
        Abbreviation used when the full headers do not fit; explained in a legend line.
    justify : {"left", "right", "center"}
    wrap : bool
        Cells may wrap on spaces (text labels). Numbers never wrap and are never cut.
    drop : int
        Drop order when even the short headers do not fit: 0 never, higher goes first.
    """

    header: str
    short: str | None = None
    justify: str = "right"
    wrap: bool = False
    drop: int = 0


def terminal_width() -> int:
    """Columns available on stdout: the terminal's, else ``COLUMNS``, else 80 (rich's rule)."""
    from rich.console import Console

    return Console().width


def _column_need(header: str, cells: list[str], wrap: bool) -> int:
    """Narrowest width of a column that cuts nothing: headers wrap on spaces, numbers
    (cells of a non-wrapping column) never wrap, text cells wrap on spaces."""
    from rich.cells import cell_len

    words = [w for c in cells for w in c.split()] if wrap else cells
    return max([cell_len(w) for w in words] + [cell_len(w) for w in header.split()] + [1])


def _fit_widths(natural: list[int], need: list[int], room: int, first: list[bool]) -> list[int]:
    """Column widths between ``need`` and ``natural`` summing to at most ``room``: the
    widest shrinkable column gives up one character at a time, the ``first`` columns
    (numbers, whose headers wrap cheaply) before the others (text cells that would wrap)."""
    widths = list(natural)
    while sum(widths) > room:
        cand = [j for j, (w, n) in enumerate(zip(widths, need, strict=True)) if w > n]
        if not cand:
            break
        pick = [j for j in cand if first[j]] or cand
        widths[max(pick, key=lambda k: widths[k])] -= 1
    return widths


def _new_table(title, caption, n_columns: int | None = None):
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(title) if isinstance(title, str) else title,
        title_justify="left",
        caption=caption,
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for _ in range(n_columns or 0):
        table.add_column(width=1)
    return table


def _frame_width(n_columns: int) -> int:
    """Characters of borders and padding of a table of ``n_columns`` columns."""
    from io import StringIO

    from rich.console import Console

    table = _new_table(None, None, n_columns)
    table.add_row(*["x"] * n_columns)
    buf = StringIO()
    Console(file=buf, width=10_000, color_system=None).print(table)
    return max(len(line.rstrip("\n")) for line in buf.getvalue().splitlines()) - n_columns


def _build(title, columns, rows, use_short: bool, keep: list[int], styles, caption, width):
    """(rich Table with fixed column widths, its narrowest width that cuts no cell)."""
    from rich.cells import cell_len
    from rich.text import Text

    heads = [
        (columns[j].short or columns[j].header) if use_short else columns[j].header for j in keep
    ]
    cells = [[str(r[j]) for r in rows] for j in keep]
    need = [_column_need(h, c, columns[j].wrap) for h, c, j in zip(heads, cells, keep, strict=True)]
    natural = [
        max([cell_len(h)] + [cell_len(x) for x in c]) for h, c in zip(heads, cells, strict=True)
    ]
    frame = _frame_width(len(keep))
    widths = _fit_widths(natural, need, width - frame, [not columns[j].wrap for j in keep])
    table = _new_table(title, caption)
    for h, j, w in zip(heads, keep, widths, strict=True):
        table.add_column(Text(h), justify=columns[j].justify, width=w, overflow="fold")
    for i, r in enumerate(rows):  # Text: no rich markup in cells ("[m]" stays)
        table.add_row(*[Text(str(r[j])) for j in keep], style=(styles[i] if styles else None))
    return table, sum(need) + frame


def _records(title, columns, rows, styles):
    """Last resort for very narrow terminals: one ``header: value`` line per cell."""
    from rich.text import Text

    out = [Text(title)] if title else []
    for i, r in enumerate(rows):
        style = styles[i] if styles else ""
        out.append(Text(f"{columns[0].header}: {r[0]}", style=style or ""))
        out.extend(
            Text(f"  {c.header}: {v}", style=style or "")
            for c, v in zip(columns[1:], r[1:], strict=True)
        )
    return out


def table_80(
    columns: list[Column],
    rows: list[list[str]],
    *,
    title: str | None = None,
    width: int | None = None,
    styles: list[str | None] | None = None,
    caption: str | None = None,
):
    """A rich table of preformatted cells that fits ``width`` columns (default: the
    terminal's, 80 when not a terminal), never cutting a cell.

    Tries, in order: full headers (wrapping on spaces); the ``short`` headers with a legend
    line explaining them; then drops columns by their ``drop`` order (highest first) with a
    note naming what was left out; if even that does not fit, one ``header: value`` line
    per cell. Returns a ``rich.console.Group`` (table + notes).
    """
    from rich.console import Group
    from rich.text import Text

    width = width or terminal_width()
    keep = list(range(len(columns)))
    table, need = _build(title, columns, rows, False, keep, styles, caption, width)
    notes: list[str] = []
    if need <= width:
        return Group(table)
    use_short = any(c.short for c in columns)
    droppable = sorted(
        (j for j, c in enumerate(columns) if c.drop > 0), key=lambda j: -columns[j].drop
    )
    dropped: list[int] = []
    while True:
        table, need = _build(title, columns, rows, use_short, keep, styles, caption, width)
        if need <= width or not droppable:
            break
        j = droppable.pop(0)
        keep.remove(j)
        dropped.append(j)
    if need > width:
        return Group(*_records(title, columns, rows, styles))
    if use_short:
        legend = [f"{c.short} = {c.header}" for j, c in enumerate(columns) if c.short and j in keep]
        if legend:
            notes.append("; ".join(legend))
    if dropped:
        notes.append(
            "not shown at this width: "
            + ", ".join(columns[j].header for j in dropped)
            + " (widen the terminal or use --json)"
        )
    return Group(table, *(Text(n) for n in notes))


def sinex_station(truth_sinex: str, station: str | None, ds, obs_path: str):
    """Marker position of the observation file's station from a SINEX file.

    The station is ``--station`` or, without it, the first four characters of the header's
    marker name (else of the file name). Returns ``(xyz_m, info)`` as
    :func:`kompas.io.sinex.station_position`; a station the file does not hold is one
    :class:`KompasError` line naming the stations it does hold.
    """
    from pathlib import Path

    from kompas.errors import KompasError
    from kompas.io.sinex import read_sinex_coordinates, station_position

    name = (station or ds.attrs.get("marker_name") or Path(obs_path).name)[:4].upper()
    table = read_sinex_coordinates(truth_sinex)
    try:
        return station_position(table, name, ds["time"].values[0])
    except KeyError:
        held = sorted(set(table["station"]))
        some = ", ".join(held[:8]) + (f", … ({len(held)} stations)" if len(held) > 8 else "")
        how = "" if station else " (taken from the observation header; give --station)"
        raise KompasError(
            f"station {name}{how} is not in {truth_sinex}; it holds {some or 'no station'}"
        ) from None
