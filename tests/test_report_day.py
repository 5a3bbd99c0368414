"""kompas report: the NIST day page, opened in headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

NIST = "nist-2023-001/"
OBS_5MIN = NIST + "NIST00USA_R_20230010100_05M_30S_MO.crx.gz"
BRDC = NIST + "BRDC00IGS_R_20230010000_01D_MN.rnx.gz"
SP3 = NIST + "WUM0MGXFIN_20230010000_01D_05M_ORB.SP3.gz"
TRUTH = "-1288398.5841,-4721696.9371,4078625.3396"


def test_report_page(data, tmp_path, capsys):
    from kompas.cli.main import main

    out = tmp_path / "report.html"
    code = main(
        [
            "report",
            str(data(OBS_5MIN)),
            str(data(BRDC)),
            "--sp3",
            str(data(SP3)),
            f"--truth={TRUTH}",
            "-o",
            str(out),
            "--json",
        ]
    )
    assert code == 0
    d = json.loads(capsys.readouterr().out)
    sols = {r["solution"]: r for r in d["accuracy"]}
    assert set(sols) == {"G", "R", "E", "C", "GREC"}
    # 10 epochs of SPP against the IGS SINEX position: metre level (the day's RMS is
    # 0.9-2.4 m horizontal per system, 3-5 m vertical)
    assert all(r["solved"] == 10 and r["rms_horizontal_m"] < 5 for r in sols.values())
    assert {"E-G", "C-G", "R-G"} <= set(d["biases"])
    assert {r["group"] for r in d["sisre"]} >= {"GPS", "Galileo", "GLONASS"}
    assert "qc" in d and d["flags"]
    page = out.read_text()
    assert "<script" not in page and "http://" not in page and "https://" not in page
    for section in ("accuracy", "sisre", "biases", "flags", "qc", "fig-errors", "fig-biases"):
        assert f"id='{section}'" in page
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("headless Chromium not installed: page checked as text only")
    shot = tmp_path / "shot.png"
    cmd = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1200,2000",
        f"--screenshot={shot}",
        out.as_uri(),
    ]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    # a rendered 1200 x 2000 page with tables and three embedded figures is > 100 kB of PNG;
    # a blank or broken page is a few kB
    assert shot.exists() and shot.stat().st_size > 100_000
