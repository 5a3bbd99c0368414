"""Many station-days as Dask tasks: pairing, resumable per-task outputs, network tables.

``kompas batch`` on the command line; from Python::

    from kompas.batch import pair_files, run_batch
    days = pair_files(obs_files, nav=nav_files)
    result = run_batch(days, "info,solve", "out", workers=2)
"""

from kompas.batch.context import BatchOptions, MissingInput
from kompas.batch.inputs import BatchInputError, StationDay, expand_paths, pair_files, read_manifest
from kompas.batch.runner import BatchResult, run_batch
from kompas.batch.tasks import available_kinds, parse_kinds, register

__all__ = [
    "BatchInputError",
    "BatchOptions",
    "BatchResult",
    "MissingInput",
    "StationDay",
    "available_kinds",
    "expand_paths",
    "pair_files",
    "parse_kinds",
    "read_manifest",
    "register",
    "run_batch",
]
