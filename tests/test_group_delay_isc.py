"""GPS/QZSS CNAV inter-signal corrections with the LNAV T_GD, and the L5 fallback rule."""

from __future__ import annotations

import copy
import json
import warnings

import numpy as np
import pytest
import xarray as xr

import kompas
from kompas.constants import CNAV_GROUP_DELAY_NOT_AVAILABLE_S, GAMMA_GPS_L1_L5
from kompas.errors import KompasError
from kompas.orbits.broadcast import satellite_states
from kompas.orbits.group_delay import broadcast_group_delay_s, cnav_isc_s, isc_column, needs_isc
from kompas.positioning.measurements import select_measurements
from kompas.positioning.sources import BroadcastSource
from kompas.time import Time

NAV_178A = "rinex4/178a_rnx.nav"
KMS3_OBS = "rinex4/KMS300DNK_R_20221591000_01H_30S_MO.crx"
KMS3_NAV = "rinex4/KMS300DNK_R_20221591000_01H_MN.rnx.gz"
DLR_NAV = "rinex4/BRD400DLR_S_20230710000_01D_MN.rnx.gz"

# G01 in 178a_rnx.nav (receiver-written RINEX 4.02, 2025-06-27), by hand from the file:
# LNAV toe 02:00:00 (valid 00:00-04:00), line 341: T_GD = -8.847564458847E-09 s;
# CNAV toe 01:30:00 (valid 00:00-03:00), line 428: ISC_L1C/A = -2.910383045673E-10,
# ISC_L2C = 5.646143108606E-09, ISC_L5I5 = -5.529727786779E-10, ISC_L5Q5 = -6.693881005049E-10.
TGD = -8.847564458847e-09
ISC = {"C1C": -2.910383045673e-10, "C2L": 5.646143108606e-09,
       "C5I": -5.529727786779e-10, "C5Q": -6.693881005049e-10}  # fmt: skip
# (dt_sv)_X = dt_sv - T_GD + ISC_X (IS-GPS-200 30.3.3.3.1.1.1, IS-GPS-705 20.3.3.3.1.2.1),
# worked out by hand from the numbers above: the term added to the clock [s]
ADDED_S = {"C1C": 8.556526154279699e-09, "C2L": 1.4493707567453e-08,
           "C5I": 8.294591680169099e-09, "C5Q": 8.1781763583421e-09}  # fmt: skip
# L1 C/A + L5 Q5 iono-free (IS-GPS-705 20.3.3.3.1.2.2):
# -T_GD + (gamma15 ISC_L1C/A - ISC_L5Q5) / (gamma15 - 1), gamma15 = (154/115)^2
ADDED_L1_L5_S = 9.033475544354503e-09


def _t_dt64(iso: str) -> np.ndarray:
    return Time.from_datetime64(np.array([np.datetime64(iso, "ns")]), "GPST").ns


