"""Bad input for read_obs: small hand-written broken files (no real data needed)."""

from __future__ import annotations

import gzip
import warnings

import numpy as np
import pytest

from kompas.errors import KompasWarning, RinexError
from kompas.io.rinex_obs import read_obs


def h(text: str, label: str) -> str:
    return f"{text:<60}{label}\n"


HEADER3 = (
    h("     3.04           OBSERVATION DATA    M", "RINEX VERSION / TYPE")
    + h("TEST", "MARKER NAME")
    + h("G    3 C1C L1C S1C", "SYS / # / OBS TYPES")
    + h("R    2 C1C L1C", "SYS / # / OBS TYPES")
    + h("  2023     1     1     0     0    0.0000000     GPS", "TIME OF FIRST OBS")
    + h("", "END OF HEADER")
)


def epoch3(sec: int, sats: list[str], flag: int = 0) -> str:
    lines = [f"> 2023 01 01 00 00 {sec:2d}.0000000  {flag}{len(sats):3d}\n"]
    for i, sv in enumerate(sats):
        if sv[0] == "G":
            lines.append(f"{sv}  2{i}000000.123 7 1{i}0000000.45601        45.000\n")
        else:
            lines.append(f"{sv}  2{i}000001.123 6 1{i}0000001.456 6\n")
    return "".join(lines)


def write(tmp_path, text: str | bytes, name: str = "t.23o"):
    p = tmp_path / name
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return p


def test_synthetic_rinex3_values(tmp_path):
    p = write(tmp_path, HEADER3 + epoch3(0, ["G01", "R02"]) + epoch3(30, ["G01"]))
    ds = read_obs(p, strict="raise")
    assert ds.sizes == {"time": 2, "sv": 2}
    # values from the lines above, exactly as float() reads the text
    assert ds["C1C"].sel(sv="G01").values.tolist() == [20000000.123, 20000000.123]
    assert ds["L1C"].sel(sv="G01").values[0] == 100000000.456
    assert ds["L1C_lli"].sel(sv="G01").values[0] == 0
    assert ds["L1C_ssi"].sel(sv="G01").values[0] == 1
    assert ds["L1C_lli"].sel(sv="R02").values[0] == -1  # blank LLI
    assert "C1C_lli" not in ds  # no C1C carries a loss-of-lock indicator in this file
    assert ds["C1C_ssi"].sel(sv="G01").values[0] == 7
    assert ds["S1C"].sel(sv="G01").values[0] == 45.0
    assert np.isnan(ds["S1C"].sel(sv="R02").values).all()  # GLONASS has no S1C here
    assert np.isnan(ds["C1C"].sel(sv="R02").values[1])  # R02 absent at the 2nd epoch
    assert ds["time"].values[1] == np.datetime64("2023-01-01T00:00:30")
    assert ds.attrs["time_scale"] == "GPST"


def test_cut_mid_epoch_keeps_complete_epochs_and_warns(tmp_path):
    text = HEADER3 + epoch3(0, ["G01", "R02"]) + epoch3(30, ["G01", "R02", "G03"])
    cut = text[: text.index("R02", text.index("> 2023 01 01 00 00 30")) + 10]
    p = write(tmp_path, cut)
    last_epoch_line = cut.count("\n") - 1  # 1-based line of the cut epoch's '>' line
    with pytest.warns(KompasWarning, match=rf"t\.23o:{last_epoch_line}: file ends inside"):
        ds = read_obs(p)
    assert ds.sizes["time"] == 1
    assert ds.attrs["truncated_epochs"] == 1


