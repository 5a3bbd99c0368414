"""``kompas offsets``, ``kompas plan`` and ``kompas report`` on ordinary mistakes (issue 10,
Build item 4): each is a usage error (2), a data error naming the file (1) or "no result"
with the counted reason (3), with one clear line on stderr and never a traceback; tables fit
80 columns and ``--json`` works.

Small inputs: the 5-minute NIST excerpt, one-hour planning spans at 10-minute epochs and the
one-hour KMS3 RINEX 4 navigation file.
"""

from __future__ import annotations

import json

import pytest

from kompas.cli.common import EXIT_DATA, EXIT_NO_RESULT, EXIT_OK, EXIT_USAGE
from kompas.cli.main import main

OBS5 = "nist-2023-001/NIST00USA_R_20230010100_05M_30S_MO.crx.gz"
NAV = "nist-2023-001/BRDC00IGS_R_20230010000_01D_MN.rnx.gz"
NAV4 = "rinex4/KMS300DNK_R_20221591000_01H_MN.rnx.gz"  # 2022-06-08, RINEX 4 with STO
GAL = "ajac-2024-210/GRAS00FRA_R_20242100000_01D_EN.rnx.gz"  # Galileo only, 2024-07-28
SNX = "truth/IGS0OPSSNX_20240350000_01D_01D_CRD.SNX"
SP3_2009 = "rinex2/igl15253.sp3"
SPAN = ["--start", "2023-01-01T01:00", "--end", "2023-01-01T02:00"]
SITE = ["plan", "--site", "40,-105", *SPAN]


def _run(capsys, args: list) -> tuple[int, str, list[str]]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, [ln for ln in err.splitlines() if ln.strip()]


def _one_line(err: list[str], code: int) -> str:
    """The single message line: the only line for data errors and no-result, the only
    ``Error:`` line under click's usage lines for usage errors; never a traceback."""
    assert not any("Traceback" in ln for ln in err), err
    if code == EXIT_USAGE:
        errors = [ln for ln in err if ln.startswith("Error:")]
        assert len(errors) == 1, err
        return errors[0]
    assert len(err) == 1, err
    return err[0]


@pytest.fixture(scope="module")
def gps_nav_0608(data, tmp_path_factory):
    """The NIST day's GPS records with a clock epoch between 06:00 and 08:00 only (written
    without TIME SYSTEM CORR lines)."""
    from kompas.io.rinex_nav import read_nav
    from kompas.io.rinex_nav_writer import write_nav
    from kompas.time import Time

    nav = read_nav(data(NAV))
    lo, hi = Time.parse("2023-01-01T06:00:00").ns, Time.parse("2023-01-01T08:00:00").ns
    df = nav["G_LNAV"]
    path = tmp_path_factory.mktemp("nav") / "gps_0608.rnx"
    write_nav({"G_LNAV": df[(df.toc_ns >= lo) & (df.toc_ns <= hi)]}, path)
    return path


# ------------------------------------------------------------------------------ offsets
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--systems", "XYZ"], "unknown system 'XYZ'; valid: letters GRECJIS"),
        (["--interval", "0"], "0.0 is not in the range x>0.0"),
        (["--interval", "-5"], "-5.0 is not in the range x>0.0"),
        (["--interval", "inf"], "'--interval': inf is not a finite number"),
        (["--plot", "/nonexistent-folder/x.png"], "no folder /nonexistent-folder"),
        (["--systems", "E", "--obs", "@OBS5"], "has no GPS"),
    ],
)
def test_offsets_usage_errors(data, capsys, args, words):
    args = [data(OBS5) if a == "@OBS5" else a for a in args]
    code, _, err = _run(capsys, ["offsets", data(NAV4), *args])
    assert code == EXIT_USAGE and words in _one_line(err, code)


def test_offsets_data_errors_name_the_file(data, capsys, tmp_path):
    junk = tmp_path / "junk.rnx"
    junk.write_text("not a RINEX file\n")
    code, _, err = _run(capsys, ["offsets", junk])
    assert code == EXIT_DATA and str(junk) in _one_line(err, code)
    code, _, err = _run(capsys, ["offsets", tmp_path])  # a directory
    assert code == EXIT_USAGE and "is a directory" in _one_line(err, code)
    # observations of 2023 against the navigation data of 2022-06-08
    code, _, err = _run(capsys, ["offsets", data(NAV4), "--obs", data(OBS5)])
    line = _one_line(err, code)
    assert code == EXIT_DATA and "KMS300DNK_R_20221591000_01H_MN.rnx.gz" in line
    assert "another day" in line


