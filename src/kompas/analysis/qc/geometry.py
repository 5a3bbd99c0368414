"""Where each satellite was in the receiver's sky: azimuth and elevation on the (time, sv) grid.

The satellite positions come from the public orbit functions (broadcast:
:func:`kompas.satellite_states`; precise: a :class:`kompas.PreciseOrbit` from SP3),
evaluated at the reception instants.  Ignoring the ~75 ms signal flight time moves a MEO
satellite by ~0.3 km along its orbit and the receiver by ~35 m with the Earth's rotation:
< 0.05° in direction, negligible for a 1° mask resolution and 5° bins (and it saves the
three extra orbit evaluations of :func:`kompas.emission_states`).

Elevation changes by at most ~0.5°/min for a MEO satellite, smoothly: the states are
computed on every n-th epoch (``step_s`` apart, default 300 s) and the line-of-sight unit
vectors are interpolated linearly in time and normalised again.  The interpolation error of
a unit vector over a 300 s chord of a MEO pass (angular rate ω ≈ 1.5e-4 rad/s, seen from
the ground at most ~4× that) is about (ω·Δt)²/8 ≈ 0.06° in the worst case — far below the
1° resolution at which QC uses elevations (mask, 5° bins).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kompas.frames import ecef2geodetic
from kompas.frames.local import rotate_ecef2enu

__all__ = ["SkyGeometry", "sky_geometry", "DEFAULT_STEP_S"]

#: Interval of the orbit evaluations that are interpolated to every epoch [s] (see above).
DEFAULT_STEP_S = 300.0


@dataclass
class SkyGeometry:
    """Azimuth and elevation of every (epoch, satellite) [deg]; NaN where no orbit was usable.

    ``source`` names the orbits used (``"broadcast"``, ``"sp3:FILE"``) and ``position_m`` the
    receiver position (``position_source``: ``"header"``, ``"solved"``, ``"given"``).
    """

    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    source: str
    position_m: np.ndarray
    position_source: str


def _sample_rows(n: int, step: int) -> np.ndarray:
    rows = np.arange(0, n, max(step, 1))
    if rows[-1] != n - 1:
        rows = np.append(rows, n - 1)
    return rows


def _states(orbits: Any, sv: np.ndarray, t_ns: np.ndarray):
    if hasattr(orbits, "states"):
        return orbits.states(sv, t_ns)
    from kompas.orbits.broadcast import satellite_states

    return satellite_states(orbits, sv, t_ns)


def sky_geometry(
    orbits: Any,
    sv: np.ndarray,
    t_ns: np.ndarray,
    receiver_m: np.ndarray,
    *,
    interval_s: float,
    step_s: float = DEFAULT_STEP_S,
    position_source: str = "header",
    source: str = "broadcast",
) -> SkyGeometry:
    """Azimuth/elevation of ``sv`` at the instants ``t_ns`` (int64 GPST ns) from ``receiver_m``.

    Parameters
    ----------
    orbits : kompas.io.Navigation or object with ``states(sv, t)``
        Broadcast navigation data or a precise orbit.
    sv : ndarray of str (n_sv,)
    t_ns : ndarray of int64 (n_time,)
    receiver_m : ndarray (3,)
        Receiver ECEF position [m].
    interval_s : float
        Sampling interval of ``t_ns`` (decides the decimation).
    step_s : float
        Spacing of the orbit evaluations that are interpolated (see the module notes).
    """
    n = t_ns.size
    rows = _sample_rows(n, int(round(step_s / max(interval_s, 1e-9))))
    st = _states(orbits, sv[None, :], t_ns[rows, None])
    los = st.position_m - receiver_m
    lat, lon, _ = ecef2geodetic(receiver_m)
    enu = rotate_ecef2enu(los, lat, lon)
    enu /= np.linalg.norm(enu, axis=-1, keepdims=True)
    # linear interpolation in time of the unit vectors, per (row interval)
    idx = np.clip(np.searchsorted(t_ns[rows], t_ns, side="right") - 1, 0, rows.size - 2)
    if rows.size == 1:
        full = np.repeat(enu, n, axis=0)
    else:
        t0, t1 = t_ns[rows][idx], t_ns[rows][idx + 1]
        w = ((t_ns - t0) / np.maximum(t1 - t0, 1)).astype(float)[:, None, None]
        full = enu[idx] * (1.0 - w) + enu[idx + 1] * w
    full /= np.linalg.norm(full, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):
        el = np.degrees(np.arcsin(np.clip(full[..., 2], -1.0, 1.0)))
        az = np.degrees(np.arctan2(full[..., 0], full[..., 1])) % 360.0
    return SkyGeometry(az, el, source, np.asarray(receiver_m, float), position_source)
