"""Tests for kompas.gnss: constellations, satellite ids, signal catalogue, RINEX 2 mapping.

Frequencies are compared *exactly* (==): every ICD carrier is a multiple of 1 kHz or
of 62.5 Hz and is represented exactly in float64, so no tolerance is needed.
"""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kompas.constants import SPEED_OF_LIGHT_MPS
from kompas.gnss import (
    BANDS,
    DEFAULT_DUAL_FREQUENCY,
    DEFAULT_SIGNAL,
    Constellation,
    Satellite,
    Signal,
    all_signals,
    default_signal,
    frequency_hz,
    glonass_channels,
    normalise_sv,
    rinex2_to_rinex3,
    rinex3_to_rinex2,
    sv_prn,
    sv_system,
    wavelength_m,
)

MHZ = 1e6


# --- Constellation --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("char", "member", "scale"),
    [
        ("G", Constellation.GPS, "GPST"),
        ("R", Constellation.GLONASS, "GLONASST"),
        ("E", Constellation.GALILEO, "GST"),
        ("C", Constellation.BEIDOU, "BDT"),
        ("J", Constellation.QZSS, "QZSST"),
        ("I", Constellation.NAVIC, "IRNSST"),
        ("S", Constellation.SBAS, "GPST"),
    ],
)
def test_constellation_chars_and_scales(char, member, scale):
    assert Constellation.from_rinex_char(char) is member
    assert Constellation.from_rinex_char(char.lower()) is member
    assert member.char == char
    assert member.time_scale == scale
    assert member.display_name


def test_constellation_unknown_char_message():
    with pytest.raises(ValueError, match="unknown satellite system character 'X'.*G \\(GPS\\)"):
        Constellation.from_rinex_char("X")
    with pytest.raises(ValueError):
        Constellation.from_rinex_char(" ")


def test_time_scale_names_match_kompas_time_if_available():
    time_mod = pytest.importorskip("kompas.time")
    names = {s.value if hasattr(s, "value") else str(s) for s in time_mod.TimeScale}
    for c in Constellation:
        assert c.time_scale in names


# --- Satellite ids ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("G07", "G07"),
        ("G 7", "G07"),
        ("G7", "G07"),
        (" 7", "G07"),
        ("07", "G07"),
        ("r24", "R24"),
        ("C59", "C59"),
        ("S20", "S20"),
        ("E 1", "E01"),
    ],
)
def test_satellite_parse(text, expected):
    assert str(Satellite.parse(text)) == expected


@pytest.mark.parametrize("text", ["", "G", "GXX", "Q07", "G100", "G00", "G-1"])
def test_satellite_parse_errors(text):
    with pytest.raises(ValueError):
        Satellite.parse(text)


def test_satellite_hashable_ordered_frozen():
    a, b = Satellite.parse("G07"), Satellite(Constellation.GPS, 7)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert Satellite("G", 7) == a  # a character is converted
    assert sorted([Satellite("R", 1), Satellite("C", 5), Satellite("C", 2)])[0] == Satellite("C", 2)
    with pytest.raises(AttributeError):
        a.prn = 8  # type: ignore[misc]


@given(st.sampled_from(list(Constellation)), st.integers(1, 99))
def test_satellite_str_parse_round_trip(c, prn):
    s = Satellite(c, prn)
    assert Satellite.parse(str(s)) == s
    assert Satellite.parse(f"{c.char}{prn:2d}") == s  # RINEX 2 blank-padded form


def test_vectorised_sv_helpers():
    sv = np.array([["G 7", " 7", "r24"], ["C59", "E01", "S20"]])
    norm = normalise_sv(sv)
    assert norm.shape == (2, 3)
    assert norm.tolist() == [["G07", "G07", "R24"], ["C59", "E01", "S20"]]
    assert sv_system(norm).tolist() == [["G", "G", "R"], ["C", "E", "S"]]
    assert sv_system(np.array([" 7", "12"])).tolist() == ["G", "G"]
    with pytest.raises(ValueError, match="X07"):
        normalise_sv(["G01", "X07"])
    np.testing.assert_array_equal(sv_prn([["G07", "R 7"], ["C59", "Gxx"]]), [[7, 7], [59, -1]])


