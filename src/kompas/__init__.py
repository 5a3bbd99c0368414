"""kompas — GNSS interoperability toolkit.

BeiDou, GLONASS, GPS and Galileo (plus QZSS, NavIC, SBAS) used together: exact time
scales, signals, frames, RINEX reading, broadcast and precise orbits, positioning.

The public API is re-exported here and imported lazily, so ``import kompas`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name → module that defines it
_API: dict[str, str] = {
    "Time": "kompas.time",
    "TimeScale": "kompas.time",
    "KompasError": "kompas.errors",
    "FormatError": "kompas.errors",
    "RinexError": "kompas.errors",
    "Strictness": "kompas.errors",
    "SatelliteStates": "kompas.orbits.states",
    "StateStatus": "kompas.orbits.states",
    # signals and frames
    "Constellation": "kompas.gnss",
    "Satellite": "kompas.gnss",
    "Signal": "kompas.gnss",
    "Coordinates": "kompas.frames",
    "Helmert": "kompas.frames",
    "geodetic2ecef": "kompas.frames",
    "ecef2geodetic": "kompas.frames",
    "ecef2aer": "kompas.frames",
    # readers and writers
    "read_obs": "kompas.io.rinex_obs",
    "write_obs": "kompas.io.rinex_obs_writer",
    "read_nav": "kompas.io.rinex_nav",
    "Navigation": "kompas.io.navigation",
    "write_nav": "kompas.io.rinex_nav_writer",
    "read_sp3": "kompas.io.sp3",
    "read_rinex_clock": "kompas.io.rinex_clock",
    "read_sinex_coordinates": "kompas.io.sinex",
    "station_position": "kompas.io.sinex",
    "write_solution": "kompas.io.solution_writers",
    # orbits
    "satellite_states": "kompas.orbits.broadcast",
    "emission_states": "kompas.orbits.emission",
    "broadcast_group_delay_s": "kompas.orbits.group_delay",
    "PreciseOrbit": "kompas.orbits.precise",
    "precise_states": "kompas.orbits.precise",
    # positioning and analysis
    "solve": "kompas.positioning",
    "SolveOptions": "kompas.positioning",
    "accuracy_summary": "kompas.positioning",
    "errors_against": "kompas.positioning",
    "dop": "kompas.analysis.dop",
    "sisre": "kompas.analysis.sisre",
    "sisre_summary": "kompas.analysis.sisre",
    "qc": "kompas.analysis.qc",
    "QCResult": "kompas.analysis.qc",
    "QCOptions": "kompas.analysis.qc",
    "run_demo": "kompas.sim.demo",
    # network scale
    "run_batch": "kompas.batch",
    "pair_files": "kompas.batch",
    "read_manifest": "kompas.batch",
    "network_report": "kompas.report.network",
    "time_offsets": "kompas.analysis.time_offsets",
    "plan": "kompas.analysis.plan",
    "day_report": "kompas.report.day",
    # simulation
    "nominal_navigation": "kompas.sim",
    "simulate_observations": "kompas.sim",
}


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'kompas' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_API))


__all__ = ["__version__", *_API]
