"""Positioning on awkward input, solution writers and the ``kompas solve`` command.

Uses the 5-minute NIST excerpt (10 epochs) with the day's broadcast file.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from kompas import read_nav, read_obs, solve, write_solution
from kompas.cli.main import main
from kompas.errors import KompasError
from kompas.io.navigation import Navigation

OBS5 = "nist-2023-001/NIST00USA_R_20230010100_05M_30S_MO.crx.gz"
NAV = "nist-2023-001/BRDC00IGS_R_20230010000_01D_MN.rnx.gz"
TRUTH = np.array([-1288398.5841, -4721696.9371, 4078625.3396])


@pytest.fixture(scope="module")
def short(data):
    return read_obs(data(OBS5)), read_nav(data(NAV))


def _quiet_solve(*args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return solve(*args, **kw)


def test_short_file_solves_every_epoch(short):
    obs, nav = short
    sol = _quiet_solve(obs, nav, systems="GREC")
    assert sol.attrs["epochs_solved"] == obs.sizes["time"] == 10
    err = np.linalg.norm(sol["position_ecef_m"].values - TRUTH, axis=1)
    # budget: single-frequency SPP on this day has 1 m / 3 m RMS horizontal / vertical
    # (NIST tests); 10 m bounds any single epoch with a 3x margin on the vertical tail
    assert err.max() < 10.0


def test_epoch_with_too_few_satellites_has_a_reason(short):
    obs, nav = short
    thin = obs.copy(deep=True)
    gps = np.flatnonzero(np.char.startswith(thin["sv"].values.astype(str), "G"))
    for code in ("C1C", "C1W", "C1P", "C1X", "C1L", "C1S"):  # every L1 fallback code
        if code in thin:
            thin[code].values[3, gps[3:]] = np.nan  # epoch 3 keeps three GPS satellites
    sol = _quiet_solve(thin, nav, systems="G")
    assert np.isnan(sol["position_ecef_m"].values[3]).all()
    assert sol["status"].values[3] == 2
    assert sol.attrs["status_names"][2] == "too few satellites"
    assert np.isfinite(sol["position_ecef_m"].values[[2, 4]]).all()


def test_zero_and_nan_pseudoranges_are_ignored(short):
    obs, nav = short
    a = obs.copy(deep=True)
    b = obs.copy(deep=True)
    a["C1C"].values[:, 5] = 0.0
    b["C1C"].values[:, 5] = np.nan
    pa = _quiet_solve(a, nav, systems="G")["position_ecef_m"].values
    pb = _quiet_solve(b, nav, systems="G")["position_ecef_m"].values
    np.testing.assert_array_equal(pa, pb)


def test_system_without_navigation_data_is_excluded_with_a_warning(short):
    obs, nav = short
    no_gal = Navigation(
        ephemerides={k: v for k, v in nav.ephemerides.items() if not k.startswith("E_")},
        sto=nav.sto,
        ion=nav.ion,
        eop=nav.eop,
        header=nav.header,
    )
    with pytest.warns(Warning, match="system E excluded: no navigation data"):
        sol = solve(obs, no_gal, systems="GE")
    assert list(sol["system"].values) == ["G"]


def test_navigation_file_for_another_day_is_a_clear_error(short, data):
    obs, _ = short
    old = read_nav(data("rinex2/brdc2800.15n"))
    with pytest.raises(KompasError, match="another day"):
        solve(obs, old, systems="G")


@pytest.mark.parametrize("fmt", ["pos-xyz", "pos-llh", "nmea", "csv", "geojson"])
def test_writers(short, tmp_path, fmt):
    obs, nav = short
    sol = _quiet_solve(obs, nav, systems="GE")
    path = tmp_path / f"out.{fmt}"
    write_solution(sol, path, fmt)
    text = path.read_bytes().decode("ascii")  # keep NMEA's CR LF
    if fmt == "pos-xyz":
        rows = [ln.split() for ln in text.splitlines() if not ln.startswith("%")]
        assert len(rows) == 10
        xyz = np.array([[float(v) for v in r[2:5]] for r in rows])
        np.testing.assert_allclose(xyz, sol["position_ecef_m"].values, atol=5e-5)  # 0.1 mm format
        assert rows[0][0] == "2023/01/01" and rows[0][1] == "01:00:00.000"
    elif fmt == "pos-llh":
        rows = [ln.split() for ln in text.splitlines() if not ln.startswith("%")]
        np.testing.assert_allclose([float(r[2]) for r in rows], sol["lat_deg"].values, atol=1e-9)
    elif fmt == "nmea":
        lines = text.strip().split("\r\n")
        assert len(lines) == 20 and lines[0].startswith("$GNGGA,")
        for ln in lines:
            body, cs = ln[1:].split("*")
            x = 0
            for ch in body.encode():
                x ^= ch
            assert f"{x:02X}" == cs
        # GGA time is UTC: 01:00:00 GPST = 00:59:42 UTC (18 leap seconds)
        assert lines[0].split(",")[1] == "005942.00"
    elif fmt == "csv":
        import pandas as pd

        df = pd.read_csv(path)
        assert len(df) == 10 and {"x_m", "lat_deg", "clock_G_m", "pdop"} <= set(df.columns)
    else:
        gj = json.loads(text)
        assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 10
        lon, lat, h = gj["features"][0]["geometry"]["coordinates"]
        assert abs(lat - sol["lat_deg"].values[0]) < 1e-8


def test_cli_solve_json_with_sinex_truth(data, capsys, tmp_path):
    out = tmp_path / "nist.pos"
    code = main(
        [
            "solve",
            str(data(OBS5)),
            str(data(NAV)),
            "--systems",
            "GREC",
            "--truth-sinex",
            str(data("truth/IGS0OPSSNX_20240350000_01D_01D_CRD.SNX")),
            "-o",
            str(out),
            "--json",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["epochs_solved"] == 10
    assert report["truth"]["station"].upper() == "NIST"
    np.testing.assert_allclose(report["truth"]["xyz_m"], TRUTH, atol=1e-3)
    # 10 epochs at 01:00: a few metres at most (full-day RMS 0.9 m horizontal, p95 < 2 m)
    assert report["accuracy"]["rms_horizontal_m"] < 5.0
    assert out.exists()


def test_cli_solve_reports_bad_nav_in_one_line(data, capsys):
    code = main(["solve", str(data(OBS5)), str(data("rinex2/brdc2800.15n"))])
    assert code == 1  # data error (EXIT_DATA), distinct from usage errors (2)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "another day" in err[0]
