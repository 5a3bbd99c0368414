"""Generic plots shared by the reports (matplotlib objects, pyplot unused)."""

from __future__ import annotations

import numpy as np

__all__ = ["style_polar_sky", "sky_plot"]


def style_polar_sky(ax, title: str | None = None) -> None:
    """Make a polar axes a sky plot: north up, azimuth clockwise, zenith at the centre,
    horizon on the outer ring (radius = elevation in degrees, from 90 to 0)."""
    ax.set_theta_zero_location("N")
    ax.set_theta_direction(-1)
    ax.set_rlim(90, 0)
    ax.set_rticks([60, 30, 0])
    ax.set_yticklabels(["60°", "30°", "0°"], fontsize=7, color="#666")
    ax.set_rlabel_position(22.5)
    ax.set_xticks(np.radians([0, 90, 180, 270]), ["N", "E", "S", "W"])
    if title:
        ax.set_title(title, fontsize=12, pad=14)


def sky_plot(
    ax,
    azimuth_deg: np.ndarray,
    elevation_deg: np.ndarray,
    *,
    values: np.ndarray | None = None,
    colour: str = "k",
    labels: np.ndarray | None = None,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    markersize: float = 1.5,
    title: str | None = None,
):
    """Draw satellite tracks on a polar axes from azimuth/elevation arrays.

    Parameters
    ----------
    ax : matplotlib polar Axes
    azimuth_deg, elevation_deg : ndarray (time, sv) or 1-D
        Directions in degrees; NaN or negative elevations are not drawn.
    values : ndarray, same shape, optional
        Colour each point by this value (``cmap``, ``vmin``/``vmax``); otherwise one
        ``colour`` for all.
    labels : ndarray (sv,), optional
        A label per column, written at the column's last drawn point.

    Returns
    -------
    The scatter mappable when ``values`` is given (for a colour bar), else None.
    """
    az = np.asarray(azimuth_deg, dtype=float)
    el = np.asarray(elevation_deg, dtype=float)
    if az.ndim == 1:
        az, el = az[:, None], el[:, None]
    style_polar_sky(ax, title)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(az) & np.isfinite(el) & (el >= 0)
    mappable = None
    if values is not None:
        v = np.asarray(values, dtype=float).reshape(az.shape)
        sel = ok & np.isfinite(v)
        order = np.argsort(v[sel])  # largest values drawn last, on top
        mappable = ax.scatter(
            np.radians(az[sel][order]), el[sel][order], c=v[sel][order], s=markersize**2 * 2,
            cmap=cmap, vmin=vmin, vmax=vmax, linewidths=0,
        )  # fmt: skip
    else:
        ax.plot(np.radians(az[ok]), el[ok], ".", ms=markersize, color=colour)
    if labels is not None:
        for j in np.flatnonzero(ok.any(axis=0)):
            last = np.flatnonzero(ok[:, j])[-1]
            ax.annotate(str(labels[j]), (np.radians(az[last, j]), el[last, j]), fontsize=7)
    return mappable