# --- Signal catalogue: exact ICD frequencies ------------------------------------------------
@pytest.mark.parametrize(
    ("signal", "mhz"),
    [
        ("GC1C", 1575.42),
        ("GL2W", 1227.60),
        ("GL5Q", 1176.45),
        ("GC1L", 1575.42),
        ("EC1C", 1575.42),
        ("EL5Q", 1176.45),
        ("EL7Q", 1207.14),
        ("EL8X", 1191.795),
        ("EL6C", 1278.75),
        ("CC2I", 1561.098),
        ("CC1P", 1575.42),
        ("CC5P", 1176.45),
        ("CC7D", 1207.14),
        ("CC7I", 1207.14),
        ("CC8X", 1191.795),
        ("CC6I", 1268.52),
        ("CC1Z", 1575.42),
        ("RC4A", 1600.995),
        ("RC6B", 1248.06),
        ("RL3Q", 1202.025),
        ("JC1C", 1575.42),
        ("JL1E", 1575.42),
        ("JL2L", 1227.60),
        ("JL5Z", 1176.45),
        ("JL6E", 1278.75),
        ("IC5A", 1176.45),
        ("IC9A", 2492.028),
        ("IL1P", 1575.42),
        ("SC1C", 1575.42),
        ("SL5I", 1176.45),
    ],
)
def test_icd_frequencies(signal, mhz):
    s = Signal.parse(signal)
    # exact: the MHz values above are exact decimals and the products exact in float64
    assert s.frequency_hz() == round(mhz * 1e6)
    assert s.wavelength_m() == SPEED_OF_LIGHT_MPS / s.frequency_hz()


@pytest.mark.parametrize(
    ("code", "k", "mhz"),
    [
        ("L1C", -7, 1598.0625),
        ("L1C", 6, 1605.375),
        ("C1P", 0, 1602.0),
        ("L1C", 1, 1602.5625),
        ("L2C", -7, 1242.9375),
        ("L2P", 6, 1248.625),
        ("D2C", 0, 1246.0),
    ],
)
def test_glonass_fdma(code, k, mhz):
    # GLONASS ICD 5.1 3.3.1.4: f1 = 1602 + k*0.5625 MHz, f2 = 1246 + k*0.4375 MHz
    s = Signal("R", code)
    assert s.is_fdma
    assert s.frequency_hz(k) == mhz * MHZ
    assert s.wavelength_m(k) == SPEED_OF_LIGHT_MPS / (mhz * MHZ)


def test_glonass_fdma_without_k_is_nan_and_bad_k_raises():
    s = Signal.parse("RL1C")
    assert np.isnan(s.frequency_hz()) and np.isnan(s.wavelength_m())
    for bad in (-8, 7, 0.5):
        with pytest.raises(ValueError, match="outside -7..6"):
            s.frequency_hz(bad)
    # CDMA bands do not need k and ignore it
    assert Signal.parse("RC4X").frequency_hz() == 1600.995e6


def test_every_code_parses_and_has_consistent_properties():
    sigs = all_signals()
    assert len(sigs) == len(set(sigs)) > 400
    for s in sigs:
        again = Signal.parse(str(s))
        assert again == s and hash(again) == hash(s)
        assert s.obs_type in "CLDS"
        assert s.band == int(s.code[1])
        assert (s.system, s.band) in BANDS
        assert s.signal_name
        f = s.frequency_hz(0 if s.is_fdma else None)
        assert 1.1e9 < f < 2.5e9
    # per-system obs types present
    for c in Constellation:
        codes = {s.code for s in all_signals(c)}
        assert any(code.startswith("C") for code in codes)


def test_specific_signal_names():
    assert Signal.parse("GC1C").signal_name == "GPS L1 C/A"
    assert Signal.parse("GC2L").signal_name == "GPS L2C(L)"
    assert Signal.parse("CC7D").signal_name.startswith("BDS-3 B2b")
    assert Signal.parse("CC7I").signal_name == "BDS-2 B2I"
    assert Signal.parse("CC2I").band_name == "B1I"
    assert Signal.parse("CC1P").band_name == "B1C"
    assert Signal.parse("RC4A").band_name == "G1a"
    assert Signal.parse("RC6A").band_name == "G2a"
    assert Signal.parse("JL6E").signal_name == "QZSS L6E"
    assert Signal.parse("GS1C").obs_type_name == "cn0"
    assert Signal.parse("GX1").obs_type_name == "channel"


def test_signal_parse_with_system_and_constellation():
    assert Signal.parse("C1C", system="R") == Signal("R", "C1C")
    assert Signal.parse("C1C", system=Constellation.GALILEO).system == "E"
    assert Signal.parse("gc1c") == Signal("G", "C1C")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("GC1N", "codeless"),
        ("GC9C", "no band '9'"),
        ("GC1Q", "no attribute 'Q'"),
        ("GZ1C", "type 'Z'"),
        ("CC2D", "no attribute 'D'"),  # B1I band has I/Q/X only
        ("EC2C", "no band '2'"),
        ("RC5X", "no band '5'"),
        ("XC1C", "unknown satellite system"),
        ("GC1", "three characters"),
        ("G", "expected a system character"),
    ],
)
def test_unknown_codes_error_clearly(text, message):
    with pytest.raises(ValueError, match=message):
        Signal.parse(text)


