"""Constellations, satellite ids and the signal catalogue.

* :class:`Constellation` — the systems, with ``from_rinex_char`` and time-scale names.
* :class:`Satellite`, :func:`normalise_sv`, :func:`sv_system` — satellite ids.
* :class:`Signal` and :func:`frequency_hz` / :func:`wavelength_m` — RINEX 3.05/4.02
  observation codes -> type, band, carrier frequency, wavelength (GLONASS FDMA
  channels from a mapping or array; unknown channel -> NaN).
* :func:`rinex2_to_rinex3` / :func:`rinex3_to_rinex2` — observation-type mapping.
* :data:`DEFAULT_SIGNAL`, :data:`DEFAULT_DUAL_FREQUENCY` — signals for positioning.
* :mod:`kompas.gnss.frequencies` — every carrier frequency with its ICD.
"""

from . import frequencies
from .catalogue import BANDS, OBS_TYPES, Band, band_info
from .constellation import Constellation
from .defaults import ALTERNATIVES, DEFAULT_DUAL_FREQUENCY, DEFAULT_SIGNAL, default_signal
from .rinex2 import rinex2_to_rinex3, rinex3_to_rinex2
from .satellite import Satellite, normalise_sv, sv_prn, sv_system
from .signals import Signal, all_signals, frequency_hz, glonass_channels, wavelength_m

__all__ = [
    "Constellation",
    "Satellite",
    "normalise_sv",
    "sv_system",
    "sv_prn",
    "Signal",
    "all_signals",
    "frequency_hz",
    "wavelength_m",
    "glonass_channels",
    "Band",
    "BANDS",
    "OBS_TYPES",
    "band_info",
    "rinex2_to_rinex3",
    "rinex3_to_rinex2",
    "DEFAULT_SIGNAL",
    "DEFAULT_DUAL_FREQUENCY",
    "ALTERNATIVES",
    "default_signal",
    "frequencies",
]
