"""Batched weighted least squares for code positioning: every epoch solved at once.

The state of one epoch is ``[x, y, z, c·dt_1, …, c·dt_K]``: ECEF position and one
receiver clock per satellite system (inter-system biases are the clock differences).
Observation rows are (epoch, satellite) cells; a weight of zero removes a cell.  Normal
equations for all epochs are formed with ``einsum`` and solved with one batched
``numpy.linalg.solve`` — no Python loop over epochs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["WlsStep", "wls_step", "chi2_threshold", "dops_from_geometry"]


@dataclass
class WlsStep:
    """The result of one batched least-squares step.

    Attributes
    ----------
    dx : ndarray (T, 3 + K)
        State correction per epoch (0 for epochs that cannot be solved).
    cov : ndarray (T, 3 + K, 3 + K)
        Cofactor matrix (N^-1) per epoch, NaN where unsolvable. Formed on first access
        (a Gauss-Newton loop needs it only after its last step).
    normal : ndarray (T, 3 + K, 3 + K)
        Normal matrices of the step (identity for unsolvable epochs).
    n_used : ndarray (T,) int
        Cells with non-zero weight per epoch.
    n_params : ndarray (T,) int
        Parameters actually observed (3 + systems with at least one satellite).
    solvable : ndarray (T,) bool
        ``n_used >= n_params``, so the normal matrix is regular.
    """

    dx: np.ndarray
    normal: np.ndarray = field(repr=False)
    n_used: np.ndarray
    n_params: np.ndarray
    solvable: np.ndarray
    _cov: np.ndarray | None = field(default=None, repr=False)

    @property
    def cov(self) -> np.ndarray:
        if self._cov is None:
            cov = np.full_like(self.normal, np.nan)
            ok = self.solvable
            if ok.any():
                cov[ok] = _inverse(self.normal[ok])
            self._cov = cov
        return self._cov


def _inverse(normal: np.ndarray) -> np.ndarray:
    """Batched inverse; NaN for the (exactly degenerate) matrices that do not invert."""
    try:
        return np.linalg.inv(normal)
    except np.linalg.LinAlgError:
        out = np.full_like(normal, np.nan)
        for i in range(len(normal)):  # rare: only when a geometry is exactly degenerate
            try:
                out[i] = np.linalg.inv(normal[i])
            except np.linalg.LinAlgError:
                pass
        return out


def wls_step(
    los_unit: np.ndarray,
    system_index: np.ndarray,
    n_systems: int,
    residual_m: np.ndarray,
    weight: np.ndarray,
    isb_prior_residual_m: np.ndarray | None = None,
    isb_prior_weight: np.ndarray | None = None,
) -> WlsStep:
    """One Gauss-Newton step of code positioning for all epochs at once.

    Parameters
    ----------
    los_unit : ndarray (T, S, 3)
        Unit vectors from receiver to satellite (ECEF). The design row of a cell is
        ``[-e, onehot(system)]``.
    system_index : ndarray (S,) or (T, S) int
        Column (0..K-1) of each cell's system clock (per satellite, or per cell when
        the satellite axis is a padded per-epoch list).
    n_systems : int
        K, the number of clock columns.
    residual_m : ndarray (T, S)
        Observed minus computed, metres (NaN allowed where weight is 0).
    weight : ndarray (T, S)
        Inverse variances, 1/m^2; 0 removes a cell.
    isb_prior_residual_m, isb_prior_weight : ndarray (T, K), optional
        Pseudo-observations of the inter-system biases ``clock_k - clock_0`` (prior value
        minus the current one, and its inverse variance; weight 0 = no prior). Column 0
        carries none. A prior counts as an observation of its system's clock.

    Returns
    -------
    WlsStep
    """
    n_t, n_s, _ = los_unit.shape
    m = 3 + n_systems
    w = np.where(np.isfinite(residual_m), weight, 0.0)
    y = np.where(w > 0, residual_m, 0.0)
    sys_idx = np.broadcast_to(system_index, (n_t, n_s))
    onehot = (sys_idx[..., None] == np.arange(n_systems)).astype(float)
    # normal matrix by blocks of the design [-e, onehot] (no (T, S, 3 + K) design arrays)
    e = -np.nan_to_num(los_unit)
    ewt = (e * w[..., None]).transpose(0, 2, 1)
    diag = np.arange(3, m)
    normal = np.zeros((n_t, m, m))
    normal[:, :3, :3] = ewt @ e
    normal[:, :3, 3:] = ewt @ onehot
    normal[:, 3:, :3] = normal[:, :3, 3:].transpose(0, 2, 1)
    normal[:, diag, diag] = (w[:, None, :] @ onehot)[:, 0]
    rhs = np.empty((n_t, m))
    rhs[:, :3] = (ewt @ y[..., None])[..., 0]
    rhs[:, 3:] = ((w * y)[:, None, :] @ onehot)[:, 0]
    # systems without satellites at an epoch: pin their clock with a unit prior (dx = 0)
    seen = ((w > 0)[..., None] & (onehot > 0)).any(axis=1)
    n_prior = np.zeros(n_t, np.int64)
    if isb_prior_weight is not None:
        wp = np.where(seen & seen[:, :1] & np.isfinite(isb_prior_residual_m), isb_prior_weight, 0.0)
        wp[:, 0] = 0.0
        yp = np.where(wp > 0, isb_prior_residual_m, 0.0)
        k = np.arange(1, n_systems)
        normal[:, 3, 3] += wp[:, 1:].sum(axis=1)
        normal[:, 3 + k, 3 + k] += wp[:, 1:]
        normal[:, 3, 3 + k] -= wp[:, 1:]
        normal[:, 3 + k, 3] -= wp[:, 1:]
        rhs[:, 3] -= (wp * yp)[:, 1:].sum(axis=1)
        rhs[:, 3 + k] += (wp * yp)[:, 1:]
        n_prior = np.count_nonzero(wp > 0, axis=1)
    normal[:, diag, diag] += np.where(seen, 0.0, 1.0)
    n_used = np.count_nonzero(w > 0, axis=1) + n_prior
    n_params = 3 + seen.sum(axis=1)
    solvable = n_used >= n_params
    # keep the batch regular: replace unsolvable epochs by identity systems
    eye = np.eye(m)
    normal[~solvable] = eye
    rhs[~solvable] = 0.0
    # one batched LU solve per step (the covariance is formed only when asked for)
    try:
        dx = np.linalg.solve(normal, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        dx = np.zeros_like(rhs)
        for i in range(n_t):  # rare: only when a geometry is exactly degenerate
            try:
                dx[i] = np.linalg.solve(normal[i], rhs[i])
            except np.linalg.LinAlgError:
                dx[i] = np.nan
                solvable[i] = False
    bad = ~solvable | ~np.isfinite(dx).all(axis=1)
    dx[bad] = 0.0
    solvable = solvable & ~bad
    return WlsStep(dx=dx, normal=normal, n_used=n_used, n_params=n_params, solvable=solvable)


def chi2_threshold(dof, alpha: float = 1e-3) -> np.ndarray:
    """Upper ``alpha`` quantile of the chi-square distribution, vectorised over ``dof``.

    Exact for 1 and 2 degrees of freedom; the Wilson–Hilferty cube approximation above
    (relative error < 1 % for dof ≥ 3 at alpha = 1e-3, which is far below the
    uncertainty of the a-priori code variances it is compared with). NaN for dof < 1.
    """
    from statistics import NormalDist

    k = np.asarray(dof, dtype=float)
    z = NormalDist().inv_cdf(1.0 - alpha)
    z2 = NormalDist().inv_cdf(1.0 - alpha / 2.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        wh = k * (1.0 - 2.0 / (9.0 * k) + z * np.sqrt(2.0 / (9.0 * k))) ** 3
    out = np.where(k == 1, z2**2, np.where(k == 2, -2.0 * np.log(alpha), wh))
    return np.where(k >= 1, out, np.nan)


def dops_from_geometry(
    los_enu: np.ndarray, system_index: np.ndarray, n_systems: int, used: np.ndarray
) -> dict[str, np.ndarray]:
    """GDOP/PDOP/HDOP/VDOP/TDOP per epoch from unit line-of-sight vectors in ENU.

    Unit weights, one clock per system present (TDOP is that of the first present
    system's clock). NaN where the geometry is unsolvable.
    """
    w = used.astype(float)
    step = wls_step(los_enu, system_index, n_systems, np.zeros(w.shape), w)
    q = step.cov
    e, n, u = q[:, 0, 0], q[:, 1, 1], q[:, 2, 2]
    clocks = np.diagonal(q[:, 3:, 3:], axis1=1, axis2=2)
    sys_idx = np.broadcast_to(system_index, used.shape)
    seen = (used[..., None] & (sys_idx[..., None] == np.arange(n_systems))).any(axis=1)
    first = np.argmax(seen, axis=1)
    tdop2 = clocks[np.arange(len(first)), first]
    with np.errstate(invalid="ignore"):
        out = {
            "gdop": np.sqrt(e + n + u + np.where(seen, clocks, 0).sum(axis=1)),
            "pdop": np.sqrt(e + n + u),
            "hdop": np.sqrt(e + n),
            "vdop": np.sqrt(u),
            "tdop": np.sqrt(tdop2),
        }
    bad = ~step.solvable
    for v in out.values():
        v[bad] = np.nan
    return out
