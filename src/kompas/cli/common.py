"""Helpers shared by the CLI commands: JSON output, progress, error formatting."""

from __future__ import annotations

import json
import math
from typing import Any

import click
import numpy as np

#: Exit codes, the same on every command.
EXIT_OK = 0
#: unreadable, inconsistent or mismatched input (a KompasError or OSError): one line
EXIT_DATA = 1
#: wrong command line (click's own code)
EXIT_USAGE = 2
#: the command ran but produced no result (no epoch solved, empty table): reason printed
EXIT_NO_RESULT = 3
#: a batch in which some tasks failed (the others completed)
EXIT_PARTIAL = 4
#: a bug in kompas (an exception that is not a KompasError): one line, no traceback
EXIT_INTERNAL = 70


class NoResult(click.ClickException):
    """The command ran to the end but has nothing to show; ``message`` gives the reason."""

    exit_code = EXIT_NO_RESULT

    def format_message(self) -> str:
        return self.message


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
