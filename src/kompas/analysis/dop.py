"""Visibility and dilution of precision (DOP) with one receiver clock per system.

The geometry matrix of an epoch has one row per visible satellite,
``[-e_E, -e_N, -e_U, 0 .. 1 .. 0]``: the negated line-of-sight unit vector in the local
east/north/up frame of the receiver and a 1 in the clock column of the satellite's
system. Every system in the input has a column; at an epoch where a system has no
visible satellite its column is empty and is removed by putting 1 on its diagonal of the
normal matrix (that column then decouples, leaving the inverse of the remaining block
unchanged). Satellites that are absent (NaN) or below the mask get zero weight. All
epochs are solved at once with batched ``numpy.linalg.eigh`` on the stack of normal
matrices; an epoch with too few satellites or a singular geometry gets NaN.

``Q = (G^T W G)^-1``; ``HDOP = sqrt(Q_EE + Q_NN)``, ``VDOP = sqrt(Q_UU)``,
``PDOP = sqrt(Q_EE + Q_NN + Q_UU)``, ``TDOP_k = sqrt(Q_kk)`` for the clock of system
``k`` and ``GDOP = sqrt(trace Q)`` over the position and every present clock (for one
system this is the classic ``sqrt(PDOP^2 + TDOP^2)``).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kompas.frames import WGS84, ecef2enu, enu2aer

__all__ = ["DopResult", "dop"]

#: Smallest eigenvalue of the normal matrix relative to its largest below which an epoch's
#: geometry is treated as singular (condition number 1e12).
_MIN_EIG_RATIO = 1e-12


@dataclass(frozen=True)
class DopResult:
    """DOP and visibility per epoch.

    Attributes
    ----------
    gdop, pdop, hdop, vdop : numpy.ndarray, shape (T,)
        NaN where an epoch has fewer than ``3 + number of present systems`` satellites
        or a singular geometry.
    tdop : numpy.ndarray, shape (T, K)
        Time DOP of each system's clock (column order of ``systems``); NaN where the
        system has no visible satellite or the epoch has no solution.
    systems : tuple of str
        RINEX system letters of the clock columns, in order of first appearance.
    n_visible : numpy.ndarray of int, shape (T, K)
        Visible satellites per system and epoch.
    azimuth_rad, elevation_rad : numpy.ndarray, shape (T, S)
        Look angles (NaN for absent satellites).
    visible : numpy.ndarray of bool, shape (T, S)
        Present and at or above the elevation mask.
    """

    gdop: NDArray[np.float64]
    pdop: NDArray[np.float64]
    hdop: NDArray[np.float64]
    vdop: NDArray[np.float64]
    tdop: NDArray[np.float64]
    systems: tuple[str, ...]
    n_visible: NDArray[np.int64]
    azimuth_rad: NDArray[np.float64]
    elevation_rad: NDArray[np.float64]
    visible: NDArray[np.bool_]


def _system_letter(sv: object) -> str:
    if isinstance(sv, enum.Enum) and isinstance(sv.value, str):
        return sv.value.upper()
    text = str(sv).strip()
    if not text:
        raise ValueError("empty satellite/system identifier")
    return text[0].upper()


def dop(
    sat_pos_m: ArrayLike,
    rx_pos_m: ArrayLike,
    systems: Sequence[object],
    elevation_mask_rad: float = np.radians(10.0),
) -> DopResult:
    """Visibility and DOP per epoch, one receiver clock per system.

    Parameters
    ----------
    sat_pos_m : array_like, shape (T, S, 3)
        Satellite ECEF positions [m], NaN where a satellite is absent.
    rx_pos_m : array_like, shape (3,) or (T, 3)
        Receiver ECEF position, fixed or per epoch [m].
    systems : sequence of length S
        System of each satellite: RINEX ids (``"G07"``), letters (``"G"``) or
        ``kompas.gnss.Constellation`` members; only the system letter is used.
    elevation_mask_rad : float, optional
        Elevation mask [rad]; default 10 degrees.

    Returns
    -------
    DopResult
    """
    sat = np.asarray(sat_pos_m, dtype=np.float64)
    if sat.ndim != 3 or sat.shape[-1] != 3:
        raise ValueError(f"sat_pos_m must have shape (T, S, 3), got {sat.shape}")
    n_epochs, n_sv, _ = sat.shape
    rx = np.broadcast_to(np.asarray(rx_pos_m, dtype=np.float64), (n_epochs, 3))
    letters = [_system_letter(s) for s in systems]
    if len(letters) != n_sv:
        raise ValueError(f"systems has {len(letters)} entries for {n_sv} satellites")
    order = tuple(dict.fromkeys(letters))
    n_sys = len(order)
    one_hot = np.zeros((n_sv, n_sys))
    one_hot[np.arange(n_sv), [order.index(s) for s in letters]] = 1.0

    enu = ecef2enu(sat, rx[:, None, :], WGS84)  # (T, S, 3); geodetic rx once per epoch
    az, el, rng = enu2aer(enu)
    u = enu / rng[..., None]  # line-of-sight unit vectors
    visible = np.isfinite(el) & (el >= elevation_mask_rad)
    weight = visible.astype(np.float64)

    # Geometry matrix (T, S, 3 + K); invisible rows zeroed (weight 0, NaN removed).
    g = np.concatenate([-u, np.broadcast_to(one_hot, (n_epochs, n_sv, n_sys))], axis=-1)
    g = np.where(visible[..., None], g, 0.0)
    normal = np.einsum("tsi,ts,tsj->tij", g, weight, g)

    n_visible = np.einsum("ts,sk->tk", weight, one_hot).astype(np.int64)
    present = n_visible > 0
    diag = np.arange(3, 3 + n_sys)
    normal[:, diag, diag] += ~present  # decouple the empty clock columns
    enough = visible.sum(axis=1) >= 3 + present.sum(axis=1)

    eigval, eigvec = np.linalg.eigh(normal)
    good = enough & (eigval[:, 0] > _MIN_EIG_RATIO * eigval[:, -1])
    safe = np.where(good[:, None], eigval, 1.0)
    q_diag = np.einsum("tik,tk,tik->ti", eigvec, 1.0 / safe, eigvec)  # diag of V diag(1/w) V^T

    nan = np.where(good, 1.0, np.nan)
    q_e, q_n, q_u = q_diag[:, 0], q_diag[:, 1], q_diag[:, 2]
    q_clk = np.where(present, q_diag[:, 3:], np.nan)
    hdop = np.sqrt(q_e + q_n) * nan
    vdop = np.sqrt(q_u) * nan
    pdop = np.sqrt(q_e + q_n + q_u) * nan
    gdop = np.sqrt(q_e + q_n + q_u + np.nansum(q_clk, axis=1)) * nan
    tdop = np.sqrt(q_clk) * nan[:, None]
    return DopResult(
        gdop=gdop,
        pdop=pdop,
        hdop=hdop,
        vdop=vdop,
        tdop=tdop,
        systems=order,
        n_visible=n_visible,
        azimuth_rad=az,
        elevation_rad=el,
        visible=visible,
    )
