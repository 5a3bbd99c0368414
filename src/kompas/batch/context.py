"""What one task sees: its station-day, its options, its inputs read once, its output folder."""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kompas.batch import store
from kompas.batch.inputs import StationDay
from kompas.errors import KompasError

__all__ = ["BatchOptions", "TaskContext", "MissingInput"]

#: Task kinds that use the observations only through the solver
_SOLVER_KINDS = {"solve", "offsets", "sisre"}


class MissingInput(KompasError):
    """A task kind needs a file the station-day does not have (e.g. no navigation file)."""


@dataclass(frozen=True)
class BatchOptions:
    """Options shared by every task of a batch (the fingerprint of each kind uses its own).

    Attributes
    ----------
    systems : str
        Systems used by ``solve`` and ``sisre``, e.g. ``"GREC"``.
    mode : {"single", "iflc"}
        Solver mode (see :class:`kompas.SolveOptions`).
    elmask_deg : float
        Elevation mask of the solver.
    raim : bool
        RAIM/FDE in the solver.
    sisre_interval_s : float
        Sampling interval of ``sisre``.
    """

    systems: str = "GREC"
    mode: str = "single"
    elmask_deg: float = 10.0
    raim: bool = True
    sisre_interval_s: float = 300.0

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary (JSON-able)."""
        return asdict(self)


class TaskContext:
    """Inputs of one station-day, read on first use and kept for the following kinds.

    Reader warnings are collected in :attr:`read_warnings` (they belong to the task whatever
    kind triggered the read); files written through :meth:`write_json` /
    :meth:`write_parquet` / :meth:`write_with` are atomic and listed in :attr:`outputs`.
    """

    def __init__(
        self,
        day: StationDay,
        options: BatchOptions,
        task_dir: str | Path,
        kinds: list[str] | None = None,
    ):
        self.day = day
        #: every observable is read unless only the solver's kinds run (see obs_for_solve)
        self.all_observables = kinds is None or not set(kinds) <= _SOLVER_KINDS
        self.options = options
        self.task_dir = Path(task_dir)
        self.read_warnings: list[str] = []
        self.outputs: list[str] = []
        self._cache: dict[str, Any] = {}

    # -- inputs ----------------------------------------------------------------------
    def _read(self, key: str, reader):
        if key not in self._cache:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                self._cache[key] = reader()
            for w in caught:
                text = " ".join(str(w.message).split())
                if text not in self.read_warnings:
                    self.read_warnings.append(text)
        return self._cache[key]

    def cached(self, key: str, compute):
        """``compute()`` once per task (e.g. the solution shared by several kinds)."""
        return self._read(key, compute)

    def obs(self):
        """The observation Dataset (every system: one read serves every kind)."""
        from kompas.io.rinex_obs import read_obs

        return self._read("obs", lambda: read_obs(self.day.obs))

    def obs_for_solve(self):
        """Observations for the solver: the full Dataset when another kind of this task
        reads the file anyway (info, qc), else only the observables the solver can use
        (:func:`~kompas.positioning.measurements.observables_needed`: the same solution
        bit for bit, as ``kompas solve`` reads them, in a quarter of the memory)."""
        from kompas.io.rinex_obs import read_obs
        from kompas.positioning.measurements import observables_needed

        if self.all_observables or "obs" in self._cache:
            return self.obs()
        codes = observables_needed(self.options.systems, self.options.mode)
        return self._read("obs_solve", lambda: read_obs(self.day.obs, codes=codes))

    def nav(self):
        """The merged navigation data; :class:`MissingInput` when the day has none."""
        from kompas.io.rinex_nav import read_nav

        if not self.day.nav:
            raise MissingInput(
                self.day.note or "no navigation file (give --nav or the manifest's nav column)"
            )
        return self._read("nav", lambda: read_nav(list(self.day.nav)))

    def precise(self):
        """:class:`kompas.PreciseOrbit` from the day's SP3 (and clock) files."""
        from kompas.io.rinex_clock import read_rinex_clock
        from kompas.io.sp3 import read_sp3
        from kompas.orbits.precise import PreciseOrbit

        if not self.day.sp3:
            raise MissingInput("no precise orbit file (give --sp3 or the manifest's sp3 column)")

        def load():
            clk = read_rinex_clock(list(self.day.clk)) if self.day.clk else None
            return PreciseOrbit(read_sp3(list(self.day.sp3)), clk)

        return self._read("precise", load)

    def truth_xyz(self, epoch=None):
        """Known ECEF position of the station [m], or None when the day has no truth."""
        import re

        import numpy as np

        text = self.day.truth
        if not text:
            return None
        parts = re.split(r"[\s,]+", text.strip())
        if len(parts) == 3:
            try:
                return np.array([float(p) for p in parts])
            except ValueError:
                pass
        from kompas.io.sinex import station_position

        try:
            xyz, _ = station_position(text, self.day.station, epoch)
        except KeyError as exc:
            raise MissingInput(f"station {self.day.station} is not in {text}") from exc
        return np.asarray(xyz, float)

    # -- outputs ---------------------------------------------------------------------
    def path(self, name: str) -> Path:
        """Path of an output file of this task."""
        return self.task_dir / name

    def _done(self, name: str) -> Path:
        if name not in self.outputs:
            self.outputs.append(name)
        return self.path(name)

    def write_json(self, name: str, payload) -> Path:
        """Atomically write a JSON output."""
        store.write_json(self.path(name), payload)
        return self._done(name)

    def write_parquet(self, name: str, df) -> Path:
        """Atomically write a Parquet output."""
        store.write_parquet(self.path(name), df)
        return self._done(name)

    def write_with(self, name: str, writer) -> Path:
        """Atomically write an output with ``writer(tmp_path)``."""
        store.atomic_write(self.path(name), writer)
        return self._done(name)
