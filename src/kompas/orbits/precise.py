"""Satellite states from precise products: SP3 orbits, SP3 or RINEX-clock clocks.

Positions (and velocities) come from Lagrange interpolation over ``order + 1`` SP3 epochs
centred on the request (:mod:`kompas.orbits.interpolate`), plainly in the product's
Earth-fixed frame. When the SP3 file has velocity records they are interpolated the same
way; otherwise the velocity is the derivative of the position polynomial.

Clocks are interpolated linearly between the two samples bracketing the request, from the
RINEX clock product when one is given and holds the satellite (30 s samples), else from
the SP3 clocks. Interpolation is refused (NaN plus a status) across a gap longer than
``max_gap_factor`` times the nominal sample interval, across a missing/bad sample, and,
for SP3 clocks, across a sample flagged with a clock event (``E``).

Product conventions (IGS): SP3 positions are the satellite centre of mass (state
``reference_point = "com"``); precise clocks do *not* contain the periodic relativistic
correction, which is returned separately as ``relativity_s = -2 r.v / c^2`` from the
interpolated ``r`` and ``v``.

Status per element (``SatelliteStates.status``; the orbit-only and clock-only reasons are
in ``extra["orbit_status"]`` and ``extra["clock_status"]``):

- ``NO_EPHEMERIS``: the satellite is not in the product.
- ``NO_PRECISE_DATA``: time outside the product span, or the window spans a data gap.
- ``BAD_VALUE``: a node of the window is missing or carries a bad-value marker, or (clock)
  an event flag breaks the interval.
Where only the clock fails, position and velocity are still returned (and vice versa).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from kompas.constants import SPEED_OF_LIGHT_MPS
from kompas.orbits.interpolate import lagrange_weights, window_starts
from kompas.orbits.states import SatelliteStates, StateStatus
from kompas.time import NAT_NS, Time
from kompas.time.convert import as_instants_ns

__all__ = ["PreciseOrbit", "precise_states", "DEFAULT_ORDER"]

#: Default Lagrange order (11 nodes). Leave-one-out on the 5-min MGEX files of 2023-001
#: (tests/test_precise.py) puts the error floor at orders 9-11; RTKLIB also uses 10.
DEFAULT_ORDER = 10
_NS = 1_000_000_000
_CHUNK = 1 << 16  # elements per vectorised block (bounds temporary memory)


def _node_instants(ds: xr.Dataset) -> np.ndarray:
    scale = ds.attrs.get("time_scale", ds["time"].attrs.get("time_scale", "GPST"))
    return Time.from_datetime64(ds["time"].values, scale).ns


def _nominal_step(node_ns: np.ndarray) -> int:
    d = np.diff(node_ns)
    return int(np.median(d)) if len(d) else 0


def _combine(values: np.ndarray, start: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``out[u] = sum_j w[u, j] * values[start[u] + j]`` for (T, K) values -> (U, K)."""
    out = w[:, :1] * values[start]
    for j in range(1, w.shape[1]):  # loop over the few window nodes only
        out += w[:, j : j + 1] * values[start + j]
    return out


