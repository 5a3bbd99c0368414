"""Entry point of the ``kompas`` command."""

from __future__ import annotations

import importlib
import sys

import click

from kompas import __version__

#: sub-command name → "module:attribute" of its click command (imported on use only)
_COMMANDS: dict[str, str] = {
    "demo": "kompas.cli.demo:demo_command",
    "info": "kompas.cli.info:info",
    "sisre": "kompas.cli.sisre:sisre_command",
    "solve": "kompas.cli.solve:solve_command",
}


class _LazyGroup(click.Group):
    """A click group whose sub-commands are imported only when run (fast ``--help``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = _COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kompas")
def cli() -> None:
    """kompas: BeiDou, GLONASS, GPS and Galileo data, orbits and positioning, together."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (for tests: ``main([...])``)."""
    try:
        cli.main(args=argv, prog_name="kompas", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except Exception as exc:  # a KompasError or OSError: one clear line, no traceback
        from kompas.errors import KompasError

        if isinstance(exc, (KompasError, OSError)):
            click.echo(f"kompas: error: {exc}", err=True)
            return 2
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
