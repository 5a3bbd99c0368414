"""Self-contained HTML report of a :func:`kompas.qc` run, and its plots as PNG files.

Plots an operator expects (as Anubis/teqc plots): a sky plot per system coloured by code
multipath, MP RMS and mean SNR against elevation per signal, a satellite × time tracking
chart with slips, loss-of-lock flags and gaps marked, and completeness bars per signal.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kompas.gnss.constellation import SYSTEM_NAMES
from kompas.report.page import (
    SYSTEM_COLOURS,
    figure_html,
    figure_png,
    render_page,
    subplots,
    table_html,
)
from kompas.report.plots import sky_plot

if TYPE_CHECKING:
    from kompas.analysis.qc import QCResult

__all__ = ["qc_figures", "render_qc_report", "write_qc_report", "write_qc_plots"]

_LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1))]


def _systems(result: QCResult) -> list[str]:
    return list(dict.fromkeys(result.signals["system"])) if len(result.signals) else []


#: The band of each system's "main" signal (GPS L1, GLONASS G1, Galileo E1, BDS B1I, ...).
_MAIN_BAND = {"G": "1", "R": "1", "E": "1", "C": "2", "J": "1", "I": "5", "S": "1"}


def _main_signal(result: QCResult, system: str) -> str | None:
    """The system's main-band code signal with the most MP estimates (else any band)."""
    sig = result.signals[(result.signals["system"] == system) & (result.signals["n_mp"] > 0)]
    if sig.empty:
        return None
    main = sig[sig["code"].str[1] == _MAIN_BAND.get(system, "1")]
    return str((main if len(main) else sig)["n_mp"].idxmax())


def _with_elevations(result: QCResult) -> list[str]:
    """Systems that have elevations (an orbit) for some satellite."""
    if "elevation_deg" not in result.series:
        return []
    sv = result.series["sv"].values.astype(str)
    ok = np.isfinite(result.series["elevation_deg"].values).any(axis=0)
    return sorted({s[0] for s in sv[ok]}, key="GRECJIS".find)


def sky_figure(result: QCResult):
    """Sky plot per system, points coloured by |MP| of the system's main code signal."""
    series = result.series
    have = _with_elevations(result)
    systems = [s for s in _systems(result) if _main_signal(result, s) and s in have]
    if not systems:
        return None
    ncol = min(len(systems), 4)
    nrow = int(np.ceil(len(systems) / ncol))
    fig, axes = subplots(
        nrow, ncol, figsize=(4.8 * ncol, 4.4 * nrow), subplot_kw={"projection": "polar"}
    )
    fig.subplots_adjust(wspace=0.45)
    axes = np.atleast_1d(axes).ravel()
    sv = series["sv"].values.astype(str)
    mappable = None
    for ax, char in zip(axes, systems, strict=False):
        key = _main_signal(result, char)
        cols = np.flatnonzero(np.char.startswith(sv, char))
        mp = np.abs(series[f"mp_{key.split(':')[1]}"].values[:, cols])
        mappable = sky_plot(
            ax, series["azimuth_deg"].values[:, cols], series["elevation_deg"].values[:, cols],
            values=mp, vmin=0.0, vmax=1.0, cmap="plasma", markersize=1.2,
            title=f"{SYSTEM_NAMES.get(char, char)} {key.split(':')[1]}",
        )  # fmt: skip
    for ax in axes[len(systems) :]:
        ax.set_visible(False)
    if mappable is not None:
        bar = fig.colorbar(mappable, ax=list(axes[: len(systems)]), shrink=0.7, pad=0.08)
        bar.set_label("|MP| [m] (code multipath, arc mean removed)")
    return fig


def _by_elevation_figure(table, ylabel: str, title: str):
    if table is None or table.empty:
        return None
    table = table.loc[:, table.notna().any(axis=0)]
    systems = list(dict.fromkeys(k.split(":")[0] for k in table.columns))
    if not systems:
        return None
    fig, axes = subplots(1, len(systems), figsize=(3.6 * len(systems) + 1, 3.8), sharey=True)
    axes = np.atleast_1d(axes)
    x = table.index.to_numpy(dtype=float) + 2.5
    for ax, char in zip(axes, systems, strict=True):
        keys = [k for k in table.columns if k.startswith(char + ":")]
        for i, k in enumerate(keys):
            ax.plot(x, table[k].to_numpy(dtype=float), ls=_LINESTYLES[i % len(_LINESTYLES)],
                    marker="o", ms=3, lw=1.4, label=k.split(":")[1])  # fmt: skip
        ax.set_title(SYSTEM_NAMES.get(char, char), fontsize=11, color=SYSTEM_COLOURS.get(char))
        ax.set_xlabel("elevation [deg]")
        ax.set_xlim(0, 90)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_ylabel(ylabel)
    fig.suptitle(title, fontsize=11)
    return fig


