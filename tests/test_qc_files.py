"""``kompas.qc`` on other stations and formats, the ``kompas qc`` command and its report."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser

import numpy as np
import pytest

from kompas.analysis.qc import QCInputError, qc
from kompas.cli.main import main

KMS3 = "rinex4/KMS300DNK_R_20221591000_01H_30S_MO.crx"
KMS3_NAV = "rinex4/KMS300DNK_R_20221591000_01H_MN.rnx.gz"


_DAYS = {"nya1": "2024-05-06", "ajac": "2024-07-28", "cebr": "2018-07-19"}


def _window(data, rel, hours=3):
    """The first ``hours`` of a daily file (keeps the test small; the full days run in the
    benchmark)."""
    import kompas

    day = _DAYS[rel.split("-")[0]]
    return kompas.read_obs(data(rel), end=f"{day}T{hours:02d}:00:00")


@pytest.mark.parametrize(
    "obs, nav, systems",
    [
        ("nya1-2024-127/NYA100NOR_S_20241270000_01D_30S_MO.crx.gz",
         ["nya1-2024-127/NYA100NOR_S_20241270000_01D_GN.rnx.gz",
          "nya1-2024-127/NYA100NOR_S_20241270000_01D_EN.rnx.gz"], "GREC"),
        ("ajac-2024-210/AJAC00FRA_R_20242100000_01D_30S_MO.crx.gz",
         ["ajac-2024-210/GRAS00FRA_R_20242100000_01D_EN.rnx.gz"], "GREC"),
    ],
)  # fmt: skip
def test_station_days_with_their_own_nav(data, obs, nav, systems):
    ds = _window(data, obs)
    r = qc(ds, [data(n) for n in nav])
    for s in systems:
        assert s in r.summary["systems"], s
    # every code observable of the observed systems has a row
    sv = ds["sv"].values.astype(str)
    for s, codes in ds.attrs["obs_types"].items():
        cols = np.char.startswith(sv, s)
        for c in codes:
            if c not in ds:  # declared in the header, never observed
                continue
            vals = ds[c].values[:, cols]
            if c[0] == "C" and (np.isfinite(vals) & (vals != 0)).any():
                assert f"{s}:{c}" in r.signals.index
    mp = r.signals.loc[r.signals["n_mp"] > 100, "mp_rms_m"]
    # budget: geodetic receivers show 0.1-0.8 m of code multipath; metres would mean a
    # missed slip or a 0.000 "not observed" value used as data
    assert mp.between(0.05, 1.0).all(), mp
    # satellites whose nav the station did not record are checked but not expected
    assert any("without a usable orbit" in n for n in r.attrs["notes"])
    assert np.isfinite(r.signals["snr_mean_dbhz"]).any()


def test_cebr_without_nav_says_what_it_cannot_do(data):
    ds = _window(data, "cebr-2018-200/CEBR00ESP_R_20182000000_01D_30S_MO.crx.gz", hours=2)
    r = qc(ds)
    assert r.attrs["orbits"] == "none" and r.attrs["elmask_deg"] is None
    assert "completeness" not in r.signals and r.mp_elevation.empty
    assert "no orbits" in r.attrs["notes"][0]
    # multipath, slips and SNR still come from the observations alone
    assert r.signals.loc["G:C1C", "mp_rms_m"] < 1.0
    assert "satellites_expected" not in r.summary["systems"]["G"]


def test_rinex2_and_glonass_without_channels(data):
    r = qc(data("rinex2/arlm200b.15o"), [data("rinex2/arlm200b.15n")])
    assert r.attrs["rinex_version"] < 3
    assert {"G:C1C", "G:C1W", "G:C2W"} <= set(r.signals.index)
    # code multipath of a geodetic receiver is decimetres (NIST C2W 0.33 m); 1 m catches a
    # wrong frequency pair or an unremoved arc offset (a broken pairing gave 599 m)
    assert r.signals.loc["G:C2W", "mp_rms_m"] < 1.0
    d = qc(data("rinex2/delf0010.21o"))
    assert any("GLONASS satellites without a frequency channel" in n for n in d.attrs["notes"])


def test_rinex4_cli_json_terse_and_report(data, tmp_path):
    out = tmp_path / "qc.html"
    plots = tmp_path / "plots"
    args = ["qc", str(data(KMS3)), str(data(KMS3_NAV)), "--report", str(out),
            "--plot-dir", str(plots)]  # fmt: skip
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main([*args, "--json"])
    assert code == 0
    payload = json.loads(buf.getvalue())
    assert payload["rinex_version"] >= 4
    g = payload["signals"]["G:C1C"]
    assert {"mp_rms_m", "slips", "completeness", "snr_mean_dbhz"} <= set(g)
    # C1C multipath of a geodetic station is 0.1-0.4 m (NIST 0.27 m); below 0.05 m would mean
    # the code itself cancelled, above 0.5 m a broken combination; a 1-h file tracks > 95 %
    assert 0.05 < g["mp_rms_m"] < 0.5 and g["completeness"] > 0.95
    for key in ("satellites", "gaps", "clock_jumps", "summary", "elevation_bins"):
        assert key in payload
    assert out.exists() and len(list(plots.glob("qc-*.png"))) >= 4
    # terse summary: every line fits 80 columns
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["qc", str(data(KMS3)), str(data(KMS3_NAV))]) == 0
    lines = buf.getvalue().splitlines()
    assert max(len(x) for x in lines) <= 80
    assert any(x.startswith("G:C1C") for x in lines)
    _check_self_contained(out.read_text(encoding="utf-8"))
    _chromium_screenshot(out, tmp_path / "shot.png")


def test_cli_errors(tmp_path):
    bad = tmp_path / "bad.rnx"
    bad.write_text("not a rinex file\n")
    assert main(["qc", str(bad)]) == 1
    assert main(["qc", str(tmp_path / "missing.rnx")]) == 2
    from kompas.analysis.qc import QCOptions

    with pytest.raises(ValueError, match="expected characters"):
        qc(tmp_path / "x", options=QCOptions(systems="GX"))
    with pytest.raises(ValueError, match="elmask_deg"):
        qc(tmp_path / "x", elmask_deg=95)
    with pytest.raises(QCInputError):
        import xarray as xr

        qc(xr.Dataset(coords={"time": np.array([], "datetime64[ns]"), "sv": []}))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _check_self_contained(text: str) -> None:
    p = _Tags()
    p.feed(text)
    assert not [t for t, _ in p.tags if t in ("script", "link", "iframe")]
    images = [a["src"] for t, a in p.tags if t == "img"]
    assert len(images) >= 4
    for src in images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG")
    for fig in ("sky", "mp-elevation", "tracking", "completeness"):
        assert f"id='fig-{fig}'" in text, fig


def _chromium_screenshot(page, shot) -> None:
    exe = shutil.which("chromium") or ("/usr/bin/chromium" if shutil.os.path.exists(
        "/usr/bin/chromium") else None)  # fmt: skip
    if exe is None:
        pytest.skip("chromium not installed")
    import matplotlib.image as mpimg

    cmd = [
        exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tempfile.mkdtemp()}", f"--screenshot={shot}",
        "--window-size=1280,2000", page.resolve().as_uri(),
    ]  # fmt: skip
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert shot.exists()
    img = mpimg.imread(shot)
    assert img.shape[:2] == (2000, 1280)
    flat = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    assert len(np.unique(flat[::7], axis=0)) > 200  # a rendered page, not a blank one
