"""``kompas demo``: the simulated Bering Sea hour, its fault scenario, report and command."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser

import numpy as np
import pytest
from click.testing import CliRunner

from kompas.cli.demo import _print_table, demo_command
from kompas.io.rinex_obs import read_obs
from kompas.sim.demo import DemoScenario, run_demo

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    calls = []
    out = tmp_path_factory.mktemp("demo")
    result = run_demo(out, progress=lambda stage, done, total: calls.append((stage, done, total)))
    return result, out, calls


def test_progress_reported_to_the_end(demo):
    _, _, calls = demo
    done = [c[1] for c in calls]
    assert done == sorted(done)
    assert calls[-1][1] == calls[-1][2] == len(calls) - 1


def test_runs_under_30_seconds(demo):
    result, _, _ = demo
    # the budget for the whole demo on this 2-core machine (measured 7-9 s)
    assert result.timings_s["total"] < 30.0


def test_table_rows(demo):
    result, _, _ = demo
    labels = [r["label"] for r in result.rows]
    assert labels[:5] == ["GPS", "GLONASS", "Galileo", "BeiDou", "All (G+R+E+C)"]
    assert len(labels) == 8
    for r in result.rows:
        assert r["epochs_solved"] == r["epochs"] == 360
    clean = [r for r in result.rows if r["scenario"] == "fault-free"]
    for r in clean:
        # budget: code noise 0.3 m / sin E, HDOP 0.5-1.7, VDOP 0.7-3 -> RMS 0.4-1.1 m
        # horizontal, 0.6-1.6 m vertical (measured 0.54-1.04 / 0.73-1.45 m)
        assert 0.2 < r["rms_horizontal_m"] < 1.5
        assert 0.2 < r["rms_vertical_m"] < 2.5
        assert 0.5 < r["mean_pdop"] < 4.0
    combined = clean[-1]
    # four constellations together beat each alone (4x the satellites)
    assert combined["rms_horizontal_m"] < min(r["rms_horizontal_m"] for r in clean[:-1])
    assert combined["mean_satellites"] > 25


def test_compromised_constellation_flagged_within_two_epochs(demo):
    result, _, _ = demo
    f = result.fault
    assert f["system"] == "E" and f["detected"]
    # "within two epochs of the fault start": flagged at the first or second faulty epoch
    assert f["detection_delay_epochs"] <= 1
    assert set(f["flagged"]) == {"E"}
    # the check's threshold is max(10 m, robust 8 sigma): no false alarm on clean epochs
    assert f["flagged"]["E"]["outside_fault_window"] == 0
    assert f["missed_epochs"] == 0


def test_combined_solution_within_twice_fault_free_rms(demo):
    result, _, _ = demo
    f = result.fault
    assert f["rms_ratio_horizontal"] <= 2.0
    assert f["rms_ratio_vertical"] <= 2.0
    # and the fault does matter when nothing protects the solution
    w = f["rms_horizontal_fault_window_m"]
    assert w["unprotected"] > 3 * w["fault-free"]
    assert w["RAIM + constellation check"] <= 2 * w["fault-free"]


def test_files_written_and_marked_simulated(demo):
    result, out, _ = demo
    for key in ("navigation", "observations", "observations_fault", "report", "summary"):
        assert result.files[key].exists(), key
        assert result.files[key].parent == out
    for key in ("navigation", "observations", "observations_fault"):
        head = result.files[key].read_text()[:8000]
        assert "SIMULATED DATA" in head
    obs = read_obs(result.files["observations_fault"])
    assert any("FAULT" in c for c in obs.attrs.get("comments", []))
    summary = json.loads(result.files["summary"].read_text())
    assert summary["simulated"] is True
    assert summary["fault"]["system"] == "E"


def test_print_table(demo, capsys):
    result, _, _ = demo
    _print_table(result)
    text = capsys.readouterr().out
    assert "SIMULATED DATA" in text
    assert "All (G+R+E+C)" in text and "BeiDou" in text
    assert "Galileo (E) was flagged" in text


def test_print_table_fits_80_columns(demo, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # rich reads it when stdout is not a terminal
    result, _, _ = demo
    _print_table(result)
    text = capsys.readouterr().out
    assert max(len(line) for line in text.splitlines()) <= 80 and "…" not in text
    for r in result.rows:  # every number whole
        for value in (f"{r['rms_horizontal_m']:.2f}", f"{r['rms_vertical_m']:.2f}"):
            assert value in text


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_report_is_self_contained(demo):
    result, out, _ = demo
    text = result.files["report"].read_text(encoding="utf-8")
    p = _Collector()
    p.feed(text)
    tags = p.tags
    # nothing fetched from elsewhere: no scripts, style sheets or remote URLs
    assert not [t for t, _ in tags if t in ("script", "link", "iframe")]
    for _, attrs in tags:
        for key in ("src", "href"):
            assert not str(attrs.get(key, "")).startswith(("http:", "https:", "//")), attrs
    images = [a["src"] for t, a in tags if t == "img"]
    assert len(images) >= 3
    for src in images:
        assert src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.split(",", 1)[1])
        assert png.startswith(PNG_MAGIC) and len(png) > 20_000
    links = [a["href"] for t, a in tags if t == "a"]
    for name in ("navigation", "observations", "observations_fault"):
        assert result.files[name].name in links
    for href in links:
        assert (out / href).exists()
    assert text.count("<tr") >= 1 + 8  # header + one row per combination
    assert "id='summary'" in text
    assert "SIMULATED DATA" in text
    assert "Galileo (E) was flagged" in text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")
def test_report_renders_in_headless_chromium(demo, tmp_path):
    import matplotlib.image as mpimg

    result, _, _ = demo
    shot = tmp_path / "shot.png"
    cmd = [
        "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tempfile.mkdtemp()}", f"--screenshot={shot}",
        "--window-size=1280,2400", result.files["report"].resolve().as_uri(),
    ]  # fmt: skip
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert shot.exists()
    img = mpimg.imread(shot)
    assert img.shape[:2] == (2400, 1280)
    # a rendered page, not a blank one: many distinct colours (text, plots, table)
    flat = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    assert len(np.unique(flat[::7], axis=0)) > 200


def test_cli_json(demo, tmp_path, monkeypatch):
    """The command's plumbing (options, progress bar, JSON); the run itself is the
    module's (a second 8 s run would test nothing more)."""
    import kompas.sim.demo as demo_module

    result, _, _ = demo
    seen = {}

    def fake_run_demo(out_dir, progress=None, **kw):
        seen["out"] = out_dir
        for i in range(3):
            progress("stage", i, 3)
        return result

    monkeypatch.setattr(demo_module, "run_demo", fake_run_demo)
    runner = CliRunner()
    res = runner.invoke(demo_command, ["--out", str(tmp_path / "d"), "--json"])
    assert res.exit_code == 0, res.output
    assert seen["out"] == str(tmp_path / "d")
    payload = json.loads(res.stdout)
    assert payload["simulated"] is True
    assert len(payload["table"]) == 8
    assert payload["fault"]["detection_delay_epochs"] <= 1
    res = runner.invoke(demo_command, [])
    assert res.exit_code == 0, res.output
    assert seen["out"] == "./kompas-demo"
    assert "SIMULATED DATA" in res.stdout and "All (G+R+E+C)" in res.stdout


def test_scenario_is_reproducible_and_configurable():
    a, b = DemoScenario(), DemoScenario(faulty_system="C", seed=1)
    assert a.describe()["start"] == "2025-06-01T00:00:00 GPST"
    assert b.describe()["faulty_system"] == "C"
