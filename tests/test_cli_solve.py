"""``kompas solve`` and ``kompas sisre`` on the ordinary mistakes of issue 10: each gets one
clear line on stderr and the exit code of :mod:`kompas.cli.common`, never a traceback.

Uses the 5-minute NIST excerpt (10 epochs at 01:00-01:04:30 GPST) and the day's broadcast
file; every run takes about a second.
"""

from __future__ import annotations

import json

import pytest

from kompas.cli.common import EXIT_DATA, EXIT_NO_RESULT, EXIT_OK, EXIT_USAGE
from kompas.cli.main import main

OBS5 = "nist-2023-001/NIST00USA_R_20230010100_05M_30S_MO.crx.gz"
NAV = "nist-2023-001/BRDC00IGS_R_20230010000_01D_MN.rnx.gz"
SNX = "truth/IGS0OPSSNX_20240350000_01D_01D_CRD.SNX"
SP3 = "nist-2023-001/WUM0MGXFIN_20230010000_01D_05M_ORB.SP3.gz"
CLK = "nist-2023-001/WUM0MGXFIN_20230010000_01D_30S_CLK.CLK.gz"
SP3_2015 = "rinex2/test_input_sp3_nav_2015_200.sp3"
TRUTH = "-1288398.5841,-4721696.9371,4078625.3396"


def _run(capsys, args: list[str]) -> tuple[int, str, list[str]]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, [ln for ln in err.splitlines() if ln.strip()]


@pytest.fixture(scope="module")
def nav_0608(data, tmp_path_factory):
    """The day's GPS records with a clock epoch between 06:00 and 08:00 only."""
    from kompas.io.rinex_nav import read_nav
    from kompas.io.rinex_nav_writer import write_nav
    from kompas.time import Time

    nav = read_nav(data(NAV))
    lo, hi = Time.parse("2023-01-01T06:00:00").ns, Time.parse("2023-01-01T08:00:00").ns
    df = nav["G_LNAV"]
    path = tmp_path_factory.mktemp("nav") / "gps_0608.rnx"
    write_nav({"G_LNAV": df[(df.toc_ns >= lo) & (df.toc_ns <= hi)]}, path)
    return path


@pytest.mark.parametrize(
    ("systems", "expected"), [("GLONASS", "R"), ("G,E", "GE"), ("gps galileo", "GE")]
)
def test_systems_by_name_or_letters(data, capsys, systems, expected):
    code, out, err = _run(capsys, ["solve", data(OBS5), data(NAV), "--systems", systems, "--json"])
    report = json.loads(out)
    assert code == EXIT_OK and report["systems"] == expected
    assert report["epochs_solved"] == 10
    assert not any("','" in w or "system ," in w for w in report["warnings"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--systems", "XYZ"], "unknown system 'XYZ'"),
        (["--elmask", "95"], "not in the range 0.0<=x<=90.0"),
        (["--elmask", "-5"], "not in the range 0.0<=x<=90.0"),
        (["--start", "noon"], "is not an epoch"),
        (["--start", "01:03", "--end", "01:01"], "before --start"),
        (["--station", "NIST"], "--station names the station of --truth-sinex"),
        (["--truth", "1,2"], "Invalid value for --truth: expected X,Y,Z"),
        (["-o", "/nonexistent-folder/x.pos"], "no folder /nonexistent-folder"),
        (["--iono", "nequick"], "'nequick' is not one of 'broadcast'"),
    ],
)
def test_usage_errors(data, capsys, args, words):
    code, _, err = _run(capsys, ["solve", data(OBS5), data(NAV), *args])
    assert code == EXIT_USAGE
    assert any(words in ln for ln in err), err


def test_no_nav_and_no_sp3_is_a_usage_error(data, capsys):
    code, _, err = _run(capsys, ["solve", data(OBS5)])
    assert code == EXIT_USAGE and any("--sp3" in ln for ln in err)


def test_no_epoch_solved_names_the_reason_and_the_spans(data, capsys, nav_0608):
    # --truth on an empty solution used to end in KeyError: 'rms_horizontal_m'
    code, _, err = _run(capsys, ["solve", data(OBS5), nav_0608, "--systems", "G", "--truth", TRUTH])
    assert code == EXIT_NO_RESULT
    assert err[-1].startswith("kompas: 10 of 10 epochs unsolved: no usable ephemeris (10)")
    assert "nav covers 2023-01-01 06:00–2023-01-01 08:00 GPST" in err[-1]
    assert "obs 2023-01-01 01:00–2023-01-01 01:04 GPST" in err[-1]


def test_no_epoch_solved_with_json_still_prints_the_report(data, capsys, nav_0608):
    code, out, err = _run(capsys, ["solve", data(OBS5), nav_0608, "--systems", "G", "--json"])
    report = json.loads(out)
    assert code == EXIT_NO_RESULT and report["epochs_solved"] == 0
    assert report["unsolved"].startswith("10 of 10 epochs unsolved: no usable ephemeris")
    assert "no usable ephemeris" in err[-1]


def test_sp3_of_another_day_is_no_result(data, capsys):
    code, _, err = _run(capsys, ["solve", data(OBS5), data(NAV), "--sp3", data(SP3_2015)])
    assert code == EXIT_NO_RESULT
    assert "no usable ephemeris (10) — SP3 covers 2015-07-19 00:00–23:55 GPST" in err[-1]


