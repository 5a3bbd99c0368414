"""kompas network-report: outliers, truth from SINEX, a self-contained page that renders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile

import numpy as np
import pandas as pd
import pytest

from kompas.batch import BatchOptions, read_manifest
from kompas.batch.network import write_network_tables
from kompas.batch.simulate import simulate_network
from kompas.batch.worker import plan_task, run_task
from kompas.cli.main import main
from kompas.report.network import network_report, outlier_flags, rms_from_epochs


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    """A batch folder: three simulated stations solved in process, one garbage file failed."""
    root = tmp_path_factory.mktemp("report")
    net = simulate_network(root / "in", n_stations=3, n_days=1, duration_s=1800.0)
    days = read_manifest(net.manifest)
    garbage = root / "in" / "GARB00XXX_R_20251520000_01D_30S_MO.rnx"
    garbage.write_bytes(b"\x00\xff" * 5000)
    days.append(type(days[0])(obs=str(garbage), nav=days[0].nav, station="GARB", task_id="GARB"))
    out = root / "out"
    kinds, opts = ["info", "solve"], BatchOptions()
    records = [run_task(plan_task(d, kinds, opts, out, False), kinds, opts, out) for d in days]
    write_network_tables(out, records)
    return out, net


def test_outlier_flags_modified_z_score():
    # eight stations near 1 m and one at 5 m: z = 0.6745 * 4 / MAD(0.05) = 54 -> flagged;
    # one with few epochs solved is flagged low; too few stations: nothing flagged
    rms = [1.0, 1.05, 0.95, 1.1, 0.9, 1.0, 1.02, 0.98, 5.0]
    solved = [2880] * 8 + [2880]
    solved[1] = 900
    df = pd.DataFrame(
        {
            "status": ["ok"] * 9,
            "solve_rms_horizontal_m": rms,
            "solved_share": np.array(solved) / 2880,
        }
    )
    flags = outlier_flags(df)
    assert flags[8] == "RMS H high" and flags[1] == "epochs solved low"
    assert (flags[[0, 2, 3, 4, 5, 6, 7]] == "").all()
    assert (outlier_flags(df.iloc[:4]) == "").all()


def test_rms_from_epochs_is_enu():
    # a 3 m offset straight up at the equator/Greenwich (x axis) is 3 m vertical, 0 horizontal
    truth = np.array([6378137.0, 0.0, 0.0])
    ep = pd.DataFrame({"x_m": [truth[0] + 3.0], "y_m": [0.0], "z_m": [0.0]})
    r = rms_from_epochs(ep, truth)
    assert r["solve_rms_vertical_m"] == pytest.approx(3.0, abs=1e-6)
    assert r["solve_rms_horizontal_m"] == pytest.approx(0.0, abs=1e-6)


def test_report_page(batch_dir, tmp_path):
    out, net = batch_dir
    page = tmp_path / "network.html"
    summary = network_report(out, page)
    assert summary["station_days"] == 4 and summary["failed"] == 1
    text = page.read_text()
    assert "id='fig-map'" in text and "id='stations'" in text and "id='failures'" in text
    assert "binary content" in text  # the failure's one-line reason
    assert "outlier test needs 5" in text  # said, not silently skipped
    # self-contained: every image embedded, nothing fetched
    assert not re.search(r"""(src|href)=['"](https?:)?//""", text)
    assert text.count("data:image/png;base64,") >= 2


def test_cli_json(batch_dir, tmp_path, capsys):
    out, _ = batch_dir
    page = tmp_path / "n.html"
    assert main(["network-report", str(out), "-o", str(page), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["succeeded"] == 3 and page.exists()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")
def test_report_renders_in_headless_chromium(batch_dir, tmp_path):
    import matplotlib.image as mpimg

    out, _ = batch_dir
    page = tmp_path / "network.html"
    network_report(out, page)
    shot = tmp_path / "shot.png"
    cmd = [
        "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tempfile.mkdtemp()}", f"--screenshot={shot}",
        "--window-size=1280,1600", page.resolve().as_uri(),
    ]  # fmt: skip
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert shot.exists()
    img = mpimg.imread(shot)
    assert img.shape[:2] == (1600, 1280)
    flat = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    assert len(np.unique(flat[::7], axis=0)) > 200  # text, map, table: not a blank page
