"""read_obs on real files: complete reads, independent counts, header facts, filters."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from kompas.io.compress import read_bytes
from kompas.io.rinex_obs import read_obs, summarize

NIST_DAY = "nist-2023-001/NIST00USA_R_20230010000_01D_30S_MO.crx.gz"
CEBR_DAY = "cebr-2018-200/CEBR00ESP_R_20182000000_01D_30S_MO.crx.gz"
KMS3 = "rinex4/KMS300DNK_R_20221591000_01H_30S_MO.crx"
TLSE3 = "tlse-2023-001/TLSE00FRA_R_20230010100_10S_01S_MO.crx.gz"


def slow_count_v3(path) -> tuple[int, dict[str, set[str]]]:
    """Reference count, line by line in Python: data epochs and satellites per system."""
    text = read_bytes(path).decode("latin-1")
    body = text[text.index("END OF HEADER") :].splitlines()[1:]
    epochs, sats, i = 0, {}, 0
    while i < len(body):
        line = body[i]
        assert line.startswith(">"), i
        flag, n = int(line[31]), int(line[32:35])
        if flag <= 1:
            epochs += 1
            for rec in body[i + 1 : i + 1 + n]:
                sats.setdefault(rec[0], set()).add(rec[:3])
        i += 1 + n
    return epochs, sats


def header_obs_counts(path) -> dict[str, list[int | None]]:
    """``PRN / # OF OBS`` header records: per satellite, count of each observation type."""
    text = read_bytes(path).decode("latin-1")
    out: dict[str, list] = {}
    sv = None
    for line in text[: text.index("END OF HEADER")].splitlines():
        if line[60:].strip() != "PRN / # OF OBS":
            continue
        if line[3:6].strip():
            sv = line[3:6]
            out[sv] = []
        for k in range(9):
            field = line[6 + 6 * k : 12 + 6 * k].strip()
            out[sv].append(int(field) if field else None)
    return out


@pytest.mark.data
def test_nist_full_day(data):
    path = data(NIST_DAY)
    ds = read_obs(path, strict="raise")
    assert ds.sizes["time"] == 2880
    per_sys = Counter(s[0] for s in ds["sv"].values)
    # data README: BDS 31, GAL 24, GPS 31, GLO 24, SBAS 3
    assert per_sys == {"C": 31, "E": 24, "G": 31, "R": 24, "S": 3}
    epochs, sats = slow_count_v3(path)
    assert epochs == 2880
    assert {k: len(v) for k, v in sats.items()} == dict(per_sys)
    # every per-satellite, per-type count of the header equals the values read
    counts = header_obs_counts(path)
    types = ds.attrs["obs_types"]
    checked = 0
    for sv, row in counts.items():
        for code, n in zip(types[sv[0]], row, strict=False):
            got = int(np.isfinite(ds[code].sel(sv=sv).values).sum())
            assert got == (n or 0), (sv, code)
            checked += 1
    assert checked > 900
    assert ds.attrs["time_scale"] == "GPST"
    assert ds.attrs["glonass_channels"]["R02"] == -4
    assert ds.attrs["glonass_channels"]["R24"] == 2
    assert ds.attrs["approx_position_xyz_m"] == [-1288398.6784, -4721696.7639, 4078625.2178]
    assert ds.attrs["antenna_delta_hen_m"] == [0.0, 0.0, 0.0]
    assert ds.attrs["receiver_type"] == "SEPT POLARX5TR"
    assert ds.attrs["phase_shifts"]["G L2L"] == 0.0 and ds.attrs["phase_shifts"]["G L1C"] is None
    assert ds.attrs["interval_s"] == 30.0
    assert ds.attrs["skipped_epochs"] == 0 and ds.attrs["truncated_epochs"] == 0


@pytest.mark.data
def test_cebr_full_day(data):
    path = data(CEBR_DAY)
    ds = read_obs(path, strict="raise")
    epochs, sats = slow_count_v3(path)
    assert ds.sizes["time"] == epochs == 2880
    per_sys = Counter(s[0] for s in ds["sv"].values)
    assert dict(per_sys) == {k: len(v) for k, v in sats.items()}
    counts = header_obs_counts(path)
    if counts:  # the file may not carry PRN / # OF OBS
        sv = sorted(counts)[0]
        code = ds.attrs["obs_types"][sv[0]][0]
        assert int(np.isfinite(ds[code].sel(sv=sv).values).sum()) == counts[sv][0]


