"""Analysis: is nya1-2024-127 Galileo's vertical error the ionosphere model or kompas?

One-off analysis for issue 10 (not a timed benchmark). Three parts, each printing a table:

1. **Observed slant ionosphere** on E1/L1 from the station's own dual-frequency data:
   geometry-free code ``P2 − P1`` levelled to the geometry-free carrier ``L1 − L2`` per
   continuous arc, minus the satellite's broadcast differential code bias (Galileo
   BGD(E1,E5a) for C1X/C5X, GPS TGD for C1C/C2W) and one constant receiver bias per
   system estimated together with a local vertical TEC (piecewise linear in time, linear
   in the pierce point's latitude and longitude, thin shell).
2. **Model − observed** per ray (kompas's NeQuick-G with the Galileo broadcast a_i and the
   GPS Klobuchar, ``kompas.models.ionosphere.slant_delay_m``), by elevation and local time.
3. **The position error term by term**: nya1 Galileo solved with the observed ionosphere
   in place of the model, and with NeQuick-G and one other term changed (weights, the
   ionosphere variance, troposphere mapping, mask behaviour, RAIM).

Usage: ``python benchmarks/nya1_iono.py [--step 4]`` (``--step``: NeQuick-G is evaluated
on every n-th epoch in part 2; part 3 always uses every epoch). Data as
``benchmarks/peers_spp.py`` (``$KOMPAS_DATA`` or ``../shared/data``).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers_spp import NYA1, data_dir  # noqa: E402

import kompas  # noqa: E402
from kompas.constants import SPEED_OF_LIGHT_MPS as C  # noqa: E402
from kompas.frames import WGS84  # noqa: E402
from kompas.frames.geodetic import ecef2geodetic  # noqa: E402
from kompas.frames.local import ecef2aer  # noqa: E402
from kompas.models.ionosphere import slant_delay_m  # noqa: E402
from kompas.orbits.broadcast import satellite_states  # noqa: E402
from kompas.time import Time  # noqa: E402

_Y = "nya1-2024-127/NYA100NOR_S_20241270000_01D_"
OBS = _Y + "30S_MO.crx.gz"
NAVS = (_Y + "GN.rnx.gz", _Y + "EN.rnx.gz")
F_E1 = 1575.42e6
#: system → (code 1, code 2, phase 1, phase 2, f1, f2, satellite DCB column of the nav table)
SIGNALS = {
    "E": ("C1X", "C5X", "L1X", "L5X", F_E1, 1176.45e6, ("E_INAV", "bgd_e5a_e1_s")),
    "G": ("C1C", "C2W", "L1C", "L2W", F_E1, 1227.60e6, ("G_LNAV", "tgd_s")),
}
#: thin-shell height of the mapping function and of the pierce points [m]
SHELL_M = 350e3
R_E = 6371e3
#: arcs: a gap longer than this, a loss-of-lock flag or a jump starts a new arc
GAP_S = 90.0
#: geometry-free phase jump between 30 s epochs taken as a cycle slip [m of L1−L2]: 99 %
#: of NYA1's 30 s changes of L1X − L5X on this day are below 0.16 m (ionosphere)
SLIP_GF_M = 0.25
#: Melbourne-Wübbena jump taken as a slip [m] (wide-lane 0.75–0.86 m, code noise ~0.3 m)
SLIP_MW_M = 2.5
#: with a loss-of-lock flag: jump off the linear prediction taken as a slip [m] (see _arcs)
SLIP_LLI_GF_M = 0.04
MIN_ARC = 20  # epochs at or above the mask (10 min) for a levelled arc
ELMASK_DEG = 10.0


# ---------------------------------------------------------------- part 1: observed ionosphere
def geometry(obs, nav, truth_xyz):
    """Azimuth, elevation (rad) of every (epoch, satellite) seen from the truth position,
    and the satellite positions (reception-time states: 75 ms of motion move the line of
    sight by < 0.001°)."""
    sv = obs["sv"].values.astype(str)
    t = Time.from_datetime64(obs["time"].values, "GPST")
    st = satellite_states(nav, sv[None, :], t.ns[:, None], health="any")
    az, el, _ = ecef2aer(st.position_m, np.asarray(truth_xyz, float))
    return az, el, st.position_m


def _arcs(t_s, valid, lli, gf, mw):
    """Arc number per epoch of one satellite (-1 where not valid).

    A loss-of-lock flag starts a new arc only when the geometry-free phase confirms a
    slip: its jump off the linear prediction from the two previous epochs exceeds
    :data:`SLIP_LLI_GF_M` (the NetR9 flags E5a/L2 often with no slip: the smallest slip
    pair (1, 1) moves L1 − L2 by 0.065 m; 30 s TEC curvature is below 0.02 m here).
    """
    arc = np.full(len(t_s), -1)
    k, last, prev = -1, None, None
    for i in np.flatnonzero(valid):  # per satellite arcs: a short loop, analysis only
        new = last is None or t_s[i] - t_s[last] > GAP_S
        new = new or abs(gf[i] - gf[last]) > SLIP_GF_M or abs(mw[i] - mw[last]) > SLIP_MW_M
        if not new and lli[i]:
            pred = gf[last] if prev is None else 2 * gf[last] - gf[prev]
            new = abs(gf[i] - pred) > SLIP_LLI_GF_M
        if new:
            k, prev = k + 1, None
        else:
            prev = last
        arc[i] = k
        last = i
    return arc


def levelled_gf(obs, sys_, el):
    """Carrier-levelled geometry-free code ``(P2 − P1)/(γ − 1)`` [m on f1] per cell, still
    holding the satellite and receiver biases; and the per-cell levelling residual
    ``(P2 − P1) − levelled`` (code noise + multipath) in the same unit, and the arc ids."""
    c1, c2, l1, l2, f1, f2, _ = SIGNALS[sys_]
    cols = obs["sv"].values.astype(str)
    m = np.char.startswith(cols, sys_)
    g1 = (f1 / f2) ** 2 - 1.0
    # RINEX: a missing observation may be written 0.0 (NYA1 writes C5X/L5X = 0.000 for
    # a third of the epochs); kompas.read_obs keeps it as a value, so blank it here
    p1, p2, ph1, ph2 = (
        np.where(v == 0.0, np.nan, v)
        for v in (obs[c1].values[:, m], obs[c2].values[:, m],
                  obs[l1].values[:, m] * C / f1, obs[l2].values[:, m] * C / f2)
    )  # fmt: skip
    f1_lli, f2_lli = obs[l1 + "_lli"].values[:, m], obs[l2 + "_lli"].values[:, m]
    lli = ((f1_lli > 0) & (f1_lli & 1 > 0)) | ((f2_lli > 0) & (f2_lli & 1 > 0))  # -1: blank
    pgf = p2 - p1
    lgf = ph1 - ph2
    mw = (f1 * ph1 - f2 * ph2) / (f1 - f2) - (f1 * p1 + f2 * p2) / (f1 + f2)
    t_s = (obs["time"].values - obs["time"].values[0]) / np.timedelta64(1, "s")
    e = el[:, m]
    valid = np.isfinite(pgf) & np.isfinite(lgf) & np.isfinite(e) & (e > 0)
    lev = np.full(pgf.shape, np.nan)
    arc_id = np.full(pgf.shape, -1)
    n_arc = 0
    for j in range(pgf.shape[1]):
        arc = _arcs(t_s, valid[:, j], lli[:, j], lgf[:, j], mw[:, j])
        for a in np.unique(arc[arc >= 0]):
            i = np.flatnonzero(arc == a)
            i_m = i[e[i, j] >= np.radians(ELMASK_DEG)]
            if len(i_m) < MIN_ARC:
                continue
            d = pgf[i_m, j] - lgf[i_m, j]
            w = np.sin(e[i_m, j]) ** 2
            med = np.median(d)
            mad = 1.4826 * np.median(np.abs(d - med))
            keep = np.abs(d - med) < 4 * max(mad, 0.1)
            off = np.sum(w[keep] * d[keep]) / np.sum(w[keep])
            lev[i, j] = lgf[i, j] + off
            arc_id[i, j] = n_arc
            n_arc += 1
    out = np.full(el.shape, np.nan)
    res = out.copy()
    ids = np.full(out.shape, -1)
    out[:, m] = lev / g1
    res[:, m] = (pgf - lev) / g1
    ids[:, m] = arc_id
    return out, res, ids


def satellite_dcb_m(nav, obs, sys_):
    """Per column of ``obs``: the satellite's broadcast DCB as the E1/L1 delay it causes
    in ``(P2 − P1)/(γ − 1)``: c·BGD (Galileo) or c·TGD (GPS); the day's median record."""
    table, col = SIGNALS[sys_][6]
    eph = nav.ephemerides[table]
    med = eph.groupby("sv")[col].median()
    sv = obs["sv"].values.astype(str)
    return np.array([C * med.get(s, np.nan) if s[0] == sys_ else np.nan for s in sv])