class _ClockTable:
    """Clock samples on one time grid, linearly interpolated with gap and event checks."""

    def __init__(
        self,
        node_ns: np.ndarray,
        values: np.ndarray,
        events: np.ndarray | None,
        max_gap_factor: float,
    ) -> None:
        self.node_ns = node_ns
        self.values = values  # (T, S)
        self.events = events  # (T, S) bool or None
        self.max_gap_ns = max_gap_factor * _nominal_step(node_ns)

    def evaluate(
        self, t_ns: np.ndarray, col: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Clock [s], drift [s/s] and status for requests (t_ns, column), col >= 0."""
        node = self.node_ns
        n = len(node)
        clock = np.full(t_ns.shape, np.nan)
        drift = np.full(t_ns.shape, np.nan)
        status = np.full(t_ns.shape, StateStatus.NO_PRECISE_DATA, np.int8)
        if n < 2:
            return clock, drift, status
        inside = (t_ns >= node[0]) & (t_ns <= node[-1]) & (t_ns != NAT_NS)
        k = np.clip(np.searchsorted(node, t_ns, side="right") - 1, 0, n - 2)
        t0, t1 = node[k], node[k + 1]
        c0, c1 = self.values[k, col], self.values[k + 1, col]
        span = t1 - t0
        frac = (t_ns - t0) / span
        on0, on1 = t_ns == t0, t_ns == t1
        val = np.where(on0, c0, np.where(on1, c1, c0 + frac * (c1 - c0)))
        slope = (c1 - c0) / (span / _NS)
        gap = span > self.max_gap_ns
        broken = np.zeros(t_ns.shape, bool)
        if self.events is not None:
            broken = self.events[k, col] | self.events[k + 1, col]
        node_ok = np.where(on0, np.isfinite(c0), np.where(on1, np.isfinite(c1), True))
        interior = ~on0 & ~on1
        both = np.isfinite(c0) & np.isfinite(c1)
        ok = inside & node_ok & ~(interior & (gap | broken | ~both))
        clock[ok] = val[ok]
        drift_ok = ok & both & ~gap & ~broken
        drift[drift_ok] = slope[drift_ok]
        status[ok] = StateStatus.OK
        bad = inside & ~ok & ~(interior & gap)
        status[bad] = StateStatus.BAD_VALUE
        return clock, drift, status


class PreciseOrbit:
    """Interpolator over an SP3 Dataset (and optionally a RINEX clock Dataset).

    Parameters
    ----------
    sp3 : xarray.Dataset
        From :func:`kompas.io.sp3.read_sp3`.
    clk : xarray.Dataset, optional
        From :func:`kompas.io.rinex_clock.read_rinex_clock`; used for every satellite it
        holds, SP3 clocks for the others.
    order : int
        Lagrange polynomial order for positions/velocities (``order + 1`` nodes).
    max_gap_factor : float
        A window (orbit) or interval (clock) longer than this many nominal sample
        intervals is a data gap: no interpolation across it.
    antex : AntexFile or path, optional
        Satellite antenna offsets (:func:`kompas.read_antex`): the states then refer to
        the antenna phase centre of the ionosphere-free pair each broadcast orbit uses
        (:data:`kompas.orbits.antenna.DEFAULT_PCO_FREQUENCIES`), as broadcast orbits do,
        with the nominal yaw-steering attitude.  A satellite without a valid antenna in
        the file keeps its centre of mass and is reported: ``extra["antenna_corrected"]``
        is False for its states and its id is in :attr:`antenna_missing`.
    antex_frequencies : mapping, optional
        ANTEX codes per system overriding the defaults, e.g. ``{"E": ("E01", "E05")}``
        for F/NAV users.

    Attributes
    ----------
    frame : str
        The product's frame (``"IGS20"``...); positions are in it.
    reference_point : str
        ``"com"`` for IGS/MGEX SP3.
    svs : numpy.ndarray of str
        Satellites in the orbit product.
    antenna_missing : set of str
        Satellites asked for (so far) that the ANTEX file could not correct.
    """

    def __init__(
        self,
        sp3: xr.Dataset,
        clk: xr.Dataset | None = None,
        *,
        order: int = DEFAULT_ORDER,
        max_gap_factor: float = 1.5,
        antex: Any = None,
        antex_frequencies: Any = None,
    ) -> None:
        if order < 1:
            raise ValueError("order must be >= 1")
        self.order = int(order)
        self.n_nodes = self.order + 1
        self.frame = str(sp3.attrs.get("coordinate_system", ""))
        self.reference_point = str(sp3.attrs.get("reference_point", "com"))
        self.svs = np.asarray(sp3["sv"].values).astype(str)
        self._sv_index = {s: i for i, s in enumerate(self.svs)}
        self.node_ns = _node_instants(sp3)
        self._step_ns = _nominal_step(self.node_ns)
        self._max_window_ns = max_gap_factor * self._step_ns * self.order
        self._pos = np.ascontiguousarray(sp3["position_m"].values, dtype=np.float64)
        self._vel = (
            np.ascontiguousarray(sp3["velocity_mps"].values, dtype=np.float64)
            if "velocity_mps" in sp3
            else None
        )
        events = sp3["clock_event"].values if "clock_event" in sp3 else None
        self._sp3_clock = _ClockTable(self.node_ns, sp3["clock_s"].values, events, max_gap_factor)
        self._clk = None
        self._clk_index: dict[str, int] = {}
        if clk is not None:
            csv = np.asarray(clk["sv"].values).astype(str)
            self._clk_index = {s: i for i, s in enumerate(csv)}
            self._clk = _ClockTable(
                _node_instants(clk), clk["clock_s"].values, None, max_gap_factor
            )
        src = "sp3:" + str(sp3.attrs.get("source", ""))
        if clk is not None:
            src += " clk:" + str(clk.attrs.get("source", ""))
        self.source = src + (f" ({self.frame})" if self.frame else "")
        if antex is not None and not hasattr(antex, "antennas"):
            from kompas.io.antex import read_antex

            antex = read_antex(antex)
        self.antex = antex
        self.antex_frequencies = antex_frequencies
        self.antenna_missing: set[str] = set()
        if antex is not None:
            self.reference_point = "apc"
            self.source += " antex:" + str(getattr(antex, "path", ""))

    # ------------------------------------------------------------------ public
    def states(self, sv: Any, t: Any, *, scale: str | None = None) -> SatelliteStates:
        """Satellite states for ``sv`` at instants ``t`` (broadcast together).

        Parameters
        ----------
        sv : array_like of str
            Satellite ids (``"G07"``).
        t : Time, xarray time coordinate, datetime64 (with ``scale``) or int64 ns
            Instants (see :func:`kompas.time.as_time`; ``read_sp3(f)["time"]`` works).
        scale : str, optional
            Time scale of plain ``datetime64`` labels in ``t``.

        Returns
        -------
        SatelliteStates
            Arrays of the broadcast shape; NaN and a status where not available.
        """
        sv_arr = np.asarray(sv).astype(str)
        t_ns = as_instants_ns(t, scale)
        sv_b, t_b = np.broadcast_arrays(sv_arr, t_ns)
        shape = t_b.shape
        t_f = t_b.ravel()
        m = t_f.size
        pos = np.full((m, 3), np.nan)
        vel = np.full((m, 3), np.nan)
        clock = np.full(m, np.nan)
        drift = np.full(m, np.nan)
        orb_st = np.full(m, StateStatus.NO_EPHEMERIS, np.int8)
        clk_st = np.full(m, StateStatus.NO_EPHEMERIS, np.int8)

        # column lookups on the (small) un-broadcast sv array, then broadcast the integers
        uniq, inv = np.unique(sv_arr, return_inverse=True)
        inv = inv.reshape(sv_arr.shape)
        col_u = np.array([self._sv_index.get(s, -1) for s in uniq], np.int64)
        ccol_u = np.array([self._clk_index.get(s, -1) for s in uniq], np.int64)
        col = np.broadcast_to(col_u[inv], shape).ravel()
        ccol = np.broadcast_to(ccol_u[inv], shape).ravel()
        for a in range(0, m, _CHUNK):
            b = min(a + _CHUNK, m)
            sl = slice(a, b)
            self._orbit_block(t_f[sl], col[sl], pos[sl], vel[sl], orb_st[sl])
            self._clock_block(t_f[sl], col[sl], ccol[sl], clock[sl], drift[sl], clk_st[sl])

        extra = {
            "orbit_status": orb_st.reshape(shape),
            "clock_status": clk_st.reshape(shape),
        }
        if self.antex is not None:
            extra.update(self._apply_antenna(sv_b.ravel(), t_f, pos, shape))
        rel = -2.0 * np.einsum("ij,ij->i", pos, vel) / SPEED_OF_LIGHT_MPS**2
        status = np.where(orb_st != StateStatus.OK, orb_st, clk_st).astype(np.int8)
        return SatelliteStates(
            sv=sv_b.copy(),
            time_ns=t_b.copy(),
            position_m=pos.reshape(shape + (3,)),
            velocity_mps=vel.reshape(shape + (3,)),
            clock_s=clock.reshape(shape),
            relativity_s=rel.reshape(shape),
            clock_drift_sps=drift.reshape(shape),
            status=status.reshape(shape),
            source=self.source,
            reference_point=self.reference_point,
            extra=extra,
        )

    __call__ = states

    def _apply_antenna(self, sv: np.ndarray, t_ns: np.ndarray, pos: np.ndarray, shape):
        """Move CoM positions (in place) to the APC; the offsets and what was corrected."""
        from kompas.orbits.antenna import satellite_pco_ecef_m

        offset, found = satellite_pco_ecef_m(self.antex, sv, t_ns, pos, self.antex_frequencies)
        pos[found] += offset[found]
        computed = np.isfinite(pos).all(axis=-1)
        self.antenna_missing |= set(np.unique(sv[computed & ~found]).tolist())
        return {
            "antenna_offset_m": offset.reshape(shape + (3,)),
            "antenna_corrected": found.reshape(shape),
        }

    # ------------------------------------------------------------------ blocks
    def _orbit_block(self, t_ns, col, pos_out, vel_out, status_out) -> None:
        node = self.node_ns
        n = self.n_nodes
        known = col >= 0
        if len(node) < n:
            status_out[known] = StateStatus.NO_PRECISE_DATA
            return
        inside = known & (t_ns >= node[0]) & (t_ns <= node[-1]) & (t_ns != NAT_NS)
        status_out[known & ~inside] = StateStatus.NO_PRECISE_DATA
        idx = np.flatnonzero(inside)
        if idx.size == 0:
            return
        tq, cq = t_ns[idx], col[idx]
        ut, uinv = np.unique(tq, return_inverse=True)
        uinv = uinv.ravel()
        start = window_starts(node, ut, n)
        win = start[:, None] + np.arange(n)
        x = (node[win] - ut[:, None]) / _NS  # seconds, exact int differences first
        gap = (node[win[:, -1]] - node[win[:, 0]]) > self._max_window_ns
        w, dw = lagrange_weights(x, derivative=True)
        ucol, cinv = np.unique(cq, return_inverse=True)
        cinv = cinv.ravel()
        if len(ut) * len(ucol) <= 4 * len(idx):
            # near-grid request: combine whole epochs (all requested satellites) per
            # distinct time, then pick; n vectorised passes, no per-element gather
            t_n = len(node)
            sub = self._pos[:, ucol, :].reshape(t_n, -1)
            p = _combine(sub, start, w).reshape(len(ut), len(ucol), 3)[uinv, cinv]
            if self._vel is not None:
                vsub = self._vel[:, ucol, :].reshape(t_n, -1)
                v = _combine(vsub, start, w).reshape(len(ut), len(ucol), 3)[uinv, cinv]
            else:
                v = _combine(sub, start, dw).reshape(len(ut), len(ucol), 3)[uinv, cinv]
        else:
            rows = win[uinv]  # (M, n) time indices
            nodes = self._pos[rows, cq[:, None]]  # (M, n, 3)
            p = np.einsum("mn,mnk->mk", w[uinv], nodes)
            if self._vel is not None:
                v = np.einsum("mn,mnk->mk", w[uinv], self._vel[rows, cq[:, None]])
            else:
                v = np.einsum("mn,mnk->mk", dw[uinv], nodes)
        g = gap[uinv]
        good = np.isfinite(p).all(axis=1) & np.isfinite(v).all(axis=1) & ~g
        st = np.where(g, StateStatus.NO_PRECISE_DATA, StateStatus.BAD_VALUE).astype(np.int8)
        st[good] = StateStatus.OK
        p[~good] = np.nan
        v[~good] = np.nan
        pos_out[idx] = p
        vel_out[idx] = v
        status_out[idx] = st

    def _clock_block(self, t_ns, col, ccol, clock_out, drift_out, status_out) -> None:
        use_clk = ccol >= 0
        use_sp3 = ~use_clk & (col >= 0)
        for mask, table, c in ((use_clk, self._clk, ccol), (use_sp3, self._sp3_clock, col)):
            if table is None or not mask.any():
                continue
            idx = np.flatnonzero(mask)
            val, dr, st = table.evaluate(t_ns[idx], c[idx])
            clock_out[idx] = val
            drift_out[idx] = dr
            status_out[idx] = st


def precise_states(
    sp3: xr.Dataset,
    sv: Any,
    t: Any,
    clk: xr.Dataset | None = None,
    *,
    order: int = DEFAULT_ORDER,
) -> SatelliteStates:
    """One-shot :meth:`PreciseOrbit.states`: states of ``sv`` at ``t`` from SP3 (+ CLK).

    Examples
    --------
    >>> from kompas.io.sp3 import read_sp3  # doctest: +SKIP
    >>> sp3 = read_sp3("GFZ0MGXRAP_20230010000_01D_05M_ORB.SP3")  # doctest: +SKIP
    >>> t = Time.from_calendar(2023, 1, 1, 1, 0, 0, scale="GPST")  # doctest: +SKIP
    >>> precise_states(sp3, ["G01", "E11"], t).position_m  # doctest: +SKIP
    """
    return PreciseOrbit(sp3, clk, order=order).states(sv, t)
