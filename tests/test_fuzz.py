"""Fuzzing kept in the suite: the crash corpus and bounded Hypothesis runs over every reader.

Budget: about 15 s in total (each read of a seed takes 20-60 ms); the long run is
``benchmarks/fuzz.py`` (see docs/benchmarks.md).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_helpers as F
from kompas.errors import KompasError
from kompas.io.rinex_clock import read_rinex_clock
from kompas.io.rinex_nav import read_nav
from kompas.io.rinex_obs import read_obs
from kompas.io.sp3 import read_sp3

CORPUS = Path(__file__).parent / "fuzz_corpus"
_BY_PREFIX = {"obs": read_obs, "nav": read_nav, "sp3": read_sp3, "clk": read_rinex_clock}
_SETTINGS = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# one plain seed per reader for the one-byte property, all seeds for structural mutations
_PLAIN = [
    s
    for s in F.SEEDS
    if s.name in ("obs3", "obs2", "nav3", "nav2", "nav4", "sp3", "clk300", "clk304", "snx")
]


@pytest.mark.parametrize(
    "path", sorted(p for p in CORPUS.iterdir() if p.suffix != ".py"), ids=lambda p: p.name
)
def test_corpus_file_gives_a_result_or_a_kompas_error(path):
    reader = _BY_PREFIX[path.name[:3]]
    try:
        reader(path)
    except KompasError:
        pass


@pytest.mark.parametrize("seed", _PLAIN, ids=lambda s: s.name)
def test_seed_reads_without_warning(seed):
    F.baseline(seed)  # asserts no warning


@pytest.mark.parametrize("seed", _PLAIN, ids=lambda s: s.name)
@_SETTINGS
@given(data=st.data())
def test_one_byte_change_is_local_or_reported(seed, data):
    """A one-byte change: a result equal to the seed, a warning, an error, or a change of
    one epoch / record (a digit that became another valid digit) - never a crash and never a
    silent change of several epochs."""
    text = seed.make()
    i = data.draw(st.integers(0, len(text) - 1), label="position")
    b = data.draw(st.integers(0, 255), label="byte")
    outcome = F.run(seed, text[:i] + bytes([b]) + text[i + 1 :])
    assert outcome.kind in ("equal", "warned", "one_epoch", "error"), outcome


@pytest.mark.parametrize("seed", F.SEEDS, ids=lambda s: s.name)
@_SETTINGS
@given(kind=st.sampled_from(sorted(F.MUTATIONS)), rng_seed=st.integers(0, 2**32 - 1))
def test_any_mutation_never_crashes(seed, kind, rng_seed):
    outcome = F.run(seed, F.mutate(seed.make(), kind, random.Random(rng_seed)))
    assert outcome.kind != "crash", outcome
    if kind in F.NEUTRAL and not seed.make().startswith(F._COMPRESSED):
        assert outcome.kind == "equal", outcome  # CRLF, BOM, no final newline: same data
