"""PendingText: a file's text with the Hatanaka expansion running in the background gives
exactly what read_bytes gives (text, errors), and the QC overlaps it with the orbit file."""

from __future__ import annotations

import gzip

import hatanaka
import pytest

import fuzz_helpers as F
from kompas.errors import FormatError
from kompas.io.compress import PendingText, read_bytes


def _write(tmp_path, data: bytes, name: str):
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("name", ["obs3", "obs2"])
def test_pending_text_equals_read_bytes(tmp_path, name):
    text = F.seed_bytes(name)
    for data, fname in (
        (text, "a.obs"),
        (gzip.compress(hatanaka.rnx2crx(text)), "a.crx.gz"),
        (hatanaka.rnx2crx(text).rstrip(b"\n"), "b.crx"),
    ):
        p = _write(tmp_path, data, fname)
        pending = PendingText(p)
        assert pending.__fspath__() == str(p)
        assert pending.result() == read_bytes(p)
        assert pending.result() == read_bytes(p)  # a second call gives the same text


def test_pending_text_errors_as_read_bytes(tmp_path):
    crx = hatanaka.rnx2crx(F.seed_bytes("obs3"))
    broken = _write(tmp_path, crx[: len(crx) // 2] + b"garbage line\n" * 3, "x.crx")
    with pytest.raises(FormatError, match="cannot expand Compact RINEX") as direct:
        read_bytes(broken)
    with pytest.raises(FormatError, match="cannot expand Compact RINEX") as pending:
        PendingText(broken).result()
    assert str(pending.value) == str(direct.value)
    with pytest.raises(FormatError, match="non-ASCII"):
        PendingText(_write(tmp_path, crx.replace(b"G", b"\xc7", 1), "y.crx"))
    with pytest.raises(FormatError):
        PendingText(_write(tmp_path, b"\x1f\x8b" + b"\x00" * 20, "z.gz"))
    with pytest.raises(FileNotFoundError):
        PendingText(tmp_path / "missing.crx")


def test_qc_raises_the_observation_error_before_the_orbit_error(tmp_path):
    from kompas.analysis.qc import qc

    crx = hatanaka.rnx2crx(F.seed_bytes("obs3"))
    broken = _write(tmp_path, crx[: len(crx) // 2] + b"garbage line\n" * 3, "x.crx")
    missing_nav = tmp_path / "missing.rnx"
    with pytest.raises(FormatError, match="cannot expand Compact RINEX"):
        qc(broken, missing_nav)
    good = _write(tmp_path, crx, "g.crx")
    with pytest.raises(FileNotFoundError):
        qc(good, missing_nav)
