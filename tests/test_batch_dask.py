"""kompas batch as a process: interrupted and resumed; against an explicit Dask scheduler."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kompas.batch import read_manifest
from kompas.batch.simulate import simulate_network
from kompas.cli.main import main

#: generous: two Python processes importing distributed on a loaded 2-core machine
START_TIMEOUT_S = 90.0


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    """A manifest of six station-days: copies of one simulated hour under six names."""
    root = tmp_path_factory.mktemp("simnet-copies")
    net = simulate_network(root, n_stations=1, n_days=1, duration_s=3600.0)
    src = Path(net.obs[0])
    rows = []
    for i in range(6):
        name = src.name.replace("KS01", f"K{i:03d}")
        shutil.copy(src, root / name)
        rows.append(f"{name},{net.nav[0].name}")
    m = root / "copies.csv"
    m.write_text("obs,nav\n" + "\n".join(rows) + "\n")
    return m


def _records(out: Path) -> dict[str, float]:
    return {p.parent.name: p.stat().st_mtime_ns for p in out.glob("tasks/*/task.json")}


def test_interrupted_run_resumes_with_only_the_missing_tasks(copies, tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kompas.cli.main", "batch", str(copies), "--out", str(out)]
    cmd += ["--workers", "1", "--do", "info,solve", "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while len(_records(out)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # pragma: no cover - a hung shutdown is a failure
        proc.kill()
        raise
    done = _records(out)
    if proc.returncode == 0:  # pragma: no cover - the machine finished before the signal
        pytest.skip("the batch finished before SIGINT arrived")
    assert proc.returncode == 130, err
    assert "interrupted" in err and "run the same command again" in err
    assert 2 <= len(done) < 6
    assert not list(out.rglob("*.part"))  # nothing half-written
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["tasks"] == 6 and summary["succeeded"] == 6
    assert summary["skipped"] == len(done)
    after = _records(out)
    assert all(after[t] == mtime for t, mtime in done.items())  # not rewritten
    assert len(after) == 6


def _dask(tool: str) -> list[str]:
    exe = Path(sys.executable).parent / "dask"
    if exe.exists():
        return [str(exe), tool]
    return [sys.executable, "-m", f"distributed.cli.dask_{tool}"]


def _wait_for_file(path: Path, proc: subprocess.Popen) -> dict:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dask scheduler exited with {proc.returncode}")
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            time.sleep(0.1)
    raise TimeoutError("dask scheduler did not start")


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def test_batch_against_an_explicit_scheduler(copies, tmp_path, capsys):
    from distributed import Client

    sched_file = tmp_path / "scheduler.json"
    log = open(tmp_path / "dask.log", "w")  # noqa: SIM115 - closed in finally
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")
    scheduler = worker = None
    try:
        scheduler = subprocess.Popen(
            [*_dask("scheduler"), "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(sched_file)],
            stdout=log, stderr=log, env=env,
        )  # fmt: skip
        address = _wait_for_file(sched_file, scheduler)["address"]
        worker = subprocess.Popen(
            [*_dask("worker"), address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
             "--host", "127.0.0.1", "--memory-limit", "2GiB"],
            stdout=log, stderr=log, env=env,
        )  # fmt: skip
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(1, timeout=START_TIMEOUT_S)
        days = read_manifest(copies)[:3]
        manifest = tmp_path / "three.csv"
        manifest.write_text("obs,nav\n" + "".join(f"{d.obs},{d.nav[0]}\n" for d in days))
        out = tmp_path / "out"
        args = ["batch", str(manifest), "--scheduler", address, "--out", str(out), "--json"]
        assert main(args) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary["tasks"] == 3 and summary["succeeded"] == 3 and summary["workers"] == 1
        assert (out / "stations.parquet").exists()
    finally:
        _stop(worker)
        _stop(scheduler)
        log.close()