def mapping(el):
    c = R_E / (R_E + SHELL_M) * np.cos(el)
    return 1.0 / np.sqrt(1.0 - c * c)


def pierce_offsets(az, el, lat_rx):
    """Pierce point latitude and longitude offsets from the receiver [rad] (thin shell)."""
    psi = np.pi / 2 - el - np.arcsin(R_E / (R_E + SHELL_M) * np.cos(el))
    lat = np.arcsin(np.sin(lat_rx) * np.cos(psi) + np.cos(lat_rx) * np.sin(psi) * np.cos(az))
    dlon = np.arcsin(np.sin(psi) * np.sin(az) / np.cos(lat))
    return lat - lat_rx, dlon * np.cos(lat_rx)


def _hat(t, step):
    """Piecewise-linear (hat) basis on nodes every ``step`` hours over the day."""
    nodes = np.arange(0.0, 24.0 + step, step)
    u = np.clip(t / step, 0, len(nodes) - 1 - 1e-9)
    k = np.floor(u).astype(int)
    f = u - k
    h = np.zeros((len(t), len(nodes)))
    h[np.arange(len(t)), k] = 1 - f
    h[np.arange(len(t)), k + 1] = f
    return h


def _design(az, el, t, lat_rx, node_h, grad_h):
    m = mapping(el)
    dn, de = pierce_offsets(az, el, lat_rx)
    hv, hg = _hat(t, node_h), _hat(t, grad_h)
    return np.hstack([m[:, None] * hv, (m * dn)[:, None] * hg, (m * de)[:, None] * hg,
                      np.ones((len(t), 1))])  # fmt: skip