# --- vectorised frequencies -------------------------------------------------------------
def test_vectorised_frequency_and_wavelength():
    sv = np.array([["G01", "R01", "E11", "C20"], ["R02", "R03", "S20", "J02"]])
    k = {"R01": -7, "R02": 6, Satellite.parse("R03"): 0}
    f = frequency_hz(sv, "L1C", k)
    # C20 has no L1C (BDS band 1 has D/P/X/S/L/Z): NaN, not an exception
    expected = np.array(
        [[1575.42e6, 1598.0625e6, 1575.42e6, np.nan], [1605.375e6, 1602e6, 1575.42e6, 1575.42e6]]
    )
    np.testing.assert_array_equal(f, expected)
    lam = wavelength_m(sv, "L1C", k)
    np.testing.assert_array_equal(lam, SPEED_OF_LIGHT_MPS / expected)
    # missing channel -> NaN, never a default
    f2 = frequency_hz(["R01", "R09"], "L2C", {"R01": -7})
    assert f2[0] == 1242.9375e6 and np.isnan(f2[1])
    # channel given as an array aligned with sv
    f3 = frequency_hz(["R01", "G01", "R09"], "L1C", [1, np.nan, np.nan])
    assert f3[0] == 1602.5625e6 and f3[1] == 1575.42e6 and np.isnan(f3[2])
    # BDS codes: B1I band 2
    np.testing.assert_array_equal(frequency_hz(["C01", "G01"], "C2I"), [1561.098e6, np.nan])


def test_vectorised_unknown_code_raises():
    with pytest.raises(ValueError, match="does not exist for any system"):
        frequency_hz(["G01"], "L9Q")


def test_glonass_channels_filters_invalid():
    k = glonass_channels(["R01", "R02", "G01", "R03"], {"R01": 1, "R02": 9, "G01": 3})
    assert k[0] == 1 and np.isnan(k[1]) and np.isnan(k[2]) and np.isnan(k[3])


def test_vectorised_large_grid_is_fast():
    import time

    sv = np.array([f"{c}{p:02d}" for c in "GREC" for p in range(1, 33)])
    grid = np.broadcast_to(sv, (2880, sv.size))
    k = {f"R{p:02d}": (p % 14) - 7 for p in range(1, 33)}
    t0 = time.perf_counter()
    lam = wavelength_m(grid, "L1C", k)
    dt = time.perf_counter() - t0
    assert lam.shape == grid.shape
    assert dt < 2.0  # generous: ~0.1 s measured for 368,640 elements on the shared 2-core box


# --- real data: every code in the NIST header, GLONASS channels from the header ------------
def _rinex3_header(path):
    with gzip.open(path, "rt", errors="replace") as fh:
        lines = []
        for line in fh:
            lines.append(line)
            if "END OF HEADER" in line:
                break
    return lines


def test_real_obs_header_codes_and_glonass_channels(data):
    path = data("nist-2023-001/NIST00USA_R_20230010100_05M_30S_MO.crx.gz")
    lines = _rinex3_header(path)
    codes: dict[str, list[str]] = {}
    current = None
    slots: dict[str, int] = {}
    for line in lines:
        label = line[60:].strip()
        if label == "SYS / # / OBS TYPES":
            if line[0] != " ":
                current = line[0]
                codes[current] = []
            codes[current] += line[7:58].split()
        elif label == "GLONASS SLOT / FRQ #":
            fields = line[4:60].split()
            for sv, kk in zip(fields[::2], fields[1::2], strict=False):
                slots[sv] = int(kk)
    assert set(codes) >= {"G", "R", "E", "C"}
    for system, cl in codes.items():
        for code in cl:
            Signal(system, code)  # every code of a real file parses
    assert slots, "GLONASS SLOT / FRQ # header expected"
    sv = np.array(sorted(slots))
    f = frequency_hz(sv, "L1C", slots)
    assert np.all(np.isfinite(f))
    np.testing.assert_array_equal(f, 1602e6 + np.array([slots[s] for s in sv]) * 562.5e3)


