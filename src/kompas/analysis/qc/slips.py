"""Cycle-slip detection per phase signal: geometry-free and Melbourne–Wübbena, plus LLI.

For a phase ``L_i`` with partner ``L_j`` (both in metres, frequencies f_i, f_j):

* **Geometry-free** GF = L_i − L_j (m) holds the ionosphere and the ambiguities only. Its
  change between successive samples of an arc is detrended by the mean rate of the
  neighbouring changes, r(t) = ΔGF(t) − Δt·(rate(t−) + rate(t+))/2, which removes the
  smooth ionospheric rate and leaves phase noise (~3 mm) plus ionospheric acceleration.
  A slip is flagged where |r| > ``gf_threshold_m(Δt) = gf_base_m + gf_rate_mps·Δt`` (and
  above ``gf_sigma_factor`` robust σ of the satellite's own r, for noisy phases) and |r| is
  the largest of its neighbours (a step shows as s at its epoch and −s/2 beside it).
  On the NIST day (30 s) |r| above 10° has 99.9 % below ~4 cm; the default 0.03 m +
  1 mm/s·Δt gives 6 cm at 30 s and 3.1 cm at 1 Hz.  It sees every slip with
  |λ_i·n_i − λ_j·n_j| above that, i.e. all but a few pairs such as GPS (n1, n2) = (1, 1)
  (5.4 cm) and the (9, 7) / (77, 60) families (mm-level).
* **Melbourne–Wübbena** MW = (f_i L_i − f_j L_j)/(f_i − f_j) − (f_i P_i + f_j P_j)/(f_i + f_j),
  in wide-lane cycles (λ_WL = c/(f_i − f_j)), is constant on an arc but for code noise
  and multipath (σ ≈ 0.2–0.4 cycle per sample).  The statistic is the difference of the
  means of the ``mw_window`` samples after and before each epoch (inside the arc); a slip
  is flagged where it exceeds ``mw_threshold_cycles`` (default 0.8, about 4σ of the
  difference of two 8-sample means at σ = 0.4) and is the largest within the window.
  An MW detection within the window of a GF detection is that slip (dated by GF).
  MW is blind to equal slips n_i = n_j, which GF sees; GF is blind to the (77, 60) family,
  which MW sees as 17 wide-lane cycles.  The MW noise is white at the sampling rate, so its
  threshold is in cycles and does not scale with Δt.
* **Loss of lock** (bit 0 of the LLI digit) is the receiver's own flag; it is counted
  separately and, like a detected slip, ends the arc.
* Without a partner phase (single-frequency satellites) the code-minus-phase change is
  tested against ``cmc_threshold_m`` (10 m: code noise and multipath of a few metres; only
  gross slips of ≥ 50 cycles are seen this way).

A comparison across a data gap is made only when the gap is shorter than ``max_gap_s``;
after a longer gap a new arc starts and no slip is counted (it is a gap, reported as such).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from kompas.analysis.qc.arcs import next_valid, previous_valid
from kompas.constants import SPEED_OF_LIGHT_MPS

__all__ = ["SlipSettings", "SlipFlags", "detect_slips", "gf_threshold_m"]


@dataclass(frozen=True)
class SlipSettings:
    """Detector thresholds (see the module notes for their derivation)."""

    gf_base_m: float = 0.03
    gf_rate_mps: float = 0.001
    gf_sigma_factor: float = 8.0
    mw_threshold_cycles: float = 0.8
    mw_sigma_factor: float = 5.0
    mw_window: int = 8
    cmc_threshold_m: float = 10.0
    max_gap_s: float | None = None  # default: 4 sampling intervals


def gf_threshold_m(dt_s: np.ndarray | float, settings: SlipSettings) -> np.ndarray:
    """Geometry-free threshold for samples ``dt_s`` apart [m]."""
    return settings.gf_base_m + settings.gf_rate_mps * np.asarray(dt_s, dtype=float)


@dataclass
class SlipFlags:
    """Boolean (time, sv) flags of one phase signal."""

    gf: np.ndarray
    mw: np.ndarray
    cmc: np.ndarray
    lli: np.ndarray
    new_arc: np.ndarray  # first sample after a gap longer than max_gap_s
    partner_lli: np.ndarray | None = None  # loss of lock on the partner phase

    @property
    def slip(self) -> np.ndarray:
        """Detected slips (any detector; LLI not included)."""
        return self.gf | self.mw | self.cmc

    @property
    def breaks(self) -> np.ndarray:
        """Where an arc ends: detected slip, LLI or long gap."""
        out = self.slip | self.lli | self.new_arc
        return out if self.partner_lli is None else out | self.partner_lli


def _gathered(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """x[idx[t, j], j] (idx clipped at 0): a flat take, faster than take_along_axis."""
    ncol = x.shape[1]
    flat = np.clip(idx, 0, None) * ncol + np.arange(ncol)
    return x.ravel().take(flat)


def _local_max(stat: np.ndarray, prev: np.ndarray, nxt: np.ndarray) -> np.ndarray:
    a = np.abs(np.nan_to_num(stat))
    left = np.where(prev >= 0, _gathered(a, prev), 0.0)
    right = np.where(nxt >= 0, _gathered(a, nxt), 0.0)
    return (a >= left) & (a > right)


def _mean_of_two(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mean of a and b where both are finite, the finite one alone, else 0."""
    fa, fb = np.isfinite(a), np.isfinite(b)
    a0, b0 = np.where(fa, a, 0.0), np.where(fb, b, 0.0)
    n = fa.astype(np.int8) + fb
    return (a0 + b0) / np.maximum(n, 1)