def fit_receiver_bias(y, az, el, t_h, lat_rx, node_h=1.0, grad_h=3.0):
    """Least-squares fit ``y = M(el)·(V(t) + Gn(t)·Δφ + Ge(t)·Δλ) + D``: V piecewise linear
    on ``node_h`` nodes, gradients on ``grad_h`` nodes, one receiver constant D [m].

    Returns D, the fitted slant ionosphere without D at every cell above the mask (the
    station's own TEC map, also where no levelled value exists) and the post-fit
    residuals (all on f1, metres).
    """
    ok = np.isfinite(y) & (el >= np.radians(ELMASK_DEG))
    design = _design(az[ok], el[ok], t_h[ok], lat_rx, node_h, grad_h)
    w = np.sin(el[ok])
    x, *_ = np.linalg.lstsq(design * w[:, None], y[ok] * w, rcond=None)
    above = np.isfinite(el) & (el > 0.0)  # also below the mask: for mask-lowered epochs
    tec_map = np.full(y.shape, np.nan)
    basis = _design(az[above], el[above], t_h[above], lat_rx, node_h, grad_h)
    tec_map[above] = basis[:, :-1] @ x[:-1]
    return float(x[-1]), tec_map, y - x[-1] - tec_map


def observed_ionosphere(obs, nav, az, el, truth_xyz):
    """Observed slant ionosphere on E1/L1 [m] per (epoch, sv) and the diagnostics."""
    lat_rx = float(ecef2geodetic(np.asarray(truth_xyz, float)[None], WGS84)[0][0])
    t_h = (obs["time"].values - obs["time"].values[0]) / np.timedelta64(1, "s") / 3600.0
    t_h = np.broadcast_to(t_h[:, None], el.shape)
    sv = obs["sv"].values.astype(str)
    iono = np.full(el.shape, np.nan)
    info = {}
    for s in SIGNALS:
        lev, lres, arcs = levelled_gf(obs, s, el)
        sdcb = satellite_dcb_m(nav, obs, s)
        y = lev - sdcb[None, :]
        d, tec_map, fres = fit_receiver_bias(y, az, el, t_h, lat_rx)
        wrong = fit_receiver_bias(lev + sdcb[None, :], az, el, t_h, lat_rx)[2]
        variants = {
            "shell 450 km": _with_shell(450e3, y, az, el, t_h, lat_rx),
            "shell 250 km": _with_shell(250e3, y, az, el, t_h, lat_rx),
            "V nodes 2 h": fit_receiver_bias(y, az, el, t_h, lat_rx, node_h=2.0)[0],
            "V nodes 0.5 h": fit_receiver_bias(y, az, el, t_h, lat_rx, node_h=0.5)[0],
            "no gradients": fit_receiver_bias(y, az, el, t_h, lat_rx, grad_h=24.0)[0],
        }
        cols = np.char.startswith(sv, s)
        iono[:, cols] = (y - d)[:, cols]
        info[s] = dict(dcb_m=d, tec_map=np.where(cols, tec_map, np.nan), variants=variants,
                       levelling_res=lres, arcs=arcs, fit_res=fres,
                       wrong_sign_res=wrong)  # fmt: skip
    return iono, info


