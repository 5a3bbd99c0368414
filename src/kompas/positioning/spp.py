"""Multi-GNSS single point positioning, vectorised over epochs.

Pipeline of :func:`solve`:

1. :func:`~kompas.positioning.measurements.select_measurements` picks the code per system.
2. Satellite states at emission time ``t_tx = t_rx − P/c − dt_sv`` (independent of the
   receiver clock) for every observed (epoch, satellite) cell at once.
3. Gauss-Newton iterations of a batched weighted least squares with one receiver clock
   per system; ionosphere, troposphere, elevation mask and weights are re-evaluated from
   the current position at each iteration.
4. RAIM/FDE: chi-square test of the weighted residuals; the satellite with the largest
   normalised residual is excluded and the failing epochs re-solved, up to
   ``max_exclusions`` times.
5. Constellation-level check: a system whose clock deviates from the consensus of the
   others (e.g. a time-offset jump, a spoofed or broken constellation) is excluded at
   those epochs, and reported.
6. Velocity and clock drift from Doppler; DOPs; an ``xarray.Dataset`` of results.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

import numpy as np
import xarray as xr

from kompas.constants import SPEED_OF_LIGHT_MPS
from kompas.errors import KompasError, KompasWarning
from kompas.frames import WGS84
from kompas.frames.geodetic import ecef2geodetic
from kompas.frames.local import ecef2enu, enu2aer
from kompas.orbits.emission import omega_e_for
from kompas.orbits.states import StateStatus
from kompas.positioning.antenna import marker_offset_ecef_m, receiver_antenna, receiver_pcc_m
from kompas.positioning.constellation import constellation_check
from kompas.positioning.corrections import (
    rotate_and_range,
    troposphere_m,
)
from kompas.positioning.glonass_ifb import channel_biases
from kompas.positioning.iono import NODE_S, IonoPlan, choose_models
from kompas.positioning.lsq import dops_from_geometry, wls_step
from kompas.positioning.measurements import Measurements, select_measurements
from kompas.positioning.options import CODE_ERROR_FACTOR, SolveOptions, resolve_options
from kompas.positioning.raim import raim_fde
from kompas.positioning.solution import build_dataset
from kompas.positioning.sources import EphemerisSource, as_source
from kompas.positioning.status import ExclusionReason, SolutionStatus
from kompas.positioning.time_offsets import broadcast_offsets_s, hardware_bias_m
from kompas.time import Time

__all__ = ["solve", "SolutionStatus", "ExclusionReason"]

_C = SPEED_OF_LIGHT_MPS
_NS = 1_000_000_000


class _Problem:
    """Arrays of one run (dense (T, S)), shared by the solver stages."""

    def __init__(self, meas: Measurements, t_rx: Time, opts: SolveOptions) -> None:
        self.meas = meas
        self.t_rx = t_rx
        self.opts = opts
        self.systems = [s for s in opts.systems if s in set(meas.system)]
        self.sv_sys_index = np.array([self.systems.index(s) for s in meas.system])
        self.n_sys = len(self.systems)
        self.elmask_rad = np.full(len(t_rx), np.radians(opts.elmask_deg))
        self.glonass_ifb: dict[int, float] = {}
        self.iono = None  # IonoPlan, set by solve
        #: (T, K) prior of clock_k - clock_0 [m] (NaN: free), time_offsets="broadcast"
        self.isb_prior_m: np.ndarray | None = None
        self.broadcast_offsets_s = np.full((len(t_rx), self.n_sys), np.nan)
        self.hardware_bias_m = np.full(self.n_sys, np.nan)
        self.ref_point = ""
        self.antenna = "none (no receiver antenna calibration applied)"
        # padded per-epoch cell lists: the observed satellites of each epoch first
        valid = np.isfinite(meas.pseudorange_m)
        width = max(int(valid.sum(axis=1).max(initial=0)), 1)
        self.col = np.argsort(~valid, axis=1, kind="stable")[:, :width]
        self.pad = ~np.take_along_axis(valid, self.col, axis=1)
        self.sys_index = self.sv_sys_index[self.col]
        self.omega = omega_e_for(meas.system)[self.col]
        self.efact = np.array([CODE_ERROR_FACTOR.get(s, 1.0) for s in meas.system])[self.col]
        self.frequency_hz = self.cells(meas.frequency_hz)
        self.frequency2_hz = self.cells(meas.frequency2_hz)
        self.doppler_hz = self.cells(meas.doppler_hz)
        self.cn0_dbhz = self.cells(meas.cn0_dbhz)
        # the solver reads these per cell only: drop the (time, sv) copies (10 MB a day)
        meas.frequency_hz = meas.frequency2_hz = meas.doppler_hz = meas.cn0_dbhz = None
        self.is_bds = (meas.system == "C")[self.col]
        self.iono_cache = np.full(self.col.shape, np.nan)
        self.iono_at = np.full((len(t_rx), 3), np.inf)
        gps_week, gps_tow = t_rx.to("GPST").week_tow()
        self.gps_tow_s = gps_tow
        self.bdt_sow_s = t_rx.to("BDT").week_tow()[1]
        y, mo, d = (v.astype(np.int64) for v in t_rx.to("UTC").calendar()[:3])
        jan1 = np.array([np.datetime64(f"{int(yy):04d}-01-01") for yy in np.unique(y)])
        day = t_rx.to("UTC").datetime64.astype("datetime64[D]")
        year_start = jan1[np.searchsorted(np.unique(y), y)]
        self.day_of_year = (
            (day - year_start).astype(float) + 1.0 + t_rx.to("UTC").seconds_of_day() / 86400.0
        )

    def cells(self, dense: np.ndarray) -> np.ndarray:
        """(T, S, ...) satellite-axis array → (T, M, ...) padded cells."""
        idx = self.col.reshape(self.col.shape + (1,) * (dense.ndim - 2))
        return np.take_along_axis(dense, idx, axis=1)

    def dense(self, cells: np.ndarray, fill=np.nan) -> np.ndarray:
        """(T, M, ...) cells → (T, S, ...) with ``fill`` where not observed."""
        n_t = cells.shape[0]
        out = np.full((n_t, len(self.meas.sv)) + cells.shape[2:], fill, dtype=cells.dtype)
        rows = np.broadcast_to(np.arange(n_t)[:, None], self.col.shape)
        keep = ~self.pad
        out[rows[keep], self.col[keep]] = cells[keep]
        return out


def _emission_states(
    src: EphemerisSource, sv: np.ndarray, t_rx_ns: np.ndarray, p: np.ndarray, signal: np.ndarray
):
    """Satellite states at emission ``t_rx − P/c − dt_sv`` of cells (flat arrays: the
    satellite, reception time, pseudorange and signal of each).

    The states are evaluated once at ``t_rx − P/c`` and moved to the emission instant by
    the satellite velocity over ``dt_sv`` (≤ 1 ms): the neglected acceleration term is
    below 1e-6 m. Cells without a velocity are evaluated a second time instead.
    """
    t_tx = t_rx_ns - np.rint(p / _C * _NS).astype(np.int64)
    st = src.states(sv, t_tx)
    dts = np.nan_to_num(st.clock_s + st.relativity_s)
    has_vel = np.isfinite(st.velocity_mps).all(axis=-1)
    st.position_m = st.position_m - st.velocity_mps * dts[:, None]
    st.time_ns = st.time_ns - np.rint(dts * _NS).astype(np.int64)
    redo = ~has_vel & st.ok
    if redo.any():
        again = src.states(sv[redo], st.time_ns[redo])
        st.position_m[redo] = again.position_m
        st.clock_s[redo] = again.clock_s
        st.relativity_s[redo] = again.relativity_s
    gd = src.group_delay_s(st, sv, signal)
    return st, gd


def solve(
    obs: xr.Dataset,
    nav: Any,
    systems: str | None = None,
    mode: str = "single",
    *,
    options: SolveOptions | None = None,
    approx_position_m: np.ndarray | None = None,
    eccentricity_enu_m: np.ndarray | None = None,
    antex: Any = None,
    **overrides: Any,
) -> xr.Dataset:
    """Single point positioning with any mix of systems, every epoch at once.

    Parameters
    ----------
    obs : xarray.Dataset
        Observations from :func:`kompas.read_obs` (dims time, sv).
    nav : kompas.io.Navigation or a precise-orbit source
        Broadcast navigation data (or any object with ``states(sv, t)``).
    systems : str, optional
        Systems to use (default ``"GREC"`` restricted to those observed).
    mode : {"single", "iflc"}
        Single-frequency code, or dual-frequency ionosphere-free.
    options : SolveOptions, optional
        All settings; keyword ``overrides`` (e.g. ``elmask_deg=15``) replace fields.
    approx_position_m : array (3,), optional
        Starting position; default the observation header's, else the Earth's centre.
    eccentricity_enu_m : array (3,), optional
        Antenna reference point minus marker, east/north/up metres (e.g. a SINEX
        ``SITE/ECCENTRICITY``); default the header's ``ANTENNA: DELTA H/E/N``. The
        solution refers to the marker (``attrs["ref_point"]``).
    antex : kompas.io.antex.AntexFile, optional
        Antenna calibrations (:func:`kompas.read_antex`): the phase-centre offset and
        variation of the header's receiver antenna (``ANT # / TYPE``) are removed from
        every code (``attrs["antenna"]`` says which calibration).
    **overrides
        Any :class:`SolveOptions` field (``elmask_deg=15``, ``iono="nequick_g"``,
        ``rule="latest"``, ...). Unknown names and invalid values raise ``ValueError``.

    Returns
    -------
    xarray.Dataset
        Dims ``time``, ``sv``, ``system``, ``xyz``; see the variables' ``description``
        attributes. Epochs without a solution have NaN positions and a ``status``.
    """
    opts = resolve_options(options, systems, mode, overrides)
    src = as_source(nav, opts.rule)
    run_warnings: list[str] = []
    channels = {**src.glonass_channels(), **(obs.attrs.get("glonass_channels") or {})}
    meas, t_rx = _measurements(obs, opts, src, channels, run_warnings)
    x0 = _initial_position(obs, approx_position_m)
    prob = _Problem(meas, t_rx, opts)
    prob.iono = _iono_plan(opts, meas, src, t_rx, x0)
    sat, sat_vel, p_corr, dts_rate, sigma_eph, exclusion_c = _satellite_terms(prob, src)
    n_t, n_m = prob.col.shape
    state = np.zeros((n_t, 3 + prob.n_sys))
    state[:, :3] = x0
    usable = exclusion_c == ExclusionReason.USED

    def resolve(rows, use, max_iter, into=None, pc=None, start=None):
        """Re-solve epochs ``rows`` (into ``into`` in place, else a new solution)."""
        x = start if start is not None else (into.state if into is not None else state)
        pc = p_corr if pc is None else pc
        return _iterate(prob, x, rows, sat, pc, use, sigma_eph, max_iter, into)

    sol = resolve(np.arange(n_t), usable, opts.max_iterations)
    sol = _lower_mask_where_weak(prob, src, sol, sat, p_corr, usable, sigma_eph)
    if antex is not None:
        sol, p_corr = _remove_receiver_pcc(prob, sol, p_corr, obs, antex, resolve, usable)
    if opts.glonass_ifb == "channel" and "R" in prob.systems:
        sol, p_corr = _remove_glonass_ifb(prob, sol, p_corr, channels, resolve, usable)
    prob.broadcast_offsets_s = broadcast_offsets_s(src.iono_nav(), prob.systems, t_rx.ns)
    if opts.time_offsets == "broadcast" and prob.n_sys >= 2:
        sol = _tie_to_broadcast_offsets(prob, src, sol, resolve, usable)
    excl_raim = np.zeros((n_t, n_m), bool)
    if opts.raim:
        sol = raim_fde(sol, resolve, usable, excl_raim, opts.raim_alpha, opts.max_exclusions)
    flagged = np.zeros((n_t, prob.n_sys), bool)
    if opts.constellation_check and prob.n_sys >= 2:
        sol, flagged, const_reason = constellation_check(
            sol, resolve, usable & ~excl_raim, prob.sys_index, prob.systems,
            opts.constellation_threshold_m, t_rx.to(t_rx.scale).isoformat(0),
        )  # fmt: skip
        if const_reason:
            run_warnings.append(const_reason)
    velocity, drift = _velocity(prob, sol, sat, sat_vel, dts_rate)
    # the Dataset is built without the satellite terms and the ECEF lines of sight: free
    # them before it is (peak memory of a run)
    sat = sat_vel = p_corr = dts_rate = sigma_eph = usable = None  # (resolve is done)
    sol.los = None
    offset, prob.ref_point = marker_offset_ecef_m(sol.state[:, :3], obs, eccentricity_enu_m)
    sol.state[:, :3] -= offset  # the antenna reference point → the marker
    return _assemble(
        obs, prob, sol, exclusion_c, excl_raim, flagged, velocity, drift, run_warnings, src
    )


def _measurements(obs, opts, src, channels, run_warnings):
    """The run's code observations, without systems the navigation data lack."""
    meas = select_measurements(
        obs, opts.systems, opts.mode, opts.signals, channels, isc_lookup=src.isc_s
    )
    src.signal_names = meas.signal_names
    run_warnings.extend(meas.notes)
    for sys, why in meas.dropped.items():
        if sys in opts.systems:
            run_warnings.append(f"system {sys} not used: {why}")
    t_rx = Time.from_datetime64(obs["time"].values, obs.attrs.get("time_scale", "GPST"))
    keep = np.ones(len(meas.sv), bool)
    for sys in sorted(set(meas.system)):
        if not src.has_system(sys):
            keep &= meas.system != sys
            run_warnings.append(f"system {sys} excluded: no navigation data for it")
    if not keep.all():
        meas = _subset(meas, keep)
    if meas.sv.size == 0:
        raise KompasError("no satellites left: none of the requested systems has navigation data")
    src.check_covers(t_rx)
    return meas, t_rx


