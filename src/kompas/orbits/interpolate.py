"""Lagrange interpolation on tabulated orbits, vectorised over requests.

The weights of a Lagrange polynomial depend only on the node abscissae relative to the
request time, so they are computed once per distinct request time and shared by every
satellite tabulated on the same epochs (SP3 files tabulate all satellites on one grid).
"""

from __future__ import annotations

import numpy as np

__all__ = ["lagrange_weights", "window_starts"]


def window_starts(node_ns: np.ndarray, t_ns: np.ndarray, n_nodes: int) -> np.ndarray:
    """First node index of the ``n_nodes``-point window centred on each request time.

    For a request between nodes ``k`` and ``k+1`` the window holds ``ceil(n/2)`` nodes at
    or before ``t`` and ``floor(n/2)`` after it (11 nodes: k-5 ... k+5, as RTKLIB does);
    near the ends of the table the window is shifted inwards so it stays inside.

    Parameters
    ----------
    node_ns : numpy.ndarray of int64, shape (N,)
        Sorted node instants.
    t_ns : numpy.ndarray of int64
        Request instants.
    n_nodes : int
        Window length (polynomial order + 1); must not exceed ``N``.

    Returns
    -------
    numpy.ndarray of int64, same shape as ``t_ns``
    """
    k = np.searchsorted(node_ns, t_ns, side="right") - 1
    return np.clip(k - (n_nodes - 1) // 2, 0, len(node_ns) - n_nodes).astype(np.int64)


def lagrange_weights(x: np.ndarray, derivative: bool = False):
    """Lagrange weights (and their derivatives) at 0 for nodes at abscissae ``x``.

    ``value(0) = sum_j w_j f(x_j)`` and ``value'(0) = sum_j dw_j f(x_j)``, with
    ``w_j = prod_{m != j} (0 - x_m) / (x_j - x_m)`` and
    ``dw_j = sum_{k != j} prod_{m != j, k} (0 - x_m) / prod_{m != j} (x_j - x_m)``.
    The forms are products, not sums of reciprocals, so a request on a node is exact
    (weight 1 there, 0 elsewhere).

    Parameters
    ----------
    x : numpy.ndarray, shape (..., n)
        Node abscissae relative to the request (e.g. seconds), distinct along the last axis.
    derivative : bool
        Also return the derivative weights (per unit of ``x``).

    Returns
    -------
    w : numpy.ndarray, shape (..., n)
    dw : numpy.ndarray, shape (..., n)
        Only when ``derivative`` is true.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[-1]
    # scale to unit spacing for well-conditioned products
    h = (x[..., -1:] - x[..., :1]) / max(n - 1, 1)
    h = np.where(h == 0, 1.0, h)
    xs = x / h
    eye = np.eye(n, dtype=bool)
    diff = xs[..., :, None] - xs[..., None, :]  # (..., j, m)
    denom = np.prod(np.where(eye, 1.0, diff), axis=-1)  # prod_{m != j} (x_j - x_m)
    a = -xs  # (0 - x_m)
    a_jm = np.broadcast_to(a[..., None, :], diff.shape)
    num = np.prod(np.where(eye, 1.0, a_jm), axis=-1)
    w = num / denom
    if not derivative:
        return w
    # leave-two-out products: prod_{m != j, k} a_m  -> (..., j, k)
    excl = eye[:, None, :] | eye[None, :, :]  # (j, k, m): m == j or m == k
    a_jkm = np.broadcast_to(a[..., None, None, :], x.shape[:-1] + (n, n, n))
    p2 = np.prod(np.where(excl, 1.0, a_jkm), axis=-1)
    p2 = np.where(eye, 0.0, p2)
    dw = p2.sum(axis=-1) / denom / h
    return w, dw
