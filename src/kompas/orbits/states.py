"""The common result of every orbit source: broadcast ephemerides or precise products.

Broadcast evaluation (:func:`kompas.satellite_states`) and precise interpolation return
the same :class:`SatelliteStates`, so that analyses such as SISRE compare like with like.
Vector code never raises per element: a state that cannot be computed is NaN with a
reason code in ``status``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np

__all__ = ["StateStatus", "SatelliteStates"]


class StateStatus(enum.IntEnum):
    """Why a satellite state is (or is not) available. Stored as int8 in ``status``."""

    OK = 0
    #: No ephemeris / no product data for this satellite at all.
    NO_EPHEMERIS = 1
    #: Only unhealthy ephemerides cover this time.
    UNHEALTHY = 2
    #: Ephemerides exist but none covers this time (outside fit interval / validity).
    OUTSIDE_FIT = 3
    #: Precise product: time outside the product span or too few samples to interpolate.
    NO_PRECISE_DATA = 4
    #: Precise product: bad-value marker (e.g. SP3 0.000000 / 999999.999999) in the window.
    BAD_VALUE = 5
    #: The satellite's system or message type is not supported by this source.
    UNSUPPORTED = 6


@dataclass
class SatelliteStates:
    """Satellite positions, velocities and clocks on a broadcast (satellite, time) grid.

    All arrays share the broadcast shape of the ``sv`` and ``time`` requests (for a
    (time, sv) grid pass ``t[:, None]`` and ``sv[None, :]``); vectors add a last axis of 3.

    Attributes
    ----------
    sv : numpy.ndarray of str
        Satellite ids (``"G07"``).
    time_ns : numpy.ndarray of int64
        Evaluation instants, ns since 1980-01-06 GPST (continuous), i.e. ``Time.ns``.
    position_m : numpy.ndarray, shape (..., 3)
        ECEF position of the satellite centre of mass (or antenna phase centre, see
        ``reference_point``) in the source's frame, metres. NaN where unavailable.
    velocity_mps : numpy.ndarray, shape (..., 3)
        ECEF velocity, m/s (NaN where not available).
    clock_s : numpy.ndarray
        Satellite clock offset from the clock model (broadcast polynomial for the
        system's reference signal, GLONASS -tau_n + gamma_n dt, or the precise clock),
        seconds, *without* the periodic relativistic correction.
    relativity_s : numpy.ndarray
        Periodic relativistic clock correction -2 r.v / c^2, seconds (add to ``clock_s``).
    clock_drift_sps : numpy.ndarray
        Clock drift, s/s.
    status : numpy.ndarray of int8
        :class:`StateStatus` codes.
    source : str
        Short description: ``"broadcast"``, ``"sp3:COD0MGXFIN..."``.
    reference_point : str
        ``"com"`` (centre of mass) or ``"apc"`` (antenna phase centre).
    extra : dict
        Source-specific arrays of the same shape (e.g. ``ephemeris_row``, ``iod``).
    """

    sv: np.ndarray
    time_ns: np.ndarray
    position_m: np.ndarray
    velocity_mps: np.ndarray
    clock_s: np.ndarray
    relativity_s: np.ndarray
    clock_drift_sps: np.ndarray
    status: np.ndarray
    source: str = ""
    reference_point: str = "com"
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> np.ndarray:
        """Boolean mask of usable states."""
        return self.status == StateStatus.OK

    @property
    def shape(self) -> tuple[int, ...]:
        return self.status.shape
