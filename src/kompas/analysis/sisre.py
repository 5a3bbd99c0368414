"""Signal-in-space range error (SISRE) of broadcast ephemerides against precise products.

For every (time, satellite) the broadcast state (:func:`kompas.orbits.broadcast.satellite_states`)
is compared with the precise one (:class:`kompas.orbits.precise.PreciseOrbit`)::

    R, A, C  = RAC projection of (r_broadcast - r_precise) on the precise orbit's axes
    dt_b     = clock_s + relativity (ICD: F e sqrt(A) sin E; GLONASS: in tau_n)
               + group-delay term from the broadcast clock's signal to the precise
                 product's ionosphere-free pair (see CLOCK_REFERENCE)
    dt_p     = precise clock - 2 r.v / c^2
    clock_raw_m = c (dt_b - dt_p)
    clock_m  = clock_raw_m - datum(t, constellation)
    SISRE_orb = sqrt(w_R^2 R^2 + w_AC^2 (A^2 + C^2))
    SISRE     = sqrt((w_R R - clock_m)^2 + w_AC^2 (A^2 + C^2))

The global-average weights are those of Montenbruck, Steigenberger & Hauschild (2018,
"Multi-GNSS signal-in-space range error assessment - Methodology and results", Adv.
Space Res. 61(12):3020-3038, Table 4, 0 deg elevation mask; the same values are in
Montenbruck et al. 2015, GPS Solut. 19:321, Table 2).  The table lists ``w_R`` and
``w_A,C`` and is commonly quoted as ``w_R`` and ``w_A,C^2`` (1/49 etc. are squares):
GPS 0.98 & 1/49, GLONASS 0.98 & 1/45, Galileo 0.98 & 1/61, BDS MEO 0.98 & 1/54,
BDS IGSO/GEO and QZSS 0.99 & 1/126.  :func:`geometric_weights` recomputes them from the
geometry (users uniform on the Earth's surface above the mask: ``w_R = <cos eta>``,
``w_A,C^2 = <sin^2 eta> / 2``, eta the nadir angle) and reproduces the table:
49.0, 45.1, 61.3, 54.3 and 126.5 for the GEO radius (so 1/126, not 1/127).

Clock datum.  Broadcast clocks refer to each system's time, precise clocks to the
analysis centre's clock reference; the difference is common to all satellites of a
constellation at an epoch and is what a user's receiver clock (one per system) absorbs.
``align_clock="epoch"`` removes, per constellation and epoch, the median over its
healthy satellites of the common range error ``clock_raw_m - w_R R``; this also absorbs
the constellation-mean antenna offset (see below).  ``"clock"`` removes the median of
``clock_raw_m`` only (the radial antenna offset then stays in the SISRE); ``"none"``
keeps the raw differences (SISRE then measures mostly the datum).

Antenna.  Broadcast orbits of GPS, Galileo, BDS and QZSS refer to the antenna phase
centre (APC), IGS/MGEX SP3 orbits to the centre of mass (CoM); GLONASS broadcast orbits
are defined at the CoM, yet sit 2 m below it radially on the NIST day, the size of their
z offset.  Without ANTEX input ``R`` contains the radial phase-centre offset of about
0.5-2.5 m, fully in the orbit-only SISRE; its constellation-common part is absorbed by the
``"epoch"`` clock alignment of the orbit+clock SISRE, the satellite-to-satellite spread (a
few dm) is not.  With ``PreciseOrbit(..., antex=)`` the precise orbits are moved to the APC
(:mod:`kompas.orbits.antenna`); satellites the file does not hold keep their CoM and are
listed in ``attrs["antenna_missing"]``.  The ``"epoch"`` datum is then built from the CoM
range errors and lowered, for corrected satellites, by their group's mean offset, so that a
partial file does not shift corrected against uncorrected satellites.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from kompas.analysis.orbit_frames import orbit_class, orbit_elements, to_rac
from kompas.constants import SPEED_OF_LIGHT_MPS
from kompas.orbits.broadcast import DEFAULT_RULE, satellite_states
from kompas.orbits.group_delay import broadcast_group_delay_s
from kompas.orbits.states import SatelliteStates, StateStatus
from kompas.time import Time
from kompas.time.convert import as_instants_ns

__all__ = [
    "SisreWeight",
    "DEFAULT_WEIGHTS",
    "PRECISE_REFERENCE_SIGNALS",
    "CLOCK_REFERENCE",
    "ANTENNA_STATEMENT",
    "geometric_weights",
    "sisre",
    "clock_group",
    "satellite_group",
    "SisreSummary",
    "sisre_summary",
]

_NS = 1_000_000_000
_C = SPEED_OF_LIGHT_MPS
_SYSTEM_NAMES = {
    "G": "GPS",
    "R": "GLONASS",
    "E": "Galileo",
    "C": "BDS",
    "J": "QZSS",
    "I": "NavIC",
    "S": "SBAS",
}


@dataclass(frozen=True)
class SisreWeight:
    """Global-average SISRE weights of one satellite class.

    Attributes
    ----------
    w_r : float
        Weight of the radial error (and of the clock error).
    w_ac2 : float
        Squared weight of the along-track and cross-track errors.
    """

    w_r: float
    w_ac2: float

    @property
    def w_ac(self) -> float:
        """Weight of the along-track and cross-track errors."""
        return float(np.sqrt(self.w_ac2))


#: Montenbruck et al. (2018), Table 4 (0 deg mask), as ``w_R`` and ``w_A,C^2``.  Keys:
#: system letter, or ``"<system>:<orbit class>"`` (class from :mod:`orbit_frames`).
DEFAULT_WEIGHTS: dict[str, SisreWeight] = {
    "G": SisreWeight(0.98, 1.0 / 49.0),
    "R": SisreWeight(0.98, 1.0 / 45.0),
    "E": SisreWeight(0.98, 1.0 / 61.0),
    "C:MEO": SisreWeight(0.98, 1.0 / 54.0),
    "C:IGSO": SisreWeight(0.99, 1.0 / 126.0),
    "C:GEO": SisreWeight(0.99, 1.0 / 126.0),
    "J": SisreWeight(0.99, 1.0 / 126.0),
}

#: Ionosphere-free signal pair of IGS/MGEX precise clocks per system (IGS clock
#: conventions; RINEX 3 codes).  QZSS: L1 C/A + L2C as used by the MGEX analysis centres.
PRECISE_REFERENCE_SIGNALS: dict[str, tuple[str, str]] = {
    "G": ("C1W", "C2W"),
    "E": ("C1C", "C5Q"),
    "C": ("C2I", "C6I"),
    "R": ("C1P", "C2P"),
    "J": ("C1C", "C2L"),
}

#: Signal to which each broadcast clock refers (by system and message).
CLOCK_REFERENCE: dict[str, str] = {
    "G:LNAV": "L1/L2 P(Y) ionosphere-free (IS-GPS-200N 20.3.3.3.3.2; T_GD serves "
    "single-frequency users)",
    "G:CNAV": "L1/L2 P(Y) ionosphere-free (IS-GPS-200N 30.3.3.3.1.1)",
    "J:LNAV": "L1/L2 ionosphere-free, GPS convention (IS-QZSS-PNT-005 follows IS-GPS-200)",
    "E:INAV": "E1/E5b ionosphere-free (Galileo OS SIS ICD 2.1, 5.1.5)",
    "E:FNAV": "E1/E5a ionosphere-free (Galileo OS SIS ICD 2.1, 5.1.5)",
    "C:D1": "B3I (BDS-SIS-ICD-B1I 3.0, 5.2.4.10: B1I users subtract T_GD1)",
    "C:D2": "B3I (BDS-SIS-ICD-B1I 3.0, 5.2.4.10: B1I users subtract T_GD1)",
    "C:CNV1": "B3I (BDS-SIS-ICD-B1C 1.0, 7.6.2)",
    "C:CNV2": "B3I (BDS-SIS-ICD-B2a 1.0, 7.6.2)",
    "R:FDMA": "L1: tau_n, gamma_n correct satellite time to GLONASS time for L1; "
    "delta_tau_n = L2 - L1 equipment delay (GLONASS ICD 5.1, 4.4)",
}

ANTENNA_STATEMENT = (
    "No antenna phase-centre offsets applied (no ANTEX input): broadcast GPS/Galileo/"
    "BDS/QZSS orbits refer to the antenna phase centre, GLONASS broadcast and all SP3 "
    "orbits to the centre of mass. Expected effect: a mostly radial offset of ~0.5-2 m "
    "(APC on the Earth side), fully present in radial_m and the orbit-only SISRE; its "
    "constellation-common part is absorbed by the 'epoch' clock alignment of the "
    "orbit+clock SISRE, the satellite-to-satellite spread (a few dm) is not."
)

_ALIGN_TEXT = {
    "epoch": "per constellation and epoch, the median over healthy satellites of the "
    "common range error (c*dt_b - c*dt_p - w_R*R) is removed (the part a user's "
    "per-system receiver clock absorbs; also absorbs the mean antenna offset)",
    "clock": "per constellation and epoch, the median over healthy satellites of the "
    "clock differences c*(dt_b - dt_p) is removed",
    "none": "no clock datum removed: clock_m = c*(dt_b - dt_p) includes the offset "
    "between each system time and the precise product's clock reference",
}


def geometric_weights(
    semi_major_axis_m: float,
    elevation_mask_deg: float = 0.0,
    earth_radius_m: float = 6_371_000.0,
    n: int = 20_001,
) -> SisreWeight:
    """SISRE weights from the viewing geometry of a circular orbit.

    Users uniformly distributed over the Earth's surface that see the satellite above
    the elevation mask; ``eta`` is the nadir angle of the line of sight at the satellite:
    ``w_R = <cos eta>``, ``w_A,C^2 = <sin^2 eta> / 2`` (half for each transverse axis
    after averaging over azimuth), following Montenbruck et al. (2018).

    Parameters
    ----------
    semi_major_axis_m : float
        Orbit radius [m].
    elevation_mask_deg : float
        Elevation mask [deg].
    earth_radius_m : float
        Radius of the user sphere [m] (mean Earth radius).
    n : int
        Quadrature nodes over the Earth central angle.
    """
    r, re = float(semi_major_axis_m), float(earth_radius_m)
    el = np.radians(elevation_mask_deg)
    theta_max = np.pi / 2 - el - np.arcsin(re / r * np.cos(el))
    theta = np.linspace(0.0, theta_max, n)
    area = np.sin(theta)  # surface element per unit central angle
    rho = np.sqrt(re * re + r * r - 2.0 * re * r * np.cos(theta))
    cos_eta = (r - re * np.cos(theta)) / rho
    sin_eta = re * np.sin(theta) / rho
    norm = np.trapezoid(area, theta)
    w_r = np.trapezoid(cos_eta * area, theta) / norm
    w_ac2 = 0.5 * np.trapezoid(sin_eta**2 * area, theta) / norm
    return SisreWeight(float(w_r), float(w_ac2))


# ----------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------
def _default_times(precise: Any, interval_s: float) -> np.ndarray:
    node = np.asarray(precise.node_ns, dtype=np.int64)
    step = int(round(interval_s * _NS))
    if step <= 0:
        raise ValueError("interval_s must be positive")
    return np.arange(node[0], node[-1] + 1, step, dtype=np.int64)


def _default_svs(nav: Any, precise: Any, systems: str | None) -> np.ndarray:
    tables = getattr(nav, "ephemerides", nav)
    in_nav: set[str] = set()
    for key, table in tables.items():
        if key[0] in PRECISE_REFERENCE_SIGNALS and len(table):
            in_nav.update(np.asarray(table["sv"], dtype=str).tolist())
    svs = sorted(set(np.asarray(precise.svs, dtype=str).tolist()) & in_nav)
    if systems:
        allowed = set(systems.upper())
        svs = [s for s in svs if s[0] in allowed]
    return np.asarray(svs, dtype="<U3")


def _weights_per_sv(
    systems: np.ndarray, classes: np.ndarray, a_m: np.ndarray, weights: Mapping[str, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(w_r, w_ac2, source key) per satellite; geometric weights when no key matches."""
    w_r = np.full(systems.shape, np.nan)
    w_ac2 = np.full(systems.shape, np.nan)
    key = np.full(systems.shape, "", dtype="<U16")
    for i, (s, c, a) in enumerate(zip(systems, classes, a_m, strict=True)):  # per satellite, O(S)
        for k in (f"{s}:{c}", s):
            if k in weights:
                w = weights[k]
                w = w if isinstance(w, SisreWeight) else SisreWeight(*w)
                w_r[i], w_ac2[i], key[i] = w.w_r, w.w_ac2, k
                break
        else:
            if np.isfinite(a):
                w = geometric_weights(a)
                w_r[i], w_ac2[i], key[i] = w.w_r, w.w_ac2, "geometric"
    return w_r, w_ac2, key


