"""Entry point of the ``kompas`` command."""

from __future__ import annotations

import importlib
import os
import sys

import click

from kompas import __version__

#: sub-command name → "module:attribute" of its click command (imported on use only)
_COMMANDS: dict[str, str] = {
    "batch": "kompas.cli.batch:batch_command",
    "demo": "kompas.cli.demo:demo_command",
    "info": "kompas.cli.info:info",
    "network-report": "kompas.cli.network_report:network_report_command",
    "offsets": "kompas.cli.offsets:offsets_command",
    "plan": "kompas.cli.plan:plan_command",
    "report": "kompas.cli.report:report_command",
    "qc": "kompas.cli.qc:qc_command",
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
    """Run the command line; returns the exit status (for tests: ``main([...])``).

    Exit codes are the same on every command (:mod:`kompas.cli.common`): 0 success,
    1 data error (unreadable or inconsistent input, one line on stderr), 2 usage error
    (click), 3 the command ran but produced no result (e.g. no epoch solved; the
    dominant reason is printed), 4 part of a batch failed, 70 internal error.
    """
    from kompas.cli.common import EXIT_DATA, EXIT_INTERNAL, EXIT_OK, NoResult

    try:
        cli.main(args=argv, prog_name="kompas", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except NoResult as exc:
        click.echo(f"kompas: {exc}", err=True)
        return exc.exit_code
    except click.UsageError as exc:  # one line, naming the command's help
        where = exc.ctx.command_path if exc.ctx is not None else "kompas"
        click.echo(f"Error: {exc.format_message()} (see '{where} --help')", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("kompas: interrupted", err=True)
        return 130
    except Exception as exc:  # one clear line, never a traceback
        from kompas.errors import KompasError

        if isinstance(exc, (KompasError, OSError)):
            click.echo(f"kompas: error: {exc}", err=True)
            return EXIT_DATA
        click.echo(
            f"kompas: internal error: {type(exc).__name__}: {exc} "
            "(please report it; KOMPAS_DEBUG=1 shows the traceback)",
            err=True,
        )
        if os.environ.get("KOMPAS_DEBUG"):
            raise
        return EXIT_INTERNAL
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
