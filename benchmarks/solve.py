"""Benchmark: the whole NIST day, G+R+E+C single frequency, RINEX obs + nav → .pos file.

The timed run is one process doing what ``kompas solve OBS NAV -o out.pos`` does: read the
plain RINEX observation file (decompressed once beforehand, outside the timing; only the
observables the solver can use, as the command does), read the
navigation file, solve every epoch, write the RTKLIB-format ``.pos``. Printed: wall time
(best of ``--repeat`` runs, imports excluded; the first run's too), peak RSS, the accuracy
against the IGS SINEX truth, and the wall time, peak RSS and ratio of each RTKLIB build
found — Debian's ``rnx2rtkp`` 2.4.3 on the PATH and RTKLIB-EX 2.5.1 at ``RTKLIB_EX`` —
on the same files with the same models (broadcast orbits, Klobuchar, Saastamoinen, 10° mask),
best of ``--repeat`` runs each, in the same run.

Usage: ``python benchmarks/solve.py [--repeat N] [--systems GREC]``
Data: ``$KOMPAS_DATA`` or ``../shared/data`` beside the repository.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from read_obs import cpu_model  # (the benchmarks run as scripts from this folder)

REPO = Path(__file__).resolve().parents[1]
OBS = "nist-2023-001/NIST00USA_R_20230010000_01D_30S_MO.crx.gz"
NAV = "nist-2023-001/BRDC00IGS_R_20230010000_01D_MN.rnx.gz"
TRUTH = (-1288398.5841, -4721696.9371, 4078625.3396)
#: RTKLIB navsys bit per system (rtklib.h SYS_GPS ... SYS_CMP)
RTKLIB_NAVSYS = {"G": 1, "S": 2, "R": 4, "E": 8, "J": 16, "C": 32, "I": 64}
#: rnx2rtkp options giving the README's peer figures (RTKLIB 2.4.3 b34 reproduces them:
#: G 1.16/3.27 m, G+E+C 0.99/3.17 m, G+R+E+C 1.07/3.20 m)
RTKLIB_CONF = """pos1-posmode       =single
pos1-elmask        =10
pos1-ionoopt       =brdc
pos1-tropopt       =saas
pos1-sateph        =brdc
pos1-navsys        ={navsys}
out-solformat      =xyz
"""

_CASE = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
from kompas import read_obs, read_nav, solve, write_solution, accuracy_summary
from kompas.positioning.measurements import observables_needed
t_import = time.perf_counter() - t0
runs = []
for _ in range({repeat}):
    t = time.perf_counter()
    obs = read_obs({obs!r}, systems={systems!r}, codes=observables_needed({systems!r}))
    t_obs = time.perf_counter()
    nav = read_nav({nav!r})
    t_nav = time.perf_counter()
    sol = solve(obs, nav, systems={systems!r})
    t_sol = time.perf_counter()
    write_solution(sol, {out!r}, "pos-xyz", source={obs!r})
    t_end = time.perf_counter()
    runs.append(dict(total_s=t_end - t, obs_s=t_obs - t, nav_s=t_nav - t_obs,
                     solve_s=t_sol - t_nav, write_s=t_end - t_sol,
                     maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    if len(runs) < {repeat}:  # one run's data alive at a time, as in one command
        del obs, nav, sol
best = min(runs, key=lambda r: r["total_s"])
acc = accuracy_summary(sol, {truth!r})
print(json.dumps(dict(best=best, first_total_s=runs[0]["total_s"], import_s=t_import,
    first_maxrss_mb=runs[0]["maxrss_mb"],
    maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    epochs=sol.attrs["epochs"], solved=sol.attrs["epochs_solved"], accuracy=acc)))
"""


