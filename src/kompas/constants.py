"""Physical and interface-control-document constants, each with its source.

Everything is SI.  Where systems differ (GM, Earth rotation rate) each system's
value is kept under its own name: mixing them is a classic interoperability bug
(e.g. using GPS GM for BDS orbits gives metre-level errors).

Sources
-------
IS-GPS-200N (2022), Galileo OS SIS ICD 2.1 (2023), BDS-SIS-ICD-B1I 3.0 (2019),
BDS-SIS-ICD-B1C 1.0 / B2a 1.0 (2017), GLONASS ICD (general CDMA description 2016,
FDMA L1/L2 5.1, 2008), IS-QZSS-PNT-005, IRNSS SPS ICD 1.1, IERS Conventions 2010.
"""

from __future__ import annotations

# --- universal -----------------------------------------------------------------------
#: Speed of light in vacuum [m/s] (IS-GPS-200 20.3.4.3; all ICDs use the same value).
SPEED_OF_LIGHT_MPS = 299_792_458.0

# --- gravitational parameters [m^3/s^2] ------------------------------------------------
#: GPS WGS-84 value for the user algorithm (IS-GPS-200 Table 20-IV). QZSS uses the same
#: (IS-QZSS-PNT-005 Table 4.1.2-3); NavIC too (IRNSS SPS ICD 1.1, 6.2.1.1).
GM_GPS_M3PS2 = 3.986005e14
#: Galileo (OS SIS ICD 2.1, Table 59).
GM_GAL_M3PS2 = 3.986004418e14
#: BDS CGCS2000 (BDS-SIS-ICD-B1I 3.0, 5.2.4.10).
GM_BDS_M3PS2 = 3.986004418e14
#: GLONASS PZ-90.11 (GLONASS ICD 2016 / Parametry Zemli 1990 (PZ-90.11), Table 3.2).
GM_GLO_M3PS2 = 3.9860044e14

# --- Earth rotation rate [rad/s] ---------------------------------------------------------
#: GPS WGS-84 (IS-GPS-200 Table 20-IV); QZSS and NavIC use the same value.
OMEGA_E_GPS_RADPS = 7.2921151467e-5
#: Galileo (OS SIS ICD 2.1, Table 59).
OMEGA_E_GAL_RADPS = 7.2921151467e-5
#: BDS CGCS2000 (BDS-SIS-ICD-B1I 3.0, 5.2.4.10).
OMEGA_E_BDS_RADPS = 7.292115e-5
#: GLONASS PZ-90.11 (GLONASS ICD FDMA 5.1, 3.1.3; PZ-90.11).
OMEGA_E_GLO_RADPS = 7.292115e-5

# --- GLONASS PZ-90.11 gravity field for the broadcast integrator -------------------------
#: Equatorial radius of PZ-90.11 [m] (GLONASS ICD 5.1, Table 3.2).
A_E_GLO_M = 6_378_136.0
#: Second zonal harmonic J2^0 of PZ-90.11 (GLONASS ICD 5.1, Table 3.2).
J2_GLO = 1.08262575e-3

# --- relativistic clock correction -----------------------------------------------------
#: F = -2 sqrt(GM) / c^2 [s/m^0.5] for GPS (IS-GPS-200 20.3.3.3.3.1).
F_REL_GPS_SPSQRTM = -4.442807633e-10
#: Galileo (OS SIS ICD 2.1, 5.1.4).
F_REL_GAL_SPSQRTM = -4.442807309e-10
#: BDS (BDS-SIS-ICD-B1I 3.0, 5.2.4.10).
F_REL_BDS_SPSQRTM = -4.442807309e-10

