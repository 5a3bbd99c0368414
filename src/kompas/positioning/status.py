"""Status codes of a positioning run: per epoch (:class:`SolutionStatus`) and per
(epoch, satellite) (:class:`ExclusionReason`). Shared by the solver and the solution
assembly, so neither imports the other."""

from __future__ import annotations

__all__ = ["SolutionStatus", "ExclusionReason"]


class SolutionStatus:
    """Per-epoch status codes of a solution (``status`` variable)."""

    OK = 0
    #: RAIM could not restore consistency within the allowed exclusions (kept, flagged).
    CHI2_FAILED = 1
    #: Fewer usable satellites than unknowns: no solution.
    TOO_FEW_SATELLITES = 2
    #: The iteration did not converge: no solution.
    NOT_CONVERGED = 3
    NAMES = {0: "ok", 1: "chi-square test failed", 2: "too few satellites", 3: "not converged"}


class ExclusionReason:
    """Per-(epoch, satellite) codes of the ``exclusion`` variable."""

    USED = 0
    NOT_OBSERVED = 1
    NO_EPHEMERIS = 2
    UNHEALTHY = 3
    BELOW_MASK = 4
    RAIM = 5
    CONSTELLATION = 6
    NO_IONO_MODEL = 7
    NAMES = {
        0: "used",
        1: "not observed",
        2: "no usable ephemeris",
        3: "unhealthy",
        4: "below elevation mask",
        5: "excluded by RAIM",
        6: "system excluded (inconsistent)",
        7: "no ionosphere model",
    }
