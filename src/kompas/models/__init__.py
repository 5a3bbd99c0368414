"""Propagation and relativity models: ionosphere, troposphere, relativistic terms."""

from kompas.models.ionosphere import (
    FREQ_BDS_B1I_HZ,
    FREQ_GPS_L1_HZ,
    klobuchar_bds_delay_m,
    klobuchar_gps_delay_m,
)
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
