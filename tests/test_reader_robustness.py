"""Issue 8: each crash site and each silent loss found by fuzzing, on small hand-made files.

Seeds come from ``tests/fuzz_helpers.py`` (hand-written, no real data).
"""

from __future__ import annotations

import warnings

import hatanaka
import numpy as np
import pytest

import fuzz_helpers as F
from kompas.errors import KompasError, KompasWarning, RinexError, StationNotFoundError
from kompas.io.rinex_clock import read_rinex_clock
from kompas.io.rinex_nav import read_nav
from kompas.io.rinex_obs import read_obs
from kompas.io.sinex import read_sinex_coordinates, station_position
from kompas.io.sp3 import read_sp3

_READERS = {
    "obs3": read_obs,
    "nav3": read_nav,
    "sp3": read_sp3,
    "clk300": read_rinex_clock,
    "snx": read_sinex_coordinates,
}


def _write(tmp_path, data: bytes | str, name: str = "f.txt"):
    p = tmp_path / name
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


def _quiet(reader, path, **kw):
    """Read and fail on any warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return reader(path, **kw)


# ---------------------------------------------------------------------------- crash sites
@pytest.mark.parametrize("name", sorted(_READERS))
def test_directory_raises_is_a_directory_error(tmp_path, name):
    with pytest.raises(IsADirectoryError):
        _READERS[name](tmp_path)


@pytest.mark.parametrize("name", sorted(_READERS))
def test_corrupt_gzip_names_the_container(tmp_path, name):
    import gzip

    gz = bytearray(gzip.compress(F.seed_bytes(name), mtime=0))
    gz[12] ^= 0xFF
    with pytest.raises(KompasError, match="corrupt or truncated gzip stream"):
        _READERS[name](_write(tmp_path, bytes(gz), "x.gz"))


def test_corrupt_zip_names_the_member(tmp_path):
    data = (F.CORPUS_DIR / "nav_corrupt_member.zip").read_bytes()
    with pytest.raises(KompasError, match="zip member 'brdc.rnx'"):
        read_nav(_write(tmp_path, data, "x.zip"))


def test_lzw_magic_without_lzw_data(tmp_path):
    with pytest.raises(KompasError, match=r"Unix-compress \(.Z, LZW\)"):
        read_sp3(_write(tmp_path, b"\x1f\x9d" + F.seed_bytes("sp3")[:100], "x.Z"))


def test_station_not_in_sinex_names_station_file_and_stations(tmp_path):
    p = _write(tmp_path, F.seed_bytes("snx"), "x.snx")
    with pytest.raises(StationNotFoundError) as err:
        station_position(p, "NIST")
    assert isinstance(err.value, KeyError) and isinstance(err.value, KompasError)
    assert "'NIST'" in str(err.value) and "x.snx" in str(err.value)
    assert "FUZZ" in str(err.value) and err.value.available == ["FUZZ"]


# ------------------------------------------------------------------------ cut / bad fields
def test_clock_value_cut_mid_field_is_never_another_number(tmp_path):
    text = F.seed_bytes("clk300").decode()
    lines = text.splitlines(keepends=True)
    k = next(i for i, ln in enumerate(lines) if ln.startswith("AS E05"))
    lines[k] = lines[k].rstrip("\n")[:-6] + "\n"  # '...E-06' lost its last 6 characters
    p = _write(tmp_path, "".join(lines), "cut.clk")
    with pytest.raises(RinexError) as err:
        read_rinex_clock(p, strict="raise")
    assert err.value.line == k + 1
    with pytest.warns(KompasWarning, match="malformed clock data record"):
        ds = read_rinex_clock(p)
    assert ds.attrs["n_skipped_records"] == 1
    assert np.isnan(ds.clock_s.sel(sv="E05").values[0])


def test_sp3_value_cut_mid_field_is_never_another_number(tmp_path):
    text = F.seed_bytes("sp3").decode()
    lines = text.splitlines(keepends=True)
    k = next(i for i, ln in enumerate(lines) if ln.startswith("PE05"))
    lines[k] = lines[k][:55] + "\n"  # the clock field lost its last 5 characters
    p = _write(tmp_path, "".join(lines), "cut.sp3")
    with pytest.raises(KompasError):
        read_sp3(p, strict="raise")
    with pytest.warns(KompasWarning, match="malformed position record"):
        ds = read_sp3(p)
    assert np.isnan(ds.clock_s.sel(sv="E05").values[0])


def test_sp3_fewer_epochs_missing_record_and_no_eof_are_warned(tmp_path):
    text = F.seed_bytes("sp3").decode()
    cut = text[: text.index("*  2023  1  1  0 10")]  # last epoch and EOF gone
    with pytest.warns(KompasWarning) as rec:
        ds = read_sp3(_write(tmp_path, cut, "short.sp3"))
    messages = " ".join(str(w.message) for w in rec)
    assert "announces 3 epochs, the file holds 2" in messages
    assert "no 'EOF' line" in messages
    assert ds.sizes["time"] == 2
    lines = text.splitlines(keepends=True)
    del lines[next(i for i, ln in enumerate(lines) if ln.startswith("PE05"))]
    with pytest.warns(KompasWarning, match="header lists 2 satellites; 1 of 3 epochs"):
        read_sp3(_write(tmp_path, "".join(lines), "missing.sp3"))


def test_nav_inf_and_nan_texts_are_refused(tmp_path):
    text = F.seed_bytes("nav3").decode()
    bad = text.replace("1.866000000000D+03", "               inf", 1)
    p = _write(tmp_path, bad, "inf.rnx")
    with pytest.raises(RinexError, match="not a number"):
        read_nav(p, strict="raise")
    with pytest.warns(KompasWarning):
        nav = read_nav(p)
    assert nav.skipped["broken"] == 1
    assert np.isfinite(nav.ephemerides["G_LNAV"].select_dtypes("number").to_numpy()).any()


@pytest.mark.parametrize("version", ["3.99", "9.99", "5.00", "1.00", "-3.0", " nan"])
def test_nav_unknown_version_refused_with_the_supported_list(tmp_path, version):
    text = F.seed_bytes("nav3").decode().replace("3.04", version, 1)
    with pytest.raises(RinexError, match=r"supported: 2.00-2.12, 3.00-3.05, 4.00-4.02"):
        read_nav(_write(tmp_path, text, "v.rnx"))


@pytest.mark.parametrize("version", ["3.03", "3.99", "1.00", "4.00"])
def test_clock_unknown_version_refused_with_the_supported_list(tmp_path, version):
    text = F.seed_bytes("clk300").decode().replace("3.00", version, 1)
    with pytest.raises(RinexError, match=r"supported: 2.00, 3.00, 3.01, 3.02, 3.04"):
        read_rinex_clock(_write(tmp_path, text, "v.clk"))


def test_sinex_unknown_version_and_truncation(tmp_path):
    text = F.seed_bytes("snx").decode()
    with pytest.raises(KompasError, match="unsupported SINEX version '9.99'"):
        read_sinex_coordinates(_write(tmp_path, text.replace("2.02", "9.99", 1), "v.snx"))
    cut = text[: text.index("     5 VELY")]
    with pytest.warns(KompasWarning) as rec:
        df = read_sinex_coordinates(_write(tmp_path, cut, "cut.snx"))
    messages = " ".join(str(w.message) for w in rec)
    assert "never closed" in messages and "declares 6 estimated parameters" in messages
    assert len(df) == 1


# --------------------------------------------------------------------- observation files
def test_obs_duplicate_epoch_keeps_the_first_and_warns(tmp_path):
    text = F.seed_bytes("obs3").decode()
    head, first = text.split("> 2023 01 01 00 00  0")[0], text.index("> 2023 01 01 00 00  0")
    block = text[first : text.index("> 2023 01 01 00 00 30")]
    other = block.replace("20123456.789", "20123999.789")
    p = _write(tmp_path, text + other, "dup.23o")
    with pytest.raises(RinexError, match="same epoch with other values"):
        read_obs(p, strict="raise")
    with pytest.warns(KompasWarning, match="the first is kept"):
        ds = read_obs(p)
    assert ds.attrs["duplicate_records"] == 1
    assert ds["C1C"].sel(sv="G01").values[0] == 20123456.789
    # an exact copy of the epoch merges silently
    same = _quiet(read_obs, _write(tmp_path, text + block, "same.23o"))
    assert same["C1C"].identical(_quiet(read_obs, _write(tmp_path, text, "ok.23o"))["C1C"])
    assert head


def test_obs_satellite_twice_in_an_epoch_keeps_the_first(tmp_path):
    text = F.seed_bytes("obs3").decode()
    lines = text.splitlines(keepends=True)
    k = next(i for i, ln in enumerate(lines) if ln.startswith("G07"))
    lines[k] = lines[k].replace("G07", "G01", 1)
    with pytest.warns(KompasWarning, match="second record of G01"):
        ds = read_obs(_write(tmp_path, "".join(lines), "twice.23o"))
    assert ds["C1C"].sel(sv="G01").values[0] == 20123456.789


def test_obs_type_count_checked_rinex2_missing_continuation(tmp_path):
    text = F.seed_bytes("obs2").decode()
    text = text.replace("    P1    S1", " " * 12, 1)  # 6 declared, 4 listed
    with pytest.warns(KompasWarning, match="declares 6 observation types but lists 4"):
        ds = read_obs(_write(tmp_path, text, "types.21o"))
    # the layout follows the declared count: the named types keep their values
    assert ds.sizes["time"] == 3 and ds.attrs["skipped_epochs"] == 0
    assert ds["C1C"].sel(sv="G01").values[0] == 20033720.416


def test_obs_type_count_checked_rinex3(tmp_path):
    text = F.seed_bytes("obs3").decode().replace("G    4 C1C", "G    5 C1C", 1)
    with pytest.warns(KompasWarning, match="system G declares 5 observation types but lists 4"):
        read_obs(_write(tmp_path, text, "types.23o"))


def test_rinex2_year_minus_zero_is_not_2000(tmp_path):
    text = F.seed_bytes("obs2").decode().replace(" 21  1  1  0  0 30", " -0  1  1  0  0 30", 1)
    p = _write(tmp_path, text, "year.21o")
    with pytest.raises(RinexError):
        read_obs(p, strict="raise")
    with pytest.warns(KompasWarning):
        ds = read_obs(p)
    assert ds.sizes["time"] == 2 and ds.attrs["skipped_epochs"] == 1
    assert (ds["time"].values >= np.datetime64("2021-01-01")).all()


@pytest.mark.parametrize("name", ["obs3", "obs2"])
def test_final_line_without_newline_plain_and_hatanaka(tmp_path, name):
    text = F.seed_bytes(name)
    whole = _quiet(read_obs, _write(tmp_path, text, "a.obs"))
    for data in (text.rstrip(b"\n"), hatanaka.rnx2crx(text).rstrip(b"\n")):
        ds = _quiet(read_obs, _write(tmp_path, data, "b.obs"))
        assert ds.sizes == whole.sizes
        for v in whole.data_vars:
            np.testing.assert_array_equal(ds[v].values, whole[v].values)


@pytest.mark.parametrize("name", sorted(_READERS))
def test_utf8_bom_is_accepted(tmp_path, name):
    plain = _quiet(_READERS[name], _write(tmp_path, F.seed_bytes(name), "a.txt"))
    bom = _quiet(_READERS[name], _write(tmp_path, b"\xef\xbb\xbf" + F.seed_bytes(name), "b.txt"))
    if name == "nav3":
        plain, bom = plain.ephemerides["G_LNAV"], bom.ephemerides["G_LNAV"]
        plain, bom = plain.drop(columns="source_file"), bom.drop(columns="source_file")
        assert plain.equals(bom)
    elif name == "snx":
        assert plain.equals(bom)
    else:
        for v in plain.data_vars:
            np.testing.assert_array_equal(plain[v].values, bom[v].values)


def test_messages_carry_no_numpy_reprs(tmp_path):
    text = F.seed_bytes("nav3").decode().replace("G08 2015", "X08 2015", 1)
    with pytest.warns(KompasWarning) as rec:
        read_nav(_write(tmp_path, text, "x.rnx"))
    assert all("np." not in str(w.message) for w in rec)
    assert any("unknown satellite system 'X'" in str(w.message) for w in rec)


# ------------------------------------------------------------------------ RINEX clock 3.04
def test_clock_304_header_as_the_specification_lays_it_out(tmp_path):
    text = F.seed_bytes("clk304").decode()
    first = text.splitlines()[0]
    # RINEX clock 3.04 Table A1: F4.2 version, 'C' in column 22, system in 43, label at 66
    assert first[:4] == "3.04" and first[21] == "C" and first[42] == "M"
    assert first[65:] == "RINEX VERSION / TYPE"
    ds = _quiet(read_rinex_clock, _write(tmp_path, text, "cod.clk"))
    assert ds.attrs["rinex_version"] == 3.04 and ds.attrs["analysis_center"] == "TST"
    assert list(ds.station.values) == ["NIST00USA"] and list(ds.sv.values) == ["G01"]
    np.testing.assert_allclose(
        ds.clock_s.sel(sv="G01").values, [0.230218024731e-3, 0.230219024731e-3], rtol=0, atol=0
    )
    assert ds.clock_sigma_s.sel(sv="G01").values[0] == 2e-11
    assert ds.receiver_clock_s.values[:, 0].tolist() == [0.123456789012e-6, 0.124456789012e-6]
