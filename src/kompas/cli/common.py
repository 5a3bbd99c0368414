"""Helpers shared by the CLI commands: JSON output, progress, error formatting."""

from __future__ import annotations

import json
import math
from typing import Any

import click
import numpy as np


def _default(o: Any):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (np.bool_,)):
        return bool(o)
    return str(o)


def _clean(o: Any):
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    return o


def echo_json(payload: Any) -> None:
    """Print ``payload`` as JSON (NaN → null) on stdout."""
    click.echo(json.dumps(_clean(payload), default=_default, indent=2))


def parse_xyz(text: str) -> np.ndarray:
    """``"X,Y,Z"`` in metres → array(3); a clear error otherwise."""
    try:
        vals = [float(v) for v in text.replace(" ", "").split(",")]
    except ValueError:
        vals = []
    if len(vals) != 3:
        raise click.BadParameter(f"expected X,Y,Z in metres, got {text!r}")
    return np.array(vals)
