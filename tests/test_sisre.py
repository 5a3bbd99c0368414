"""SISRE monitor: weights, RAC frame, a synthetic end-to-end truth, and the NIST day.

Error budget of the real-data tests (2023-01-01, broadcast BRDC00IGS vs MGEX finals)
---------------------------------------------------------------------------------
* published global-average orbit+clock SISRE (Montenbruck et al. 2018, Adv. Space Res.
  61:3020, and later DLR/IGS monitoring): Galileo ~0.2 m, GPS ~0.6 m, BDS-3 MEO ~0.5 m,
  BDS-2 ~1-2 m, GLONASS ~2 m; the acceptance bounds below are the team's: GPS 0.8,
  Galileo 0.5, BDS-3 MEO 0.8, BDS IGSO/GEO 2.5, GLONASS 2.5 m;
* precise products: orbit error < 0.05 m (GEO ~2 m: WUM and GFZ differ by ~2 m
  cross-track, < 1 m along-track), clocks < 0.1 m: negligible against the bounds;
* no antenna offsets applied (no ANTEX): the constellation-common radial offset is
  absorbed by the clock alignment, the satellite spread (~0.1-0.5 m) stays in.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from kompas.analysis.orbit_frames import orbit_class, orbit_elements, rac_basis, to_rac
from kompas.analysis.sisre import (
    DEFAULT_WEIGHTS,
    geometric_weights,
    sisre,
    sisre_summary,
)
from kompas.constants import OMEGA_E_GPS_RADPS, SPEED_OF_LIGHT_MPS
from kompas.orbits.broadcast import satellite_states
from kompas.orbits.states import SatelliteStates, StateStatus
from kompas.time import Time

NIST = "nist-2023-001/"
C = SPEED_OF_LIGHT_MPS


# ----------------------------------------------------------------------------------------
# weights
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "radius_km", "inv_wac2"),
    [
        # Montenbruck et al. (2018) Table 4, 0 deg mask; radii: nominal semi-major axes.
        ("G", 26_560, 49),
        ("R", 25_510, 45),
        ("E", 29_600, 61),
        ("C:MEO", 27_906, 54),
        ("C:GEO", 42_164, 126),
    ],
)
def test_geometric_weights_reproduce_the_published_table(key, radius_km, inv_wac2):
    w = geometric_weights(radius_km * 1e3)
    # The table gives w_R to 2 decimals and 1/w_AC^2 to the integer: the computed value
    # rounds to the same numbers (GEO: 126.45 -> 126, i.e. the paper's 1/126, not 1/127).
    assert round(1.0 / w.w_ac2) == inv_wac2
    assert round(w.w_r, 2) == DEFAULT_WEIGHTS[key].w_r
    assert DEFAULT_WEIGHTS[key].w_ac2 == pytest.approx(1.0 / inv_wac2)


def test_weights_grow_with_mask_and_radius():
    # A higher mask narrows the nadir cone: w_R up, w_AC down (0.98 -> 0.98, 1/49 -> 1/52).
    w0, w5 = geometric_weights(26_560e3, 0.0), geometric_weights(26_560e3, 5.0)
    assert w5.w_r > w0.w_r and w5.w_ac2 < w0.w_ac2
    assert geometric_weights(42_164e3).w_ac2 < w0.w_ac2


# ----------------------------------------------------------------------------------------
# RAC frame and orbit classes
# ----------------------------------------------------------------------------------------
def _circular_state(radius_m, inc_deg, u_deg=30.0, raan_deg=40.0):
    """ECEF state of a circular orbit at the instant the ECEF and inertial axes coincide."""
    gm = 3.986004418e14
    v = np.sqrt(gm / radius_m)
    u, i, o = np.radians([u_deg, inc_deg, raan_deg])
    r_pf = radius_m * np.array([np.cos(u), np.sin(u), 0.0])
    v_pf = v * np.array([-np.sin(u), np.cos(u), 0.0])
    rx = np.array([[1, 0, 0], [0, np.cos(i), -np.sin(i)], [0, np.sin(i), np.cos(i)]])
    rz = np.array([[np.cos(o), -np.sin(o), 0], [np.sin(o), np.cos(o), 0], [0, 0, 1]])
    r, v_i = rz @ rx @ r_pf, rz @ rx @ v_pf
    v_ecef = v_i - np.cross([0, 0, OMEGA_E_GPS_RADPS], r)
    return r, v_ecef, v_i


def test_rac_basis_uses_the_inertial_velocity():
    # GEO: the Earth-fixed velocity is ~0, yet the frame is defined (cross = +z).
    r, v, v_i = _circular_state(42_164_170.0, 0.0)
    assert np.linalg.norm(v) < 5.0  # m/s: a geostationary satellite barely moves in ECEF
    basis = rac_basis(r, v)
    np.testing.assert_allclose(basis[2], [0, 0, 1], atol=1e-9)
    np.testing.assert_allclose(basis[1], v_i / np.linalg.norm(v_i), atol=1e-9)
    # MEO: an along-track displacement is found along-track (1e-9 m: rounding only).
    r, v, v_i = _circular_state(26_560e3, 55.0)
    d = 2.0 * v_i / np.linalg.norm(v_i) + 0.5 * r / np.linalg.norm(r)
    np.testing.assert_allclose(to_rac(d, r, v), [0.5, 2.0, 0.0], atol=1e-9)
    # orthonormal
    b = rac_basis(r, v)
    np.testing.assert_allclose(b @ b.T, np.eye(3), atol=1e-12)


@pytest.mark.parametrize(
    ("radius_m", "inc_deg", "expected"),
    [
        (26_560e3, 55.0, "MEO"),
        (42_164e3, 55.0, "IGSO"),
        (42_164e3, 1.0, "GEO"),
        (42_164e3, 6.3, "GEO"),
        (29_600e3, 56.0, "MEO"),
    ],
)
def test_orbit_class_from_elements(radius_m, inc_deg, expected):
    r, v, _ = _circular_state(radius_m, inc_deg)
    a, inc = orbit_elements(r, v)
    # circular orbit: a = r to < 1 m (vis-viva rounding), i to 1e-6 deg
    assert a == pytest.approx(radius_m, abs=1.0)
    assert inc == pytest.approx(inc_deg, abs=1e-6)
    assert orbit_class(a, inc) == expected


# ----------------------------------------------------------------------------------------
# synthetic truth: a "precise" product made of the broadcast orbit with known errors
# ----------------------------------------------------------------------------------------
_GAMMA_BDS = (1561.098 / 1268.52) ** 2  # (f_B1I / f_B3I)^2, BDS-SIS-ICD-B1I 3.0
_GAMMA_GLO = (9.0 / 7.0) ** 2  # (f_G1 / f_G2)^2, GLONASS ICD 5.1 3.3.1.4


def _hand_reference_correction(nav, b: SatelliteStates) -> np.ndarray:
    """Broadcast clock -> precise iono-free pair, written out per system from the ICDs."""
    out = np.zeros(b.shape)
    rows, msgs = b.extra["ephemeris_row"], b.extra["message"]
    for idx in np.ndindex(b.shape):
        s, r = str(b.sv[idx])[0], int(rows[idx])
        if r < 0:
            continue
        rec = nav.ephemerides[f"{s}_{msgs[idx]}"].iloc[r]
        if s == "E":  # I/NAV E1/E5b clock to E1/E5a: BGD(E1,E5a) - BGD(E1,E5b)
            out[idx] = rec["bgd_e5a_e1_s"] - rec["bgd_e5b_e1_s"]
        elif s == "C":  # B3I clock to B1I/B3I: -gamma/(gamma-1) T_GD1
            out[idx] = -_GAMMA_BDS / (_GAMMA_BDS - 1.0) * rec["tgd1_s"]
        elif s == "R":  # L1 clock to G1/G2: delta_tau / (gamma - 1)
            out[idx] = rec["delta_tau_s"] / (_GAMMA_GLO - 1.0)
    return out  # GPS LNAV: the clock already is the L1/L2 P(Y) combination


class _SyntheticPrecise:
    """Precise states = broadcast states minus known RAC and clock errors."""

    def __init__(self, nav, svs, node_ns, rac_m, clock_m):
        self.nav, self.svs, self.node_ns = nav, np.asarray(svs), node_ns
        self.rac_m = dict(zip(svs, rac_m, strict=True))
        self.clock_m = dict(zip(svs, clock_m, strict=True))
        self.source, self.reference_point = "synthetic", "com"

    def states(self, sv, t):
        b = satellite_states(self.nav, sv, t, health="any")
        svb = np.broadcast_to(np.asarray(sv), b.shape)
        rac = np.array([self.rac_m[s] for s in svb.ravel()]).reshape(b.shape + (3,))
        dclk = np.array([self.clock_m[s] for s in svb.ravel()]).reshape(b.shape)
        offset = np.einsum("...ki,...k->...i", rac_basis(b.position_m, b.velocity_mps), rac)
        pos = b.position_m - offset
        rel_p = -2.0 * np.einsum("...i,...i->...", pos, b.velocity_mps) / C**2
        rel_b = np.where(svb.astype("<U1") == "R", 0.0, b.extra["relativity_ecc_s"])
        dt_b = b.clock_s + rel_b + _hand_reference_correction(self.nav, b)
        ok = np.full(b.shape, int(StateStatus.OK), np.int8)
        return SatelliteStates(
            sv=svb.copy(),
            time_ns=b.time_ns,
            position_m=pos,
            velocity_mps=b.velocity_mps,
            clock_s=dt_b - dclk / C - rel_p,
            relativity_s=rel_p,
            clock_drift_sps=b.clock_drift_sps,
            status=ok,
            source=self.source,
            extra={"orbit_status": ok, "clock_status": ok},
        )


@pytest.fixture(scope="module")
def synthetic():
    from kompas.sim import nominal_navigation

    t0 = Time.from_calendar(2023, 1, 1, 1, scale="GPST")
    nav = nominal_navigation(t0, 4 * 3600.0)
    svs = sorted({s for tab in nav.ephemerides.values() for s in tab["sv"]})
    rng = np.random.default_rng(7)
    rac = rng.normal(0.0, [1.0, 3.0, 1.5], size=(len(svs), 3))
    clk = rng.normal(0.0, 2.0, size=len(svs))
    node = t0.ns + np.arange(0, 4 * 3600 + 1, 300) * 1_000_000_000
    return nav, svs, rac, clk, _SyntheticPrecise(nav, svs, node, rac, clk)


def test_synthetic_errors_are_recovered(synthetic):
    nav, svs, rac, clk, precise = synthetic
    ds = sisre(nav, precise, align_clock="none")
    assert list(ds["sv"].values) == svs
    assert ds.sizes["time"] == 49
    # RAC frames of broadcast and "precise" orbit differ by ~1e-7 rad: 1e-6 m; the clock
    # path is exact to float rounding (1e-6 m); 1e-4 m leaves margin.
    for k, var in enumerate(("radial_m", "along_m", "cross_m")):
        np.testing.assert_allclose(
            ds[var].values, np.broadcast_to(rac[:, k], ds[var].shape), atol=1e-4
        )
    np.testing.assert_allclose(
        ds["clock_m"].values, np.broadcast_to(clk, ds["clock_m"].shape), atol=1e-4
    )
    wr, wac2 = ds["w_r"].values, ds["w_ac2"].values
    expect = np.sqrt((wr * rac[:, 0] - clk) ** 2 + wac2 * (rac[:, 1] ** 2 + rac[:, 2] ** 2))
    np.testing.assert_allclose(ds["sisre_m"].values[0], expect, atol=1e-4)
    expect_orb = np.sqrt(wr**2 * rac[:, 0] ** 2 + wac2 * (rac[:, 1] ** 2 + rac[:, 2] ** 2))
    np.testing.assert_allclose(ds["sisre_orbit_m"].values[0], expect_orb, atol=1e-4)


def test_synthetic_orbit_classes_and_weights(synthetic):
    nav, svs, *_, precise = synthetic
    ds = sisre(nav, precise)
    geo = set(nav.ephemerides["C_D2"]["sv"])  # the simulator's GEO satellites
    for s, cls, wr in zip(svs, ds["orbit_class"].values, ds["w_r"].values, strict=True):
        if s in geo:
            assert (cls, wr) == ("GEO", 0.99), s
        elif s[0] in "GRE":
            assert (cls, wr) == ("MEO", 0.98), s
    assert {"IGSO", "MEO", "GEO"} <= set(ds["orbit_class"].values[ds["sv_system"] == "C"])


def test_synthetic_epoch_alignment_removes_the_common_range_error(synthetic):
    nav, svs, rac, clk, precise = synthetic
    ds = sisre(nav, precise, align_clock="epoch")
    common = (ds["clock_m"] - ds["w_r"] * ds["radial_m"]).values
    for g in ds["clock_group"].values:
        cols = ds["sv_clock_group"].values == g
        # the median of the aligned common range error is zero per group and epoch
        np.testing.assert_allclose(np.median(common[:, cols], axis=1), 0.0, atol=1e-9)
        raw = clk[cols] - ds["w_r"].values[cols] * rac[cols, 0]
        np.testing.assert_allclose(
            ds["clock_datum_m"].sel(clock_group=g), np.median(raw), atol=1e-4
        )
    ds_clock = sisre(nav, precise, align_clock="clock")
    for g in ds_clock["clock_group"].values:
        cols = ds_clock["sv_clock_group"].values == g
        np.testing.assert_allclose(
            np.median(ds_clock["clock_m"].values[:, cols], axis=1), 0.0, atol=1e-9
        )


def test_summary_groups_and_statements(synthetic):
    nav, svs, *_, precise = synthetic
    summary = sisre_summary(sisre(nav, precise))
    assert {"GPS", "GLONASS", "Galileo", "BDS-3 MEO", "BDS IGSO/GEO"} <= set(summary.groups.index)
    assert summary.groups["n_satellites"].sum() == len(svs)
    for s in "GREC":
        assert f"clock_reference_{s}" in summary.attrs
    assert "No antenna phase-centre offsets" in summary.attrs["antenna"]
    json.dumps(summary.to_dict(), default=str)


def test_bad_alignment_option(synthetic):
    nav, _, _, _, precise = synthetic
    with pytest.raises(ValueError, match="align_clock"):
        sisre(nav, precise, align_clock="mean")


# ----------------------------------------------------------------------------------------
# NIST day, 2023-01-01
# ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def nist(data):
    from kompas.io.rinex_clock import read_rinex_clock
    from kompas.io.rinex_nav import read_nav
    from kompas.io.sp3 import read_sp3
    from kompas.orbits.precise import PreciseOrbit

    nav = read_nav(
        [
            data(NIST + "BRDC00IGS_R_20223650000_01D_MN.rnx.gz"),
            data(NIST + "BRDC00IGS_R_20230010000_01D_MN.rnx.gz"),
        ]
    )
    clk = read_rinex_clock(data(NIST + "WUM0MGXFIN_20230010000_01D_30S_CLK.CLK.gz"))
    sp3 = {
        name: read_sp3(data(NIST + f"{name}0MGXFIN_20230010000_01D_05M_ORB.SP3.gz"))
        for name in ("WUM", "COD")
    }
    gfz = read_sp3(data(NIST + "GFZ0MGXRAP_20230010000_01D_05M_ORB.SP3"))
    out = {"nav": nav, "gfz": PreciseOrbit(gfz), "precise": {}}
    for name, orbit in sp3.items():
        out["precise"][name] = PreciseOrbit(orbit, clk)
        out[name] = sisre(nav, out["precise"][name])
    return out


# Acceptance: orbit+clock SISRE RMS per group (WUM clocks with WUM or COD orbits).
_BOUNDS_M = {"GPS": 0.8, "Galileo": 0.5, "BDS-3 MEO": 0.8, "BDS IGSO/GEO": 2.5}


@pytest.mark.parametrize("orbit", ["WUM", "COD"])
def test_nist_sisre_per_constellation(nist, orbit):
    groups = sisre_summary(nist[orbit]).groups
    for group, bound in _BOUNDS_M.items():
        # measured (WUM / COD orbits): GPS 0.59/0.59, Galileo 0.12/0.12,
        # BDS-3 MEO 0.60/0.61, BDS IGSO/GEO 1.17/1.43 m
        assert groups.loc[group, "rms_sisre_m"] < bound, (group, groups.loc[group])
    # every group sampled over the whole day
    assert (groups["n_epochs"] >= 3 * 288).all()


@pytest.mark.xfail(
    strict=True,
    reason="GLONASS measures 2.59 m (WUM), 2.58 m (COD orbits) "
    "against the 2.5 m bound: channel-dependent clock biases, see the "
    "next test; delta_tau_n is not in the BRDC file",
)
@pytest.mark.parametrize("orbit", ["WUM", "COD"])
def test_nist_glonass_sisre_bound(nist, orbit):
    assert sisre_summary(nist[orbit]).groups.loc["GLONASS", "rms_sisre_m"] < 2.5


def test_nist_glonass_excess_is_a_channel_dependent_clock_bias(nist):
    """The GLONASS excess is a per-satellite constant clock offset linear in the FDMA
    channel k (inter-frequency bias between the broadcast L1 tau_n and the IGS G1/G2 P
    iono-free clocks, not correctable without delta_tau_n): removing a + b k fitted to
    the daily means brings the SISRE to the published ~2 m."""
    ds = nist["WUM"].sel(sv=[s for s in nist["WUM"]["sv"].values if s[0] == "R"])
    channels = nist["nav"].glonass_channels()
    k = np.array([channels[s] for s in ds["sv"].values], float)
    e = (ds["w_r"] * ds["radial_m"] - ds["clock_m"]).transpose("time", "sv").values
    tr = (ds["w_ac2"] * (ds["along_m"] ** 2 + ds["cross_m"] ** 2)).transpose("time", "sv").values
    use = ds["healthy"].transpose("time", "sv").values & np.isfinite(e)
    mean = np.nanmean(np.where(use, e, np.nan), axis=0)
    design = np.c_[np.ones_like(k), k]
    coef = np.linalg.lstsq(design, mean, rcond=None)[0]
    # measured: correlation 0.67, slope -0.45 m per channel, SISRE 2.59 -> 2.04 m
    assert np.corrcoef(k, mean)[0, 1] ** 2 > 0.3
    assert abs(coef[1]) > 0.3
    e_fit = e - (design @ coef)[None, :]
    assert np.sqrt(np.mean((e_fit**2 + tr)[use])) < 2.2
    # and the day-long scatter per satellite is ~1 m: the biases are constant
    assert np.sqrt(np.mean(((e - mean) ** 2)[use])) < 1.3


def _geo_svs(ds):
    return [
        s
        for s, c in zip(ds["sv"].values, ds["orbit_class"].values, strict=True)
        if s[0] == "C" and c == "GEO"
    ]


def test_nist_every_bds_geo_is_included(nist):
    ds = nist["WUM"]
    summary = sisre_summary(ds)
    # WUM holds C01-C05 (BDS-3 GEO C59/C60 are only in GFZ); classes come from the orbit.
    assert _geo_svs(ds) == ["C01", "C02", "C03", "C04", "C05"]
    for s in _geo_svs(ds):
        assert summary.satellites.loc[s, "n_epochs"] == 288, s
        assert summary.satellites.loc[s, "group"] == "BDS IGSO/GEO"
    # COD has no GEO: nothing to include, and the IGSO are classified as such
    cod = nist["COD"]
    assert _geo_svs(cod) == []
    assert set(cod["orbit_class"].values[cod["sv_system"] == "C"]) == {"MEO", "IGSO"}


def test_nist_unhealthy_satellites_are_excluded_and_listed(nist):
    summary = sisre_summary(nist["WUM"])
    assert summary.unhealthy == {"E14": 288, "E18": 288}
    assert "E14" not in summary.satellites.index
    assert summary.missing == []


@pytest.mark.parametrize("orbit", ["WUM", "COD"])
def test_nist_no_healthy_satellite_over_15m_except_bds2_geo(nist, orbit):
    ds = nist[orbit]
    use = ds["healthy"].values
    peak = np.where(use, ds["orbit_3d_m"].values, 0.0).max(axis=0)
    over = {s: round(float(p), 1) for s, p in zip(ds["sv"].values, peak, strict=True) if p > 15.0}
    # measured maxima: GPS 3.9, GLONASS 8.3, Galileo 1.9, BDS MEO 2.6, BDS IGSO 10.0,
    # QZSS 3.9 m; only the BDS-2 GEO C01 (17.3 m) and C04 (25.3 m) exceed 15 m, see
    # test_nist_bds_geo_errors_are_in_the_broadcast_data for the evidence.
    assert set(over) <= {"C01", "C04"}, over
    assert all(c == "GEO" for c in ds["orbit_class"].sel(sv=list(over)).values)


def test_nist_bds_geo_errors_are_in_the_broadcast_data(nist):
    """C01/C04 along-track errors of 16/24 m are genuine broadcast errors.

    Evidence: (1) an independent product (GFZ rapid) gives the same along-track error
    (WUM and GFZ agree to < 1 m along-track on the GEOs); (2) the error is the same
    right at the reference epoch (|t - toe| <= 5 min) as 30 min away from it, so it sits
    in the broadcast elements, not in our propagation (a GEO algorithm error grows with
    t - toe: the omega_e t_k rotation moves a GEO by 3 km/s * t_k); (3) the "latest"
    selection rule (what a receiver holds) gives the same error, and every hourly
    upload (AODE changes) carries it; (4) radial and cross-track stay at 2-3 m, so the
    SISRE impact is small (w_AC^2 = 1/126).  Published: BDS-2 GEO broadcast orbits are
    the least accurate of BDS, dominated by along-track errors (regional tracking).
    """
    ds = nist["WUM"]
    svs = ["C01", "C04"]
    t_ns = Time.from_datetime64(ds["time"].values, "GPST").ns
    along_wum = ds["along_m"].sel(sv=svs).values
    # (1) GFZ: same broadcast minus another AC's orbit
    g = nist["gfz"].states(np.array(svs)[None, :], t_ns[:, None])
    b = satellite_states(nist["nav"], np.array(svs)[None, :], t_ns[:, None])
    along_gfz = to_rac(b.position_m - g.position_m, g.position_m, g.velocity_mps)[..., 1]
    diff = along_wum - along_gfz
    assert np.sqrt(np.mean(diff**2)) < 1.5  # measured 0.9 (C01) and 0.4 (C04) m RMS
    assert np.all(np.abs(along_gfz).mean(axis=0) > 15.0)
    # (2) error at the reference epoch equals the error 30 min from it (within 1.5 m)
    age = np.abs(ds["ephemeris_age_s"].sel(sv=svs).values)
    for j in range(2):
        near, far = age[:, j] <= 300, age[:, j] >= 1500
        assert near.sum() > 20 and far.sum() > 20
        assert abs(along_wum[near, j].mean() - along_wum[far, j].mean()) < 1.5
        assert abs(along_wum[near, j].mean()) > 15.0
    # (3) the latest-before rule gives the same error, and every upload carries it:
    # consecutive uploads differ by < 1 m (measured 0.84 m at 10:35), not 16-24 m
    latest = sisre(nist["nav"], nist["precise"]["WUM"], sv=svs, rule="latest")
    np.testing.assert_allclose(latest["along_m"].values, along_wum, atol=1.0)
    rows = b.extra["ephemeris_row"]
    assert all(len(np.unique(rows[:, j])) >= 20 for j in range(2))
    # (4) small SISRE impact
    assert np.all(np.sqrt(np.mean(ds["radial_m"].sel(sv=svs).values ** 2, axis=0)) < 3.5)
    assert np.all(np.sqrt(np.mean(ds["cross_m"].sel(sv=svs).values ** 2, axis=0)) < 3.5)
    assert np.all(np.sqrt(np.mean(ds["sisre_orbit_m"].sel(sv=svs).values ** 2, axis=0)) < 4.0)


def test_nist_statements(nist):
    attrs = nist["WUM"].attrs
    assert "B3I" in attrs["clock_reference_C"] and "C2I/C6I" in attrs["clock_reference_C"]
    assert "E1/E5b" in attrs["clock_reference_E"] and "C1C/C5Q" in attrs["clock_reference_E"]
    assert "taken as zero" in attrs["clock_reference_R"]  # delta_tau_n not in the file
    assert "BDS-2" in attrs["clock_alignment"]
    # no PCO applied: the mean radial error shows the APC offset, ~-0.8 to -2 m
    groups = sisre_summary(nist["WUM"]).groups
    assert np.all(groups["mean_radial_m"].between(-3.0, -0.5))


def test_cli_json_and_plot(data, tmp_path):
    from click.testing import CliRunner

    from kompas.cli.sisre import sisre_command

    plot = tmp_path / "sisre.png"
    args = [
        str(data(NIST + "BRDC00IGS_R_20223650000_01D_MN.rnx.gz")),
        str(data(NIST + "BRDC00IGS_R_20230010000_01D_MN.rnx.gz")),
        "--sp3",
        str(data(NIST + "WUM0MGXFIN_20230010000_01D_05M_ORB.SP3.gz")),
        "--interval",
        "900",
        "--systems",
        "GE",
        "--json",
        "--plot",
        str(plot),
    ]
    result = CliRunner().invoke(sisre_command, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["groups"]) == {"GPS", "Galileo"}
    assert report["epochs"] == 96
    # SP3 clocks (5 min) instead of the 30 s CLK: same bounds hold
    assert report["groups"]["Galileo"]["rms_sisre_m"] < 0.5
    assert report["groups"]["GPS"]["rms_sisre_m"] < 0.8
    assert "antenna" in report["statements"]
    assert plot.stat().st_size > 10_000
    text = CliRunner().invoke(sisre_command, args[:-3] + ["--per-satellite"])
    assert text.exit_code == 0 and "Clock alignment" in text.output and "E11" in text.output
