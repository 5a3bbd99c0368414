"""``kompas report``: one self-contained page comparing the systems on a real day.

Each constellation is solved alone and all together (:func:`kompas.solve`); the page shows
accuracy against a known position (when given), epochs solved, DOP and satellites used,
SISRE per system (with precise products), the receiver's inter-system biases against the
broadcast time offsets (:func:`kompas.time_offsets`), every fault flag of the solutions
(status, exclusions, flagged systems, lowered masks, warnings) and the QC summary
(:func:`kompas.qc`).  Built on the shared :mod:`kompas.report.page` pieces.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kompas.report.page import (
    SYSTEM_COLOURS,
    figure_html,
    figure_png,
    render_page,
    subplots,
    table_html,
)

__all__ = ["DayReport", "day_report"]

_NAMES = {"G": "GPS", "R": "GLONASS", "E": "Galileo", "C": "BeiDou", "J": "QZSS", "I": "NavIC"}


@dataclass
class DayReport:
    """The page and the figures behind it.

    Attributes
    ----------
    html : str
        The self-contained page.
    data : dict
        JSON-ready figures: per-solution accuracy, SISRE groups, biases, flags, QC, timings.
    """

    html: str
    data: dict[str, Any] = field(default_factory=dict)

    def write(self, path: str) -> None:
        """Write the page to ``path`` (UTF-8)."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.html)


def _solve_all(obs, nav, systems: str) -> dict[str, Any]:
    from kompas.positioning import solve

    sols = {}
    observed = {str(s)[0] for s in obs["sv"].values}
    for s in [c for c in systems if c in observed]:
        sols[s] = solve(obs, nav, systems=s)
    if len(sols) > 1:
        sols["".join(sols)] = solve(obs, nav, systems="".join(sols))
    if not sols:
        from kompas.errors import KompasError

        raise KompasError(f"none of the systems {systems!r} is observed in the file")
    return sols


def _accuracy_rows(sols: dict, truth_xyz) -> list[dict[str, Any]]:
    from kompas.positioning import accuracy_summary

    rows = []
    for name, sol in sols.items():
        row: dict[str, Any] = {
            "solution": name,
            "epochs": int(sol.attrs["epochs"]),
            "solved": int(sol.attrs["epochs_solved"]),
            "sats_mean": float(np.nanmean(np.where(sol["status"] <= 1, sol["n_sat"], np.nan))),
            "pdop_mean": float(np.nanmean(sol["pdop"].values)),
            "pdop_max": float(np.nanmax(sol["pdop"].values)),
        }
        if truth_xyz is not None:
            acc = accuracy_summary(sol, truth_xyz)
            row.update(
                {
                    k: acc.get(k, np.nan)
                    for k in (
                        "rms_horizontal_m",
                        "rms_vertical_m",
                        "p95_horizontal_m",
                        "p95_vertical_m",
                    )
                }
            )
        rows.append(row)
    return rows


def _flag_rows(sols: dict) -> list[list[Any]]:
    rows = []
    for name, sol in sols.items():
        status_names = sol.attrs.get("status_names", {})
        st = sol["status"].values
        for code in np.unique(st):
            rows.append(
                [name, "status", status_names.get(int(code), str(code)), int((st == code).sum())]
            )
        ex = sol["exclusion"].values
        exn = sol.attrs.get("exclusion_names", {})
        for code in np.unique(ex):
            label = exn.get(int(code), str(code))
            if label.lower().replace("_", " ") in ("used", "not observed"):
                continue
            rows.append([name, "exclusion", label, int((ex == code).sum())])
        flagged = sol["system_flagged"].values
        for k, s in enumerate(sol["system"].values):
            n = int(flagged[:, k].sum())
            if n:
                rows.append([name, "system flagged", str(s), n])
        if int(sol.attrs.get("epochs_mask_lowered", 0)):
            rows.append([name, "mask lowered", "epochs", int(sol.attrs["epochs_mask_lowered"])])
        for w in sol.attrs.get("warnings", []):
            rows.append([name, "warning", str(w), 1])
    return rows


