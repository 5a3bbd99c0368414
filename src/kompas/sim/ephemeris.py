"""Broadcast ephemerides of the nominal constellations, as :class:`Navigation` tables.

Keplerian systems (GPS, Galileo, BDS MEO/IGSO/GEO): every satellite flies a circular
Keplerian orbit fixed in inertial space (see :mod:`kompas.sim.nominal` for why the period
is the published repeat period).  Each record (toe = toc every 2 h for GPS, 10 min for
Galileo, 1 h for BDS) holds the *exact* elements of that one orbit referred to its toe, so
consecutive records describe the same orbit and the broadcast evaluation of
:mod:`kompas.orbits` is the truth.  Harmonic corrections, delta_n, Omega_dot and IDOT are 0.

BDS GEO records use the GEO convention of BDS-SIS-ICD-B1I 3.0, 5.2.4.12: the elements
describe the orbit in a frame tilted by +5 deg about x (P_ECEF = R_z(omega_e t_k)
R_x(-5 deg) P_K), computed here from the inertial state by the inverse rotation.  A small
true inclination (default 1 deg, real BDS GEOs fly 0.5-2 deg) keeps the tilted-frame
inclination at 4 deg, below the 5 deg used to recognise GEO orbits (real broadcasts
show 3.4-5.6 deg).

GLONASS: PZ-90.11 state vectors every 30 min (t_b at hh:15 and hh:45 UTC) of an orbit
integrated with the broadcast force model (GLONASS ICD 5.1 A.3.1.2: central + J2 +
rotation; :func:`kompas.orbits.glonass.integrate_glonass`), luni-solar accelerations 0.
The reference orbit's initial speed is tuned so that its draconic period T_dr and
measured node regression Omega_dot give the ICD ground-track repeat,
17 T_dr = 8 * 2 pi / (omega_e - Omega_dot).

Every stored number is rounded to the 13 significant digits of the RINEX ``%19.12e``
field (GLONASS in km as written), so the written file reads back bit-identical and the
in-memory tables are exactly the file's orbits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kompas.io.navigation import Navigation
from kompas.orbits.glonass import integrate_glonass
from kompas.sim import nominal as nom
from kompas.time import Time, TimeScale
from kompas.time.leap import gps_minus_utc_s

__all__ = [
    "KeplerOrbits",
    "EphemerisOptions",
    "nominal_kepler_orbits",
    "glonass_reference_orbit",
    "nominal_navigation",
    "quantize",
]

_S = 1_000_000_000
_WEEK_NS = 7 * 86_400 * _S
#: toe/toc spacing per system [s] (GPS 2 h IS-GPS-200 20.3.4.5; Galileo 10 min; BDS 1 h;
#: GLONASS t_b every 30 min, GLONASS ICD 5.1 4.4).
RECORD_INTERVAL_S = {"G": 7200, "E": 600, "C": 3600, "R": 1800}
#: Inclination of the tilted BDS GEO reference frame [deg] (BDS-SIS-ICD-B1I 3.0, 5.2.4.12).
_GEO_TILT_DEG = 5.0


def quantize(values: np.ndarray) -> np.ndarray:
    """Round to the 13 significant digits a RINEX ``%19.12e`` field keeps."""
    v = np.asarray(values, dtype=np.float64)
    return np.array([float(f"{x:.12e}") if np.isfinite(x) else x for x in v.ravel()]).reshape(
        v.shape
    )


@dataclass
class KeplerOrbits:
    """Circular nominal orbits fixed in the inertial frame that coincides with ECEF at t0.

    Arrays have one entry per satellite.  ``node_rad`` is the longitude of the ascending
    node at t0 (Earth-fixed = inertial at t0), ``arg_lat_rad`` the argument of latitude
    at t0, ``kind`` "MEO"/"IGSO"/"GEO".
    """

    sv: np.ndarray
    kind: np.ndarray
    a_m: np.ndarray
    inclination_rad: np.ndarray
    node_rad: np.ndarray
    arg_lat_rad: np.ndarray
    gm_m3ps2: np.ndarray
    omega_e_radps: np.ndarray


@dataclass
class EphemerisOptions:
    """Free parameters of the simulated broadcast data (all seeded and reproducible)."""

    #: Galileo / BDS MEO Walker reference node (plane 1) at t0, Earth-fixed [deg].
    walker_node_deg: float = 0.0
    #: GLONASS plane-1 node at t0, Earth-fixed [deg]; slot-1 argument of latitude [deg].
    glonass_node_deg: float = 10.0
    glonass_arg_lat_deg: float = 315.0
    #: True inclination of the BDS GEOs [deg].
    geo_inclination_deg: float = 1.0
    #: |af0| drawn uniformly in this range [s], random sign; af1 ~ N(0, sigma) [s/s].
    af0_range_s: tuple[float, float] = (1e-5, 1e-4)
    af1_sigma_sps: float = 1e-12
    #: Group delays (TGD, BGD, TGD1/2, GLONASS delta tau) ~ N(0, sigma) [s].
    group_delay_sigma_s: float = 3e-9
    #: GLONASS gamma_n ~ N(0, sigma).
    gamma_sigma: float = 1e-12


def _gps_slots(t0: Time) -> tuple[np.ndarray, np.ndarray]:
    """GPS node longitude (Earth-fixed) and argument of latitude at t0 [rad]."""
    c = nom.CONSTELLATIONS["G"]
    epoch = Time.from_calendar(*nom.GPS_SLOT_EPOCH, scale=TimeScale.UTC)
    dt = float(t0 - epoch)
    a = nom.repeat_semi_major_axis_m(c)
    n = np.sqrt(c.gm_m3ps2 / a**3)
    gha = np.deg2rad(nom.GPS_SLOT_GHA_DEG) + c.omega_e_radps * dt
    node = np.deg2rad(nom.GPS_SLOTS["raan_deg"].to_numpy()) - gha
    u = np.deg2rad(nom.GPS_SLOTS["arg_lat_deg"].to_numpy()) + n * dt
    return np.mod(node, 2 * np.pi), np.mod(u, 2 * np.pi)


def nominal_kepler_orbits(
    t0: Time, systems: str = "GEC", options: EphemerisOptions | None = None
) -> KeplerOrbits:
    """The nominal Keplerian orbits of GPS, Galileo and BDS-3 at epoch t0.

    Parameters
    ----------
    t0 : Time
        Reference epoch (the inertial frame is ECEF at t0).
    systems : str
        Any of ``"G"``, ``"E"``, ``"C"``.
    options : EphemerisOptions, optional
    """
    opt = options or EphemerisOptions()
    rows: list[tuple] = []

    def add(svs, kind, c, node_deg, u_deg):
        a = nom.repeat_semi_major_axis_m(c)
        for s, nd, u in zip(svs, np.atleast_1d(node_deg), np.atleast_1d(u_deg), strict=True):
            rows.append(
                (
                    s,
                    kind,
                    a,
                    np.deg2rad(c.inclination_deg),
                    np.deg2rad(nd),
                    np.deg2rad(u),
                    c.gm_m3ps2,
                    c.omega_e_radps,
                )
            )

    if "G" in systems:
        node, u = _gps_slots(t0)
        add(
            [f"G{i:02d}" for i in range(1, 25)],
            "MEO",
            nom.CONSTELLATIONS["G"],
            np.rad2deg(node),
            np.rad2deg(u),
        )
    if "E" in systems:
        _, _, nd, u = nom.walker_slots(24, 3, 1, opt.walker_node_deg)
        add([f"E{i:02d}" for i in range(1, 25)], "MEO", nom.CONSTELLATIONS["E"], nd, u)
    if "C" in systems:
        _, _, nd, u = nom.walker_slots(24, 3, 1, opt.walker_node_deg)
        add(list(nom.BDS_MEO_PRNS), "MEO", nom.CONSTELLATIONS["C"], nd, u)
        # IGSO: node such that each crosses the equator northward at 118 E (derivation:
        # node and argument of latitude move at -omega_e and +omega_e).
        u_igso = np.array([0.0, 120.0, 240.0])
        node_igso = nom.BDS_IGSO_NODE_LONGITUDE_DEG + np.mod(360.0 - u_igso, 360.0)
        add(list(nom.BDS_IGSO_PRNS), "IGSO", nom.CONSTELLATIONS["C_IGSO"], node_igso, u_igso)
        geo = nom.CONSTELLATIONS["C_GEO"]
        for sv, lon in nom.BDS_GEO_LONGITUDES_DEG.items():
            # node on -x of the tilted frame: node 180 deg; u0 = lon - node
            a = nom.repeat_semi_major_axis_m(geo)
            rows.append(
                (
                    sv,
                    "GEO",
                    a,
                    np.deg2rad(opt.geo_inclination_deg),
                    np.pi,
                    np.deg2rad(lon) - np.pi,
                    geo.gm_m3ps2,
                    geo.omega_e_radps,
                )
            )
    cols = list(zip(*rows, strict=True))
    return KeplerOrbits(*(np.array(c) for c in cols))


def _circular_state(a, inc, node, u, n):
    """Inertial position and velocity of circular orbits (arrays broadcast)."""
    cn, sn, cu, su, ci, si = (
        np.cos(node),
        np.sin(node),
        np.cos(u),
        np.sin(u),
        np.cos(inc),
        np.sin(inc),
    )
    r = a[..., None] * np.stack([cn * cu - sn * su * ci, sn * cu + cn * su * ci, su * si], -1)
    v = (a * n)[..., None] * np.stack(
        [-cn * su - sn * cu * ci, -sn * su + cn * cu * ci, cu * si], -1
    )
    return r, v


def _rot_z(vec, angle):
    c, s = np.cos(angle), np.sin(angle)
    x, y, z = vec[..., 0], vec[..., 1], vec[..., 2]
    return np.stack([c * x + s * y, -s * x + c * y, z], -1)


def _rot_x(vec, angle):
    c, s = np.cos(angle), np.sin(angle)
    x, y, z = vec[..., 0], vec[..., 1], vec[..., 2]
    return np.stack([x, c * y + s * z, -s * y + c * z], -1)


def _circular_elements(r, v):
    """Inclination, node and argument of latitude of circular orbits from (r, v)."""
    h = np.cross(r, v)
    hn = np.linalg.norm(h, axis=-1)
    inc = np.arccos(h[..., 2] / hn)
    node = np.arctan2(h[..., 0], -h[..., 1])
    cn, sn = np.cos(node), np.sin(node)
    x = r[..., 0] * cn + r[..., 1] * sn
    y = (-r[..., 0] * sn + r[..., 1] * cn) * np.cos(inc) + r[..., 2] * np.sin(inc)
    return inc, node, np.arctan2(y, x)


def _grid_ns(
    start_ns: int, end_ns: int, interval_s: int, label_shift_ns: int = 0, phase_s: int = 0
) -> np.ndarray:
    """Instants whose labels (instant - shift) are phase + multiples of the interval,
    from the one before the last at or before start to the first at or after end (so
    that signals emitted just before ``start`` find a record valid before it: Galileo
    and BDS records are not used before their toe)."""
    step = interval_s * _S
    first = start_ns - np.mod(start_ns - label_shift_ns - phase_s * _S, step) - step
    n = int(np.ceil((end_ns - first) / step)) + 1
    return first + step * np.arange(n, dtype=np.int64)


def _kepler_tables(orb: KeplerOrbits, t0: Time, end_ns: int, rng, opt) -> dict:
    system = np.array([s[0] for s in orb.sv])
    tables = {}
    for sys_char in ("G", "E", "C"):
        sel = np.flatnonzero(system == sys_char)
        if sel.size == 0:
            continue
        scale = {"G": TimeScale.GPST, "E": TimeScale.GST, "C": TimeScale.BDT}[sys_char]
        shift = 14 * _S if sys_char == "C" else 0
        interval = RECORD_INTERVAL_S[sys_char]
        toe = _grid_ns(int(t0.ns), end_ns, interval, shift)
        n_sv, n_t = sel.size, toe.size
        dt = (toe - int(t0.ns)) / 1e9  # (T,)
        a = orb.a_m[sel][:, None]
        gm = orb.gm_m3ps2[sel][:, None]
        we = orb.omega_e_radps[sel][:, None]
        n = np.sqrt(gm / a**3)
        u = orb.arg_lat_rad[sel][:, None] + n * dt[None, :]
        r, v = _circular_state(
            np.broadcast_to(a, u.shape),
            orb.inclination_rad[sel][:, None],
            orb.node_rad[sel][:, None],
            u,
            np.broadcast_to(n, u.shape),
        )
        # into the inertial frame that coincides with ECEF at toe
        ang = we * dt[None, :]
        r, v = _rot_z(r, ang), _rot_z(v, ang)
        geo = (orb.kind[sel] == "GEO")[:, None] & np.ones((1, n_t), dtype=bool)
        tilt = np.deg2rad(_GEO_TILT_DEG)
        r = np.where(geo[..., None], _rot_x(r, tilt), r)
        v = np.where(geo[..., None], _rot_x(v, tilt), v)
        inc, node, u_k = _circular_elements(r, v)
        t_e = Time.from_ns(toe, TimeScale.GPST).to(scale)
        week, sow = (np.asarray(x, dtype=np.float64) for x in t_e.week_tow())
        omega0 = np.mod(node + we * sow[None, :] + np.pi, 2 * np.pi) - np.pi
        m0 = np.mod(u_k + np.pi, 2 * np.pi) - np.pi
        # clocks: continuous polynomial per satellite, referred to each toc = toe
        sign = rng.choice([-1.0, 1.0], n_sv)
        af0_ref = sign * rng.uniform(*opt.af0_range_s, n_sv)
        af1 = rng.normal(0.0, opt.af1_sigma_sps, n_sv)
        af0 = af0_ref[:, None] + af1[:, None] * dt[None, :]
        gd = rng.normal(0.0, opt.group_delay_sigma_s, (3, n_sv))
        flat = {
            "sv": np.repeat(orb.sv[sel], n_t),
            "toc_ns": np.tile(toe, n_sv),
            "af0_s": af0.ravel(),
            "af1_sps": np.repeat(af1, n_t),
            "af2_sps2": np.zeros(n_sv * n_t),
            "crs_m": 0.0,
            "delta_n_radps": 0.0,
            "m0_rad": m0.ravel(),
            "cuc_rad": 0.0,
            "e": 0.0,
            "cus_rad": 0.0,
            "sqrt_a_sqrtm": np.repeat(np.sqrt(a[:, 0]), n_t),
            "toe_sow_s": np.tile(sow, n_sv),
            "cic_rad": 0.0,
            "omega0_rad": omega0.ravel(),
            "cis_rad": 0.0,
            "i0_rad": inc.ravel(),
            "crc_m": 0.0,
            "omega_rad": 0.0,
            "omega_dot_radps": 0.0,
            "idot_radps": 0.0,
            "week": np.tile(week, n_sv),
            "health": 0.0,
            "accuracy_m": 2.0,
            "toe_ns": np.tile(toe, n_sv),
            "ttm_ns": np.tile(toe - interval * _S // 2, n_sv),
        }
        iod = np.tile(np.mod(np.arange(n_t), 256).astype(float), n_sv)
        if sys_char == "G":
            flat.update(
                iode=iod,
                iodc=iod,
                tgd_s=np.repeat(gd[0], n_t),
                codes_l2=1.0,
                l2p_flag=0.0,
                fit_interval_h=4.0,
            )
            tables["G_LNAV"] = _frame(flat, ["week"])
        elif sys_char == "E":
            # data sources 517 = I/NAV E1-B + E5b-I, clock for E5b/E1 (OS SIS ICD 5.1.9.2)
            flat.update(
                iod_nav=iod,
                data_sources=517.0,
                bgd_e5a_e1_s=np.repeat(gd[0], n_t),
                bgd_e5b_e1_s=np.repeat(gd[1], n_t),
                accuracy_m=3.12,
            )
            tables["E_INAV"] = _frame(flat, ["week"])
        else:
            is_geo = np.repeat(orb.kind[sel] == "GEO", n_t)
            flat.update(
                aode=iod, aodc=iod, tgd1_s=np.repeat(gd[0], n_t), tgd2_s=np.repeat(gd[1], n_t)
            )
            df = _frame(flat, [])
            tables["C_D1"] = df[~is_geo].reset_index(drop=True)
            tables["C_D2"] = df[is_geo].reset_index(drop=True)
    return tables


def _frame(cols: dict, keep_raw: list[str]) -> pd.DataFrame:
    n = len(cols["sv"])
    out = {}
    for name, val in cols.items():
        arr = np.broadcast_to(np.asarray(val), (n,)) if np.ndim(val) == 0 else np.asarray(val)
        if name in ("sv",):
            out[name] = arr.astype(str)
        elif name.endswith("_ns"):
            out[name] = arr.astype(np.int64)
        else:
            out[name] = quantize(arr.astype(np.float64))
    df = pd.DataFrame(out)
    if "week" in keep_raw and df["sv"].str[0].iloc[0] in "GEI":
        offset = 1024.0 if df["sv"].iloc[0][0] in "EI" else 0.0
        df["week_file"] = df["week"] + offset
    df["source_file"] = "kompas.sim"
    df["source_line"] = 0
    return df.sort_values(["sv", "toe_ns"], kind="mergesort").reset_index(drop=True)


# ------------------------------------------------------------------------------- GLONASS
@dataclass
class GlonassReference:
    """Tuned GLONASS reference orbit: ECEF state at its ascending node (time 0)."""

    position_m: np.ndarray
    velocity_mps: np.ndarray
    draconic_period_s: float
    node_rate_radps: float


def _node_crossing(pos, vel, t_guess):
    """Integrate to t_guess and refine to the ascending node (z = 0) by two Newton steps."""
    p, v = integrate_glonass(pos[None], vel[None], np.zeros((1, 3)), np.array([t_guess]))
    t = t_guess
    for _ in range(2):
        dt = -p[0, 2] / v[0, 2]
        p, v = integrate_glonass(p, v, np.zeros((1, 3)), np.array([dt]))
        t += dt
    return p[0], v[0], t


def glonass_reference_orbit(iterations: int = 4) -> GlonassReference:
    """Tune a GLONASS orbit to the ICD ground-track repeat (17 revolutions, 8 days).

    Starts at the ascending node on the Greenwich meridian with the ICD inclination and
    a circular speed at a = 25 510 km, then scales the speed until the integrated orbit's
    draconic period T_dr and measured node rate satisfy
    ``17 T_dr = 8 * 2 pi / (omega_e - Omega_dot)``.
    """
    c = nom.CONSTELLATIONS["R"]
    we, mu = c.omega_e_radps, c.gm_m3ps2
    inc = np.deg2rad(c.inclination_deg)
    a = c.published_a_m
    r0 = np.array([a, 0.0, 0.0])
    speed = np.sqrt(mu / a)
    t_guess = c.published_period_s
    for _ in range(iterations):
        v_in = speed * np.array([0.0, np.cos(inc), np.sin(inc)])
        v0 = v_in - np.cross([0.0, 0.0, we], r0)
        p, _, t_dr = _node_crossing(r0, v0, t_guess)
        node_shift = np.mod(np.arctan2(p[1], p[0]) + we * t_dr + np.pi, 2 * np.pi) - np.pi
        node_rate = node_shift / t_dr
        target = c.sidereal_days * 2 * np.pi / (c.revolutions * (we - node_rate))
        speed *= 1.0 + (target - t_dr) / (3.0 * t_dr)
        t_guess = target
    v_in = speed * np.array([0.0, np.cos(inc), np.sin(inc)])
    return GlonassReference(r0, v_in - np.cross([0.0, 0.0, we], r0), t_dr, node_rate)


def _glonass_initial_states(t0_ns: int, opt: EphemerisOptions, ref: GlonassReference):
    slots = nom.glonass_slots(opt.glonass_node_deg, opt.glonass_arg_lat_deg)
    tau = np.deg2rad(slots["arg_lat_deg"].to_numpy()) / (2 * np.pi) * ref.draconic_period_s
    n = tau.size
    p, v = integrate_glonass(
        np.tile(ref.position_m, (n, 1)), np.tile(ref.velocity_mps, (n, 1)), np.zeros((n, 3)), tau
    )
    we = nom.CONSTELLATIONS["R"].omega_e_radps
    node_now = (ref.node_rate_radps - we) * tau
    # rotating about z by +alpha: R_z(-alpha) in the frame-rotation convention of _rot_z
    alpha = np.deg2rad(slots["node_deg"].to_numpy()) - node_now
    return slots, _rot_z(p, -alpha), _rot_z(v, -alpha)


def _glonass_table(t0: Time, end_ns: int, rng, opt: EphemerisOptions) -> pd.DataFrame:
    ref = glonass_reference_orbit()
    leap_ns = int(gps_minus_utc_s(np.array([t0.ns]))[0]) * _S
    tb = _grid_ns(int(t0.ns), end_ns, RECORD_INTERVAL_S["R"], leap_ns, phase_s=900)
    slots, p, v = _glonass_initial_states(int(tb[0]), opt, ref)
    n_sv, n_t = len(slots), tb.size
    pos = np.empty((n_t, n_sv, 3))
    vel = np.empty((n_t, n_sv, 3))
    pos[0], vel[0] = p, v
    zero = np.zeros((n_sv, 3))
    # a loop over record epochs while *generating* data (not a hot path)
    for i in range(1, n_t):
        step = np.full(n_sv, (tb[i] - tb[i - 1]) / 1e9)
        pos[i], vel[i] = integrate_glonass(pos[i - 1], vel[i - 1], zero, step)
    dt = (tb - tb[0]) / 1e9
    tau0 = rng.choice([-1.0, 1.0], n_sv) * rng.uniform(*opt.af0_range_s, n_sv)
    gamma = rng.normal(0.0, opt.gamma_sigma, n_sv)
    dtau = rng.normal(0.0, opt.group_delay_sigma_s, n_sv)
    clock_bias = -tau0[None, :] + gamma[None, :] * dt[:, None]
    ttm = tb - 900 * _S
    tk = np.mod(ttm - leap_ns, _WEEK_NS) / 1e9

    def km(x):
        return quantize(x / 1e3) * 1e3

    cols = {
        "sv": np.tile(slots["sv"].to_numpy(), n_t),
        "toc_ns": np.repeat(tb, n_sv),
        "clock_bias_s": clock_bias.ravel(),
        "gamma_n": np.tile(gamma, n_t),
        "tk_s": np.repeat(tk, n_sv),
        "x_m": km(pos[..., 0]).ravel(),
        "vx_mps": km(vel[..., 0]).ravel(),
        "ax_mps2": 0.0,
        "health": 0.0,
        "y_m": km(pos[..., 1]).ravel(),
        "vy_mps": km(vel[..., 1]).ravel(),
        "ay_mps2": 0.0,
        "freq_channel": np.tile(slots["freq_channel"].to_numpy(dtype=float), n_t),
        "z_m": km(pos[..., 2]).ravel(),
        "vz_mps": km(vel[..., 2]).ravel(),
        "az_mps2": 0.0,
        "age_days": 0.0,
        "status_flags": 0.0,
        "delta_tau_s": np.tile(dtau, n_t),
        "urai": 0.0,
        "health_flags": 0.0,
        "ttm_ns": np.repeat(ttm, n_sv),
    }
    n = n_sv * n_t
    out = {}
    for name, val in cols.items():
        arr = np.broadcast_to(np.asarray(val), (n,))
        if name == "sv":
            out[name] = arr.astype(str)
        elif name.endswith("_ns"):
            out[name] = arr.astype(np.int64)
        elif name.endswith(("_m", "_mps", "_mps2")):
            out[name] = arr.astype(np.float64)  # already rounded in km
        else:
            out[name] = quantize(arr.astype(np.float64))
    df = pd.DataFrame(out)
    df["source_file"] = "kompas.sim"
    df["source_line"] = 0
    return df.sort_values(["sv", "toc_ns"], kind="mergesort").reset_index(drop=True)


#: Klobuchar sets used by default: GPS alpha/beta (IS-GPS-200 units) and BDS alpha/beta
#: (BDS-SIS-ICD-B1I units) of moderate solar activity, as broadcast on 2023-01-01
#: (IGS BRDC header: GPSA/GPSB, BDSA).
DEFAULT_KLOBUCHAR = {
    "G": ((2.0489e-08, 0.0, -5.9605e-08, 1.1921e-07), (1.4131e05, -1.9661e05, 0.0, 1.9661e05)),
    "C": (
        (2.7008e-08, 1.3411e-07, -1.3113e-06, 1.9670e-06),
        (1.3722e05, -1.6384e05, 1.9661e05, -5.8982e05),
    ),
}


def _ion_table(t0: Time) -> pd.DataFrame:
    rows = []
    for system, (alpha, beta) in DEFAULT_KLOBUCHAR.items():
        row = {"system": system, "model": "klobuchar", "sv": "", "time_ns": int(t0.ns)}
        row.update({f"alpha{i}": float(x) for i, x in enumerate(alpha)})
        row.update({f"beta{i}": float(x) for i, x in enumerate(beta)})
        row.update(source="ION", source_file="kompas.sim", source_line=0)
        rows.append(row)
    return pd.DataFrame(rows)


def nominal_navigation(
    start: Time,
    duration_s: float = 86_400.0,
    systems: str = "GREC",
    seed: int = 0,
    options: EphemerisOptions | None = None,
) -> Navigation:
    """Broadcast navigation data of the nominal constellations over a time span.

    Parameters
    ----------
    start : Time
        First instant to cover (also the constellation reference epoch t0; for GLONASS
        the first t_b at or before it).
    duration_s : float
        Span to cover after ``start``; records extend one interval beyond both ends.
    systems : str
        Any of ``"G"``, ``"R"``, ``"E"``, ``"C"``.
    seed : int
        Seed of the clock and group-delay draws (numpy Generator).
    options : EphemerisOptions, optional

    Returns
    -------
    Navigation
        Tables ``G_LNAV``, ``R_FDMA``, ``E_INAV``, ``C_D1`` (MEO, IGSO), ``C_D2`` (GEO),
        Klobuchar sets (GPS, BDS) in ``ion``, ``leap_seconds``.
    """
    opt = options or EphemerisOptions()
    rng = np.random.default_rng(seed)
    t0 = Time.from_ns(np.int64(start.ns), TimeScale.GPST)
    end_ns = int(t0.ns) + int(round(duration_s * _S))
    tables: dict[str, pd.DataFrame] = {}
    kep = "".join(s for s in "GEC" if s in systems)
    if kep:
        orb = nominal_kepler_orbits(t0, kep, opt)
        tables.update(_kepler_tables(orb, t0, end_ns, rng, opt))
    if "R" in systems:
        tables["R_FDMA"] = _glonass_table(t0, end_ns, rng, opt)
    leap = int(gps_minus_utc_s(np.array([t0.ns]))[0])
    nav = Navigation(ephemerides=tables, ion=_ion_table(t0), leap_seconds=leap)
    nav.header.append({"version": 4.0, "program": "kompas.sim", "leap_seconds": leap})
    return nav