def _with_shell(h_m, y, az, el, t_h, lat_rx):
    global SHELL_M
    keep, SHELL_M = SHELL_M, h_m
    try:
        return fit_receiver_bias(y, az, el, t_h, lat_rx)[0]
    finally:
        SHELL_M = keep


def _rms(x):
    x = x[np.isfinite(x)]
    return float(np.sqrt(np.mean(x**2))) if x.size else np.nan


def print_part1(info, el, sv):
    print("\n1. Observed slant ionosphere (E1/L1, m): receiver bias D and the error budget")
    print(f"{'sys':<4}{'D':>7}{'D range':>17}{'fit RMS':>9}{'wrong-sign':>11}"
          f"{'lev. res':>9}{'arcs':>6}{'lev. err':>9}")  # fmt: skip
    for s, inf in info.items():
        m = np.char.startswith(sv, s)
        above = el[:, m] >= np.radians(ELMASK_DEG)
        v = np.array(list(inf["variants"].values()))
        lres = np.where(above, inf["levelling_res"][:, m], np.nan)
        arcs = inf["arcs"][:, m]
        # levelling error per arc: code-minus-carrier scatter / sqrt(independent samples),
        # multipath correlated over ~10 min (20 epochs at 30 s)
        errs = []
        for a in np.unique(arcs[arcs >= 0]):
            r = lres[arcs == a]
            r = r[np.isfinite(r)]
            if r.size:
                errs.append(np.std(r) / np.sqrt(max(r.size / 20.0, 1.0)))
        lo, hi = v.min() - inf["dcb_m"], v.max() - inf["dcb_m"]
        print(
            f"{s:<4}{inf['dcb_m']:7.2f}{lo:+8.2f}..{hi:+5.2f}"
            f"{_rms(np.where(above, inf['fit_res'][:, m], np.nan)):9.2f}"
            f"{_rms(np.where(above, inf['wrong_sign_res'][:, m], np.nan)):11.2f}"
            f"{_rms(lres):9.2f}{len(errs):6d}{_rms(np.array(errs)):9.3f}"
        )
        for k, val in inf["variants"].items():
            print(f"      D with {k:<14} {val:7.2f} ({val - inf['dcb_m']:+.2f})")
    # cross-check of the two independent bias chains (Galileo BGD + its receiver bias,
    # GPS TGD + its receiver bias): the same sky seen by both, as vertical equivalents
    vert = {}
    for s in info:
        m = np.char.startswith(sv, s)[None, :] & (el >= np.radians(ELMASK_DEG))
        vert[s] = np.where(m, info[s]["tec_map"] / mapping(el), np.nan)
    hours = np.arange(el.shape[0]) * 30.0 / 3600.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        per_hour = {
            s: np.array([np.nanmean(v[(hours >= k) & (hours < k + 1)]) for k in range(24)])
            for s, v in vert.items()
        }
    d = per_hour["E"] - per_hour["G"]
    print(
        f"cross-check: hourly vertical TEC (E1 m) of the Galileo fit − the GPS fit: mean "
        f"{np.nanmean(d):+.2f}, RMS {_rms(d):.2f} m "
        f"(mean vertical {np.nanmean(per_hour['G']):.2f} m)"
    )
    print("D: receiver bias in (P2−P1)/(γ−1); D range: over the fit variants listed; fit RMS:")
    print("post-fit residual of the local TEC model; wrong-sign: the same with +c·BGD/TGD;")
    print("lev. res: RMS code − levelled carrier per cell (noise+multipath); lev. err: RMS")
    print("levelling error per arc (scatter/√(N/20), multipath correlated over 10 min).")


