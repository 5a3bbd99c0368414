"""Propagation and relativity models: ionosphere, troposphere, relativistic terms."""

from kompas.models.bdgim import bdgim_delay_m, bdgim_vtec_tecu
from kompas.models.ionosphere import (
    FREQ_BDS_B1I_HZ,
    FREQ_GPS_L1_HZ,
    IONO_MODELS,
    IonoChoice,
    check_iono_model,
    iono_coefficients_at,
    iono_model_for,
    klobuchar_bds_delay_m,
    klobuchar_gps_delay_m,
    slant_delay_m,
)
from kompas.models.nequick_g import nequick_g_delay_m, nequick_g_stec_tecu
from kompas.models.relativity import (
    relativistic_clock_correction_kepler_s,
    relativistic_clock_correction_s,
    sagnac_m,
    sagnac_rotation_m,
    shapiro_delay_m,
)
from kompas.models.troposphere import (
    niell_mapping,
    saastamoinen_zenith_delays_m,
    standard_atmosphere,
    tropo_delay_m,
)

__all__ = [
    "FREQ_BDS_B1I_HZ",
    "FREQ_GPS_L1_HZ",
    "IONO_MODELS",
    "IonoChoice",
    "bdgim_delay_m",
    "bdgim_vtec_tecu",
    "check_iono_model",
    "iono_coefficients_at",
    "iono_model_for",
    "nequick_g_delay_m",
    "nequick_g_stec_tecu",
    "slant_delay_m",
    "klobuchar_bds_delay_m",
    "klobuchar_gps_delay_m",
    "niell_mapping",
    "relativistic_clock_correction_kepler_s",
    "relativistic_clock_correction_s",
    "sagnac_m",
    "sagnac_rotation_m",
    "saastamoinen_zenith_delays_m",
    "shapiro_delay_m",
    "standard_atmosphere",
    "tropo_delay_m",
]