def _reference_correction_s(
    nav: Any, b: SatelliteStates, sys_tv: np.ndarray
) -> tuple[np.ndarray, dict[str, int]]:
    """Group-delay term bringing each broadcast clock to the precise reference pair [s].

    ``(gamma * d1 - d2) / (gamma - 1)`` with ``d_i`` the broadcast group-delay terms of
    the two signals of :data:`PRECISE_REFERENCE_SIGNALS` and ``gamma = (f1 / f2)^2``.
    Missing broadcast fields (e.g. GLONASS delta_tau_n in RINEX < 3.05) count as zero.
    """
    from kompas.gnss.signals import Signal

    corr = np.zeros(sys_tv.shape)
    missing: dict[str, int] = {}
    computed = np.isfinite(b.position_m).all(axis=-1)
    for system, (c1, c2) in PRECISE_REFERENCE_SIGNALS.items():  # per system
        mask = (sys_tv == system) & computed
        if not mask.any():
            continue
        k = 0 if system == "R" else None  # the G1/G2 ratio is 9/7 for every channel
        f1 = Signal(system, c1).frequency_hz(k)
        f2 = Signal(system, c2).frequency_hz(k)
        gamma = (f1 / f2) ** 2
        d1 = broadcast_group_delay_s(nav, b, c1)[mask]
        d2 = broadcast_group_delay_s(nav, b, c2)[mask]
        bad = ~(np.isfinite(d1) & np.isfinite(d2))
        if bad.any():
            missing[system] = int(bad.sum())
        value = (gamma * np.nan_to_num(d1) - np.nan_to_num(d2)) / (gamma - 1.0)
        corr[mask] = value
    return corr, missing