# ------------------------------------------------------------- part 2: model − observed
EL_BINS_DEG = (10, 15, 20, 30, 45, 60, 90)
LT_BINS_H = (0, 3, 6, 9, 12, 15, 18, 21, 24)


def model_delays(nav, obs, sat, el, truth_xyz, step):
    """NeQuick-G (Galileo a_i) and GPS Klobuchar slant delays on E1/L1 [m] of every
    ``step``-th epoch's rays at or above the mask (NaN elsewhere)."""
    lat, lon, h = ecef2geodetic(np.asarray(truth_xyz, float)[None], WGS84)
    llh = np.array([lat[0], lon[0], h[0]])
    t = Time.from_datetime64(obs["time"].values, "GPST")
    ion = nav.ion
    coeffs = {
        "nequick_g": ion.loc[ion.model == "nequick_g", ["ai0", "ai1", "ai2"]].values[0],
        "klobuchar_gps": ion.loc[ion.model == "klobuchar", [f"alpha{i}" for i in range(4)]
                                 + [f"beta{i}" for i in range(4)]].values[0],
    }  # fmt: skip
    pick = np.zeros(el.shape, bool)
    pick[::step] = True
    pick &= np.isfinite(el) & (el >= np.radians(ELMASK_DEG))
    ti, si = np.nonzero(pick)
    out = {}
    for model, c in coeffs.items():
        d = np.full(el.shape, np.nan)
        t0 = time.perf_counter()
        d[ti, si] = slant_delay_m(model, c, Time.from_ns(t.ns[ti], "GPST"), llh[None, :],
                                  sat[ti, si], F_E1)  # fmt: skip
        out[model] = d
        print(f"   {model}: {len(ti)} rays in {time.perf_counter() - t0:.1f} s")
    return out


def _stats(diff, sel):
    d = diff[sel & np.isfinite(diff)]
    if d.size < 5:
        return "      -      -     -"
    return f"{np.mean(d):+7.2f}{np.sqrt(np.mean(d**2)):7.2f}{d.size:6d}"


