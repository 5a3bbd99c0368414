"""Tests for kompas.frames: ellipsoids, geodetic/ECEF/ENU/AER, Helmert sets, Coordinates.

Error budgets: float64 has a relative resolution of 1.1e-16, so a position of
|r| metres carries ~1e-16 |r| of rounding per operation; the closed-form
conversions take a few tens of operations.  Round trips are therefore held to
1e-9 m + 1e-15 |r| (0.007 um at the Earth's surface, 0.04 um at GNSS altitude).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kompas.errors import KompasError
from kompas.frames import (
    CGCS2000,
    GRS80,
    MAS_TO_RAD,
    PUBLISHED_SETS,
    PZ90_11,
    WGS84,
    Coordinates,
    Ellipsoid,
    Helmert,
    aer2ecef,
    aer2enu,
    aer2enu_deg,
    canonical_frame,
    decimal_year,
    ecef2aer,
    ecef2aer_deg,
    ecef2enu,
    ecef2geodetic,
    ecef2geodetic_deg,
    ecef2geodetic_xyz,
    enu2aer,
    enu2ecef,
    enu_rotation,
    frame_ellipsoid,
    geodetic2ecef,
    geodetic2ecef_deg,
    geodetic2ecef_xyz,
    rotate_ecef2enu,
    rotate_enu2ecef,
    transformation,
)


def _tol(r_m):
    """Float64 rounding budget for a position of norm r_m (see module docstring)."""
    return 1e-9 + 1e-15 * np.asarray(r_m)


# --- ellipsoids ---------------------------------------------------------------------------
def test_ellipsoid_defining_and_derived_values():
    # NGA.STND.0036 (2014) Table 3.1 / 3.3: b = 6356752.3142 m, e^2 = 6.69437999014e-3
    assert WGS84.a_m == 6378137.0 and 1 / WGS84.f == pytest.approx(298.257223563, abs=1e-12)
    assert WGS84.b_m == pytest.approx(6356752.3142, abs=5e-5)  # table rounded to 0.1 mm
    assert WGS84.e2 == pytest.approx(6.69437999014e-3, abs=5e-15)  # table rounded to 1e-14
    # Moritz (2000) GRS80: b = 6356752.3141 m, e^2 = 0.00669438002290
    assert GRS80.b_m == pytest.approx(6356752.3141, abs=5e-5)
    assert GRS80.e2 == pytest.approx(0.00669438002290, abs=5e-15)
    # CGCS2000: GRS80 geometry, GM 3.986004418e14, omega 7.292115e-5 (BDS-SIS-ICD-B1I 3.0)
    assert CGCS2000.a_m == GRS80.a_m and CGCS2000.f == GRS80.f
    assert CGCS2000.gm_m3ps2 == 3.986004418e14 and CGCS2000.omega_radps == 7.292115e-5
    # PZ-90.11 (GLONASS ICD 5.1 Table 3.2)
    assert PZ90_11.a_m == 6378136.0 and 1 / PZ90_11.f == pytest.approx(298.25784, abs=1e-9)
    assert PZ90_11.gm_m3ps2 == 3.9860044e14
    with pytest.raises(AttributeError):
        WGS84.a_m = 1.0  # type: ignore[misc]


# --- geodetic <-> ECEF ----------------------------------------------------------------------
lat_st = st.floats(-math.pi / 2, math.pi / 2)
lon_st = st.floats(-math.pi, math.pi)
h_st = st.floats(-10_000.0, 50_000_000.0)  # deep mine to beyond GEO


@settings(max_examples=300, deadline=None)
@given(lat_st, lon_st, h_st, st.sampled_from([WGS84, GRS80, PZ90_11]))
def test_geodetic_ecef_round_trip(lat, lon, h, ell):
    xyz = geodetic2ecef(lat, lon, h, ell)
    lat2, lon2, h2 = ecef2geodetic(xyz, ell)
    xyz2 = geodetic2ecef(lat2, lon2, h2, ell)
    r = np.linalg.norm(xyz)
    assert np.max(np.abs(xyz2 - xyz)) < _tol(r)
    assert abs(h2 - h) < _tol(r)
    # latitude error as a distance along the meridian
    assert abs(lat2 - lat) * (r + 1.0) < _tol(r) * 2
    if np.hypot(xyz[0], xyz[1]) > 1e-3:  # longitude is undefined on the polar axis
        dlon = math.remainder(lon2 - lon, 2 * math.pi)
        assert abs(dlon) * np.hypot(xyz[0], xyz[1]) < _tol(r) * 2


@settings(max_examples=150, deadline=None)
@given(st.floats(-1e5, 1e5), st.floats(-1e5, 1e5), st.floats(-1e5, 1e5))
def test_ecef_round_trip_near_the_centre(x, y, z):
    """Inside the evolute (non-physical, but must not fail): nearest-point solution."""
    lat, lon, h = ecef2geodetic([x, y, z])
    back = geodetic2ecef(lat, lon, h)
    assert np.max(np.abs(back - [x, y, z])) < 1e-8  # measured 3.6e-9 m worst case
    assert h < 0  # every such point is inside the ellipsoid


def test_near_centre_is_the_nearest_point_of_the_ellipse():
    # brute force: distance to 2e5 points of the meridian ellipse (spacing 50 m,
    # so the minimum is found to ~50^2 / (2 * 6.4e6) m ~ 0.2 mm)
    phi = np.linspace(-np.pi / 2, np.pi / 2, 200_001)
    ex, _, ez = geodetic2ecef_xyz(phi, 0.0, 0.0)
    for rho, z in [(1000.0, 5.0), (30_000.0, -10_000.0), (50_000.0, 5_000.0), (60_000.0, 0.0)]:
        lat, _, h = ecef2geodetic([rho, 0.0, z])
        assert -h == pytest.approx(np.hypot(ex - rho, ez - z).min(), abs=1e-3)


@pytest.mark.parametrize(
    ("xyz", "lat_deg", "lon_deg", "h_m"),
    [
        ((WGS84.a_m, 0, 0), 0.0, 0.0, 0.0),
        ((0, WGS84.a_m + 100, 0), 0.0, 90.0, 100.0),
        ((-WGS84.a_m + 1000, 0, 0), 0.0, 180.0, -1000.0),
        ((0, 0, WGS84.b_m), 90.0, 0.0, 0.0),
        ((0, 0, -WGS84.b_m - 10), -90.0, 0.0, 10.0),
        ((0, 0, WGS84.b_m - 5000), 90.0, 0.0, -5000.0),
        ((0, 0, 0), 90.0, 0.0, -WGS84.b_m),  # centre: nearest surface point is a pole
    ],
)
def test_special_points(xyz, lat_deg, lon_deg, h_m):
    lat, lon, h = ecef2geodetic_deg(np.array(xyz, dtype=float))
    assert lat == pytest.approx(lat_deg, abs=1e-12)
    assert abs(math.remainder(lon - lon_deg, 360.0)) < 1e-12
    assert h == pytest.approx(h_m, abs=1e-8)


def test_shapes_scalars_and_xyz_variants():
    lat = np.radians([[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]])
    xyz = geodetic2ecef(lat, 0.3, 100.0)
    assert xyz.shape == (2, 3, 3)
    la, lo, h = ecef2geodetic(xyz)
    assert la.shape == lo.shape == h.shape == (2, 3)
    x, y, z = geodetic2ecef_xyz(lat, 0.3, 100.0)
    np.testing.assert_array_equal(np.stack([x, y, z], -1), xyz)
    la2, lo2, h2 = ecef2geodetic_xyz(x, y, z)
    np.testing.assert_array_equal(la2, la)
    one = geodetic2ecef(0.1, 0.2, 3.0)
    assert one.shape == (3,)
    assert np.ndim(ecef2geodetic(one)[0]) == 0
    with pytest.raises(ValueError, match="last axis of 3"):
        ecef2geodetic(np.zeros((4, 2)))
    # NaN propagates, never raises
    assert np.isnan(ecef2geodetic([np.nan, 0.0, 0.0])[0])


def test_published_wgs72_example_geocentric():
    """EPSG Guidance Note 7-2, method 9606 example: WGS 72 55N 4E h=0 ->
    X 3657660.66, Y 255768.55, Z 5201382.11 m (published to 1 cm)."""
    wgs72 = Ellipsoid("WGS72", 6378135.0, 1 / 298.26)
    xyz = geodetic2ecef_deg(55.0, 4.0, 0.0, wgs72)
    np.testing.assert_allclose(xyz, [3657660.66, 255768.55, 5201382.11], atol=0.005)


def _read_sinex(path):
    """SITE/ID approximate lon/lat/height and SOLUTION/ESTIMATE X/Y/Z per station."""
    site, est, block = {}, {}, None
    with open(path, errors="replace") as fh:
        for line in fh:
            if line.startswith("+"):
                block = line[1:].strip()
                continue
            if line.startswith("-"):
                block = None
                continue
            if line.startswith("*") or block is None:
                continue
            if block == "SITE/ID":
                code = line[1:5]
                # the last seven fields (one real line has an over-long description)
                f = line.split()[-7:]
                lon = float(f[0]) + float(f[1]) / 60 + float(f[2]) / 3600
                lat_abs = abs(float(f[3])) + float(f[4]) / 60 + float(f[5]) / 3600
                lat = -lat_abs if f[3].startswith("-") else lat_abs
                site[code] = (lat, lon, float(f[6]))
            elif block == "SOLUTION/ESTIMATE":
                f = line.split()
                if f[1] in ("STAX", "STAY", "STAZ"):
                    est.setdefault(f[2], {})[f[1]] = float(f[8])
    xyz = {k: (v["STAX"], v["STAY"], v["STAZ"]) for k, v in est.items() if len(v) == 3}
    return site, xyz


def test_igs_sinex_stations_against_site_id(data):
    """ECEF -> geodetic of every station of the IGS daily SINEX vs its SITE/ID entry.

    SITE/ID lists approximate lon/lat to 0.1 arcsec and height to 0.1 m; ITRF/IGS use
    GRS80.  Rounding to 0.1" gives errors uniform in [0, 0.05"]: budget 0.051", and
    the median of that distribution is 0.025".  SITE/ID is informative only: a few
    entries are stale (a couple of near-equator latitudes are off by degrees) and many
    heights refer to another point (offsets of -0.5 m or +1.9 m), so the test asks
    for >= 97 % inside the budget for latitude and longitude (measured 99 %) and for a
    median height difference below 0.04 m (measured 0.029 m; pure 0.1 m rounding would
    give 0.025 m, truncation 0.05 m).  A systematic conversion error would move every
    station and fail these.
    """
    site, xyz = _read_sinex(data("truth/IGS0OPSSNX_20240350000_01D_01D_CRD.SNX"))
    codes = sorted(set(site) & set(xyz))
    assert len(codes) > 300
    pos = np.array([xyz[c] for c in codes])
    lat, lon, h = ecef2geodetic_deg(pos, GRS80)
    ref = np.array([site[c] for c in codes])
    dlat_as = np.abs(lat - ref[:, 0]) * 3600
    dlon_as = np.abs(((lon - ref[:, 1]) + 180) % 360 - 180) * 3600
    dh = np.abs(h - ref[:, 2])
    assert np.mean(dlat_as <= 0.051) >= 0.97
    assert np.mean(dlon_as <= 0.051) >= 0.97
    assert 0.015 < np.median(dlat_as) < 0.035 and 0.015 < np.median(dlon_as) < 0.035
    assert np.median(dh) < 0.04
    # the stations of the shared data sets: horizontal within the rounding budget
    for code in ("NIST", "TLSE", "CEBR"):
        i = codes.index(code)
        assert dlat_as[i] <= 0.051 and dlon_as[i] <= 0.051, code


def test_nist_truth_from_readme():
    """NIST marker (IGS SINEX 2024-035): SITE/ID lists 254 44 14.6 E, 39 59 42.2 N,
    1648.3 m.  Independent check of the same values, no file needed."""
    lat, lon, h = ecef2geodetic_deg([-1288398.5841, -4721696.9371, 4078625.3396], GRS80)
    assert abs(lat - (39 + 59 / 60 + 42.2 / 3600)) * 3600 <= 0.051  # 0.1" rounding
    assert abs((lon % 360) - (254 + 44 / 60 + 14.6 / 3600)) * 3600 <= 0.051
    assert abs(h - 1648.3) <= 0.1  # SITE/ID height to 0.1 m (this entry truncates: 0.055)


# --- ENU / AER ------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(
    lat_st,
    lon_st,
    st.floats(-100.0, 10_000.0),
    st.lists(st.floats(-3e7, 3e7), min_size=3, max_size=3),
)
def test_enu_round_trip(lat, lon, h, d):
    ref = geodetic2ecef(lat, lon, h)
    target = ref + np.array(d)
    enu = ecef2enu(target, ref)
    back = enu2ecef(enu, ref)
    r = np.linalg.norm(target) + np.linalg.norm(ref)
    assert np.max(np.abs(back - target)) < _tol(r) * 4
    assert np.linalg.norm(enu) == pytest.approx(np.linalg.norm(d), rel=1e-13, abs=1e-9)


def test_enu_rotation_orthonormal_and_consistent():
    lat = np.radians([[0.0, 45.0], [-89.9, 60.0]])
    lon = np.radians([[0.0, -120.0], [10.0, 179.0]])
    r = enu_rotation(lat, lon)
    assert r.shape == (2, 2, 3, 3)
    eye = np.einsum("...ij,...kj->...ik", r, r)
    np.testing.assert_allclose(eye, np.broadcast_to(np.eye(3), eye.shape), atol=1e-15)
    np.testing.assert_allclose(np.linalg.det(r), 1.0, atol=1e-15)  # right-handed
    v = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(rotate_ecef2enu(v, lat, lon), r @ v, atol=1e-15)
    np.testing.assert_allclose(
        rotate_enu2ecef(r @ v, lat, lon), np.broadcast_to(v, (2, 2, 3)), atol=1e-14
    )
    # at lat = lon = 0: east = +Y, north = +Z, up = +X
    np.testing.assert_array_equal(enu_rotation(0.0, 0.0), [[0, 1, 0], [0, 0, 1], [1, 0, 0]])


def test_aer_overhead_and_cardinal_directions():
    rx = np.array([4627851.5985, 119640.3857, 4372993.7700])  # TLSE marker
    lat, lon, _ = ecef2geodetic(rx)
    up = rotate_enu2ecef([0.0, 0.0, 1.0], lat, lon)
    az, el, rng = ecef2aer_deg(rx + 2.0e7 * up, rx)
    assert el == pytest.approx(90.0, abs=1e-9)
    assert rng == pytest.approx(2.0e7, abs=1e-6)
    for enu, az_expected in [
        ([0, 1e6, 0], 0.0),
        ([1e6, 0, 0], 90.0),
        ([0, -1e6, 0], 180.0),
        ([-1e6, 0, 0], 270.0),
    ]:
        sat = rx + rotate_enu2ecef(enu, lat, lon)
        a, e, r = ecef2aer_deg(sat, rx)
        assert a == pytest.approx(az_expected, abs=1e-9)
        assert e == pytest.approx(0.0, abs=1e-9)
        assert r == pytest.approx(1e6, abs=1e-6)
    a, e, r = ecef2aer_deg(rx - 1e6 * up, rx)  # straight down
    assert e == pytest.approx(-90.0, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 2 * math.pi, exclude_max=True), st.floats(-1.5, 1.5), st.floats(1.0, 4e7))
def test_aer_enu_round_trip(az, el, rng):
    az2, el2, rng2 = enu2aer(aer2enu(az, el, rng))
    assert rng2 == pytest.approx(rng, rel=1e-14)
    assert el2 == pytest.approx(el, abs=1e-13)
    assert abs(math.remainder(az2 - az, 2 * math.pi)) < 1e-11  # cos(el) >= 0.07 here


def test_aer_broadcasting_time_sv_grid():
    rx = geodetic2ecef_deg(40.0, -105.0, 1600.0)
    rng = np.random.default_rng(0)
    az = rng.uniform(0, 2 * np.pi, (5, 7))
    el = rng.uniform(-0.5, 1.5, (5, 7))
    r = rng.uniform(2e7, 2.6e7, (5, 7))
    sats = aer2ecef(az, el, r, rx)
    assert sats.shape == (5, 7, 3)
    rx_t = np.broadcast_to(rx, (5, 1, 3))  # per-epoch receiver
    az2, el2, r2 = ecef2aer(sats, rx_t)
    assert az2.shape == (5, 7)
    np.testing.assert_allclose(el2, el, atol=1e-12)
    np.testing.assert_allclose(r2, r, rtol=1e-13)
    np.testing.assert_allclose(np.cos(az2 - az), 1.0, atol=1e-13)
    np.testing.assert_allclose(aer2enu_deg(90.0, 0.0, 1.0), [1.0, 0.0, 0.0], atol=1e-15)


# --- Helmert --------------------------------------------------------------------------------
def test_helmert_wgs72_to_wgs84_position_vector_by_hand():
    """EPSG method 9606 example parameters (tZ = 4.5 m, rZ = +0.554", dS = +0.219 ppm,
    position-vector convention) on the published geocentric input; the expected values
    are written out by hand from X_t = (1 + dS) R X_s + T."""
    xs = np.array([3657660.66, 255768.55, 5201382.11])
    pv = Helmert.from_published("WGS72", "WGS84", t_mm=(0, 0, 4500), r_mas=(0, 0, 554), d_ppb=219)
    rz = 0.554 / 3600 * math.pi / 180
    m = 1 + 0.219e-6
    expected = [m * (xs[0] - rz * xs[1]), m * (xs[1] + rz * xs[0]), m * xs[2] + 4.5]
    # the linearised model omits the dS * R product: 0.219e-6 * 2.7e-6 * 6.4e6 m = 4e-6 m
    np.testing.assert_allclose(pv.apply(xs), expected, atol=1e-5)
    assert pv.apply(xs)[1] == pytest.approx(255778.43, abs=0.005)
    assert pv.apply(xs)[2] == pytest.approx(5201387.75, abs=0.005)
    # the same set in the coordinate-frame convention has the rotation sign flipped
    cf = Helmert.from_published(
        "WGS72",
        "WGS84",
        t_mm=(0, 0, 4500),
        r_mas=(0, 0, -554),
        d_ppb=219,
        convention="coordinate_frame",
    )
    np.testing.assert_array_equal(cf.apply(xs), pv.apply(xs))
    with pytest.raises(ValueError):
        Helmert.from_published("a", "b", convention="frame")


params = st.tuples(*[st.floats(-1e3, 1e3)] * 3)


@settings(max_examples=200, deadline=None)
@given(
    params,
    st.floats(-50, 50),
    params,
    params,
    st.floats(-5, 5),
    params,
    st.floats(1990, 2040),
    st.lists(st.floats(-4.2e7, 4.2e7), min_size=3, max_size=3),
)
def test_helmert_apply_inverse_round_trip(t, d, r, t_rate, d_rate, r_rate, epoch, x):
    h = Helmert.from_published(
        "A",
        "B",
        t_mm=t,
        d_ppb=d,
        r_mas=r,
        t_rate_mmpy=t_rate,
        d_rate_ppbpy=d_rate,
        r_rate_maspy=r_rate,
        epoch_year=2010.0,
    )
    x = np.array(x)
    y = h.apply(x, epoch)
    back = h.inverse().apply(y, epoch)
    assert np.max(np.abs(back - x)) < _tol(np.linalg.norm(x) + 1.0) * 10
    assert h.inverse().inverse() == h


def test_helmert_epoch_arrays_and_missing_epoch():
    h = PUBLISHED_SETS[0]  # ITRF2020 -> ITRF2014, has rates
    x = np.array([[4627851.5985, 119640.3857, 4372993.7700]] * 3)
    ep = np.array([2010.0, 2015.0, 2025.0])
    y = h.apply(x, ep)
    for i in range(3):
        np.testing.assert_array_equal(y[i], h.apply(x[i], ep[i]))
    np.testing.assert_allclose(h.inverse().apply(y, ep), x, atol=1e-8)
    with pytest.raises(KompasError, match="epoch"):
        h.apply(x)


def test_itrf2020_to_itrf2014_worked_numbers():
    """NIST at epoch 2024.09 (IGS20 ~ ITRF2020), by hand from the IERS table:
    T(t) = T + Tdot (t - 2015) = (-1.4, -0.9 - 0.1*9.09, 1.4 + 0.2*9.09) mm
         = (-1.400, -1.809, 3.218) mm;  D = -0.42e-9 (no rate);  R = 0.
    dX = T + D X = (-1.400 + 0.541, -1.809 + 1.983, 3.218 - 1.713) mm."""
    x = np.array([-1288398.5841, -4721696.9371, 4078625.3396])
    t = np.array([-1.4e-3, -0.9e-3 - 0.1e-3 * 9.09, 1.4e-3 + 0.2e-3 * 9.09])
    expected_shift = t + (-0.42e-9) * x
    np.testing.assert_allclose(expected_shift, [-0.000859, 0.000174, 0.001505], atol=1e-6)
    got = Coordinates(x, "ITRF2020", 2024.09).to("ITRF2014").xyz_m - x
    np.testing.assert_allclose(got, expected_shift, atol=1e-9)  # cancellation of 4e6 m: 1e-9
    back = Coordinates(x + got, "ITRF2014", 2024.09).to("ITRF2020").xyz_m
    np.testing.assert_allclose(back, x, atol=1e-8)


@pytest.mark.parametrize("epoch", [1995.0, 2010.0, 2015.0, 2023.5, 2040.0])
def test_published_itrf_sets_are_mutually_consistent(epoch):
    """IERS publishes ITRF2020->ITRF2008 directly; composing ITRF2020->ITRF2014->ITRF2008
    must agree to the rounding of the tables (0.1 mm, 0.01 ppb*6.4e6 m = 0.06 mm)."""
    x = np.array([-1288398.5841, -4721696.9371, 4078625.3396])
    direct = next(s for s in PUBLISHED_SETS if (s.source, s.target) == ("ITRF2020", "ITRF2008"))
    via = transformation("ITRF2020", "ITRF2014").then(transformation("ITRF2014", "ITRF2008"))
    assert str(via) == "ITRF2020 -> ITRF2014 -> ITRF2008"
    np.testing.assert_allclose(via.apply(x, epoch), direct.apply(x, epoch), atol=1.6e-4)


def test_pz90_11_to_itrf2008_parameters():
    """PZ-90.11 -> ITRF2008 at 2010.0 (EPSG:7960, coordinate-frame): dX = -3 mm, dY = -1 mm,
    rotations 0.019, -0.042, 0.002 mas -> at most 0.042 mas * 6.4e6 m = 1.3 mm."""
    h = next(s for s in PUBLISHED_SETS if s.source == "PZ-90.11")
    np.testing.assert_allclose(h.translation_m, [-0.003, -0.001, 0.0])
    np.testing.assert_allclose(np.array(h.rotation_rad) / MAS_TO_RAD, [-0.019, 0.042, -0.002])
    assert not h.has_rates
    x = np.array([4627851.5985, 119640.3857, 4372993.7700])
    shift = h.apply(x) - x
    assert np.all(np.abs(shift - np.array(h.translation_m)) < 1.4e-3)
    c = Coordinates(x, "PZ-90.11").to("ITRF2008")
    np.testing.assert_allclose(c.to("PZ-90.11").xyz_m, x, atol=1e-8)


def test_identity_sets_and_aliases():
    x = np.array([[1.0e6, 2.0e6, 6.0e6], [-3.0e6, 4.0e6, 4.0e6]])
    for frame in ("WGS84(G2139)", "WGS84(G1762)", "BDCS", "GTRF", "IGS20", "CGCS2000"):
        h = next(s for s in PUBLISHED_SETS if s.source == frame)
        assert h.is_identity and 0 < h.uncertainty_m <= 0.05 and h.reference
        np.testing.assert_array_equal(h.apply(x), x)
    assert canonical_frame("wgs 84") == "WGS84(G2296)"
    assert canonical_frame("itrf14") == "ITRF2014"
    c = Coordinates(x, "WGS84(G2139)")  # identity to ITRF2014: no epoch needed
    np.testing.assert_array_equal(c.to("itrf2014").xyz_m, x)
    assert c.to("ITRF2014").frame == "ITRF2014"
    # same frame
    np.testing.assert_array_equal(c.to("WGS84(G2139)").xyz_m, x)


def test_every_frame_reaches_itrf2020():
    for frame in ("PZ-90.11", "CGCS2000", "BDCS", "WGS84", "WGS84(G1762)", "GTRF", "ITRF97"):
        chain = transformation(frame, "ITRF2020")
        assert chain.source == canonical_frame(frame) and chain.target == "ITRF2020"
        back = chain.inverse()
        assert back.source == "ITRF2020"


def test_coordinates_errors():
    x = np.array([4627851.5985, 119640.3857, 4372993.7700])
    with pytest.raises(KompasError, match="unknown reference frame"):
        Coordinates(x, "NAD27")
    with pytest.raises(KompasError, match="epoch"):
        Coordinates(x, "ITRF2020").to("ITRF2014")  # rates need an epoch
    isolated = [Helmert.identity("LOCAL_A", "LOCAL_B", 0.1, "test")]
    with pytest.raises(KompasError, match="no transformation path"):
        transformation("LOCAL_A", "ITRF2020", sets=isolated)
    assert str(transformation("LOCAL_B", "LOCAL_A", sets=isolated)) == "LOCAL_B -> LOCAL_A"
    with pytest.raises(ValueError, match="last axis of 3"):
        Coordinates(np.zeros(2), "ITRF2020")


def test_coordinates_geodetic_uses_frame_ellipsoid():
    x = np.array([4627851.5985, 119640.3857, 4372993.7700])
    assert frame_ellipsoid("PZ-90.11") is PZ90_11
    assert frame_ellipsoid("CGCS2000") is CGCS2000
    assert frame_ellipsoid("WGS84") is WGS84
    assert frame_ellipsoid("ITRF2020") is GRS80
    h_pz = Coordinates(x, "PZ-90.11").geodetic()[2]
    h_grs = Coordinates(x, "ITRF2020").geodetic()[2]
    # a differs by 1 m and f slightly: height difference ~1 m at mid latitude
    assert 0.5 < h_pz - h_grs < 1.5


def test_decimal_year():
    t = np.array(
        ["2020-01-01T00:00:00", "2020-07-02T00:00:00", "2023-12-31T12:00:00"],
        dtype="datetime64[ns]",
    )
    np.testing.assert_allclose(
        decimal_year(t), [2020.0, 2020 + 183 / 366, 2023 + 364.5 / 365], atol=1e-12
    )
