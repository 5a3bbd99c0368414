"""Satellite states at signal emission, expressed in the ECEF frame of reception.

A receiver at ``receiver_ecef_m`` measures at ``t_rx``; the signal left the satellite
at ``t_tx = t_rx - tau``.  Two ways to obtain ``tau``:

* from the pseudorange: ``t_tx = t_rx - P/c - dt_sv(t_tx)`` (the satellite clock,
  evaluated at the approximate emission time, is the only iteration needed: it changes by
  < 1e-12 s over the ~1 ms of its own size);
* geometrically: ``tau = |r_sat(t_tx) rotated to t_rx - r_rx| / c``, iterated
  (three vectorised passes converge to < 1e-12 s from a 75 ms start).

The satellite position, computed in the ECEF frame of the emission epoch, is rotated
about z by ``omega_e * tau`` (the Earth turns during the flight, "Sagnac" correction),
with each system's own Earth rotation rate.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kompas.constants import (
    OMEGA_E_BDS_RADPS,
    OMEGA_E_GAL_RADPS,
    OMEGA_E_GLO_RADPS,
    OMEGA_E_GPS_RADPS,
    SPEED_OF_LIGHT_MPS,
)
from kompas.orbits.broadcast import satellite_states
from kompas.orbits.states import SatelliteStates
from kompas.time.convert import as_instants_ns

__all__ = ["emission_states", "rotate_for_flight_time", "omega_e_for"]

_OMEGA = {"C": OMEGA_E_BDS_RADPS, "E": OMEGA_E_GAL_RADPS, "R": OMEGA_E_GLO_RADPS}
_NOMINAL_FLIGHT_S = 0.075
_GEOMETRIC_ITERATIONS = 3


def omega_e_for(sv: np.ndarray) -> np.ndarray:
    """Earth rotation rate of each satellite's system frame [rad/s] (sv ids or system chars)."""
    first = np.char.ljust(np.asarray(sv, dtype=str), 1).astype("<U1")
    out = np.full(first.shape, OMEGA_E_GPS_RADPS)
    for char, value in _OMEGA.items():
        out[first == char] = value
    return out


def rotate_for_flight_time(
    vectors: np.ndarray, flight_time_s: np.ndarray, omega_e_radps: np.ndarray | float
) -> np.ndarray:
    """Rotate ECEF vectors of the emission epoch into the ECEF frame of reception.

    R_z(omega_e tau) with R_z(a) = [[cos a, sin a, 0], [-sin a, cos a, 0], [0, 0, 1]]
    (the frame turns east by omega_e tau, so fixed vectors turn west in it).
    """
    ang = np.asarray(omega_e_radps) * np.asarray(flight_time_s)
    c, s = np.cos(ang), np.sin(ang)
    out = np.empty(np.shape(vectors))
    out[..., 0] = c * vectors[..., 0] + s * vectors[..., 1]
    out[..., 1] = -s * vectors[..., 0] + c * vectors[..., 1]
    out[..., 2] = vectors[..., 2]
    return out


def _states(source: Any, sv: np.ndarray, t_ns: np.ndarray, **kwargs) -> SatelliteStates:
    if hasattr(source, "states"):
        return source.states(sv, t_ns, **kwargs)
    return satellite_states(source, sv, t_ns, **kwargs)