# --- RINEX 2 <-> 3 ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("system", "code2", "header", "code3"),
    [
        ("G", "C1", None, "C1C"),
        ("G", "P1", None, "C1W"),
        ("G", "L1", None, "L1C"),
        ("G", "L1", ["P1", "L1", "P2", "L2"], "L1W"),
        ("G", "P2", None, "C2W"),
        ("G", "L2", None, "L2W"),
        ("G", "C2", None, "C2X"),
        ("G", "L2", ["C1", "L1", "C2", "L2"], "L2X"),
        ("G", "S2", None, "S2W"),
        ("G", "D1", None, "D1C"),
        ("G", "C5", None, "C5X"),
        ("R", "C1", None, "C1C"),
        ("R", "P1", None, "C1P"),
        ("R", "C2", None, "C2C"),
        ("R", "P2", None, "C2P"),
        ("R", "L2", None, "L2P"),
        ("R", "L2", ["C1", "L1", "C2", "L2"], "L2C"),
        ("E", "C1", None, "C1X"),
        ("E", "L5", None, "L5X"),
        ("E", "C7", None, "C7X"),
        ("E", "C8", None, "C8X"),
        ("E", "S6", None, "S6X"),
        ("S", "C1", None, "C1C"),
        ("S", "L5", None, "L5X"),
        ("J", "C2", None, "C2X"),
        ("C", "C2", None, "C2I"),
        ("C", "C1", None, "C2I"),
        ("C", "L7", None, "L7I"),
        ("C", "C6", None, "C6I"),
        ("I", "C5", None, "C5A"),
        (" G", "c1", None, "C1C"),
    ],
)
def test_rinex2_to_rinex3(system, code2, header, code3):
    assert rinex2_to_rinex3(system, code2, header) == code3
    Signal(system.strip(), code3)  # always a valid RINEX 3 code


@pytest.mark.parametrize(
    ("system", "code2"),
    [("E", "P1"), ("G", "C7"), ("R", "C5"), ("G", "X1"), ("G", "C"), ("C", "C5")],
)
def test_rinex2_to_rinex3_errors(system, code2):
    with pytest.raises(ValueError):
        rinex2_to_rinex3(system, code2)


@pytest.mark.parametrize(
    ("system", "code3", "code2"),
    [
        ("G", "C1C", "C1"),
        ("G", "C1W", "P1"),
        ("G", "C2W", "P2"),
        ("G", "C2L", "C2"),
        ("G", "L2W", "L2"),
        ("G", "S1C", "S1"),
        ("R", "C1P", "P1"),
        ("R", "C2C", "C2"),
        ("E", "C5Q", "C5"),
        ("C", "C2I", "C2"),
        ("C", "L7I", "L7"),
    ],
)
def test_rinex3_to_rinex2(system, code3, code2):
    assert rinex3_to_rinex2(system, code3) == code2


@pytest.mark.parametrize(("system", "code3"), [("G", "C1L"), ("C", "C1P"), ("R", "C4A")])
def test_rinex3_to_rinex2_unrepresentable(system, code3):
    with pytest.raises(ValueError):
        rinex3_to_rinex2(system, code3)


def test_rinex2_round_trip_for_real_rinex2_header(data):
    """Every type of a real RINEX 2.11 G+R file maps to a valid RINEX 3 code and back."""
    path = data("rinex2/delf0010.21o")
    types: list[str] = []
    with open(path, errors="replace") as fh:
        for line in fh:
            if "# / TYPES OF OBSERV" in line:
                types += line[6:60].split()
            if "END OF HEADER" in line:
                break
    assert types
    for system in ("G", "R"):
        for t in types:
            try:
                code3 = rinex2_to_rinex3(system, t, types)
            except ValueError:
                assert t[1] not in "12" or (system == "R" and t[1] == "5")
                continue
            assert rinex3_to_rinex2(system, code3) == t


# --- defaults ---------------------------------------------------------------------------------
def test_default_signals_are_valid_codes():
    assert DEFAULT_SIGNAL["C"] == "C2I" and DEFAULT_SIGNAL["I"] == "C5A"
    assert DEFAULT_DUAL_FREQUENCY["G"] == ("C1C", "C2W")
    assert DEFAULT_DUAL_FREQUENCY["C"] == ("C2I", "C6I")
    for system, code in DEFAULT_SIGNAL.items():
        assert Signal(system, code).obs_type == "C"
    for system, pair in DEFAULT_DUAL_FREQUENCY.items():
        a, b = (Signal(system, c) for c in pair)
        assert a.band != b.band
    assert default_signal("E", ["C1X", "C5X"]) == "C1X"
    with pytest.raises(KeyError):
        default_signal("E", ["C5X"])