#: Cells whose satellite states are evaluated together: each cell's state is independent
#: of the others, and a block bounds the temporaries of the record choice and orbit
#: evaluation (~300 B a cell) to ~20 MB whatever the file (a day at 1 Hz is 3 million
#: cells: ~0.9 GB at once); each block costs ~16 ms of table set-up (the NIST day: two).
_STATE_CELLS = 65_536


def _satellite_terms(prob, src):
    """Satellite positions, velocities, clock-corrected pseudoranges, clock rates, orbit
    sigmas and the first exclusion codes of every (epoch, cell)."""
    meas, t_rx = prob.meas, prob.t_rx
    n_t, n_m = prob.col.shape
    p_cells = prob.cells(meas.pseudorange_m)
    sig_cells = prob.cells(meas.signal)
    sv_cells = meas.sv[prob.col]
    sat = np.full((n_t, n_m, 3), np.nan)
    sat_vel = np.full((n_t, n_m, 3), np.nan)
    dts = np.full((n_t, n_m), np.nan)
    dts_rate = np.full((n_t, n_m), np.nan)
    sigma_eph = np.full((n_t, n_m), np.nan)
    status_c = np.full((n_t, n_m), -1, np.int16)
    ti_all, mi_all = np.nonzero(np.isfinite(p_cells))
    for a in range(0, ti_all.size, _STATE_CELLS):  # blocks of cells, not a per-cell loop
        ti, mi = ti_all[a : a + _STATE_CELLS], mi_all[a : a + _STATE_CELLS]
        sv_c = sv_cells[ti, mi]
        st, gd = _emission_states(src, sv_c, t_rx.ns[ti], p_cells[ti, mi], sig_cells[ti, mi])
        sat[ti, mi] = st.position_m
        sat_vel[ti, mi] = st.velocity_mps
        dts[ti, mi] = st.clock_s + st.relativity_s - gd
        dts_rate[ti, mi] = st.clock_drift_sps
        status_c[ti, mi] = st.status.astype(np.int16)
        sigma_eph[ti, mi] = src.sigma_m(st, sv_c)
    exclusion_c = np.full((n_t, n_m), ExclusionReason.NOT_OBSERVED, np.int8)
    exclusion_c[status_c == StateStatus.OK] = ExclusionReason.USED
    exclusion_c[(status_c >= 0) & (status_c != StateStatus.OK)] = ExclusionReason.NO_EPHEMERIS
    exclusion_c[status_c == StateStatus.UNHEALTHY] = ExclusionReason.UNHEALTHY
    p_corr = p_cells + _C * dts  # satellite clock (+rel, group delay) removed
    return sat, sat_vel, p_corr, dts_rate, sigma_eph, exclusion_c


