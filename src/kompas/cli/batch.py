"""``kompas batch``: many station-days on Dask, resumable, one network table."""

from __future__ import annotations

import click

from kompas.cli.common import EXIT_PARTIAL, NoResult, echo_json

_MANIFEST_SUFFIXES = (".csv", ".toml")


class PartialFailure(NoResult):
    """Some tasks of the batch failed, the others completed (exit code 4)."""

    exit_code = EXIT_PARTIAL


class Interrupted(NoResult):
    """Stopped by the user (SIGINT): finished tasks are kept, a rerun continues (130)."""

    exit_code = 130


def _days(inputs, nav, sp3, clk, truth_sinex):
    from dataclasses import replace

    from kompas.batch import expand_paths, pair_files, read_manifest

    manifests = [p for p in inputs if p.lower().endswith(_MANIFEST_SUFFIXES)]
    if manifests:
        if len(inputs) > 1:
            raise click.UsageError("give one manifest, or observation files/globs, not both")
        if nav or sp3 or clk:
            raise click.UsageError(
                "the manifest lists the nav/sp3/clk files: drop --nav/--sp3/--clk"
            )
        days = read_manifest(manifests[0])
        if truth_sinex:
            days = [d if d.truth else replace(d, truth=truth_sinex) for d in days]
        return days
    return pair_files(
        expand_paths(inputs),
        nav=expand_paths(nav) if nav else [],
        sp3=expand_paths(sp3) if sp3 else [],
        clk=expand_paths(clk) if clk else [],
        truth=truth_sinex,
    )


def _progress_runner(total_hint: int):
    """A rich progress bar on stderr (only on a terminal) and its callback."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    bar = Progress(
        TextColumn("[bold]batch"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        console=console,
        disable=not console.is_terminal,
        transient=False,
    )
    task = bar.add_task("tasks", total=total_hint, failed=0, last="")
    failed = 0

    def callback(done: int, total: int, record: dict) -> None:
        nonlocal failed
        failed += record.get("status") != "ok"
        bar.update(task, completed=done, total=total, failed=failed, last=record.get("task", ""))

    return bar, callback


def _print_table(result) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=80) if not Console().is_terminal else Console()
    table = Table(title=f"kompas batch: {len(result.records)} station-days", title_justify="left")
    table.add_column("task", overflow="fold", ratio=3)
    table.add_column("date", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("result / reason", overflow="fold", ratio=4)
    skipped = set(result.skipped)
    for r in result.records:
        solve = r["kinds"].get("solve", {}).get("row", {})
        if r["status"] != "ok":
            what = r["reason"]
        elif solve:
            what = f"{solve.get('epochs_solved')}/{solve.get('epochs')} epochs solved"
            if solve.get("rms_horizontal_m") is not None:
                what += f", RMS H {solve['rms_horizontal_m']:.2f} V {solve['rms_vertical_m']:.2f} m"
        else:
            what = "done"
        if r.get("warnings"):
            what += f" ({len(r['warnings'])} warning{'s' * (len(r['warnings']) > 1)})"
        status = "skipped" if r["task"] in skipped else r["status"]
        table.add_row(r["task"], str(r["station_day"].get("date") or "-"), status, what)
    console.print(table)
    console.print(f"network table: {result.files.get('stations')}", highlight=False)


def _run(days, kinds, out_dir, options, workers, scheduler, memory_limit, force, epochs, cb):
    from kompas.batch import run_batch

    return run_batch(
        days,
        kinds,
        out_dir,
        options,
        workers=workers,
        scheduler=scheduler,
        memory_limit=memory_limit,
        force=force,
        epochs=epochs,
        progress=cb,
    )


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--do",
    "kinds",
    default="info,solve",
    show_default=True,
    help="Task kinds, comma-separated (info, solve, sisre, ...; an unknown one is an error).",
)
@click.option("--nav", multiple=True, help="Navigation files or globs (repeatable).")
@click.option("--sp3", multiple=True, help="Precise orbit files or globs (for sisre).")
@click.option("--clk", multiple=True, help="Precise clock files or globs (for sisre).")
@click.option(
    "--truth-sinex",
    type=click.Path(exists=True, dir_okay=False),
    help="SINEX with the stations' coordinates: RMS vs truth in the network table.",
)
@click.option("--out", "out_dir", default="kompas-batch", show_default=True, help="Output folder.")
@click.option("--workers", type=click.IntRange(min=1), help="LocalCluster worker processes.")
@click.option("--scheduler", help="Address of a running Dask scheduler (tcp://HOST:PORT).")
@click.option("--memory-limit", help="Memory limit per LocalCluster worker, e.g. 2GiB.")
@click.option("--systems", default="GREC", show_default=True, help="Systems to solve with.")
@click.option("--mode", type=click.Choice(["single", "iflc"]), default="single", show_default=True)
@click.option("--elmask", "elmask_deg", type=float, default=10.0, show_default=True)
@click.option("--no-raim", is_flag=True, help="Disable RAIM/FDE.")
@click.option("--epochs", is_flag=True, help="Also gather every epoch into epochs.parquet.")
@click.option("--force", is_flag=True, help="Recompute tasks that are up to date.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary on stdout.")
def batch_command(
    inputs,
    kinds,
    nav,
    sp3,
    clk,
    truth_sinex,
    out_dir,
    workers,
    scheduler,
    memory_limit,
    systems,
    mode,
    elmask_deg,
    no_raim,
    epochs,
    force,
    as_json,
):
    """Run task kinds on every station-day of INPUTS (a CSV/TOML manifest, or observation
    files/globs paired with --nav/--sp3/--clk files by date) on Dask; gather the network
    table DIR/stations.parquet. Tasks whose inputs and options are unchanged are skipped."""
    from kompas.batch import BatchOptions, parse_kinds

    try:
        kind_list = parse_kinds(kinds)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--do") from None
    if workers and scheduler:
        raise click.UsageError("give --workers (LocalCluster) or --scheduler, not both")
    if memory_limit:
        from dask.utils import parse_bytes

        try:
            parse_bytes(memory_limit)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--memory-limit") from None
    from kompas.batch import BatchInputError

    try:
        days = _days(inputs, nav, sp3, clk, truth_sinex)
    except BatchInputError as exc:  # a glob matching nothing, a bad manifest: the command line
        raise click.UsageError(str(exc)) from None
    options = BatchOptions(systems=systems, mode=mode, elmask_deg=elmask_deg, raim=not no_raim)
    bar, callback = _progress_runner(len(days))
    finished = []

    def count(done: int, total: int, record: dict) -> None:
        finished.append(record.get("task"))
        callback(done, total, record)

    try:
        with bar:
            result = _run(days, kind_list, out_dir, options, workers, scheduler, memory_limit,
                          force, epochs, count)  # fmt: skip
    except KeyboardInterrupt:
        raise Interrupted(
            f"interrupted: {len(finished)} of {len(days)} tasks done and kept in {out_dir}; "
            "run the same command again to continue"
        ) from None
    if as_json:
        echo_json(result.to_dict())
    else:
        _print_table(result)
    failed, total = len(result.failed), len(result.records)
    if failed == total and total:
        raise NoResult(f"all {total} tasks failed; first: {result.failed[0]['reason']}")
    if failed:
        where = "the JSON's failed list" if as_json else "the table"
        raise PartialFailure(f"{failed} of {total} tasks failed (reasons in {where})")
