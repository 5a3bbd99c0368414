"""Observation simulator: code, phase, Doppler and C/N0 from broadcast orbits, vectorised.

Model of one observation (satellite s of system S, receiver epoch label t, signal f)::

    P  = rho + c (dt_r,S - dt_s) + c T_gd,f + I_f + T + e_P + fault
    L  = (rho + c (dt_r,S - dt_s) - I_f + T + fault) / lambda_f + N_f + e_L      [cycles]
    D  = -(d rho/dt + c (ddt_r - ddt_s)) / lambda_f                              [Hz]

* ``rho`` is the light-time range: the satellite state is taken at the transmission
  instant t_tx = t_rx - tau (tau iterated three times, < 1e-12 s), rotated by
  omega_e tau about z into the Earth-fixed frame at reception (Sagnac); the receiver is at
  its true position at t_rx = t - dt_r,S (the label is receiver clock time).
* ``dt_s`` = broadcast clock polynomial + relativistic correction, both from
  :func:`kompas.orbits.broadcast.satellite_states` (the truth *is* the broadcast orbit).
* ``dt_r,S`` = receiver clock + per-system offset (system time offset + inter-system bias);
  returned as truth per system.
* ``T_gd,f`` (satellite group delay of signal f relative to the clock's reference):
  GPS/QZSS L1 ``TGD``, L2 ``(f1/f2)^2 TGD`` (IS-GPS-200 20.3.3.3.3.2), L5 ``(f1/f5)^2 TGD``;
  Galileo I/NAV E1 ``BGD(E1,E5b)``, E5b ``(f1/f7)^2 BGD(E1,E5b)``, E5a
  ``(f1/f5)^2 BGD(E1,E5a)`` (OS SIS ICD 5.1.5); BDS B1I ``TGD1``, B2I ``TGD2``, B3I 0
  (BDS-SIS-ICD-B1I 5.2.4.10); GLONASS G1 0, G2 ``delta tau_n`` (GLONASS ICD 5.1 4.4).
  A single-frequency user removes it as P + c dt_s - c T_gd.
* ``I_f``: broadcast Klobuchar (GPS model for G/E/J/R scaled by (f_L1/f)^2; BDS model
  for C scaled by (f_B1I/f)^2), ``T``: Saastamoinen + Niell (kompas.models).
* noise: sigma = sigma0 / sin(E), seeded ``numpy.random.Generator``; C/N0 =
  cn0_zenith + 10 log10(sin E) (a simple elevation law).

Fully vectorised over (time, sv): satellite states are evaluated for the whole grid in
each light-time iteration; no loop over epochs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from kompas import constants as k
from kompas.frames import ecef2aer, ecef2geodetic, geodetic2ecef_deg
from kompas.gnss.signals import frequency_hz
from kompas.models.ionosphere import (
    FREQ_BDS_B1I_HZ,
    FREQ_GPS_L1_HZ,
    klobuchar_bds_delay_m,
    klobuchar_gps_delay_m,
)
from kompas.models.troposphere import tropo_delay_m
from kompas.orbits.broadcast import satellite_states
from kompas.sim.faults import fault_effects
from kompas.time import Time, TimeScale

__all__ = [
    "NoiseModel",
    "ReceiverClock",
    "Truth",
    "DEFAULT_SIGNALS",
    "ship_trajectory",
    "simulate_observations",
]

C = k.SPEED_OF_LIGHT_MPS
_S = 1_000_000_000
#: Light-time iterations: each multiplies the error by |v_radial|/c < 3e-5.
LIGHT_TIME_ITERATIONS = 3

#: Default observation codes per system (the defaults of kompas.gnss and the signals the
#: broadcast group delays describe).
DEFAULT_SIGNALS = {
    "G": ("C1C", "L1C", "D1C", "S1C", "C2W", "L2W"),
    "R": ("C1C", "L1C", "D1C", "S1C", "C2C", "L2C"),
    "E": ("C1C", "L1C", "D1C", "S1C", "C7Q", "L7Q"),
    "C": ("C2I", "L2I", "D2I", "S2I", "C6I", "L6I"),
}


@dataclass
class NoiseModel:
    """Elevation-dependent white noise sigma0 / sin(E) (set sigmas to 0 for none)."""

    code_sigma_m: float = 0.3
    phase_sigma_cycles: float = 0.01
    doppler_sigma_hz: float = 0.05
    cn0_zenith_dbhz: float = 50.0
    elevation_mask_deg: float = 5.0


@dataclass
class ReceiverClock:
    """Receiver clock: offset0 + drift (t - t0) [s], plus a constant per-system offset."""

    offset_s: float = 1.0e-4
    drift_sps: float = 1.0e-9
    system_offsets_s: dict = field(
        default_factory=lambda: {"G": 0.0, "R": 40e-9, "E": 8e-9, "C": 20e-9, "J": 0.0}
    )


@dataclass
class Truth:
    """What was simulated: receiver positions and per-system receiver clocks (time, ...)."""

    time: Time
    position_m: np.ndarray
    clock_s: dict
    elevation_rad: np.ndarray
    azimuth_rad: np.ndarray
    range_m: np.ndarray
    satellite_clock_s: np.ndarray
    iono_l1_m: np.ndarray
    tropo_m: np.ndarray
    fault_range_m: np.ndarray


def ship_trajectory(
    times: Time,
    lat_deg: float,
    lon_deg: float,
    heading_deg: float,
    speed_mps: float,
    h_m: float = 0.0,
) -> np.ndarray:
    """ECEF positions (T, 3) of a vessel on a rhumb line at constant speed and height."""
    dt = np.asarray(times - times[0], dtype=np.float64)
    d = speed_mps * dt
    r_earth = 6_371_000.0
    hdg = np.deg2rad(heading_deg)
    lat = np.deg2rad(lat_deg) + d * np.cos(hdg) / r_earth
    lon = np.deg2rad(lon_deg) + d * np.sin(hdg) / (r_earth * np.cos(lat))
    return geodetic2ecef_deg(np.rad2deg(lat), np.rad2deg(lon), np.full(dt.shape, h_m))


def _group_delay_s(nav, states, sv: np.ndarray, code: str, freq: np.ndarray) -> np.ndarray:
    """T_gd of one code for every (time, sv) state (see the module docstring)."""
    row = states.extra["ephemeris_row"]
    out = np.zeros(row.shape)
    band = int(code[1])
    systems = np.array([s[0] for s in sv])
    for key, df in nav.ephemerides.items():
        system = key[0]
        cols = np.flatnonzero(systems == system)
        if cols.size == 0:
            continue
        mine = (states.extra["message"][:, cols] == key.split("_")[1]) & (row[:, cols] >= 0)
        idx = np.where(mine, row[:, cols], 0)

        def col(name, df=df, mine=mine, idx=idx):
            return np.where(mine, df[name].to_numpy()[idx], np.nan)

        f = freq[:, cols]
        if system in "GJ":
            val = col("tgd_s") * (FREQ_GPS_L1_HZ / f) ** 2
        elif system == "E":
            bgd = col("bgd_e5a_e1_s") if band == 5 else col("bgd_e5b_e1_s")
            val = bgd * (FREQ_GPS_L1_HZ / f) ** 2
        elif system == "C":
            val = {2: col("tgd1_s"), 7: col("tgd2_s"), 6: np.where(mine, 0.0, np.nan)}.get(
                band, np.full(mine.shape, np.nan)
            )
        elif system == "R":
            val = col("delta_tau_s") if band == 2 else np.where(mine, 0.0, np.nan)
        else:
            continue
        out[:, cols] = np.where(mine, val, out[:, cols])
    return out


def _light_time(nav, sv, t_rx_ns, rx_pos, omega_e):
    tau = np.full(t_rx_ns.shape, 0.075)
    for _ in range(LIGHT_TIME_ITERATIONS):
        t_tx = t_rx_ns - np.rint(tau * 1e9).astype(np.int64)
        frac = tau - (t_rx_ns - t_tx) / 1e9  # sub-ns remainder, applied by the velocity
        st = satellite_states(nav, sv, t_tx)
        pos = st.position_m - frac[..., None] * st.velocity_mps
        ang = omega_e * tau
        c, s = np.cos(ang), np.sin(ang)
        x, y = pos[..., 0], pos[..., 1]
        pos = np.stack([c * x + s * y, -s * x + c * y, pos[..., 2]], -1)
        vel = st.velocity_mps
        vel = np.stack(
            [c * vel[..., 0] + s * vel[..., 1], -s * vel[..., 0] + c * vel[..., 1], vel[..., 2]], -1
        )
        rho = np.linalg.norm(pos - rx_pos, axis=-1)
        tau = rho / C
    return st, pos, vel, rho, tau


def simulate_observations(
    nav,
    receiver,
    times: Time,
    signals: dict | None = None,
    noise: NoiseModel | None = None,
    clock: ReceiverClock | None = None,
    faults=(),
    obstruction=None,
    seed: int = 0,
    systems: str | None = None,
    decimals: int | None = 3,
) -> tuple[xr.Dataset, Truth]:
    """Simulate RINEX-like observations of every satellite in ``nav`` for a receiver.

    Parameters
    ----------
    nav : Navigation
        Broadcast data (e.g. :func:`kompas.sim.ephemeris.nominal_navigation`); its orbits
        and clocks are the truth.
    receiver : array_like, shape (3,) or (T, 3)
        Static ECEF position or one position per epoch [m] (see :func:`ship_trajectory`).
    times : Time
        Epoch labels (receiver time, GPST), shape (T,).
    signals : dict, optional
        System -> observation codes (``C``, ``L``, ``D``, ``S`` types); default
        :data:`DEFAULT_SIGNALS`.
    noise : NoiseModel, optional
        ``NoiseModel(0, 0, 0)`` for noise-free data.
    clock : ReceiverClock, optional
    faults : sequence of kompas.sim.faults objects
    obstruction : callable, optional
        ``f(azimuth_rad, elevation_rad) -> bool`` array, True where the line of sight is
        blocked.
    seed : int
        Seed of the noise and ambiguity draws.
    systems : str, optional
        Restrict to these systems.
    decimals : int or None
        Round every observation to this many decimals: 3 (default) is the RINEX F14.3
        resolution, so a written file reads back identical; ``None`` keeps full
        precision (model-consistency tests: the 1 mm rounding alone moves single-epoch
        positions by up to ~2 mm).

    Returns
    -------
    (xarray.Dataset, Truth)
        Dataset in the :func:`kompas.io.rinex_obs.read_obs` layout (dims (time, sv), one
        variable per code, attrs incl. ``glonass_channels`` and ``time_scale``), and the
        simulated truth.
    """
    noise = noise or NoiseModel()
    clock = clock or ReceiverClock()
    signals = dict(signals or DEFAULT_SIGNALS)
    rng = np.random.default_rng(seed)
    t = Time.from_ns(np.asarray(times.ns, dtype=np.int64).ravel(), TimeScale.GPST)
    n_t = t.ns.size
    svs = sorted({s for df in nav.ephemerides.values() for s in df["sv"].astype(str)})
    svs = np.array([s for s in svs if s[0] in signals and (systems is None or s[0] in systems)])
    sys_of = np.array([s[0] for s in svs])
    rx = np.broadcast_to(np.asarray(receiver, dtype=np.float64), (n_t, 3))[:, None, :]

    # receiver clocks per system, truth
    dt0 = (t.ns - t.ns[0]) / 1e9
    common = clock.offset_s + clock.drift_sps * dt0
    clk = {s: common + clock.system_offsets_s.get(s, 0.0) for s in np.unique(sys_of)}
    dtr = np.stack([clk[s] for s in sys_of], axis=1)  # (T, S)

    range_f, time_off, dropped = fault_effects(faults, t.ns, svs)
    # true reception instant (label is receiver time), minus a signal-time fault
    t_rx = t.ns[:, None] - np.rint(dtr * 1e9).astype(np.int64)
    st, pos, vel, rho, tau = _light_time(nav, svs[None, :], t_rx, rx, k.OMEGA_E_GPS_RADPS)
    az, el, _ = ecef2aer(pos, rx)
    lat, lon, h = ecef2geodetic(rx[:, 0, :])
    lat, lon, h = lat[:, None], lon[:, None], h[:, None]
    dts = st.clock_s + st.relativity_s
    ddts = st.clock_drift_sps
    los = (pos - rx) / rho[..., None]
    rx_vel = np.gradient(rx[:, 0, :], dt0, axis=0)[:, None, :] if n_t > 1 else np.zeros_like(rx)
    rho_dot = np.sum(los * (vel - rx_vel), axis=-1)

    tow = np.mod(t.ns / 1e9, 604_800.0)[:, None]
    ion_g = klobuchar_gps_delay_m(*nav.klobuchar("G"), lat, lon, az, el, tow, FREQ_GPS_L1_HZ)
    try:
        ion_c = klobuchar_bds_delay_m(
            *nav.klobuchar("C"), lat, lon, az, el, tow - 14.0, FREQ_BDS_B1I_HZ
        )
    except KeyError:
        ion_c = ion_g * (FREQ_GPS_L1_HZ / FREQ_BDS_B1I_HZ) ** 2
    doy = (np.mod(t.ns / 1e9 / 86400.0 + 5.0, 365.25) + 1.0)[:, None]  # approx day of year
    tropo = tropo_delay_m(lat, h, el, doy)

    visible = (el >= np.deg2rad(noise.elevation_mask_deg)) & st.ok & ~dropped
    if obstruction is not None:
        visible &= ~np.asarray(obstruction(az, el), dtype=bool)
    sin_e = np.sin(np.clip(el, 1e-3, None))

    glo_k = {}
    if "R_FDMA" in nav.ephemerides:
        df = nav.ephemerides["R_FDMA"]
        glo_k = {str(s): int(v) for s, v in zip(df["sv"], df["freq_channel"], strict=True)}
    sv_grid = np.broadcast_to(svs[None, :], (n_t, svs.size))
    geom = rho + C * (dtr - dts) + range_f + C * time_off
    data = {}
    obs_types: dict[str, list[str]] = {}
    ambiguities = {}
    for system, codes in signals.items():
        obs_types[system] = list(codes)
    all_codes = sorted({c for cs in signals.values() for c in cs})
    for code in all_codes:
        in_sys = np.isin(sys_of, [s for s, cs in signals.items() if code in cs])
        f = frequency_hz(sv_grid, code, glo_k)
        lam = C / f
        scale_ion = np.where(
            sys_of == "C", (FREQ_BDS_B1I_HZ / f) ** 2 * ion_c, (FREQ_GPS_L1_HZ / f) ** 2 * ion_g
        )
        kind = code[0]
        if kind == "C":
            tgd = _group_delay_s(nav, st, svs, code, f)
            e = rng.standard_normal(el.shape) * noise.code_sigma_m / sin_e
            val = geom + C * tgd + scale_ion + tropo + e
        elif kind == "L":
            key = code[1]
            if key not in ambiguities:
                ambiguities[key] = rng.integers(-1_000_000, 1_000_000, (1, svs.size))
            e = rng.standard_normal(el.shape) * noise.phase_sigma_cycles / sin_e
            val = (geom - scale_ion + tropo) / lam + ambiguities[key] + e
        elif kind == "D":
            e = rng.standard_normal(el.shape) * noise.doppler_sigma_hz / sin_e
            val = -(rho_dot + C * (clock.drift_sps - ddts)) / lam + e
        elif kind == "S":
            val = np.round(noise.cn0_zenith_dbhz + 10.0 * np.log10(sin_e), 3)
        else:
            raise ValueError(f"cannot simulate observation type of {code!r}")
        val = np.where(visible & in_sys[None, :] & np.isfinite(f), val, np.nan)
        units = {"C": "m", "L": "cycles", "D": "Hz", "S": "dB-Hz"}[kind]
        if decimals is not None:
            val = np.round(val, decimals)
        data[code] = (("time", "sv"), val, {"units": units})
    ds = xr.Dataset(
        data,
        coords={"time": t.datetime64.astype("datetime64[ns]"), "sv": np.array(svs, dtype=object)},
    )
    ds.attrs.update(
        version=3.05,
        file_type="O",
        satellite_system="M",
        time_system="GPS",
        time_scale="GPST",
        obs_types=obs_types,
        glonass_channels={str(s): glo_k[str(s)] for s in svs if str(s) in glo_k},
        approx_position_xyz_m=[float(x) for x in rx[0, 0]],
        interval_s=float(dt0[1]) if n_t > 1 else 0.0,
        marker_name="KOMPAS SIM",
        program="kompas.sim",
        comments=[],
        signal_strength_unit="DBHZ",
    )
    truth = Truth(t, rx[:, 0, :].copy(), clk, el, az, rho, dts, ion_g, tropo, range_f)
    return ds, truth
