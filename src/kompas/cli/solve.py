"""``kompas solve``: single point positioning from observation and navigation files."""

from __future__ import annotations

import time
from pathlib import Path

import click
import numpy as np

from kompas.cli.common import (
    ELEVATION_DEG,
    EPOCH,
    NoResult,
    echo_json,
    parse_xyz,
    resolve_epoch,
    sinex_station,
    span_text,
    stamp,
    systems_option,
)
from kompas.orbits.selection import RULES
from kompas.positioning.iono import IONO_OPTIONS

_FORMATS = ["pos-xyz", "pos-llh", "nmea", "csv", "geojson"]


def no_result_reason(sol, nav, orbit_span, orbit_label: str) -> str:
    """One line on the unsolved epochs: :func:`kompas.positioning.unsolved_reasons`, with
    the span of the SP3 orbits when those, not broadcast ephemerides, were missing."""
    from kompas.positioning import unsolved_reasons

    why = unsolved_reasons(sol, nav if orbit_label == "nav" else None)
    text = why["text"]
    if orbit_label != "nav" and why["dominant"] == "no usable ephemeris":
        t = sol["time"].values
        cover = span_text(*orbit_span) + " GPST" if orbit_span else "no epoch"
        text += (
            f" — SP3 covers {cover}, obs {span_text(t.min(), t.max())} "
            f"{sol.attrs.get('time_scale', 'GPST')}"
        )
    return text


def _read_inputs(obs, nav, sp3, clk, systems, mode, start, end):
    """Observations (cut to start/end), navigation data and the orbit source.

    Only the observables the solver can use are read (its signal candidates and their
    Dopplers): the same solution as from every observable, in a quarter of the memory."""
    from kompas.io.rinex_nav import read_nav
    from kompas.io.rinex_obs import read_obs
    from kompas.positioning.measurements import observables_needed

    ds = read_obs(obs, systems=systems, codes=observables_needed(systems, mode))
    if ds.sizes.get("time", 0) == 0:
        raise NoResult(f"{obs}: no observation epoch of systems {systems}")
    first, last = ds["time"].values[0], ds["time"].values[-1]
    t0, t1 = resolve_epoch(start, first), resolve_epoch(end, first)
    if t0 is not None and t1 is not None and t1 < t0:
        raise click.BadParameter(f"--end {t1} is before --start {t0}", param_hint="--end")
    if t0 is not None or t1 is not None:
        ds = ds.sel(time=slice(t0, t1))
        if ds.sizes["time"] == 0:
            raise NoResult(
                f"no observation epoch between {stamp(t0 or first)} and {stamp(t1 or last)}; "
                f"{obs} spans {span_text(first, last)} {ds.attrs.get('time_scale', 'GPST')}"
            )
    navdata = read_nav(list(nav)) if nav else None
    if not sp3:
        return ds, navdata, navdata, None, "nav"
    from kompas.io.rinex_clock import read_rinex_clock
    from kompas.io.sp3 import read_sp3
    from kompas.orbits.precise import PreciseOrbit
    from kompas.positioning.sources import PreciseSource

    orbit = read_sp3(list(sp3))
    clock = read_rinex_clock(list(clk)) if clk else None
    t = orbit["time"].values
    span = (t.min(), t.max()) if t.size else None
    return ds, navdata, PreciseSource(PreciseOrbit(orbit, clock), navdata), span, "SP3"


def _truth(truth, truth_sinex, station, ds, obs, report):
    """Known position for the accuracy report, from --truth or --truth-sinex."""
    if truth:
        xyz = parse_xyz(truth, "--truth")
        report["truth"] = {"source": "--truth", "xyz_m": xyz.tolist()}
        return xyz
    if not truth_sinex:
        return None
    xyz, info = sinex_station(truth_sinex, station, ds, obs)
    report["truth"] = {
        "source": truth_sinex,
        "station": info["station"],
        "point": "marker",
        "xyz_m": list(map(float, xyz)),
        "eccentricity_une_m": [float(v) for v in info["eccentricity_une_m"]],
    }
    return xyz


def _sinex_eccentricity_enu(report) -> np.ndarray | None:
    """The SINEX antenna eccentricity (ARP − marker, east/north/up) of --truth-sinex, so
    that the solution refers to the same marker as the SINEX position; None without."""
    une = report.get("truth", {}).get("eccentricity_une_m")
    if une is None or not np.all(np.isfinite(une)):
        return None
    return np.array([une[2], une[1], une[0]])


