"""Benchmark: precise-orbit interpolation of a whole MGEX day every 30 s.

Reads the CODE MGEX SP3 (289 epochs x 116 satellites) and the WUM 30 s clock file of
2023-01-01, then evaluates every satellite every 30 s for 24 h (2880 x 116 = 334,080
states) with :class:`kompas.orbits.precise.PreciseOrbit`. Prints wall times and peak RSS.

Run: ``PYTHONPATH=src python benchmarks/orbits_precise.py [data_dir]``
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np

from kompas.io.rinex_clock import read_rinex_clock
from kompas.io.sp3 import read_sp3
from kompas.orbits.precise import PreciseOrbit
from kompas.time import Time


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2] / "shared/data"
    day = root / "nist-2023-001"
    sp3_path = day / "COD0MGXFIN_20230010000_01D_05M_ORB.SP3.gz"
    clk_path = day / "WUM0MGXFIN_20230010000_01D_30S_CLK.CLK.gz"
    if not sp3_path.exists():
        print(f"data not found: {sp3_path}")
        return 1

    t0 = time.perf_counter()
    sp3 = read_sp3(sp3_path)
    t_sp3 = time.perf_counter() - t0
    t0 = time.perf_counter()
    clk = read_rinex_clock(clk_path)
    t_clk = time.perf_counter() - t0

    t = Time.from_calendar(2023, 1, 1, 0, 0, np.arange(2880) * 30.0, scale="GPST")
    sv = sp3.sv.values
    for label, orbit in (("SP3 clocks", PreciseOrbit(sp3)), ("CLK clocks", PreciseOrbit(sp3, clk))):
        orbit.states(sv[None, :4], t.ns[:4, None])  # warm-up
        best = np.inf
        for _ in range(3):
            t0 = time.perf_counter()
            st = orbit.states(sv[None, :], t.ns[:, None])
            best = min(best, time.perf_counter() - t0)
        print(
            f"interpolate {st.status.size:,} states ({label}): {best:.3f} s best of 3, "
            f"{st.ok.mean() * 100:.2f} % OK"
        )
    print(f"read_sp3 ({sp3.sizes['time']} x {sp3.sizes['sv']}): {t_sp3:.3f} s")
    print(f"read_rinex_clock ({int(clk.clock_s.notnull().sum()):,} AS records): {t_clk:.3f} s")
    print(f"peak RSS: {_peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
