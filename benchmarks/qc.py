"""Quality control of one station day: kompas against gnssmultipath (and geoveil-mp).

Each tool runs in its own process on the same observation and navigation files; the script
prints the code multipath RMS per signal side by side (10° mask), the wall time and the
peak resident memory of each process, and the speed ratio.

    .venv/bin/python benchmarks/qc.py                       # NIST 2023-001 (16 MB, G/R/E/C)
    .venv/bin/python benchmarks/qc.py --obs F.crx.gz --nav N.rnx.gz [--sp3 S.sp3]
    .venv/bin/python benchmarks/qc.py --skip-peers          # kompas only (best of --repeat)

The peers live in a separate environment (``/work/bench-venv``, ``$KOMPAS_BENCH_PYTHON``),
never in kompas' dependencies.  They read plain RINEX, so the observation file is
decompressed to a temporary file first (not timed); kompas reads the compressed file
directly and its time includes the decompression and the navigation file.
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

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("KOMPAS_DATA", ROOT.parent / "shared" / "data"))
BENCH_PY = os.environ.get("KOMPAS_BENCH_PYTHON", "/work/bench-venv/bin/python")
NIST = DATA / "nist-2023-001"

KOMPAS_CODE = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
import kompas
obs, nav, mask = sys.argv[1], sys.argv[2].split(","), float(sys.argv[3])
r = kompas.qc(obs, [n for n in nav if n], elmask_deg=mask)
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "rms": {k: float(v) for k, v in r.signals["mp_rms_m"].items()
                  if v == v}}))
"""

GNSSMULTIPATH_CODE = r"""
import contextlib, io, json, sys, tempfile, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
from gnssmultipath import GNSS_MultipathAnalysis
obs, nav, mask = sys.argv[1], sys.argv[2], float(sys.argv[3])
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    res = GNSS_MultipathAnalysis(obs, broadcastNav1=nav, cutoff_elevation_angle=mask,
        outputDir=tempfile.mkdtemp(), plotEstimates=False, plot_polarplot=False,
        save_results_as_pickle=False, write_results_to_csv=False)
wall = time.perf_counter() - t0
short = {"GPS": "G", "GLONASS": "R", "Galileo": "E", "BeiDou": "C"}
rms = {}
for name, char in short.items():
    sysd = res.get(name) or {}
    for band in sysd.get("Bands", []):
        for code, stats in sysd[band].items():
            if isinstance(stats, dict) and "rms_multipath_range1_averaged" in stats:
                rms[f"{char}:{code}"] = float(stats["rms_multipath_range1_averaged"])
print(json.dumps({"wall_s": wall, "rms": rms}))
"""

GEOVEIL_CODE = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
import geoveil_mp as g
obs, sp3, mask = sys.argv[1], sys.argv[2], float(sys.argv[3])
xyz = None
for line in open(obs, encoding="latin-1"):
    if "APPROX POSITION XYZ" in line:
        xyz = [float(v) for v in line[:60].split()]
    if "END OF HEADER" in line:
        break
data = g.read_rinex_obs(obs)
res = g.MultipathAnalyzer(data, elevation_cutoff=mask).analyze()
if sp3 and xyz:
    res.compute_elevations(g.read_sp3(sp3), g.Ecef(*xyz))
rms = {f"{s.system}:{s.code}": float(s.rms) for s in res.statistics}
print(json.dumps({"wall_s": time.perf_counter() - t0, "rms": rms}))
"""


def run(python: str, code: str, args: list[str]) -> dict:
    """Run ``code`` in a fresh interpreter; its JSON line plus the peak RSS of the process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [python, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    outer = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"error": (err.strip().splitlines() or ["failed"])[-1][:200], "process_s": outer}
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024.0  # Linux: kilobytes
    result["cpu_s"] = usage.ru_utime + usage.ru_stime
    result["process_s"] = outer
    return result


