"""Benchmark: the whole NIST day, G+R+E+C single frequency, RINEX obs + nav → .pos file.

The timed run is one process doing what ``kompas solve OBS NAV -o out.pos`` does: read the
plain RINEX observation file (decompressed once beforehand, outside the timing), read the
navigation file, solve every epoch, write the RTKLIB-format ``.pos``. Printed: wall time
(best of ``--repeat`` runs, imports excluded; the first run's too), peak RSS, the accuracy
against the IGS SINEX truth, and — when RTKLIB's ``rnx2rtkp`` is on the PATH — its wall
time on the same files with the same models (broadcast orbits, Klobuchar, Saastamoinen,
10° mask) and the ratio.

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
t_import = time.perf_counter() - t0
runs = []
for _ in range({repeat}):
    t = time.perf_counter()
    obs = read_obs({obs!r}, systems={systems!r})
    t_obs = time.perf_counter()
    nav = read_nav({nav!r})
    t_nav = time.perf_counter()
    sol = solve(obs, nav, systems={systems!r})
    t_sol = time.perf_counter()
    write_solution(sol, {out!r}, "pos-xyz", source={obs!r})
    t_end = time.perf_counter()
    runs.append(dict(total_s=t_end - t, obs_s=t_obs - t, nav_s=t_nav - t_obs,
                     solve_s=t_sol - t_nav, write_s=t_end - t_sol))
best = min(runs, key=lambda r: r["total_s"])
acc = accuracy_summary(sol, {truth!r})
print(json.dumps(dict(best=best, first_total_s=runs[0]["total_s"], import_s=t_import,
    maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    epochs=sol.attrs["epochs"], solved=sol.attrs["epochs_solved"], accuracy=acc)))
"""


def data_dir() -> Path:
    env = os.environ.get("KOMPAS_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def _plain_copy(src: Path, dst: Path) -> None:
    from kompas.io.compress import read_bytes

    dst.write_bytes(read_bytes(src))


def _rtklib(obs: Path, nav: Path, systems: str, out: Path) -> float | None:
    exe = shutil.which("rnx2rtkp")
    if exe is None:
        return None
    conf = out.with_suffix(".conf")
    conf.write_text(RTKLIB_CONF.format(navsys=sum(RTKLIB_NAVSYS[s] for s in systems)))
    cmd = [exe, "-k", str(conf), "-o", str(out), str(obs), str(nav)]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


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
            f"write {b['write_s']:.2f} s; peak RSS {r['maxrss_mb']:.0f} MB"
        )
        a = r["accuracy"]
        print(
            f"  RMS horizontal {a['rms_horizontal_m']:.3f} m, vertical {a['rms_vertical_m']:.3f} m"
        )
        t_rtk = _rtklib(obs, nav, args.systems, tmp / "rtklib.pos")
        if t_rtk is None:
            print("RTKLIB (rnx2rtkp) is not installed: no peer timing (absolute time above)")
        else:
            print(
                f"RTKLIB rnx2rtkp on the same files: wall {t_rtk:.2f} s; kompas/RTKLIB = "
                f"{b['total_s'] / t_rtk:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