def _geometry_free(gf, valid, dt, prev, linked, settings):
    nxt = next_valid(valid)
    d1 = np.where(linked, gf - _gathered(gf, prev), np.nan)
    rate = d1 / dt
    rate_prev = np.where(prev >= 0, _gathered(rate, prev), np.nan)
    rate_next = np.where(nxt >= 0, _gathered(rate, nxt), np.nan)
    r = d1 - dt * _mean_of_two(rate_prev, rate_next)
    with np.errstate(invalid="ignore"):
        over = np.abs(r) > np.maximum(gf_threshold_m(dt, settings), _robust_limit(r, settings))
    return over & _local_max(np.where(linked, r, 0.0), prev, nxt)


def _robust_limit(r: np.ndarray, settings: SlipSettings) -> np.ndarray:
    """Per satellite, ``gf_sigma_factor`` robust standard deviations (1.4826 × median |r|)
    of the detrended GF changes: raises the threshold for noisy phases (SBAS GEOs on NIST
    show 3-5 cm of GF noise per epoch) and leaves it at the floor for normal ones (~2 mm)."""
    a = np.abs(r)
    ok = np.isfinite(a)
    if not ok.any():
        return np.zeros(r.shape[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: limit 0
        med = np.nanmedian(np.where(ok, a, np.nan), axis=0)
    return np.nan_to_num(settings.gf_sigma_factor * 1.4826 * med)[None, :]


def _running_max(a: np.ndarray, k: int) -> np.ndarray:
    """Maximum over rows t-k..t+k (zero padding), by 2k shifted maxima."""
    out = a.copy()
    for s in range(1, k + 1):
        np.maximum(out[s:], a[:-s], out=out[s:])
        np.maximum(out[:-s], a[s:], out=out[:-s])
    return out


def _window_stats(
    x: np.ndarray, valid: np.ndarray, arc_start: np.ndarray, arc_end: np.ndarray, k: int
):
    """Means of the valid samples in rows t-k..t-1 and t..t+k-1 (not crossing the arc's first
    row ``arc_start`` nor its last ``arc_end``; NaN with fewer than 2 samples), and the
    standard error of their difference from the pooled scatter inside the two windows."""
    n = x.shape[0]
    x0 = np.where(valid, x, 0.0)
    zero = np.zeros((1, x.shape[1]))
    xs = np.vstack([zero, np.cumsum(x0, axis=0)])
    qs = np.vstack([zero, np.cumsum(x0 * x0, axis=0)])
    cs = np.vstack([zero.astype(np.int64), np.cumsum(valid, axis=0)])
    rows = np.arange(n)[:, None]
    lo = np.maximum(rows - k, arc_start)
    hi = np.minimum(rows + k, arc_end + 1)
    sb, qb, nb = (a[:n] - _gathered(a, lo) for a in (xs, qs, cs))
    sa, qa, na = (_gathered(a, hi) - a[:n] for a in (xs, qs, cs))
    with np.errstate(invalid="ignore", divide="ignore"):
        before = np.where(nb >= 2, sb / nb, np.nan)
        after = np.where(na >= 2, sa / na, np.nan)
        scatter = (qb - nb * before**2) + (qa - na * after**2)
        sigma = np.sqrt(np.maximum(scatter, 0.0) / np.maximum(nb + na - 2, 1))
        se = sigma * np.sqrt(1.0 / nb + 1.0 / na)
    return before, after, se


def _melbourne_wubbena(mw_cyc, valid, linked, arc_start, arc_end, settings):
    k = settings.mw_window
    before, after, se = _window_stats(mw_cyc, valid, arc_start, arc_end, k)
    stat = np.where(linked & valid, after - before, np.nan)
    threshold = np.maximum(settings.mw_threshold_cycles, settings.mw_sigma_factor * se)
    with np.errstate(invalid="ignore"):
        over = np.abs(stat) > threshold
    a = np.abs(np.nan_to_num(stat))
    # the largest within +-k samples (the true step epoch maximises the statistic)
    return over & (a >= _running_max(a, k))


def _arc_end(valid: np.ndarray, linked: np.ndarray) -> np.ndarray:
    """Last row of the arc each row belongs to (arcs end before an unlinked valid sample)."""
    n = valid.shape[0]
    # an arc ends at row r if r is valid and the next valid sample is not linked to it
    nxt = next_valid(valid)
    nxt_linked = np.where(nxt >= 0, _gathered(linked, nxt), False)
    end = valid & ~nxt_linked
    rows = np.where(end, np.arange(n)[:, None], n - 1)
    return np.minimum.accumulate(rows[::-1], axis=0)[::-1]


def detect_slips(
    phase_m: np.ndarray,
    t_s: np.ndarray,
    interval_s: float,
    *,
    partner_m: np.ndarray | None = None,
    f_hz: np.ndarray | None = None,
    f_partner_hz: np.ndarray | None = None,
    code_m: np.ndarray | None = None,
    partner_code_m: np.ndarray | None = None,
    lli: np.ndarray | None = None,
    use: np.ndarray | None = None,
    settings: SlipSettings = SlipSettings(),
) -> SlipFlags:
    """Cycle-slip flags of one phase signal on a (time, sv) grid.

    Parameters
    ----------
    phase_m : ndarray (time, sv)
        Carrier phase in metres (NaN where absent).
    t_s : ndarray (time,)
        Epochs in seconds (any origin).
    interval_s : float
        Nominal sampling interval (sets the default largest bridged gap).
    partner_m, f_hz, f_partner_hz : ndarray, optional
        Partner phase in metres and both frequencies (per sv, broadcastable).
    code_m, partner_code_m : ndarray, optional
        Codes of both bands (for Melbourne–Wübbena; code-minus-phase uses ``code_m``).
    lli : ndarray of int8, optional
        Loss-of-lock indicator digits of the phase (-1 = blank).
    use : ndarray of bool, optional
        Samples to use (e.g. above the elevation mask); default: where the phase exists.
    """
    max_gap = settings.max_gap_s if settings.max_gap_s is not None else 4.0 * interval_s
    base = np.isfinite(phase_m) if use is None else (use & np.isfinite(phase_m))
    shape = phase_m.shape
    lli_flag = np.zeros(shape, bool) if lli is None else (base & (lli > 0) & (lli % 2 == 1))
    if partner_m is not None:
        valid = base & np.isfinite(partner_m)
    else:
        valid = base & np.isfinite(code_m) if code_m is not None else base
    prev = previous_valid(valid)
    t_prev = np.where(prev >= 0, t_s[np.clip(prev, 0, None)], np.nan)
    with np.errstate(invalid="ignore"):
        linked = valid & (prev >= 0) & (t_s[:, None] - t_prev <= max_gap + 1e-6)
    new_arc = valid & (prev >= 0) & ~linked
    start_rows = np.where(valid & ~linked, np.arange(shape[0])[:, None], 0)
    arc_start = np.maximum.accumulate(start_rows, axis=0)
    arc_end = _arc_end(valid, linked)
    gf = mw = cmc = np.zeros(shape, bool)
    if partner_m is not None:
        dt = np.where(linked, t_s[:, None] - t_prev, np.nan)
        gf = _geometry_free(phase_m - partner_m, valid, dt, prev, linked, settings)
        if code_m is not None and partner_code_m is not None:
            mw_ok = valid & np.isfinite(code_m) & np.isfinite(partner_code_m)
            fi, fj = f_hz, f_partner_hz
            lam_wl = SPEED_OF_LIGHT_MPS / (fi - fj)
            wide_m = (fi * phase_m - fj * partner_m) / (fi - fj)
            narrow_m = (fi * code_m + fj * partner_code_m) / (fi + fj)
            mw_m = wide_m - narrow_m
            mw_cyc = np.where(mw_ok, mw_m / lam_wl, np.nan)
            mw = _melbourne_wubbena(mw_cyc, mw_ok, linked, arc_start, arc_end, settings)
            mw &= mw_ok
            # GF dates a slip to the epoch (phase noise); MW only to within its window, so
            # an MW detection next to a GF one is the same slip, dated by GF
            k = settings.mw_window
            near_gf = _running_max(gf.astype(np.int8), k).astype(bool)
            mw = np.where(near_gf, mw & gf, mw)
    elif code_m is not None:
        cmc_m = code_m - phase_m
        d = np.where(linked, cmc_m - _gathered(cmc_m, prev), np.nan)
        with np.errstate(invalid="ignore"):
            cmc = np.abs(d) > np.maximum(settings.cmc_threshold_m, _robust_limit(d, settings))
    return SlipFlags(gf & linked, mw & linked, cmc & linked, lli_flag, new_arc)