def _check_combination(nav, sp3_files, clk_files, station, truth, truth_sinex, output) -> None:
    """Usage errors that no single option's type can catch (checked before any work)."""
    if output and not Path(output).resolve().parent.is_dir():
        raise click.BadParameter(f"no folder {Path(output).parent}", param_hint="-o/--output")
    if truth:
        parse_xyz(truth, "--truth")
    if not nav and not sp3_files:
        raise click.UsageError("give at least one navigation file NAV, or --sp3")
    if clk_files and not sp3_files:
        raise click.UsageError("--clk needs --sp3")
    if station and not truth_sinex:
        raise click.UsageError("--station names the station of --truth-sinex; give that too")
    if truth and truth_sinex:
        raise click.UsageError("give --truth or --truth-sinex, not both")


def _report(obs, nav, sp3_files, clk_files, mode, sol, truth_part: dict, caught) -> dict:
    """The run's facts (the --json output)."""
    ok = (sol["status"] <= 1).values
    return {
        "observation_file": obs,
        **truth_part,
        "navigation_files": list(nav),
        "sp3_files": list(sp3_files),
        "clock_files": list(clk_files),
        "systems": sol.attrs["systems"],
        "mode": mode,
        "codes": sol.attrs["codes"],
        "signals": sol.attrs.get("signals"),
        "isc": sol.attrs.get("isc"),
        "ionosphere": sol.attrs.get("iono_models") or sol.attrs.get("ionosphere"),
        "ref_point": sol.attrs.get("ref_point"),
        "antenna": sol.attrs.get("antenna"),
        "frame": sol.attrs.get("frame"),
        "epochs": sol.attrs["epochs"],
        "epochs_solved": sol.attrs["epochs_solved"],
        "mean_satellites": float(sol["n_sat"].values[ok].mean()) if ok.any() else None,
        "mean_pdop": float(sol["pdop"].values[ok].mean()) if ok.any() else None,
        "warnings": sorted({str(w.message) for w in caught}),
    }


def _isc_line(isc: dict) -> str:
    """'CNAV ISC: G C1C+C5Q 609/609 cells, ...' where any were applied (else empty)."""
    parts = [
        f"{sys} {sig} {c['with_isc']}/{c['with_isc'] + c['without_isc']} cells"
        for sys, sigs in isc.items()
        for sig, c in sigs.items()
        if c["with_isc"]
    ]
    return "CNAV ISC: " + ", ".join(parts) if parts else ""


def _print_human(report, sol, output, fmt) -> None:
    click.echo(
        f"{report['observation_file']}: {report['epochs_solved']} of {report['epochs']} "
        f"epochs solved ({report['systems']}, {report['mode']}, codes {report['codes']})"
    )
    click.echo(
        f"mean satellites {report['mean_satellites']:.1f}, mean PDOP "
        f"{report['mean_pdop']:.2f}, {report['time_total_s']:.2f} s"
    )
    iono = report.get("ionosphere")
    if isinstance(iono, dict) and iono:
        click.echo("ionosphere: " + ", ".join(f"{k} {v}" for k, v in iono.items()))
    if report.get("antenna"):
        click.echo(f"antenna: {report['antenna']}")
    isc = _isc_line(report.get("isc") or {})
    if isc:
        click.echo(isc)
    if report.get("unsolved"):
        click.echo(f"not solved: {report['unsolved']}")
    a = report.get("accuracy")
    if a and a.get("solved"):
        point = sol.attrs.get("ref_point")
        click.echo(
            f"vs truth{f' ({point})' if point else ''}: RMS horizontal "
            f"{a['rms_horizontal_m']:.2f} m, vertical {a['rms_vertical_m']:.2f} m; "
            f"95% horizontal {a['p95_horizontal_m']:.2f} m, vertical {a['p95_vertical_m']:.2f} m"
        )
    for w in report["warnings"]:
        click.echo(f"warning: {w}", err=True)
    if output:
        click.echo(f"wrote {output} ({fmt})")


