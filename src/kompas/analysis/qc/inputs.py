"""Inputs of a QC run: the observation grid, the orbits and the receiver position."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from kompas.errors import KompasError

__all__ = ["ObsGrid", "load_obs", "load_orbits", "receiver_position", "QCInputError"]

#: A position closer than this to the Earth's centre is "unknown" (RINEX writes 0,0,0) [m].
_MIN_RADIUS_M = 6.0e6


class QCInputError(KompasError):
    """The inputs of a QC run cannot be used (no epochs, no usable observations...)."""


@dataclass
class ObsGrid:
    """The file's epochs on their regular grid.

    ``t_ns`` (file epochs, GPST-continuous ns), ``grid_ns`` (first to last epoch every
    ``interval_s``), ``row_to_grid`` (grid index of each file epoch; the file epochs that
    are off the grid are placed at the nearest grid epoch).
    """

    t_ns: np.ndarray
    grid_ns: np.ndarray
    row_to_grid: np.ndarray
    interval_s: float


_FILES = (str, os.PathLike, list, tuple)


def load_obs(obs: Any) -> xr.Dataset:
    """An observation Dataset from a Dataset or a path (phase, code and S only)."""
    if isinstance(obs, xr.Dataset):
        return obs
    from kompas.io.compress import PendingText
    from kompas.io.rinex_obs import read_obs

    return read_obs(obs if isinstance(obs, PendingText) else os.fspath(obs))


def start_obs(obs: Any, nav: Any, sp3: Any) -> Any:
    """``obs`` itself, or, for a file that will be read together with an orbit file, its
    :class:`~kompas.io.compress.PendingText`: the Hatanaka expansion (a subprocess) then
    runs while the orbit file is read."""
    if isinstance(obs, xr.Dataset) or (nav is None and sp3 is None):
        return obs
    if isinstance(nav, xr.Dataset) or (sp3 is None and not isinstance(nav, _FILES)):
        return obs  # orbits already in memory: nothing to overlap
    from kompas.io.compress import PendingText

    return PendingText(os.fspath(obs))


def obs_grid(ds: xr.Dataset) -> ObsGrid:
    """Epochs of ``ds`` and their regular grid (interval from the header, else the median
    step)."""
    from kompas.time import Time

    if ds.sizes.get("time", 0) == 0:
        raise QCInputError(f"{ds.attrs.get('source', 'observations')}: no epochs to check")
    t_ns = Time.from_datetime64(ds["time"].values, ds.attrs.get("time_scale", "GPST")).ns
    t_ns = np.asarray(t_ns, dtype=np.int64)
    interval = ds.attrs.get("interval_s")
    if not interval and t_ns.size > 1:
        interval = float(np.median(np.diff(t_ns))) / 1e9
    interval = float(interval or 1.0)
    step = int(round(interval * 1e9))
    n = int((t_ns[-1] - t_ns[0]) // step) + 1
    grid = t_ns[0] + step * np.arange(n, dtype=np.int64)
    row = np.clip(np.rint((t_ns - t_ns[0]) / step).astype(np.int64), 0, n - 1)
    return ObsGrid(t_ns, grid, row, interval)


def load_orbits(nav: Any, sp3: Any) -> tuple[Any, str]:
    """The orbit source (precise preferred) and its description; (None, "none") without."""
    if sp3 is not None:
        from kompas.orbits.precise import PreciseOrbit

        if not isinstance(sp3, xr.Dataset):
            from kompas.io.sp3 import read_sp3

            sp3 = read_sp3(sp3 if not isinstance(sp3, (str, os.PathLike)) else [sp3])
        return PreciseOrbit(sp3), "sp3:" + str(sp3.attrs.get("source", "precise"))
    if nav is None or (isinstance(nav, (list, tuple)) and not nav):
        return None, "none"
    if isinstance(nav, (str, os.PathLike, list, tuple)):
        from kompas.io.rinex_nav import read_nav

        nav = read_nav(nav)
    return nav, "broadcast"


def receiver_position(ds: xr.Dataset, orbits: Any, given: Any = None) -> tuple[np.ndarray, str]:
    """Receiver ECEF position [m] and where it came from: ``given``, the header's approx.
    position, or (header empty) a single point solution with the broadcast orbits
    (median of the epochs solved)."""
    if given is not None:
        return np.asarray(given, dtype=float).reshape(3), "given"
    hdr = ds.attrs.get("approx_position_xyz_m")
    if hdr is not None and np.linalg.norm(hdr) > _MIN_RADIUS_M:
        return np.asarray(hdr, dtype=float), "header"
    if orbits is None:
        return np.full(3, np.nan), "none"
    from kompas.positioning import solve

    try:
        sol = solve(ds, orbits)
    except KompasError as exc:
        raise QCInputError(
            f"{ds.attrs.get('source', 'observations')}: no approximate position in the header "
            f"and the single point solution failed ({exc})"
        ) from exc
    xyz = sol["position_ecef_m"].values if "position_ecef_m" in sol else None
    if xyz is None or not np.isfinite(xyz).any():
        raise QCInputError(
            f"{ds.attrs.get('source', 'observations')}: no approximate position in the header "
            "and no epoch could be solved"
        )
    return np.nanmedian(xyz, axis=0), "solved"
