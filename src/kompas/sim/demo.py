"""The ``kompas demo`` pipeline: simulate a ship's hour of multi-GNSS data, then position it.

:func:`run_demo` simulates one hour at 10 s of a research vessel in the Bering Sea (60°N
178°W, north-east at 10 knots) observing GPS, GLONASS, Galileo and BeiDou, writes the
broadcast navigation and observation data as RINEX files, reads those files back with
:func:`kompas.read_nav` / :func:`kompas.read_obs` and solves each constellation alone and
all together. A second observation file holds the same hour with one constellation
compromised for 20 minutes (every satellite of it off by a satellite-specific 50-350 m:
a broken system time plus per-satellite errors, as a failure or a spoofer would cause);
it is solved unprotected, with RAIM only, and with RAIM plus the constellation check.
Everything is measured against the simulated truth; nothing is printed here.

The simulated atmosphere *is* the broadcast model (Klobuchar, Saastamoinen + Niell), and
the solver applies the same models, so the errors left are the code noise
(0.3 m / sin E) and the injected fault. BDS satellites carry the BDS Klobuchar delay in the
simulator, so BDS is solved with ``bds_iono="bds"``.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from kompas.io.rinex_nav import read_nav
from kompas.io.rinex_nav_writer import write_nav
from kompas.io.rinex_obs import read_obs
from kompas.io.rinex_obs_writer import write_obs
from kompas.positioning import accuracy_summary, errors_against, solve
from kompas.sim.ephemeris import nominal_navigation
from kompas.sim.faults import RangeStep
from kompas.sim.observations import NoiseModel, Truth, ship_trajectory, simulate_observations
from kompas.time import Time, TimeScale

__all__ = ["DemoScenario", "DemoResult", "run_demo", "SYSTEM_NAMES", "KNOT_MPS"]

#: One international knot [m/s] (1852 m per hour, BIPM SI Brochure table 8).
KNOT_MPS = 1852.0 / 3600.0
#: Display names of the constellations used by the demo.
SYSTEM_NAMES = {"G": "GPS", "R": "GLONASS", "E": "Galileo", "C": "BeiDou"}
#: File names written into the output folder.
NAV_FILE = "kompas-sim_MN.rnx"
OBS_FILE = "kompas-sim_MO.rnx"
REPORT_FILE = "report.html"
SUMMARY_FILE = "summary.json"
SIMULATED_NOTE = (
    "SIMULATED DATA: nominal constellations and a simulated receiver (kompas.sim); "
    "no real satellite was observed."
)

#: Protection levels of the compromised-constellation runs: label -> solve options.
PROTECTIONS = {
    "unprotected": {"raim": False, "constellation_check": False},
    "RAIM only": {"raim": True, "constellation_check": False},
    "RAIM + constellation check": {"raim": True, "constellation_check": True},
}


def _iso(t: Time) -> str:
    """ISO-8601 text of a scalar epoch, whole seconds."""
    return str(np.asarray(t.isoformat(0)).item())


def _default_start() -> Time:
    # a fixed recent epoch: reproducible, and inside the leap-second table's validity
    return Time.from_calendar(2025, 6, 1, scale=TimeScale.GPST)


@dataclass(frozen=True)
class DemoScenario:
    """What the demo simulates (all defaults give the documented demo).

    Attributes
    ----------
    start : Time
        First epoch (GPST).
    duration_s, interval_s : float
        Span and observation interval.
    lat_deg, lon_deg, height_m : float
        Start of the ship's track (WGS84) and antenna height above the ellipsoid.
    heading_deg, speed_knots : float
        Rhumb-line course (clockwise from north) and speed.
    systems : str
        Constellations simulated and solved.
    faulty_system : str
        Constellation compromised in the fault scenario.
    fault_start_s, fault_duration_s : float
        Fault window, seconds after ``start``.
    fault_range_m : tuple of float
        Each satellite of the faulty system gets a range error drawn uniformly from this
        interval (metres, code and phase) for the whole window.
    seed : int
        Seed of the clock/group-delay draws, the noise and the fault magnitudes.
    """

    start: Time = field(default_factory=_default_start)
    duration_s: float = 3600.0
    interval_s: float = 10.0
    lat_deg: float = 60.0
    lon_deg: float = -178.0
    height_m: float = 15.0
    heading_deg: float = 45.0
    speed_knots: float = 10.0
    systems: str = "GREC"
    faulty_system: str = "E"
    fault_start_s: float = 1200.0
    fault_duration_s: float = 1200.0
    fault_range_m: tuple[float, float] = (50.0, 350.0)
    seed: int = 2025

    def describe(self) -> dict:
        """JSON-ready description of the scenario."""
        return {
            "start": _iso(self.start) + " GPST",
            "duration_s": self.duration_s,
            "interval_s": self.interval_s,
            "start_lat_deg": self.lat_deg,
            "start_lon_deg": self.lon_deg,
            "height_m": self.height_m,
            "heading_deg": self.heading_deg,
            "speed_knots": self.speed_knots,
            "systems": self.systems,
            "faulty_system": self.faulty_system,
            "fault_start_s": self.fault_start_s,
            "fault_duration_s": self.fault_duration_s,
            "fault_range_m": list(self.fault_range_m),
            "seed": self.seed,
        }


@dataclass
class DemoResult:
    """Everything the demo produced.

    Attributes
    ----------
    scenario : DemoScenario
    rows : list of dict
        One row per solved combination: ``label``, ``systems``, ``scenario``
        ("fault-free" or "compromised"), ``protection``, ``epochs``, ``epochs_solved``,
        ``rms_horizontal_m``, ``rms_vertical_m``, ``p95_horizontal_m``, ``p95_vertical_m``,
        ``mean_pdop``, ``mean_satellites``.
    fault : dict
        The injected fault and what the protected solver did about it (see
        :func:`_fault_summary`).
    files : dict
        Name -> path of every file written (navigation, observations, report, summary).
    solutions : dict
        Row label -> solution Dataset from :func:`kompas.solve`.
    truth : Truth
        The simulated truth (ship positions, receiver clocks).
    timings_s : dict
        Wall time of each stage and ``total``.
    warnings : dict
        Row label -> warnings issued by the solver.
    """

    scenario: DemoScenario
    rows: list[dict]
    fault: dict
    files: dict[str, Path]
    solutions: dict[str, xr.Dataset]
    truth: Truth
    timings_s: dict[str, float]
    warnings: dict[str, list[str]]
    simulated_note: str = SIMULATED_NOTE

    def to_dict(self) -> dict:
        """JSON-ready summary (no arrays)."""
        return {
            "simulated": True,
            "note": self.simulated_note,
            "scenario": self.scenario.describe(),
            "table": self.rows,
            "fault": self.fault,
            "files": {k: str(v) for k, v in self.files.items()},
            "timings_s": {k: round(v, 3) for k, v in self.timings_s.items()},
            "warnings": self.warnings,
        }


ProgressCallback = Callable[[str, int, int], None]


def _combinations(systems: str) -> list[str]:
    return [s for s in systems] + ([systems] if len(systems) > 1 else [])


def _label(systems: str) -> str:
    if len(systems) == 1:
        return SYSTEM_NAMES.get(systems, systems)
    return "All (" + "+".join(systems) + ")"


def _fault_label(scenario: DemoScenario, protection: str) -> str:
    name = SYSTEM_NAMES.get(scenario.faulty_system, scenario.faulty_system)
    return f"All, {name} compromised, {protection}"


def _solve_recorded(obs, nav, systems: str, **options) -> tuple[xr.Dataset, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sol = solve(obs, nav, systems=systems, bds_iono="bds", **options)
    return sol, sorted({str(w.message) for w in caught})


def _row(label, systems, kind, protection, sol, truth_xyz) -> dict:
    acc = accuracy_summary(sol, truth_xyz)
    ok = sol["status"].values <= 1
    return {
        "label": label,
        "systems": systems,
        "scenario": kind,
        "protection": protection,
        "epochs": int(acc["epochs"]),
        "epochs_solved": int(acc["solved"]),
        "rms_horizontal_m": acc.get("rms_horizontal_m", float("nan")),
        "rms_vertical_m": acc.get("rms_vertical_m", float("nan")),
        "p95_horizontal_m": acc.get("p95_horizontal_m", float("nan")),
        "p95_vertical_m": acc.get("p95_vertical_m", float("nan")),
        "mean_pdop": float(np.nanmean(sol["pdop"].values[ok])) if ok.any() else float("nan"),
        "mean_satellites": float(np.mean(sol["n_sat"].values[ok])) if ok.any() else 0.0,
    }


def _fault_objects(scenario: DemoScenario, nav) -> tuple[list[RangeStep], dict[str, float]]:
    """One range step per satellite of the faulty system, magnitudes seeded."""
    every = {str(s) for df in nav.ephemerides.values() for s in df["sv"]}
    svs = sorted(s for s in every if s[0] == scenario.faulty_system)
    rng = np.random.default_rng(scenario.seed + 1)
    mags = rng.uniform(*scenario.fault_range_m, len(svs))
    start = scenario.start + scenario.fault_start_s
    end = scenario.start + (scenario.fault_start_s + scenario.fault_duration_s)
    faults = [RangeStep(sv, start, float(m), end) for sv, m in zip(svs, mags, strict=True)]
    return faults, {sv: round(float(m), 3) for sv, m in zip(svs, mags, strict=True)}


def _window_rms(sol: xr.Dataset, truth_xyz: np.ndarray, window: np.ndarray) -> float:
    hz = errors_against(sol, truth_xyz)["error_horizontal_m"].values[window]
    hz = hz[np.isfinite(hz)]
    return float(np.sqrt(np.mean(hz**2))) if hz.size else float("nan")


def _fault_summary(
    scenario: DemoScenario,
    magnitudes: dict[str, float],
    solutions: dict[str, xr.Dataset],
    clean: xr.Dataset,
    truth_xyz: np.ndarray,
) -> dict:
    """What was injected, which system the protected run flagged, when, and at what cost."""
    protected = solutions[_fault_label(scenario, "RAIM + constellation check")]
    t = Time.from_datetime64(protected["time"].values, protected.attrs.get("time_scale", "GPST"))
    since = np.asarray(t - scenario.start, dtype=float)
    window = (since >= scenario.fault_start_s) & (
        since < scenario.fault_start_s + scenario.fault_duration_s
    )
    flagged = {}
    flags = protected["system_flagged"].values
    for k, sys in enumerate(protected["system"].values):
        idx = np.flatnonzero(flags[:, k])
        if idx.size == 0:
            continue
        flagged[str(sys)] = {
            "name": SYSTEM_NAMES.get(str(sys), str(sys)),
            "epochs": int(idx.size),
            "first": _iso(t[int(idx[0])]),
            "last": _iso(t[int(idx[-1])]),
            "in_fault_window": int(window[idx].sum()),
            "outside_fault_window": int((~window[idx]).sum()),
        }
    sys = scenario.faulty_system
    k = list(protected["system"].values).index(sys) if sys in protected["system"].values else -1
    hits = np.flatnonzero(flags[:, k] & window) if k >= 0 else np.array([], int)
    first_fault_epoch = int(np.flatnonzero(window)[0]) if window.any() else -1
    delay_epochs = int(hits[0] - first_fault_epoch) if hits.size else None
    rms_clean = accuracy_summary(clean, truth_xyz)
    rms_prot = accuracy_summary(protected, truth_xyz)
    window_rms = {
        "fault-free": _window_rms(clean, truth_xyz, window),
        **{
            p: _window_rms(solutions[_fault_label(scenario, p)], truth_xyz, window)
            for p in PROTECTIONS
        },
    }
    return {
        "system": sys,
        "name": SYSTEM_NAMES.get(sys, sys),
        "description": (
            f"every {SYSTEM_NAMES.get(sys, sys)} range off by "
            f"{scenario.fault_range_m[0]:.0f}-{scenario.fault_range_m[1]:.0f} m, "
            "a different step per satellite"
        ),
        "start": _iso(scenario.start + scenario.fault_start_s),
        "end": _iso(scenario.start + scenario.fault_start_s + scenario.fault_duration_s),
        "epochs_in_window": int(window.sum()),
        "range_step_m": magnitudes,
        "flagged": flagged,
        "detected": bool(hits.size),
        "first_flag": _iso(t[int(hits[0])]) if hits.size else None,
        "detection_delay_epochs": delay_epochs,
        "detection_delay_s": None if delay_epochs is None else delay_epochs * scenario.interval_s,
        "missed_epochs": int(window.sum() - hits.size),
        "rms_horizontal_fault_window_m": window_rms,
        "rms_ratio_horizontal": rms_prot["rms_horizontal_m"] / rms_clean["rms_horizontal_m"],
        "rms_ratio_vertical": rms_prot["rms_vertical_m"] / rms_clean["rms_vertical_m"],
    }


def run_demo(
    out_dir: str | Path = "kompas-demo",
    scenario: DemoScenario | None = None,
    progress: ProgressCallback | None = None,
    report: bool = True,
) -> DemoResult:
    """Simulate the demo scenario, write RINEX files, read them back and position.

    Parameters
    ----------
    out_dir : path-like
        Folder for the RINEX files, ``report.html`` and ``summary.json`` (created).
    scenario : DemoScenario, optional
        Defaults to the documented Bering Sea hour.
    progress : callable, optional
        ``progress(stage, done, total)`` called before each stage and once at the end
        (``done == total``), for a progress bar.
    report : bool
        Write the HTML report (:func:`kompas.sim.report.write_report`).

    Returns
    -------
    DemoResult
    """
    sc = scenario or DemoScenario()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    combos = _combinations(sc.systems)
    stages = (
        ["navigation data", "observations", "RINEX files", "reading RINEX"]
        + [f"solving {_label(c)}" for c in combos]
        + [f"solving {p}" for p in PROTECTIONS]
        + (["report"] if report else [])
    )
    done = 0
    timings: dict[str, float] = {}
    t_start = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal done
        if progress is not None:
            progress(name, done, len(stages))
        done += 1

    def lap(name: str, t0: float) -> float:
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - t0
        return now

    t0 = time.perf_counter()
    stage(stages[0])
    nav = nominal_navigation(sc.start, sc.duration_s, sc.systems, seed=sc.seed)
    t0 = lap("navigation", t0)

    stage(stages[1])
    n = int(round(sc.duration_s / sc.interval_s))
    times = sc.start + np.arange(n) * sc.interval_s
    ship = ship_trajectory(
        times, sc.lat_deg, sc.lon_deg, sc.heading_deg, sc.speed_knots * KNOT_MPS, sc.height_m
    )
    noise = NoiseModel()
    ds, truth = simulate_observations(nav, ship, times, noise=noise, seed=sc.seed)
    faults, magnitudes = _fault_objects(sc, nav)
    ds_fault, _ = simulate_observations(nav, ship, times, noise=noise, faults=faults, seed=sc.seed)
    t0 = lap("simulation", t0)

    stage(stages[2])
    files = {
        "navigation": out / NAV_FILE,
        "observations": out / OBS_FILE,
        "observations_fault": out / f"kompas-sim-fault-{sc.faulty_system}_MO.rnx",
    }
    fault_note = (
        f"FAULT: {SYSTEM_NAMES.get(sc.faulty_system, sc.faulty_system)} ranges +"
        f"{sc.fault_range_m[0]:.0f}..{sc.fault_range_m[1]:.0f} m, "
        f"{_iso(sc.start + sc.fault_start_s)} for {sc.fault_duration_s:.0f} s"
    )
    for data, extra in ((ds, []), (ds_fault, [fault_note])):
        data.attrs["comments"] = ["SIMULATED DATA (kompas.sim): not a real receiver", *extra]
        data.attrs["marker_name"] = "KOMPAS SIM SHIP"
    write_nav(
        nav,
        files["navigation"],
        program="kompas.sim",
        comments=["SIMULATED DATA (kompas.sim): nominal constellations"],
    )
    write_obs(ds, files["observations"])
    write_obs(ds_fault, files["observations_fault"])
    t0 = lap("write RINEX", t0)

    stage(stages[3])
    nav_r = read_nav(files["navigation"])
    obs_r = read_obs(files["observations"])
    obs_f = read_obs(files["observations_fault"])
    t0 = lap("read RINEX", t0)

    solutions: dict[str, xr.Dataset] = {}
    run_warnings: dict[str, list[str]] = {}
    rows = []
    for i, combo in enumerate(combos):
        stage(stages[4 + i])
        label = _label(combo)
        sol, caught = _solve_recorded(obs_r, nav_r, combo)
        solutions[label], run_warnings[label] = sol, caught
        rows.append(
            _row(label, combo, "fault-free", "RAIM + constellation check", sol, truth.position_m)
        )
        t0 = lap("solve", t0)
    for j, (prot, opts) in enumerate(PROTECTIONS.items()):
        stage(stages[4 + len(combos) + j])
        label = _fault_label(sc, prot)
        sol, caught = _solve_recorded(obs_f, nav_r, sc.systems, **opts)
        solutions[label], run_warnings[label] = sol, caught
        rows.append(_row(label, sc.systems, "compromised", prot, sol, truth.position_m))
        t0 = lap("solve", t0)

    fault = _fault_summary(
        sc, magnitudes, solutions, solutions[_label(sc.systems)], truth.position_m
    )
    files["summary"] = out / SUMMARY_FILE
    result = DemoResult(sc, rows, fault, files, solutions, truth, timings, run_warnings)
    if report:
        from kompas.sim.report import write_report

        stage(stages[-1])
        files["report"] = out / REPORT_FILE
        timings["total"] = time.perf_counter() - t_start  # the report states it
        write_report(result, files["report"])
        t0 = lap("report", t0)
    timings["total"] = time.perf_counter() - t_start
    files["summary"].write_text(json.dumps(_json_clean(result.to_dict()), indent=2))
    if progress is not None:
        progress("done", len(stages), len(stages))
    return result


def _json_clean(o):
    if isinstance(o, float):
        return o if np.isfinite(o) else None
    if isinstance(o, dict):
        return {str(k): _json_clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_json_clean(v) for v in o]
    if isinstance(o, np.generic):
        return _json_clean(o.item())
    return o