def test_offsets_without_time_offsets_is_no_result(capsys, gps_nav_0608):
    code, _, err = _run(capsys, ["offsets", gps_nav_0608])
    assert code == EXIT_NO_RESULT
    line = _one_line(err, code)
    assert line.startswith("kompas: gps_0608.rnx: 0 system time offsets (no TIME SYSTEM CORR")
    assert line.endswith(" broadcast records") and "among 0 " not in line


def test_offsets_tables_fit_80_columns_and_json(data, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = _run(capsys, ["offsets", data(NAV4), "--systems", "GPS,Galileo"])
    assert code == EXIT_OK and not err
    assert "Broadcast time offsets" in out and max(map(len, out.splitlines())) <= 80
    assert "…" not in out
    code, out, _ = _run(capsys, ["offsets", data(NAV4), "--json", "--unit", "m"])
    assert code == EXIT_OK and json.loads(out)["series"]


# ------------------------------------------------------------------------------ plan
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--elmask", "95"], "95.0 is not in the range 0.0<=x<=90.0"),
        (["--elmask", "-5"], "-5.0 is not in the range 0.0<=x<=90.0"),
        (["--interval", "0"], "'--interval': 0.0 is not in the range x>0.0"),
        (["--pdop-max", "0"], "'--pdop-max': 0.0 is not in the range x>0.0"),
        (["--pdop-max", "nan"], "'--pdop-max': nan is not a finite number"),
        (["--elmask", "nan"], "'--elmask': nan is not a finite number"),
        (["--min-sats", "0"], "'--min-sats': 0 is not in the range x>=1"),
        (["--systems", "XYZ"], "unknown system 'XYZ'"),
        (["--systems", "G,E", "--mix", "GR"], "mix 'GR' uses systems outside --systems 'GE'"),
        (["--systems", "GPS", "--minus-one"], "needs a mix of two systems or more"),
        (["--plot", "/nonexistent-folder/x.png"], "no folder /nonexistent-folder"),
    ],
)
def test_plan_option_usage_errors(capsys, args, words):
    code, _, err = _run(capsys, [*SITE, "--nominal", *args])
    assert code == EXIT_USAGE and words in _one_line(err, code)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--site", "100,0", *SPAN], "latitude 100 in '100,0' is not in the range -90..90"),
        (["--site", "40,500", *SPAN], "longitude 500 in '40,500' is not in the range"),
        (["--site", "40", *SPAN], "expected LAT,LON[,H]"),
        (
            ["--site", "40,-105", "--start", "2023-01-01T02:00", "--end", "2023-01-01T01:00"],
            "--end 2023-01-01 01:00:00 is before --start 2023-01-01 02:00:00",
        ),
        (["--site", "40,-105", "--start", "noon", "--end", "2023-01-01"], "is not an epoch"),
        (["--site", "40,-105", "--start", "01:00", "--end", "02:00"], "a time of day needs"),
        (["--grid", "0,0,10", *SPAN], "W,S,E,N in degrees, got '0,0,10'"),
        (["--grid", "10,0,0,10", *SPAN], "-90 <= S <= N <= 90 and W <= E"),
        (["--grid", "0,0,10,10", "--step", "-2", *SPAN], "'--step': -2.0 is not in the range"),
        (["--grid", "global", "--step", "0.01", *SPAN], "(epoch, point) pairs, more than 5e+07"),
        (["--site", "40,-105", *SPAN, "--nav", "@NAV"], "give exactly one of --nav, --sp3"),
        ([*SPAN], "give exactly one of --site, --route, --grid"),
    ],
)
def test_plan_where_and_when_usage_errors(data, capsys, args, words):
    args = [data(NAV) if a == "@NAV" else a for a in args]
    code, _, err = _run(capsys, ["plan", *args, "--nominal"])
    assert code == EXIT_USAGE and words in _one_line(err, code)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("time,lat,lon\n2023-01-01T01:00:00,abc,1\n", "line 2: lat 'abc' is not a number"),
        ("time,lat,lon\n2023-01-01T01:00:00,95,1\n", "line 2: lat '95'"),
        ("time,lat,lon\nyesterday,45,1\n", "line 2: time 'yesterday'"),
        ("foo,bar\n1,2\n", "columns foo, bar; expected CSV columns time"),
        ("time,lat,lon\n", "no row"),
        ("", "not a CSV table"),
    ],
)
def test_plan_malformed_route_is_a_usage_error(capsys, tmp_path, text, words):
    route = tmp_path / "route.csv"
    route.write_text(text)
    code, _, err = _run(capsys, ["plan", "--route", route, *SPAN, "--nominal"])
    line = _one_line(err, code)
    assert code == EXIT_USAGE and str(route) in line and words in line