def mp_elevation_figure(result: QCResult):
    """MP RMS per 5° elevation bin, one line per code signal, one panel per system."""
    return _by_elevation_figure(
        result.mp_elevation, "MP RMS [m]", "Code multipath RMS against elevation"
    )


def snr_elevation_figure(result: QCResult):
    """Mean SNR per 5° elevation bin, one line per S observable, one panel per system."""
    return _by_elevation_figure(
        result.snr_elevation, "mean C/N0 [dB-Hz]", "Signal strength against elevation"
    )


def tracking_figure(result: QCResult):
    """Satellite × time: tracked epochs (system colour), slips, LLI and gaps marked."""
    series = result.series
    tracked = series["tracked"].values
    sv = series["sv"].values.astype(str)
    keep = np.flatnonzero(tracked.any(axis=0))
    if keep.size == 0:
        return None
    keep = np.array(sorted(keep, key=lambda k: ("GRECJIS".find(sv[k][0]) % 9, sv[k])))
    sv = sv[keep]
    times = series["time"].values
    hours = (times - times[0]).astype("timedelta64[ns]").astype(np.int64) / 3.6e12
    fig, ax = subplots(1, 1, figsize=(12, max(4.0, 0.13 * keep.size + 1.5)))
    y_of = {s: i for i, s in enumerate(sv)}
    for char in dict.fromkeys(s[0] for s in sv):
        cols = [i for i, s in enumerate(sv) if s[0] == char]
        r, c = np.nonzero(tracked[:, keep[cols]])
        colour = SYSTEM_COLOURS.get(char, "#444")
        ax.scatter(hours[r], np.asarray(cols)[c], s=1.0, marker="s", linewidths=0,
                   color=colour, label=SYSTEM_NAMES.get(char, char))  # fmt: skip
    t0 = times[0]

    def hours_of(ts):
        return (np.asarray(ts, dtype="datetime64[ns]") - t0).astype(np.int64) / 3.6e12

    slips = result.slips.drop_duplicates(["time", "sv", "detector"])
    marks = (
        (slips[slips["detector"] != "LLI"], "|", "#d62728", "cycle slip"),
        (slips[slips["detector"] == "LLI"], "|", "#ff9f1c", "loss of lock (LLI)"),
    )
    for df, marker, colour, label in marks:
        df = df[df["sv"].isin(y_of)]
        if len(df):
            ax.scatter(hours_of(df["time"]), df["sv"].map(y_of), marker=marker, s=40,
                       color=colour, label=f"{label} ({len(df)})", linewidths=1.2)  # fmt: skip
    gaps = result.gaps[result.gaps["sv"].isin(y_of)]
    for _, g in gaps.iterrows():
        y = y_of[g["sv"]]
        ax.plot(hours_of([g["start"], g["end"]]), [y, y], color="k", lw=3.0, solid_capstyle="butt")
    if len(gaps):
        ax.plot([], [], color="k", lw=3.0, label=f"gap ({len(gaps)})")
    for _, j in result.clock_jumps.iterrows():
        ax.axvline(hours_of([j["time"]])[0], color="#9467bd", lw=0.8, ls="--")
    ax.set_yticks(np.arange(sv.size), sv, fontsize=6)
    ax.set_ylim(sv.size - 0.5, -0.5)
    ax.set_xlim(0, max(float(hours[-1]), 1e-3))
    ax.set_xlabel(f"hours after {str(times[0])[:19]} ({result.attrs.get('time_scale')})")
    ax.set_title("Tracking: observed epochs per satellite, slips, loss of lock and gaps", pad=24)
    ax.grid(alpha=0.2, axis="x")
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=8,
              markerscale=3, frameon=False)  # fmt: skip
    return fig


