"""Nominal constellations, simulated broadcast ephemerides and observations, faults."""

from kompas.sim.ephemeris import EphemerisOptions, nominal_navigation
from kompas.sim.faults import Dropout, RangeRamp, RangeStep, TimeOffsetError
from kompas.sim.nominal import CONSTELLATIONS, GLONASS_CHANNELS
from kompas.sim.observations import (
    NoiseModel,
    ReceiverClock,
    Truth,
    ship_trajectory,
    simulate_observations,
)

__all__ = [
    "CONSTELLATIONS",
    "GLONASS_CHANNELS",
    "EphemerisOptions",
    "nominal_navigation",
    "simulate_observations",
    "ship_trajectory",
    "NoiseModel",
    "ReceiverClock",
    "Truth",
    "RangeStep",
    "RangeRamp",
    "TimeOffsetError",
    "Dropout",
]