_SYSTEM_ORDER = ["G", "R", "E", "C", "J", "I", "S"]


def clock_group(sv: str, split_bds: bool = True) -> str:
    """Clock-datum group of a satellite: its system letter; BDS as ``"C2"`` (PRN 1-18,
    BDS-2) or ``"C3"`` (PRN >= 19, BDS-3; BDS-SIS-ICD-B1I 3.0 PRN allocation) when split."""
    if sv[0] == "C" and split_bds:
        return "C3" if int(sv[1:]) >= 19 else "C2"
    return sv[0]


def _group_sort_key(g: str) -> tuple[int, str]:
    return (_SYSTEM_ORDER.index(g[0]) if g[0] in _SYSTEM_ORDER else 99, g)


def _clock_datum(
    values: np.ndarray, use: np.ndarray, grp_sv: np.ndarray, groups: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Median per (time, clock group) of ``values`` over satellites where ``use``."""
    datum = np.full((values.shape[0], len(groups)), np.nan)
    count = np.zeros((values.shape[0], len(groups)), dtype=np.int64)
    masked = np.where(use, values, np.nan)
    for k, group in enumerate(groups):  # per clock group (a handful)
        cols = grp_sv == group
        sub = masked[:, cols]
        count[:, k] = np.isfinite(sub).sum(axis=1)
        has = count[:, k] > 0
        if has.any():
            datum[has, k] = np.nanmedian(sub[has], axis=1)
    return datum, count


def _time_labels(ns: np.ndarray) -> np.ndarray:
    return Time.from_ns(ns, "GPST").datetime64


# ----------------------------------------------------------------------------------------
# main entry
# ----------------------------------------------------------------------------------------
def sisre(
    nav: Any,
    precise: Any,
    t: Any = None,
    *,
    sv: Sequence[str] | np.ndarray | None = None,
    interval_s: float = 300.0,
    weights: Mapping[str, Any] = DEFAULT_WEIGHTS,
    align_clock: str = "epoch",
    galileo_message: str | Sequence[str] = "INAV",
    bds_message: str | Sequence[str] = ("D1", "D2"),
    systems: str | None = None,
    rule: str = DEFAULT_RULE,
    split_bds: bool = True,
    scale: str | None = None,
) -> xr.Dataset:
    """Broadcast-minus-precise orbit and clock errors and SISRE on a (time, sv) grid.

    Parameters
    ----------
    nav : kompas.io.Navigation
        Broadcast navigation data (include the previous day for epochs after midnight).
    precise : kompas.orbits.precise.PreciseOrbit
        Precise orbits (centre of mass) and clocks (SP3 or RINEX clock).
    t : Time, xarray time coordinate, datetime64 (with ``scale``) or int64 ns, optional
        Epochs (see :func:`kompas.time.as_time`); default: the precise product's span
        every ``interval_s``.
    sv : sequence of str, optional
        Satellites; default: those in both the precise product and the broadcast data
        (systems G, R, E, C, J), optionally limited by ``systems``.
    interval_s : float
        Sampling of the default epochs [s].
    weights : mapping
        ``{"G": SisreWeight(w_r, w_ac2), "C:MEO": ..., ...}`` (see
        :data:`DEFAULT_WEIGHTS`); a satellite without an entry gets
        :func:`geometric_weights` of its semi-major axis.
    align_clock : {"epoch", "clock", "none"}
        Clock datum removal per constellation and epoch (see the module docstring).
    galileo_message, bds_message : str or sequence of str
        Broadcast messages used (passed to :func:`kompas.satellite_states`).
    systems : str, optional
        System letters to keep when ``sv`` is not given, e.g. ``"GREC"``.
    rule : {"nearest", "latest", "transmitted"}
        Record choice (:mod:`kompas.orbits.selection`).  Default ``"nearest"``: the
        best-fitting valid record, the right choice to assess what the system broadcasts
        (on the NIST day it gives SISRE equal to or below ``"transmitted"``, which
        measures what a real-time receiver had, older records included).
    split_bds : bool
        Align the clocks of BDS-2 and BDS-3 satellites separately (default).  Precise
        products may carry an offset between the two generations (an inter-system bias
        of the analysis centre's network absorbed by the BDS-2 clocks): on 2023-01-01
        WUM and COD show BDS-2 clocks ~5 m off the BDS-3 ones with a day-long standard
        deviation < 0.5 m per satellite, GFZ does not; with one datum for both, this
        product offset would be reported as a broadcast error.
    scale : str, optional
        Time scale of plain ``datetime64`` labels in ``t``.

    Returns
    -------
    xarray.Dataset
        Dims ``time`` (GPST labels) and ``sv``; variables (metres unless named):
        ``radial_m``, ``along_m``, ``cross_m`` (broadcast - precise, RAC axes of the
        precise orbit), ``orbit_3d_m``, ``clock_raw_m`` = c (dt_b - dt_p),
        ``clock_m`` (after the datum removal), ``sisre_orbit_m``, ``sisre_m``,
        ``reference_correction_m`` (group-delay term applied to the broadcast clock),
        ``healthy`` (broadcast status OK), ``broadcast_status``, ``precise_status``,
        ``iod``, ``ephemeris_age_s`` (t - toe / t_b), ``clock_datum_m`` and
        ``clock_datum_n`` (dims time, clock_group: system letter, BDS as C2/C3);
        per-satellite coordinates ``sv_system``, ``sv_clock_group``, ``orbit_class``
        (MEO/IGSO/GEO from the precise orbit), ``semi_major_axis_m``,
        ``inclination_deg``, ``w_r``, ``w_ac2``, ``message``.  ``attrs`` state the
        clock reference per system, the clock alignment, the antenna convention and the
        weights' source.  Samples without both states are NaN; unhealthy satellites
        are computed (from unhealthy records) and marked ``healthy = False``.
    """
    if align_clock not in _ALIGN_TEXT:
        raise ValueError(f"align_clock must be one of {sorted(_ALIGN_TEXT)}, not {align_clock!r}")
    t_ns = (
        _default_times(precise, interval_s)
        if t is None
        else np.atleast_1d(as_instants_ns(t, scale)).ravel()
    )
    svs = _default_svs(nav, precise, systems) if sv is None else np.asarray(sv).astype("<U3")
    if svs.size == 0:
        raise ValueError("no satellite in both the broadcast data and the precise product")
    sys_sv = np.array([s[0] for s in svs], dtype="<U1")
    b = satellite_states(
        nav,
        svs[None, :],
        t_ns[:, None],
        health="any",
        rule=rule,
        galileo_message=galileo_message,
        bds_message=bds_message,
    )
    p = precise.states(svs[None, :], t_ns[:, None])
    v = _validity(b, p)
    orbit = _orbit_errors(b, p, v["orbit"])
    geom = _satellite_geometry(p, v["orbit_ok"], sys_sv, weights)
    clock_raw, corr_s, gd_missing = _clock_differences(nav, b, p, sys_sv, v)
    grp_sv = np.array([clock_group(s, split_bds) for s in svs])
    groups = sorted(set(grp_sv.tolist()), key=_group_sort_key)
    clock, datum, n_datum = _aligned_clock(
        clock_raw, orbit["radial"], geom["w_r"], v["clock"] & v["healthy"], grp_sv, groups,
        align_clock, _radial_antenna_shift(p, orbit["radial"]),
    )  # fmt: skip
    sisre_orb, sisre_full = _sisre_values(orbit, clock, geom)
    ds = _dataset(
        t_ns, svs, sys_sv, b, p, v, orbit, geom, clock_raw, clock, corr_s, sisre_orb,
        sisre_full, datum, n_datum, groups, grp_sv,
    )  # fmt: skip
    systems_present = [x for x in _SYSTEM_ORDER if x in set(sys_sv.tolist())]
    ds.attrs.update(
        _attributes(
            precise, systems_present, ds["message"].values, sys_sv, align_clock, gd_missing,
            rule, split_bds,
        )
    )  # fmt: skip
    return ds


def _validity(b: SatelliteStates, p: SatelliteStates) -> dict[str, np.ndarray]:
    """Masks: precise orbit/clock usable, broadcast computed, healthy, comparisons valid."""
    orbit_ok = np.asarray(p.extra.get("orbit_status", p.status)) == StateStatus.OK
    clock_ok = np.asarray(p.extra.get("clock_status", p.status)) == StateStatus.OK
    computed = np.isfinite(b.position_m).all(axis=-1)
    return {
        "orbit_ok": orbit_ok,
        "clock_ok": clock_ok,
        "computed": computed,
        "orbit": computed & orbit_ok,
        "clock": computed & orbit_ok & clock_ok,
        "healthy": b.status == StateStatus.OK,
    }


def _orbit_errors(b, p, valid: np.ndarray) -> dict[str, np.ndarray]:
    """Broadcast - precise position in the precise orbit's RAC frame [m]."""
    rac = to_rac(b.position_m - p.position_m, p.position_m, p.velocity_mps)
    rac[~valid] = np.nan
    return {
        "radial": rac[..., 0],
        "along": rac[..., 1],
        "cross": rac[..., 2],
        "3d": np.linalg.norm(rac, axis=-1),
    }


def _satellite_geometry(p, orbit_ok, sys_sv, weights) -> dict[str, np.ndarray]:
    """Orbit class and SISRE weights per satellite (day medians of osculating elements)."""
    a_tv, inc_tv = orbit_elements(p.position_m, p.velocity_mps)
    with np.errstate(all="ignore"):
        a_sv = _nanmedian_cols(np.where(orbit_ok, a_tv, np.nan))
        inc_sv = _nanmedian_cols(np.where(orbit_ok, inc_tv, np.nan))
    cls_sv = orbit_class(a_sv, inc_sv)
    w_r, w_ac2, w_key = _weights_per_sv(sys_sv, cls_sv, a_sv, weights)
    return {"a": a_sv, "inc": inc_sv, "cls": cls_sv, "w_r": w_r, "w_ac2": w_ac2, "key": w_key}


def _clock_differences(nav, b, p, sys_sv, v) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """c (dt_b - dt_p) [m] with both apparent clocks (periodic relativity included) at the
    precise product's reference signals; the group-delay term [s]; samples lacking it."""
    sys_tv = np.broadcast_to(sys_sv[None, :], b.shape)
    corr_s, gd_missing = _reference_correction_s(nav, b, sys_tv)
    rel_ecc = np.asarray(b.extra.get("relativity_ecc_s", b.relativity_s))
    rel_b = np.where(np.isfinite(rel_ecc), rel_ecc, b.relativity_s)
    dt_b = b.clock_s + rel_b + corr_s
    dt_p = p.clock_s + p.relativity_s
    ok = v["clock"] & np.isfinite(dt_b) & np.isfinite(dt_p)
    v["clock"] = ok
    return np.where(ok, _C * (dt_b - dt_p), np.nan), corr_s, gd_missing


def _radial_antenna_shift(p, radial: np.ndarray) -> np.ndarray:
    """Change of the radial error made by the precise orbit's antenna offset [m]
    (0 where none was applied): ``R_apc - R_com = -offset . r_hat``."""
    offset = p.extra.get("antenna_offset_m")
    if offset is None:
        return np.zeros(radial.shape)
    r_hat = p.position_m / np.linalg.norm(p.position_m, axis=-1, keepdims=True)
    shift = -np.einsum("...i,...i->...", np.asarray(offset), r_hat)
    return np.where(np.isfinite(shift), shift, 0.0)


def _aligned_clock(clock_raw, radial, w_r, use, grp_sv, groups, align_clock, shift=None):
    """Clock error after removing the per-(epoch, clock group) datum; datum and counts.

    With antenna offsets applied (``shift``: their radial effect per sample) the
    ``"epoch"`` datum is the median of the centre-of-mass range errors; a corrected
    satellite's datum is then lowered by the mean ``w_R * shift`` of its group's
    corrected satellites.  With a complete ANTEX file this is the usual datum of the
    phase-centre range errors; with a partial one (a few satellites calibrated) neither
    the corrected nor the uncorrected satellites are shifted against each other by the
    offsets the file does not give.
    """
    col_of_sv = np.array([groups.index(g) for g in grp_sv])
    if align_clock == "epoch":
        sh = np.zeros(radial.shape) if shift is None else shift
        w_sh = w_r[None, :] * sh
        datum, n = _clock_datum(clock_raw - w_r[None, :] * radial + w_sh, use, grp_sv, groups)
        corrected = sh != 0.0
        m = use & corrected
        lower = np.zeros(datum.shape)
        for k, group in enumerate(groups):  # per clock group (a handful)
            cols = grp_sv == group
            cnt = m[:, cols].sum(axis=1)
            total = np.where(m[:, cols], w_sh[:, cols], 0.0).sum(axis=1)
            lower[:, k] = np.where(cnt > 0, total / np.maximum(cnt, 1), 0.0)
        per_sample = datum[:, col_of_sv] - np.where(corrected, lower[:, col_of_sv], 0.0)
        return clock_raw - per_sample, datum, n
    if align_clock == "clock":
        datum, n = _clock_datum(clock_raw, use, grp_sv, groups)
    else:
        datum = np.zeros((clock_raw.shape[0], len(groups)))
        n = np.zeros((clock_raw.shape[0], len(groups)), dtype=np.int64)
    return clock_raw - datum[:, col_of_sv], datum, n


def _sisre_values(orbit, clock, geom) -> tuple[np.ndarray, np.ndarray]:
    """Orbit-only and orbit+clock SISRE [m] (Montenbruck et al. 2018, eq. 1-2)."""
    w_r, w_ac2 = geom["w_r"][None, :], geom["w_ac2"][None, :]
    transverse = w_ac2 * (orbit["along"] ** 2 + orbit["cross"] ** 2)
    sisre_orb = np.sqrt(w_r**2 * orbit["radial"] ** 2 + transverse)
    sisre_full = np.sqrt((w_r * orbit["radial"] - clock) ** 2 + transverse)
    return sisre_orb, sisre_full


def _dataset(
    t_ns, svs, sys_sv, b, p, v, orbit, geom, clock_raw, clock, corr_s, sisre_orb,
    sisre_full, datum, n_datum, groups, grp_sv,
) -> xr.Dataset:  # fmt: skip
    """The (time, sv) result Dataset (see :func:`sisre` for the variables)."""
    ref = np.asarray(b.extra["reference_ns"])
    age = np.where(ref == np.iinfo(np.int64).min, np.nan, (t_ns[:, None] - ref) / _NS)
    msg_sv = _first_nonempty_cols(np.asarray(b.extra["message"]))
    corrected = np.asarray(p.extra.get("antenna_corrected", np.zeros(p.shape, bool)))
    dims = ("time", "sv")
    ds = xr.Dataset(
        {
            "radial_m": (dims, orbit["radial"]),
            "along_m": (dims, orbit["along"]),
            "cross_m": (dims, orbit["cross"]),
            "orbit_3d_m": (dims, orbit["3d"]),
            "clock_raw_m": (dims, clock_raw),
            "clock_m": (dims, clock),
            "sisre_orbit_m": (dims, sisre_orb),
            "sisre_m": (dims, sisre_full),
            "reference_correction_m": (dims, np.where(v["computed"], _C * corr_s, np.nan)),
            "healthy": (dims, v["healthy"]),
            "broadcast_status": (dims, b.status.astype(np.int8)),
            "precise_status": (dims, np.asarray(p.status).astype(np.int8)),
            "iod": (dims, np.asarray(b.extra["iod"], dtype=np.float64)),
            "ephemeris_age_s": (dims, age),
            "antenna_corrected": (dims, corrected),
            "clock_datum_m": (("time", "clock_group"), datum),
            "clock_datum_n": (("time", "clock_group"), n_datum),
        },
        coords={
            "time": _time_labels(t_ns),
            "sv": svs,
            "clock_group": ("clock_group", np.asarray(groups, dtype="<U2")),
            "sv_system": ("sv", sys_sv),
            "sv_clock_group": ("sv", grp_sv),
            "orbit_class": ("sv", geom["cls"]),
            "semi_major_axis_m": ("sv", geom["a"]),
            "inclination_deg": ("sv", geom["inc"]),
            "w_r": ("sv", geom["w_r"]),
            "w_ac2": ("sv", geom["w_ac2"]),
            "weight_key": ("sv", geom["key"]),
            "message": ("sv", msg_sv),
        },
    )
    ds["time"].attrs["time_scale"] = "GPST"
    return ds


def _nanmedian_cols(x: np.ndarray) -> np.ndarray:
    out = np.full(x.shape[1], np.nan)
    has = np.isfinite(x).any(axis=0)
    if has.any():
        out[has] = np.nanmedian(x[:, has], axis=0)
    return out


def _first_nonempty_cols(m: np.ndarray) -> np.ndarray:
    """Per column, the most frequent non-empty string (the message type used)."""
    keys = np.unique(m[m != ""])
    out = np.full(m.shape[1], "", dtype="<U4")
    if keys.size:
        counts = np.stack([(m == k).sum(axis=0) for k in keys])  # per message type
        out = np.where(counts.max(axis=0) > 0, keys[counts.argmax(axis=0)], "")
    return out.astype("<U4")


def _antenna_statement(precise) -> str:
    antex = getattr(precise, "antex", None)
    if antex is None:
        return ANTENNA_STATEMENT
    missing = sorted(getattr(precise, "antenna_missing", ()) or ())
    text = (
        f"Satellite antenna phase-centre offsets from {getattr(antex, 'path', 'ANTEX')} "
        "applied to the precise orbits (ionosphere-free PCO of each broadcast orbit's "
        "signal pair, nominal yaw-steering attitude): both orbits refer to the antenna "
        "phase centre."
    )
    if missing:
        text += (
            f" NOT corrected: {len(missing)} satellites not in the ANTEX file at these "
            "epochs (centre of mass kept, their radial offset of ~0.5-2.5 m remains; "
            "listed in 'antenna_missing')."
        )
    return text


def _attributes(precise, present, msg_sv, sys_sv, align_clock, gd_missing, rule, split_bds) -> dict:
    attrs: dict[str, Any] = {
        "time_scale": "GPST",
        "precise_source": str(getattr(precise, "source", "")),
        "precise_reference_point": str(getattr(precise, "reference_point", "com")),
        "broadcast_reference_point": "apc (G/E/C/J), com (R)",
        "ephemeris_rule": rule,
        "clock_alignment": f"{align_clock}: {_ALIGN_TEXT[align_clock]}"
        + (
            "; BDS-2 (C01-C18) and BDS-3 (C19-) satellites form separate clock groups"
            if split_bds and align_clock != "none"
            else ""
        ),
        "antenna": _antenna_statement(precise),
        "antenna_missing": " ".join(sorted(getattr(precise, "antenna_missing", ()) or ())),
        "rac_frame": "radial/along-track/cross-track of the precise orbit, built with the "
        "inertial velocity v + omega_e x r",
        "weights_source": "Montenbruck, Steigenberger & Hauschild (2018), Adv. Space Res. "
        "61(12):3020-3038, Table 4 (0 deg mask): w_R and w_A,C^2",
        "relativity": "broadcast: ICD term F e sqrt(A) sin E (GLONASS: inside tau_n); "
        "precise: -2 r.v / c^2 (IGS convention)",
    }
    for system in present:
        msgs = sorted({m for m, s in zip(msg_sv, sys_sv, strict=True) if s == system and m})
        ref = PRECISE_REFERENCE_SIGNALS.get(system)
        parts = []
        for m in msgs:
            parts.append(f"{m}: " + CLOCK_REFERENCE.get(f"{system}:{m}", "unknown"))
        text = "; ".join(parts) if parts else "no broadcast message"
        if ref:
            text += (
                f" -> brought to the precise reference {ref[0]}/{ref[1]} "
                "ionosphere-free with the broadcast group delays "
                "(gamma d1 - d2)/(gamma - 1)"
            )
            if gd_missing.get(system):
                text += (
                    f"; {gd_missing[system]} samples lacked a broadcast group delay "
                    "and were taken as zero"
                )
        attrs[f"clock_reference_{system}"] = text
    return attrs


# ----------------------------------------------------------------------------------------
# summary
# ----------------------------------------------------------------------------------------
_METRICS = {
    "radial_m": "rms_radial_m",
    "along_m": "rms_along_m",
    "cross_m": "rms_cross_m",
    "clock_m": "rms_clock_m",
    "sisre_orbit_m": "rms_sisre_orbit_m",
    "sisre_m": "rms_sisre_m",
}


@dataclass
class SisreSummary:
    """Per-satellite and per-group statistics of a :func:`sisre` Dataset.

    Attributes
    ----------
    satellites : pandas.DataFrame
        Index ``sv``; columns ``system``, ``group``, ``orbit_class``, ``n_epochs``,
        ``rms_radial_m`` ... ``rms_sisre_m``, ``mean_radial_m``, ``max_orbit_3d_m``.
        Only healthy samples with both states.
    groups : pandas.DataFrame
        Index ``group`` (GPS, GLONASS, Galileo, BDS-2 MEO, BDS-3 MEO, BDS IGSO/GEO,
        QZSS); the same statistics over the pooled samples of the group, plus
        ``n_satellites`` and ``satellites``.
    unhealthy : dict
        ``sv -> number of epochs`` excluded as unhealthy.
    missing : list of str
        Satellites without a single usable (healthy, both products) sample.
    attrs : dict
        The Dataset's statements (clock reference, alignment, antenna).
    """

    satellites: pd.DataFrame
    groups: pd.DataFrame
    unhealthy: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready nested dictionaries."""
        return {
            "groups": _records(self.groups),
            "satellites": _records(self.satellites),
            "unhealthy_excluded": self.unhealthy,
            "missing": self.missing,
            "statements": self.attrs,
        }


def _records(df: pd.DataFrame) -> dict[str, dict[str, Any]]:
    out = {}
    for idx, row in df.iterrows():
        out[str(idx)] = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
    return out


def satellite_group(sv: str, orbit_cls: str) -> str:
    """Summary group of a satellite: system name; BDS split by orbit class and, for MEO,
    generation (BDS-3 satellites have PRN C19-C63, BDS-SIS-ICD-B1I 3.0, 3.3)."""
    system = sv[0]
    name = _SYSTEM_NAMES.get(system, system)
    if system != "C":
        return name
    if orbit_cls == "MEO":
        return "BDS-3 MEO" if int(sv[1:]) >= 19 else "BDS-2 MEO"
    return "BDS IGSO/GEO"


_GROUP_ORDER = ["GPS", "GLONASS", "Galileo", "BDS-2 MEO", "BDS-3 MEO", "BDS IGSO/GEO", "QZSS"]


def _masked_mean(x: np.ndarray, use: np.ndarray, axis) -> np.ndarray:
    """Mean of ``x`` where ``use`` (NaN where nothing is used), without warnings."""
    n = use.sum(axis=axis)
    total = np.where(use, x, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def _stats(ds: xr.Dataset, use: np.ndarray, axis) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {"n_epochs": use.sum(axis=axis)}
    for var, name in _METRICS.items():
        out[name] = np.sqrt(_masked_mean(ds[var].values ** 2, use, axis))
    out["mean_radial_m"] = _masked_mean(ds["radial_m"].values, use, axis)
    peak = np.where(use, ds["orbit_3d_m"].values, -np.inf).max(axis=axis)
    out["max_orbit_3d_m"] = np.where(np.isfinite(peak), peak, np.nan)
    return out


def sisre_summary(ds: xr.Dataset) -> SisreSummary:
    """RMS statistics per satellite and per group (unhealthy samples excluded).

    Samples count where the broadcast state is healthy and both the orbit and the
    clock comparison exist (``sisre_m`` finite); orbit-only statistics use the same
    samples so that the columns are comparable.
    """
    healthy = ds["healthy"].values
    use = healthy & np.isfinite(ds["sisre_m"].values)
    svs = ds["sv"].values.astype(str)
    cls = ds["orbit_class"].values.astype(str)
    groups = np.array([satellite_group(s, c) for s, c in zip(svs, cls, strict=True)])

    per_sat = _stats(ds, use, axis=0)
    sat_df = pd.DataFrame(
        {
            "system": ds["sv_system"].values.astype(str),
            "group": groups,
            "orbit_class": cls,
            **per_sat,
        },
        index=pd.Index(svs, name="sv"),
    )
    sat_df = sat_df[sat_df["n_epochs"] > 0]

    rows = {}
    for g in [g for g in _GROUP_ORDER if g in set(groups)] + sorted(
        set(groups) - set(_GROUP_ORDER)
    ):  # per group (a handful)
        cols = (groups == g) & (use.sum(axis=0) > 0)
        if not cols.any():
            continue
        st = _stats(ds.isel(sv=np.flatnonzero(cols)), use[:, cols], axis=None)
        rows[g] = {
            "n_satellites": int(cols.sum()),
            **{k: v.item() for k, v in st.items()},
            "satellites": " ".join(svs[cols]),
        }
    grp_df = pd.DataFrame.from_dict(rows, orient="index")
    grp_df.index.name = "group"

    unhealthy_n = (ds["broadcast_status"].values == StateStatus.UNHEALTHY).sum(axis=0)
    unhealthy = {s: int(n) for s, n in zip(svs, unhealthy_n, strict=True) if n > 0}
    n_used = use.sum(axis=0)
    missing = [s for s, n in zip(svs, n_used, strict=True) if n == 0 and s not in unhealthy]
    return SisreSummary(sat_df, grp_df, unhealthy, missing, dict(ds.attrs))
