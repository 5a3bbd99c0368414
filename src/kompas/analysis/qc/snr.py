"""Signal strength (RINEX ``S`` observables) per signal and versus elevation.

RINEX 3/4 ``S`` observations are carrier-to-noise density C/N0 in dB-Hz (RINEX 3.05
5.7, unless the header's SIGNAL STRENGTH UNIT says otherwise); RINEX 2 ``S1``/``S2`` are in
receiver-dependent units, reported as they are with ``unit`` saying so.
"""

from __future__ import annotations

import numpy as np

__all__ = ["snr_stats", "elevation_bin_means", "DEFAULT_LOW_SNR_DBHZ", "ELEVATION_BINS_DEG"]

#: Below this C/N0 a tracking loop is marginal (≈ 6 dB above a typical 24–26 dB-Hz
#: loss-of-lock point of geodetic receivers); the low-SNR fraction counts these samples.
DEFAULT_LOW_SNR_DBHZ = 30.0
#: Edges of the elevation bins used in every per-elevation table [deg].
ELEVATION_BINS_DEG = np.arange(0.0, 90.0 + 1e-9, 5.0)


def elevation_bin_means(
    x: np.ndarray, elevation_deg: np.ndarray | None, square: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Mean (or RMS with ``square``) of ``x`` per 5° elevation bin, and the counts."""
    nb = ELEVATION_BINS_DEG.size - 1
    if elevation_deg is None:
        return np.full(nb, np.nan), np.zeros(nb, dtype=np.int64)
    ok = np.isfinite(x) & np.isfinite(elevation_deg)
    b = np.clip(np.digitize(elevation_deg[ok], ELEVATION_BINS_DEG) - 1, 0, nb - 1)
    v = x[ok] ** 2 if square else x[ok]
    s = np.bincount(b, weights=v, minlength=nb)
    n = np.bincount(b, minlength=nb)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = s / n
    return (np.sqrt(m) if square else m), n


def snr_stats(values: np.ndarray, use: np.ndarray, low_dbhz: float = DEFAULT_LOW_SNR_DBHZ) -> dict:
    """Mean, quartiles and the fraction below ``low_dbhz`` of one S observable (masked)."""
    v = values[use & np.isfinite(values) & (values > 0)]
    if v.size == 0:
        return {"n": 0, "mean": np.nan, "p25": np.nan, "p75": np.nan, "low_fraction": np.nan}
    p25, p75 = np.percentile(v, [25, 75])
    return {
        "n": int(v.size),
        "mean": float(v.mean()),
        "p25": float(p25),
        "p75": float(p75),
        "low_fraction": float((v < low_dbhz).mean()),
    }
