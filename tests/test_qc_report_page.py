"""The shared report pieces (kompas.report.page / plots)."""

from __future__ import annotations

import base64

import numpy as np

from kompas.report import figure_html, figure_png, render_page, sky_plot, subplots, table_html


def test_table_and_page():
    t = table_html(["signal", "RMS [m]", "n"], [["G:C1C", 0.3571, 10], ["R:C1C", np.nan, 3]],
                   table_id="x")  # fmt: skip
    assert "id='x'" in t and "0.36" in t and "<td>10</td>" in t and "–" in t
    page = render_page("A <title>", "<p>body</p>", footer="run 1 s")
    assert page.startswith("<!DOCTYPE html>") and "A &lt;title&gt;" in page
    assert "<p>body</p>" in page and "run 1 s" in page


def test_sky_plot_png():
    fig, ax = subplots(1, 1, figsize=(4, 4), subplot_kw={"projection": "polar"})
    az = np.linspace(0, 350, 50)[:, None] + [0, 90]
    el = np.linspace(5, 80, 50)[:, None] + [0, 5]
    m = sky_plot(ax, az, el, values=el, labels=np.array(["G01", "G02"]))
    assert m is not None
    uri = figure_png(fig)
    png = base64.b64decode(uri.split(",", 1)[1])
    assert png.startswith(b"\x89PNG")
    assert "id='fig-sky'" in figure_html(uri, "sky", "cap")
