"""Plots and self-contained HTML reports, shared by every command.

:mod:`kompas.report.page` holds the page pieces (style sheet, PNG embedding, the pyplot-free
figure factory, tables, page assembly); :mod:`kompas.report.plots` the generic plots (sky plot
from azimuth/elevation arrays); one module per command builds its report from them
(:mod:`kompas.report.qc`).
"""

from kompas.report.page import (
    CSS,
    SYSTEM_COLOURS,
    figure_html,
    figure_png,
    fmt_number,
    render_page,
    subplots,
    table_html,
)
from kompas.report.plots import sky_plot, style_polar_sky

__all__ = [
    "CSS",
    "SYSTEM_COLOURS",
    "fmt_number",
    "figure_html",
    "figure_png",
    "render_page",
    "subplots",
    "table_html",
    "sky_plot",
    "style_polar_sky",
]
