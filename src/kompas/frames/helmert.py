"""14-parameter (7 + rates) Helmert transformations between terrestrial frames.

Convention
----------
kompas stores every set in the IERS **position-vector** convention (the one of the
ITRF transformation tables and ISO 19111; EPSG method 1053), linearised as the
IERS publishes it:

    X_t = X_s + T + D X_s + R x X_s,        R x X = [[0, -R3, R2], [R3, 0, -R1], [-R2, R1, 0]] X

with each parameter P(t) = P(t0) + Pdot (t - t0), t in decimal years.  Sets published
in the **coordinate-frame** convention (EPSG methods 1032/1056, used e.g. for
PZ-90.11 -> ITRF2008) have rotations of opposite sign; build them with
``convention="coordinate_frame"`` and kompas flips the rotations once.

:meth:`Helmert.inverse` is exact (the linear system is solved, not the parameters
negated), so ``h.inverse().apply(h.apply(x))`` returns ``x`` to float64 rounding.
Negating the parameters, as the IERS suggests, differs by (D^2 + R^2) |X| ~ 1e-10 m
for the ITRF sets.  :meth:`Helmert.then` composes transformations exactly, as a
:class:`HelmertChain`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import ArrayLike

from ..errors import KompasError

__all__ = ["Helmert", "HelmertChain", "MAS_TO_RAD", "decimal_year"]

#: One milliarcsecond in radians.
MAS_TO_RAD = math.pi / (180.0 * 3600.0 * 1000.0)

_CONVENTIONS = ("position_vector", "coordinate_frame")


@dataclass(frozen=True)
class Helmert:
    """A time-dependent 7-parameter similarity transformation, position-vector convention.

    Use :meth:`from_published` to build one from the units of the published tables
    (mm, ppb, mas and their rates per year).

    Attributes
    ----------
    source, target : str
        Frame names (``"ITRF2020"``, ``"PZ-90.11"``, ...).
    translation_m : tuple of 3 float
        T at the reference epoch [m].
    scale : float
        D at the reference epoch (dimensionless; 1 ppb = 1e-9).
    rotation_rad : tuple of 3 float
        R1, R2, R3 at the reference epoch [rad], position-vector convention.
    translation_rate_mpy, scale_rate_py, rotation_rate_radpy
        Rates per year.
    reference_epoch_year : float or None
        t0 [decimal year]; None for a set without rates.
    uncertainty_m : float
        The accuracy the publisher states for the set (for identity sets: the level at
        which the frames are said to agree).
    reference : str
        Where the numbers come from.
    """

    source: str
    target: str
    translation_m: tuple[float, float, float] = (0.0, 0.0, 0.0)
    scale: float = 0.0
    rotation_rad: tuple[float, float, float] = (0.0, 0.0, 0.0)
    translation_rate_mpy: tuple[float, float, float] = (0.0, 0.0, 0.0)
    scale_rate_py: float = 0.0
    rotation_rate_radpy: tuple[float, float, float] = (0.0, 0.0, 0.0)
    reference_epoch_year: float | None = None
    uncertainty_m: float = 0.0
    reference: str = ""
    inverted: bool = field(default=False, repr=False)

    # --- construction -----------------------------------------------------------------
    @classmethod
    def from_published(
        cls,
        source: str,
        target: str,
        *,
        t_mm: tuple[float, float, float] = (0.0, 0.0, 0.0),
        d_ppb: float = 0.0,
        r_mas: tuple[float, float, float] = (0.0, 0.0, 0.0),
        t_rate_mmpy: tuple[float, float, float] = (0.0, 0.0, 0.0),
        d_rate_ppbpy: float = 0.0,
        r_rate_maspy: tuple[float, float, float] = (0.0, 0.0, 0.0),
        epoch_year: float | None = None,
        convention: str = "position_vector",
        uncertainty_m: float = 0.0,
        reference: str = "",
    ) -> Helmert:
        """Build a set from published units (mm, ppb, mas, per year).

        Parameters
        ----------
        convention : {"position_vector", "coordinate_frame"}
            How the publisher signs the rotations.  Coordinate-frame rotations are
            negated to store the position-vector equivalent.
        """
        if convention not in _CONVENTIONS:
            raise ValueError(f"convention must be one of {_CONVENTIONS}, got {convention!r}")
        sign = 1.0 if convention == "position_vector" else -1.0
        return cls(
            source=source,
            target=target,
            translation_m=tuple(v * 1e-3 for v in t_mm),
            scale=d_ppb * 1e-9,
            rotation_rad=tuple(sign * v * MAS_TO_RAD for v in r_mas),
            translation_rate_mpy=tuple(v * 1e-3 for v in t_rate_mmpy),
            scale_rate_py=d_rate_ppbpy * 1e-9,
            rotation_rate_radpy=tuple(sign * v * MAS_TO_RAD for v in r_rate_maspy),
            reference_epoch_year=epoch_year,
            uncertainty_m=uncertainty_m,
            reference=reference,
        )

    @classmethod
    def identity(cls, source: str, target: str, uncertainty_m: float, reference: str) -> Helmert:
        """A set that is the identity: the publisher states the frames agree at a level."""
        return cls(source, target, uncertainty_m=uncertainty_m, reference=reference)

    # --- properties ---------------------------------------------------------------------
    @property
    def has_rates(self) -> bool:
        """True when any parameter changes with time."""
        return (
            any(self.translation_rate_mpy)
            or any(self.rotation_rate_radpy)
            or bool(self.scale_rate_py)
        )

    @property
    def is_identity(self) -> bool:
        """True when every parameter and rate is zero."""
        return not (
            any(self.translation_m) or any(self.rotation_rad) or self.scale or self.has_rates
        )

    # --- evaluation -----------------------------------------------------------------------
    def parameters_at(self, epoch_year: ArrayLike | None = None):
        """Return (T [m] (..., 3), D (...), R [rad] (..., 3)) at the epoch(s).

        Raises
        ------
        KompasError
            If the set has rates and no epoch is given.
        """
        t = np.asarray(self.translation_m)
        d = np.asarray(self.scale)
        r = np.asarray(self.rotation_rad)
        if self.has_rates:
            if epoch_year is None:
                raise KompasError(
                    f"the {self.source} -> {self.target} transformation has rates: give the "
                    "epoch of the coordinates (decimal year)"
                )
            dt = np.asarray(epoch_year, dtype=float) - self.reference_epoch_year
            t = t + dt[..., None] * np.asarray(self.translation_rate_mpy)
            d = d + dt * self.scale_rate_py
            r = r + dt[..., None] * np.asarray(self.rotation_rate_radpy)
        return t, d, r

    def apply(self, xyz_m: ArrayLike, epoch_year: ArrayLike | None = None) -> np.ndarray:
        """Transform ECEF positions ``(..., 3)`` from ``source`` to ``target``.

        Parameters
        ----------
        xyz_m : array_like, shape (..., 3)
            Positions in the source frame [m].
        epoch_year : float or array_like, optional
            Epoch of the coordinates (decimal year), broadcastable to ``xyz_m[..., 0]``.
            Required when the set has rates.

        Returns
        -------
        numpy.ndarray, shape (..., 3)
        """
        x = np.asarray(xyz_m, dtype=float)
        if x.shape[-1:] != (3,):
            raise ValueError(f"positions must have a last axis of 3, got shape {x.shape}")
        if self.is_identity:
            return x.copy()
        t, d, r = self.parameters_at(epoch_year)
        if not self.inverted:
            return x + t + d[..., None] * x + np.cross(r, x)
        # Exact inverse of X_t = X + T + (D I + [R]x) X : solve (I + D I + [R]x) X = X_t - T.
        m = _forward_matrix(d, r)
        rhs = x - t
        if m.ndim == 2:  # one epoch: one 3x3 solve for every point
            return rhs @ np.linalg.inv(m).T
        lead = np.broadcast_shapes(m.shape[:-2], rhs.shape[:-1])
        m = np.broadcast_to(m, lead + (3, 3))
        rhs = np.broadcast_to(rhs, lead + (3,))
        return np.linalg.solve(m, rhs[..., None])[..., 0]

    def inverse(self) -> Helmert:
        """The exact inverse transformation (target -> source)."""
        return replace(self, source=self.target, target=self.source, inverted=not self.inverted)

    def then(self, other: Helmert | HelmertChain) -> HelmertChain:
        """Compose: apply ``self`` then ``other`` (``other.source`` must be ``self.target``)."""
        return HelmertChain((self,)).then(other)

    def __str__(self) -> str:
        tag = " (identity)" if self.is_identity else ""
        return f"{self.source} -> {self.target}{tag}"


def _forward_matrix(d: np.ndarray, r: np.ndarray) -> np.ndarray:
    r1, r2, r3 = r[..., 0], r[..., 1], r[..., 2]
    one = 1.0 + d
    zero_shape = np.broadcast_shapes(d.shape, r1.shape)
    one = np.broadcast_to(one, zero_shape)
    r1, r2, r3 = (np.broadcast_to(v, zero_shape) for v in (r1, r2, r3))
    return np.stack(
        [
            np.stack([one, -r3, r2], axis=-1),
            np.stack([r3, one, -r1], axis=-1),
            np.stack([-r2, r1, one], axis=-1),
        ],
        axis=-2,
    )


@dataclass(frozen=True)
class HelmertChain:
    """A sequence of Helmert transformations applied in order."""

    steps: tuple[Helmert, ...]

    def __post_init__(self) -> None:
        for a, b in zip(self.steps, self.steps[1:], strict=False):
            if a.target != b.source:
                raise KompasError(f"cannot chain {a} with {b}: {a.target!r} is not {b.source!r}")

    @property
    def source(self) -> str:
        """First source frame."""
        return self.steps[0].source

    @property
    def target(self) -> str:
        """Last target frame."""
        return self.steps[-1].target

    @property
    def uncertainty_m(self) -> float:
        """Sum of the stated uncertainties of the steps (a conservative bound)."""
        return float(sum(s.uncertainty_m for s in self.steps))

    @property
    def has_rates(self) -> bool:
        """True when any step needs an epoch."""
        return any(s.has_rates for s in self.steps)

    def apply(self, xyz_m: ArrayLike, epoch_year: ArrayLike | None = None) -> np.ndarray:
        """Apply every step in order (see :meth:`Helmert.apply`)."""
        x = np.asarray(xyz_m, dtype=float)
        for step in self.steps:
            x = step.apply(x, epoch_year)
        return x

    def inverse(self) -> HelmertChain:
        """The chain from target back to source."""
        return HelmertChain(tuple(s.inverse() for s in reversed(self.steps)))

    def then(self, other: Helmert | HelmertChain) -> HelmertChain:
        """Append a transformation or a chain."""
        more = other.steps if isinstance(other, HelmertChain) else (other,)
        return HelmertChain(self.steps + tuple(more))

    def __str__(self) -> str:
        return " -> ".join([self.source] + [s.target for s in self.steps])


def decimal_year(datetime64: ArrayLike) -> np.ndarray:
    """Decimal year of ``datetime64`` values (year + elapsed fraction of that year).

    This is the epoch convention of the ITRF transformation tables; a second of
    difference in the epoch is irrelevant to them (rates are mm/yr).
    """
    t = np.asarray(datetime64, dtype="datetime64[ns]")
    year = t.astype("datetime64[Y]")
    start = year.astype("datetime64[ns]")
    end = (year + 1).astype("datetime64[ns]")
    frac = (t - start).astype(np.int64) / (end - start).astype(np.int64)
    return year.astype(np.int64) + 1970 + frac
