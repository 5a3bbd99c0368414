"""Long fuzzing run over every reader: mutants of kompas's own hand-made seeds.

Seeds and the outcome classifier live in ``tests/fuzz_helpers.py`` (the same ones the
bounded CI run in ``tests/test_fuzz.py`` uses).  Every mutant is read with ``strict="warn"``
in this process under a per-mutant alarm; the outcome is counted:

``equal``       same data as the seed
``warned``      a KompasWarning was given (data may differ)
``one_epoch``   no warning, values changed in one epoch / record only (a changed digit)
``silent``      no warning, more than one epoch / record changed (a silent loss)
``error``       KompasError (or FileNotFoundError) raised
``crash``       any other exception (a bug)
``hang``        no result within ``--timeout`` seconds (a bug)

Mutation kinds: byte flips, digit changes, byte insertion/deletion, truncation, deleted /
duplicated / swapped / garbage lines, huge numbers and inf/nan/',' texts, header lines
removed, wrong versions, CRLF, BOM, non-ASCII bytes, missing final newline; compressed seeds
(gzip, .Z, zip, bz2, Hatanaka) get their container bytes damaged.

Two engines: ``--engine random`` (default) applies the mutation kinds above, evenly over
seeds and kinds; ``--engine atheris`` (when ``pip install atheris`` works) lets libFuzzer's
coverage-guided mutations loose on the same seeds (a corpus of one-byte seed index + seed
text, cross-over off so each mutant still belongs to one seed), ``--mutants`` runs.

Usage: ``PYTHONPATH=src python benchmarks/fuzz.py [--engine random|atheris] [--mutants 2400]
[--seed 1] [--timeout 20]``
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
F = None  # tests/fuzz_helpers, imported in main (instrumented first under atheris)


class _Hang(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Hang


def _atheris(args) -> int:
    """Coverage-guided run; counts printed when libFuzzer stops (after --mutants runs)."""
    import tempfile

    import atheris

    global F
    with atheris.instrument_imports(include=["kompas"]):
        import fuzz_helpers as F

    counts: collections.Counter = collections.Counter()
    examples: list[str] = []
    originals = [s.make() for s in F.SEEDS]
    for s in F.SEEDS:
        F.baseline(s)

    def one(data: bytes) -> None:
        if not data:
            return
        k = data[0] % len(F.SEEDS)
        seed = F.SEEDS[k]
        outcome = F.run(seed, data[1:])
        label = outcome.kind
        if label in ("one_epoch", "silent") and data[1:] == originals[k]:
            label = "equal"
        if label == "silent" and seed.name.endswith(".crx"):
            label = "silent_crx"
        counts[label] += 1
        if label in ("crash", "silent") and len(examples) < 20:
            examples.append(f"{label} {seed.name}: {outcome.detail}")
        if sum(counts.values()) == args.mutants:
            report()
            sys.stdout.flush()
            os._exit(1 if counts["crash"] else 0)

    def report() -> None:
        print(f"atheris runs: {sum(counts.values())}")
        for k in ("equal", "warned", "one_epoch", "error", "silent", "silent_crx", "crash"):
            print(f"  {k:<11} {counts.get(k, 0)}")
        for e in examples:
            print("  " + e)

    corpus = tempfile.mkdtemp(prefix="kompas_fuzz_")
    for k, data in enumerate(originals):
        Path(corpus, f"seed{k:02d}").write_bytes(bytes([k]) + data)
    atheris.Setup(
        [
            sys.argv[0],
            corpus,
            f"-runs={100 * args.mutants}",  # we stop ourselves after --mutants reads
            f"-seed={args.seed}",
            f"-timeout={int(args.timeout)}",
            "-cross_over=0",
            "-max_len=8192",
        ],
        one,
    )
    atheris.Fuzz()
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mutants", type=int, default=2400, help="total number of mutants")
    ap.add_argument("--seed", type=int, default=1, help="random seed of the mutation choices")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds before a hang")
    ap.add_argument("--show", type=int, default=3, help="examples printed per bad outcome")
    ap.add_argument("--engine", choices=["random", "atheris"], default="random")
    args = ap.parse_args(argv)
    if args.engine == "atheris":
        return _atheris(args)
    global F
    import fuzz_helpers as F

    rng = random.Random(args.seed)
    signal.signal(signal.SIGALRM, _alarm)
    kinds = list(F.MUTATIONS)
    per_pair = max(1, args.mutants // (len(F.SEEDS) * len(kinds)))
    counts: collections.Counter = collections.Counter()
    by_reader: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    examples: dict[tuple, list[str]] = collections.defaultdict(list)
    t0 = time.perf_counter()
    slowest = 0.0
    for seed in F.SEEDS:
        original = seed.make()
        F.baseline(seed)
        for kind in kinds:
            for _ in range(per_pair):
                data = F.mutate(original, kind, rng)
                t = time.perf_counter()
                signal.setitimer(signal.ITIMER_REAL, args.timeout)
                try:
                    outcome = F.run(seed, data)
                except _Hang:
                    outcome = F.Outcome("hang", f"> {args.timeout} s")
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                slowest = max(slowest, time.perf_counter() - t)
                label = outcome.kind
                if label == "silent" and seed.name.endswith(".crx"):
                    label = "silent_crx"  # Compact RINEX differences propagate (see docs)
                counts[label] += 1
                by_reader[seed.reader][label] += 1
                if label in ("crash", "hang", "silent"):
                    examples[(label, seed.name, kind)].append(outcome.detail)
    wall = time.perf_counter() - t0
    total = sum(counts.values())
    print(
        f"mutants: {total} of {len(F.SEEDS)} seeds x {len(kinds)} kinds, {wall:.1f} s, "
        f"slowest read {slowest:.2f} s"
    )
    order = ["equal", "warned", "one_epoch", "error", "silent", "silent_crx", "crash", "hang"]
    print("outcome      " + " ".join(f"{k:>10}" for k in order))
    for reader, c in sorted(by_reader.items()):
        print(f"{reader:<12} " + " ".join(f"{c.get(k, 0):>10}" for k in order))
    print(f"{'all':<12} " + " ".join(f"{counts.get(k, 0):>10}" for k in order))
    for (label, seed_name, kind), details in sorted(examples.items()):
        for d in details[: args.show]:
            print(f"  {label:<6} {seed_name:<11} {kind:<17} {d}")
    return 1 if counts["crash"] or counts["hang"] else 0


if __name__ == "__main__":
    sys.exit(main())
