"""write_nav -> read_nav round trip of simulated navigation data."""

from __future__ import annotations

import numpy as np
import pytest

from kompas.io.rinex_nav import read_nav
from kompas.io.rinex_nav_writer import write_nav
from kompas.sim.ephemeris import nominal_navigation
from kompas.time import Time


def test_nav_round_trip_identical(tmp_path):
    t0 = Time.from_calendar(2023, 1, 1, scale="GPST")
    nav = nominal_navigation(t0, 3 * 3600.0, seed=7)
    path = tmp_path / "sim.rnx"
    write_nav(nav, path)
    back = read_nav(path, strict="raise")
    assert set(back.ephemerides) == set(nav.ephemerides)
    for key, df in nav.ephemerides.items():
        b = back.ephemerides[key]
        assert len(b) == len(df)
        for col in df.columns:
            if col in ("source_file", "source_line"):
                continue
            # values are pre-rounded to the 13 significant digits of %19.12e: bit-identical
            assert np.array_equal(df[col].to_numpy(), b[col].to_numpy()), (key, col)
    for system in ("G", "C"):
        a0, b0 = nav.klobuchar(system)
        a1, b1 = back.klobuchar(system)
        assert np.array_equal(a0, a1) and np.array_equal(b0, b1)


def _assert_same_tables(a: dict, b: dict) -> None:
    import pandas as pd

    assert sorted(k for k, v in a.items() if len(v)) == sorted(k for k, v in b.items() if len(v))
    for key, x in a.items():
        if not len(x):
            continue
        y = b[key]
        assert len(x) == len(y), key
        for col in x.columns:
            if col in ("source_file", "source_line"):
                continue
            u, v = x[col].to_numpy(), y[col].to_numpy()
            if u.dtype.kind == "f":
                same = (u == v) | (np.isnan(u) & np.isnan(v))
            else:
                same = pd.Series(u).fillna("").to_numpy() == pd.Series(v).fillna("").to_numpy()
            assert same.all(), (key, col, u[~same][:3], v[~same][:3])


@pytest.mark.data
@pytest.mark.parametrize(
    ("rel", "version"),
    [
        # every record type of RINEX 4: EPH of all messages, STO, EOP, ION (Klobuchar,
        # NeQuick-G, BDGIM); 4.02 receiver file with GLONASS CDMA and NavIC L1NV
        ("rinex4/BRD400DLR_S_20230710000_01D_MN.rnx.gz", "4.00"),
        ("rinex4/178a_rnx.nav", "4.02"),
        # RINEX 3.05: header IONOSPHERIC CORR (GPS/BDS per satellite/NavIC Klobuchar, GAL
        # NeQuick-G), TIME SYSTEM CORR (GPUT GLUT GAUT GAGP BDUT IRUT), LEAP SECONDS
        ("nist-2023-001/BRDC00IGS_R_20230010000_01D_MN.rnx.gz", "3.05"),
    ],
)
def test_real_file_round_trip_identical(data, tmp_path, rel, version):
    nav = read_nav(data(rel))
    out = tmp_path / "rt.rnx"
    assert write_nav(nav, out, version=version) == {}
    back = read_nav(out, strict="raise")
    _assert_same_tables(nav.ephemerides, back.ephemerides)
    _assert_same_tables(
        {"sto": nav.sto, "ion": nav.ion, "eop": nav.eop},
        {"sto": back.sto, "ion": back.ion, "eop": back.eop},
    )
    assert back.leap_seconds == nav.leap_seconds
    assert back.header[0]["version"] == float(version)


@pytest.mark.data
def test_what_a_version_cannot_hold_is_counted_and_warned(data, tmp_path):
    from kompas.errors import KompasWarning

    nav = read_nav(data("rinex4/BRD400DLR_S_20230710000_01D_MN.rnx.gz"))
    with pytest.warns(KompasWarning, match="cannot hold"):
        left = write_nav(nav, tmp_path / "v3.rnx", version="3.05")
    assert left["EOP"] == len(nav.eop) and left["STO records"] == len(nav.sto)
    assert left["G_CNAV ephemerides"] == len(nav.ephemerides["G_CNAV"])
    back = read_nav(tmp_path / "v3.rnx", strict="raise")
    _assert_same_tables(
        {k: nav.ephemerides[k] for k in ("G_LNAV", "R_FDMA", "S_SBAS", "I_LNAV")},
        {k: back.ephemerides[k] for k in ("G_LNAV", "R_FDMA", "S_SBAS", "I_LNAV")},
    )
    with pytest.raises(ValueError, match="3.05"):
        write_nav(nav, tmp_path / "x.rnx", version="3.04")
