"""End to end without external data: simulate, (write, read,) solve, compare with the truth.

The simulator's atmosphere is the broadcast model (GPS Klobuchar for G/R/E, BDS Klobuchar
for BDS, Saastamoinen + Niell) and the solver removes the same models, so on noise-free,
fault-free data everything cancels and the solution must return the simulated position
and per-system receiver clocks. What is left is numerical: the solver's one-step
flight-time rotation and its emission-time shortcut (< 0.1 mm, see
kompas.positioning.corrections / spp), convergence (1e-4 m step) and, for data read from
RINEX files, the F14.3 resolution of the observations (1 mm).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from kompas.frames import geodetic2ecef_deg
from kompas.io.rinex_nav import read_nav
from kompas.io.rinex_nav_writer import write_nav
from kompas.io.rinex_obs import read_obs
from kompas.io.rinex_obs_writer import write_obs
from kompas.positioning import solve
from kompas.sim import NoiseModel, nominal_navigation, ship_trajectory, simulate_observations
from kompas.time import Time, TimeScale

C = 299_792_458.0
T0 = Time.from_calendar(2025, 6, 1, scale=TimeScale.GPST)
#: Static receiver of the demo's area (60°N 178°W, 15 m).
STATIC = np.asarray(geodetic2ecef_deg(np.array(60.0), np.array(-178.0), np.array(15.0))).reshape(3)
NO_NOISE = NoiseModel(code_sigma_m=0.0, phase_sigma_cycles=0.0, doppler_sigma_hz=0.0)
COMBINATIONS = ["G", "R", "E", "C", "GREC"]
#: Same models in the solver as in the simulator (the simulator puts the BDS Klobuchar
#: delay on BDS satellites everywhere; the solver's "auto" would use the GPS model here,
#: outside the BDS service area, a 5-8 m difference).
MATCHED = {"bds_iono": "bds"}


def _solve(obs, nav, systems):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return solve(obs, nav, systems=systems, **MATCHED)


@pytest.fixture(scope="module")
def nav():
    return nominal_navigation(T0, 3600.0, "GREC", seed=11)


@pytest.fixture(scope="module")
def times():
    return T0 + np.arange(0.0, 3600.0, 30.0)


@pytest.fixture(scope="module")
def exact(nav, times):
    """Noise-free, fault-free, full-precision observations of a static receiver."""
    return simulate_observations(nav, STATIC, times, noise=NO_NOISE, seed=3, decimals=None)


@pytest.mark.parametrize("systems", COMBINATIONS)
def test_noise_free_static_position_and_clocks_within_1mm(nav, exact, systems):
    ds, truth = exact
    sol = _solve(ds, nav, systems)
    assert sol.attrs["epochs_solved"] == ds.sizes["time"]
    err = np.linalg.norm(sol["position_ecef_m"].values - STATIC, axis=1)
    # budget: solver approximations < 0.1 mm each (module docstring); measured max
    # 0.11-0.15 mm per system
    assert err.max() < 1e-3
    for sys in sol["system"].values:
        clock_err = sol["clock_m"].sel(system=sys).values - C * truth.clock_s[str(sys)]
        # same budget, in metres of range; measured max 0.07-0.10 mm
        assert np.abs(clock_err).max() < 1e-3, sys
    # nothing flagged or excluded on consistent data
    assert not sol["system_flagged"].values.any()
    assert (sol["exclusion"].values != 5).all()


def test_noise_free_ship_track_within_1mm(nav, times):
    ship = ship_trajectory(times, 60.0, -178.0, 45.0, 10 * 1852.0 / 3600.0, 15.0)
    ds, truth = simulate_observations(nav, ship, times, noise=NO_NOISE, seed=3, decimals=None)
    sol = _solve(ds, nav, "GREC")
    err = np.linalg.norm(sol["position_ecef_m"].values - truth.position_m, axis=1)
    # same budget as the static case; the receiver moves 0.5 mm during its clock offset
    # (1e-4 s at 5.1 m/s), which the simulator also treats at the epoch label
    assert err.max() < 1e-3


@pytest.fixture(scope="module")
def files(nav, times, tmp_path_factory):
    """The same hour at the RINEX resolution, written to and read back from files."""
    ds, truth = simulate_observations(nav, STATIC, times, noise=NO_NOISE, seed=3)
    folder = tmp_path_factory.mktemp("e2e")
    write_nav(nav, folder / "sim_MN.rnx")
    write_obs(ds, folder / "sim_MO.rnx")
    return ds, truth, read_nav(folder / "sim_MN.rnx"), read_obs(folder / "sim_MO.rnx")


def test_obs_round_trip_same_values(files):
    ds, _, _, back = files
    ds = ds.reindex(sv=back["sv"].values)
    assert set(back.data_vars) >= set(ds.data_vars)
    for name in ds.data_vars:
        a, b = ds[name].values, back[name].values
        assert np.array_equal(np.isnan(a), np.isnan(b)), name
        # the simulator rounds to the F14.3 resolution before writing: exact
        assert np.nanmax(np.abs(a - b)) == 0.0, name
    assert back.attrs["glonass_channels"] == ds.attrs["glonass_channels"]
    assert np.array_equal(back["time"].values, ds["time"].values)


def test_nav_round_trip_same_values(nav, files):
    back = files[2]
    assert set(back.ephemerides) == set(nav.ephemerides)
    for key, df in nav.ephemerides.items():
        got = back.ephemerides[key].sort_values(["sv", "toc_ns"]).reset_index(drop=True)
        want = df.sort_values(["sv", "toc_ns"]).reset_index(drop=True)
        assert len(got) == len(want), key
        assert (got["sv"].to_numpy() == want["sv"].to_numpy()).all()
        for col in want.columns:
            if col in ("source_file", "source_line", "sv") or col not in got.columns:
                continue
            a, b = want[col].to_numpy(), got[col].to_numpy()
            if a.dtype.kind in "iu":
                assert np.array_equal(a, b), (key, col)
            else:
                # every stored number is quantised to the %19.12e field: bit-identical
                np.testing.assert_array_equal(
                    a.astype(float), b.astype(float), err_msg=f"{key} {col}"
                )
    cols = ["system", "alpha0", "alpha1", "alpha2", "alpha3", "beta0", "beta1", "beta2", "beta3"]
    pd.testing.assert_frame_equal(
        back.ion[cols].sort_values("system").reset_index(drop=True),
        nav.ion[cols].sort_values("system").reset_index(drop=True),
        check_dtype=False,
    )


@pytest.mark.parametrize("systems", COMBINATIONS)
def test_solve_from_files(files, systems):
    _, truth, nav_r, obs_r = files
    sol = _solve(obs_r, nav_r, systems)
    d = sol["position_ecef_m"].values - STATIC
    # budget: the 1 mm rounding is uniform (sigma 0.29 mm) per observation; mapped by the
    # geometry (PDOP 1-3.5) a single epoch can reach ~3 mm (measured max 2.3 mm for GPS);
    # averaged over the 120 epochs it is < 0.1 mm, plus the < 0.15 mm of the solver
    assert np.linalg.norm(d, axis=1).max() < 5e-3
    assert np.linalg.norm(d.mean(axis=0)) < 1e-3
    for sys in sol["system"].values:
        clock_err = sol["clock_m"].sel(system=sys).values - C * truth.clock_s[str(sys)]
        assert np.abs(clock_err).max() < 5e-3, sys
        assert abs(clock_err.mean()) < 1e-3, sys
