"""GPS L5 and the CNAV inter-signal corrections (ISC): sizes in the real files, effect on SPP.

Part 1 prints the T_GD and ISC values of every RINEX 4 navigation file with GPS/QZSS CNAV
records in ``../shared/data/rinex4`` (median |value| and range, ns), and how much the ISCs
of the same satellite differ between files 2 to 28 months apart.

Part 2 solves GPS alone (broadcast LNAV orbit and clock, 10° mask, Saastamoinen; single
frequency with the broadcast Klobuchar) with L1 C/A, L5 Q5 and the iono-free L1 C/A+L2 P(Y)
and L1 C/A+L5 Q5, with and without ISC, on the two files that have GPS L5 observations:

* NIST 2023-01-01 (24 h, IGS SINEX truth), and
* KMS3 2022-06-08 10:00-11:00 (no IGS coordinates: the reference is kompas's own mean
  L1/L2 P(Y) iono-free position of the hour, whose error vs truth is ~0.5 m on NIST).

Neither day has CNAV records of its own (the NIST BRDC is RINEX 3; the KMS3 RINEX 4 file
holds GPS LNAV only), so the "with ISC" runs borrow the CNAV records of the DLR RINEX 4
file of 2023-03-12, moved by whole days onto the observation day (70 days for NIST, 277
for KMS3). That is an experiment, not what ``kompas solve`` does: the orbits of those
records are not used (only their ISCs, with the day's own LNAV T_GD), and the ISCs of a
satellite change by tenths of a ns over months (part 1 measures it), so the borrowed
values carry that error; a satellite whose PRN moved to another vehicle between the dates
would carry a wrong one.

Usage: ``python benchmarks/isc_l5.py [--case nist|kms3]``
Data: ``$KOMPAS_DATA`` or ``../shared/data`` beside the repository.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
NIST = (-1288398.5841, -4721696.9371, 4078625.3396)
_DAY_NS = 86400 * 1_000_000_000
MAX_PDOP = 4.0


def _data() -> Path:
    return Path(os.environ.get("KOMPAS_DATA", REPO.parent / "shared" / "data"))


def _read_nav(path):
    import kompas

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return kompas.read_nav(path)


def isc_tables(data: Path) -> None:
    """Part 1: T_GD and ISC sizes per file, and their change between files."""
    names = ("tgd_s", "isc_l1ca_s", "isc_l2c_s", "isc_l5i5_s", "isc_l5q5_s")
    files = {
        "BRD400DLR 2023-03-12": "BRD400DLR_S_20230710000_01D_MN.rnx.gz",
        "046r 2025-02-15": "046r_rnx.nav",
        "178a 2025-06-27": "178a_rnx.nav",
    }
    navs = {label: _read_nav(data / "rinex4" / f) for label, f in files.items()}
    print("CNAV group delays, ns: median |value| [min, max] (records, satellites)")
    print(f"{'file':22s} {'sys':3s} " + " ".join(f"{n[:-2]:>17s}" for n in names))
    for label, nav in navs.items():
        for key in ("G_CNAV", "J_CNAV"):
            t = nav.ephemerides.get(key)
            if t is None or not len(t):
                continue
            cells = []
            for n in names:
                v = t[n].to_numpy() * 1e9
                cells.append(f"{np.median(np.abs(v)):4.2f} [{v.min():5.1f},{v.max():5.1f}]")
            print(f"{label:22s} {key[0]:3s} " + " ".join(f"{c:>17s}" for c in cells))
            print(f"{'':22s}     ({len(t)} records, {t['sv'].nunique()} satellites)")
    ref = navs["BRD400DLR 2023-03-12"].ephemerides["G_CNAV"].groupby("sv").first()
    for label in ("046r 2025-02-15", "178a 2025-06-27"):
        other = navs[label].ephemerides["G_CNAV"].groupby("sv").first()
        common = ref.index.intersection(other.index)
        diffs = [np.abs(other.loc[common, n] - ref.loc[common, n]).to_numpy() * 1e9
                 for n in names[1:]]  # fmt: skip
        print(
            f"ISC change 2023-03-12 -> {label[5:]} ({len(common)} GPS satellites): "
            + ", ".join(
                f"{n[4:-2]} median {np.median(d):.2f} max {d.max():.2f} ns"
                for n, d in zip(names[1:], diffs, strict=True)
            )  # fmt: skip
        )
    day = navs["BRD400DLR 2023-03-12"].ephemerides["G_CNAV"]
    spread = day.groupby("sv")[list(names[1:])].agg(lambda s: s.max() - s.min()).max() * 1e9
    print("ISC change within 2023-03-12 (largest over satellites): "
          + ", ".join(f"{k[4:-2]} {v:.2f} ns" for k, v in spread.items()))  # fmt: skip


def borrowed_cnav(nav, donor, shift_days: int):
    """``nav`` with the donor's GPS/QZSS CNAV records moved by ``shift_days`` (experiment)."""
    out = copy.copy(nav)
    out.ephemerides = dict(nav.ephemerides)
    for key in ("G_CNAV", "J_CNAV"):
        t = donor.ephemerides.get(key)
        if t is None:
            continue
        t = t.copy()
        for col in [c for c in t.columns if c.endswith("_ns")]:
            v = t[col].to_numpy()
            ok = v != np.iinfo(np.int64).min
            t[col] = np.where(ok, v - shift_days * _DAY_NS, v)
        out.ephemerides[key] = t
    return out