def test_plan_obstruction_file_is_checked(capsys, tmp_path):
    bad = tmp_path / "mask.txt"
    bad.write_text("azimuth elevation\n")
    code, _, err = _run(capsys, [*SITE, "--nominal", "--obstruction", bad])
    line = _one_line(err, code)
    assert code == EXIT_USAGE and str(bad) in line and "azimuth_deg, min_elevation_deg" in line


def test_plan_orbit_data_errors_name_the_file(data, capsys):
    # navigation data of 2022-06-08 for a plan on 2023-01-01
    code, _, err = _run(capsys, [*SITE, "--nav", data(NAV4)])
    line = _one_line(err, code)
    assert code == EXIT_DATA and NAV4 in line and "another day" in line
    # a Galileo-only navigation file asked for BeiDou
    code, _, err = _run(capsys, [*SITE, "--nav", data(GAL), "--systems", "C"])
    line = _one_line(err, code)
    assert code == EXIT_DATA and GAL in line and "no satellite of systems C" in line
    assert "(the files hold E)" in line
    code, _, err = _run(capsys, [*SITE, "--sp3", data(SP3_2009)])
    line = _one_line(err, code)
    assert code == EXIT_DATA and "precise orbits cover 2009-04-01" in line


def test_plan_without_valid_record_is_no_result(capsys, gps_nav_0608):
    # records of 06:00-08:00 serve until 10:00 at most: at 11:00 nothing is in view
    span = ["--start", "2023-01-01T11:00", "--end", "2023-01-01T11:30"]
    args = ["plan", "--site", "40,-105", *span, "--nav", gps_nav_0608, "--systems", "G"]
    code, _, err = _run(capsys, args)
    assert code == EXIT_NO_RESULT
    assert _one_line(err, code).startswith(
        "kompas: none of 4 epochs x 1 point(s) has a solvable geometry in any mix: at most 0 "
        "satellites above the 10° mask"
    )


def test_plan_tables_fit_80_columns(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = _run(capsys, [*SITE, "--nominal", "--systems", "GPS,GLONASS", "--minus-one"])
    assert code == EXIT_OK and not err
    assert "Minus one" in out and max(map(len, out.splitlines())) <= 80 and "…" not in out


def test_plan_json_with_broadcast_orbits(capsys, gps_nav_0608):
    span = ["--start", "07:00", "--end", "07:30"]  # times of the navigation data's day
    args = ["plan", "--site", "40,-105", *span, "--nav", gps_nav_0608, "--systems", "GPS"]
    code, out, err = _run(capsys, [*args, "--json"])
    payload = json.loads(out)
    assert code == EXIT_OK and not err and list(payload["mixes"]) == ["G"]
    assert payload["mixes"]["G"]["solved_fraction"] == 1.0
    assert payload["attrs"]["start"] == "2023-01-01T07:00:00"


# ------------------------------------------------------------------------------ report
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--systems", "XYZ"], "unknown system 'XYZ'"),
        (["--truth", "1,2"], "Invalid value for --truth: expected X,Y,Z"),
        (["--station", "NIST"], "--station names the station of --truth-sinex"),
        (["--clk", "@NAV"], "--clk needs --sp3"),
    ],
)
def test_report_usage_errors(data, capsys, tmp_path, args, words):
    args = [data(NAV) if a == "@NAV" else a for a in args]
    code, _, err = _run(capsys, ["report", data(OBS5), data(NAV), "-o", tmp_path / "r.html", *args])
    assert code == EXIT_USAGE and words in _one_line(err, code)


def test_report_output_folder_is_checked_first(data, capsys):
    code, _, err = _run(capsys, ["report", data(OBS5), data(NAV), "-o", "/nonexistent-f/r.html"])
    assert code == EXIT_USAGE and "no folder /nonexistent-f" in _one_line(err, code)


def test_report_data_errors_name_the_file(data, capsys, tmp_path):
    out = tmp_path / "r.html"
    code, _, err = _run(capsys, ["report", data(OBS5), data(NAV4), "-o", out])
    line = _one_line(err, code)
    assert code == EXIT_DATA and "KMS300DNK_R_20221591000_01H_MN.rnx.gz" in line
    assert "another day" in line
    code, _, err = _run(capsys, ["report", data(OBS5), data(GAL), "-o", out, "--systems", "C"])
    line = _one_line(err, code)
    assert code == EXIT_DATA and "GRAS00FRA" in line and "no ephemeris" in line
    code, _, err = _run(capsys, ["report", data(OBS5), data(GAL), "-o", out, "--systems", "J"])
    assert code == EXIT_DATA and "no observation of systems J" in _one_line(err, code)
    args = ["report", data(OBS5), data(NAV), "-o", out, "--no-qc"]
    code, _, err = _run(capsys, [*args, "--sp3", data(SP3_2009)])
    line = _one_line(err, code)
    assert code == EXIT_DATA and "igl15253.sp3: the precise orbits cover 2009-04-01" in line
    code, _, err = _run(capsys, [*args, "--truth-sinex", data(SNX), "--station", "ZZZZ"])
    line = _one_line(err, code)
    assert code == EXIT_DATA and line.startswith("kompas: error: station ZZZZ is not in")
    assert not out.exists()