@pytest.fixture(scope="module")
def nav178(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return kompas.read_nav(data(NAV_178A))


def _states(nav, iso):
    return satellite_states(nav, np.array(["G01"]), _t_dt64(iso))


def test_hand_computed_values_match_the_worked_record():
    # the hand arithmetic itself: 1e-20 s is far below the 2^-35 s (3e-11) LSB
    for code, added in ADDED_S.items():
        assert -TGD + ISC[code] == pytest.approx(added, abs=1e-20)
    g = (154.0 / 115.0) ** 2
    assert GAMMA_GPS_L1_L5 == g
    l1_l5 = -TGD + (g * ISC["C1C"] - ISC["C5Q"]) / (g - 1.0)
    assert l1_l5 == pytest.approx(ADDED_L1_L5_S, abs=1e-20)


def test_cnav_isc_with_lnav_tgd_single_codes(nav178):
    st = _states(nav178, "2025-06-27T02:00:00")
    assert st.extra["message"][0] == "LNAV"
    isc = cnav_isc_s(nav178, st.sv, st.time_ns)
    assert isc["isc_l5q5_s"][0] == ISC["C5Q"]  # the file's value, exactly
    for code, added in ADDED_S.items():
        got = broadcast_group_delay_s(nav178, st, code, isc=isc)[0]
        # the RINEX values are exact decimal strings: only the float64 rounding (1e-24 s)
        assert got == pytest.approx(added, abs=1e-20), code
    # P(Y) has no ISC: -T_GD and -gamma12 T_GD as before
    assert broadcast_group_delay_s(nav178, st, "C1W", isc=isc)[0] == -TGD
    assert broadcast_group_delay_s(nav178, st, "C2W", isc=isc)[0] == pytest.approx(
        -((154 / 120) ** 2) * TGD, abs=1e-20
    )


def test_iono_free_l1_l5_pair_through_the_source(nav178):
    st = _states(nav178, "2025-06-27T02:00:00")
    src = BroadcastSource(nav178)
    src.signal_names = ["C1C+C5Q", "C1C+C2L"]
    gd = src.group_delay_s(st, st.sv, np.array([0]))  # subtracted from the clock
    assert -gd[0] == pytest.approx(ADDED_L1_L5_S, abs=1e-20)
    # L1 C/A + L2C (IS-GPS-200 30.3.3.3.1.1.2): -T_GD + (g12 ISC_L1CA - ISC_L2C)/(g12 - 1)
    g12 = (154 / 120) ** 2
    want = -TGD + (g12 * ISC["C1C"] - ISC["C2L"]) / (g12 - 1)
    assert -src.group_delay_s(st, st.sv, np.array([1]))[0] == pytest.approx(want, abs=1e-20)


def test_outside_the_cnav_record_lnav_formulas_and_no_l5(nav178):
    # 03:30: the LNAV record (toe 02:00, +-2 h) is valid, the CNAV one (toe 01:30, +-1.5 h)
    # is not, and the file has no later G01 CNAV record
    st = _states(nav178, "2025-06-27T03:30:00")
    assert st.ok[0]
    isc = cnav_isc_s(nav178, st.sv, st.time_ns)
    assert np.isnan(isc["isc_l5q5_s"][0])
    assert broadcast_group_delay_s(nav178, st, "C1C", isc=isc)[0] == -TGD
    assert broadcast_group_delay_s(nav178, st, "C2L", isc=isc)[0] == -((154 / 120) ** 2) * TGD
    assert np.isnan(broadcast_group_delay_s(nav178, st, "C5Q", isc=isc)[0])


def test_not_available_bit_pattern_is_nan(nav178):
    nav = copy.copy(nav178)
    nav.ephemerides = dict(nav178.ephemerides)
    table = nav.ephemerides["G_CNAV"].copy()
    table["isc_l5q5_s"] = CNAV_GROUP_DELAY_NOT_AVAILABLE_S  # -2^12 x 2^-35 s
    nav.ephemerides["G_CNAV"] = table
    st = _states(nav, "2025-06-27T02:00:00")
    isc = cnav_isc_s(nav, st.sv, st.time_ns)
    assert np.isnan(isc["isc_l5q5_s"][0]) and isc["isc_l5i5_s"][0] == ISC["C5I"]


def test_which_codes_use_an_isc():
    assert isc_column("G", "C1C") == "isc_l1ca_s" and isc_column("J", "C2X") == "isc_l2c_s"
    assert isc_column("G", "C5X") == "isc_l5q5_s" and isc_column("G", "C5I") == "isc_l5i5_s"
    assert isc_column("G", "C1W") is None and isc_column("E", "C5Q") is None
    assert needs_isc("G", ("C5Q",)) and needs_isc("J", ("C1C", "C5X"))
    assert not needs_isc("G", ("C1C", "C2L")) and not needs_isc("E", ("C5Q",))


# --- the fallback rule, on a hand-made observation file (no real data needed) ----------------


def _obs() -> xr.Dataset:
    """3 epochs; G01 tracks L1 C/A + L2 P(Y) + L5, G02 L1 C/A + L5 only, G03 L5 only."""
    t = np.array(["2023-01-01T00:00:00", "2023-01-01T00:00:30", "2023-01-01T00:01:00"],
                 dtype="datetime64[ns]")  # fmt: skip
    sv = ["G01", "G02", "G03"]
    nan = np.nan
    c1c = np.array([[2.1e7, 2.2e7, nan]] * 3)
    c2w = np.array([[2.1e7 + 3, nan, nan]] * 3)
    c5q = np.array([[2.1e7 + 5, 2.2e7 + 5, 2.3e7]] * 3)
    v = {"C1C": c1c, "C2W": c2w, "C5Q": c5q}
    ds = xr.Dataset({k: (("time", "sv"), a) for k, a in v.items()}, coords={"time": t, "sv": sv})
    ds.attrs["time_scale"] = "GPST"
    return ds


def _lookup(valid_epochs):
    """A CNAV ISC source with ISCs for every satellite at the given epoch indices only."""

    def lookup(sv, t_ns):
        shape = np.broadcast_shapes(np.shape(sv), np.shape(t_ns))
        rows = np.broadcast_to(np.arange(shape[0])[:, None], shape)
        value = np.where(np.isin(rows, valid_epochs), 1e-9, np.nan)
        return {k: value for k in ("isc_l1ca_s", "isc_l2c_s", "isc_l5i5_s", "isc_l5q5_s")}

    return lookup


def test_l5_without_isc_falls_back_and_is_counted():
    m = select_measurements(_obs(), "G", "single")  # no ISC source at all
    names = [m.signal_names[j] if j >= 0 else None for j in m.signal[0]]
    assert names == ["C1C", "C1C", None]  # G03 (L5 only) is not used without ISC
    assert m.notes == []  # a fallback is counted, not warned
    assert m.isc_counts() == {
        "G": {
            "C1C": {"with_isc": 0, "without_isc": 6},
            "C5Q": {"with_isc": 0, "without_isc": 0, "skipped_no_isc": 3},
        }
    }


def test_a_system_left_without_signals_says_why():
    with pytest.raises(KompasError, match=r"without CNAV ISC: C5Q not usable"):
        select_measurements(_obs().sel(sv=["G03"]), "G", "single")


def test_l5_with_isc_where_it_exists():
    m = select_measurements(_obs(), "G", "single", isc_lookup=_lookup([1]))
    g03 = [m.signal_names[j] if j >= 0 else None for j in m.signal[:, 2]]
    assert g03 == [None, "C5Q", None]
    assert m.isc_applied[1].tolist() == [True, True, True]  # L1 C/A gets ISC_L1CA there
    assert m.isc_applied[0].tolist() == [False, False, False]
    assert m.isc_skipped == {"G": {"C5Q": 2}} and m.notes == []


def test_iono_free_l1_l5_only_with_isc():
    m = select_measurements(_obs(), "G", "iflc")
    assert [m.signal_names[j] for j in m.signal[:, 0]] == ["C1C+C2W"] * 3
    assert (m.signal[:, 1:] == -1).all()  # G02 has L1/L5 only: no ISC, no pair
    m = select_measurements(_obs(), "G", "iflc", isc_lookup=_lookup([0, 1, 2]))
    assert [m.signal_names[j] for j in m.signal[:, 1]] == ["C1C+C5Q"] * 3
    assert m.isc_counts()["G"]["C1C+C5Q"] == {"with_isc": 3, "without_isc": 0}


def test_explicit_l5_is_used_without_isc_with_a_counted_warning():
    m = select_measurements(_obs(), "G", "single", signals={"G": "C5Q"})
    assert (m.signal >= 0).all()
    assert m.notes == [
        "G: C5Q used without CNAV ISC on 9 cells (no CNAV record of the satellite valid "
        "then): -T_GD only, a bias of up to a few metres"
    ]
    # a list is a priority: the fallback applies again
    m = select_measurements(_obs(), "G", "single", signals={"G": ["C5Q", "C1C"]})
    assert [m.signal_names[j] if j >= 0 else None for j in m.signal[0]] == ["C1C", "C1C", None]


# --- real data: KMS3 has GPS L5 observations but its navigation file has no CNAV ----------------


@pytest.fixture(scope="module")
def kms3(data):
    obs = kompas.read_obs(data(KMS3_OBS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nav = kompas.read_nav(data(KMS3_NAV))
    return obs, nav


def _solve(obs, nav, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return kompas.solve(obs, nav, *args, **kw)


def test_kms3_without_cnav_l5_falls_back_or_warns(kms3):
    obs, nav = kms3
    sol = _solve(obs, nav, "G", "iflc")
    assert sol.attrs["epochs_solved"] == 120
    assert set(sol.attrs["signals"]["G"]) == {"C1C+C2W", "C1C+C2L"}  # no L1/L5 without ISC
    assert all(c["with_isc"] == 0 for c in sol.attrs["isc"]["G"].values())
    assert sol.attrs["isc"]["G"]["C1C+C5Q"]["skipped_no_isc"] >= 1  # counted, not warned
    assert not any("ISC" in w for w in sol.attrs["warnings"])
    forced = _solve(obs, nav, "G", signals={"G": "C5Q"})
    assert forced.attrs["signals"]["G"] == {"C5Q": 611}
    assert any("C5Q used without CNAV ISC on 611 cells" in w for w in forced.attrs["warnings"])


def _borrow_cnav(nav, donor, days):
    """KMS3's navigation data with the DLR file's GPS CNAV records moved by ``days``."""
    out = copy.copy(nav)
    out.ephemerides = dict(nav.ephemerides)
    t = donor.ephemerides["G_CNAV"].copy()
    for col in [c for c in t.columns if c.endswith("_ns")]:
        v = t[col].to_numpy()
        t[col] = np.where(v != np.iinfo(np.int64).min, v - days * 86400 * 10**9, v)
    out.ephemerides["G_CNAV"] = t
    return out


def test_kms3_isc_makes_l1_l5_agree_with_l1_l2(kms3, data):
    """Per satellite, IF(L1 C/A, L5 Q5) - IF(L1 C/A, L2 P(Y)) after the broadcast corrections
    is the receiver's bias between the two combinations (common to all satellites) plus
    multipath. Without ISC the satellites scatter by 1.8 m RMS (the L5 ISCs are up to 10 ns);
    with the CNAV ISCs of the DLR file (2023-03-12, moved 277 days onto 2022-06-08) by 0.3 m
    (benchmarks/isc_l5.py). Bounds: 1.0 m without (a sign or column mix-up gives >= 1.5 m),
    0.5 m with (ISC drift over 9 months ~0.1-0.3 ns plus code multipath ~0.2 m)."""
    obs, nav = kms3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        donor = kompas.read_nav(data(DLR_NAV))
    gps = [s for s in obs["sv"].values if str(s).startswith("G")]
    o = obs.sel(sv=gps)
    f1, f2, f5 = 1575.42e6, 1227.60e6, 1176.45e6
    p12 = (f1**2 * o["C1C"].values - f2**2 * o["C2W"].values) / (f1**2 - f2**2)
    p15 = (f1**2 * o["C1C"].values - f5**2 * o["C5Q"].values) / (f1**2 - f5**2)
    ti, si = np.nonzero(np.isfinite(p12) & np.isfinite(p15))
    sv = np.asarray(gps)[si]
    t_ns = Time.from_datetime64(o["time"].values, "GPST").ns[ti]
    spread = {}
    for label, n in (("without", nav), ("with", _borrow_cnav(nav, donor, 277))):
        src = BroadcastSource(n)
        src.signal_names = ["C1C+C2W", "C1C+C5Q"]
        st = satellite_states(n, sv, t_ns)
        d = (p15 - p12)[ti, si] - 299792458.0 * (
            src.group_delay_s(st, sv, np.ones(sv.size, int))
            - src.group_delay_s(st, sv, np.zeros(sv.size, int))
        )
        med = np.array([np.median(d[st.ok & (sv == s)]) for s in np.unique(sv[st.ok])])
        spread[label] = float(np.sqrt(np.mean((med - np.median(med)) ** 2)))
    assert len(np.unique(sv)) >= 5
    assert spread["without"] > 1.0
    assert spread["with"] < 0.5
    sol = _solve(obs, _borrow_cnav(nav, donor, 277), "G", "iflc", signals={"G": ("C1C", "C5Q")})
    assert sol.attrs["isc"]["G"]["C1C+C5Q"] == {"with_isc": 609, "without_isc": 0}
    assert not any("without CNAV ISC" in w for w in sol.attrs["warnings"])


def test_cli_reports_the_signals_and_isc(data, capsys):
    from kompas.cli.main import main
    from kompas.cli.solve import _isc_line

    code = main(["solve", str(data(KMS3_OBS)), str(data(KMS3_NAV)), "--systems", "G",
                 "--mode", "iflc", "--json"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["signals"]["G"]["C1C+C2W"] == 1262
    assert report["isc"]["G"]["C1C+C5Q"]["skipped_no_isc"] >= 1
    assert _isc_line(report["isc"]) == ""  # nothing applied: no line in the summary
    isc = {"G": {"C1C+C5Q": {"with_isc": 609, "without_isc": 0}}}
    assert _isc_line(isc) == "CNAV ISC: G C1C+C5Q 609/609 cells"