def _plot_errors(sols: dict, truth_xyz) -> str:
    from kompas.positioning import errors_against

    fig, axes = subplots(2, 1, figsize=(10, 5.5), sharex=True)
    for name, sol in sols.items():
        colour = SYSTEM_COLOURS.get(name, "k") if len(name) == 1 else "k"
        t = sol["time"].values
        if truth_xyz is not None:
            err = errors_against(sol, truth_xyz)
            axes[0].plot(t, err["error_horizontal_m"].values, lw=0.6, color=colour, label=name)
            axes[1].plot(t, err["error_vertical_m"].values, lw=0.6, color=colour, label=name)
        else:
            axes[0].plot(t, sol["pdop"].values, lw=0.6, color=colour, label=name)
            axes[1].plot(t, sol["n_sat"].values, lw=0.6, color=colour, label=name)
    axes[0].set_ylabel("horizontal error [m]" if truth_xyz is not None else "PDOP")
    axes[1].set_ylabel("vertical error [m]" if truth_xyz is not None else "satellites used")
    axes[0].legend(fontsize=7, ncol=6)
    for ax in axes:
        ax.grid(alpha=0.3)
    return figure_png(fig, dpi=90)


def _plot_geometry(sols: dict) -> str:
    fig, axes = subplots(2, 1, figsize=(10, 5.0), sharex=True)
    for name, sol in sols.items():
        colour = SYSTEM_COLOURS.get(name, "k") if len(name) == 1 else "k"
        axes[0].plot(sol["time"].values, sol["pdop"].values, lw=0.7, color=colour, label=name)
    combined = max(sols, key=len)
    sol = sols[combined]
    for k, s in enumerate(sol["system"].values):
        axes[1].plot(
            sol["time"].values,
            sol["n_sat_system"].values[:, k],
            lw=0.7,
            color=SYSTEM_COLOURS.get(str(s), "k"),
            label=str(s),
        )
    axes[0].set_ylabel("PDOP")
    axes[0].set_ylim(0, min(8.0, float(np.nanmax([np.nanmax(s["pdop"]) for s in sols.values()]))))
    axes[1].set_ylabel(f"satellites used ({combined})")
    for ax in axes:
        ax.legend(fontsize=7, ncol=6)
        ax.grid(alpha=0.3)
    return figure_png(fig, dpi=90)


def _plot_biases(rep) -> str:
    fig, ax = subplots(1, 1, figsize=(10, 3.2))
    for _st, df in rep.receiver_series.items():
        if df.empty:  # no epoch solved with GPS and a second system: nothing to draw
            continue
        for pair, g in df.groupby("pair"):
            colour = SYSTEM_COLOURS.get(pair[0], "k")
            ax.plot(
                g["time"], g["estimated_ns"] - g["broadcast_ns"], lw=0.6, color=colour, label=pair
            )
    ax.set_ylabel("estimated - broadcast [ns]")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    return figure_png(fig, dpi=90)


def _sisre_section(nav, sp3, clk, systems) -> tuple[str, list]:
    from kompas.analysis.sisre import sisre, sisre_summary
    from kompas.orbits.precise import PreciseOrbit

    ds = sisre(nav, PreciseOrbit(sp3, clk), systems=systems)
    summ = sisre_summary(ds)
    g = summ.groups
    cols = [
        ("n_satellites", 0),
        ("rms_radial_m", 2),
        ("rms_along_m", 2),
        ("rms_cross_m", 2),
        ("rms_clock_m", 2),
        ("rms_sisre_orbit_m", 2),
        ("rms_sisre_m", 2),
    ]
    rows = [[idx, *[r[c] for c, _ in cols]] for idx, r in g.iterrows()]
    head = ["group", "sats", "R", "A", "C", "clock", "SISRE orbit", "SISRE"]
    body = table_html(head, rows, table_id="sisre", digits=[0] + [d for _, d in cols])
    note = html.escape(str(ds.attrs.get("precise_source", "")))
    text = (
        f"<p>Broadcast minus precise ({note}); RMS in metres over the day, orbit+clock "
        "SISRE with each group's clock datum removed per epoch.</p>" + body
    )
    return text, [dict(zip(head, r, strict=True)) for r in rows]


