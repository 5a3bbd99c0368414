"""Benchmark: ``kompas.plan`` on a global 2-degree grid for 24 h at 10 min, G+R+E+C and
the four "minus one" mixes, broadcast orbits of the NIST BRDC (2023-01-01).

Budget (issue "Interoperability monitor"): <= 20 s wall, <= 2 GB peak RSS.  Prints the
reading time (outside the budget), the planning wall time per repeat (best and first),
peak RSS and the machine load.

Usage: ``python benchmarks/plan.py [--repeat N] [--step DEG]``
Data: ``$KOMPAS_DATA`` or ``../shared/data`` beside the repository.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

DATA = Path(os.environ.get("KOMPAS_DATA") or Path(__file__).resolve().parents[2] / "shared/data")
NAV = DATA / "nist-2023-001/BRDC00IGS_R_20230010000_01D_MN.rnx.gz"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--step", type=float, default=2.0)
    args = ap.parse_args()
    if not NAV.exists():
        print(f"data not found: {NAV} (set KOMPAS_DATA)")
        return 0
    from kompas.analysis.plan import plan
    from kompas.io.rinex_nav import read_nav

    t0 = time.perf_counter()
    nav = read_nav(NAV)
    print(f"read_nav: {time.perf_counter() - t0:.2f} s")
    walls, cpus = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        res = plan(
            nav,
            start="2023-01-01T00:00:00",
            end="2023-01-01T23:50:00",
            interval_s=600,
            grid="global",
            step_deg=args.step,
            systems="GREC",
            minus_one=True,
        )
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    ds = res.dataset
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"grid {ds.sizes['point']} points x {ds.sizes['time']} epochs x "
        f"{res.attrs['satellites']} satellites, mixes {list(ds['mix'].values)}"
    )
    print(f"plan wall: best {min(walls):.2f} s, first {walls[0]:.2f} s (budget 20 s)")
    print(f"plan CPU time: best {min(cpus):.2f} s (all threads of this process)")
    print(f"peak RSS: {rss_mb:.0f} MB (budget 2048 MB)")
    print(f"load average: {os.getloadavg()}")
    for m, v in res.summary.items():
        print(f"  {m:8s} pdop_mean {v['pdop_mean']:.3f} availability {v['availability']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