def _errors(sol, ref):
    from kompas.frames import WGS84
    from kompas.frames.local import ecef2enu

    ref = np.asarray(ref, float)
    xyz = sol["position_ecef_m"].values
    # L5 alone has half the satellites (GPS IIF and III): epochs of weak geometry would
    # dominate an RMS, so every figure is over the epochs with PDOP <= MAX_PDOP
    ok = np.isfinite(xyz).all(axis=1) & (sol["pdop"].values <= MAX_PDOP)
    enu = ecef2enu(xyz[ok], ref[None, :], WGS84)
    h = np.hypot(enu[:, 0], enu[:, 1])
    return ok.sum(), np.sqrt(np.mean(h**2)), np.sqrt(np.mean(enu[:, 2] ** 2)), enu.mean(axis=0)


def _runs():
    return [
        ("L1 C/A, LNAV T_GD", "single", {"G": "C1C"}, False),
        ("L1 C/A, T_GD + ISC", "single", {"G": "C1C"}, True),
        ("L5 Q5, no ISC (-T_GD)", "single", {"G": "C5Q"}, False),
        ("L5 Q5, T_GD + ISC", "single", {"G": "C5Q"}, True),
        ("L1 C/A+L2 P(Y)", "iflc", {"G": ("C1C", "C2W")}, False),
        ("L1 C/A+L2 P(Y), ISC_L1CA", "iflc", {"G": ("C1C", "C2W")}, True),
        ("L1 C/A+L5 Q5, no ISC", "iflc", {"G": ("C1C", "C5Q")}, False),
        ("L1 C/A+L5 Q5, T_GD + ISC", "iflc", {"G": ("C1C", "C5Q")}, True),
        ("default single (fallback)", "single", None, True),
        ("default iflc (fallback)", "iflc", None, True),
    ]


def consistency(obs, nav, label: str, sig_a: str, sig_b: str) -> None:
    """Satellite by satellite: the code (or iono-free pair) ``sig_a`` minus ``sig_b`` after
    their broadcast corrections, e.g. IF(L1 C/A, L5 Q5) - IF(L1 C/A, L2 P(Y)) or
    L1 C/A - L1 P(Y). Geometry, clocks, troposphere and ionosphere cancel (the pairs are
    iono-free; two codes of one band share it); what remains is the receiver's bias
    between the two (the same for every satellite: removed as the median over
    satellites), multipath and noise, and any error of the corrections. Printed: RMS over
    satellites of their medians over the file [m]."""
    from kompas.gnss.signals import frequency_hz
    from kompas.orbits.broadcast import satellite_states
    from kompas.positioning.sources import BroadcastSource
    from kompas.time import Time

    c = 299_792_458.0
    gps = [s for s in obs["sv"].values if str(s).startswith("G")]
    o = obs.sel(sv=gps)

    def code(label):
        codes = label.split("+")
        if len(codes) == 1:
            return o[codes[0]].values
        fa, fb = (float(np.asarray(frequency_hz(["G01"], x))[0]) for x in codes)
        return (fa**2 * o[codes[0]].values - fb**2 * o[codes[1]].values) / (fa**2 - fb**2)

    pa, pb = code(sig_a), code(sig_b)
    ti, si = np.nonzero(np.isfinite(pa) & np.isfinite(pb))
    t_ns = Time.from_datetime64(o["time"].values, "GPST").ns
    sv = np.asarray(gps)[si]
    st = satellite_states(nav, sv, t_ns[ti])
    src = BroadcastSource(nav)
    src.signal_names = [sig_a, sig_b]
    gd_a = src.group_delay_s(st, sv, np.zeros(sv.size, int))
    gd_b = src.group_delay_s(st, sv, np.ones(sv.size, int))
    d = (pa - pb)[ti, si] - c * (gd_a - gd_b)
    good = st.ok & np.isfinite(d)
    med = {s: np.median(d[good & (sv == s)]) for s in np.unique(sv[good])}
    if len(med) < 2:
        print(f"  {sig_a} - {sig_b}: fewer than two satellites observe both")
        return
    common = np.median(list(med.values()))
    v = np.array(list(med.values())) - common
    worst = max(med, key=lambda s: abs(med[s] - common))
    print(
        f"  {sig_a} - {sig_b}, {label:26s} {len(v):2d} satellites: RMS "
        f"{np.sqrt(np.mean(v**2)):5.2f} m, largest {worst} {med[worst] - common:+6.2f} m"
    )


