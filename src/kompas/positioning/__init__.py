"""Positioning: multi-GNSS single point positioning with per-system clocks, RAIM/FDE,
constellation-level fault detection and Doppler velocity."""

from kompas.positioning.options import SolveOptions
from kompas.positioning.solution import accuracy_summary, errors_against
from kompas.positioning.spp import ExclusionReason, SolutionStatus, solve

__all__ = [
    "solve",
    "SolveOptions",
    "SolutionStatus",
    "ExclusionReason",
    "errors_against",
    "accuracy_summary",
]
