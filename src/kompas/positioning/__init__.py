"""Positioning: multi-GNSS single point positioning with per-system clocks, RAIM/FDE,
constellation-level fault detection and Doppler velocity."""

from kompas.positioning.options import SolveOptions
from kompas.positioning.reasons import unsolved_reasons
from kompas.positioning.solution import accuracy_summary, errors_against
from kompas.positioning.spp import solve
from kompas.positioning.status import ExclusionReason, SolutionStatus

__all__ = [
    "solve",
    "SolveOptions",
    "SolutionStatus",
    "ExclusionReason",
    "errors_against",
    "accuracy_summary",
    "unsolved_reasons",
]
