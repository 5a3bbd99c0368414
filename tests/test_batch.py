"""kompas batch: names and manifests, per-task results, fault isolation, resumability.

A small simulated network (three stations, one hour at 30 s, written by
:func:`kompas.batch.simulate.simulate_network`) stands in for real stations, so these tests
run without the shared data; one test adds real files when they are present.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from kompas.batch import (
    BatchInputError,
    BatchOptions,
    StationDay,
    available_kinds,
    pair_files,
    parse_kinds,
    read_manifest,
    store,
)
from kompas.batch.naming import name_date, station_of
from kompas.batch.network import write_network_tables
from kompas.batch.simulate import simulate_network
from kompas.batch.worker import plan_task, run_task
from kompas.cli.common import EXIT_PARTIAL, EXIT_USAGE
from kompas.cli.main import main

DAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    """Three stations, two days of navigation (the second only for the wrong-day case)."""
    root = tmp_path_factory.mktemp("simnet")
    return simulate_network(root, n_stations=3, n_days=1, first_day=DAY, duration_s=3600.0)


@pytest.fixture(scope="module")
def other_day_nav(tmp_path_factory):
    root = tmp_path_factory.mktemp("simnet-next")
    net = simulate_network(
        root, n_stations=1, n_days=1, first_day=DAY + dt.timedelta(days=3), duration_s=3600.0
    )
    return net.nav[0]


# -- names, manifests, pairing ---------------------------------------------------------
@pytest.mark.parametrize(
    "name, date",
    [
        ("NIST00USA_R_20230010000_01D_30S_MO.crx.gz", dt.date(2023, 1, 1)),
        ("BRDC00IGS_R_20223650000_01D_MN.rnx.gz", dt.date(2022, 12, 31)),
        ("COD0MGXFIN_20230010000_01D_05M_ORB.SP3.gz", dt.date(2023, 1, 1)),
        ("nist0010.23o", dt.date(2023, 1, 1)),
        ("york0440.15d", dt.date(2015, 2, 13)),
        ("brdc0910.09g", dt.date(2009, 4, 1)),
        ("tlse001b.23o", dt.date(2023, 1, 1)),
        ("igr22340.sp3.Z", dt.date(2022, 10, 30)),  # GPS week 2234 day 0 (its header agrees)
        ("046r_rnx.nav", None),
    ],
)
def test_name_date(name, date):
    assert name_date(name) == date


def test_station_of():
    assert station_of("x/NIST00USA_R_20230010000_01D_30S_MO.crx.gz") == "NIST"
    assert station_of("tlse001b.23o") == "TLSE"
    assert station_of("anything.rnx", "NYA1 10317M003") == "NYA1"


def test_manifest_csv_relative_paths_and_joined_cells(tmp_path):
    (tmp_path / "sub").mkdir()
    m = tmp_path / "sub" / "m.csv"
    m.write_text(
        "obs,nav,sp3,clk,truth\n"
        "a/NIST00USA_R_20230010000_01D_30S_MO.crx.gz,n1.rnx; n2.rnx,s.sp3,,1 2 3\n"
        "\n"
        "b/nist0010.23o,n1.rnx,,,../truth.snx\n"
    )
    days = read_manifest(m)
    assert len(days) == 2
    assert days[0].obs == str(tmp_path / "sub/a/NIST00USA_R_20230010000_01D_30S_MO.crx.gz")
    assert days[0].nav == (str(tmp_path / "sub/n1.rnx"), str(tmp_path / "sub/n2.rnx"))
    assert days[0].sp3 == (str(tmp_path / "sub/s.sp3"),) and days[0].clk == ()
    assert days[0].truth == "1 2 3"
    assert days[1].truth == str(tmp_path / "truth.snx")
    assert days[0].task_id != days[1].task_id


def test_manifest_toml(tmp_path):
    m = tmp_path / "m.toml"
    m.write_text('[[station_day]]\nobs = "o.rnx"\nnav = ["n1.rnx", "n2.rnx"]\n')
    (d,) = read_manifest(m)
    assert d.nav == (str(tmp_path / "n1.rnx"), str(tmp_path / "n2.rnx"))


@pytest.mark.parametrize(
    "text, message",
    [("nav\nx\n", "header 'obs,nav"), ("obs,nva\nx,y\n", "unknown column"), ("obs,nav\n", "no")],
)
def test_manifest_errors_name_the_problem(tmp_path, text, message):
    m = tmp_path / "m.csv"
    m.write_text(text)
    with pytest.raises(BatchInputError, match=message):
        read_manifest(m)


def test_pairing_by_date_with_previous_day(tmp_path):
    names = [
        "AAAA00XXX_R_20230010000_01D_30S_MO.rnx",
        "bbbb0020.23o",
        "BRDC00IGS_R_20230010000_01D_MN.rnx",
        "BRDC00IGS_R_20223650000_01D_MN.rnx",
        "BRDC00IGS_R_20230050000_01D_MN.rnx",
    ]
    for n in names:
        (tmp_path / n).write_text("x")
    p = [str(tmp_path / n) for n in names]
    a, b = pair_files(p[:2], nav=p[2:])
    assert a.nav == (p[2], p[3]) and a.note == ""
    # day 002 has no navigation file of its own: yesterday's alone is not enough
    assert b.nav == () and "no navigation file of 2023-01-02" in b.note


def test_unknown_kind_is_an_error_listing_the_available_ones():
    with pytest.raises(ValueError, match="available: info, solve, sisre"):
        parse_kinds("info,bogus")
    assert {"info", "solve", "sisre"} <= set(available_kinds())


def test_unknown_kind_on_the_command_line(capsys, network):
    assert main(["batch", str(network.manifest), "--do", "solve,bogus"]) == EXIT_USAGE
    assert "available: info, solve" in capsys.readouterr().err


# -- one task, in process: the same results as a single-file run -----------------------
def test_task_bit_for_bit_equal_to_kompas_solve(network, tmp_path):
    from kompas import read_nav, read_obs, solve

    (day,) = [d for d in read_manifest(network.manifest) if d.station == "KS02"]
    kinds = ["info", "solve"]
    plan = plan_task(day, kinds, BatchOptions(), tmp_path / "out", force=False)
    record = run_task(plan, kinds, BatchOptions(), tmp_path / "out")
    assert record["status"] == "ok", record["reason"]
    single = tmp_path / "single.pos"
    assert main(["solve", day.obs, *day.nav, "-o", str(single)]) == 0
    task_dir = tmp_path / "out" / "tasks" / day.task_id
    assert (task_dir / "solution.pos").read_bytes() == single.read_bytes()
    sol = solve(read_obs(day.obs, systems="GREC"), read_nav(list(day.nav)), systems="GREC")
    ep = store.read_parquet(task_dir / "epochs.parquet")
    xyz = sol["position_ecef_m"].values
    assert np.array_equal(ep[["x_m", "y_m", "z_m"]].to_numpy(), xyz)
    assert record["kinds"]["solve"]["row"]["epochs_solved"] == sol.attrs["epochs_solved"]


# -- a whole batch on Dask: fault isolation, resumability ------------------------------
def _bad_manifest(network, other_day_nav, folder: Path) -> Path:
    folder.mkdir()
    days = read_manifest(network.manifest)
    garbage = folder / "GARB00XXX_R_20251520000_01D_30S_MO.rnx"
    garbage.write_bytes(bytes(np.random.default_rng(1).integers(0, 256, 20000, dtype=np.uint8)))
    text = Path(days[0].obs).read_bytes()
    cut = folder / "CUTS00XXX_R_20251520000_01D_30S_MO.rnx"
    cut.write_bytes(text[: int(len(text) * 0.6)])  # inside an epoch's record
    rows = [
        f"{days[0].obs},{days[0].nav[0]},{days[0].truth}",
        f"{days[1].obs},{other_day_nav},",  # paired with a navigation file of another day
        f"{garbage},{days[0].nav[0]},",
        f"{cut},{days[0].nav[0]},",
        f"{days[2].obs},{days[0].nav[0]},{days[2].truth}",
    ]
    m = folder / "bad.csv"
    m.write_text("obs,nav,truth\n" + "\n".join(rows) + "\n")
    return m


def test_batch_fault_isolation_and_resume(network, other_day_nav, tmp_path, capsys):
    manifest = _bad_manifest(network, other_day_nav, tmp_path / "in")
    out = tmp_path / "out"
    args = ["batch", str(manifest), "--out", str(out), "--workers", "2", "--json"]
    assert main(args) == EXIT_PARTIAL
    captured = capsys.readouterr()
    assert "2 of 5 tasks failed" in captured.err
    summary = json.loads(captured.out)
    assert summary["tasks"] == 5 and summary["succeeded"] == 3 and summary["skipped"] == 0
    reasons = {Path(f["obs"]).name[:4]: f["reason"] for f in summary["failed"]}
    assert set(reasons) == {"KS02", "GARB"}
    assert "binary content" in reasons["GARB"]
    assert "navigation files of another day" in reasons["KS02"]
    assert all("\n" not in r for r in reasons.values())
    table = store.read_parquet(out / "stations.parquet").set_index("station")
    assert table.loc["GARB", "status"] == "failed" and table.loc["GARB", "reason"]
    # the truncated file is solved on its complete epochs, its reader warning kept
    cut = table.loc["CUTS"]
    assert cut["status"] == "ok"
    assert 0 < cut["solve_epochs_solved"] < 120
    assert "truncat" in cut["warnings"].lower() or "cut" in cut["warnings"].lower()
    assert table.loc["KS01", "solve_rms_horizontal_m"] < 3.0  # 0.3 m code noise, PDOP ~1
    assert not list(out.rglob("*.part"))  # nothing half-written


def test_resume_rules(network, tmp_path):
    """Up to date: skipped; changed option: only the kinds it affects; changed input or
    --force: everything (decided before anything is submitted)."""
    folder = tmp_path / "in"
    shutil.copytree(Path(network.manifest).parent, folder)
    day = read_manifest(folder / "manifest.csv")[0]
    kinds, out = ["info", "solve"], tmp_path / "out"
    opts = BatchOptions()
    run_task(plan_task(day, kinds, opts, out, False), kinds, opts, out)
    assert plan_task(day, kinds, opts, out, False).done
    assert plan_task(day, kinds, opts, out, True).todo == kinds
    changed = BatchOptions(elmask_deg=15.0)
    plan = plan_task(day, kinds, changed, out, False)
    assert plan.todo == ["solve"]
    rec = run_task(plan, kinds, changed, out)
    assert rec["kinds"]["info"].get("reused") and not rec["kinds"]["solve"].get("reused")
    assert plan_task(day, kinds, changed, out, False).done
    with open(day.obs, "a") as fh:  # same name, new content
        fh.write("\n")
    assert plan_task(day, kinds, changed, out, False).todo == kinds
    # an output removed by hand: that kind runs again
    (out / "tasks" / day.task_id / "solution.pos").unlink()
    (out / "tasks" / day.task_id / "info.json").write_text("{}")
    run_task(plan_task(day, kinds, changed, out, False), kinds, changed, out)
    assert plan_task(day, kinds, changed, out, False).done


def test_missing_navigation_fails_only_that_task(network, tmp_path):
    day = read_manifest(network.manifest)[0]
    lonely = StationDay(
        obs=day.obs,
        station=day.station,
        task_id="lonely",
        note="no navigation file of 2025-06-01 (day 152) among the 1 given",
    )
    plan = plan_task(lonely, ["info", "solve"], BatchOptions(), tmp_path, False)
    rec = run_task(plan, ["info", "solve"], BatchOptions(), tmp_path)
    assert rec["kinds"]["info"]["status"] == "ok"
    assert rec["status"] == "failed" and "no navigation file of 2025-06-01" in rec["reason"]
    # a rerun keeps info and tries the failed kind again
    assert plan_task(lonely, ["info", "solve"], BatchOptions(), tmp_path, False).todo == ["solve"]


def test_real_station_days(data, tmp_path):
    obs = [
        str(data("nist-2023-001/NIST00USA_R_20230010100_05M_30S_MO.crx.gz")),
        str(data("tlse-2023-001/TLSE00FRA_R_20230010100_10S_01S_MO.crx.gz")),
    ]
    nav = [str(data("nist-2023-001/BRDC00IGS_R_20230010000_01D_MN.rnx.gz"))]
    sinex = str(data("truth/IGS0OPSSNX_20240350000_01D_01D_CRD.SNX"))
    days = pair_files(obs, nav=nav, truth=sinex)
    kinds, opts = ["info", "solve"], BatchOptions()
    records = [run_task(plan_task(d, kinds, opts, tmp_path, False), kinds, opts, tmp_path)
               for d in days]  # fmt: skip
    assert all(r["status"] == "ok" for r in records)
    write_network_tables(tmp_path, records, epochs=True)
    table = store.read_parquet(tmp_path / "stations.parquet").set_index("station")
    # single-frequency SPP with broadcast models: metres (data README peers: ~1 m H, ~3 m V)
    assert table.loc["NIST", "solve_rms_horizontal_m"] < 5.0
    assert table.loc["TLSE", "solve_epochs_solved"] == 10
    epochs = store.read_parquet(tmp_path / "epochs.parquet")
    assert set(epochs["station"]) == {"NIST", "TLSE"} and len(epochs) == 20


def test_qc_and_offsets_kinds(network, tmp_path):
    """The kinds merged from the qc and time-offsets work: one row each, files written."""
    day = read_manifest(network.manifest)[0]
    kinds, opts = ["qc", "offsets"], BatchOptions()
    rec = run_task(plan_task(day, kinds, opts, tmp_path, False), kinds, opts, tmp_path)
    assert rec["status"] == "ok", rec["reason"]
    qc_row = rec["kinds"]["qc"]["row"]
    # simulated white code noise 0.3 m/sin(E): MP RMS of the order of decimetres
    assert 0.05 < qc_row["mp_G_m"] < 1.0
    # the simulation has no slips; the detectors flag a few at low elevation (reported)
    assert qc_row["slips_G"] <= 10
    # the simulated nav carries no system time offsets: estimated ISB only, source "none"
    off = rec["kinds"]["offsets"]["row"]
    assert off["EG_source"] == "none" and np.isfinite(off["EG_estimated_ns"])
    task_dir = tmp_path / "tasks" / day.task_id
    assert (task_dir / "qc.json").exists() and (task_dir / "offsets.parquet").exists()
