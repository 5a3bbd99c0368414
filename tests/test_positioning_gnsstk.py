"""GPS dual-frequency iono-free positioning with SP3 orbits+clocks against GNSSTk PRSolve.

`PRSolve --obs arlm200b.15o --eph test_input_sp3_nav_2015_200.sp3 --sol GPS:12:WC`: P(Y)
codes on L1/L2, iono-free, SP3 orbits and clocks, 0° mask, NewB troposphere, equal weights.
kompas uses the same data and weighting but the Saastamoinen/Niell troposphere: the models
differ by decimetres at the 4° elevations this station sees, which the iono-free noise
(~1 m per satellite) amplifies through the geometry. Budget: 1 m on average (the issue's).
"""

from __future__ import annotations

import numpy as np

from kompas import PreciseOrbit, read_obs, read_sp3, solve
from kompas.time import Time


def _prsolve_positions(path):
    out = {}
    for line in open(path):
        if line.startswith("RPF") and " NAV " in line:
            p = line.split()
            out[float(p[4])] = np.array([float(v) for v in p[5:8]])
    return out


def test_prsolve_agreement(data):
    obs = read_obs(data("rinex2/arlm200b.15o"))
    orbit = PreciseOrbit(read_sp3(data("rinex2/test_input_sp3_nav_2015_200.sp3")))
    sol = solve(
        obs,
        orbit,
        systems="G",
        mode="iflc",
        signals={"G": ("C1W", "C2W")},
        elmask_deg=0.0,
        weighting="equal",
    )
    ref = _prsolve_positions(data("rinex2/PRSolve_Required.exp"))
    _, tow = Time.from_datetime64(sol["time"].values, "GPST").week_tow()
    assert len(ref) == len(tow) == 120
    diff = np.array(
        [np.linalg.norm(sol["position_ecef_m"].values[i] - ref[tow[i]]) for i in range(len(tow))]
    )
    assert np.all(np.isfinite(diff))
    assert diff.mean() <= 1.0
    # the RINEX 2 P codes were mapped to C1W/C2W and used
    assert sol.attrs["codes"] == {"G": ["C1W", "C2W"]}
