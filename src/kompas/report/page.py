"""Pieces of a self-contained HTML report: style sheet, embedded PNG figures, tables, page.

A report is one file with no external resources: plots are PNG images (matplotlib figures
rendered by Agg, pyplot unused) embedded as base64 ``data:`` URIs and the style sheet is
inline, so it can be mailed or archived next to the data it describes.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = [
    "CSS",
    "SYSTEM_COLOURS",
    "figure_png",
    "subplots",
    "figure_html",
    "table_html",
    "fmt_number",
    "render_page",
]

#: One colour per constellation (colour-blind safe Okabe-Ito palette).
SYSTEM_COLOURS = {
    "G": "#0072B2",
    "R": "#D55E00",
    "E": "#009E73",
    "C": "#CC79A7",
    "J": "#E69F00",
    "I": "#56B4E9",
    "S": "#777777",
}

#: The style sheet every report shares (inline in the page).
CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1200px; color: #222; line-height: 1.4; padding: 0 1em; }
h1 { margin-bottom: 0.2em; }
.banner { background: #fff3cd; border: 2px solid #d39e00; padding: 0.6em 1em;
          font-weight: bold; font-size: 1.1em; margin: 1em 0; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.95em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.7em; text-align: right; }
th { background: #eee; }
td.label, th.label { text-align: left; }
tr.compromised td { background: #fbeee6; }
.flag { border-left: 6px solid #0072B2; background: #eef5fb; padding: 0.6em 1em; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 0.9em; }
code { background: #f4f4f4; padding: 0 0.2em; }
.footer { color: #666; font-size: 0.9em; }
"""


def figure_png(fig, dpi: int = 100) -> str:
    """A matplotlib figure as a ``data:image/png;base64,...`` URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def subplots(nrows: int, ncols: int, figsize: tuple[float, float], **kw):
    """A figure and its axes, without pyplot: no GUI backend, no global state touched
    (the caller's own matplotlib backend and open figures are left alone)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    return fig, fig.subplots(nrows, ncols, **kw)


def figure_html(uri: str, name: str, caption: str) -> str:
    """One ``<figure id='fig-NAME'>`` with an embedded image and an escaped caption."""
    return (
        f"<figure id='fig-{html.escape(name)}'><img alt='{html.escape(name)} plot' src='{uri}'>"
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def fmt_number(v, digits: int = 2) -> str:
    """A number for a table cell: fixed digits, an en dash for None/NaN, ints as ints."""
    if v is None:
        return "–"
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return str(int(v))
    try:
        f = float(v)
    except (TypeError, ValueError):
        return html.escape(str(v))
    if not np.isfinite(f):
        return "–"
    return f"{f:.{digits}f}"


def table_html(
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    table_id: str | None = None,
    label_columns: int = 1,
    row_classes: Sequence[str | None] | None = None,
    digits: int | Sequence[int] = 2,
) -> str:
    """An HTML table. The first ``label_columns`` columns are left-aligned text; the others
    are numbers formatted by :func:`fmt_number` (``digits`` per column or for all) unless
    they are already strings. ``row_classes`` gives an optional CSS class per row."""
    ncol = len(header)
    dig = [digits] * ncol if isinstance(digits, int) else list(digits)
    head = "".join(
        f"<th class='label'>{html.escape(h)}</th>"
        if i < label_columns
        else f"<th>{html.escape(h)}</th>"
        for i, h in enumerate(header)
    )
    body = []
    for k, row in enumerate(rows):
        cls = row_classes[k] if row_classes is not None else None
        attr = f" class='{html.escape(cls)}'" if cls else ""
        cells = []
        for i, v in enumerate(row):
            if i < label_columns:
                cells.append(f"<td class='label'>{html.escape(str(v))}</td>")
            elif isinstance(v, str):
                cells.append(f"<td>{html.escape(v)}</td>")
            else:
                cells.append(f"<td>{fmt_number(v, dig[i])}</td>")
        body.append(f"<tr{attr}>{''.join(cells)}</tr>")
    tid = f" id='{html.escape(table_id)}'" if table_id else ""
    return f"<table{tid}><tr>{head}</tr>{''.join(body)}</table>"


def render_page(title: str, body_html: str, *, css: str = CSS, footer: str | None = None) -> str:
    """A complete self-contained HTML page: ``title`` (escaped) in ``<title>``, the inline
    style sheet, ``body_html`` as given (already HTML) and an optional footer line naming
    the kompas version."""
    from kompas import __version__

    foot = (
        f"<p class='footer'>kompas {html.escape(__version__)} · {html.escape(footer)}</p>"
        if footer is not None
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{css}</style></head>
<body>
{body_html}
{foot}
</body></html>
"""