def completeness_figure(result: QCResult):
    """Completeness per code signal (observed / expected above the mask), bars by system."""
    sig = result.signals
    if "completeness" not in sig or not np.isfinite(sig["completeness"].to_numpy(float)).any():
        return None
    sig = sig[np.isfinite(sig["completeness"].to_numpy(float))]
    fig, ax = subplots(1, 1, figsize=(12, 3.6))
    x = np.arange(len(sig))
    colours = [SYSTEM_COLOURS.get(s, "#444") for s in sig["system"]]
    pct = 100 * sig["completeness"].to_numpy(float)
    ax.bar(x, pct, color=colours)
    for xi, p in zip(x, pct, strict=True):
        ax.text(xi, p + 1, f"{p:.1f}", ha="center", fontsize=7)
    ax.set_xticks(x, sig.index, rotation=60, fontsize=8)
    ax.set_ylim(0, 110)
    ax.set_ylabel("completeness [%]")
    ax.set_title(f"Observations present / expected above {result.attrs.get('elmask_deg'):g}°")
    ax.grid(alpha=0.3, axis="y")
    return fig


def qc_figures(result: QCResult) -> dict:
    """Name → matplotlib Figure of every plot that has data (pyplot not used)."""
    makers = {
        "sky": sky_figure,
        "mp-elevation": mp_elevation_figure,
        "snr-elevation": snr_elevation_figure,
        "tracking": tracking_figure,
        "completeness": completeness_figure,
    }
    out = {}
    for name, make in makers.items():
        fig = make(result)
        if fig is not None:
            out[name] = fig
    return out


_CAPTIONS = {
    "sky": "Sky plot per system (north up, azimuth clockwise, zenith at the centre), each "
    "observation coloured by the absolute code multipath of the system's main signal.",
    "mp-elevation": "Code multipath RMS per 5° elevation bin for every code signal.",
    "snr-elevation": "Mean signal strength (S observables) per 5° elevation bin.",
    "tracking": "Epochs with observations for every satellite; red ticks are detected cycle "
    "slips, orange ticks receiver loss-of-lock flags, black bars gaps inside a pass, dashed "
    "lines receiver clock jumps.",
    "completeness": "Observations present versus expected from the orbits above the mask, "
    "per code signal (a signal is expected of the satellites that sent it at least once).",
}

_SIGNAL_COLUMNS = [
    ("phase", "phase", None), ("partner", "2nd phase", None), ("n_mp", "MP samples", 0),
    ("mp_rms_m", "MP RMS [m]", 3), ("slips", "slips", 0), ("obs_per_slip", "obs/slip", 0),
    ("lli", "LLI", 0), ("completeness", "complete [%]", 1), ("snr_mean_dbhz", "SNR [dB-Hz]", 1),
    ("snr_low_fraction", "SNR < 30 [%]", 1),
]  # fmt: skip


def _signal_rows(result: QCResult):
    header = ["signal"] + [h for _, h, _ in _SIGNAL_COLUMNS]
    rows = []
    for key, r in result.signals.iterrows():
        row = [key]
        for col, _, _ in _SIGNAL_COLUMNS:
            v = r.get(col)
            if col in ("completeness", "snr_low_fraction") and v is not None:
                v = 100 * v
            row.append("–" if v is None else v if not isinstance(v, str) else v)
        rows.append(row)
    digits = [0] + [d if d is not None else 0 for _, _, d in _SIGNAL_COLUMNS]
    return header, rows, digits


def _system_rows(result: QCResult):
    header = ["system", "satellites", "expected", "complete [%]", "slips", "slips/1000",
              "LLI", "gaps"]  # fmt: skip
    rows = []
    for char, e in result.summary["systems"].items():
        comp = e.get("completeness")
        rows.append([
            SYSTEM_NAMES.get(char, char), e["satellites"], e.get("satellites_expected", "–"),
            100 * comp if comp is not None else None, e["slips"], e["slips_per_1000"], e["lli"],
            e["gaps"],
        ])  # fmt: skip
    return header, rows, [0, 0, 0, 1, 0, 2, 0, 0]