def test_report_no_epoch_solved_is_no_result(data, capsys, tmp_path, gps_nav_0608):
    out = tmp_path / "r.html"
    code, _, err = _run(capsys, ["report", data(OBS5), gps_nav_0608, "-o", out, "--no-qc"])
    assert code == EXIT_NO_RESULT and not out.exists()
    line = _one_line(err, code)
    assert line.startswith("kompas: no epoch solved in any solution: 10 of 10 epochs unsolved")
    assert "no usable ephemeris (10)" in line and "nav covers 2023-01-01 06:00" in line


def test_report_by_system_names_with_json(data, capsys, tmp_path):
    out = tmp_path / "r.html"
    args = ["report", data(OBS5), data(NAV), "-o", out, "--no-qc", "--systems", "GPS,Galileo"]
    code, text, err = _run(capsys, [*args, "--truth-sinex", data(SNX), "--json"])
    payload = json.loads(text)
    assert code == EXIT_OK and not err and out.exists()
    assert [r["solution"] for r in payload["accuracy"]] == ["G", "E", "GE"]
    assert all(r["solved"] == 10 for r in payload["accuracy"])
    # 10 epochs of single-frequency SPP with broadcast orbits: metres, not tens of metres
    assert all(r["rms_horizontal_m"] < 5.0 for r in payload["accuracy"])


def test_plan_library_route_with_a_non_numeric_cell_is_a_kompas_error():
    import pandas as pd

    from kompas.analysis.plan import plan
    from kompas.errors import KompasError

    route = pd.DataFrame({"time": ["2023-01-01T01:00:00"], "lat": ["abc"], "lon": [1.0]})
    with pytest.raises(KompasError, match="could not convert string to float: 'abc'"):
        plan("nominal", start="2023-01-01T01:00", end="2023-01-01T02:00", route=route)


def test_plan_route_outside_the_span_is_a_usage_error(capsys, tmp_path):
    route = tmp_path / "route.csv"
    route.write_text("time,lat,lon\n2023-01-02T01:00:00,45,1\n2023-01-02T02:00:00,46,2\n")
    code, _, err = _run(capsys, ["plan", "--route", route, *SPAN, "--nominal"])
    line = _one_line(err, code)
    assert code == EXIT_USAGE and str(route) in line
    assert "the route spans 2023-01-02 01:00–02:00 GPST, outside --start/--end" in line


def test_report_clocks_of_another_day_name_the_file(data, capsys, tmp_path):
    sp3 = "nist-2023-001/WUM0MGXFIN_20230010000_01D_05M_ORB.SP3.gz"
    args = ["report", data(OBS5), data(NAV), "-o", tmp_path / "r.html", "--no-qc"]
    code, _, err = _run(capsys, [*args, "--sp3", data(sp3), "--clk", data("rinex2/esa15253.clk")])
    line = _one_line(err, code)
    assert code == EXIT_DATA and "esa15253.clk: the precise clocks cover 2009-04-01" in line


def test_report_accepts_precise_products_ending_before_the_last_observation():
    # a 5-min SP3 ends at 23:55 while 30 s observations run to 23:59:30: normal, not an error;
    # only products that do not overlap the observations at all (another day) are refused
    import numpy as np
    import xarray as xr

    from kompas.cli.report import _check_precise
    from kompas.errors import KompasError

    day = np.datetime64("2023-01-01T00:00:00", "ns")
    obs = xr.Dataset(coords={"time": day + np.arange(2880) * np.timedelta64(30, "s")})
    sp3 = xr.Dataset(coords={"time": day + np.arange(288) * np.timedelta64(300, "s")})
    _check_precise(sp3, ["WUM.SP3"], obs, "orbits")
    other = sp3.assign_coords(time=sp3["time"].values - np.timedelta64(2, "D"))
    with pytest.raises(KompasError, match="WUM.SP3: the precise orbits cover"):
        _check_precise(other, ["WUM.SP3"], obs, "orbits")
