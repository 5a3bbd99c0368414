"""Network tables: the task records of a batch gathered into ``stations.parquet`` and
``epochs.parquet``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kompas.batch import store

__all__ = ["station_row", "stations_table", "epochs_table", "write_network_tables"]


def station_row(record: dict) -> dict:
    """One flat row of the network table from a task record (kind columns prefixed)."""
    day = record.get("station_day", {})
    row = {
        "task": record.get("task"),
        "station": day.get("station"),
        "date": day.get("date"),
        "obs": day.get("obs"),
        "nav": "; ".join(day.get("nav", [])),
        "status": record.get("status"),
        "reason": record.get("reason", ""),
        "warnings": "; ".join(record.get("warnings", [])),
        "n_warnings": len(record.get("warnings", [])),
        "time_s": record.get("time_s"),
    }
    for kind, entry in record.get("kinds", {}).items():
        row[f"{kind}_status"] = entry.get("status")
        for key, value in (entry.get("row") or {}).items():
            row[f"{kind}_{key}"] = value
    return row


def stations_table(records: Sequence[dict]) -> pd.DataFrame:
    """The network table: one row per station-day, sorted by station and date."""
    df = pd.DataFrame([station_row(r) for r in records])
    if df.empty:
        return df
    return df.sort_values(["station", "date", "task"], kind="stable").reset_index(drop=True)


def epochs_table(out_dir: str | Path, records: Sequence[dict]) -> pd.DataFrame:
    """Every epoch of every solved station-day (``tasks/*/epochs.parquet``), with the task."""
    parts = []
    for r in records:
        entry = r.get("kinds", {}).get("solve", {})
        if entry.get("status") != "ok":
            continue
        p = Path(out_dir) / store.TASKS_DIR / r["task"] / "epochs.parquet"
        df = store.read_parquet(p)
        df.insert(0, "station", r["station_day"].get("station"))
        df.insert(0, "task", r["task"])
        parts.append(df)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def write_network_tables(
    out_dir: str | Path, records: Sequence[dict], epochs: bool = False
) -> dict[str, str]:
    """Write ``stations.parquet`` (and ``epochs.parquet``) atomically; name → path."""
    out = Path(out_dir)
    table = stations_table(records)
    files = {"stations": str(store.write_parquet(out / "stations.parquet", table))}
    if epochs:
        every = epochs_table(out, records)
        files["epochs"] = str(store.write_parquet(out / "epochs.parquet", every))
    return files
