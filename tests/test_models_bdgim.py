"""BDGIM (BDS-3 B1C/B2a broadcast ionosphere) against its authors' reference implementation.

The ICD (BDS-SIS-ICD-B1C 1.0, 7.10) gives the algorithm but no worked values.  The
independent implementation is the model authors' C code (Li Zishen, Wang Ningbo, AIR-CAS,
2021, ``bdgim.cpp``), compiled and run by ``benchmarks/bdgim_reference.py``; nothing of it
is ported.  Its VTEC at its own pierce point is the model proper (frames, harmonics,
non-broadcast table, 2-hour blocks, floor); values of it are written below, and the
benchmark's cache ``~/.cache/kompas/bdgim/rays.npz`` (when present) checks 7715 real rays.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from kompas.models.bdgim import bdgim_delay_m, bdgim_vtec_tecu, pierce_point
from kompas.models.ionosphere import slant_delay_m
from kompas.time import Time

# The reference code's own demonstration case (its main.c: 2020-11-05 17:00, station
# (-2159945.3149, 4383237.1901, 4085412.3177) m, satellite (-34342443.2642, 24456393.0586,
# 12949.4754) m): its pierce point [rad] and VTEC [TECU], printed by our run of it.
DEMO_ALPHA = (13.82642069, -1.78004616, 5.17200000, 3.13030940, -4.58961329, 0.32483867,
              -0.07802383, 1.24312590, 0.37763627)  # fmt: skip
DEMO = (59158.0 + 17.0 / 24.0, 6.338134561387184e-01, 2.092742905531379e00, 5.818458960765813)

# Reference VTEC at reference pierce points for the BRD400DLR (2023-03-12) broadcast sets:
# alpha_1..9, MJD (BDT), IPP lat, lon [rad], VTEC [TECU].
REFERENCE = [
    ((35.125, 1.875, 11.75, 13.75, -17.0, 1.0, 1.125, 2.875, 0.875), 60015.20486111111,
     0.684502900701892, 0.19921015246616475, 13.282118885352872),
    ((33.625, 1.625, 10.0, 13.125, -16.25, 0.625, 1.125, 2.0, 0.25), 60015.50347222222,
     0.7374893078805932, 0.045702965194376874, 37.57320645882247),
    ((33.0, 1.25, 11.625, 11.875, -14.75, 0.75, 0.75, 3.0, 2.125), 60015.79513888889,
     0.03160981218198356, 0.6504004040873308, 49.25204719537432),
]  # fmt: skip
# Same formulas, different order of operations (Legendre recursion, harmonic sums): the
# cached 7715 rays agree to 5.3e-10 TECU; 1e-8 TECU is 1.6e-6 mm on B1C.
VTEC_TOL_TECU = 1.0e-8


def test_reference_demo_case():
    t, lat, lon, vtec = DEMO
    assert bdgim_vtec_tecu(DEMO_ALPHA, t, lat, lon) == pytest.approx(vtec, abs=VTEC_TOL_TECU)


def test_reference_values_real_coefficients():
    r = REFERENCE
    got = bdgim_vtec_tecu([x[0] for x in r], [x[1] for x in r], [x[2] for x in r],
                          [x[3] for x in r])  # fmt: skip
    np.testing.assert_allclose(got, [x[4] for x in r], atol=VTEC_TOL_TECU, rtol=0)


CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kompas" / "bdgim"


def test_reference_cache_all_rays():
    path = CACHE / "rays.npz"
    if not path.exists():
        pytest.skip(f"no reference cache {path}: run benchmarks/bdgim_reference.py reference")
    z = np.load(path)
    got = bdgim_vtec_tecu(z["alpha"], z["mjd"], z["ipp_lat_rad"], z["ipp_lon_rad"])
    np.testing.assert_allclose(got, z["vtec_tecu"], atol=VTEC_TOL_TECU, rtol=0)


def test_two_hour_blocks_of_the_non_broadcast_part():
    from kompas.models.bdgim import _non_broadcast_beta

    day = 59158.0
    beta = _non_broadcast_beta(day + np.array([5.9999, 6.0, 7.9999, 8.0]) / 24.0)
    # constant over a block, evaluated at its middle; 06:00:00 exactly opens the 06-08 block
    np.testing.assert_array_equal(beta[1], beta[2])
    assert np.abs(beta[0] - beta[1]).max() > 1e-3
    assert np.abs(beta[2] - beta[3]).max() > 1e-3
    np.testing.assert_allclose(beta[1], _non_broadcast_beta(np.array(day + 7.0 / 24.0)))


def test_floor_keeps_vtec_positive():
    # alpha_1 = 13 TECU (12 < a1 <= 20): VTEC never below a1 / 6, even with a strongly
    # negative harmonic pulling it down
    a = (13.0, -30.0, 0, 0, 0, 0, 0, 0, 0)
    v = bdgim_vtec_tecu(a, 59158.5, np.radians(np.linspace(-80, 80, 33)), 0.0)
    assert v.min() == pytest.approx(13.0 / 6.0)


def test_delay_geometry_and_nan_below_horizon():
    lat, lon = np.radians(45.0), np.radians(10.0)
    # zenith: the pierce point is above the receiver, MF = 1, 40.28e16 / f^2 per TECU
    lat_p, lon_p = pierce_point(lat, lon, 0.0, np.pi / 2)
    assert lat_p == pytest.approx(lat) and lon_p == pytest.approx(lon)
    d = bdgim_delay_m(DEMO_ALPHA, 59158.5, lat, lon, 0.0, np.pi / 2)
    v = bdgim_vtec_tecu(DEMO_ALPHA, 59158.5, lat, lon)
    assert d == pytest.approx(40.28e16 / 1575.42e6**2 * v, rel=1e-12)
    # 400 km shell, R = 6378 km: at 10 deg elevation MF = 1 / sqrt(1 - (R cos E / (R+H))^2)
    el = np.radians(10.0)
    mf = 1.0 / np.sqrt(1.0 - (6378.0 / 6778.0 * np.cos(el)) ** 2)
    lat_p, lon_p = pierce_point(lat, lon, 0.0, el)
    v10 = bdgim_vtec_tecu(DEMO_ALPHA, 59158.5, lat_p, lon_p)
    d10 = bdgim_delay_m(DEMO_ALPHA, 59158.5, lat, lon, 0.0, el, frequency_hz=1176.45e6)
    assert d10 == pytest.approx(40.28e16 / 1176.45e6**2 * mf * v10, rel=1e-12)
    assert np.isnan(bdgim_delay_m(DEMO_ALPHA, 59158.5, lat, lon, 0.0, -0.01))
    with pytest.raises(ValueError, match="alpha_1..alpha_9"):
        bdgim_vtec_tecu([1.0, 2.0], 59158.5, 0.0, 0.0)


def test_dispatcher_converts_time_to_bdt_mjd():
    from kompas.frames.geodetic import ecef2geodetic
    from kompas.frames.local import ecef2aer

    sta = np.array([-2159945.3149, 4383237.1901, 4085412.3177])
    sat = np.array([-34342443.2642, 24456393.0586, 12949.4754])
    lat, lon, h = ecef2geodetic(sta)
    az, el, _ = ecef2aer(sat, sta)
    t = Time.from_calendar(2020, 11, 5, 17, 0, 0, scale="BDT")
    got = slant_delay_m("bdgim", DEMO_ALPHA, t, [lat, lon, h], sat, 1575.42e6)
    want = bdgim_delay_m(DEMO_ALPHA, DEMO[0], lat, lon, az, el)
    assert got == pytest.approx(want, rel=1e-12)


def test_navigation_exposes_bdgim_records(data):
    import kompas

    nav = kompas.read_nav(data("rinex4/BRD400DLR_S_20230710000_01D_MN.rnx.gz"))
    rows = nav.ion[nav.ion["model"] == "bdgim"]
    # 12 RINEX 4 "> ION C CNVX" records in the file, each alpha_1..alpha_9 [TECU]
    assert len(rows) == 12
    first = rows.sort_values("time_ns").iloc[0]
    assert first["bdgim_a1"] == 35.5 and first["bdgim_a9"] == 0.375


def test_coefficients_per_epoch(data):
    import kompas
    from kompas.models.ionosphere import iono_coefficients_at, iono_model_for

    nav = kompas.read_nav(data("rinex4/BRD400DLR_S_20230710000_01D_MN.rnx.gz"))
    choice = iono_model_for(nav, "C")
    rows = nav.ion[nav.ion["model"] == "bdgim"].sort_values("time_ns")
    t = rows["time_ns"].to_numpy()
    # at each record's time its own set; 1 s before the second record, the first set
    got = iono_coefficients_at(nav, choice, np.array([t[0], t[1] - 1_000_000_000, t[1]]))
    want = rows[[f"bdgim_a{i}" for i in range(1, 10)]].to_numpy()
    np.testing.assert_array_equal(got, want[[0, 0, 1]])
    assert iono_coefficients_at(nav, choice, t[:2, None]).shape == (2, 1, 9)
