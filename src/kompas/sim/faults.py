"""Faults injected into simulated observations: range steps and ramps, time offsets, dropouts.

Each fault names its target as a satellite (``"G07"``) or a whole constellation (``"G"``)
and a time window ``[start, end)`` (``kompas.time.Time``; ``end=None`` = to the end).
:func:`fault_effects` turns a list of faults into arrays over the simulation's (time, sv)
grid; the simulator adds them to code and phase (spoofing / clock jump seen as a range
error), shifts the signal time (time-offset error), or blanks observations (jamming).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kompas.time import Time

__all__ = ["RangeStep", "RangeRamp", "TimeOffsetError", "Dropout", "fault_effects"]


@dataclass(frozen=True)
class RangeStep:
    """A constant range error [m] on code and carrier phase (spoofing, clock jump)."""

    target: str
    start: Time
    magnitude_m: float
    end: Time | None = None


@dataclass(frozen=True)
class RangeRamp:
    """A range error growing linearly from 0 at ``start`` at ``rate_mps`` [m/s]."""

    target: str
    start: Time
    rate_mps: float
    end: Time | None = None


@dataclass(frozen=True)
class TimeOffsetError:
    """The constellation's signals are emitted ``offset_s`` late relative to their system
    time (a broadcast time error): range error c * offset_s on every satellite of it."""

    target: str
    start: Time
    offset_s: float
    end: Time | None = None


@dataclass(frozen=True)
class Dropout:
    """No observations of the target (jamming of a constellation, or one satellite lost)."""

    target: str
    start: Time
    end: Time | None = None


def _mask(fault, t_ns: np.ndarray, sv: np.ndarray) -> np.ndarray:
    hits_sv = (
        (sv == fault.target)
        if len(fault.target) > 1
        else np.char.startswith(sv.astype(str), fault.target)
    )
    start = int(fault.start.ns)
    end = np.iinfo(np.int64).max if fault.end is None else int(fault.end.ns)
    in_time = (t_ns >= start) & (t_ns < end)
    return in_time[:, None] & hits_sv[None, :]


def fault_effects(
    faults, t_ns: np.ndarray, sv: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Range error [m], signal time offset [s] and dropout mask over (time, sv).

    Parameters
    ----------
    faults : iterable of fault objects
    t_ns : numpy.ndarray of int64, shape (T,)
        Epochs (GPST-continuous ns).
    sv : numpy.ndarray of str, shape (S,)

    Returns
    -------
    range_m, time_offset_s : numpy.ndarray, shape (T, S)
    dropped : numpy.ndarray of bool, shape (T, S)
    """
    t_ns = np.asarray(t_ns, dtype=np.int64)
    sv = np.asarray(sv).astype(str)
    shape = (t_ns.size, sv.size)
    range_m = np.zeros(shape)
    offset_s = np.zeros(shape)
    dropped = np.zeros(shape, dtype=bool)
    for f in faults or ():
        m = _mask(f, t_ns, sv)
        if isinstance(f, RangeStep):
            range_m += np.where(m, f.magnitude_m, 0.0)
        elif isinstance(f, RangeRamp):
            since = (t_ns - int(f.start.ns)) / 1e9
            range_m += np.where(m, f.rate_mps * since[:, None], 0.0)
        elif isinstance(f, TimeOffsetError):
            offset_s += np.where(m, f.offset_s, 0.0)
        elif isinstance(f, Dropout):
            dropped |= m
        else:
            raise TypeError(f"unknown fault {f!r}")
    return range_m, offset_s, dropped