def print_part2(models, iono, el, sv, t_h_ut, lon_deg):
    lt = (t_h_ut[:, None] + lon_deg / 15.0) % 24.0 + np.zeros(el.shape)
    el_deg = np.degrees(el)
    print("\n2. Model − observed slant delay on E1/L1 [m]: bias, RMS, rays")
    for s, name in (("E", "Galileo"), ("G", "GPS")):
        m = np.char.startswith(sv, s)[None, :] & np.ones(el.shape, bool)
        diffs = {k: v - iono for k, v in models.items()}
        # per-epoch mean over the system's rays removed: the part a receiver clock cannot
        # absorb (what moves the position)
        dm = {}
        for k, d in diffs.items():
            dd = np.where(m, d, np.nan)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                dm[k] = dd - np.nanmean(dd, axis=1, keepdims=True)
        ratio = {
            k: np.nansum(np.where(m, v, 0) * np.isfinite(iono))
            / np.nansum(np.where(m & np.isfinite(v), iono, 0))
            for k, v in models.items()
        }
        print(f"{name} rays; model / observed (sums): " + ", ".join(
            f"{k} {r:.2f}" for k, r in ratio.items()))  # fmt: skip
        print(f"{'elevation':<11}{'observed':>8}" + "".join(
            f"{k[:13]:>21}" for k in models) + f"{'NeQ-G demeaned':>16}")  # fmt: skip
        for lo, hi in zip(EL_BINS_DEG[:-1], EL_BINS_DEG[1:], strict=True):
            sel = m & (el_deg >= lo) & (el_deg < hi)
            obs_mean = np.nanmean(np.where(sel & np.isfinite(models["nequick_g"]), iono, np.nan))
            row = "".join(_stats(d, sel) for d in diffs.values())
            dmq = dm["nequick_g"][sel & np.isfinite(dm["nequick_g"])]
            print(f"{lo:>3}–{hi:<2} deg  {obs_mean:8.2f}{row}"
                  f"{np.sqrt(np.mean(dmq**2)) if dmq.size else np.nan:9.2f}")  # fmt: skip
        sel = m & (el_deg >= ELMASK_DEG)
        print(f"{'all ≥ 10':<11}{np.nanmean(np.where(sel, iono, np.nan)):8.2f}"
              + "".join(_stats(d, sel) for d in diffs.values()))  # fmt: skip
        print(f"{'local time':<11}")
        for lo, hi in zip(LT_BINS_H[:-1], LT_BINS_H[1:], strict=True):
            sel = m & (el_deg >= ELMASK_DEG) & (lt >= lo) & (lt < hi)
            obs_mean = np.nanmean(np.where(sel & np.isfinite(models["nequick_g"]), iono, np.nan))
            print(f"{lo:02d}–{hi:02d} h    {obs_mean:8.2f}"
                  + "".join(_stats(d, sel) for d in diffs.values()))  # fmt: skip


# ------------------------------------------------------------ part 3: the position error
def rtklib_tropo_m(h_m, lat_rad, el):
    """RTKLIB 2.4.3 ``tropmodel``: Saastamoinen, standard atmosphere (15 °C, 70 %
    humidity), zenith delays mapped with 1/cos z."""
    hgt = max(h_m, 0.0)
    pres = 1013.25 * (1.0 - 2.2557e-5 * hgt) ** 5.2568
    temp = 15.0 - 6.5e-3 * hgt + 273.16
    e = 6.108 * 0.7 * np.exp((17.15 * temp - 4684.0) / (temp - 38.45))
    cz = np.sin(el)
    trph = 0.0022768 * pres / (1.0 - 0.00266 * np.cos(2 * lat_rad) - 0.00028 * hgt / 1e3) / cz
    trpw = 0.002277 * (1255.0 / temp + 0.05) * e / cz
    return np.where(el > 0, trph + trpw, np.nan)


def _summary(sol, truth):
    err = kompas.errors_against(sol, truth)["error_enu_m"].values
    ok = np.isfinite(err).all(axis=1)
    e = err[ok]
    return dict(
        solved=int(ok.sum()), h=float(np.sqrt(np.mean(e[:, 0] ** 2 + e[:, 1] ** 2))),
        v=float(np.sqrt(np.mean(e[:, 2] ** 2))), east=float(e[:, 0].mean()),
        north=float(e[:, 1].mean()), up=float(e[:, 2].mean()), sd_up=float(e[:, 2].std()),
    )  # fmt: skip