def data_dir() -> Path:
    env = os.environ.get("KOMPAS_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def _plain_copy(src: Path, dst: Path) -> None:
    from kompas.io.compress import read_bytes

    dst.write_bytes(read_bytes(src))


#: RTKLIB-EX 2.5.1 (rtklibexplorer/RTKLIB tag v2.5.1, app/consapp/rnx2rtkp/gcc, ``make
#: LDLIBS=-lm``, -O3) built outside the repository; ``$RTKLIB_EX`` overrides the path.
RTKLIB_EX = "/work/peers/rtklib-ex/app/consapp/rnx2rtkp/gcc/rnx2rtkp"


def _peers() -> list[tuple[str, str]]:
    """(label, executable) of the RTKLIB builds found: Debian's 2.4.3 and RTKLIB-EX 2.5.1."""
    found = []
    exe = shutil.which("rnx2rtkp")
    if exe:
        found.append(("RTKLIB 2.4.3 (Debian rnx2rtkp)", exe))
    ex = os.environ.get("RTKLIB_EX", RTKLIB_EX)
    if ex and os.access(ex, os.X_OK):
        found.append(("RTKLIB-EX 2.5.1 (rnx2rtkp, -O3)", ex))
    return found


def _rtklib(exe: str, obs: Path, nav: Path, systems: str, out: Path, repeat: int):
    """Best wall time of ``repeat`` runs, the child's peak RSS [MB], epochs written."""
    conf = out.with_suffix(".conf")
    conf.write_text(RTKLIB_CONF.format(navsys=sum(RTKLIB_NAVSYS[s] for s in systems)))
    cmd = [exe, "-k", str(conf), "-o", str(out), str(obs), str(nav)]
    best, rss = _timed(cmd, repeat)
    solved = sum(1 for line in out.read_text().splitlines() if line and not line.startswith("%"))
    return best, rss, solved


def _timed(cmd: list[str], repeat: int, env: dict | None = None) -> tuple[float, float]:
    """Best wall time of ``repeat`` runs of ``cmd`` and the child's peak RSS [MB]."""
    best, rss = float("inf"), 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        best = min(best, time.perf_counter() - t)
        rss = max(rss, usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{cmd[0]} exited with {os.waitstatus_to_exitcode(status)}")
    return best, rss


def _command(obs: Path, nav: Path, systems: str, out: Path, repeat: int, env: dict):
    """The ``kompas solve`` command itself, interpreter start and imports included."""
    code = "import sys; from kompas.cli.main import main; sys.exit(main())"
    cmd = [sys.executable, "-c", code, "solve", str(obs), str(nav), "--systems", systems]
    return _timed(cmd + ["-o", str(out)], repeat, env)


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--systems", default="GREC")
    args = ap.parse_args()
    root = data_dir()
    if not (root / OBS).exists():
        print(f"data not found under {root} (set KOMPAS_DATA): nothing to benchmark")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        obs, nav = tmp / "NIST0010.23o", tmp / "BRDC0010.23p"
        _plain_copy(root / OBS, obs)
        nav.write_bytes(gzip.decompress((root / NAV).read_bytes()))
        out = tmp / "kompas.pos"
        code = _CASE.format(
            repeat=args.repeat,
            obs=str(obs),
            nav=str(nav),
            systems=args.systems,
            out=str(out),
            truth=TRUTH,
        )
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
        res = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        r = json.loads(res.stdout.strip().splitlines()[-1])
        b = r["best"]
        print(
            f"kompas solve, NIST day {args.systems}, plain RINEX → .pos "
            f"({r['solved']}/{r['epochs']} epochs)"
        )
        print(
            f"  wall {b['total_s']:.2f} s (best of {args.repeat}; first {r['first_total_s']:.2f} s;"
            f" imports {r['import_s']:.2f} s not included)"
        )
        print(
            f"  obs {b['obs_s']:.2f} s, nav {b['nav_s']:.2f} s, solve {b['solve_s']:.2f} s, "
            f"write {b['write_s']:.2f} s; peak RSS {r['first_maxrss_mb']:.0f} MB after one run "
            f"({r['maxrss_mb']:.0f} MB after {args.repeat}: the heap of earlier runs)"
        )
        t_cmd, rss_cmd = _command(obs, nav, args.systems, tmp / "cmd.pos", args.repeat, env)
        print(
            f"  the command `kompas solve OBS NAV --systems {args.systems} -o out.pos`: wall "
            f"{t_cmd:.2f} s (interpreter and imports included), peak RSS {rss_cmd:.0f} MB"
        )
        a = r["accuracy"]
        print(
            f"  RMS horizontal {a['rms_horizontal_m']:.3f} m, vertical {a['rms_vertical_m']:.3f} m"
        )
        peers = _peers()
        if not peers:
            print("RTKLIB (rnx2rtkp) is not installed: no peer timing (absolute time above)")
        for k, (label, exe) in enumerate(peers):
            out_k = tmp / f"rtk{k}.pos"
            t_rtk, rss, solved = _rtklib(exe, obs, nav, args.systems, out_k, args.repeat)
            print(
                f"{label}: wall {t_rtk:.2f} s (best of {args.repeat}), peak RSS {rss:.0f} MB, "
                f"{solved} epochs; kompas/peer = {b['total_s'] / t_rtk:.2f}"
            )
        cpu = f"{cpu_model()}, {os.cpu_count()} cores"
        print(f"machine: {cpu}; load average at the end: {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