@pytest.mark.data
def test_rinex4_kms3(data):
    path = data(KMS3)
    ds = read_obs(path, strict="raise")
    assert ds.attrs["version"] == 4.0
    epochs, sats = slow_count_v3(path)
    assert ds.sizes["time"] == epochs == 120
    assert dict(Counter(s[0] for s in ds["sv"].values)) == {k: len(v) for k, v in sats.items()}
    assert ds.attrs["leap_seconds"] == 18
    assert ds.attrs["glonass_channels"] == {
        "R03": 5, "R04": 6, "R05": 1, "R10": -7, "R11": 0,
        "R12": -1, "R13": -2, "R20": 2, "R21": 4, "R23": 3,
    }  # fmt: skip
    # first record of the file, read by eye:
    # C05                  39975899.571 5                  39975899.534 4 ...
    c05 = ds.sel(sv="C05").isel(time=0)
    assert float(c05["C2I"]) == 39975899.571 and int(c05["C2I_ssi"]) == 5
    assert np.isnan(float(c05["C1P"]))


@pytest.mark.data
def test_filters_equal_selection_of_full_read(data):
    path = data(KMS3)
    full = read_obs(path)
    part = read_obs(
        path,
        systems="GE",
        codes=["C1C", "L1C", "C5Q"],
        start="2022-06-08T10:10:00",
        end=np.datetime64("2022-06-08T10:20:00"),
    )
    assert set(part.data_vars) == {"C1C", "L1C", "L1C_lli", "L1C_ssi", "C1C_ssi", "C5Q", "C5Q_ssi"}
    assert {s[0] for s in part["sv"].values} == {"G", "E"}
    assert part.sizes["time"] == 21  # 10:10:00 .. 10:20:00 inclusive at 30 s
    ref = full.sel(sv=part["sv"], time=part["time"])
    for name in part.data_vars:
        np.testing.assert_array_equal(part[name].values, ref[name].values)
    assert read_obs(path, systems=["R"]).sizes["sv"] == 10


@pytest.mark.data
def test_rinex2_files_read_completely(data):
    for rel, n_epochs in (("rinex2/delf0010.21o", 105), ("rinex2/arlm200b.15o", 120)):
        ds = read_obs(data(rel), strict="raise")
        assert ds.sizes["time"] == n_epochs, rel
        assert ds.attrs["version"] in (2.10, 2.11)
    york = read_obs(data("rinex2/york0440.15d"), strict="raise")
    assert york.sizes["time"] == 2880
    assert york["C1C"].attrs["rinex2_code"] == "C1"


@pytest.mark.data
def test_summary(data):
    s = summarize(read_obs(data(TLSE3)))
    assert s["epochs"] == 10 and s["interval_s"] == 1.0
    assert s["station"] == "TLSE"
    assert set(s["constellations"]) == {"GPS", "GLONASS", "Galileo", "BeiDou", "NavIC", "SBAS"}
    gps = s["constellations"]["GPS"]
    assert all(0 < p <= 100 for p in gps["signals"].values())
    assert gps["signals"]["C1C"] == 100.0  # every tracked GPS satellite has C/A code


@pytest.mark.parametrize(
    "system, expected",
    [("GPS", "GPST"), ("GLO", "UTC"), ("GAL", "GST"), ("BDT", "BDT"), ("QZS", "QZSST")],
)
def test_time_scale_from_header(tmp_path, system, expected):
    def h(text, label):
        return f"{text:<60}{label}\n"

    text = (
        h("     3.05           OBSERVATION DATA    M", "RINEX VERSION / TYPE")
        + h("R    1 C1C", "SYS / # / OBS TYPES")
        + h(f"  2023     1     1     0     0    0.0000000     {system}", "TIME OF FIRST OBS")
        + h("", "END OF HEADER")
        + "> 2023 01 01 00 00  0.5000000  0  1\nR01  20000000.125\n"
    )
    p = tmp_path / "x.rnx"
    p.write_text(text)
    ds = read_obs(p, strict="raise")
    assert ds.attrs["time_scale"] == expected
    assert ds["time"].values[0] == np.datetime64("2023-01-01T00:00:00.5")
