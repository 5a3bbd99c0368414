"""One time type across the public boundary: :func:`as_time` and :func:`as_instants_ns`.

Every public function that takes epochs (``satellite_states``, ``PreciseOrbit.states``,
``emission_states``, ``dop``, ``sisre`` ...) accepts, through these helpers:

- a :class:`~kompas.time.Time` (exact instants, any scale);
- an xarray ``time`` coordinate as kompas returns it: ``datetime64[ns]`` labels with
  ``attrs["time_scale"]`` naming the scale they are read on (``read_sp3(...)["time"]``);
- ``datetime64`` labels (numpy, pandas) with an explicit ``scale=``;
- int64 instants, ns since 1980-01-06 GPST, continuous (``Time.ns``).

A ``datetime64`` without a scale is refused: the same label is 18 s apart on GPST and
UTC (2023) and 14 s on BDT, and guessing would hide exactly that error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kompas.errors import TimeError
from kompas.time.core import Time
from kompas.time.scales import TimeScale

__all__ = ["as_time", "as_instants_ns"]


def _labels_and_scale(t: Any, scale: TimeScale | str | None) -> tuple[np.ndarray, Any] | None:
    """(datetime64 values, scale from attrs) for xarray/pandas/numpy datetime input."""
    attrs = getattr(t, "attrs", None)
    values = getattr(t, "values", t)
    arr = np.asarray(values)
    if arr.dtype.kind != "M":
        return None
    attr_scale = attrs.get("time_scale") if isinstance(attrs, dict) else None
    return arr, attr_scale


def as_time(t: Any, scale: TimeScale | str | None = None) -> Time:
    """Epochs as a :class:`~kompas.time.Time`, whatever form kompas itself hands out.

    Parameters
    ----------
    t : Time, xarray.DataArray, numpy/pandas datetime64, or int64 array_like
        See the module docstring.
    scale : TimeScale or str, optional
        Scale on which ``datetime64`` labels are read.  Required for labels without
        ``attrs["time_scale"]``; when both are given they must agree.  Ignored for
        ``Time`` and integer instants (they are exact instants already).

    Raises
    ------
    TimeError
        For datetime64 labels of unknown scale, conflicting scales, or another type.
    """
    if isinstance(t, Time):
        return t
    dt = _labels_and_scale(t, scale)
    if dt is not None:
        labels, attr_scale = dt
        if scale is not None and attr_scale is not None:
            if TimeScale.coerce(scale) is not TimeScale.coerce(attr_scale):
                raise TimeError(
                    f"scale={scale!r} contradicts the labels' attrs['time_scale'] = {attr_scale!r}"
                )
        use = scale if scale is not None else attr_scale
        if use is None:
            raise TimeError(
                "datetime64 labels without a time scale: pass scale= (e.g. 'GPST', 'UTC') "
                "or an xarray coordinate with attrs['time_scale']"
            )
        return Time.from_datetime64(labels, use)
    ns = getattr(t, "ns", None)
    arr = np.asarray(t if ns is None else ns)
    if arr.dtype.kind in "iu":
        return Time.from_ns(arr.astype(np.int64, copy=False), "GPST")
    raise TimeError(
        "times must be a kompas.time.Time, datetime64 labels with a scale (xarray "
        "attrs['time_scale'] or scale=), or int64 ns instants (Time.ns); got "
        f"{type(t).__name__} of dtype {arr.dtype}"
    )


def as_instants_ns(t: Any, scale: TimeScale | str | None = None) -> np.ndarray:
    """int64 GPST-continuous ns (``Time.ns``) of anything :func:`as_time` accepts."""
    return np.asarray(as_time(t, scale).ns, dtype=np.int64)