# --- time -------------------------------------------------------------------------------
#: BDT is GPST minus 14 s (BDS-SIS-ICD-B1I 3.0, 4.2: BDT zero at 2006-01-01 00:00:00 UTC,
#: when GPS - UTC was 14 s).
BDT_MINUS_GPST_S = -14
#: TAI - GPST = 19 s (GPST zero 1980-01-06 00:00:00 UTC, when TAI - UTC was 19 s).
TAI_MINUS_GPST_S = 19
#: GLONASST = UTC(SU) + 3 h (GLONASS ICD 5.1, 3.3.3).
GLONASST_MINUS_UTC_S = 3 * 3600
#: BDS week = GPS week - 1356 (BDT week 0 starts 2006-01-01; GPS week 1356).
BDS_WEEK_OFFSET = 1356
#: Galileo week = GPS week - 1024 (GST week 0 starts 1999-08-22; OS SIS ICD 5.1.2).
GAL_WEEK_OFFSET = 1024
SECONDS_PER_WEEK = 604_800
SECONDS_PER_DAY = 86_400

# --- orbits (appended by kompas.orbits) ---------------------------------------------------
#: BDS GEO broadcast orbits: the Keplerian position is computed in a frame tilted by
#: -5 degrees about x, then rotated by omega_e * t_k about z [rad]
#: (BDS-SIS-ICD-B1I 3.0, 5.2.4.12, user algorithm for GEO satellites).
BDS_GEO_TILT_RAD = -5.0 * 3.141592653589793 / 180.0
#: Reference semi-major axis of GPS/QZSS CNAV, A = A_REF + delta_A [m]
#: (IS-GPS-200N Table 30-I). RINEX 4 already stores sqrt(A) for CNAV records.
A_REF_GPS_CNAV_M = 26_559_710.0
#: Reference semi-major axis of BDS-3 CNAV (CNAV1/2/3) for MEO satellites [m]
#: (BDS-SIS-ICD-B1C 1.0, Table 7-x "A_ref"); RINEX 4 stores sqrt(A) for these records.
A_REF_BDS_MEO_M = 27_906_100.0
#: Reference semi-major axis of BDS-3 CNAV for IGSO and GEO satellites [m]
#: (BDS-SIS-ICD-B1C 1.0, same table).
A_REF_BDS_IGSO_GEO_M = 42_162_200.0

# --- ionosphere (appended by kompas.positioning) -------------------------------------------
#: GPS Klobuchar coefficients used only when the navigation data carry no ionosphere
#: model a system could use: the GPS broadcast set of 2004-01-01 that RTKLIB 2.4.3 also
#: falls back on (rtkcmn.c ``ion_default``). alpha [s, s/sc, s/sc^2, s/sc^3], beta [s, ...].
#: A climatological stand-in (it removes roughly half of a mid-latitude delay), stated as
#: ``klobuchar_default`` in a solution's ``iono_models``.
KLOBUCHAR_DEFAULT_ALPHA = (0.1118e-07, -0.7451e-08, -0.5961e-07, 0.1192e-06)
KLOBUCHAR_DEFAULT_BETA = (0.1167e06, -0.2294e06, -0.1311e06, 0.1049e07)

# --- ionosphere (appended by kompas.models.nequick_g / bdgim) ---------------------------------
#: Galileo E1 carrier [Hz] (Galileo OS SIS ICD 2.1, 2.3.1: 154 x 10.23 MHz); NeQuick-G's
#: default frequency.
FREQ_GAL_E1_HZ = 1575.42e6
#: BDS B1C carrier [Hz] (BDS-SIS-ICD-B1C 1.0, 4.2.1); BDGIM's default frequency.
FREQ_BDS_B1C_HZ = 1575.42e6
#: First-order ionospheric group delay constant K in delay = K TEC / f^2 [m^3/s^2]
#: (Galileo Ionospheric Correction Algorithm for Galileo Single Frequency Users 1.2,
#: 2.5.8 / eq. 152: 40.3 m^3/s^2).
IONO_DELAY_CONSTANT_M3PS2 = 40.3
#: The same constant as BDS-SIS-ICD-B1C 1.0, 7.10 (BDGIM) writes it: 40.28e16 / f^2 per TECU.
IONO_DELAY_CONSTANT_BDS_M3PS2 = 40.28
#: Earth radius of the NeQuick-G geometry [km] (Galileo ionospheric algorithm 1.2, 2.5.8.1).
NEQUICK_EARTH_RADIUS_KM = 6371.2
