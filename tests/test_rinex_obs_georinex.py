"""kompas.read_obs against georinex 1.16 on real files, value by value.

The references are written by ``benchmarks/georinex_reference.py`` (run it with a Python
that has georinex) into ``$KOMPAS_CACHE/georinex`` or ``~/.cache/kompas/georinex``; these
tests skip when a reference is missing.  Values are compared exactly: both readers turn
the same F14.3 text into the nearest double (error budget: zero).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from kompas.io.rinex_obs import read_obs
from kompas.io.rinex_obs_v2 import rinex2_code_map


def _cache() -> Path:
    env = os.environ.get("KOMPAS_CACHE")
    return (Path(env) if env else Path.home() / ".cache" / "kompas") / "georinex"


def _reference(name: str) -> dict:
    p = _cache() / f"{name}.npz"
    if not p.exists():
        pytest.skip(
            f"georinex reference {p} absent: run "
            "'/path/to/georinex-venv/bin/python benchmarks/georinex_reference.py'"
        )
    with np.load(p, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _kompas_name(ds, sv: str, gname: str, rinex2: bool) -> str:
    if not rinex2:
        return gname
    return rinex2_code_map(sv[0], [gname])[0]


def compare(ds, ref: dict, rinex2: bool, skip_sv=()) -> int:
    """Assert equality of every georinex value with kompas; return the number compared."""
    np.testing.assert_array_equal(ds["time"].values.astype(np.int64), ref["time"])
    k_sv = {s: i for i, s in enumerate(ds["sv"].values.tolist())}
    compared = 0
    for key, garr in ref.items():
        if not key.startswith("var_"):
            continue
        gname = key[4:]
        kind = None
        for suffix in ("lli", "ssi"):
            if gname.endswith(suffix):
                gname, kind = gname[: -len(suffix)], suffix
        for j, sv in enumerate(ref["sv"].tolist()):
            if sv in skip_sv:
                continue
            g = garr[:, j]
            name = _kompas_name(ds, sv, gname, rinex2)
            var = name if kind is None else f"{name}_{kind}"
            if sv not in k_sv or var not in ds:
                # kompas has nothing here: georinex must have nothing either
                assert not np.isfinite(g).any(), (sv, var)
                continue
            k = ds[var].values[:, k_sv[sv]]
            if kind is None:
                np.testing.assert_array_equal(k, g, err_msg=f"{sv} {var}")
            else:
                # georinex: NaN for a blank indicator, kompas: -1
                np.testing.assert_array_equal(
                    k, np.where(np.isfinite(g), g, -1).astype(np.int8), err_msg=f"{sv} {var}"
                )
            compared += int(np.isfinite(g).sum())
    # and no value of kompas is missing in georinex
    for name in ds.data_vars:
        if name.endswith(("_lli", "_ssi")) or ds[name].dims != ("time", "sv"):
            continue
        for sv, j in k_sv.items():
            if sv in skip_sv:
                continue
            col = ds[name].values[:, j]
            if not np.isfinite(col).any():
                continue
            gname = ds[name].attrs.get("rinex2_code", name)
            assert f"var_{gname}" in ref and sv in ref["sv"], (sv, name)
    return compared


@pytest.mark.data
@pytest.mark.parametrize(
    "name, rel, rinex2",
    [
        ("tlse_crx", "tlse-2023-001/TLSE00FRA_R_20230010100_10S_01S_MO.crx.gz", False),
        ("delf_rnx2", "rinex2/delf0010.21o", True),
        ("delf_crx2", "rinex2/delf0010.21d", True),
        ("york_crx2", "rinex2/york0440.15d", True),
    ],
)
def test_same_values_as_georinex(data, name, rel, rinex2):
    ref = _reference(name)
    ds = read_obs(data(rel), strict="raise")
    assert compare(ds, ref, rinex2) > 1000


@pytest.mark.data
def test_nist_2h_cut_same_values_as_georinex():
    ref = _reference("nist_2h")
    ds = read_obs(_cache() / "NIST_2h.rnx", strict="raise")
    assert ds.sizes["time"] == 240
    assert compare(ds, ref, rinex2=False) > 100_000


@pytest.mark.data
def test_tlse_rinex2_same_values_as_georinex_and_sbas_as_rinex3(data):
    """georinex 1.16 cannot read SBAS in tlse001b.23o.

    Its RINEX 2 reader sizes the SBAS satellite axis for 36 PRNs and fails with
    ``IndexError: index 47 is out of bounds for axis 2 with size 36`` on ``S48`` (PRN 148,
    a valid SBAS number: RINEX ``Snn`` = PRN 100 + nn), listed in the epoch line
    `` 23 01 01 01 00 00.0000000  0 33E02...R24S23S26S36S48``.  So the SBAS part is checked
    against the RINEX 3 version of the same 10 s (TLSE...crx.gz), which carries the same
    measurements (both files come from the same receiver data).
    """
    ref = _reference("tlse_rnx2")
    ds2 = read_obs(data("tlse-2023-001/tlse001b.23o"), strict="raise")
    sbas = {"S23", "S26", "S36", "S48"}
    assert compare(ds2, ref, rinex2=True, skip_sv=sbas) > 1000
    assert {"S23", "S26", "S36", "S48"} <= set(ds2["sv"].values.tolist())
    ds3 = read_obs(data("tlse-2023-001/TLSE00FRA_R_20230010100_10S_01S_MO.crx.gz"))
    for sv in ("S23", "S26", "S36", "S48"):
        # RINEX 2 C1/L1 of SBAS are the RINEX 3 C1C/L1C
        for code in ("C1C", "L1C"):
            np.testing.assert_array_equal(
                ds2[code].sel(sv=sv).values, ds3[code].sel(sv=sv).values, err_msg=sv
            )
