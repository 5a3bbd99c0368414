"""kompas.plan: DOP identical to analysis.dop, broadcast vs precise on the NIST day,
"minus one" at high latitude against the orbital geometry, grids, routes, obstruction."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kompas import read_nav, read_sp3
from kompas.analysis.dop import dop
from kompas.analysis.plan import _satellite_positions, grid_points, mix_names, plan
from kompas.frames import ecef2geodetic
from kompas.time import NS_PER_S, Time

BRDC = "nist-2023-001/BRDC00IGS_R_20230010000_01D_MN.rnx.gz"
COD = "nist-2023-001/COD0MGXFIN_20230010000_01D_05M_ORB.SP3.gz"
NIST_XYZ = np.array([-1288398.5841, -4721696.9371, 4078625.3396])
NYA1_XYZ = np.array([1202433.5682, 252632.4346, 6237772.8159])
DAY = {"start": "2023-01-01T00:00:00", "end": "2023-01-01T23:55:00"}


def _site(xyz):
    lat, lon, h = ecef2geodetic(xyz)
    return float(np.degrees(lat)), float(np.degrees(lon)), float(h)


@pytest.fixture(scope="module")
def nav(data):
    return read_nav(data(BRDC))


def _grid_ns(interval_s, n):
    return int(Time.parse(DAY["start"]).ns) + np.arange(n, dtype=np.int64) * interval_s * NS_PER_S


def test_same_dops_as_analysis_dop(nav):
    res = plan(nav, site=_site(NIST_XYZ), interval_s=1800, **DAY)
    pos, svs, _, _ = _satellite_positions(nav, "GREC", _grid_ns(1800, 48))
    ref = dop(pos, NIST_XYZ, svs)
    ds = res.dataset.sel(mix="GREC")
    # float32 line-of-sight products: ~1e-7 relative, 1e-6 in DOP
    for k in ("pdop", "hdop", "vdop", "gdop"):
        np.testing.assert_allclose(ds[k].values[:, 0], getattr(ref, k), atol=1e-5)
    np.testing.assert_allclose(
        ds["tdop"].values[:, 0], ref.tdop[:, ref.systems.index("G")], atol=1e-5
    )
    order = [ref.systems.index(s) for s in res.dataset["system"].values]
    np.testing.assert_array_equal(res.dataset["n_visible"].values[:, 0], ref.n_visible[:, order])
    keep = np.array([s[0] != "R" for s in svs])
    ref_r = dop(pos[:, keep], NIST_XYZ, svs[keep])
    np.testing.assert_allclose(
        res.dataset["pdop"].sel(mix="GREC-R").values[:, 0], ref_r.pdop, atol=1e-5
    )


def test_nist_broadcast_equals_precise(nav, data):
    sp3 = read_sp3(data(COD))
    t = _grid_ns(600, 144)
    pb, sb, _, _ = _satellite_positions(nav, "GREC", t)
    pp, sp, _, _ = _satellite_positions(sp3, "GREC", t)
    common = sorted(set(sb) & set(sp))
    ib = [list(sb).index(s) for s in common]
    ip = [list(sp).index(s) for s in common]
    # "where both exist": E14/E18 are unhealthy in the broadcast (no state) all day
    both = [
        s
        for s, k, j in zip(common, ib, ip, strict=True)
        if np.isfinite(pb[:, k, 0]).all() and np.isfinite(pp[:, j, 0]).all()
    ]
    assert len(both) >= 100
    kw = dict(site=_site(NIST_XYZ), interval_s=600, satellites=both, minus_one=False, **DAY)
    a, b = plan(nav, **kw), plan(sp3, **kw)
    assert a.attrs["orbits"] == "broadcast" and b.attrs["orbits"] == "precise"
    np.testing.assert_array_equal(a.dataset["n_visible"].values, b.dataset["n_visible"].values)
    # broadcast vs precise orbits differ by ~1-10 m (APC vs CoM and orbit error): 4e-7 rad
    # of direction at 20,000 km, PDOP equal far inside the 0.01 of the acceptance
    diff = np.abs(a.dataset["pdop"].values - b.dataset["pdop"].values)
    assert np.nanmax(diff) < 0.01 and np.isfinite(diff).all()


@pytest.mark.parametrize("where", ["NYA1", "bering"])
def test_minus_one_at_high_latitude(nav, where):
    if where == "NYA1":
        kw = {"site": _site(NYA1_XYZ), "interval_s": 600, **DAY}
    else:  # the demo's route: 60 N 178 W, north-east at 10 kn, here for one hour
        t = pd.date_range("2023-01-01T00:00", "2023-01-01T01:00", freq="10min")
        step = 10 * 1852 / 6 / 111_320  # 10 kn for 10 min, in degrees of latitude (x cos 45)
        k = np.arange(len(t))
        route = pd.DataFrame(
            {
                "time": t.strftime("%Y-%m-%dT%H:%M:%S"),
                "lat": 60 + k * step * np.cos(np.pi / 4),
                "lon": -178 + k * step * np.sin(np.pi / 4) / np.cos(np.radians(60)),
            }
        )
        kw = {
            "route": route,
            "interval_s": 60,
            "start": "2023-01-01T00:00:00",
            "end": "2023-01-01T01:00:00",
        }
    res = plan(nav, **kw)
    table = res.minus_one_table()
    assert [r["removed"] for r in table] and len(table) == 4
    cost = {r["removed"]: r["pdop_mean_increase"] for r in table}
    assert all(v > 0 for v in cost.values())  # every system helps
    assert table[0]["pdop_mean_increase"] == max(cost.values())
    if where == "NYA1":
        # orbital geometry: GLONASS (64.8 deg inclination) reaches latitude 64.8, GPS only
        # 55, so at 79 N each GLONASS satellite is seen higher: per satellite removed,
        # losing GLONASS costs most, though BDS, with the most satellites in view, costs
        # most in total
        pos, svs, _, _ = _satellite_positions(nav, "GR", _grid_ns(600, 144))
        lat = np.degrees(np.arcsin(pos[..., 2] / np.linalg.norm(pos, axis=-1)))
        # a satellite's highest latitude over a day (>= one revolution) is its inclination;
        # the median per system (single planes drift ~1.5 deg from the nominal values)
        seen = np.isfinite(lat).any(axis=0)  # satellites unhealthy all day have no state
        inc = np.nanmax(np.abs(lat[:, seen]), axis=0)
        sys_ = np.array([s[0] for s in svs[seen]])
        glo, gps = np.median(inc[sys_ == "R"]), np.median(inc[sys_ == "G"])
        assert abs(glo - 64.8) < 1.0 and abs(gps - 55.0) < 1.0
        n_vis = dict(
            zip(
                res.dataset["system"].values,
                res.dataset["n_visible"].mean(("time", "point")).values,
                strict=True,
            )
        )
        per_sat = {s: cost[s] / n_vis[s] for s in cost}
        assert max(per_sat, key=per_sat.get) == "R"


def test_grid_obstruction_and_validation(nav, tmp_path):
    lat, lon = grid_points("arctic", 10.0)
    assert lat.min() == 60 and lat.max() == 90 and len(np.unique(lon)) == 36
    assert mix_names("GREC", None, True) == ["GREC", "GREC-G", "GREC-R", "GREC-E", "GREC-C"]
    kw = {"start": DAY["start"], "end": "2023-01-01T02:00:00", "interval_s": 1800}
    res = plan(nav, grid="-10,40,10,50", step_deg=10, **kw)
    assert res.dataset.sizes["point"] == 6 and res.attrs["kind"] == "grid"
    assert res.dataset["availability"].shape == (5, 6)
    prof = tmp_path / "wall.txt"
    prof.write_text("# azimuth, min elevation\n0, 10\n90, 60\n180, 60\n270, 10\n")
    site = _site(NIST_XYZ)
    open_sky = plan(nav, site=site, minus_one=False, **kw)
    walled = plan(nav, site=site, minus_one=False, obstruction=str(prof), **kw)
    assert (walled.dataset["n_sat"].values <= open_sky.dataset["n_sat"].values).all()
    assert walled.dataset["n_sat"].values.sum() < open_sky.dataset["n_sat"].values.sum()
    with pytest.raises(ValueError, match="exactly one"):
        plan(nav, site=site, grid="global", **kw)
    with pytest.raises(ValueError, match="W,S,E,N"):
        plan(nav, grid="1,2,3", **kw)
    with pytest.raises(ValueError, match="outside"):
        plan(nav, site=site, mixes=["GX"], **kw)


def test_nominal_and_cli(tmp_path, capsys, data):
    from kompas.cli.main import main

    res = plan(
        "nominal",
        site=(79.0, 12.0, 0.0),
        start="2026-03-01T00:00:00",
        end="2026-03-01T06:00:00",
        interval_s=1800,
    )
    assert res.attrs["orbits"] == "nominal" and res.summary["GREC"]["availability"] == 1.0
    png = tmp_path / "p.png"
    code = main(
        [
            "plan",
            "--grid",
            "arctic",
            "--step",
            "15",
            "--start",
            "2023-01-01T00:00",
            "--end",
            "2023-01-01T01:00",
            "--nav",
            str(data(BRDC)),
            "--minus-one",
            "--json",
            "--plot",
            str(png),
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["orbits"] == "broadcast" and set(out["mixes"]) >= {"GREC", "GREC-R"}
    assert {"pdop_mean", "availability", "n_sat_mean"} <= set(out["mixes"]["GREC-R"])
    assert png.stat().st_size > 10_000
    assert (
        main(
            [
                "plan",
                "--site",
                "1,2",
                "--grid",
                "global",
                "--start",
                "2023-01-01",
                "--end",
                "2023-01-01",
                "--nominal",
            ]
        )
        == 2
    )


def test_system_without_satellites_is_said(nav):
    from kompas.io.navigation import Navigation

    gps_only = Navigation(ephemerides={"G_LNAV": nav["G_LNAV"]})
    kw = {"start": DAY["start"], "end": "2023-01-01T01:00:00", "interval_s": 1800}
    with pytest.warns(UserWarning, match="no satellite of system"):
        res = plan(gps_only, site=_site(NIST_XYZ), systems="GE", **kw)
    assert res.attrs["systems_without_satellites"] == "E"
    assert res.summary["GE-G"]["solved_fraction"] == 0.0
    assert res.summary["GE-E"]["pdop_mean"] == pytest.approx(res.summary["GE"]["pdop_mean"])
