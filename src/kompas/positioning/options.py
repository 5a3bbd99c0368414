"""Settings of a positioning run, with their defaults and the error budget behind them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kompas.orbits.selection import RULES

__all__ = [
    "SolveOptions",
    "CODE_ERROR_FACTOR",
    "BDS_KLOBUCHAR_REGION_DEG",
    "resolve_options",
]

#: Code-noise factor per system, relative to GPS (RTKLIB's EFACT_* defaults: GLONASS C/A
#: is noisier and suffers inter-frequency biases; SBAS is a GEO with weaker signals).
CODE_ERROR_FACTOR: dict[str, float] = {
    "G": 1.0,
    "R": 1.5,
    "E": 1.0,
    "C": 1.0,
    "J": 1.0,
    "I": 1.5,
    "S": 3.0,
}


#: Region (lat_min, lat_max, lon_min, lon_max, degrees) where the BDS Klobuchar
#: coefficients are fitted: the BDS-2 regional service area of the BDS Open Service
#: Performance Standard (BDS-OS-PS-2.0, 2018, sec. 2.2: 55°S–55°N, 55°E–180°E).
BDS_KLOBUCHAR_REGION_DEG = (-55.0, 55.0, 55.0, 180.0)


@dataclass
class SolveOptions:
    """Options of :func:`kompas.solve`.

    Attributes
    ----------
    systems : str
        System characters to use, e.g. ``"GREC"``.
    mode : {"single", "iflc"}
        Single-frequency code with the broadcast ionosphere, or the dual-frequency
        ionosphere-free combination.
    signals : dict
        Per-system signal choice replacing the priority lists of
        :mod:`kompas.positioning.measurements`: a code (a pair in ``iflc``) used alone,
        or a list of codes (pairs) in order of priority, tried per epoch and satellite.
    elmask_deg : float
        Elevation mask.
    iono : str or dict
        ``"broadcast"``: each system's own broadcast model where the navigation data
        carry it, else the best available (:mod:`kompas.positioning.iono`); ``"none"``;
        one model name for all systems (``"klobuchar_gps"``, ``"klobuchar_bds"``,
        ``"nequick_g"``, ``"bdgim"``, ``"klobuchar_default"``); or ``{system: model}``.
        The choice per system is the solution's ``iono_models`` attribute. Ignored in
        ``iflc``.
    bds_iono : {"auto", "bds", "gps"}
        Ionosphere model for BDS satellites: the BDS 8-parameter Klobuchar of the D1/D2
        message (BDS-SIS-ICD-B1I 5.2.4.7: 375 km shell, geographic latitude, BDT), or
        the GPS model. ``"auto"`` uses the BDS model for receivers inside the BDS
        regional service area, where its coefficients are fitted, and the GPS model
        elsewhere (see :data:`BDS_KLOBUCHAR_REGION_DEG`). On the NIST day (Boulder,
        outside the region) the BDS model leaves a 2-3 m north bias at local noon:
        BDS-only RMS 1.47 m horizontal / 2.33 m vertical, against 1.09 / 3.26 m with
        the GPS model.
    tropo : {"saastamoinen", "none"}
        Standard-atmosphere Saastamoinen zenith delays with the Niell mapping function.
    code_sigma_m : tuple of float
        (a, b) of the elevation-dependent code noise sigma² = a² + b²/sin²E, metres;
        RTKLIB's defaults 0.3/0.3 m. Scaled per system by :data:`CODE_ERROR_FACTOR`,
        and by 3 in ``iflc`` (noise amplification of the combination).
    weighting : {"elevation", "equal"}
        ``"elevation"``: the error budget below; ``"equal"``: one code sigma ``a`` for every
        observation (as GNSSTk PRSolve does by default), for comparisons with such tools.
    iono_model_error : float
        Fraction of the broadcast ionospheric delay taken as its 1-sigma error (0.5:
        Klobuchar removes about half of the delay).
    cn0_weighting : bool
        Down-weight low C/N0 (sigma scaled by 10^((45 - C/N0)/20) below 45 dB-Hz).
    raim : bool
        Chi-square residual test with iterative exclusion of the worst satellite.
    raim_alpha : float
        False-alarm probability of the chi-square test.
    max_exclusions : int
        Satellites RAIM/FDE may exclude per epoch.
    constellation_check : bool
        Detect a whole system inconsistent with the others (inter-system clock jump)
        and exclude it where at least three systems allow attributing the fault.
    constellation_threshold_m : float
        Smallest inter-system clock deviation flagged, metres (the robust 8-sigma of the
        run is used when larger).
    time_offsets : {"estimate", "broadcast"}
        Estimate one receiver clock per system freely, or constrain the inter-system
        biases to the broadcast system-time offsets (GGTO/BDGP/GLGP, plus a per-run
        receiver hardware bias) with ``time_offset_sigma_m``.
    glonass_ifb : {"channel", "none"}
        GLONASS FDMA inter-frequency code biases: ``"channel"`` estimates one constant
        bias per frequency channel k over the run from the post-fit residuals (zero
        mean over channels, so the GLONASS clock keeps its meaning), removes it and
        solves again. Receiver IFBs reach metres and differ per channel (NIST: −4.7 m
        for k = −7 to +3.2 m for k = +6), which a single GLONASS clock cannot absorb.
    max_iterations : int
        Gauss-Newton iterations.
    max_pdop : float
        Epochs whose geometry above the mask is worse than this (or too thin to solve)
        are re-solved with the mask lowered to ``fallback_elmask_deg``: a low satellite,
        down-weighted by the elevation model, is worth far more than a PDOP of hundreds.
        The epochs where this happened are flagged (``mask_lowered``).
    fallback_elmask_deg : float
        The lowered mask.
    rule : {"nearest", "latest", "transmitted"}
        Ephemeris record choice, passed to :func:`kompas.orbits.broadcast.satellite_states`
        (``"transmitted"``: only records already broadcast at the epoch, as a receiver).
    """

    systems: str = "GREC"
    mode: str = "single"
    signals: dict = field(default_factory=dict)
    elmask_deg: float = 10.0
    iono: str = "broadcast"
    bds_iono: str = "auto"
    tropo: str = "saastamoinen"
    code_sigma_m: tuple[float, float] = (0.3, 0.3)
    weighting: str = "elevation"
    iono_model_error: float = 0.5
    cn0_weighting: bool = False
    raim: bool = True
    raim_alpha: float = 1e-3
    max_exclusions: int = 4
    constellation_check: bool = True
    constellation_threshold_m: float = 10.0
    time_offsets: str = "estimate"
    time_offset_sigma_m: float = 3.0
    glonass_ifb: str = "channel"
    max_iterations: int = 10
    max_pdop: float = 6.0
    fallback_elmask_deg: float = 0.0
    rule: str = "nearest"

    def validate(self) -> None:
        """Raise ``ValueError`` naming the valid values for any option out of range."""
        from kompas.positioning.iono import validate_iono_option

        validate_iono_option(self.iono)
        for name, valid in _CHOICES.items():
            value = getattr(self, name)
            if value not in valid:
                raise ValueError(f"{name} = {value!r} is not valid; use one of {', '.join(valid)}")
        if not isinstance(self.systems, str) or not self.systems:
            raise ValueError(f"systems = {self.systems!r}: give system letters such as 'GREC'")
        bad = sorted(set(self.systems) - set(_SYSTEMS))
        if bad:
            raise ValueError(
                f"systems = {self.systems!r}: unknown system(s) {', '.join(map(repr, bad))}; "
                f"valid letters {_SYSTEMS}"
            )
        for name, lo, hi, lo_open in _RANGES:
            value = getattr(self, name)
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            ok = ok and (value > lo if lo_open else value >= lo) and value <= hi
            if not ok:
                low = f"> {lo}" if lo_open else f">= {lo}"
                raise ValueError(f"{name} = {value!r} out of range: must be {low} and <= {hi}")
        a_b = tuple(self.code_sigma_m)
        if len(a_b) != 2 or not all(isinstance(v, (int, float)) and v > 0 for v in a_b):
            raise ValueError(f"code_sigma_m = {self.code_sigma_m!r}: two sigmas > 0 m (a, b)")
        if self.fallback_elmask_deg > self.elmask_deg:
            raise ValueError(
                f"fallback_elmask_deg = {self.fallback_elmask_deg} is above elmask_deg = "
                f"{self.elmask_deg}: the fallback mask lowers the mask"
            )
        if not isinstance(self.signals, dict):
            raise ValueError(f"signals = {self.signals!r}: a dict system -> code (or code pair)")
        for sys, code in self.signals.items():
            if sys not in _SYSTEMS:
                raise ValueError(f"signals: unknown system {sys!r}; valid letters {_SYSTEMS}")
            items = [code] if isinstance(code, str) else list(code)
            codes = [c for it in items for c in ([it] if isinstance(it, str) else list(it))]
            if not codes or not all(
                isinstance(c, str) and len(c) == 3 and c[0] == "C" for c in codes
            ):
                raise ValueError(f"signals[{sys!r}] = {code!r}: RINEX code(s) such as 'C1C'")


_SYSTEMS = "GRECJIS"
#: option → valid string values
_CHOICES: dict[str, tuple[str, ...]] = {
    "mode": ("single", "iflc"),
    "bds_iono": ("auto", "bds", "gps"),
    "tropo": ("saastamoinen", "none"),
    "weighting": ("elevation", "equal"),
    "time_offsets": ("estimate", "broadcast"),
    "glonass_ifb": ("channel", "none"),
    "rule": RULES,
}
#: option → (lowest, highest, lowest excluded)
_RANGES: tuple[tuple[str, float, float, bool], ...] = (
    ("elmask_deg", 0.0, 90.0, False),
    ("fallback_elmask_deg", 0.0, 90.0, False),
    ("iono_model_error", 0.0, 10.0, False),
    ("raim_alpha", 0.0, 0.5, True),
    ("max_exclusions", 0, 50, False),
    ("constellation_threshold_m", 0.0, 1e6, True),
    ("time_offset_sigma_m", 0.0, 1e6, True),
    ("max_iterations", 1, 100, False),
    ("max_pdop", 0.0, 1e6, True),
)


def resolve_options(options, systems, mode, overrides) -> SolveOptions:
    """The run's options: ``options`` with the keyword overrides, validated."""
    opts = options or SolveOptions()
    changes = dict(overrides)
    unknown = sorted(set(changes) - set(SolveOptions.__dataclass_fields__))
    if unknown:
        raise ValueError(
            f"unknown option(s) {', '.join(unknown)}; valid: "
            + ", ".join(SolveOptions.__dataclass_fields__)
        )
    if systems is not None:
        changes["systems"] = _system_letters(systems)
    if mode is not None:
        changes["mode"] = mode
    opts = replace(opts, **changes)
    opts.validate()
    return opts


#: System names accepted besides the RINEX letters.
_SYSTEM_NAMES = {
    "GPS": "G",
    "GLONASS": "R",
    "GALILEO": "E",
    "BEIDOU": "C",
    "BDS": "C",
    "QZSS": "J",
    "NAVIC": "I",
    "IRNSS": "I",
    "SBAS": "S",
}


def _system_letters(systems: str) -> str:
    """``"GREC"``, ``"G,E"`` or ``"GPS,Galileo"`` → ``"GE"``-style letters (validated later)."""
    if not isinstance(systems, str):
        raise ValueError(f"systems = {systems!r}: give letters such as 'GREC' or names")
    parts = [p.strip() for p in systems.replace("+", ",").split(",") if p.strip()]
    out = []
    for p in parts:
        if p.upper() in _SYSTEM_NAMES:
            out.append(_SYSTEM_NAMES[p.upper()])
        elif len(parts) > 1 and len(p) > 1:
            raise ValueError(
                f"systems: {p!r} is neither a system letter nor a name; valid names "
                + ", ".join(sorted(_SYSTEM_NAMES))
            )
        else:
            out.append(p.upper())
    return "".join(dict.fromkeys("".join(out)))
