"""NeQuick-G reference slant TEC from the official JRC implementation, and kompas's agreement.

Two steps, one script:

1. ``/work/bench-venv/bin/python benchmarks/nequick_reference.py reference`` (needs the
   ``nequick`` package — the official JRC NeQuickG C library, v1.0.0 — and kompas on
   ``PYTHONPATH=src``): builds the real rays of each case below from the shared data with
   ``kompas.read_nav`` / ``kompas.emission_states`` and the station truth of
   ``../shared/data/README.md``, computes STEC per ray with ``nequick.NeQuick.compute_stec``
   and caches inputs and results to ``~/.cache/kompas/nequick_g/<case>.npz``.
2. ``.venv/bin/python benchmarks/nequick_reference.py compare``: recomputes every cached ray
   with :func:`kompas.models.nequick_g.nequick_g_stec_tecu` (vectorised, all rays of a case
   at once), prints max/RMS differences in TECU and in mm of delay on E1, and the speed of
   both in the same run (CPU time, which the shared machine's load distorts less than wall
   time; the official package is timed in the bench venv, ``$KOMPAS_BENCH_PYTHON``).

Cases: ``ajac-2024-210`` (AJAC, the GRAS Galileo nav and its GAL coefficients),
``nya1-2024-127`` (NYA1, 78.9 N, its own Galileo nav), ``equator-2024-210`` (the GRAS
satellites seen from a point at 0.35 N 9.67 E, Libreville's latitude, with the GRAS
coefficients).  Every 30 s over the day, every Galileo satellite above 0 deg elevation.

The official binding takes a ``datetime`` and drops its microseconds: the epochs are on whole
UTC seconds and the rays store month and UTC hour exactly as the binding derives them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kompas" / "nequick_g"
DATA = Path(os.environ.get("KOMPAS_DATA", ROOT.parent / "shared" / "data"))
BENCH_PYTHON = os.environ.get("KOMPAS_BENCH_PYTHON", "/work/bench-venv/bin/python")

#: case -> (nav file, receiver ECEF [m] (IGS SINEX 2024-035, ../shared/data/README.md) or
#: geodetic (lat deg, lon deg, h m), UTC date)
CASES = {
    "ajac-2024-210": (
        "ajac-2024-210/GRAS00FRA_R_20242100000_01D_EN.rnx.gz",
        ("xyz", (4696989.1518, 723994.8327, 4239678.7549)),
        (2024, 7, 28),
    ),
    "nya1-2024-127": (
        "nya1-2024-127/NYA100NOR_S_20241270000_01D_EN.rnx.gz",
        ("xyz", (1202433.5682, 252632.4346, 6237772.8159)),
        (2024, 5, 6),
    ),
    "equator-2024-210": (
        "ajac-2024-210/GRAS00FRA_R_20242100000_01D_EN.rnx.gz",
        ("llh", (0.3539, 9.6721, 31.0)),
        (2024, 7, 28),
    ),
}


def build_rays(case: str, step_s: int = 30) -> dict[str, np.ndarray]:
    """Real rays of a case: receiver and satellite geodetic positions, UTC month and hour."""
    sys.path.insert(0, str(ROOT / "src"))
    import kompas
    from kompas.frames.geodetic import ecef2geodetic, geodetic2ecef
    from kompas.frames.local import ecef2aer
    from kompas.models.ionosphere import iono_model_for
    from kompas.time import Time

    nav_file, (kind, pos), (y, m, d) = CASES[case]
    nav = kompas.read_nav(DATA / nav_file)
    choice = iono_model_for(nav, "E")
    if choice.model != "nequick_g":
        raise SystemExit(f"{case}: no NeQuick-G coefficients in {nav_file}")
    if kind == "xyz":
        rx = np.array(pos)
    else:
        rx = geodetic2ecef(np.radians(pos[0]), np.radians(pos[1]), pos[2])
    rx_lat, rx_lon, rx_h = ecef2geodetic(rx)
    sod = np.arange(0, 86400, step_s)
    t = Time.from_calendar(y, m, d, 0, 0, 0, scale="UTC") + sod
    svs = np.unique(nav.ephemerides["E_INAV"]["sv"].to_numpy())
    st = kompas.emission_states(nav, svs[None, :], t[:, None], rx)
    az, el, _ = ecef2aer(st.position_m, rx)
    ok = np.isfinite(el) & (el > 0.0)
    lat, lon, h = ecef2geodetic(st.position_m)
    ti, _ = np.nonzero(ok)
    return {
        "coefficients": choice.coefficients,
        "month": np.full(ti.size, m),
        "utc_hours": sod[ti] / 3600.0,
        "utc_seconds": sod[ti],
        "rx_lat_deg": np.full(ti.size, np.degrees(rx_lat)),
        "rx_lon_deg": np.full(ti.size, np.degrees(rx_lon)),
        "rx_height_m": np.full(ti.size, float(rx_h)),
        "sat_lat_deg": np.degrees(lat[ok]),
        "sat_lon_deg": np.degrees(lon[ok]),
        "sat_height_m": h[ok],
        "elevation_deg": np.degrees(el[ok]),
        "date": np.array([y, m, d]),
    }


def reference(case: str) -> Path:
    import nequick

    rays = build_rays(case)
    a = rays["coefficients"]
    model = nequick.NeQuick(float(a[0]), float(a[1]), float(a[2]))
    y, m, d = (int(v) for v in rays["date"])
    midnight = dt.datetime(y, m, d)
    stec = np.empty(rays["month"].size)
    t0 = time.perf_counter()
    for i in range(stec.size):
        epoch = midnight + dt.timedelta(seconds=int(rays["utc_seconds"][i]))
        stec[i] = model.compute_stec(
            epoch,
            rays["rx_lon_deg"][i], rays["rx_lat_deg"][i], rays["rx_height_m"][i],
            rays["sat_lon_deg"][i], rays["sat_lat_deg"][i], rays["sat_height_m"][i],
        )  # fmt: skip
    wall = time.perf_counter() - t0
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"{case}.npz"
    np.savez_compressed(
        out, stec_tecu=stec, reference_wall_s=wall, nequick_version=nequick.__version__, **rays
    )
    print(f"{case}: {stec.size} rays, official nequick {wall:.2f} s "
          f"({stec.size / wall:.0f} rays/s) -> {out}")  # fmt: skip
    return out


def official_speed(case: str) -> None:
    """CPU time of the official package over a cached case (run in the bench venv)."""
    import nequick

    z = np.load(CACHE / f"{case}.npz")
    a = z["coefficients"]
    model = nequick.NeQuick(float(a[0]), float(a[1]), float(a[2]))
    y, m, d = (int(v) for v in z["date"])
    midnight = dt.datetime(y, m, d)
    epochs = [midnight + dt.timedelta(seconds=int(s)) for s in z["utc_seconds"]]
    cols = [z[k].tolist() for k in ("rx_lon_deg", "rx_lat_deg", "rx_height_m", "sat_lon_deg",
                                    "sat_lat_deg", "sat_height_m")]  # fmt: skip
    c0, w0 = time.process_time(), time.perf_counter()
    for i, e in enumerate(epochs):
        model.compute_stec(e, *(c[i] for c in cols))
    print(f"{time.process_time() - c0:.3f} {time.perf_counter() - w0:.3f}")


def compare(case: str, repeats: int = 2) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from kompas.constants import FREQ_GAL_E1_HZ, IONO_DELAY_CONSTANT_M3PS2
    from kompas.models.nequick_g import nequick_g_stec_tecu

    path = CACHE / f"{case}.npz"
    if not path.exists():
        print(f"{case}: no reference cache {path}; run the 'reference' step first")
        return
    z = np.load(path)
    best = best_cpu = np.inf
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        stec = nequick_g_stec_tecu(
            z["coefficients"], z["month"], z["utc_hours"],
            z["rx_lat_deg"], z["rx_lon_deg"], z["rx_height_m"],
            z["sat_lat_deg"], z["sat_lon_deg"], z["sat_height_m"],
        )  # fmt: skip
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    peer = subprocess.run(
        [BENCH_PYTHON, __file__, "official-speed", case], capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, check=True,
    ).stdout.split()  # fmt: skip
    peer_cpu, peer_wall = float(peer[0]), float(peer[1])
    diff = stec - z["stec_tecu"]
    mm = IONO_DELAY_CONSTANT_M3PS2 * 1e16 / FREQ_GAL_E1_HZ**2 * diff * 1e3
    n = diff.size
    print(
        f"{case}: {n} rays, max |dSTEC| {np.nanmax(np.abs(diff)):.2e} TECU "
        f"= {np.nanmax(np.abs(mm)):.4f} mm on E1, RMS {np.sqrt(np.nanmean(mm**2)):.4f} mm, "
        f"NaN {int(np.isnan(stec).sum())}\n  speed: kompas CPU {best_cpu:.2f} s "
        f"({n / best_cpu:.0f} rays/s, wall {best:.2f} s, best of {repeats}); official nequick "
        f"CPU {peer_cpu:.2f} s ({n / peer_cpu:.0f} rays/s, wall {peer_wall:.2f} s); "
        f"ratio kompas/official CPU {best_cpu / peer_cpu:.2f}; kompas peak RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=["reference", "compare", "official-speed"])
    ap.add_argument("cases", nargs="*", default=list(CASES))
    args = ap.parse_args()
    if args.step == "compare":
        print("load:", os.getloadavg())
    step = {"reference": reference, "compare": compare, "official-speed": official_speed}
    for case in args.cases:
        step[args.step](case)


if __name__ == "__main__":
    main()