#: part 3 per system: the single-frequency code kompas uses on nya1 and its own model
CODE = {"E": ("C1X", "NeQuick-G", {}), "G": ("C1C", "Klobuchar", {})}


def part3(obs, nav, iono, info, el, truth, sys_, seed=1):
    """Solve nya1 with system ``sys_`` alone in each variant; rows (name, summary).

    "observed" is the levelled value where the cell has one, else the station's fitted
    TEC map (part 1) — so that every variant solves with the same satellites.
    """
    from kompas.positioning.corrections import troposphere_m

    code, own, _ = CODE[sys_]
    sv = obs["sv"].values.astype(str)
    cols = np.char.startswith(sv, sys_)
    obs_s = obs.isel(sv=np.flatnonzero(cols))
    i_s = iono[:, cols]
    tec = info[sys_]["tec_map"][:, cols]
    arcs = info[sys_]["arcs"][:, cols]
    filled = np.where(np.isfinite(i_s), i_s, tec)
    c1 = obs_s[code].values
    lat, lon, h = ecef2geodetic(np.asarray(truth, float)[None], WGS84)
    t = Time.from_datetime64(obs["time"].values, "GPST")
    doy = 127.0 + (t.ns - t.ns[0]) / 86400e9
    el_s = el[:, cols]
    t_k = troposphere_m(np.full(len(t), lat[0]), np.full(len(t), h[0]), el_s, doy)
    to_rtklib_tropo = np.nan_to_num(t_k - rtklib_tropo_m(h[0], lat[0], el_s))

    def with_code(values):
        o = obs_s.copy()
        o[code] = (("time", "sv"), values)
        return o

    def minus(delay):  # below the mask the cells are not used: any value will do there
        return with_code(c1 - np.nan_to_num(delay))

    # the observed ionosphere's own noise in the position: each arc's levelling offset
    # perturbed by its RMS error (0.4 m, part 1) in a few random draws
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(4):
        kick = rng.normal(0.0, 0.4, arcs.max() + 2)
        draws.append(minus(filled + np.where(arcs >= 0, kick[arcs], 0.0)))
    none = dict(iono="none")
    runs = [
        (f"{own} (default)", obs_s, {}),
        ("observed iono (iono var 0)", minus(filled), none),
        ("observed + 0.30 m (receiver bias)", minus(filled + 0.30), none),
        ("observed, levelled cells only", minus(np.where(np.isfinite(i_s), i_s, np.inf)), none),
        ("station TEC map (fit) everywhere", minus(tec), none),
        # NeQuick-G's day-mean model/observed ratio (part 2) as a uniform scale error
        ("observed x 1.35", minus(1.35 * filled), none),
        ("observed iono, RTKLIB tropo", minus(filled - to_rtklib_tropo), none),
        *[(f"observed, arc offsets ±0.4 m #{k + 1}", d, none) for k, d in enumerate(draws)],
        (f"{own}, iono var 0", obs_s, dict(iono_model_error=0.0)),
        (f"{own}, iono var 1.0 x I", obs_s, dict(iono_model_error=1.0)),
        (f"{own}, equal weights", obs_s, dict(weighting="equal")),
        (f"{own}, RTKLIB tropo (1/cos z)", with_code(c1 + to_rtklib_tropo), {}),
        (f"{own}, no mask lowering", obs_s, dict(fallback_elmask_deg=10.0)),
        (f"{own}, no RAIM", obs_s, dict(raim=False)),
    ]
    if sys_ == "E":
        runs += [("Klobuchar (GPS a/b)", obs_s, dict(iono="klobuchar_gps")),
                 ("Klobuchar, iono var 0", obs_s, dict(iono="klobuchar_gps",
                                                       iono_model_error=0.0))]  # fmt: skip
    else:
        runs += [("NeQuick-G (Galileo a_i)", obs_s, dict(iono="nequick_g"))]
    rows = []
    for name, o, kw in runs:
        sol = kompas.solve(o, nav, systems=sys_, **kw)
        rows.append((name, _summary(sol, truth)))
        if name.endswith("(default)"):
            rows[-1][1]["applied"] = check_applied(sol, sys_, el, sv, obs, nav, truth)
    return rows


