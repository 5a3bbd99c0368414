"""Shared fixtures: where the real GNSS data live, and a skip when they do not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """``$KOMPAS_DATA`` when set, else ``../shared/data`` beside the repository."""
    env = os.environ.get("KOMPAS_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def data():
    """Return a function mapping a path relative to the data folder to a Path; skip if absent."""

    root = data_dir()

    def get(rel: str) -> Path:
        p = root / rel
        if not p.exists():
            pytest.skip(f"real data not available: {p} (set KOMPAS_DATA)")
        return p

    return get
