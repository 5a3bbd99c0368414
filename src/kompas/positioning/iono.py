"""Which broadcast ionosphere model corrects which satellite, chosen in one place.

Single-frequency positioning corrects each system with its own broadcast model where the
navigation data carry it, and with the best available otherwise:

=======  ====================================================================
system   preference under ``iono="broadcast"`` (first one available wins)
=======  ====================================================================
G, J     ``klobuchar_gps`` → ``klobuchar_default``
E        ``nequick_g`` → ``klobuchar_gps`` → ``klobuchar_default``
C        BDS-3: ``bdgim`` → then as BDS-2; BDS-2: ``klobuchar_bds`` inside the BDS
         regional service area (else ``klobuchar_gps`` first, see ``bds_iono``) →
         the other Klobuchar → ``klobuchar_default``
R, I, S  ``klobuchar_gps`` → ``klobuchar_default``
=======  ====================================================================

A model is *available* when the navigation data carry its coefficients and kompas
implements it (:data:`IMPLEMENTED`). ``klobuchar_default`` is the GPS model with fixed
climatological coefficients (:data:`kompas.constants.KLOBUCHAR_DEFAULT_ALPHA`), what
RTKLIB also uses when a file has no ionosphere parameters; it is only ever a last resort
and is always named in the solution's ``iono_models``.

The choice per system is :func:`choose_models`; the delays of a set of cells come from
:meth:`IonoPlan.delay_m`. Unknown model names raise ``ValueError`` naming the valid ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kompas.constants import KLOBUCHAR_DEFAULT_ALPHA, KLOBUCHAR_DEFAULT_BETA
from kompas.errors import KompasError
from kompas.models.ionosphere import (
    FREQ_BDS_B1I_HZ,
    FREQ_GPS_L1_HZ,
    klobuchar_bds_delay_m,
    klobuchar_gps_delay_m,
)

__all__ = [
    "MODELS",
    "IONO_OPTIONS",
    "IMPLEMENTED",
    "IonoPlan",
    "choose_models",
    "validate_iono_option",
]

#: Every model name kompas knows, with what it is.
MODELS: Mapping[str, str] = {
    "klobuchar_gps": "GPS Klobuchar (IS-GPS-200 20.3.3.5.2.5), scaled by (f_L1/f)^2",
    "klobuchar_bds": "BDS 8-parameter Klobuchar (BDS-SIS-ICD-B1I 5.2.4.7)",
    "nequick_g": "Galileo NeQuick-G (Galileo Ionospheric Model for Single-Frequency Users)",
    "bdgim": "BDS-3 BDGIM (BDS-SIS-ICD-B1C 7.x)",
    "klobuchar_default": "GPS Klobuchar with RTKLIB's fixed default coefficients (2004-01-01)",
    "none": "no ionospheric correction",
}
#: Values of ``SolveOptions.iono`` besides a model name (or a {system: model} dict).
IONO_OPTIONS = ("broadcast", *MODELS)

#: BDS-2 satellites are C01–C18 (BDS-3 from C19); BDGIM is a BDS-3 (B-CNAV) message.
_LAST_BDS2_PRN = 18


#: model → does kompas implement it (NeQuick-G and BDGIM arrive with their model modules)
IMPLEMENTED: dict[str, bool] = {
    "klobuchar_gps": True,
    "klobuchar_bds": True,
    "nequick_g": False,
    "bdgim": False,
    "klobuchar_default": True,
    "none": True,
}


def validate_iono_option(value: Any) -> None:
    """Raise ``ValueError`` for an ``iono`` option that names no known model."""
    if isinstance(value, Mapping):
        for sys, model in value.items():
            if not (isinstance(sys, str) and len(sys) == 1 and sys in "GRECJIS"):
                raise ValueError(f"iono: system {sys!r} is not one of G, R, E, C, J, I, S")
            if model not in MODELS:
                raise ValueError(
                    f"iono[{sys!r}] = {model!r} is not a model; valid: {', '.join(MODELS)}"
                )
        return
    if value not in IONO_OPTIONS:
        raise ValueError(
            f"iono = {value!r} is not valid; use one of {', '.join(IONO_OPTIONS)} "
            "or a {system: model} dict"
        )


def _nav_coefficients(nav: Any, t_ns: int) -> dict[str, Any]:
    """Model → coefficients carried by the navigation data (None when absent)."""
    out: dict[str, Any] = {
        "klobuchar_default": (np.array(KLOBUCHAR_DEFAULT_ALPHA), np.array(KLOBUCHAR_DEFAULT_BETA)),
        "none": (),
    }
    if nav is None:
        return out
    for model, sys in (("klobuchar_gps", "G"), ("klobuchar_bds", "C")):
        try:
            out[model] = nav.klobuchar(sys, t_ns)
        except (KeyError, AttributeError):
            pass
    ion = getattr(nav, "ion", None)
    if ion is not None and len(ion):
        for model in ("nequick_g", "bdgim"):
            sel = ion[ion["model"] == model]
            if len(sel):
                out[model] = sel
    return out


def _preference(sys: str, bds2: bool, bds_first: bool) -> tuple[str, ...]:
    klob = ("klobuchar_bds", "klobuchar_gps") if bds_first else ("klobuchar_gps", "klobuchar_bds")
    if sys == "C":
        return (*(() if bds2 else ("bdgim",)), *klob, "klobuchar_default")
    if sys == "E":
        return ("nequick_g", "klobuchar_gps", "klobuchar_default")
    return ("klobuchar_gps", "klobuchar_default")


@dataclass
class IonoPlan:
    """The model of every satellite of a run and the coefficients they need.

    Attributes
    ----------
    models : dict
        System → model text for the solution attrs (``"nequick_g"``, or
        ``"bdgim (BDS-3), klobuchar_gps (BDS-2)"`` when BDS mixes two).
    sv_model : ndarray (S,) of str
        Model per satellite of the measurements.
    """

    models: dict[str, str]
    sv_model: np.ndarray
    coefficients: dict[str, Any] = field(default_factory=dict)
    evaluators: dict[str, Callable] = field(default_factory=dict)

    def delay_m(self, ctx: dict[str, np.ndarray], cell_sv: np.ndarray) -> np.ndarray:
        """Slant delays (metres on each cell's frequency) of the cells ``cell_sv`` (T, M).

        ``ctx`` holds per epoch ``lat``/``lon``/``h`` (rad, m), ``gps_tow_s``,
        ``bdt_sow_s``, and per cell ``az``/``el`` (rad), ``frequency_hz``, ``sat_m``.
        """
        model = self.sv_model[cell_sv]
        out = np.zeros(model.shape)
        for name in np.unique(model):
            if name == "none":
                continue
            m = model == name
            out[m] = self.evaluators[name](ctx, m, self.coefficients[name])
        return out


def _broadcast_epoch(ctx: dict, key: str, m: np.ndarray) -> np.ndarray:
    return np.broadcast_to(ctx[key][:, None], m.shape)[m]


def _eval_klobuchar_gps(ctx: dict, m: np.ndarray, coeffs) -> np.ndarray:
    a, b = coeffs
    d = klobuchar_gps_delay_m(
        a,
        b,
        _broadcast_epoch(ctx, "lat", m),
        _broadcast_epoch(ctx, "lon", m),
        ctx["az"][m],
        ctx["el"][m],
        _broadcast_epoch(ctx, "gps_tow_s", m),
        FREQ_GPS_L1_HZ,
    )
    return d * (FREQ_GPS_L1_HZ / ctx["frequency_hz"][m]) ** 2


def _eval_klobuchar_bds(ctx: dict, m: np.ndarray, coeffs) -> np.ndarray:
    a, b = coeffs
    d = klobuchar_bds_delay_m(
        a,
        b,
        _broadcast_epoch(ctx, "lat", m),
        _broadcast_epoch(ctx, "lon", m),
        ctx["az"][m],
        ctx["el"][m],
        _broadcast_epoch(ctx, "bdt_sow_s", m),
        FREQ_BDS_B1I_HZ,
    )
    return d * (FREQ_BDS_B1I_HZ / ctx["frequency_hz"][m]) ** 2


_EVALUATORS: dict[str, Callable] = {
    "klobuchar_gps": _eval_klobuchar_gps,
    "klobuchar_bds": _eval_klobuchar_bds,
    "klobuchar_default": _eval_klobuchar_gps,
}


def _in_bds_region(lat_deg: float, lon_deg: float) -> bool:
    from kompas.positioning.options import BDS_KLOBUCHAR_REGION_DEG

    la0, la1, lo0, lo1 = BDS_KLOBUCHAR_REGION_DEG
    return bool(la0 <= lat_deg <= la1 and lo0 <= lon_deg % 360.0 <= lo1)


def choose_models(
    request: str | Mapping[str, str],
    sv: np.ndarray,
    nav: Any,
    t_ns: int,
    bds_iono: str = "auto",
    receiver_lat_lon_deg: tuple[float, float] | None = None,
) -> IonoPlan:
    """Pick the ionosphere model of every satellite.

    Parameters
    ----------
    request : str or dict
        ``"broadcast"`` (each system's own model, else the best available), ``"none"``,
        one model name for every system, or ``{system: model}`` (others as broadcast).
    sv : ndarray (S,) of str
        The run's satellites.
    nav : kompas.io.Navigation or None
        Where the coefficients come from.
    t_ns : int
        Instant whose coefficient set is used (the run's middle epoch).
    bds_iono : {"auto", "bds", "gps"}
        Klobuchar preference for BDS-2 (see :class:`kompas.positioning.SolveOptions`).
    receiver_lat_lon_deg : (float, float), optional
        For ``bds_iono="auto"``: inside the BDS regional service area the BDS
        Klobuchar comes first.

    Raises
    ------
    ValueError
        An unknown model name.
    KompasError
        A model requested explicitly whose coefficients the navigation data lack, or
        that this kompas does not implement.
    """
    validate_iono_option(request)
    coeffs = _nav_coefficients(nav, t_ns)
    available = {m for m in coeffs if IMPLEMENTED.get(m) and m in _EVALUATORS or m == "none"}
    if bds_iono == "auto":
        bds_first = receiver_lat_lon_deg is not None and _in_bds_region(*receiver_lat_lon_deg)
    else:
        bds_first = bds_iono == "bds"
    explicit: dict[str, str] = {}
    if isinstance(request, Mapping):
        explicit = dict(request)
    elif request != "broadcast":
        explicit = {s: request for s in "GRECJIS"}
    for sys, model in explicit.items():
        if model not in available:
            why = (
                "is not implemented in this kompas"
                if not (IMPLEMENTED.get(model) and model in _EVALUATORS)
                else "has no coefficients in the navigation data"
            )
            if any(s[0] == sys for s in sv):
                raise KompasError(f"ionosphere model {model!r} for system {sys} {why}")
    sv = np.asarray(sv).astype(str)
    chosen = np.empty(len(sv), dtype=object)
    for i, s in enumerate(sv):  # a loop over satellites, once per run
        sys = s[0]
        if sys in explicit:
            chosen[i] = explicit[sys]
            continue
        bds2 = sys == "C" and s[1:].isdigit() and int(s[1:]) <= _LAST_BDS2_PRN
        chosen[i] = next(m for m in _preference(sys, bds2, bds_first) if m in available)
    models: dict[str, str] = {}
    for sys in dict.fromkeys(x[0] for x in sv):
        m = sys == np.array([x[0] for x in sv])
        names = list(dict.fromkeys(chosen[m]))
        if len(names) == 1:
            models[sys] = names[0]
        else:  # BDS-3 and BDS-2 corrected differently
            b3 = [c for c, x in zip(chosen[m], sv[m], strict=True) if int(x[1:]) > _LAST_BDS2_PRN]
            b2 = [c for c, x in zip(chosen[m], sv[m], strict=True) if int(x[1:]) <= _LAST_BDS2_PRN]
            models[sys] = f"{b3[0]} (BDS-3), {b2[0]} (BDS-2)"
    return IonoPlan(
        models=models,
        sv_model=chosen.astype(str),
        coefficients={k: v for k, v in coeffs.items() if k in available},
        evaluators=dict(_EVALUATORS),
    )