def solve_case(name: str, data: Path) -> None:
    """Part 2 for one station."""
    import kompas

    donor = _read_nav(data / "rinex4" / "BRD400DLR_S_20230710000_01D_MN.rnx.gz")
    if name == "nist":
        obs = kompas.read_obs(data / "nist-2023-001" / "NIST00USA_R_20230010000_01D_30S_MO.crx.gz")
        nav = _read_nav(data / "nist-2023-001" / "BRDC00IGS_R_20230010000_01D_MN.rnx.gz")
        shift, ref, ref_name = 70, NIST, "IGS SINEX marker"
    else:
        r4 = data / "rinex4"
        obs = kompas.read_obs(r4 / "KMS300DNK_R_20221591000_01H_30S_MO.crx")
        nav = _read_nav(r4 / "KMS300DNK_R_20221591000_01H_MN.rnx.gz")
        shift, ref, ref_name = 277, None, "kompas L1/L2 P(Y) iono-free mean"
    with_isc = borrowed_cnav(nav, donor, shift)
    if ref is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            base = kompas.solve(obs, nav, "G", "iflc", signals={"G": ("C1C", "C2W")})
        ref = np.nanmean(base["position_ecef_m"].values, axis=0)
    print(
        f"\n{name.upper()}: one signal minus another after the broadcast corrections, per "
        "satellite (median over the file, the receiver's common part removed)"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for a, b in (("C1C+C5Q", "C1C+C2W"), ("C5Q", "C5I"), ("C1C", "C1W")):
            if a.split("+")[-1] in obs and b.split("+")[-1] in obs and "C1W" in obs:
                consistency(obs, nav, "no ISC", a, b)
                consistency(obs, with_isc, "T_GD + borrowed CNAV ISC", a, b)
    print(f"{name.upper()}: GPS alone, {obs.sizes['time']} epochs; errors vs the {ref_name}")
    print(f"(epochs solved with PDOP <= {MAX_PDOP:g}; ISC cells: cells with ISC / all)")
    print(f"{'run':28s} {'epochs':>6s} {'H rms':>6s} {'V rms':>6s} {'mean E':>7s} "
          f"{'mean N':>7s} {'mean U':>7s}  ISC cells  s")  # fmt: skip
    for label, mode, signals, isc in _runs():
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kw = {} if signals is None else {"signals": signals}
            sol = kompas.solve(obs, with_isc if isc else nav, "G", mode, **kw)
        dt = time.perf_counter() - t0
        n, h, v, mean = _errors(sol, ref)
        counts = sol.attrs["isc"].get("G", {})
        with_n = sum(c["with_isc"] for c in counts.values())
        total = sum(c["with_isc"] + c["without_isc"] for c in counts.values())
        print(f"{label:28s} {n:6d} {h:6.2f} {v:6.2f} {mean[0]:7.2f} {mean[1]:7.2f} "
              f"{mean[2]:7.2f}  {with_n:5d}/{total:<5d} {dt:4.1f}")  # fmt: skip
        if signals is None:
            print(f"{'':28s} signals {sol.attrs['signals']['G']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", choices=("nist", "kms3", "all"), default="all")
    args = ap.parse_args(argv)
    data = _data()
    if not (data / "rinex4").is_dir():
        print(f"no data at {data}: set KOMPAS_DATA", file=sys.stderr)
        return 1
    isc_tables(data)
    for case in ("nist", "kms3") if args.case == "all" else (args.case,):
        solve_case(case, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