def check_applied(sol, sys_, el, sv, obs, nav, truth):
    """Solver's applied delay − slant_delay_m at the truth over 500 used cells [m]
    (the solver evaluates at its own position and interpolates NeQuick-G in time)."""
    applied = sol["iono_m"].values
    cols = np.flatnonzero(np.char.startswith(sv, sys_))
    ti, si = np.nonzero(np.isfinite(applied))
    pick = np.random.default_rng(0).choice(len(ti), min(500, len(ti)), replace=False)
    ti, si = ti[pick], si[pick]
    _, _, sat = geometry(obs.isel(time=ti, sv=cols[si]), nav, truth)
    n = np.arange(len(ti))
    model = "nequick_g" if sys_ == "E" else "klobuchar"
    ion = nav.ion
    c = ion.loc[ion.model == model].iloc[0]
    klob = [c[f"alpha{i}"] for i in range(4)] + [c[f"beta{i}"] for i in range(4)]
    coef = [c.ai0, c.ai1, c.ai2] if sys_ == "E" else klob
    lat, lon, h = ecef2geodetic(np.asarray(truth, float)[None], WGS84)
    t = Time.from_datetime64(obs["time"].values[ti], "GPST")
    name = "nequick_g" if sys_ == "E" else "klobuchar_gps"
    direct = slant_delay_m(name, coef, t, np.array([[lat[0], lon[0], h[0]]]), sat[n, n], F_E1)
    d = applied[ti, si] - direct
    return f"mean {np.nanmean(d):+.3f}, RMS {_rms(d):.3f}, max {np.nanmax(np.abs(d)):.3f} m"


def print_part3(rows, sys_):
    name = {"E": "Galileo (E1 C1X)", "G": "GPS (L1 C1C)"}[sys_]
    print(f"\n3{sys_}. nya1-2024-127 {name} alone, broadcast orbits, 10 deg, vs marker [m]")
    print(f"{'variant':<37}{'epochs':>6}{'RMS H':>6}{'RMS V':>6}{'E':>6}{'N':>6}{'U':>6}"
          f"{'sd U':>5}")  # fmt: skip
    for label, r in rows:
        print(f"{label:<37}{r['solved']:6d}{r['h']:6.2f}{r['v']:6.2f}{r['east']:+6.2f}"
              f"{r['north']:+6.2f}{r['up']:+6.2f}{r['sd_up']:5.2f}")  # fmt: skip
    applied = rows[0][1].get("applied")
    if applied is not None:
        print(f"(solver's applied model delay − slant_delay_m at the truth: {applied})")
    if sys_ == "E":
        print("RTKLIB 2.4.3 (Klobuchar): 2880, 1.12 / 2.19, mean up -0.49; bound V <= 2.39")
    else:
        print("RTKLIB 2.4.3: 2880, 1.31 / 2.04, mean up -0.61; bound V <= 2.24")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--step", type=int, default=4)
    ap.add_argument("--systems", default="EG", help="part 3 for these systems")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    root = data_dir()
    t0 = time.perf_counter()
    obs = kompas.read_obs(str(root / OBS), systems="GE")
    nav = kompas.read_nav([str(root / n) for n in NAVS])
    az, el, sat = geometry(obs, nav, NYA1)
    iono, info = observed_ionosphere(obs, nav, az, el, NYA1)
    sv = obs["sv"].values.astype(str)
    print_part1(info, el, sv)
    models = model_delays(nav, obs, sat, el, NYA1, args.step)
    t_h = (obs["time"].values - obs["time"].values[0]) / np.timedelta64(1, "s") / 3600.0
    lon = float(np.degrees(ecef2geodetic(np.asarray(NYA1, float)[None], WGS84)[1][0]))
    print_part2(models, iono, el, sv, t_h, lon)
    for s in args.systems:
        print_part3(part3(obs, nav, iono, info, el, NYA1, s), s)
    print(f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
