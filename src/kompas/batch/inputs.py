"""What a batch works on: station-days from a manifest or from files paired by date.

A :class:`StationDay` is one observation file with the navigation, precise-orbit, clock
and truth files that go with it. They come either from a manifest (CSV with the header
``obs,nav[,sp3,clk,truth]``, several files in a cell joined by ``;``, paths relative to the
manifest; or TOML with ``[[station_day]]`` tables holding the same keys) or from
:func:`pair_files`, which matches every observation file with the navigation/precise files of
its day (and the previous day's, which hold the ephemerides valid just after midnight).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from kompas.batch.naming import file_date, station_of
from kompas.errors import KompasError

__all__ = [
    "BatchInputError",
    "StationDay",
    "read_manifest",
    "pair_files",
    "expand_paths",
    "assign_ids",
    "MANIFEST_COLUMNS",
]

#: columns a manifest may have (``obs`` is required)
MANIFEST_COLUMNS = ("obs", "nav", "sp3", "clk", "truth")
_COMPRESSION = (".gz", ".z", ".bz2", ".zip")
_RINEX_EXT = (".crx", ".rnx", ".obs")


class BatchInputError(KompasError):
    """A manifest or a file list that cannot be turned into station-days (usage error)."""


@dataclass(frozen=True)
class StationDay:
    """One task of a batch: an observation file and the files that go with it.

    Attributes
    ----------
    obs : str
        Observation file (absolute path).
    nav, sp3, clk : tuple of str
        Navigation, precise orbit and precise clock files (absolute paths).
    truth : str or None
        SINEX file holding the station's coordinates, or ``"X Y Z"`` in ECEF metres.
    date : datetime.date or None
        The observation day (name or header), None when neither says.
    station : str
        Four-character station code (header marker name or file name).
    task_id : str
        Unique name of the task's output folder.
    note : str
        Why the pairing found no navigation file, when it did not (else empty).
    """

    obs: str
    nav: tuple[str, ...] = ()
    sp3: tuple[str, ...] = ()
    clk: tuple[str, ...] = ()
    truth: str | None = None
    date: dt.date | None = None
    station: str = ""
    task_id: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def files(self) -> dict[str, tuple[str, ...]]:
        """Role → files (``truth`` only when it is a file)."""
        out = {"obs": (self.obs,), "nav": self.nav, "sp3": self.sp3, "clk": self.clk}
        if self.truth and not _is_xyz(self.truth):
            out["truth"] = (self.truth,)
        return out

    def to_dict(self) -> dict:
        """JSON-ready description."""
        return {
            "obs": self.obs,
            "nav": list(self.nav),
            "sp3": list(self.sp3),
            "clk": list(self.clk),
            "truth": self.truth,
            "date": self.date.isoformat() if self.date else None,
            "station": self.station,
            "task": self.task_id,
            "note": self.note,
        }


def _is_xyz(text: str) -> bool:
    parts = re.split(r"[\s,]+", text.strip())
    if len(parts) != 3:
        return False
    try:
        [float(p) for p in parts]
    except ValueError:
        return False
    return True


def _stem(path: str) -> str:
    name = Path(path).name
    low = name.lower()
    for ext in _COMPRESSION:
        if low.endswith(ext):
            name, low = name[: -len(ext)], low[: -len(ext)]
            break
    for ext in _RINEX_EXT:
        if low.endswith(ext):
            return name[: -len(ext)]
    return name


def assign_ids(days: Sequence[StationDay]) -> list[StationDay]:
    """Give every station-day a unique ``task_id``: the observation file's name without
    extensions, plus a short hash of its path when two files share a name."""
    stems = [_stem(d.obs) for d in days]
    counts = {s: stems.count(s) for s in set(stems)}
    out = []
    for d, s in zip(days, stems, strict=True):
        if counts[s] > 1:
            s = f"{s}-{hashlib.sha1(d.obs.encode()).hexdigest()[:8]}"
        out.append(replace(d, task_id=s))
    return out


def _cell(value, base: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).split(";")
    return tuple(str((base / str(v).strip()).resolve()) for v in items if str(v).strip())


def _truth_cell(value, base: Path) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    return text if _is_xyz(text) else str((base / text).resolve())


def _day_from_row(row: dict, base: Path, where: str) -> StationDay:
    unknown = set(row) - set(MANIFEST_COLUMNS)
    if unknown:
        raise BatchInputError(
            f"{where}: unknown column(s) {', '.join(sorted(unknown))}; "
            f"a manifest has {', '.join(MANIFEST_COLUMNS)}"
        )
    obs = _cell(row.get("obs"), base)
    if len(obs) != 1:
        raise BatchInputError(f"{where}: expected one observation file in 'obs', got {len(obs)}")
    date = file_date(obs[0], "obs") if os.path.exists(obs[0]) else None
    return StationDay(
        obs=obs[0],
        nav=_cell(row.get("nav"), base),
        sp3=_cell(row.get("sp3"), base),
        clk=_cell(row.get("clk"), base),
        truth=_truth_cell(row.get("truth"), base),
        date=date,
        station=station_of(obs[0]),
    )


def _read_csv(path: Path) -> list[tuple[dict, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or "obs" not in [f.strip() for f in reader.fieldnames]:
            raise BatchInputError(
                f"{path}: line 1: expected a header 'obs,nav[,sp3,clk,truth]', "
                f"got {reader.fieldnames}"
            )
        rows = []
        for row in reader:
            clean = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
            if None in row:
                raise BatchInputError(f"{path}: line {reader.line_num}: more cells than columns")
            if any(clean.values()):
                rows.append((clean, f"{path}: line {reader.line_num}"))
        return rows


def _read_toml(path: Path) -> list[tuple[dict, str]]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise BatchInputError(
                f"{path}: TOML manifests need Python >= 3.11 (or the tomli package); "
                "use a CSV manifest"
            ) from None
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BatchInputError(f"{path}: not valid TOML: {exc}") from None
    tables = doc.get("station_day", doc.get("task"))
    if not isinstance(tables, list) or set(doc) - {"station_day", "task"}:
        raise BatchInputError(
            f"{path}: expected only [[station_day]] tables with keys {', '.join(MANIFEST_COLUMNS)}"
        )
    return [(dict(t), f"{path}: station_day {i + 1}") for i, t in enumerate(tables)]


def read_manifest(path: str | os.PathLike) -> list[StationDay]:
    """Station-days listed in a CSV or TOML manifest (paths relative to the manifest).

    Raises
    ------
    BatchInputError
        Unreadable manifest, missing ``obs`` column, unknown column, empty manifest.
    """
    p = Path(path).resolve()
    rows = _read_toml(p) if p.suffix.lower() == ".toml" else _read_csv(p)
    days = [_day_from_row(row, p.parent, where) for row, where in rows]
    if not days:
        raise BatchInputError(f"{p}: the manifest lists no station-day")
    return assign_ids(days)


def expand_paths(patterns: Iterable[str]) -> list[str]:
    """Files named or matched by glob patterns (``**`` recurses), absolute, sorted, unique.

    Raises
    ------
    BatchInputError
        A pattern that matches nothing (a typo must not shrink a network silently).
    """
    import glob

    out: list[str] = []
    for pat in patterns:
        hits = [pat] if os.path.isfile(pat) else sorted(glob.glob(pat, recursive=True))
        hits = [h for h in hits if os.path.isfile(h)]
        if not hits:
            raise BatchInputError(f"no file matches {pat!r}")
        out.extend(str(Path(h).resolve()) for h in hits)
    return sorted(dict.fromkeys(out))


def _nav_content_date(path: str) -> dt.date | None:
    """Day of a navigation file from its ephemerides (median epoch), when its name is silent."""
    import warnings

    import numpy as np

    from kompas.io.rinex_nav import read_nav

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nav = read_nav(path)
    except (KompasError, OSError, ValueError):
        return None
    toc = [df["toc_ns"].to_numpy() for df in nav.ephemerides.values() if len(df)]
    if not toc:
        return None
    ns = np.concatenate(toc)
    ns = ns[ns > 0]
    if not ns.size:
        return None
    mid = np.datetime64("1980-01-06", "ns") + np.timedelta64(int(np.median(ns)), "ns")
    return mid.astype("datetime64[D]").item()


def _by_date(paths: Sequence[str], kind: str) -> dict[dt.date, list[str]]:
    table: dict[dt.date, list[str]] = {}
    for p in paths:
        d = file_date(p, kind)
        if d is None and kind == "nav":
            d = _nav_content_date(p)
        if d is None:
            raise BatchInputError(
                f"{p}: cannot tell which day this {kind} file holds (neither a RINEX long/short "
                "name nor a dated header); list it in a manifest instead"
            )
        table.setdefault(d, []).append(p)
    return table


def pair_files(
    obs: Sequence[str],
    nav: Sequence[str] = (),
    sp3: Sequence[str] = (),
    clk: Sequence[str] = (),
    truth: str | None = None,
) -> list[StationDay]:
    """Pair every observation file with the navigation/precise files of its day.

    Navigation files of the observation day and of the day before are used (the previous
    day's ephemerides cover the first hours); SP3 and clock files of the same day. An
    observation file without any navigation file of its day is kept, with ``note`` saying so:
    tasks that need navigation data then fail with that reason.

    Raises
    ------
    BatchInputError
        An observation or product file that cannot be dated.
    """
    navs, sp3s, clks = _by_date(nav, "nav"), _by_date(sp3, "sp3"), _by_date(clk, "clk")
    days = []
    for o in obs:
        date = file_date(o, "obs")
        if date is None:
            raise BatchInputError(
                f"{o}: cannot tell the observation day (no RINEX long/short name, no "
                "TIME OF FIRST OBS in the header)"
            )
        prev = date - dt.timedelta(days=1)
        paired = tuple(navs.get(date, [])) + tuple(navs.get(prev, []))
        note = ""
        if nav and not navs.get(date):
            note = f"no navigation file of {date.isoformat()} (day {date.timetuple().tm_yday:03d})"
            note += f" among the {len(nav)} given"
        days.append(
            StationDay(
                obs=o,
                nav=paired if navs.get(date) else (),
                sp3=tuple(sp3s.get(date, [])),
                clk=tuple(clks.get(date, [])),
                truth=truth,
                date=date,
                station=station_of(o),
                note=note,
            )
        )
    return assign_ids(days)
