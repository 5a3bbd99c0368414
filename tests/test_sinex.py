"""SINEX station coordinates against the truths listed in the shared data README."""

from __future__ import annotations

import numpy as np
import pytest

from kompas.errors import FormatError
from kompas.io.sinex import read_sinex_coordinates, station_position

DAILY = "truth/IGS0OPSSNX_20240350000_01D_01D_CRD.SNX"
WEEKLY = "truth/igs20P2131_wocov.snx"

# README truths (IGS SINEX 2024-035), printed to 0.1 mm: compare within 0.05 mm + float
TRUTH = {
    "NIST": (-1288398.5841, -4721696.9371, 4078625.3396),
    "TLSE": (4627851.5985, 119640.3857, 4372993.7700),
    "CEBR": (4846664.7877, -370194.9249, 4116929.6882),
}


@pytest.mark.parametrize("name", ["NIST", "nist", "NIST00USA", "TLSE", "CEBR00ESP"])
def test_daily_truth_positions(data, name):
    xyz, info = station_position(data(DAILY), name)
    code = name[:4].upper()
    np.testing.assert_allclose(xyz, TRUTH[code], rtol=0, atol=0.5e-4)
    assert info["station"] == code and info["point"] == "A"
    assert info["ref_epoch"] == np.datetime64("2024-02-04T12:00:00")
    assert not info["propagated"]


def test_eccentricities_and_table(data):
    df = read_sinex_coordinates(data(DAILY))
    assert len(df) == 492 and df.station.is_unique
    row = df[df.station == "TLSE"].iloc[0]
    # README: TLSE antenna reference point = marker + 1.053 m up
    assert (row.ecc_up_m, row.ecc_north_m, row.ecc_east_m) == (1.053, 0.0, 0.0)
    assert row.domes == "10003M009"
    assert row.data_start == np.datetime64("2024-02-04T00:00:00")
    assert np.isnan(row.vx_m_per_yr)


def test_weekly_solution(data):
    xyz, info = station_position(data(WEEKLY), "NIST", np.datetime64("2020-11-10"))
    # weekly 2131 NIST estimate "-1.28839854537588e+06 ..." and four years of plate motion
    # (about 2 cm/yr) away from the 2024 daily value
    np.testing.assert_allclose(xyz[0], -1288398.54537588, rtol=0, atol=1e-6)
    assert 0.01 < np.linalg.norm(xyz - TRUTH["NIST"]) < 0.15
    assert info["ref_epoch"] == np.datetime64("2020-11-11T12:00:00")


_VEL_SNX = """%=SNX 2.02 TST 24:001:00000 TST 20:001:00000 20:001:00000 P     6 0 X V
+SITE/ID
*CODE PT __DOMES__ T _STATION DESCRIPTION__ _LONGITUDE_ _LATITUDE__ HEIGHT_
 TEST  A 00000M000 P Made up                 0  0  0.0   0  0  0.0     0.0
-SITE/ID
+SOLUTION/EPOCHS
*CODE PT SOLN T _DATA_START_ __DATA_END__ _MEAN_EPOCH_
 TEST  A    1 P 10:001:00000 30:001:00000 20:001:00000
-SOLUTION/EPOCHS
+SOLUTION/ESTIMATE
*INDEX _TYPE_ CODE PT SOLN _REF_EPOCH__ UNIT S ___ESTIMATED_VALUE___ __STD_DEV__
     1 STAX   TEST  A    1 20:001:00000 m    2  4.00000000000000e+06 1.00000e-03
     2 STAY   TEST  A    1 20:001:00000 m    2  1.00000000000000e+06 1.00000e-03
     3 STAZ   TEST  A    1 20:001:00000 m    2  4.00000000000000e+06 1.00000e-03
     4 VELX   TEST  A    1 20:001:00000 m/y  2  1.00000000000000e-02 1.00000e-04
     5 VELY   TEST  A    1 20:001:00000 m/y  2 -2.00000000000000e-02 1.00000e-04
     6 VELZ   TEST  A    1 20:001:00000 m/y  2  3.00000000000000e-02 1.00000e-04
-SOLUTION/ESTIMATE
%ENDSNX
"""


def test_velocity_propagation(tmp_path):
    p = tmp_path / "vel.snx"
    p.write_text(_VEL_SNX)
    # 2020-01-01 + 365.25 d * 2 = 2021-12-31T12:00 exactly two Julian years later
    xyz, info = station_position(p, "test", np.datetime64("2021-12-31T12:00:00"))
    np.testing.assert_allclose(xyz, [4e6 + 0.02, 1e6 - 0.04, 4e6 + 0.06], rtol=0, atol=1e-9)
    assert info["propagated"]
    np.testing.assert_allclose(info["velocity_m_per_yr"], [0.01, -0.02, 0.03])


def test_unknown_station_and_not_sinex(data, tmp_path):
    with pytest.raises(KeyError):
        station_position(data(DAILY), "ZZZZ")
    p = tmp_path / "x.snx"
    p.write_text("hello\n")
    with pytest.raises(FormatError):
        read_sinex_coordinates(p)
