"""Code multipath: MP_i = P_i − L_i − 2 f_j²/(f_i² − f_j²) · (L_i − L_j), arc-wise mean removed.

With phases in metres, the combination removes geometry, clocks, troposphere and (to first
order) the ionosphere, leaving the code multipath and noise of P_i plus a constant per arc
(phase ambiguities and hardware biases) — removed as the arc mean.  This is teqc's MP1/MP2
(Estey & Meertens 1999, GPS Solutions 3(1)) and Anubis' MP per code, generalised to any
pair of frequencies; for GLONASS FDMA the frequencies are each satellite's own
(f_G1 = 1602 MHz + k·562.5 kHz, f_G2 = 1246 MHz + k·437.5 kHz; GLONASS ICD 5.1, 3.3.1.4).

Conventions (as teqc/Anubis and gnssmultipath): an arc ends at a detected slip or a
loss-of-lock flag on either phase, at a gap longer than ``max_gap_s`` and at the elevation
mask; the RMS of a signal is sqrt(mean(MP²)) over every above-mask estimate of every arc
(teqc's "MP1 RMS", Anubis' "mp" in m); arcs with fewer than ``min_arc_epochs`` samples are
left out (their mean would absorb the multipath: see :data:`DEFAULT_MIN_ARC_EPOCHS`).
"""

from __future__ import annotations

import numpy as np

from kompas.analysis.qc.arcs import arc_demean, arc_labels

__all__ = ["mp_coefficient", "multipath_m", "DEFAULT_MIN_ARC_EPOCHS", "rms"]

#: Shortest arc kept in MP statistics [samples].  gnssmultipath keeps every arc (even one
#: sample, whose MP is 0 by construction); teqc/Anubis drop very short arcs.  10 samples
#: (5 min at 30 s) drop the few fragments that slips and gaps leave without changing the
#: RMS of a normal day by more than ~1 % (NIST 2023-001: tests/test_qc_nist.py).
DEFAULT_MIN_ARC_EPOCHS = 10


def mp_coefficient(f_i_hz: np.ndarray, f_j_hz: np.ndarray) -> np.ndarray:
    """2 f_j² / (f_i² − f_j²): the factor of (L_i − L_j) in MP_i (e.g. 3.09 for GPS L1/L2)."""
    fi2 = np.asarray(f_i_hz, float) ** 2
    fj2 = np.asarray(f_j_hz, float) ** 2
    return 2.0 * fj2 / (fi2 - fj2)


def multipath_m(
    code_m: np.ndarray,
    phase_i_m: np.ndarray,
    phase_j_m: np.ndarray,
    f_i_hz: np.ndarray,
    f_j_hz: np.ndarray,
    use: np.ndarray,
    breaks: np.ndarray,
    min_arc_epochs: int = DEFAULT_MIN_ARC_EPOCHS,
) -> tuple[np.ndarray, np.ndarray]:
    """Code multipath of one signal on a (time, sv) grid, arc means removed [m].

    Parameters
    ----------
    code_m, phase_i_m, phase_j_m : ndarray (time, sv)
        Code and the two phases, all in metres.
    f_i_hz, f_j_hz : ndarray (sv,)
        Frequencies (NaN for a GLONASS satellite of unknown channel: its MP is NaN).
    use : ndarray of bool (time, sv)
        Samples to use (above the mask).
    breaks : ndarray of bool (time, sv)
        Where a new arc starts (slips, LLI, long gaps).

    Returns
    -------
    mp_m : ndarray (time, sv), NaN where not estimated
    arc : ndarray of int (time, sv), arc label (-1 where not estimated)
    """
    coef = mp_coefficient(f_i_hz, f_j_hz)
    raw = code_m - phase_i_m - coef * (phase_i_m - phase_j_m)
    valid = use & np.isfinite(raw)
    label = arc_labels(valid, breaks)
    mp, n_arc = arc_demean(raw, label, min_arc_epochs)
    label = np.where(np.isfinite(mp), label, -1)
    return mp, label


def rms(x: np.ndarray, axis=None) -> np.ndarray:
    """sqrt(mean(x²)) over the finite values (NaN when none)."""
    ok = np.isfinite(x)
    n = ok.sum(axis=axis)
    s = np.where(ok, x * x, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(s / n)
