"""Positions that know their frame and epoch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .ellipsoid import CGCS2000, GRS80, PZ90_11, WGS84, Ellipsoid
from .geodetic import ecef2geodetic
from .registry import canonical_frame, transformation

__all__ = ["Coordinates", "frame_ellipsoid"]


def frame_ellipsoid(frame: str) -> Ellipsoid:
    """The conventional ellipsoid of a frame: PZ-90.11 -> PZ-90.11, CGCS2000/BDCS ->
    CGCS2000, WGS84(...) -> WGS 84, anything else (ITRF, IGS, GTRF) -> GRS80."""
    name = canonical_frame(frame)
    if name.startswith("PZ-90"):
        return PZ90_11
    if name in ("CGCS2000", "BDCS"):
        return CGCS2000
    if name.startswith("WGS84"):
        return WGS84
    return GRS80


@dataclass(frozen=True, eq=False)
class Coordinates:
    """ECEF positions with their reference frame and epoch.

    Parameters
    ----------
    xyz_m : array_like, shape (..., 3)
        ECEF positions [m].
    frame : str
        Frame name (``"ITRF2020"``, ``"PZ-90.11"``, ``"WGS84(G2139)"``, ``"IGS20"``...).
    epoch_year : float or array_like, optional
        Epoch of the coordinates (decimal year; see :func:`kompas.frames.decimal_year`),
        needed for transformations with rates.
    """

    xyz_m: np.ndarray
    frame: str
    epoch_year: float | np.ndarray | None = None

    def __post_init__(self) -> None:
        xyz = np.asarray(self.xyz_m, dtype=float)
        if xyz.shape[-1:] != (3,):
            raise ValueError(f"xyz_m must have a last axis of 3, got shape {xyz.shape}")
        object.__setattr__(self, "xyz_m", xyz)
        object.__setattr__(self, "frame", canonical_frame(self.frame))

    def to(self, frame: str) -> Coordinates:
        """The same points in another frame, at the same epoch.

        Raises
        ------
        KompasError
            If the registry has no path between the frames, or a set on the path has
            rates and ``epoch_year`` is None.
        """
        chain = transformation(self.frame, frame)
        return Coordinates(chain.apply(self.xyz_m, self.epoch_year), chain.target, self.epoch_year)

    def geodetic(self, ellipsoid: Ellipsoid | None = None):
        """(lat_rad, lon_rad, h_m) on ``ellipsoid`` (default: the frame's own)."""
        return ecef2geodetic(self.xyz_m, ellipsoid or frame_ellipsoid(self.frame))

    def __repr__(self) -> str:
        return (
            f"Coordinates(shape={self.xyz_m.shape}, frame={self.frame!r}, "
            f"epoch_year={self.epoch_year!r})"
        )

    @classmethod
    def from_array(cls, xyz_m: ArrayLike, frame: str, epoch_year=None) -> Coordinates:
        """Alias of the constructor, for symmetry with other readers."""
        return cls(np.asarray(xyz_m, dtype=float), frame, epoch_year)
