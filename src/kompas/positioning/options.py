"""Settings of a positioning run, with their defaults and the error budget behind them."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SolveOptions", "CODE_ERROR_FACTOR", "BDS_KLOBUCHAR_REGION_DEG"]

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
        Per-system code override (a code, or a pair of codes in ``iflc``).
    elmask_deg : float
        Elevation mask.
    iono : {"broadcast", "none"}
        Broadcast Klobuchar (GPS coefficients for G/E/J/R/I/S scaled by frequency; for
        BDS see ``bds_iono``). Ignored in ``iflc``.
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
