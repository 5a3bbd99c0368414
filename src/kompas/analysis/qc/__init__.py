"""Quality control of observation files at teqc/Anubis level: :func:`qc`.

Modules by responsibility: :mod:`.pairs` (which observations are combined),
:mod:`.multipath` (code multipath), :mod:`.slips` (cycle slips), :mod:`.snr` (signal
strength), :mod:`.completeness` (expected vs present, gaps), :mod:`.clock` (receiver clock
jumps), :mod:`.geometry` (elevations from the orbits), :mod:`.summary` (the result and its
summary numbers), :mod:`.core` (the run).
"""

from kompas.analysis.qc.core import QCOptions, qc
from kompas.analysis.qc.inputs import QCInputError
from kompas.analysis.qc.slips import SlipSettings
from kompas.analysis.qc.summary import QCResult

__all__ = ["qc", "QCOptions", "QCResult", "QCInputError", "SlipSettings"]