def plain_copy(path: Path, folder: Path) -> Path:
    """A decompressed RINEX copy of ``path`` for the peers (gzip and Hatanaka)."""
    import gzip

    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    name = path.name.removesuffix(".gz").removesuffix(".Z")
    if b"CRINEX" in raw[:80]:
        import hatanaka

        raw = hatanaka.decompress(raw)
        name = name.replace(".crx", ".rnx")
    out = folder / name
    out.write_bytes(raw)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--obs", type=Path, default=NIST / "NIST00USA_R_20230010000_01D_30S_MO.crx.gz")
    ap.add_argument("--nav", type=Path, default=NIST / "BRDC00IGS_R_20230010000_01D_MN.rnx.gz")
    ap.add_argument("--sp3", type=Path, default=NIST / "COD0MGXFIN_20230010000_01D_05M_ORB.SP3.gz")
    ap.add_argument("--mask", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=3, help="kompas runs (best is reported)")
    ap.add_argument("--skip-peers", action="store_true")
    a = ap.parse_args()
    if not a.obs.exists():
        sys.exit(f"data not found: {a.obs} (set KOMPAS_DATA)")
    load = os.getloadavg()
    print(f"{a.obs.name}, nav {a.nav.name}, mask {a.mask:g}°; load {load[0]:.1f} "
          f"{load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    runs = [
        run(sys.executable, KOMPAS_CODE, [str(a.obs), str(a.nav), str(a.mask)])
        for _ in range(a.repeat)
    ]
    ok = [r for r in runs if "error" not in r]
    if not ok:
        sys.exit(f"kompas failed: {runs[0]['error']}")
    kompas = min(ok, key=lambda r: r["wall_s"])
    kompas["all_wall_s"] = [round(r["wall_s"], 2) for r in ok]
    peers = {}
    if not a.skip_peers and Path(BENCH_PY).exists():
        with tempfile.TemporaryDirectory() as tmp:
            obs = plain_copy(a.obs, Path(tmp))
            nav = plain_copy(a.nav, Path(tmp))
            peers["gnssmultipath"] = run(
                BENCH_PY, GNSSMULTIPATH_CODE, [str(obs), str(nav), str(a.mask)]
            )
            probe = subprocess.run([BENCH_PY, "-c", "import geoveil_mp"], capture_output=True)
            if probe.returncode == 0:
                sp3 = plain_copy(a.sp3, Path(tmp)) if a.sp3.exists() else ""
                peers["geoveil-mp"] = run(BENCH_PY, GEOVEIL_CODE, [str(obs), str(sp3), str(a.mask)])
    report(kompas, peers)


def report(kompas: dict, peers: dict) -> None:
    names = ["kompas", *peers]
    table = {"kompas": kompas, **peers}
    keys = sorted(set(kompas["rms"]) | {k for p in peers.values() for k in p.get("rms", {})},
                  key=lambda k: ("GREC".find(k[0]) % 9, k))  # fmt: skip
    print("\nMP RMS per signal [m]")
    print(f"{'signal':<8}" + "".join(f"{n:>15}" for n in names) + f"{'diff %':>9}")
    for k in keys:
        vals = [table[n].get("rms", {}).get(k) for n in names]
        cells = "".join(f"{v:>15.3f}" if v is not None else f"{'-':>15}" for v in vals)
        diff = ""
        if len(vals) > 1 and vals[0] is not None and vals[1] is not None and vals[1] > 0:
            diff = f"{100 * (vals[0] / vals[1] - 1):+9.1f}"
        print(f"{k:<8}{cells}{diff}")
    print("\nwall time and peak memory (each tool in its own process)")
    for n in names:
        r = table[n]
        if "error" in r:
            print(f"  {n:<14} failed: {r['error']}")
            continue
        extra = f"  (runs {r['all_wall_s']})" if n == "kompas" else ""
        print(
            f"  {n:<14} {r['wall_s']:7.2f} s wall {r['cpu_s']:7.2f} s CPU "
            f"{r['peak_rss_mb']:6.0f} MB peak RSS{extra}"
        )
    for n in peers:
        if "error" not in peers[n]:
            print(
                f"  kompas is {peers[n]['wall_s'] / kompas['wall_s']:.1f}x faster than {n} "
                f"(wall), {peers[n]['cpu_s'] / kompas['cpu_s']:.1f}x (CPU)"
            )


if __name__ == "__main__":
    main()
