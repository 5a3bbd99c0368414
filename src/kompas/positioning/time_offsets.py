"""Inter-system biases tied to the broadcast system-time offsets (``time_offsets="broadcast"``).

With one receiver clock per system, ``clock_S − clock_ref`` (the inter-system bias, ISB)
is the receiver's inter-system hardware code bias ``b_S`` (constant over a run) minus the
offset between the two system times, ``c·(T_S − T_ref)``, which the navigation messages
broadcast (GGTO = GST − GPST, BDGP, GLGP, QZGP, IRGP; nanoseconds, slowly varying);
where only the offsets to UTC are broadcast (GPUT, BDUT, GLUT, ...) the offset is derived
through UTC (each known to a few ns, far inside a metres-level prior). With
``time_offsets="broadcast"`` the solver first estimates every clock freely, takes
``b_S`` as the median over the run of ``ISB + c·(T_S − T_ref)``, and solves again with
the prior ``ISB = b_S − c·(T_S − T_ref)`` of sigma ``time_offset_sigma_m`` at each epoch;
a system whose offset the navigation data do not carry keeps a free clock (said so per
system in ``attrs["time_offsets"]``).

``attrs["isb_vs_broadcast_ns"]`` (median and robust spread of ``ISB/c + (T_S − T_ref)``) is
the receiver hardware bias only when every system is corrected by the same ionosphere
model (or in ``iflc``): with each system's own model the difference of the models' mean
delays adds to it (NIST day, E−G: +6.7 ns with NeQuick-G on Galileo and Klobuchar on GPS,
−3.0 ns iono-free).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kompas.constants import SPEED_OF_LIGHT_MPS

__all__ = ["SYSTEM_SCALE", "broadcast_offsets_s", "hardware_bias_m"]

#: System letter → its time scale (the broadcast offsets are between these)
SYSTEM_SCALE = {"G": "GPST", "E": "GST", "C": "BDT", "R": "GLONASST", "J": "QZSST", "I": "IRNSST"}


def broadcast_offsets_s(nav: Any, systems: list[str], t_ns: np.ndarray) -> np.ndarray:
    """``T_S − T_ref`` [s] (fractional part) per epoch and system, NaN where not broadcast.

    The reference is ``systems[0]``; its column is 0. Uses ``nav.time_offset``.
    """
    out = np.full((len(t_ns), len(systems)), np.nan)
    ref = systems[0]
    if ref not in SYSTEM_SCALE or not hasattr(nav, "time_offset"):
        return out
    out[:, 0] = 0.0

    def to_gps(sys: str) -> np.ndarray:
        if sys == "G":
            return np.zeros(len(t_ns))
        if sys not in SYSTEM_SCALE:
            return np.full(len(t_ns), np.nan)
        out = np.full(len(t_ns), np.nan)
        for source in (None, "derived"):  # direct (STO, header), else through UTC
            try:
                v = np.asarray(nav.time_offset(SYSTEM_SCALE[sys], "GPST", t_ns, source), float)
            except (KeyError, ValueError):
                continue
            out = np.where(np.isfinite(out), out, v)
            if np.isfinite(out).all():
                break
        return out

    ref_off = to_gps(ref)
    for k, sys in enumerate(systems[1:], start=1):
        out[:, k] = to_gps(sys) - ref_off
    return out


def hardware_bias_m(isb_m: np.ndarray, offsets_s: np.ndarray) -> np.ndarray:
    """Per-run receiver inter-system bias ``b_S = median(ISB + c·(T_S − T_ref))`` [m]."""
    with np.errstate(invalid="ignore"):
        v = isb_m + SPEED_OF_LIGHT_MPS * offsets_s
    out = np.full(v.shape[1], np.nan)
    for k in range(v.shape[1]):  # a loop over at most 7 systems
        col = v[:, k][np.isfinite(v[:, k])]
        if col.size:
            out[k] = float(np.median(col))
    return out
