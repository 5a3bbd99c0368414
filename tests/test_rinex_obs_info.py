"""``kompas info``: thin CLI over kompas.io.rinex_obs.summarize."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kompas.cli.info import info

TLSE3 = "tlse-2023-001/TLSE00FRA_R_20230010100_10S_01S_MO.crx.gz"


@pytest.mark.data
def test_info_json(data):
    result = CliRunner().invoke(info, [str(data(TLSE3)), "--json"])
    assert result.exit_code == 0, result.output
    s = json.loads(result.output)
    assert s["version"] == 3.05 and s["station"] == "TLSE" and s["epochs"] == 10
    assert s["receiver"].startswith("TRIMBLE ALLOY")
    assert s["constellations"]["BeiDou"]["satellites"] > 0


@pytest.mark.data
def test_info_human(data):
    result = CliRunner().invoke(info, [str(data(TLSE3))])
    assert result.exit_code == 0, result.output
    for text in ("TLSE", "GPS", "Galileo", "C1C", "completeness"):
        assert text in result.output


def test_info_refuses_bad_file_in_one_line(tmp_path, capsys):
    from kompas.cli.main import main

    p = tmp_path / "nav.rnx"
    p.write_text(f"{'     3.04           N: GNSS NAV DATA':<60}RINEX VERSION / TYPE\n")
    assert main(["info", str(p)]) == 1  # EXIT_DATA, as on every command
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "navigation file" in err[0]
