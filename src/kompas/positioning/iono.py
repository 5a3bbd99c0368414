"""Which broadcast ionosphere model corrects which satellite, chosen in one place.

Single-frequency positioning corrects each system with its own broadcast model where the
navigation data carry it, and with the best available otherwise. The preference lists
are those of :func:`kompas.models.ionosphere.iono_model_for` (NeQuick-G for Galileo,
BDGIM for BDS-3, the BDS Klobuchar for BDS-2, the GPS Klobuchar for GPS/QZSS/NavIC and
for GLONASS/SBAS, each falling back on the other systems' models), with two solver rules:

* ``bds_iono`` (``"auto"``): outside the BDS regional service area the BDS Klobuchar
  coefficients are not fitted, so BDS-2 satellites (and BDS-3 ones without BDGIM) take
  the GPS Klobuchar first there (see :class:`kompas.positioning.SolveOptions`).
* When the navigation data carry no ionosphere parameters at all, ``klobuchar_default``:
  the GPS model with fixed climatological coefficients
  (:data:`kompas.constants.KLOBUCHAR_DEFAULT_ALPHA`), what RTKLIB also uses then.

The choice per system is in the solution's ``iono_models``; the delays of a set of cells
come from :meth:`IonoPlan.delay_m`. Unknown model names raise ``ValueError`` naming the
valid ones; a model requested explicitly that the data cannot serve raises KompasError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kompas.constants import KLOBUCHAR_DEFAULT_ALPHA, KLOBUCHAR_DEFAULT_BETA
from kompas.errors import KompasError
from kompas.models.ionosphere import IONO_MODELS, _pick_set, iono_model_for, slant_delay_m
from kompas.time import Time

__all__ = ["MODELS", "IONO_OPTIONS", "NODE_S", "IonoPlan", "choose_models", "validate_iono_option"]

#: Every model name the solver accepts.
MODELS: tuple[str, ...] = (*IONO_MODELS, "klobuchar_default")
#: Values of ``SolveOptions.iono`` besides a {system: model} dict.
IONO_OPTIONS = ("broadcast", *MODELS)

#: BDS-2 satellites are C01–C18 (BDS-3 from C19): they broadcast D1/D2 (Klobuchar) only.
_LAST_BDS2_PRN = 18
_SYSTEMS = "GRECJIS"
#: where each model's coefficients come from, per user system (own set first)
_CARRIERS = {"klobuchar_bds": "C", "nequick_g": "E", "bdgim": "C"}


def validate_iono_option(value: Any) -> None:
    """Raise ``ValueError`` for an ``iono`` option that names no known model."""
    if isinstance(value, Mapping):
        for sys, model in value.items():
            if not (isinstance(sys, str) and len(sys) == 1 and sys in _SYSTEMS):
                raise ValueError(f"iono: system {sys!r} is not one of {', '.join(_SYSTEMS)}")
            if model not in MODELS:
                raise ValueError(
                    f"iono[{sys!r}] = {model!r} is not a model; valid: {', '.join(MODELS)}"
                )
        return
    if not isinstance(value, str) or value not in IONO_OPTIONS:
        raise ValueError(
            f"iono = {value!r} is not valid; use one of {', '.join(IONO_OPTIONS)} "
            "or a {system: model} dict"
        )


@dataclass
class _Set:
    model: str
    coefficients: np.ndarray
    text: str


_DEFAULT = _Set(
    "klobuchar_gps",
    np.array([*KLOBUCHAR_DEFAULT_ALPHA, *KLOBUCHAR_DEFAULT_BETA]),
    "klobuchar_default",
)
_NONE = _Set("none", np.zeros(0), "none")


def _explicit_set(nav: Any, model: str, sys: str, t_ns: int) -> _Set | None:
    if model == "none":
        return _NONE
    if model == "klobuchar_default":
        return _DEFAULT
    ion = getattr(nav, "ion", None)
    if ion is None or len(ion) == 0:
        return None
    carriers = [_CARRIERS[model]] if model in _CARRIERS else [sys, "G"]
    for carrier in dict.fromkeys(carriers):
        choice = _pick_set(ion, model, carrier, t_ns)
        if choice is not None:
            return _Set(model, np.asarray(choice.coefficients), model)
    return None


def _auto_set(nav: Any, key: str, t_ns: int, gps_first: bool) -> _Set:
    """The broadcast choice for a user key ("G", "E", "C", "C2", ...)."""
    if nav is None:
        return _DEFAULT
    if gps_first and key in ("C", "C2"):
        own = iono_model_for(nav, "C", t_ns) if key == "C" else None
        if own is not None and own.model == "bdgim":
            return _Set("bdgim", np.asarray(own.coefficients), "bdgim")
        gps = _explicit_set(nav, "klobuchar_gps", "G", t_ns)
        if gps is not None:
            return _Set(gps.model, gps.coefficients, "klobuchar_gps")
    choice = iono_model_for(nav, key, t_ns)
    if choice.model == "none":
        return _DEFAULT
    return _Set(choice.model, np.asarray(choice.coefficients), choice.model)


@dataclass
class IonoPlan:
    """The model of every satellite of a run and the coefficient set it uses.

    Attributes
    ----------
    models : dict
        System → model text for the solution attrs (``"nequick_g"``, or
        ``"bdgim (BDS-3), klobuchar_bds (BDS-2)"`` when BDS mixes two).
    sv_set : ndarray (S,) of int
        Index into ``sets`` per satellite of the measurements.
    """

    models: dict[str, str]
    sv_set: np.ndarray
    sets: list = field(default_factory=list)

    def delay_m(self, ctx: dict[str, np.ndarray], cell_sv: np.ndarray) -> np.ndarray:
        """Slant delays (metres on each cell's frequency) of the cells ``cell_sv`` (T, M).

        ``ctx`` holds per epoch ``lat``/``lon``/``h`` (rad, m) and ``t_ns`` with
        ``scale``, per cell ``sat_m`` (ECEF, reception frame), ``el`` (rad) and
        ``frequency_hz``. Ray-integrating models (NeQuick-G) are evaluated on a time grid
        per satellite and interpolated (see :func:`_node_cells`).
        """
        which = self.sv_set[cell_sv]
        out = np.zeros(which.shape)
        llh = np.stack([ctx["lat"], ctx["lon"], ctx["h"]], axis=-1)
        rows_all = np.broadcast_to(np.arange(which.shape[0])[:, None], which.shape)
        seen = np.isfinite(ctx["sat_m"]).all(axis=-1) & (ctx["el"] >= 0.0)
        for k in np.unique(which):
            s = self.sets[k]
            if s.model == "none":
                continue
            m = (which == k) & seen
            if not m.any():
                continue
            rows, sats, el = rows_all[m], cell_sv[m], ctx["el"][m]
            if s.model in _EXPENSIVE:
                month = _utc_month(ctx["t_ns"][rows], ctx["scale"])
                node, prev, nxt, frac = _node_cells(ctx["t_ns"][rows], sats, month)
            else:
                node = np.ones(len(rows), bool)
            d_node = slant_delay_m(
                s.model,
                s.coefficients,
                Time.from_ns(ctx["t_ns"][rows[node]], ctx["scale"]),
                llh[rows[node]],
                ctx["sat_m"][m][node],
                ctx["frequency_hz"][m][node],
            )
            if node.all():
                out[m] = d_node
                continue
            # interpolate the vertical-equivalent delay (slant / thin-shell mapping)
            vert = np.full(len(rows), np.nan)
            vert[node] = d_node / _shell_mapping(el[node])
            v = (1.0 - frac) * vert[prev] + frac * vert[nxt]
            out[m] = np.where(node, np.nan_to_num(vert), v) * _shell_mapping(el)
        return out


#: Models integrated along the ray (NeQuick-G: 0.3-0.6 ms per ray vectorised here, 1-8 ms
#: in the JRC C code): evaluated every :data:`NODE_S` per satellite and linearly
#: interpolated in between as vertical-equivalent delays (slant / thin-shell mapping at
#: 350 km), which follow the pierce point's slow TEC change; a change of UTC month (the
#: CCIR maps) is an arc break. Galileo alone, against nodes every 60 s (2026-12-01): slant
#: delays differ by RMS 0.26 cm / max 0.05 m (NIST 2023-001), 0.96 cm / 0.16 m (AJAC
#: 2024-210), 0.52 cm / 0.11 m (NYA1 2024-127), the maxima on rays near the horizon; the
#: positions by RMS 6, 17 and 14 mm and the day's RMS errors by <= 3 mm, at a sixth of the
#: cost — against a model error of decimetres (35 % of the delay at NYA1 that day).
_EXPENSIVE = ("nequick_g",)
NODE_S = 600
_SHELL_RATIO = 6371.0 / (6371.0 + 350.0)


def _utc_month(t_ns: np.ndarray, scale) -> np.ndarray:
    """Months since year 0 of instants ``t_ns`` (on ``scale``) in UTC: NeQuick-G's CCIR
    maps are monthly, so its delays jump where this changes."""
    year, month = Time.from_ns(t_ns, scale).to("UTC").calendar()[:2]
    return np.asarray(year, np.int64) * 12 + np.asarray(month, np.int64)


def _shell_mapping(el: np.ndarray) -> np.ndarray:
    c = _SHELL_RATIO * np.cos(el)
    return 1.0 / np.sqrt(1.0 - c * c)


def _node_cells(t_ns: np.ndarray, sats: np.ndarray, segment: np.ndarray | None = None):
    """Nodes of a per-satellite time grid and the interpolation of the other cells.

    Cells (time ``t_ns``, satellite ``sats``) are nodes at the first cell of every
    ``NODE_S`` bucket, at the start and end of each satellite's arc (gaps longer than a
    bucket, or a change of ``segment``, start a new arc: the model is discontinuous there,
    e.g. NeQuick-G's monthly maps at 00:00 UTC of the 1st, which a GPST day file's first
    epoch, 23:59:42 UTC of the month before, straddles). Returns ``node`` (bool), for every
    cell the indices of the previous and next node of its satellite and the time fraction
    between them.
    """
    n = len(t_ns)
    order = np.lexsort((t_ns, sats))
    ts, ss = t_ns[order], sats[order]
    bucket = ts // (NODE_S * 1_000_000_000)
    new_sat = np.r_[True, ss[1:] != ss[:-1]]
    gap = np.r_[True, np.diff(ts) > NODE_S * 1_000_000_000]
    if segment is not None:
        seg = segment[order]
        gap |= np.r_[True, seg[1:] != seg[:-1]]
    start = new_sat | gap
    end = np.r_[start[1:], True]
    node_s = start | end | np.r_[True, bucket[1:] != bucket[:-1]]
    idx = np.arange(n)
    prev_s = np.maximum.accumulate(np.where(node_s, idx, 0))
    next_s = np.minimum.accumulate(np.where(node_s, idx, n - 1)[::-1])[::-1]
    span = (ts[next_s] - ts[prev_s]).astype(float)
    frac_s = np.where(span > 0, (ts - ts[prev_s]) / np.where(span > 0, span, 1.0), 0.0)
    node = np.empty(n, bool)
    prev = np.empty(n, np.int64)
    nxt = np.empty(n, np.int64)
    frac = np.empty(n)
    node[order], prev[order], nxt[order], frac[order] = node_s, order[prev_s], order[next_s], frac_s
    return node, prev, nxt, frac


def _in_bds_region(lat_deg: float, lon_deg: float) -> bool:
    from kompas.positioning.options import BDS_KLOBUCHAR_REGION_DEG

    la0, la1, lo0, lo1 = BDS_KLOBUCHAR_REGION_DEG
    return bool(la0 <= lat_deg <= la1 and lo0 <= lon_deg % 360.0 <= lo1)


def _user_key(sv: str) -> str:
    if sv[0] == "C" and sv[1:].isdigit() and int(sv[1:]) <= _LAST_BDS2_PRN:
        return "C2"
    return sv[0]


def choose_models(
    request: str | Mapping[str, str],
    sv: np.ndarray,
    nav: Any,
    t_ns: int,
    bds_iono: str = "auto",
    receiver_lat_lon_deg: tuple[float, float] | None = None,
) -> IonoPlan:
    """Pick the ionosphere model (and coefficient set) of every satellite.

    Parameters
    ----------
    request : str or dict
        ``"broadcast"`` (each system's own model, else the best available), ``"none"``,
        one model name for every system, or ``{system: model}`` (others as broadcast).
    sv : ndarray (S,) of str
        The run's satellites.
    nav : kompas.io.Navigation or None
        Where the coefficients come from (``nav.ion``).
    t_ns : int
        Instant whose coefficient set is used (the run's middle epoch).
    bds_iono : {"auto", "bds", "gps"}
        Klobuchar preference for BDS (see :class:`kompas.positioning.SolveOptions`).
    receiver_lat_lon_deg : (float, float), optional
        For ``bds_iono="auto"``: outside the BDS regional service area the GPS
        Klobuchar comes before the BDS one.

    Raises
    ------
    ValueError
        An unknown model name.
    KompasError
        A model requested explicitly whose coefficients the navigation data lack.
    """
    validate_iono_option(request)
    if bds_iono == "auto":
        gps_first = receiver_lat_lon_deg is None or not _in_bds_region(*receiver_lat_lon_deg)
    else:
        gps_first = bds_iono == "gps"
    if isinstance(request, Mapping):
        explicit = dict(request)
    elif request != "broadcast":
        explicit = {s: request for s in _SYSTEMS}
    else:
        explicit = {}
    sv = np.asarray(sv).astype(str)
    keys = np.array([_user_key(s) for s in sv])
    sets: list[_Set] = []
    index: dict[str, int] = {}
    for key in dict.fromkeys(keys):  # a loop over at most 8 user keys
        sys = key[0]
        if sys in explicit:
            chosen = _explicit_set(nav, explicit[sys], sys, t_ns)
            if chosen is None:
                raise KompasError(
                    f"ionosphere model {explicit[sys]!r} for system {sys}: the navigation "
                    "data carry no coefficients for it"
                )
        else:
            chosen = _auto_set(nav, key, t_ns, gps_first)
        index[key] = len(sets)
        sets.append(chosen)
    sv_set = np.array([index[k] for k in keys], dtype=np.int64)
    models: dict[str, str] = {}
    for sys in dict.fromkeys(s[0] for s in sv):
        b3 = sets[index[sys]].text if sys in index else None
        b2 = sets[index["C2"]].text if sys == "C" and "C2" in index else None
        if b3 is not None and b2 is not None and b3 != b2:
            models[sys] = f"{b3} (BDS-3), {b2} (BDS-2)"
        else:
            models[sys] = b3 if b3 is not None else b2
    return IonoPlan(models=models, sv_set=sv_set, sets=sets)