def _iono_plan(opts, meas, src, t_rx, x0) -> IonoPlan:
    mid = int(t_rx.ns[len(t_rx) // 2])
    latlon = None
    if np.linalg.norm(x0) > 6.0e6:
        lat, lon, _ = ecef2geodetic(x0[None, :], WGS84)
        latlon = (float(np.degrees(lat[0])), float(np.degrees(lon[0])))
    request = opts.iono if opts.mode == "single" else "none"
    return choose_models(request, meas.sv, src.iono_nav(), mid, opts.bds_iono, latlon)


def _remove_receiver_pcc(prob, sol, p_corr, obs, antex, resolve, usable):
    """Receiver PCO/PCV from ANTEX, along the first solution's lines of sight (a metre of
    position changes them by far less than a millimetre); re-solves every epoch."""
    rx = receiver_antenna(antex, obs)
    sig = prob.cells(prob.meas.signal)
    corr, notes = receiver_pcc_m(
        rx, prob.meas.system[prob.col], prob.meas.signal_names, sig, sol.elevation,
        sol.azimuth, prob.frequency_hz, prob.frequency2_hz,
    )  # fmt: skip
    prob.antenna = f"{rx.antenna.antenna_type} {rx.antenna.radome} (PCO+PCV from ANTEX)" + (
        f"; {', '.join(notes)}" if notes else ""
    )
    p_corr = p_corr - corr
    sol = resolve(np.arange(len(sol.status)), usable, prob.opts.max_iterations, pc=p_corr,
                  start=sol.state)  # fmt: skip
    return sol, p_corr


def _tie_to_broadcast_offsets(prob, src, sol, resolve, usable):
    """Estimate each system's hardware bias from the free solution, then re-solve every
    epoch with the broadcast-offset prior (see :mod:`kompas.positioning.time_offsets`)."""
    isb = sol.state[:, 3:] - sol.state[:, 3:4]
    ok = (sol.status == SolutionStatus.OK)[:, None]
    seen = np.stack([(sol.used & (prob.sys_index == k)).any(axis=1) for k in range(prob.n_sys)], 1)
    isb = np.where(ok & seen & seen[:, :1], isb, np.nan)
    prob.hardware_bias_m = hardware_bias_m(isb, prob.broadcast_offsets_s)
    prior = prob.hardware_bias_m[None, :] - _C * prob.broadcast_offsets_s
    prior[:, 0] = np.nan
    prob.isb_prior_m = prior
    return resolve(np.arange(len(sol.status)), usable, prob.opts.max_iterations, start=sol.state)


def _remove_glonass_ifb(prob, sol, p_corr, channels, resolve, usable):
    """Estimate and remove the per-channel GLONASS biases (two passes: the fit absorbs
    part of each bias, a second pass recovers it); re-solves in place."""
    k_sv = np.array([channels.get(s, 99) if s.startswith("R") else 99 for s in prob.meas.sv])
    ifb: dict[int, float] = {}
    for _ in range(2):
        more, p_corr = channel_biases(sol, p_corr, k_sv[prob.col])
        if not more:
            break
        ifb = {c: ifb.get(c, 0.0) + more.get(c, 0.0) for c in set(ifb) | set(more)}
        rows = np.arange(len(sol.status))
        # in place (every row is rewritten): one solution alive instead of two
        sol = resolve(rows, usable, prob.opts.max_iterations, into=sol, pc=p_corr)
    prob.glonass_ifb = ifb
    return sol, p_corr


def _subset(meas: Measurements, keep: np.ndarray) -> Measurements:
    return replace(
        meas,
        sv=meas.sv[keep],
        system=meas.system[keep],
        pseudorange_m=meas.pseudorange_m[:, keep],
        frequency_hz=meas.frequency_hz[:, keep],
        frequency2_hz=meas.frequency2_hz[:, keep],
        signal=meas.signal[:, keep],
        doppler_hz=meas.doppler_hz[:, keep],
        cn0_dbhz=meas.cn0_dbhz[:, keep],
        isc_applied=None if meas.isc_applied is None else meas.isc_applied[:, keep],
    )


def _initial_position(obs: xr.Dataset, given: np.ndarray | None) -> np.ndarray:
    if given is not None:
        return np.asarray(given, dtype=float)
    approx = obs.attrs.get("approx_position_xyz_m")
    if approx is not None:
        a = np.asarray(approx, dtype=float)
        if a.shape == (3,) and np.all(np.isfinite(a)) and 6.0e6 < np.linalg.norm(a) < 7.0e6:
            return a
    return np.zeros(3)


class _Solution:
    """Per-epoch unknowns and diagnostics (rows = epochs)."""

    def __init__(self, n_t: int, n_s: int, n_par: int) -> None:
        self.state = np.full((n_t, n_par), np.nan)
        self.cov = np.full((n_t, n_par, n_par), np.nan)
        self.residual = np.full((n_t, n_s), np.nan)
        self.weight = np.zeros((n_t, n_s))
        self.used = np.zeros((n_t, n_s), bool)
        self.elevation = np.full((n_t, n_s), np.nan)
        self.azimuth = np.full((n_t, n_s), np.nan)
        self.los_enu = np.full((n_t, n_s, 3), np.nan)
        self.los = np.full((n_t, n_s, 3), np.nan)
        self.iono = np.full((n_t, n_s), np.nan)
        self.tropo = np.full((n_t, n_s), np.nan)
        self.status = np.full(n_t, SolutionStatus.TOO_FEW_SATELLITES, np.int8)
        self.wssr = np.full(n_t, np.nan)
        self.dof = np.zeros(n_t, np.int64)


#: Epochs are solved in blocks of about this many (epoch, satellite) cells: each epoch's
#: solution is independent of the others, and a block's temporaries (a few dozen arrays of
#: its cells) stay near 20 MB whatever the length of the file, instead of growing with it.
_BLOCK_CELLS = 32_768


def _blocks(prob: _Problem, rows: np.ndarray) -> list[np.ndarray]:
    """``rows`` cut into blocks of about :data:`_BLOCK_CELLS` cells, only at the start of
    an ionosphere-node bucket (:data:`~kompas.positioning.iono.NODE_S`), where one block
    would have a NeQuick-G node too; each satellite's last cell in a block becomes a node
    as well (positions move by < 1 cm, see ``tests/test_positioning_choices.py``)."""
    target = max(1, _BLOCK_CELLS // max(prob.col.shape[1], 1))
    if len(rows) <= target:
        return [rows]
    bucket = prob.t_rx.ns[rows] // (NODE_S * _NS)
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    cuts, last = [], 0
    for b in starts.tolist():  # a loop over the buckets (144 a day), not the epochs
        if b - last >= target:
            cuts.append(b)
            last = b
    return np.split(rows, cuts)


def _iterate(
    prob: _Problem,
    state: np.ndarray,
    rows: np.ndarray,
    sat: np.ndarray,
    p_corr: np.ndarray,
    usable: np.ndarray,
    sigma_eph: np.ndarray,
    max_iter: int,
    sol: _Solution | None = None,
) -> _Solution:
    """Gauss-Newton on the epochs ``rows`` (block by block, see :func:`_blocks`); fills
    ``sol`` (a new one when None)."""
    if sol is None:
        sol = _Solution(*p_corr.shape, 3 + prob.n_sys)
    for block in _blocks(prob, rows):
        _iterate_block(prob, state, block, sat, p_corr, usable, sigma_eph, max_iter, sol)
    return sol


def _iterate_block(
    prob: _Problem,
    state: np.ndarray,
    rows: np.ndarray,
    sat: np.ndarray,
    p_corr: np.ndarray,
    usable: np.ndarray,
    sigma_eph: np.ndarray,
    max_iter: int,
    sol: _Solution,
) -> None:
    """Gauss-Newton on the epochs ``rows`` (all solved together); fills ``sol``."""
    opts = prob.opts
    x = state[rows].copy()
    x[~np.isfinite(x).all(axis=1)] = 0.0  # unsolved before: restart from the Earth's centre
    sat_r, pc, use0 = sat[rows], p_corr[rows], usable[rows]
    omega, sys_index = prob.omega[rows], prob.sys_index[rows]
    atmosphere_at = np.full((len(rows), 3), np.inf)
    elmask = prob.elmask_rad[rows][:, None]
    converged = np.zeros(len(rows), bool)
    iono = np.zeros(pc.shape)
    tropo = np.zeros(pc.shape)
    for it in range(max_iter):
        sat_rot, rng = rotate_and_range(sat_r, x[:, :3], omega)
        los = (sat_rot - x[:, None, :3]) / rng[..., None]
        near_surface = np.linalg.norm(x[:, :3], axis=1) > 6.0e6
        model = rng + np.take_along_axis(x[:, 3:], sys_index, axis=1)
        # elevation and atmosphere only where the position moved by more than 1 m since
        # they were last evaluated (their sensitivity is far below 1 mm per metre)
        redo = np.linalg.norm(x[:, :3] - atmosphere_at, axis=1) > 1.0
        if it == 0:
            el = np.full(pc.shape, np.nan)
            az = np.full(pc.shape, np.nan)
            enu = np.full(pc.shape + (3,), np.nan)
        if redo.any():
            r = np.flatnonzero(redo)
            lat, lon, h = ecef2geodetic(x[r, :3], WGS84)
            enu[r] = ecef2enu(sat_rot[r], x[r, None, :3], WGS84)
            az[r], el[r], _ = enu2aer(enu[r])
            atmosphere_at[r] = x[r, :3]
            surf = near_surface[r]
            if opts.mode == "single":
                iono[r] = np.where(
                    surf[:, None], _cached_iono(prob, rows[r], x[r, :3], sat_rot[r], el[r]), 0.0
                )
            if opts.tropo == "saastamoinen":
                tropo[r] = np.where(
                    surf[:, None],
                    np.nan_to_num(troposphere_m(lat, h, el[r], prob.day_of_year[rows[r]])),
                    0.0,
                )
        res = pc - model - iono - tropo
        use = use0 & np.isfinite(res)
        use &= ~near_surface[:, None] | (el >= elmask)
        w = _weights(prob, el, iono, tropo, sigma_eph[rows], near_surface, rows)
        w = np.where(use, w, 0.0)
        p_res, p_w = _isb_prior(prob, rows, x)
        step = wls_step(los, sys_index, prob.n_sys, res, w, p_res, p_w)
        x = x + step.dx
        dx_norm = np.linalg.norm(step.dx[:, :3], axis=1)
        # a step that leaves the corrections and weights as they are (re-evaluated only
        # past 1 m of motion) is the last one that matters: the next would correct only the
        # curvature of the ranges, (1 m)² / 20,000 km ≈ 5e-8 m
        settled = (dx_norm < 1.0) & (np.linalg.norm(x[:, :3] - atmosphere_at, axis=1) <= 1.0)
        converged = step.solvable & ((dx_norm < 1e-4) | settled)
        if converged[step.solvable].all() and (it > 0 or step.solvable.any()):
            break
    # final residuals at the converged state
    sat_rot, rng = rotate_and_range(sat_r, x[:, :3], omega)
    res = pc - (rng + np.take_along_axis(x[:, 3:], sys_index, axis=1)) - iono - tropo
    v = np.where(w > 0, res, np.nan)
    wssr = np.nansum(w * np.nan_to_num(v) ** 2, axis=1)
    p_res, p_w = _isb_prior(prob, rows, x)
    if p_w is not None:
        wssr = wssr + np.nansum(p_w * np.nan_to_num(p_res) ** 2, axis=1)
    dof = step.n_used - step.n_params
    status = np.where(
        ~step.solvable,
        SolutionStatus.TOO_FEW_SATELLITES,
        np.where(converged, SolutionStatus.OK, SolutionStatus.NOT_CONVERGED),
    )
    x[status != SolutionStatus.OK] = np.nan
    sol.state[rows] = x
    sol.cov[rows] = step.cov
    sol.residual[rows] = v
    sol.weight[rows] = w
    sol.used[rows] = w > 0
    sol.elevation[rows] = el
    sol.azimuth[rows] = az
    sol.los[rows] = los
    sol.los_enu[rows] = enu / np.linalg.norm(enu, axis=-1, keepdims=True)
    sol.iono[rows] = np.where(w > 0, iono, np.nan)
    sol.tropo[rows] = np.where(w > 0, tropo, np.nan)
    sol.status[rows] = status
    sol.wssr[rows] = wssr
    sol.dof[rows] = dof


#: The broadcast ionosphere is re-evaluated only where the position moved by more than this
#: since its last evaluation [m]: a pierce point shifted by 100 m changes a slant delay by
#: < 1 mm (horizontal gradients ~1 TECU per 100 km = 0.16 m per 100 km on L1), and
#: NeQuick-G costs milliseconds per ray.
_IONO_MOVE_M = 100.0


def _isb_prior(prob, rows, x):
    """Residuals and weights of the inter-system-bias priors at state ``x`` (or None)."""
    if prob.isb_prior_m is None:
        return None, None
    prior = prob.isb_prior_m[rows]
    res = prior - (x[:, 3:] - x[:, 3:4])
    w = np.where(np.isfinite(prior), 1.0 / prob.opts.time_offset_sigma_m**2, 0.0)
    return np.where(np.isfinite(res), res, 0.0), w


def _cached_iono(prob, rows, xyz, sat_m, el) -> np.ndarray:
    """Ionospheric delays of the cells of epochs ``rows`` at ``xyz``, from the run's cache
    where they were computed within :data:`_IONO_MOVE_M` of it.

    Only cells at or above each epoch's current mask are computed (NaN elsewhere: those
    cells are not used); an epoch whose mask is lowered later gets its new cells then.
    """
    needed = np.isfinite(el) & (el >= prob.elmask_rad[rows][:, None])
    cached = prob.iono_cache[rows]
    stale = ~(np.linalg.norm(xyz - prob.iono_at[rows], axis=1) <= _IONO_MOVE_M)
    stale |= (needed & np.isnan(cached)).any(axis=1)
    if stale.any():
        r = rows[stale]
        lat, lon, h = ecef2geodetic(xyz[stale], WGS84)
        el_needed = np.where(needed[stale], el[stale], np.nan)
        d = _iono_delays(prob, r, lat, lon, h, sat_m[stale], el_needed)
        prob.iono_cache[r] = np.where(needed[stale], d, np.nan)
        prob.iono_at[r] = xyz[stale]
    return prob.iono_cache[rows]


def _iono_delays(prob, rows, lat, lon, h, sat_m, el) -> np.ndarray:
    """Broadcast ionospheric delays of the cells of epochs ``rows`` (the plan's models)."""
    ctx = {
        "lat": lat,
        "lon": lon,
        "h": h,
        "sat_m": sat_m,
        "el": el,
        "t_ns": prob.t_rx.ns[rows],
        "scale": prob.t_rx.scale,
        "frequency_hz": prob.frequency_hz[rows],
    }
    return prob.iono.delay_m(ctx, prob.col[rows])


def _lower_mask_where_weak(prob, src, sol, sat, p_corr, usable, sigma_eph) -> _Solution:
    """Re-solve epochs with too few satellites or PDOP > max_pdop using a lower mask."""
    opts = prob.opts
    if opts.fallback_elmask_deg >= opts.elmask_deg:
        return sol
    pdop = dops_from_geometry(np.nan_to_num(sol.los_enu), prob.sys_index, prob.n_sys, sol.used)[
        "pdop"
    ]
    weak = (sol.status != SolutionStatus.OK) | ~(pdop <= opts.max_pdop)
    rows = np.flatnonzero(weak)
    if rows.size == 0:
        return sol
    old_mask = prob.elmask_rad[rows].copy()
    prob.elmask_rad[rows] = np.radians(opts.fallback_elmask_deg)
    trial = _Solution(*sol.residual.shape, sol.state.shape[1])
    _iterate(prob, sol.state, rows, sat, p_corr, usable, sigma_eph, opts.max_iterations, trial)
    new_pdop = dops_from_geometry(
        np.nan_to_num(trial.los_enu[rows]), prob.sys_index[rows], prob.n_sys, trial.used[rows]
    )["pdop"]
    better = (trial.status[rows] == SolutionStatus.OK) & (
        (sol.status[rows] != SolutionStatus.OK) | (new_pdop < pdop[rows])
    )
    take = rows[better]
    for name in vars(sol):
        getattr(sol, name)[take] = getattr(trial, name)[take]
    prob.elmask_rad[rows[~better]] = old_mask[~better]
    return sol


def _weights(prob, el, iono, tropo, sigma_eph, near_surface, rows) -> np.ndarray:
    """Inverse variances 1/σ² of each cell (error budget in :class:`SolveOptions`)."""
    opts = prob.opts
    a, b = opts.code_sigma_m
    sin_el = np.where(near_surface[:, None], np.sin(np.clip(el, np.radians(1.0), None)), 1.0)
    fact = prob.efact[rows] * (3.0 if opts.mode == "iflc" else 1.0)
    if opts.weighting == "equal":
        return np.full(el.shape, 1.0 / (a * 3.0 if opts.mode == "iflc" else a) ** 2)
    var = fact**2 * (a**2 + b**2 / sin_el**2)
    if opts.cn0_weighting:
        cn0 = prob.cn0_dbhz[rows]
        scale = np.where(np.isfinite(cn0), 10.0 ** (np.clip(45.0 - cn0, 0, None) / 10.0), 1.0)
        var = var * scale
    var = var + (opts.iono_model_error * iono) ** 2
    var = var + (0.3 / (sin_el + 0.1)) ** 2 * (tropo != 0)
    var = var + np.nan_to_num(sigma_eph) ** 2
    return 1.0 / var


def _velocity(prob, sol, sat, sat_vel, dts_rate):
    """Receiver velocity and clock drift from Doppler (one drift for all systems)."""
    n_t = sat.shape[0]
    vel = np.full((n_t, 3), np.nan)
    drift = np.full(n_t, np.nan)
    dop = prob.doppler_hz
    if not np.isfinite(dop).any():
        return vel, drift
    lam = _C / prob.frequency_hz
    rr_obs = -lam * dop  # RINEX Doppler: positive when approaching
    e = sol.los
    use = sol.used & np.isfinite(rr_obs) & np.isfinite(sat_vel).all(axis=-1)
    rhs = (
        rr_obs - np.einsum("tsi,tsi->ts", e, np.nan_to_num(sat_vel)) + _C * np.nan_to_num(dts_rate)
    )
    # Earth-rotation (Sagnac) rate term, first order
    w = np.where(use, sol.weight, 0.0)
    step = wls_step(e, np.zeros(e.shape[:2], int), 1, np.where(use, rhs, 0.0), w)
    ok = step.solvable & (sol.status <= SolutionStatus.CHI2_FAILED)
    vel[ok] = step.dx[ok, :3]
    drift[ok] = step.dx[ok, 3]
    return vel, drift


def _assemble(obs, prob, sol, exclusion, excl_raim, flagged, velocity, drift, run_warnings, src):
    exclusion = exclusion.copy()
    exclusion[
        (exclusion == ExclusionReason.USED)
        & np.isfinite(sol.elevation)
        & (sol.elevation < prob.elmask_rad[:, None])
    ] = ExclusionReason.BELOW_MASK
    exclusion[excl_raim] = ExclusionReason.RAIM
    sys_flag = (
        np.take_along_axis(flagged, prob.sys_index, axis=1)
        & ~sol.used
        & (exclusion == ExclusionReason.USED)
    )
    exclusion[sys_flag] = ExclusionReason.CONSTELLATION
    for w in run_warnings:
        warnings.warn(w, KompasWarning, stacklevel=3)
    return build_dataset(obs, prob, sol, exclusion, flagged, velocity, drift, run_warnings, src)
