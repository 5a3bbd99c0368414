"""Benchmark: read_obs on the NIST full day (plain RINEX and .crx.gz), and georinex on 2 h.

Each case runs in its own Python process, so the printed peak RSS (``ru_maxrss``) is that
case's own.  "read" is the wall time of the ``read_obs`` call (imports excluded, best of
``--repeat`` calls in the process: the machine is shared); "process" is the whole
process (interpreter start and imports included) of the first call.  Budgets: <= 1.5 s from
plain RINEX, <= 2.0 s from .crx.gz, peak RSS <= 600 MB.

georinex (not a kompas dependency) runs from ``$GEORINEX_PYTHON`` (default
``/work/venv-georinex/bin/python``) on the first 2 hours of the day, compared with kompas on
the same cut.

Usage: ``PYTHONPATH=src python benchmarks/read_obs.py [--repeat N] [--no-georinex]``
Data: ``$KOMPAS_DATA`` or ``../shared/data`` beside the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NIST = "nist-2023-001/NIST00USA_R_20230010000_01D_30S_MO.crx.gz"
GEORINEX_PYTHON = os.environ.get("GEORINEX_PYTHON", "/work/venv-georinex/bin/python")

_KOMPAS_CASE = """
import json, resource, sys, time
t0 = time.perf_counter()
from kompas.io.rinex_obs import read_obs
t_import = time.perf_counter() - t0
times = []
for _ in range({repeat}):
    t = time.perf_counter()
    ds = read_obs({path!r})
    times.append(time.perf_counter() - t)
print(json.dumps({{"read_s": min(times), "first_s": times[0], "import_s": t_import,
    "epochs": ds.sizes["time"], "sv": ds.sizes["sv"], "vars": len(ds.data_vars),
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

_GEORINEX_CASE = """
import json, resource, time, warnings
warnings.simplefilter("ignore")
import georinex as gr
t = time.perf_counter()
ds = gr.load({path!r})
dt = time.perf_counter() - t
print(json.dumps({{"read_s": dt, "epochs": ds.sizes["time"], "sv": ds.sizes["sv"],
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def data_dir() -> Path:
    env = os.environ.get("KOMPAS_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def run(python: str, code: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    t = time.perf_counter()
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr else "failed")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = wall
    return result


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-georinex", action="store_true")
    args = parser.parse_args(argv)
    root = data_dir()
    src = root / NIST
    if not src.exists():
        print(f"NIST data not found at {src}: set KOMPAS_DATA to the shared data folder")
        return 1
    sys.path.insert(0, str(REPO / "src"))
    from kompas.io.compress import read_bytes

    print(f"machine: {os.cpu_count()} cores, {cpu_model()}; data: {root}")
    with tempfile.TemporaryDirectory() as tmp:
        text = read_bytes(src)
        plain = Path(tmp) / "NIST00USA_R_20230010000_01D_30S_MO.rnx"
        plain.write_bytes(text)
        cut = Path(tmp) / "NIST_2h.rnx"
        cut.write_bytes(text[: text.index(b"> 2023 01 01 02 00")])
        rows = []
        for label, path in (
            ("kompas, NIST day, plain RINEX (16 MB)", plain),
            ("kompas, NIST day, .crx.gz", src),
            ("kompas, NIST first 2 h, plain", cut),
        ):
            r = run(sys.executable, _KOMPAS_CASE.format(path=str(path), repeat=args.repeat))
            rows.append((label, r))
            print(
                f"{label:<40} read {r['read_s']:.2f} s (first call {r['first_s']:.2f} s), "
                f"process {r['process_s']:.2f} s, peak RSS {r['maxrss_mb']:.0f} MB, "
                f"{r['epochs']} epochs x {r['sv']} sv, {r['vars']} variables"
            )
        if args.no_georinex:
            return 0
        if not Path(GEORINEX_PYTHON).exists():
            print(f"georinex not run: no interpreter at {GEORINEX_PYTHON} (set GEORINEX_PYTHON)")
            return 0
        g = run(GEORINEX_PYTHON, _GEORINEX_CASE.format(path=str(cut)))
        k = rows[-1][1]
        print(
            f"{'georinex 1.16, NIST first 2 h, plain':<40} read {g['read_s']:.1f} s, "
            f"peak RSS {g['maxrss_mb']:.0f} MB, {g['epochs']} epochs x {g['sv']} sv"
        )
        print(f"ratio georinex / kompas on the 2 h cut: {g['read_s'] / k['read_s']:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
