"""``kompas network-report DIR``: the HTML report of a ``kompas batch`` folder."""

from __future__ import annotations

import click

from kompas.cli.common import echo_json


@click.command("network-report")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@click.option(
    "-o", "--output", default="network.html", show_default=True, type=click.Path(dir_okay=False)
)
@click.option(
    "--truth-sinex",
    type=click.Path(exists=True, dir_okay=False),
    help="SINEX with the stations' coordinates: RMS recomputed from the stored epochs.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary.")
def network_report_command(out_dir, output, truth_sinex, as_json):
    """Self-contained HTML report (map, per-station table, outliers, failures) of the batch
    folder OUT_DIR (its stations.parquet)."""
    from kompas.report.network import network_report

    summary = network_report(out_dir, output, truth_sinex=truth_sinex)
    if as_json:
        echo_json(summary)
        return
    click.echo(
        f"{output}: {summary['station_days']} station-days ({summary['stations']} stations), "
        f"{summary['succeeded']} solved, {summary['failed']} failed, "
        f"{len(summary['outliers'])} outlier(s)"
    )
    for task, what in summary["outliers"].items():
        click.echo(f"  outlier {task}: {what}")
    for note in summary["notes"]:
        click.echo(f"  note: {note}")
