"""``kompas solve``: single point positioning from observation and navigation files."""

from __future__ import annotations

import time
from pathlib import Path

import click

from kompas.cli.common import echo_json, parse_xyz


@click.command("solve")
@click.argument("obs", type=click.Path(exists=True, dir_okay=False))
@click.argument("nav", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--systems", default="GREC", show_default=True, help="Systems to use, e.g. GREC.")
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
    type=float,
    default=10.0,
    show_default=True,
    help="Elevation mask, degrees.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the solution here.")
@click.option(
    "--format",
    "fmt",
    default="pos-xyz",
    show_default=True,
    type=click.Choice(["pos-xyz", "pos-llh", "nmea", "csv", "geojson"]),
)
@click.option("--truth", help="Known position X,Y,Z (ECEF metres) to report errors against.")
@click.option(
    "--truth-sinex",
    type=click.Path(exists=True, dir_okay=False),
    help="SINEX file; the station is taken from the observation header's marker.",
)
@click.option("--no-raim", is_flag=True, help="Disable RAIM/FDE.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def solve_command(
    obs, nav, systems, mode, elmask_deg, output, fmt, truth, truth_sinex, no_raim, as_json
):
    """Position every epoch of OBS with the navigation file(s) NAV."""
    import warnings

    from kompas.io.rinex_nav import read_nav
    from kompas.io.rinex_obs import read_obs
    from kompas.io.solution_writers import write_solution
    from kompas.positioning import accuracy_summary, solve

    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = read_obs(obs, systems=systems)
        navdata = read_nav(list(nav))
        t_read = time.perf_counter() - t0
        sol = solve(
            ds, navdata, systems=systems, mode=mode, elmask_deg=elmask_deg, raim=not no_raim
        )
    t_total = time.perf_counter() - t0
    report = {
        "observation_file": obs,
        "navigation_files": list(nav),
        "systems": sol.attrs["systems"],
        "mode": mode,
        "codes": sol.attrs["codes"],
        "epochs": sol.attrs["epochs"],
        "epochs_solved": sol.attrs["epochs_solved"],
        "mean_satellites": float(sol["n_sat"].where(sol["status"] <= 1).mean()),
        "mean_pdop": float(sol["pdop"].mean()),
        "warnings": sorted({str(w.message) for w in caught}),
        "time_read_s": round(t_read, 3),
        "time_total_s": round(t_total, 3),
    }
    truth_xyz = None
    if truth:
        truth_xyz = parse_xyz(truth)
        report["truth"] = {"source": "--truth", "xyz_m": truth_xyz.tolist()}
    elif truth_sinex:
        from kompas.io.sinex import station_position

        marker = ds.attrs.get("marker_name") or Path(obs).name[:4]
        truth_xyz, info = station_position(truth_sinex, marker[:4])
        report["truth"] = {
            "source": truth_sinex,
            "station": marker[:4],
            "xyz_m": list(map(float, truth_xyz)),
        }
    if truth_xyz is not None:
        report["accuracy"] = accuracy_summary(sol, truth_xyz)
    if output:
        write_solution(sol, output, fmt, source=obs)
        report["output"] = {"path": output, "format": fmt}
    if as_json:
        echo_json(report)
        return
    click.echo(
        f"{obs}: {report['epochs_solved']} of {report['epochs']} epochs solved "
        f"({report['systems']}, {mode}, codes {report['codes']})"
    )
    click.echo(
        f"mean satellites {report['mean_satellites']:.1f}, mean PDOP "
        f"{report['mean_pdop']:.2f}, {t_total:.2f} s"
    )
    if "accuracy" in report:
        a = report["accuracy"]
        click.echo(
            f"vs truth: RMS horizontal {a['rms_horizontal_m']:.2f} m, vertical "
            f"{a['rms_vertical_m']:.2f} m; 95% horizontal {a['p95_horizontal_m']:.2f} m, "
            f"vertical {a['p95_vertical_m']:.2f} m"
        )
    for w in report["warnings"]:
        click.echo(f"warning: {w}", err=True)
    if output:
        click.echo(f"wrote {output} ({fmt})")
