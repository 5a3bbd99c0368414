"""``kompas info FILE``: what is in a RINEX observation file."""

from __future__ import annotations

import json

import click


def _human(summary: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    s = summary
    facts = [
        ("file", s["file"]),
        ("RINEX version", f"{s['version']:.2f}" if s["version"] is not None else "?"),
        ("station", " ".join(x for x in (s["station"], s["marker_number"]) if x)),
        ("receiver", s["receiver"]),
        ("antenna", s["antenna"]),
        ("span", f"{s['start']} .. {s['end']} ({s['time_scale']})"),
        ("interval", f"{s['interval_s']} s" if s["interval_s"] is not None else "?"),
        ("epochs", str(s["epochs"])),
        ("satellites", str(s["satellites"])),
    ]
    if s["skipped_epochs"] or s["truncated_epochs"]:
        facts.append(("skipped", f"{s['skipped_epochs']} epochs, {s['truncated_epochs']} cut"))
    head = Table(show_header=False, box=None)
    head.add_column(no_wrap=True)
    head.add_column(overflow="fold")  # a long file name folds, never "…"
    for k, v in facts:
        head.add_row(f"[bold]{k}[/bold]", str(v or "-"))
    console.print(head)
    table = Table(title="signals: completeness (% of tracked epochs x satellites)")
    table.add_column("constellation", no_wrap=True)
    table.add_column("sats", justify="right")
    table.add_column("signals")
    for name, c in s["constellations"].items():
        sig = "  ".join(f"{code} {pct:.1f}" for code, pct in c["signals"].items())
        table.add_row(name, str(c["satellites"]), sig)
    console.print(table)


@click.command("info")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def info(file: str, as_json: bool) -> None:
    """Summarise a RINEX observation FILE (any version, compressed or not).

    Exit codes: 0 ok, 1 unreadable file (one line naming file and line), 2 wrong command
    line."""
    from kompas.io.rinex_obs import read_obs, summarize

    summary = summarize(read_obs(file))  # a KompasError is a data error: exit 1, one line
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        _human(summary)
