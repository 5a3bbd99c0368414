"""Benchmark: satellite states of a whole day every 30 s, broadcast and precise.

1. Broadcast: every satellite of the NIST daily BRDC file every 30 s for 24 h (~380,000
   states, GLONASS included); budget <= 1.0 s wall on the team machine.
2. Precise: the same 30 s grid for every satellite of the CODE MGEX SP3 (with SP3 clocks
   and with the WUM 30 s clocks); budget <= 0.5 s (``benchmarks/orbits_precise.py``).

Prints reading times (outside the budgets), evaluation wall times and peak RSS.

Usage: ``python benchmarks/orbits.py [path/to/BRDC...rnx.gz]``
Data: ``$KOMPAS_DATA`` or ``../shared/data`` beside the repository.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

DATA = Path(os.environ.get("KOMPAS_DATA") or Path(__file__).resolve().parents[2] / "shared/data")
DEFAULT = DATA / "nist-2023-001/BRDC00IGS_R_20230010000_01D_MN.rnx.gz"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else DEFAULT
    if not path.exists():
        print(f"data not found: {path} (set KOMPAS_DATA)")
        return 0
    from kompas.io.rinex_nav import read_nav
    from kompas.orbits.broadcast import satellite_states
    from kompas.time import Time

    t0 = time.perf_counter()
    nav = read_nav(path)
    t_read = time.perf_counter() - t0
    sv = np.unique(
        np.concatenate(
            [np.asarray(tb["sv"], dtype=str) for tb in nav.ephemerides.values() if len(tb)]
        )
    )
    # Every satellite with orbit data except SBAS (GEO broadcast with its own message).
    sv = sv[np.char.find(sv, "S") != 0]
    start = Time.from_calendar(2023, 1, 1, scale="GPST").ns
    t = start + np.arange(2880, dtype=np.int64) * 30 * 1_000_000_000
    satellite_states(nav, sv[None, :5], t[:10, None])  # warm-up (imports, caches)
    t1 = time.perf_counter()
    st = satellite_states(nav, sv[None, :], t[:, None])
    t_eval = time.perf_counter() - t1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    n_glo = int(np.sum(np.char.startswith(sv, "R"))) * t.size
    print(f"file: {path.name}")
    print(f"read_nav: {t_read:.2f} s (not part of the budget)")
    print(
        f"states: {st.status.size} ({sv.size} satellites x {t.size} epochs, "
        f"{n_glo} GLONASS), usable: {int(st.ok.sum())}"
    )
    print(f"satellite_states wall time: {t_eval:.3f} s (budget 1.0 s)")
    print(f"peak RSS: {peak_mb:.0f} MB")
    print()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import orbits_precise

    return orbits_precise.main(["orbits_precise.py", str(DATA)])


if __name__ == "__main__":
    raise SystemExit(main())