def test_precise_orbits_solve(data, capsys, tmp_path):
    out_pos = tmp_path / "sp3.pos"
    args = ["solve", data(OBS5), data(NAV), "--sp3", data(SP3), "--clk", data(CLK)]
    code, out, _ = _run(
        capsys, [*args, "--systems", "GE", "--truth", TRUTH, "-o", out_pos, "--json"]
    )
    report = json.loads(out)
    assert code == EXIT_OK and report["epochs_solved"] == 10
    # single-frequency with the broadcast ionosphere: metres, as with broadcast orbits
    assert report["accuracy"]["rms_horizontal_m"] < 5.0
    header = [ln for ln in out_pos.read_text().splitlines() if ln.startswith("%")]
    assert any(ln.startswith("% frame     : IGS20") for ln in header)


def test_start_end_window(data, capsys):
    args = ["solve", data(OBS5), data(NAV), "--start", "01:01", "--end", "2023-01-01T01:02:00"]
    code, out, _ = _run(capsys, [*args, "--json"])
    assert code == EXIT_OK and json.loads(out)["epochs"] == 3  # 01:01:00, 01:01:30, 01:02:00
    code, _, err = _run(capsys, ["solve", data(OBS5), data(NAV), "--start", "03:00"])
    assert code == EXIT_NO_RESULT
    assert "no observation epoch between 2023-01-01 03:00:00" in err[-1]
    assert "spans 2023-01-01 01:00–01:04 GPST" in err[-1]


def test_station_not_in_sinex_is_one_data_error(data, capsys):
    args = ["solve", data(OBS5), data(NAV), "--truth-sinex", data(SNX), "--station", "ZZZZ"]
    code, _, err = _run(capsys, args)
    assert code == EXIT_DATA and len(err) == 1
    assert err[0].startswith("kompas: error: station ZZZZ is not in") and "492 stations" in err[0]


def test_station_option_picks_the_sinex_entry(data, capsys):
    args = ["solve", data(OBS5), data(NAV), "--systems", "G", "--truth-sinex", data(SNX)]
    code, out, _ = _run(capsys, [*args, "--station", "nist", "--json"])
    report = json.loads(out)
    assert code == EXIT_OK and report["truth"]["station"] == "NIST"
    assert report["accuracy"]["solved"] == 10


def test_sisre_mistakes(data, capsys):
    base = ["sisre", data(NAV), "--sp3", data(SP3_2015)]
    code, _, err = _run(capsys, [*base, "--systems", "XYZ"])
    assert code == EXIT_USAGE and any("unknown system 'XYZ'" in ln for ln in err)
    code, _, err = _run(capsys, [*base, "--interval", "0"])
    assert code == EXIT_USAGE and any("not in the range x>0.0" in ln for ln in err)
    # an SP3 of another day: no empty table and plot with exit 0, but the reason
    code, out, err = _run(capsys, [*base, "--interval", "3600", "--plot", "x.png"])
    assert code == EXIT_NO_RESULT and out == ""
    assert "precise orbits cover 2015-07-19 00:00–23:55" in err[-1]
    assert "different days" in err[-1]


def test_sisre_table_fits_80_columns(data, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    args = ["sisre", data(NAV), "--sp3", data(SP3), "--clk", data(CLK), "--interval", "3600"]
    code, out, _ = _run(capsys, [*args, "--systems", "GEC"])
    assert code == EXIT_OK
    lines = out.splitlines()
    assert max(len(ln) for ln in lines) <= 80 and "…" not in out
    table = "\n".join(lines[:12])
    for group in ("BDS-2 MEO", "BDS-3 MEO", "Galileo", "GPS"):
        assert group in table  # whole labels, not "BDS…" twice


def test_info_fits_80_columns(data, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = _run(capsys, ["info", data(OBS5)])
    assert code == EXIT_OK
    assert max(len(ln) for ln in out.splitlines()) <= 80 and "…" not in out
    assert "NIST00USA_R_20230010100_05M_30S_MO" in out.replace("\n", "").replace(" ", "")


def test_antex_without_the_receiver_antenna_is_one_data_error(data, capsys):
    args = ["solve", data(OBS5), data(NAV), "--antex", data("antex/test.atx")]
    code, _, err = _run(capsys, args)
    assert code == EXIT_DATA and len(err) == 1
    assert "receiver antenna 'NOV750.R4' radome 'NONE' not in the file" in err[0]


def test_antex_calibration_is_applied_and_named(data, capsys, tmp_path):
    # plumbing only: a real calibration (TRM59800.80) relabelled as NIST's antenna type
    atx = tmp_path / "nov.atx"
    text = data("antex/test.atx").read_text()
    atx.write_text(text.replace("TRM59800.80     NONE", "NOV750.R4       NONE"))
    args = ["solve", data(OBS5), data(NAV), "--systems", "GE", "--antex", atx, "--json"]
    code, out, _ = _run(capsys, args)
    report = json.loads(out)
    assert code == EXIT_OK and report["epochs_solved"] == 10
    assert report["antenna"].startswith("NOV750.R4 NONE (PCO+PCV from ANTEX)")
