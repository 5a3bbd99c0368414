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
