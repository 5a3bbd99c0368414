"""The network report of a ``kompas batch`` folder: one self-contained HTML page.

Per station-day: epochs solved per system, RMS against the truth (from the batch, or from a
SINEX given here), quality-control figures when ``qc`` ran, inter-system biases; a map of the
stations (equirectangular longitude/latitude with a graticule: no map tiles, nothing fetched);
outliers against the rest of the network highlighted, failures with their reasons.

Outliers use the modified z-score of Iglewicz and Hoaglin (1993), ``0.6745 (x - median) /
MAD``, flagged beyond 3.5 (with the mean absolute deviation, ``(x - median) / (1.2533
MeanAD)``, when more than half the values are equal and the MAD is 0): robust to the outliers
themselves, meaningful from 5 stations on (with fewer nothing is flagged; the page says so).
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import numpy as np
import pandas as pd

from kompas.batch import store
from kompas.report.page import (
    CSS,
    SYSTEM_COLOURS,
    figure_html,
    figure_png,
    render_page,
    subplots,
    table_html,
)

__all__ = ["network_report", "outlier_flags", "rms_from_epochs", "OUTLIER_Z", "MIN_STATIONS"]

#: modified z-score beyond which a value is an outlier (Iglewicz & Hoaglin 1993)
OUTLIER_Z = 3.5
#: fewest station-days for the outlier test to mean anything
MIN_STATIONS = 5
#: metric column → (label, which side is bad: +1 high, -1 low, 0 both)
OUTLIER_METRICS = {
    "solve_rms_horizontal_m": ("RMS H", +1),
    "solve_rms_vertical_m": ("RMS V", +1),
    "solved_share": ("epochs solved", -1),
    "solve_mean_satellites": ("satellites", -1),
    "solve_isb_R_m": ("ISB R", 0),
    "solve_isb_E_m": ("ISB E", 0),
    "solve_isb_C_m": ("ISB C", 0),
    "solve_isb_J_m": ("ISB J", 0),
}
_EXTRA_CSS = """
tr.outlier td { background: #fde2e2; }
tr.failed td { background: #eeeeee; color: #666; }
td.reason { text-align: left; max-width: 40em; }
#stations { font-size: 0.78em; }
#stations td, #stations th { padding: 0.2em 0.35em; }
#stations td { white-space: nowrap; }
"""


def outlier_flags(df: pd.DataFrame) -> pd.Series:
    """Per row, the metrics in which it is an outlier (``"RMS H high; ISB C"``), or ``""``."""
    flags = pd.Series([""] * len(df), index=df.index, dtype=object)
    ok = df["status"] == "ok"
    if ok.sum() < MIN_STATIONS:
        return flags
    for col, (label, side) in OUTLIER_METRICS.items():
        if col not in df:
            continue
        x = pd.to_numeric(df[col], errors="coerce").where(ok)
        med = np.nanmedian(x)
        dev = np.abs(x - med)
        mad, mean_ad = np.nanmedian(dev), np.nanmean(dev)
        if np.isfinite(mad) and mad > 0:
            z = 0.6745 * (x - med) / mad
        elif np.isfinite(mean_ad) and mean_ad > 0:  # most values equal (e.g. all solved)
            z = (x - med) / (1.253314 * mean_ad)  # mean absolute deviation, same scale
        else:
            continue
        bad = (
            (z > OUTLIER_Z) if side > 0 else (z < -OUTLIER_Z) if side < 0 else (z.abs() > OUTLIER_Z)
        )
        word = {1: " high", -1: " low", 0: ""}[side]
        for i in df.index[bad.fillna(False).to_numpy()]:
            flags[i] = "; ".join(f for f in (flags[i], label + word) if f)
    return flags


def rms_from_epochs(epochs: pd.DataFrame, truth_xyz_m) -> dict:
    """RMS horizontal/vertical errors of solved epochs (``x_m, y_m, z_m`` columns) [m]."""
    from kompas.frames import WGS84
    from kompas.frames.geodetic import ecef2geodetic
    from kompas.frames.local import rotate_ecef2enu

    truth = np.asarray(truth_xyz_m, float)
    xyz = epochs[["x_m", "y_m", "z_m"]].to_numpy(float)
    xyz = xyz[np.isfinite(xyz).all(axis=1)]
    if not len(xyz):
        return {}
    lat, lon, _ = ecef2geodetic(truth, WGS84)
    enu = rotate_ecef2enu(xyz - truth, lat, lon)
    return {
        "solve_rms_horizontal_m": float(np.sqrt(np.mean(enu[:, 0] ** 2 + enu[:, 1] ** 2))),
        "solve_rms_vertical_m": float(np.sqrt(np.mean(enu[:, 2] ** 2))),
    }


def _apply_sinex(df: pd.DataFrame, out_dir: Path, sinex: str) -> list[str]:
    """Replace the RMS columns by errors against ``sinex``; returns notes on missing ones."""
    from kompas.io.sinex import read_sinex_coordinates, station_position

    table = read_sinex_coordinates(sinex)
    notes = []
    for i, r in df[df["status"] == "ok"].iterrows():
        p = out_dir / "tasks" / str(r["task"]) / "epochs.parquet"
        if not p.exists():
            continue
        try:
            xyz, _ = station_position(table, str(r["station"]), r.get("date"))
        except KeyError:
            notes.append(f"{r['station']} is not in {Path(sinex).name}")
            continue
        for k, v in rms_from_epochs(store.read_parquet(p), xyz).items():
            df.loc[i, k] = v
    return notes


def _geodetic(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Latitude/longitude per row: the solution's median, else the header's approximate
    position (failed tasks keep a place on the map when their header said where)."""
    from kompas.frames import WGS84
    from kompas.frames.geodetic import ecef2geodetic

    def column(name: str) -> np.ndarray:
        if name not in df:
            return np.full(len(df), np.nan)
        return pd.to_numeric(df[name], errors="coerce").to_numpy(float, copy=True)

    lat, lon = column("solve_lat_deg"), column("solve_lon_deg")
    xyz = np.stack([column(f"info_approx_{c}_m") for c in "xyz"], axis=1)
    # a header position is usable when it is not the RINEX "unknown" 0,0,0
    good = np.isfinite(xyz).all(axis=1) & (np.linalg.norm(np.nan_to_num(xyz), axis=1) > 6e6)
    idx = np.flatnonzero(good & ~np.isfinite(lat))
    if idx.size:
        la, lo, _ = ecef2geodetic(xyz[idx], WGS84)
        lat[idx], lon[idx] = np.degrees(la), np.degrees(lo)
    return lat, lon


def _map_figure(df: pd.DataFrame, flags: pd.Series) -> str:
    lat, lon = _geodetic(df)
    fig, ax = subplots(1, 1, figsize=(11, 5.6))
    ax.set_xlim(-180, 180)
    ax.set_ylim(-90, 90)
    ax.set_xticks(np.arange(-180, 181, 30))
    ax.set_yticks(np.arange(-90, 91, 30))
    ax.grid(alpha=0.35)
    ax.axhline(0, color="#888", lw=0.8)
    ax.set_xlabel("longitude [°]")
    ax.set_ylabel("latitude [°]")
    ax.set_aspect("equal")
    rms = np.full(len(df), np.nan)
    if "solve_rms_horizontal_m" in df:
        rms = pd.to_numeric(df["solve_rms_horizontal_m"], errors="coerce").to_numpy(float)
    ok = (df["status"] == "ok").to_numpy() & np.isfinite(lat)
    has_rms = ok & np.isfinite(rms)
    if has_rms.any():
        sc = ax.scatter(lon[has_rms], lat[has_rms], c=rms[has_rms], cmap="viridis", s=60,
                        edgecolors="k", zorder=3)  # fmt: skip
        fig.colorbar(sc, ax=ax, shrink=0.7, label="RMS horizontal vs truth [m]")
    plain = ok & ~has_rms
    ax.scatter(lon[plain], lat[plain], c="#0072B2", s=50, edgecolors="k", zorder=3,
               label="solved (no truth)")  # fmt: skip
    failed = (df["status"] != "ok").to_numpy() & np.isfinite(lat)
    ax.scatter(lon[failed], lat[failed], marker="x", c="#555", s=70, zorder=3, label="failed")
    out = (flags != "").to_numpy() & np.isfinite(lat)
    ax.scatter(lon[out], lat[out], s=260, facecolors="none", edgecolors="#d62728", lw=2,
               zorder=4, label="outlier")  # fmt: skip
    for la, lo, name in zip(lat, lon, df["station"].astype(str), strict=True):
        if np.isfinite(la):
            ax.annotate(name, (lo, la), xytext=(4, 4), textcoords="offset points", fontsize=8)
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title("Stations (equirectangular; position from the solution, else the header)")
    return figure_png(fig)


def _isb_figure(df: pd.DataFrame) -> str | None:
    cols = [c for c in df.columns if c.startswith("solve_isb_") and c.endswith("_m")]
    ok = df["status"] == "ok"
    if not cols or not ok.any():
        return None
    sub = df[ok]
    fig, ax = subplots(1, 1, figsize=(11, 3.8))
    x = np.arange(len(sub))
    for k, c in enumerate(cols):
        sys = c[len("solve_isb_") : -2]
        v = pd.to_numeric(sub[c], errors="coerce").to_numpy(float)
        ax.scatter(x + 0.08 * (k - len(cols) / 2), v, label=f"{sys} − G", s=28,
                   color=SYSTEM_COLOURS.get(sys, None))  # fmt: skip
    ax.set_xticks(x)
    labels = sub["station"].astype(str) + " " + sub["date"].astype(str).str[2:]
    ax.set_xticklabels(labels, rotation=60, fontsize=7, ha="right")
    ax.set_ylabel("median inter-system bias [m]")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=len(cols))
    ax.set_title("Receiver inter-system clock biases (system clock − GPS clock)")
    return figure_png(fig)


def _num(r: pd.Series, col: str):
    v = r.get(col)
    return None if v is None or (isinstance(v, float) and not np.isfinite(v)) else v


def _systems(df: pd.DataFrame) -> list[str]:
    return [c[len("solve_epochs_") :] for c in df.columns
            if c.startswith("solve_epochs_") and len(c) == len("solve_epochs_") + 1]  # fmt: skip


def _station_table(df: pd.DataFrame, flags: pd.Series) -> str:
    systems = _systems(df)
    isb = [s for s in systems if f"solve_isb_{s}_m" in df]
    header = ["task", "station", "date", "epochs", "solved"] + [f"{s} ep." for s in systems]
    header += ["sats", "PDOP", "RMS H [m]", "RMS V [m]"] + [f"ISB {s} [m]" for s in isb]
    header += ["warnings", "outlier in"]
    rows, classes = [], []
    for i, r in df.iterrows():
        row = [r["task"], r["station"], str(r.get("date") or "-")]
        row += [_num(r, "solve_epochs"), _num(r, "solve_epochs_solved")]
        row += [_num(r, f"solve_epochs_{s}") for s in systems]
        row += [_num(r, "solve_mean_satellites"), _num(r, "solve_mean_pdop")]
        row += [_num(r, "solve_rms_horizontal_m"), _num(r, "solve_rms_vertical_m")]
        row += [_num(r, f"solve_isb_{s}_m") for s in isb]
        row += [
            int(r.get("n_warnings") or 0),
            flags[i] or ("failed" if r["status"] != "ok" else ""),
        ]
        rows.append(row)
        classes.append("failed" if r["status"] != "ok" else ("outlier" if flags[i] else None))
    digits = [0] * 5 + [0] * len(systems) + [1, 2, 2, 2] + [2] * len(isb) + [0, 0]
    return table_html(header, rows, table_id="stations", label_columns=3, row_classes=classes,
                      digits=digits)  # fmt: skip


#: columns shown per kind (regular expressions on the name after the prefix)
_KIND_COLUMNS = {
    "qc_": r"^(mp_[A-Z]_m|slips_[A-Z]|completeness_[A-Z]_pct|clock_jumps|missing_epochs)$",
    "offsets_": r"^[A-Z]G_(estimated|bias)_ns$",
    "sisre_": r"^rms_.*_m$",
}


def _kind_table(df: pd.DataFrame, prefix: str, table_id: str) -> str | None:
    """The main numeric columns of one kind (``qc_``, ``offsets_``, ``sisre_``) per
    station-day (all of them are in ``stations.parquet``)."""
    import re

    keep = re.compile(_KIND_COLUMNS[prefix])
    cols = [c for c in df.columns if c.startswith(prefix) and keep.match(c[len(prefix) :])]
    cols = [c for c in cols if pd.api.types.is_numeric_dtype(df[c])]
    if not cols:
        return None
    ok = df[f"{prefix}status"] == "ok" if f"{prefix}status" in df else df["status"] == "ok"
    rows = [[r["task"], *[_num(r, c) for c in cols]] for _, r in df[ok].iterrows()]
    if not rows:
        return None
    header = ["task"] + [c[len(prefix) :] for c in cols]
    return table_html(header, rows, table_id=table_id)


def _failures(df: pd.DataFrame) -> str:
    bad = df[df["status"] != "ok"]
    if bad.empty:
        return "<p>No task failed.</p>"
    items = "".join(
        f"<tr><td class='label'>{html.escape(str(r['task']))}</td>"
        f"<td class='reason'>{html.escape(str(r['reason']))}</td></tr>"
        for _, r in bad.iterrows()
    )
    return (
        f"<table id='failures'><tr><th class='label'>task</th><th>reason</th></tr>{items}</table>"
    )


def _warnings(df: pd.DataFrame) -> str:
    w = df[df["n_warnings"].fillna(0) > 0]
    if w.empty:
        return "<p>No reader or solver warning.</p>"
    items = "".join(
        f"<li><b>{html.escape(str(r['task']))}</b>: {html.escape(str(r['warnings']))}</li>"
        for _, r in w.iterrows()
    )
    return f"<ul id='warnings'>{items}</ul>"


def network_report(
    out_dir: str | os.PathLike, html_path: str | os.PathLike, truth_sinex: str | None = None
) -> dict:
    """Write the network report of a batch folder (``stations.parquet``) to ``html_path``.

    Parameters
    ----------
    out_dir : path
        A ``kompas batch`` output folder.
    html_path : path
        The HTML file (written atomically).
    truth_sinex : str, optional
        SINEX file: RMS errors are recomputed from each task's ``epochs.parquet`` against it.

    Returns
    -------
    dict
        ``stations``, ``succeeded``, ``failed``, ``outliers`` (task → metrics), ``notes``,
        ``html``.

    Raises
    ------
    FileNotFoundError
        No ``stations.parquet`` in ``out_dir``.
    """
    from kompas.batch.store import write_text

    out = Path(out_dir)
    df = store.read_parquet(out / "stations.parquet")
    if df.empty:
        raise FileNotFoundError(f"{out / 'stations.parquet'} holds no station-day")
    notes = _apply_sinex(df, out, truth_sinex) if truth_sinex else []
    if "solve_epochs" in df:
        df["solved_share"] = pd.to_numeric(df["solve_epochs_solved"], errors="coerce") / (
            pd.to_numeric(df["solve_epochs"], errors="coerce")
        )
    flags = outlier_flags(df)
    n_ok = int((df["status"] == "ok").sum())
    if n_ok < MIN_STATIONS:
        notes.append(f"outlier test needs {MIN_STATIONS} solved station-days; {n_ok} here")
    parts = [
        "<h1>kompas network report</h1>",
        f"<p id='summary'>{len(df)} station-days: {n_ok} succeeded, {len(df) - n_ok} failed; "
        f"{int((flags != '').sum())} outlier(s) (modified z-score &gt; {OUTLIER_Z}).</p>",
        figure_html(_map_figure(df, flags), "map", "Station map; red rings: outliers."),
        "<h2>Stations</h2>",
        _station_table(df, flags),
    ]
    isb = _isb_figure(df)
    if isb:
        parts.append(figure_html(isb, "isb", "Median receiver inter-system bias per station-day."))
    for prefix, title, tid in (
        ("qc_", "Quality control (multipath, slips, completeness)", "qc"),
        ("offsets_", "Inter-system time offsets against the broadcast ones [ns]", "offsets"),
        ("sisre_", "Broadcast orbit quality (SISRE RMS) [m]", "sisre"),
    ):
        table = _kind_table(df, prefix, tid)
        if table:
            parts += [f"<h2>{html.escape(title)}</h2>", table]
    parts += ["<h2>Failures</h2>", _failures(df), "<h2>Warnings</h2>", _warnings(df)]
    if notes:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes))
        parts.append("</ul>")
    page = render_page("kompas network report", "\n".join(parts), css=CSS + _EXTRA_CSS,
                       footer=f"batch folder {out}")  # fmt: skip
    write_text(html_path, page)
    return {
        "stations": int(df["station"].nunique()),
        "station_days": int(len(df)),
        "succeeded": n_ok,
        "failed": int(len(df) - n_ok),
        "outliers": {str(df.loc[i, "task"]): f for i, f in flags.items() if f},
        "notes": notes,
        "html": str(html_path),
    }
