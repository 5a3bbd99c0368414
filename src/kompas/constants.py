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
# --- validity of broadcast records (used by kompas.orbits.selection) ---------------------
#: Interval over which one broadcast record may be used, relative to its reference time
#: (toe; GLONASS t_b; SBAS t0), as (start, end) in seconds: a record is usable at t when
#: start <= t - ref <= end.  Keys "<system>:<message>".  The ICDs give either a curve-fit
#: interval or an update period; where the record's own field gives it (GPS LNAV fit
#: interval) the field wins, see kompas.orbits.selection.validity_window_s.
EPHEMERIS_VALIDITY_S: dict[str, tuple[float, float]] = {
    # GPS LNAV: fit interval flag 0 = 4 h curve fit, toe at its centre (IS-GPS-200N
    # 20.3.3.4.3.1 and 20.3.4.4); RINEX gives the fit interval in hours (flag 1: 6 h or
    # more, Table 20-XIII), the window is then +-half of it.  Transmission begins at the
    # start of the fit interval (toe - 2 h in the NIST-day BRDC: ttm - toe = -120 min).
    "G:LNAV": (-2 * 3600.0, 2 * 3600.0),
    # GPS CNAV / CNAV-2: 3 h curve fit with t_oe at its centre (IS-GPS-200N section 30,
    # IS-GPS-800J); the DLR RINEX 4 file shows ttm - toe = -90 min.
    "G:CNAV": (-1.5 * 3600.0, 1.5 * 3600.0),
    "G:CNV2": (-1.5 * 3600.0, 1.5 * 3600.0),
    # QZSS LNAV/CNAV/CNAV-2: 2 h curve fit (fit interval flag 0), toe at its centre
    # (IS-QZSS-PNT-005); real files show ttm - toe = -60 min.
    "J:LNAV": (-3600.0, 3600.0),
    "J:CNAV": (-3600.0, 3600.0),
    "J:CNV2": (-3600.0, 3600.0),
    # Galileo I/NAV, F/NAV: the parameters are fitted forward from t0e and a data set may
    # be used up to 4 h after it (Galileo OS SDD issue 1.2, 2021, age of the navigation
    # data; GNSSTk GalINavEph::fixFit: from transmission to t0e + 4 h).  Never before t0e:
    # NIST-day orbit+clock SISRE by t - t0e is 0.10 m at 0..15 min, 0.24 m at -30..-15,
    # 0.58 m at -45..-30 and 7.9 m at -120..-105 min; the real files transmit every
    # record 8-21 min after its t0e.
    "E:INAV": (0.0, 4 * 3600.0),
    "E:FNAV": (0.0, 4 * 3600.0),
    # BDS D1/D2 (BDS-SIS-ICD-B1I 3.0, 5.2.4: toe, ephemeris updated every hour) and
    # CNAV-1/2/3 (BDS-SIS-ICD-B1C 1.0 / B2a 1.0 / B2b 1.0: hourly updates).  The ICDs give
    # no fit window; GNSSTk (BDSD1NavEph::fixFit) uses toe - 2 h .. toe + 2 h, cut at the
    # transmission time.  Measured on the NIST day (BRDC vs WUM, orbit+clock SISRE of
    # BDS-3 MEO by t - toe): -75..-60 min 0.58 m, -105..-90 min 0.93 m, -120..-105 min
    # 1.55 m, against 0.60 m at 0..15 min: the fit holds one hour before toe, not two.
    # Window: toe - 1 h .. toe + 2 h (the end as GNSSTk).  The "transmitted" rule adds
    # ttm <= t, which for BDS (ttm >= toe in every real file here) means t >= toe.
    "C:D1": (-3600.0, 2 * 3600.0),
    "C:D2": (-3600.0, 2 * 3600.0),
    "C:CNV1": (-3600.0, 2 * 3600.0),
    "C:CNV2": (-3600.0, 2 * 3600.0),
    "C:CNV3": (-3600.0, 2 * 3600.0),
    # GLONASS FDMA: t_b is the middle of the interval of validity, whose length is P1 =
    # 30, 45 or 60 min (GLONASS ICD 5.1, word P1); RINEX does not carry P1, so
    # +-30 min covers the longest (the nominal set is +-15 min, ttm = t_b - 15 min).
    "R:FDMA": (-1800.0, 1800.0),
    "R:L1OC": (-1800.0, 1800.0),
    "R:L3OC": (-1800.0, 1800.0),
    # NavIC: the ICD (IRNSS SIS ICD SPS 1.1) gives a 2 h refresh of the primary
    # navigation parameters but no curve-fit window; kompas uses toe .. toe + 2 h (every
    # record of the BRDC and DLR files is transmitted 0-7 min after its toe).
    "I:LNAV": (0.0, 2 * 3600.0),
    "I:L1NV": (0.0, 2 * 3600.0),
    # SBAS GEO navigation message (MT9): time-out 240 s (RTCA DO-229D, message time-outs table; the
    # message is repeated at least every 120 s); RINEX records are one MT9 each.
    "S:SBAS": (-240.0, 240.0),
}
#: Transmission time assumed for a record whose file gives none, relative to its
#: reference time [s]: the start of its validity interval, except GLONASS, whose sets
#: are transmitted from t_b - 15 min (the nominal P1 = 30 min interval centred on t_b;
#: GLONASS ICD 5.1), and BDS, whose records are first transmitted at toe (every D1/D2/
#: CNAV record with a ttm: ttm - toe = 0 s in the NIST BRDC, median 0 s in the DLR
#: RINEX 4; the -1 h start of the window is a measured fit, not a transmission; the IGS
#: BRDC gives the first record of the day without ttm).  Used by the "transmitted"
#: record-choice rule only.
TRANSMISSION_FALLBACK_S: dict[str, float] = {"R": -900.0, "C": 0.0}

# --- GPS/QZSS group delays and inter-signal corrections (kompas.orbits.group_delay) -------
#: gamma_12 = (f_L1/f_L2)^2 = (154/120)^2 (IS-GPS-200 20.3.3.3.3.2 and 30.3.3.3.1.1.2).
GAMMA_GPS_L1_L2 = (154.0 / 120.0) ** 2
#: gamma_15 = (f_L1/f_L5)^2 = (154/115)^2 (IS-GPS-705 20.3.3.3.1.2.2, L1/L5 iono-free).
GAMMA_GPS_L1_L5 = (154.0 / 115.0) ** 2
#: T_GD and the ISCs of CNAV message type 30 are 13-bit two's complement with LSB 2^-35 s;
#: the bit string 1000000000000 (-2^12 LSB) means "not available" (IS-GPS-200 30.3.3.3.1.1,
#: IS-GPS-705 20.3.3.3.1.2). RINEX 4 writes that value as it is: -1.1920929e-07 s.
CNAV_GROUP_DELAY_NOT_AVAILABLE_S = -(2.0**12) * 2.0**-35
