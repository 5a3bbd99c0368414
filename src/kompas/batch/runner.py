"""Run a batch of station-days on Dask: a LocalCluster by default, or any scheduler.

Each station-day is one Dask task (:func:`kompas.batch.worker.run_task`); results arrive as
they complete (``distributed.as_completed``) and feed the progress callback. Tasks already
done with unchanged inputs and options are not submitted; a worker that dies (memory limit,
crash) fails only its task. On interruption the futures are cancelled and the cluster closed;
every finished task has its complete record, so the next run continues from there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kompas.batch import store
from kompas.batch.context import BatchOptions
from kompas.batch.inputs import StationDay
from kompas.batch.network import write_network_tables
from kompas.batch.tasks import parse_kinds
from kompas.batch.worker import failure_record, one_line, plan_task, run_task

__all__ = ["BatchResult", "run_batch", "ProgressCallback"]

#: progress(done, total, record): called once per task (skipped ones first, then as they end)
ProgressCallback = Callable[[int, int, dict], None]
#: retries of a task whose worker died (Dask's default is 3: four times the memory blow-up)
ALLOWED_FAILURES = 1


@dataclass
class BatchResult:
    """What a batch did.

    Attributes
    ----------
    records : list of dict
        One task record per station-day (input order).
    skipped : list of str
        Tasks that were up to date and not run.
    out_dir : Path
    files : dict
        Network tables written (name → path).
    workers : int
        Dask workers that ran the tasks (0 when nothing had to run).
    wall_s : float
    """

    records: list[dict]
    skipped: list[str]
    out_dir: Path
    files: dict[str, str] = field(default_factory=dict)
    workers: int = 0
    wall_s: float = 0.0

    @property
    def failed(self) -> list[dict]:
        """``{"obs", "task", "reason"}`` of every failed task."""
        return [
            {"obs": r["station_day"]["obs"], "task": r["task"], "reason": r["reason"]}
            for r in self.records
            if r["status"] != "ok"
        ]

    def to_dict(self) -> dict:
        """The ``--json`` summary."""
        failed = self.failed
        return {
            "tasks": len(self.records),
            "succeeded": len(self.records) - len(failed),
            "skipped": len(self.skipped),
            "failed": [{"obs": f["obs"], "reason": f["reason"]} for f in failed],
            "out": str(self.out_dir),
            "files": self.files,
            "workers": self.workers,
            "wall_s": round(self.wall_s, 3),
        }


def _client(workers: int, scheduler: str | None, memory_limit: str | float | None):
    """A distributed Client (and the LocalCluster it owns, or None)."""
    import dask
    from distributed import Client

    if scheduler:
        return Client(scheduler, timeout="30s"), None
    # a task that kills its worker (memory limit) is retried once, not three times
    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
        cluster = _local_cluster(workers, memory_limit)
    return Client(cluster), cluster


def _local_cluster(workers: int, memory_limit):
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,  # warnings are captured per task: one task per process
        processes=True,
        memory_limit=memory_limit if memory_limit is not None else "auto",
        dashboard_address=None,
        silence_logs=logging.CRITICAL,  # failures are reported per task, not logged
    )


def _worker_count(client) -> int:
    workers = client.scheduler_info().get("workers", {})
    threads = sorted({w.get("nthreads", 1) for w in workers.values()})
    if threads and threads[-1] > 1:
        warnings.warn(
            f"Dask workers with {threads[-1]} threads: tasks sharing a process may mix their "
            "reader warnings; start them with --nthreads 1",
            stacklevel=3,
        )
    return len(workers)


def _lost_reason(exc: BaseException, memory_limit) -> str:
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        return (
            f"worker killed while running it, {ALLOWED_FAILURES + 1} times (memory limit "
            f"{memory_limit or 'auto'} per worker exceeded, or a crash)"
        )
    return f"worker lost: {one_line(exc)}"


def _submit_all(client, plans, kinds, options, out_dir, on_record, memory_limit=None):
    from distributed import as_completed

    futures = {}
    run = uuid.uuid4().hex[:8]  # two batches on one scheduler never share a key
    for p in plans:
        fut = client.submit(
            run_task,
            p,
            kinds,
            options,
            str(out_dir),
            key=f"kompas-batch-{run}-{p.day.task_id}",
            pure=False,
        )
        futures[fut] = p
    try:
        for fut in as_completed(list(futures)):
            plan = futures[fut]
            try:
                record = fut.result()
            except Exception as exc:  # the worker died or was killed (memory limit)
                reason = _lost_reason(exc, memory_limit)
                record = failure_record(plan, kinds, reason, out_dir)
            on_record(record)
    except BaseException:
        with contextlib.suppress(Exception):  # the cluster may already be going down
            client.cancel(list(futures), force=True)
        raise


def run_batch(
    days: Sequence[StationDay],
    kinds: str | Sequence[str],
    out_dir: str | os.PathLike,
    options: BatchOptions | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    memory_limit: str | float | None = None,
    force: bool = False,
    epochs: bool = False,
    progress: ProgressCallback | None = None,
) -> BatchResult:
    """Run the task kinds on every station-day and gather the network tables.

    Parameters
    ----------
    days : sequence of StationDay
        From :func:`kompas.batch.read_manifest` or :func:`kompas.batch.pair_files`.
    kinds : str or sequence of str
        ``"info,solve"`` or ``["info", "solve"]`` (see :func:`available_kinds`).
    out_dir : path
        Output folder (created); see :mod:`kompas.batch.store` for its layout.
    options : BatchOptions, optional
    workers : int, optional
        Worker processes of the LocalCluster (one thread each); default: one per core, at
        most one per task to run.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``) instead of a LocalCluster.
    memory_limit : str or float, optional
        Per-worker memory limit of the LocalCluster (``"2GiB"``; Dask's nanny restarts a
        worker beyond it and the task fails with that reason). Default: Dask's share of RAM.
    force : bool
        Recompute tasks that are up to date.
    epochs : bool
        Also gather every solved epoch into ``epochs.parquet``.
    progress : callable, optional
        ``progress(done, total, record)``.

    Returns
    -------
    BatchResult

    Raises
    ------
    ValueError
        Unknown task kind (the message lists the available ones), both ``workers`` and
        ``scheduler`` given.
    """
    t0 = time.perf_counter()
    kinds = parse_kinds(kinds) if isinstance(kinds, str) else parse_kinds(",".join(kinds))
    if scheduler and workers:
        raise ValueError("give workers (LocalCluster) or scheduler (an address), not both")
    options = options or BatchOptions()
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    plans = [plan_task(d, kinds, options, out, force) for d in days]
    by_task: dict[str, dict] = {}
    done = 0

    def on_record(record: dict) -> None:
        nonlocal done
        by_task[record["task"]] = record
        done += 1
        if progress is not None:
            progress(done, len(plans), record)

    skipped = [p.day.task_id for p in plans if p.done]
    for p in plans:
        if p.done:
            on_record(p.previous)
    todo = [p for p in plans if not p.done]
    n_workers = 0
    if todo:
        n = workers or min(os.cpu_count() or 1, len(todo))
        client, cluster = _client(n, scheduler, memory_limit)
        try:
            n_workers = _worker_count(client)
            _submit_all(client, todo, kinds, options, out, on_record, memory_limit)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    records = [by_task[p.day.task_id] for p in plans]
    result = BatchResult(records, skipped, out, workers=n_workers)
    result.files = write_network_tables(out, records, epochs=epochs)
    result.wall_s = time.perf_counter() - t0
    store.write_json(out / "batch.json", {**result.to_dict(), "kinds": kinds})
    return result