def _facts_html(result: QCResult) -> str:
    a, s = result.attrs, result.summary
    t = s["teqc"]
    pos = a.get("position_m")
    ops = "∞" if t["obs_per_slip"] is None else f"{t['obs_per_slip']:.0f}"
    teqc = (
        f"MP1 {t['mp1_m']:.3f} m ({t['mp1_code']}), MP2 {t['mp2_m']:.3f} m ({t['mp2_code']}), "
        f"o/slps {ops}"
        if t["mp1_code"] and t["mp2_code"]
        else f"o/slps {ops}"
    )
    items = [
        ("File", Path(str(a.get("file"))).name),
        ("Station", a.get("station") or "–"),
        ("Receiver", a.get("receiver") or "–"),
        ("Antenna", a.get("antenna") or "–"),
        ("Span", f"{s['start']} – {s['end']} {a.get('time_scale')}, every {a['interval_s']:g} s, "
                 f"{s['epochs']} epochs ({s['missing_epochs']} missing)"),
        ("Orbits", a.get("orbits")),
        ("Receiver position", "–" if pos is None else
         f"{pos[0]:.1f}, {pos[1]:.1f}, {pos[2]:.1f} m ({a.get('position_source')})"),
        ("Elevation mask", "none (no orbits)" if a.get("elmask_deg") is None
         else f"{a['elmask_deg']:g}°"),
        ("teqc-style", teqc),
        ("Clock jumps", str(s["clock_jumps"])),
        ("Gaps", f"{len(result.gaps)} satellite gaps, {s['file_gaps']} file gaps"),
        ("Epoch flags", str(s["epoch_flags"])),
    ]  # fmt: skip
    rows = "".join(
        f"<tr><th class='label'>{html.escape(k)}</th>"
        f"<td class='label'>{html.escape(str(v))}</td></tr>"
        for k, v in items
    )
    notes = "".join(f"<p class='flag'>{html.escape(n)}</p>" for n in a.get("notes", []))
    return f"<table id='facts'>{rows}</table>{notes}"


def render_qc_report(result: QCResult, figures: dict | None = None) -> str:
    """The report's HTML text (one self-contained page); ``figures`` from
    :func:`qc_figures` when already made."""
    figures = qc_figures(result) if figures is None else figures
    fig_html = "".join(
        figure_html(figure_png(fig), name, _CAPTIONS[name]) for name, fig in figures.items()
    )
    sh, srows, sd = _system_rows(result)
    gh, grows, gd = _signal_rows(result)
    gaps = result.gaps.head(50)
    gap_rows = [[g["sv"], str(g["start"])[:19], str(g["end"])[:19], g["duration_s"]]
                for _, g in gaps.iterrows()]  # fmt: skip
    body = f"""<h1>Quality control: {html.escape(str(result.attrs.get('station') or ''))}</h1>
{_facts_html(result)}
<h2>Systems</h2>
{table_html(sh, srows, table_id='systems', digits=sd)}
<h2>Signals</h2>
<p>MP RMS: code multipath with arc means removed, above the mask (teqc MP1/MP2, Anubis mp);
slips: geometry-free or Melbourne–Wübbena detections on the signal's phase; obs/slip:
teqc's o/slps; LLI: receiver loss-of-lock flags, counted apart.</p>
{table_html(gh, grows, table_id='signals', label_columns=3, digits=gd)}
<h2>Plots</h2>
{fig_html}
<h2>Gaps inside passes</h2>
{table_html(["sv", "first missing", "last missing", "duration [s]"], gap_rows,
            table_id='gaps', label_columns=3, digits=0) if gap_rows else "<p>None.</p>"}
"""  # fmt: skip
    return render_page(
        f"kompas qc — {result.attrs.get('station') or Path(str(result.attrs.get('file'))).name}",
        body,
        footer=f"{result.attrs.get('file')}",
    )


def write_qc_report(result: QCResult, path: str | Path, figures: dict | None = None) -> Path:
    """Write the self-contained HTML report; returns its path."""
    path = Path(path)
    path.write_text(render_qc_report(result, figures), encoding="utf-8")
    return path


def write_qc_plots(
    result: QCResult, directory: str | Path, figures: dict | None = None
) -> list[Path]:
    """Write every plot of the report as ``qc-<name>.png`` in ``directory`` (created)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    figures = qc_figures(result) if figures is None else figures
    for name, fig in figures.items():
        p = out / f"qc-{name}.png"
        fig.savefig(p, dpi=110, bbox_inches="tight")
        paths.append(p)
    return paths
