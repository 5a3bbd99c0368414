"""Vectorised ephemeris selection and the GLONASS fast path (no real data needed)."""

from __future__ import annotations

import numpy as np

from kompas.orbits.glonass import integrate_glonass, propagate_glonass
from kompas.orbits.selection import select_records

H = 3600 * 1_000_000_000


def test_nearest_within_window_and_satellite():
    rec_sat = np.array([0, 0, 0, 1, 1, -1])
    rec_ref = np.array([0, 2 * H, 4 * H, 1 * H, 3 * H, 2 * H])
    half = 2 * H
    req_sat = np.array([0, 0, 0, 0, 1, 1, 2, 0])
    req_t = np.array([0, H - 1, H, 7 * H, 0, 2 * H, H, 2 * H])
    rows = select_records(rec_sat, rec_ref, -half / 1e9, half / 1e9, req_sat, req_t)
    # t=H is equidistant from 0 and 2H: the later record wins; 7H is outside every window;
    # satellite 2 has no record; record 5 (sat code -1) is ignored.
    assert rows.tolist() == [0, 0, 1, -1, 3, 4, -1, 1]


def test_latest_rule_with_margin_and_unsorted_records():
    rec_sat = np.array([0, 0, 0])
    rec_ref = np.array([4 * H, 0, 2 * H])  # unsorted on purpose
    req_t = np.array([H, 2 * H - 60_000_000_000, 3 * H + H // 2])
    w = 2 * H / 1e9
    rows = select_records(rec_sat, rec_ref, -w, w, np.zeros(3, np.int64), req_t, "latest")
    assert rows.tolist() == [1, 1, 2]
    rows = select_records(
        rec_sat, rec_ref, -w, w, np.zeros(3, np.int64), req_t, "latest", margin_ns=120 * 10**9
    )
    assert rows.tolist() == [1, 2, 2]


def test_selection_is_vectorised_over_many_requests():
    rng = np.random.default_rng(1)
    n_sat, n_rec = 50, 12
    rec_sat = np.repeat(np.arange(n_sat), n_rec)
    rec_ref = np.tile(np.arange(n_rec) * 2 * H, n_sat)
    req_sat = rng.integers(0, n_sat, 100_000)
    req_t = rng.integers(0, 22 * H, 100_000)
    rows = select_records(rec_sat, rec_ref, -3600.0, 3600.0, req_sat, req_t)
    assert (rows >= 0).all()
    assert (rec_sat[rows] == req_sat).all()
    # Nearest: |t - ref| <= 1 h with 2 h spacing.
    assert np.abs(req_t - rec_ref[rows]).max() <= H


def test_glonass_dense_path_matches_per_request_integration():
    r = 25_510_000.0
    pos = np.array([[r, 0.0, 0.0], [0.0, r * 0.6, r * 0.8]])
    vel = np.array([[0.0, 1200.0, 3700.0], [-3900.0, 100.0, -50.0]])
    acc = np.array([[1e-6, -2e-6, 3e-6], [0.0, 1e-6, -1e-6]])
    rec = np.array([0, 0, 0, 1, 1, 1, 1])
    dt = np.array([-900.0, 17.0, 885.0, -15.0, 0.0, 30.0, 1799.0])
    p1, v1 = propagate_glonass(pos, vel, acc, rec, dt)
    p2, v2 = integrate_glonass(pos[rec], vel[rec], acc[rec], dt)
    # Hermite interpolation between 60 s RK4 nodes: < 0.5 mm, 3e-5 m/s (docstring
    # budget); the per-request path uses its own RK4 steps (< 1 mm apart at 15 min).
    assert np.max(np.linalg.norm(p1 - p2, axis=-1)) < 2e-3
    assert np.max(np.linalg.norm(v1 - v2, axis=-1)) < 1e-4


def test_forward_window_never_uses_a_record_before_its_toe():
    # Galileo-like: valid [toe, toe + 4 h]; records at 0 h and 10 h (a gap of 10 h).
    rec_sat = np.zeros(2, np.int64)
    rec_ref = np.array([0, 10 * H])
    req_t = np.array([H, 4 * H, 4 * H + 1, 9 * H, 10 * H, 12 * H])
    for rule in ("nearest", "latest", "transmitted"):
        rows = select_records(
            rec_sat, rec_ref, 0.0, 4 * 3600.0, np.zeros(6, np.int64), req_t, rule,
            rec_ttm_ns=rec_ref,
        )  # fmt: skip
        # 9 h is 1 h before the second toe: OUTSIDE (the old symmetric window used it)
        assert rows.tolist() == [0, 0, -1, -1, 1, 1], rule


def test_transmitted_rule_takes_the_last_record_received():
    # GPS-like: valid +-2 h around toe, transmitted from toe - 2 h; toe every 2 h.
    rec_sat = np.zeros(3, np.int64)
    rec_ref = np.array([2 * H, 4 * H, 6 * H])
    ttm = rec_ref - 2 * H
    req_t = np.array([H, 2 * H + H // 2, 3 * H + H // 2, 4 * H - 1])
    near = select_records(rec_sat, rec_ref, -7200.0, 7200.0, np.zeros(4, np.int64), req_t)
    sent = select_records(
        rec_sat, rec_ref, -7200.0, 7200.0, np.zeros(4, np.int64), req_t, "transmitted",
        rec_ttm_ns=ttm,
    )  # fmt: skip
    # at 2.5 h "nearest" takes toe 2 h, a receiver already holds toe 4 h (sent at 2 h)
    assert near.tolist() == [0, 0, 1, 1]
    assert sent.tolist() == [0, 1, 1, 1]
    # a record transmitted before its validity starts is skipped for the one before it
    early = select_records(
        rec_sat[:2], np.array([2 * H, 6 * H]), 0.0, 7200.0, np.zeros(1, np.int64),
        np.array([3 * H]), "transmitted", rec_ttm_ns=np.array([0, 2 * H]),
    )  # fmt: skip
    assert early.tolist() == [0]


def _brute_force(rec_sat, rec_ref, lo_s, hi_s, ttm, req_sat, req_t, rule):
    """The rules of kompas.orbits.selection written as a plain loop (reference)."""
    out = []
    for s, t in zip(req_sat.tolist(), req_t.tolist(), strict=True):
        ok = (rec_sat == s) & (rec_ref + lo_s * 1e9 <= t) & (t <= rec_ref + hi_s * 1e9)
        if rule == "transmitted":
            ok &= ttm <= t
        idx = np.flatnonzero(ok)
        if idx.size == 0:
            out.append(-1)
            continue
        if rule == "nearest":
            d = np.abs(t - rec_ref[idx])
            best = idx[d == d.min()]
            out.append(int(best[np.argmax(rec_ref[best])]))
        elif rule == "latest":
            idx = idx[rec_ref[idx] <= t]
            out.append(int(idx[np.argmax(rec_ref[idx])]) if idx.size else -1)
        else:
            # the latest transmission, then the later reference
            best = idx[ttm[idx] == ttm[idx].max()]
            out.append(int(best[np.argmax(rec_ref[best])]))
    return np.array(out)


def test_vectorised_rules_equal_the_plain_loop():
    rng = np.random.default_rng(7)
    n_sat = 6
    recs = []
    for s in range(n_sat):  # per satellite: its own spacing, window and transmission lead
        spacing = rng.choice([600, 3600, 7200]) * 10**9
        ref = np.cumsum(rng.integers(1, 4, 30)) * spacing  # gaps of 1-3 spacings
        lo, hi = [(-7200.0, 7200.0), (0.0, 14400.0), (-3600.0, 7200.0)][s % 3]
        ttm = ref + int(lo * 1e9) + rng.integers(0, 600, ref.size) * 10**9
        recs.append((np.full(ref.size, s), ref, np.full(ref.size, lo), np.full(ref.size, hi), ttm))
    rec_sat, rec_ref, lo, hi, ttm = (np.concatenate(c) for c in zip(*recs, strict=True))
    perm = rng.permutation(rec_sat.size)  # unsorted input
    rec_sat, rec_ref, lo, hi, ttm = rec_sat[perm], rec_ref[perm], lo[perm], hi[perm], ttm[perm]
    req_sat = rng.integers(0, n_sat + 1, 3000)  # n_sat: a satellite without records
    req_t = rng.integers(0, int(rec_ref.max()) + 10 * H, 3000)
    for rule in ("nearest", "latest", "transmitted"):
        got = select_records(rec_sat, rec_ref, lo, hi, req_sat, req_t, rule, rec_ttm_ns=ttm)
        want = _brute_force(rec_sat, rec_ref, lo, hi, ttm, req_sat, req_t, rule)
        assert (got >= 0).sum() > 500, rule
        np.testing.assert_array_equal(got, want, err_msg=rule)