@pytest.mark.parametrize("header, epoch", [("3", "epoch3"), ("2", "epoch2")])
def test_cut_inside_the_last_line(tmp_path, header, epoch):
    make = epoch3 if epoch == "epoch3" else epoch2
    head = HEADER3 if header == "3" else HEADER2
    text = head + make(0, ["G01", "R02"]) + make(30, ["G01", "R02"])
    cut = text.rstrip("\n")[:-3]  # the last record line lost its end (and its newline)
    # the cut value is reported and NaN, never read as another number
    with pytest.warns(KompasWarning, match="expected an F14.3 number"):
        ds = read_obs(write(tmp_path, cut))
    assert ds.sizes["time"] == 2 and ds.attrs["bad_fields"] == 1
    whole = read_obs(write(tmp_path, text, "whole.23o"))
    n_values = [
        sum(int(np.isfinite(d[v].values).sum()) for v in d.data_vars if d[v].dtype.kind == "f")
        for d in (ds, whole)
    ]
    assert n_values[0] == n_values[1] - 1  # exactly the cut value is missing
    # the same file with its final newline is complete
    assert read_obs(write(tmp_path, text, "ok.23o"), strict="raise").sizes["time"] == 2


@pytest.mark.parametrize("header, epoch", [("3", "epoch3"), ("2", "epoch2")])
def test_last_line_without_newline_is_read(tmp_path, header, epoch):
    make = epoch3 if epoch == "epoch3" else epoch2
    head = HEADER3 if header == "3" else HEADER2
    text = head + make(0, ["G01", "R02"]) + make(30, ["G01", "R02"])
    whole = read_obs(write(tmp_path, text, "ok.23o"), strict="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = read_obs(write(tmp_path, text.rstrip("\n")), strict="raise")
    assert ds.identical(whole.assign_attrs(source=ds.attrs["source"]))


def test_malformed_epoch_line_raise_names_file_and_line(tmp_path):
    bad = epoch3(30, ["G01"]).replace("00 00 30", "00 0x 30")
    p = write(tmp_path, HEADER3 + epoch3(0, ["G01"]) + bad + epoch3(59, ["G01"]))
    with pytest.raises(RinexError) as err:
        read_obs(p, strict="raise")
    assert err.value.line == 9  # header 6 lines, epoch 1 is lines 7-8
    assert "t.23o:9" in str(err.value) and "expected" in str(err.value)


def test_malformed_epoch_line_warn_skips_and_counts(tmp_path):
    bad = epoch3(30, ["G01"]).replace("00 00 30", "00 0x 30")
    p = write(tmp_path, HEADER3 + epoch3(0, ["G01"]) + bad + epoch3(59, ["G01"]))
    with pytest.warns(KompasWarning, match="t.23o:9"):
        ds = read_obs(p, strict="warn")
    assert ds.sizes["time"] == 2
    assert ds.attrs["skipped_epochs"] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = read_obs(p, strict="ignore")
    assert ds.attrs["skipped_epochs"] == 1


def test_record_count_mismatch(tmp_path):
    wrong = epoch3(30, ["G01", "G02"]).replace("  0  2\n", "  0  3\n")
    p = write(tmp_path, HEADER3 + wrong + epoch3(59, ["G01"]))
    with pytest.raises(RinexError, match="announces 3 records but 2 lines follow"):
        read_obs(p, strict="raise")
    with pytest.warns(KompasWarning):
        ds = read_obs(p)
    assert ds.sizes["time"] == 1 and ds.attrs["skipped_epochs"] == 1


def test_bad_number_field(tmp_path):
    text = HEADER3 + epoch3(0, ["G01"]).replace("20000000.123", "2000000x.123")
    p = write(tmp_path, text)
    with pytest.raises(RinexError, match=r"t\.23o:8: observation C1C of G01"):
        read_obs(p, strict="raise")
    with pytest.warns(KompasWarning, match="bad fields"):
        ds = read_obs(p)
    assert np.isnan(ds["C1C"].values[0, 0]) and ds["L1C"].values[0, 0] == 100000000.456
    assert ds.attrs["bad_fields"] == 1


def test_navigation_file_is_refused(tmp_path):
    nav = h("     3.04           N: GNSS NAV DATA    M: MIXED", "RINEX VERSION / TYPE")
    p = write(tmp_path, nav + h("", "END OF HEADER"), "brdc.23n")
    with pytest.raises(RinexError, match="navigation file, not observation data"):
        read_obs(p)


@pytest.mark.parametrize("version", ["5.00", "3.07", "1.00"])
def test_unknown_version(tmp_path, version):
    p = write(tmp_path, HEADER3.replace("     3.04", f"     {version}"))
    with pytest.raises(RinexError, match=f"unsupported RINEX version {version}"):
        read_obs(p)


def test_empty_file(tmp_path):
    with pytest.raises(RinexError, match="empty file"):
        read_obs(write(tmp_path, b""))
    with pytest.raises(RinexError, match="empty file"):
        read_obs(write(tmp_path, b"\n  \n", "blank.23o"))


def test_binary_garbage(tmp_path):
    junk = bytes(np.random.default_rng(7).integers(0, 256, 5000, dtype=np.uint8))
    with pytest.raises(RinexError, match="binary content"):
        read_obs(write(tmp_path, b"\x00\x01" + junk))


def test_not_rinex_text(tmp_path):
    with pytest.raises(RinexError, match="not a RINEX file"):
        read_obs(write(tmp_path, "hello world\nthis is text\n"))


def test_header_without_end(tmp_path):
    with pytest.raises(RinexError, match="END OF HEADER"):
        read_obs(write(tmp_path, HEADER3.replace("END OF HEADER", "COMMENT")))


def test_gzip_recognised_by_content(tmp_path):
    text = HEADER3 + epoch3(0, ["G01", "R02"])
    p = write(tmp_path, gzip.compress(text.encode()), "no_suffix.bin")
    assert read_obs(p)["C1C"].sel(sv="R02").values[0] == 21000001.123


def test_crlf_and_trailing_blank_lines(tmp_path):
    text = (HEADER3 + epoch3(0, ["G01", "R02"]) + "\n\n").replace("\n", "\r\n")
    ds = read_obs(write(tmp_path, text), strict="raise")
    assert ds["L1C"].sel(sv="R02").values[0] == 110000001.456
    assert ds["L1C_ssi"].sel(sv="R02").values[0] == 6


def test_event_flags_rinex3(tmp_path):
    external = "> 2023 01 01 00 00 15.0000000  5  0\n"
    comment = (
        f">{'':30}4  2\n"
        + h("ANTENNA CHANGED", "COMMENT")
        + h("        1.5000        0.0000        0.0000", "ANTENNA: DELTA H/E/N")
    )
    slip = "> 2023 01 01 00 00 30.0000000  6  1\nG01  20000000.123 7\n"
    text = HEADER3 + epoch3(0, ["G01"], flag=1) + external + comment + slip + epoch3(30, ["G01"])
    ds = read_obs(write(tmp_path, text), strict="raise")
    assert ds.sizes["time"] == 2
    flags = [ev["flag"] for ev in ds.attrs["epoch_flags"]]
    assert flags == [1, 5, 4, 6]
    assert ds.attrs["antenna_delta_hen_m"] == [1.5, 0.0, 0.0]  # applied from the event
    assert ds.attrs["epoch_flags"][3]["cycle_slip_sv"] == ["G01"]
    assert "ANTENNA CHANGED" in ds.attrs["comments"][0]


def test_new_obs_types_inside_rinex3_data(tmp_path):
    change = "> 2023 01 01 00 00 15.0000000  4  1\n" + h("G    1 S1C", "SYS / # / OBS TYPES")
    later = "> 2023 01 01 00 00 30.0000000  0  1\nG05        41.250\n"
    text = HEADER3 + epoch3(0, ["G01"]) + change + later
    ds = read_obs(write(tmp_path, text), strict="raise")
    assert ds["S1C"].sel(sv="G05").values[1] == 41.25
    assert ds["S1C"].sel(sv="G01").values[0] == 45.0


HEADER2 = (
    h("     2.11           OBSERVATION DATA    M (MIXED)", "RINEX VERSION / TYPE")
    + h("     6    L1    L2    C1    P2    P1    S1", "# / TYPES OF OBSERV")
    + h("  2021     1     1     0     0    0.0000000     GPS", "TIME OF FIRST OBS")
    + h("", "END OF HEADER")
)


def epoch2(sec: int, sats: list[str], flag: int = 0) -> str:
    ids = "".join(sats)
    head = f" 21  1  1  0  0 {sec:2d}.0000000  {flag}{len(sats):3d}"
    lines = [head + ids[:36] + "\n"]
    for i in range(36, len(ids), 36):
        lines.append(" " * 32 + ids[i : i + 36] + "\n")
    for i, _ in enumerate(sats):
        lines.append(
            f" 1{i:02d}298057.858 6  98414080.64743  24033720.416    24033721.351    24033719.353\n"
        )
        lines.append("        40.000\n")
    return "".join(lines)


def test_synthetic_rinex2_with_continuation(tmp_path):
    sats = [f"G{i:02d}" for i in range(1, 11)] + ["R01", "R02", "R03", " 11"]
    p = write(tmp_path, HEADER2 + epoch2(0, sats) + epoch2(30, sats[:3]))
    ds = read_obs(p, strict="raise")
    assert ds.sizes == {"time": 2, "sv": 14}
    assert "G11" in ds["sv"].values  # blank system letter means GPS
    assert ds["L1C"].sel(sv="R03").values[0] == 112298057.858
    assert ds["L2W"].sel(sv="G01").values[0] == 98414080.647
    assert ds["L2W_lli"].sel(sv="G01").values[0] == 4
    assert ds["L2P_ssi"].sel(sv="R01").values[0] == 3
    assert ds["C1W"].sel(sv="G02").values[0] == 24033719.353  # P1 of GPS
    assert ds["C1P"].sel(sv="R02").values[0] == 24033719.353  # P1 of GLONASS
    assert ds["S1C"].sel(sv="G02").values[1] == 40.0
    assert ds["C1C"].attrs["rinex2_code"] == "C1"


def test_rinex2_truncated_and_malformed(tmp_path):
    sats = ["G01", "G02"]
    text = HEADER2 + epoch2(0, sats) + epoch2(30, sats)
    cut = text[: len(text) - 30]
    with pytest.warns(KompasWarning, match=r"t\.23o:10: file ends inside"):
        ds = read_obs(write(tmp_path, cut))
    assert ds.sizes["time"] == 1
    bad = (
        HEADER2 + epoch2(0, sats) + epoch2(30, sats).replace("0 30.0", "0 3x.0") + epoch2(45, sats)
    )
    with pytest.raises(RinexError, match=r"t\.23o:10: malformed epoch time, expected ' yy mm dd"):
        read_obs(write(tmp_path, bad), strict="raise")
    with pytest.warns(KompasWarning):
        ds = read_obs(write(tmp_path, bad))
    assert ds.sizes["time"] == 2 and ds.attrs["skipped_epochs"] == 1


def test_rinex2_new_obs_types_event(tmp_path):
    event = " 21  1  1  0  0 15.0000000  4  1\n" + h("     2    C1    S1", "# / TYPES OF OBSERV")
    later = " 21  1  1  0  0 30.0000000  0  1G05\n  20000000.125          41.500\n"
    ds = read_obs(write(tmp_path, HEADER2 + epoch2(0, ["G01"]) + event + later), strict="raise")
    assert ds["C1C"].sel(sv="G05").values[1] == 20000000.125
    assert ds["S1C"].sel(sv="G05").values[1] == 41.5
    assert ds["L1C"].sel(sv="G01").values[0] == 100298057.858
