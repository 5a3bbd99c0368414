"""One station-day on a worker: run its kinds, isolate failures, write the task record.

:func:`plan_task` (on the client) hashes the inputs, computes each kind's fingerprint and
tells what is already done; :func:`run_task` (on a worker, or in-process) runs the kinds not
done and writes ``task.json`` last, atomically. A kind whose fingerprint is unchanged and
whose files all exist is kept from the previous record.
"""

from __future__ import annotations

import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from kompas import __version__
from kompas.batch import store
from kompas.batch.context import BatchOptions, TaskContext
from kompas.batch.inputs import StationDay
from kompas.batch.tasks import get_kind
from kompas.errors import KompasError

__all__ = ["TaskPlan", "plan_task", "run_task", "failure_record", "one_line"]

#: Python exceptions that mean "this input is bad", not "kompas has a bug".
_DATA_ERRORS = (KompasError, OSError, EOFError, UnicodeError)


def one_line(exc: BaseException) -> str:
    """An exception as one line of text (what a network table cell holds)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, _DATA_ERRORS):
        return text
    return f"internal error {type(exc).__name__}: {text}"


@dataclass
class TaskPlan:
    """What a station-day needs: its inputs' digests and the fingerprint of each kind."""

    day: StationDay
    digests: dict[str, list[list[str]]]
    fingerprints: dict[str, str]
    todo: list[str] = field(default_factory=list)
    previous: dict | None = None

    @property
    def done(self) -> bool:
        """True when every kind is already up to date."""
        return not self.todo


def _kind_fingerprint(kind: str, digests: dict, options: BatchOptions) -> str:
    k = get_kind(kind)
    opts = options.to_dict()
    return store.fingerprint(
        {
            "kind": kind,
            "kompas": __version__,
            "inputs": {role: digests.get(role, []) for role in k.inputs},
            "options": {name: opts[name] for name in k.options},
            "truth": None if "truth" not in k.inputs else digests.get("truth_value"),
        }
    )


def _kind_is_current(prev: dict | None, kind: str, fp: str, task_dir: Path) -> bool:
    if not prev:
        return False
    entry = prev.get("kinds", {}).get(kind)
    if not entry or entry.get("status") != "ok" or entry.get("fingerprint") != fp:
        return False
    return all((task_dir / name).exists() for name in entry.get("outputs", []))


def plan_task(
    day: StationDay, kinds: list[str], options: BatchOptions, out_dir: str | Path, force: bool
) -> TaskPlan:
    """Hash the inputs of ``day`` and tell which kinds must run (all of them with ``force``)."""
    digests: dict = {
        role: [[p, store.file_digest(p)] for p in paths] for role, paths in day.files().items()
    }
    digests["truth_value"] = day.truth if day.truth else None
    fps = {k: _kind_fingerprint(k, digests, options) for k in kinds}
    prev = store.read_record(out_dir, day.task_id)
    task_dir = Path(out_dir) / store.TASKS_DIR / day.task_id
    todo = [k for k in kinds if force or not _kind_is_current(prev, k, fps[k], task_dir)]
    return TaskPlan(day, digests, fps, todo, prev)


def _run_kind(kind: str, ctx: TaskContext) -> dict:
    t0 = time.perf_counter()
    entry: dict = {"status": "ok", "reason": "", "row": {}, "warnings": []}
    n_out = len(ctx.outputs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            entry["row"] = get_kind(kind).run(ctx)
        except Exception as exc:  # fault isolation: the reason goes in the record
            entry.update(status="failed", reason=f"{kind}: {one_line(exc)}")
            if not isinstance(exc, _DATA_ERRORS):
                entry["traceback"] = traceback.format_exc(limit=8)
    entry["warnings"] = sorted({" ".join(str(w.message).split()) for w in caught})
    entry["outputs"] = ctx.outputs[n_out:]
    entry["time_s"] = round(time.perf_counter() - t0, 3)
    return entry


def _status(kinds: dict) -> tuple[str, str]:
    failed = [e["reason"] for e in kinds.values() if e.get("status") != "ok"]
    return ("failed", failed[0]) if failed else ("ok", "")


def run_task(plan: TaskPlan, kinds: list[str], options: BatchOptions, out_dir: str | Path) -> dict:
    """Run the kinds of ``plan.todo`` for one station-day and write its record.

    Never raises for a bad input: the kind's failure and its one-line reason are in the
    returned record (``status``, ``reason``, ``kinds[kind]``).
    """
    t0 = time.perf_counter()
    day = plan.day
    task_dir = Path(out_dir) / store.TASKS_DIR / day.task_id
    ctx = TaskContext(day, options, task_dir, kinds=[k for k in kinds if k in plan.todo])
    prev_kinds = (plan.previous or {}).get("kinds", {})
    entries: dict = {}
    for kind in kinds:
        if kind in plan.todo:
            entries[kind] = _run_kind(kind, ctx)
        else:
            entries[kind] = dict(prev_kinds[kind], reused=True)
        entries[kind]["fingerprint"] = plan.fingerprints[kind]
    status, reason = _status(entries)
    notes = list(ctx.read_warnings)
    if any(e.get("reused") for e in entries.values()):  # what the earlier run's reads said
        notes += [w for w in (plan.previous or {}).get("warnings", []) if w not in notes]
    for e in entries.values():
        notes += [w for w in e.get("warnings", []) if w not in notes]
    record = {
        "task": day.task_id,
        "station_day": day.to_dict(),
        "status": status,
        "reason": reason,
        "warnings": notes,
        "kinds": entries,
        "inputs": {k: v for k, v in plan.digests.items() if k != "truth_value"},
        "options": options.to_dict(),
        "kompas": __version__,
        "time_s": round(time.perf_counter() - t0, 3),
    }
    store.write_json(store.record_path(out_dir, day.task_id), record)
    return record


def failure_record(plan: TaskPlan, kinds: list[str], reason: str, out_dir: str | Path) -> dict:
    """Record of a task that never returned (worker lost or killed): written by the client."""
    entries = {
        k: {"status": "failed", "reason": reason, "row": {}, "fingerprint": plan.fingerprints[k]}
        for k in kinds
    }
    record = {
        "task": plan.day.task_id,
        "station_day": plan.day.to_dict(),
        "status": "failed",
        "reason": reason,
        "warnings": [],
        "kinds": entries,
        "inputs": {k: v for k, v in plan.digests.items() if k != "truth_value"},
        "options": {},
        "kompas": __version__,
        "time_s": None,
    }
    store.write_json(store.record_path(out_dir, plan.day.task_id), record)
    return record