def _qc_section(obs, nav) -> tuple[str, dict]:
    from kompas.analysis.qc import qc

    res = qc(obs, nav)
    s = res.summary
    rows = []
    for sys_, v in sorted(s.get("systems", {}).items()):
        mp = v.get("mp_rms_m", {})
        first = next(iter(mp.items()), ("-", np.nan))
        rows.append(
            [
                sys_,
                v.get("satellites"),
                v.get("completeness", np.nan) * 100,
                v.get("slips"),
                v.get("gaps"),
                f"{first[0]} {first[1]:.2f}",
            ]
        )
    head = ["system", "sats", "complete %", "slips", "gaps", "MP RMS first code [m]"]
    extra = (
        f"<p>Epochs {s.get('epochs')}, missing {s.get('missing_epochs')}, clock jumps "
        f"{s.get('clock_jumps')}, file gaps {s.get('file_gaps')}, epoch flags "
        f"{s.get('epoch_flags')}.</p>"
    )
    return extra + table_html(head, rows, table_id="qc", digits=[0, 0, 2, 0, 0, 0]), s


def day_report(
    obs,
    nav,
    *,
    sp3=None,
    clk=None,
    truth_xyz=None,
    systems: str = "GREC",
    run_qc: bool = True,
    sources: dict[str, Any] | None = None,
) -> DayReport:
    """Compare the systems on one real day and return the self-contained page.

    Parameters
    ----------
    obs : xarray.Dataset
        Observations (:func:`kompas.read_obs`).
    nav : kompas.io.Navigation
        Broadcast navigation data.
    sp3, clk : xarray.Dataset, optional
        Precise orbits (and clocks) for the SISRE section.
    truth_xyz : array (3,), optional
        Known ECEF position [m] for the accuracy section.
    systems : str
        Systems to compare (those observed); each alone and all together.
    run_qc : bool
        Include the :func:`kompas.qc` summary.
    sources : dict, optional
        File names etc. listed at the top.
    """
    from kompas.analysis.time_offsets import time_offsets

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    sols = _solve_all(obs, nav, systems.upper())
    timings["solve_s"] = time.perf_counter() - t0
    station = str(obs.attrs.get("marker_name") or "RX")[:4].upper()
    combined = max(sols, key=len)
    acc = _accuracy_rows(sols, truth_xyz)
    parts = [f"<h1>{html.escape(station)}: the systems side by side</h1>"]
    info = [["station", station], ["systems compared", ", ".join(sols)]]
    for k, v in (sources or {}).items():
        info.append([k, str(v)])
    if truth_xyz is not None:
        info.append(["truth (ECEF m)", ", ".join(f"{x:.4f}" for x in truth_xyz)])
    parts.append(table_html(["", "value"], info, table_id="run", label_columns=2))
    head = ["solution", "epochs", "solved", "sats used", "PDOP mean", "PDOP max"]
    keys = ["solution", "epochs", "solved", "sats_mean", "pdop_mean", "pdop_max"]
    if truth_xyz is not None:
        head += ["RMS H [m]", "RMS V [m]", "95% H [m]", "95% V [m]"]
        keys += ["rms_horizontal_m", "rms_vertical_m", "p95_horizontal_m", "p95_vertical_m"]
    parts.append("<h2>Accuracy, epochs solved, geometry</h2>")
    parts.append(
        table_html(
            head,
            [[r.get(k) for k in keys] for r in acc],
            table_id="accuracy",
            digits=[0, 0, 0, 1, 2, 2, 2, 2, 2, 2],
        )
    )
    t1 = time.perf_counter()
    parts.append(
        figure_html(
            _plot_errors(sols, truth_xyz),
            "errors",
            "Position error per solution (or PDOP and satellites when no truth is given).",
        )
    )
    parts.append("<h2>DOP and satellites used</h2>")
    parts.append(
        figure_html(
            _plot_geometry(sols),
            "geometry",
            f"PDOP of every solution; satellites used per system in {combined}.",
        )
    )
    timings["plots_s"] = time.perf_counter() - t1
    data: dict[str, Any] = {"station": station, "accuracy": acc}
    if sp3 is not None:
        t1 = time.perf_counter()
        parts.append("<h2>Signal-in-space range error per system</h2>")
        text, rows = _sisre_section(nav, sp3, clk, "".join(s for s in combined))
        parts.append(text)
        data["sisre"] = rows
        timings["sisre_s"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    parts.append("<h2>Inter-system biases vs broadcast time offsets</h2>")
    if "G" in sols and len(combined) > 1:
        rep = time_offsets(nav, solutions={station: sols[combined]})
        rows = []
        for key, e in rep.receivers[station].items():
            d = e["estimated_minus_broadcast_ns"]
            rows.append(
                [
                    key,
                    e["broadcast_source"],
                    e["estimated_ns"]["median"],
                    e["broadcast_ns"]["median"],
                    d["median"],
                    d["std"],
                    d["drift_ns_per_day"],
                ]
            )
        head = [
            "pair",
            "broadcast",
            "estimated [ns]",
            "broadcast [ns]",
            "est - bcast [ns]",
            "std [ns]",
            "drift [ns/day]",
        ]
        parts.append(
            "<p>Estimated = -ISB/c from the combined solution (the receiver's "
            "T_S - GPST); minus the broadcast offset it is the receiver's own "
            "inter-system hardware bias, constant if the broadcast offset is right. "
            "'derived' = through each system's UTC offset. The combined solution uses "
            "each system's own broadcast ionosphere, so a pair whose models differ "
            "(NeQuick-G for Galileo, Klobuchar for GPS) also carries the models' mean "
            "difference; <code>kompas offsets --obs</code> solves with one model for all.</p>"
        )
        parts.append(table_html(head, rows, table_id="biases", label_columns=2))
        bc = [
            [r["pair"], r["source"], r["utc_id"] or "-", r["median_ns"], r["min_ns"], r["max_ns"]]
            for _, r in rep.series.iterrows()
        ]
        parts.append(
            table_html(
                ["broadcast offset", "source", "UTC id", "median [ns]", "min [ns]", "max [ns]"],
                bc,
                table_id="broadcast",
                label_columns=3,
            )
        )
        parts.append(
            figure_html(
                _plot_biases(rep),
                "biases",
                "Estimated minus broadcast inter-system offset per epoch.",
            )
        )
        data["biases"] = rep.receivers[station]
    else:
        parts.append("<p>Needs GPS and at least one other system.</p>")
    timings["biases_s"] = time.perf_counter() - t1
    parts.append("<h2>Fault flags</h2>")
    flags = _flag_rows(sols)
    parts.append(
        "<p>Every solution status, satellite exclusion reason, system flagged by "
        "the constellation check, lowered mask and warning (counts of epochs or "
        "satellite-epochs).</p>"
    )
    parts.append(
        table_html(["solution", "kind", "flag", "count"], flags, table_id="flags", label_columns=3)
    )
    data["flags"] = flags
    if run_qc:
        t1 = time.perf_counter()
        parts.append("<h2>Quality control</h2>")
        from kompas.errors import KompasError

        try:
            text, summ = _qc_section(obs, nav)
            parts.append(text)
            data["qc"] = summ
        except KompasError as exc:  # e.g. no signal QC can check: the page says why
            parts.append(f"<p>QC not available: {html.escape(str(exc))}</p>")
        timings["qc_s"] = time.perf_counter() - t1
    data["timings"] = {k: round(v, 3) for k, v in timings.items()}
    page = render_page(
        f"kompas report {station}",
        "\n".join(parts),
        footer=f"report built in {sum(timings.values()):.1f} s",
    )
    return DayReport(html=page, data=data)