@click.command("solve")
@click.argument("obs", type=click.Path(exists=True, dir_okay=False))
@click.argument("nav", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@systems_option(default="GREC")
@click.option(
    "--mode",
    type=click.Choice(["single", "iflc"]),
    default="single",
    show_default=True,
    help="Single-frequency code or dual-frequency ionosphere-free.",
)
@click.option(
    "--elmask",
    "elmask_deg",
    type=ELEVATION_DEG,
    default=10.0,
    show_default=True,
    help="Elevation mask, degrees (0-90).",
)
@click.option(
    "--sp3",
    "sp3_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Precise orbits (SP3) instead of the broadcast ones; repeat for several files. "
    "NAV, when given, still supplies the broadcast ionosphere.",
)
@click.option(
    "--clk",
    "clk_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Precise clocks (RINEX clock) for --sp3; default: the SP3 clocks.",
)
@click.option("--start", type=EPOCH, help="First epoch: YYYY-MM-DDTHH:MM[:SS] or HH:MM[:SS].")
@click.option("--end", type=EPOCH, help="Last epoch (same forms as --start).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the solution here.")
@click.option("--format", "fmt", default="pos-xyz", show_default=True, type=click.Choice(_FORMATS))
@click.option("--truth", help="Known position X,Y,Z (ECEF metres) to report errors against.")
@click.option(
    "--truth-sinex",
    type=click.Path(exists=True, dir_okay=False),
    help="SINEX file with the station's marker position to report errors against.",
)
@click.option(
    "--station", help="Station code for --truth-sinex (default: the observation header's marker)."
)
@click.option(
    "--iono",
    type=click.Choice(IONO_OPTIONS),
    metavar="MODEL",
    default="broadcast",
    show_default=True,
    help="Ionosphere: 'broadcast' (each system's own model where the navigation data "
    "carry it, the best available otherwise), one of "
    + ", ".join(IONO_OPTIONS[1:])
    + " for every system. Ignored in --mode iflc.",
)
@click.option(
    "--rule",
    type=click.Choice(RULES),
    default="nearest",
    show_default=True,
    help="Broadcast record choice: nearest in time (post-processing), the latest, or "
    "the latest transmitted (what a receiver had).",
)
@click.option(
    "--antex",
    type=click.Path(exists=True, dir_okay=False),
    help="ANTEX file: the receiver antenna's phase-centre offset and variation (the "
    "header's ANT # / TYPE) are removed from the codes.",
)
@click.option("--no-raim", is_flag=True, help="Disable RAIM/FDE.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def solve_command(
    obs,
    nav,
    systems,
    mode,
    elmask_deg,
    sp3_files,
    clk_files,
    start,
    end,
    output,
    fmt,
    truth,
    truth_sinex,
    station,
    iono,
    rule,
    antex,
    no_raim,
    as_json,
):
    """Position every epoch of OBS with the navigation file(s) NAV (or --sp3 orbits).

    Exit codes: 0 solved, 1 unreadable or mismatched data, 2 wrong command line, 3 no
    epoch solved (the dominant reason is printed)."""
    import warnings

    from kompas.io.solution_writers import write_solution
    from kompas.positioning import accuracy_summary, solve

    _check_combination(nav, sp3_files, clk_files, station, truth, truth_sinex, output)
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds, navdata, source, orbit_span, orbit_label = _read_inputs(
            obs, nav, sp3_files, clk_files, systems, mode, start, end
        )
        t_read = time.perf_counter() - t0
        report: dict = {}
        truth_xyz = _truth(truth, truth_sinex, station, ds, obs, report)
        ecc = _sinex_eccentricity_enu(report)
        calibrations = None
        if antex:
            from kompas.io.antex import read_antex

            calibrations = read_antex(antex)
        sol = solve(
            ds,
            source,
            systems=systems,
            mode=mode,
            elmask_deg=elmask_deg,
            raim=not no_raim,
            iono=iono,
            rule=rule,
            eccentricity_enu_m=ecc,
            antex=calibrations,
        )
    t_total = time.perf_counter() - t0
    frame = getattr(getattr(source, "product", None), "frame", "")
    if sp3_files and frame:  # name the product's own frame (e.g. IGS20)
        sol.attrs["frame"] = f"{frame} (the frame of the SP3 orbits)"
    report = _report(obs, nav, sp3_files, clk_files, mode, sol, report, caught)
    report.update(
        unsolved=no_result_reason(sol, navdata, orbit_span, orbit_label) or None,
        time_read_s=round(t_read, 3),
        time_total_s=round(t_total, 3),
    )
    ok = (sol["status"] <= 1).values
    if not ok.any():
        if as_json:
            echo_json(report)
        else:
            for w in report["warnings"]:
                click.echo(f"warning: {w}", err=True)
        raise NoResult(report["unsolved"] or "no epoch solved")
    if truth_xyz is not None:
        report["accuracy"] = accuracy_summary(sol, truth_xyz)
    if output:
        write_solution(sol, output, fmt, source=obs)
        report["output"] = {"path": output, "format": fmt}
    if as_json:
        echo_json(report)
        return
    _print_human(report, sol, output, fmt)
