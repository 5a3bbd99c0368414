"""Self-contained HTML report of a :func:`kompas.sim.demo.run_demo` run.

One file, no external resources (the page pieces are :mod:`kompas.report.page`'s): the
plots are embedded PNG images, the style sheet is inline, and the RINEX files written by
the demo are linked by relative paths (same folder).
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kompas.report.page import SYSTEM_COLOURS, figure_html, figure_png, render_page, subplots
from kompas.report.page import fmt_number as _fmt
from kompas.report.plots import sky_plot

if TYPE_CHECKING:
    from kompas.sim.demo import DemoResult

__all__ = ["write_report", "render_report", "figure_png"]

_COMBINED_COLOUR = "#000000"
_FAULT_COLOURS = {
    "unprotected": "#D55E00",
    "RAIM only": "#E69F00",
    "RAIM + constellation check": "#0072B2",
}
_subplots = subplots


def _minutes(sol, start) -> np.ndarray:
    from kompas.time import Time

    t = Time.from_datetime64(sol["time"].values, sol.attrs.get("time_scale", "GPST"))
    return np.asarray(t - start, dtype=float) / 60.0


def _sky_plot(result: DemoResult) -> str:
    from kompas.sim.demo import SYSTEM_NAMES

    sol = result.solutions[_combined_label(result)]
    systems = list(result.scenario.systems)
    fig, axes = _subplots(
        1, len(systems), subplot_kw={"projection": "polar"}, figsize=(4.6 * len(systems), 5.0)
    )
    fig.subplots_adjust(wspace=0.35)
    axes = np.atleast_1d(axes)
    el = sol["elevation_deg"].values
    az = sol["azimuth_deg"].values
    svs = sol["sv"].values.astype(str)
    for ax, sys in zip(axes, systems, strict=True):
        cols = np.flatnonzero(np.char.startswith(svs, sys))
        sky_plot(
            ax, az[:, cols], el[:, cols], colour=SYSTEM_COLOURS.get(sys, "k"),
            labels=svs[cols], title=f"{SYSTEM_NAMES.get(sys, sys)}",
        )  # fmt: skip
    fig.suptitle(
        "Sky plot per constellation (track of each satellite over the hour; "
        "label at its last position)",
        fontsize=11,
    )
    return figure_png(fig)


def _combined_label(result: DemoResult) -> str:
    return next(
        r["label"]
        for r in result.rows
        if r["scenario"] == "fault-free" and r["systems"] == result.scenario.systems
    )


def _visibility_dop_plot(result: DemoResult) -> str:
    from kompas.sim.demo import SYSTEM_NAMES

    start = result.scenario.start
    fig, (ax1, ax2) = _subplots(2, 1, figsize=(12, 6.5), sharex=True)
    comb = result.solutions[_combined_label(result)]
    minutes = _minutes(comb, start)
    for k, sys in enumerate(comb["system"].values):
        ax1.plot(
            minutes,
            comb["n_sat_system"].values[:, k],
            lw=1.8,
            color=SYSTEM_COLOURS.get(str(sys), "k"),
            label=SYSTEM_NAMES.get(str(sys), sys),
        )
    ax1.plot(minutes, comb["n_sat"].values, lw=2.2, color=_COMBINED_COLOUR, label="all")
    ax1.set_ylabel("satellites used")
    ax1.set_ylim(0, 1.3 * float(np.nanmax(comb["n_sat"].values)))
    ax1.set_title("Satellites used (above the 10° mask) and PDOP")
    ax1.legend(ncol=5, fontsize=9, loc="upper right")
    ax1.grid(alpha=0.3)
    for row in result.rows:
        if row["scenario"] != "fault-free":
            continue
        sol = result.solutions[row["label"]]
        colour = SYSTEM_COLOURS.get(row["systems"], _COMBINED_COLOUR)
        ax2.plot(_minutes(sol, start), sol["pdop"].values, lw=1.8, color=colour, label=row["label"])
    ax2.set_ylabel("PDOP")
    ax2.set_xlabel(f"minutes after {_start_text(result)}")
    ax2.legend(ncol=5, fontsize=9, loc="upper right")
    ax2.grid(alpha=0.3)
    ax2.set_ylim(
        0,
        1.3
        * max(
            np.nanmax(result.solutions[r["label"]]["pdop"].values)
            for r in result.rows
            if r["scenario"] == "fault-free"
        ),
    )
    return figure_png(fig)


def _running_rms(x: np.ndarray, n: int) -> np.ndarray:
    """RMS over a centred window of n samples (NaN-aware)."""
    ok = np.isfinite(x)
    kernel = np.ones(n)
    num = np.convolve(np.where(ok, x**2, 0.0), kernel, mode="same")
    den = np.convolve(ok.astype(float), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(num / den)


def _error_plot(result: DemoResult) -> str:
    from kompas.positioning import errors_against

    start = result.scenario.start
    truth = result.truth.position_m
    fig, (ax1, ax2) = _subplots(2, 1, figsize=(12, 8.5), sharex=True)
    sc = result.scenario
    window = max(int(round(60.0 / sc.interval_s)), 1)
    for row in result.rows:
        sol = result.solutions[row["label"]]
        hz = errors_against(sol, truth)["error_horizontal_m"].values
        minutes = _minutes(sol, start)
        if row["scenario"] == "fault-free":
            colour = SYSTEM_COLOURS.get(row["systems"], _COMBINED_COLOUR)
            lw = 2.4 if len(row["systems"]) > 1 else 1.4
            ax1.plot(minutes, _running_rms(hz, window), lw=lw, color=colour, label=row["label"])
        else:
            colour = _FAULT_COLOURS.get(row["protection"], "k")
            ax2.plot(minutes, hz, lw=1.4, color=colour, label=row["protection"])
    t0, t1 = sc.fault_start_s / 60.0, (sc.fault_start_s + sc.fault_duration_s) / 60.0
    ax2.axvspan(t0, t1, color="#d55e00", alpha=0.08, label=f"{result.fault['name']} compromised")
    comb = result.solutions[_combined_label(result)]
    hz_clean = errors_against(comb, truth)["error_horizontal_m"].values
    ax2.plot(
        _minutes(comb, start), hz_clean, lw=1.0, color="#777777", ls=":", label="fault-free (all)"
    )
    ax1.set_title(
        "Horizontal error against the simulated truth, fault-free, per combination "
        "(RMS over 1 minute)"
    )
    ax2.set_title(
        f"Horizontal error every epoch, all systems, {result.fault['name']} compromised (shaded)"
    )
    for ax in (ax1, ax2):
        ax.set_ylabel("horizontal error [m]")
        ax.grid(alpha=0.3)
        ax.set_ylim(0, 1.3 * ax.get_ylim()[1])
        ax.legend(ncol=5, fontsize=9, loc="upper left")
    ax2.set_xlabel(f"minutes after {_start_text(result)}")
    return figure_png(fig)


def _start_text(result: DemoResult) -> str:
    from kompas.sim.demo import _iso

    return _iso(result.scenario.start).replace("T", " ") + " GPST"


def _table_html(result: DemoResult) -> str:
    head = (
        "<tr><th class='label'>Combination</th><th>Epochs solved</th>"
        "<th>RMS horizontal [m]</th><th>RMS vertical [m]</th><th>95% horizontal [m]</th>"
        "<th>95% vertical [m]</th><th>Mean PDOP</th><th>Mean satellites used</th></tr>"
    )
    body = []
    for r in result.rows:
        cls = " class='compromised'" if r["scenario"] != "fault-free" else ""
        body.append(
            f"<tr{cls}><td class='label'>{html.escape(r['label'])}</td>"
            f"<td>{r['epochs_solved']} / {r['epochs']}</td>"
            f"<td>{_fmt(r['rms_horizontal_m'])}</td><td>{_fmt(r['rms_vertical_m'])}</td>"
            f"<td>{_fmt(r['p95_horizontal_m'])}</td><td>{_fmt(r['p95_vertical_m'])}</td>"
            f"<td>{_fmt(r['mean_pdop'])}</td><td>{_fmt(r['mean_satellites'], 1)}</td></tr>"
        )
    return f"<table id='summary'>{head}{''.join(body)}</table>"


def flag_statement(result: DemoResult) -> str:
    """One plain sentence: which constellation was flagged, when, relative to the fault."""
    f = result.fault
    if not f["flagged"]:
        return (
            f"No constellation was flagged; {f['name']} was compromised from "
            f"{f['start']} to {f['end']} GPST."
        )
    parts = []
    for sys, info in f["flagged"].items():
        parts.append(
            f"{info['name']} ({sys}) was flagged at {info['epochs']} epochs, from "
            f"{info['first']} to {info['last']} GPST ({info['outside_fault_window']} outside "
            "the fault window)"
        )
    delay = f["detection_delay_epochs"]
    timing = (
        f"The fault ({f['description']}) lasted from {f['start']} to {f['end']} GPST; "
        + (
            f"the first flag came {delay} epoch(s) ({f['detection_delay_s']:.0f} s) after it "
            "started"
            if delay is not None
            else f"{f['name']} was never flagged inside it"
        )
        + f", and {f['missed_epochs']} of its {f['epochs_in_window']} epochs went unflagged."
    )
    return "; ".join(parts) + ". " + timing


def _files_html(result: DemoResult, report_dir: Path) -> str:
    items = []
    names = {
        "navigation": "broadcast navigation data (RINEX 4.00)",
        "observations": "observations, fault-free (RINEX 3.05)",
        "observations_fault": f"observations, {result.fault['name']} compromised (RINEX 3.05)",
        "summary": "summary of this run (JSON)",
    }
    for key, what in names.items():
        path = result.files.get(key)
        if path is None:
            continue
        rel = os.path.relpath(Path(path), report_dir).replace(os.sep, "/")
        items.append(
            f"<li><a href='{html.escape(rel)}'>{html.escape(Path(path).name)}</a>"
            f" — {html.escape(what)}</li>"
        )
    return "<ul id='files'>" + "".join(items) + "</ul>"


def render_report(result: DemoResult, report_dir: str | Path = ".") -> str:
    """The report's HTML text (links relative to ``report_dir``)."""
    from kompas.sim.demo import KNOT_MPS

    sc = result.scenario
    f = result.fault
    ratio = f"{f['rms_ratio_horizontal']:.2f}× horizontal, {f['rms_ratio_vertical']:.2f}× vertical"
    wr = f["rms_horizontal_fault_window_m"]
    window_rows = "".join(
        f"<tr><td class='label'>{html.escape(k)}</td><td>{_fmt(v)}</td></tr>" for k, v in wr.items()
    )
    figures = [
        (
            _sky_plot(result),
            "sky",
            "Sky plots: azimuth clockwise from north, elevation from the "
            "horizon (outer ring) to the zenith (centre), seen from the moving ship.",
        ),
        (
            _visibility_dop_plot(result),
            "visibility",
            "Satellites used per constellation and position dilution of precision over the hour.",
        ),
        (
            _error_plot(result),
            "errors",
            "Horizontal position error against the simulated ship track. Top: each "
            "constellation alone and all together, fault-free. Bottom: the compromised hour "
            "solved unprotected, with RAIM only, and with RAIM plus the constellation check.",
        ),
    ]
    fig_html = "".join(figure_html(uri, name, cap) for uri, name, cap in figures)
    total = result.timings_s.get("total", float("nan"))
    where = (
        f"{abs(sc.lat_deg):.1f}°{'N' if sc.lat_deg >= 0 else 'S'} "
        f"{abs(sc.lon_deg):.1f}°{'E' if sc.lon_deg >= 0 else 'W'}"
    )
    body = f"""<h1>kompas demo: one hour of a ship in the Bering Sea</h1>
<div class="banner" id="simulated">{html.escape(result.simulated_note)}</div>
<p>A research vessel sails from {where}
on a course of {sc.heading_deg:.0f}° at {sc.speed_knots:.0f} knots
({sc.speed_knots * KNOT_MPS:.2f} m/s) for {sc.duration_s / 3600:.1f} h from {_start_text(result)},
observing GPS, GLONASS, Galileo and BeiDou every {sc.interval_s:.0f} s. kompas simulated the
broadcast navigation data and the receiver's observations (code noise 0.3 m / sin E; the
simulated atmosphere is the broadcast model, which the solver removes), wrote them as RINEX
files, read the files back and computed a single-frequency position every epoch with each
constellation alone and all together. Errors are against the simulated track.</p>
<h2>Results</h2>
{_table_html(result)}
<h2>Compromised constellation</h2>
<p class="flag" id="flagged">{html.escape(flag_statement(result))}</p>
<p>With RAIM and the constellation check, the combined solution's RMS error over the hour is
{ratio} its fault-free value. RMS horizontal error inside the fault window:</p>
<table id="fault-window"><tr><th class='label'>Solution</th><th>RMS horizontal [m]</th></tr>
{window_rows}</table>
<h2>Plots</h2>
{fig_html}
<h2>Files</h2>
<p>Written next to this report (simulated data, marked so in their headers):</p>
{_files_html(result, Path(report_dir))}"""
    return render_page(
        "kompas demo — simulated multi-GNSS positioning",
        body,
        footer=f"run time {total:.1f} s (simulation and positioning) · seed {sc.seed} · "
        f"{result.simulated_note}",
    )


def write_report(result: DemoResult, path: str | Path) -> Path:
    """Write the self-contained HTML report of a demo run; returns its path."""
    path = Path(path)
    path.write_text(render_report(result, path.parent), encoding="utf-8")
    return path