def emission_states(
    source: Any,
    sv: Any,
    t_rx: Any,
    receiver_ecef_m: Any,
    pseudorange_m: Any = None,
    *,
    scale: str | None = None,
    **kwargs: Any,
) -> SatelliteStates:
    """Satellite states at emission time, rotated into the ECEF frame at reception.

    Parameters
    ----------
    source : Navigation or object with ``.states(sv, t)``
        Broadcast navigation data (evaluated with :func:`kompas.satellite_states`) or a
        precise-orbit source offering ``states(sv, t) -> SatelliteStates``.
    sv : array_like of str
        Satellite ids, broadcast against ``t_rx``.
    t_rx : Time, xarray time coordinate, datetime64 (with ``scale``) or int64 ns
        Reception instants (see :func:`kompas.time.as_time`; receiver time: with a
        pseudorange, the receiver clock error stays in the range and is not removed here).
    receiver_ecef_m : array_like, shape (..., 3)
        Approximate receiver position (ECEF, m); broadcast against ``sv``/``t_rx``.
    pseudorange_m : array_like, optional
        Code pseudoranges; when given, emission time = t_rx - P/c - dt_sv.
    scale : str, optional
        Time scale of plain ``datetime64`` labels in ``t_rx``.
    **kwargs
        Passed to the source (e.g. ``health=``, ``galileo_message=``, and for broadcast
        data ``rule=``: ``"nearest"``, ``"latest"`` or ``"transmitted"``).

    Returns
    -------
    SatelliteStates
        ``time_ns`` holds the emission instants; positions and velocities are in the
        ECEF frame of the reception epoch.  ``extra["flight_time_s"]`` gives the
        geometric signal flight time and ``extra["reception_ns"]`` the reception
        instants.
    """
    t_rx_ns = as_instants_ns(t_rx, scale)
    sv_arr = np.asarray(sv, dtype=str)
    rx = np.asarray(receiver_ecef_m, dtype=np.float64)
    shape = np.broadcast_shapes(sv_arr.shape, t_rx_ns.shape, rx.shape[:-1])
    if pseudorange_m is not None:
        shape = np.broadcast_shapes(shape, np.shape(pseudorange_m))
    sv_b = np.broadcast_to(sv_arr, shape)
    t_b = np.broadcast_to(t_rx_ns, shape)
    rx_b = np.broadcast_to(rx, shape + (3,))
    omega = omega_e_for(sv_b)

    if pseudorange_m is not None:
        pr = np.broadcast_to(np.asarray(pseudorange_m, dtype=np.float64), shape)
        tau = pr / SPEED_OF_LIGHT_MPS
        approx = _states(source, sv_b, t_b - _to_ns(tau), **kwargs)
        dt_sv = approx.clock_s + np.nan_to_num(approx.relativity_s)
        tau_total = tau + dt_sv
        st = _states(source, sv_b, t_b - _to_ns(tau_total), **kwargs)
        flight = np.where(np.isfinite(tau_total), tau, np.nan)
        for _ in range(2):  # geometric flight time for the Earth rotation only
            rot = rotate_for_flight_time(st.position_m, flight, omega)
            flight = np.linalg.norm(rot - rx_b, axis=-1) / SPEED_OF_LIGHT_MPS
    else:
        flight = np.full(shape, _NOMINAL_FLIGHT_S)
        for _ in range(_GEOMETRIC_ITERATIONS):
            st = _states(source, sv_b, t_b - _to_ns(flight), **kwargs)
            rot = rotate_for_flight_time(st.position_m, flight, omega)
            new = np.linalg.norm(rot - rx_b, axis=-1) / SPEED_OF_LIGHT_MPS
            flight = np.where(np.isfinite(new), new, flight)
        st = _states(source, sv_b, t_b - _to_ns(flight), **kwargs)

    st.position_m = rotate_for_flight_time(st.position_m, flight, omega)
    st.velocity_mps = rotate_for_flight_time(st.velocity_mps, flight, omega)
    st.extra = dict(st.extra)
    st.extra["flight_time_s"] = np.where(st.ok, flight, np.nan)
    st.extra["reception_ns"] = np.array(t_b)
    return st


def _to_ns(seconds: np.ndarray) -> np.ndarray:
    """Seconds (float, may be NaN) to int64 ns; NaN becomes 0 (the state stays NaN)."""
    s = np.nan_to_num(np.asarray(seconds, dtype=np.float64))
    return np.round(s * 1e9).astype(np.int64)
