"""Carrier frequencies of every GNSS signal band, each with its source [Hz].

Names are ``F_<SYSTEM>_<BAND>_HZ``.  Several systems share a carrier on purpose
(1575.42 MHz is GPS L1, Galileo E1, BDS B1C, QZSS L1, NavIC L1, SBAS L1); each
system still gets its own constant so that every value cites the document of its
own system.  All values are exact (integer multiples of 10.23 MHz or of the
GLONASS 0.511 MHz / 0.5625 MHz grids).

GLONASS FDMA signals carry a per-satellite channel number k (frequency "letter",
-7..+6 since 2005, GLONASS ICD 5.1 section 3.3.1.4):

    f_G1(k) = 1602 MHz + k * 562.5 kHz,   f_G2(k) = 1246 MHz + k * 437.5 kHz.

References
----------
* IS-GPS-200N (2022) section 3.3.1.1 (L1, L2); IS-GPS-705J (2022) 3.3.1.1 (L5);
  IS-GPS-800J (2022) 3.3.1.1 (L1C).
* Galileo OS SIS ICD issue 2.1 (2023), Table 2 (E1, E6, E5, E5a, E5b).
* BDS-SIS-ICD-B1I 3.0 (2019) 4.2.1 (B1I 1561.098 MHz); BDS-SIS-ICD-B3I 1.0 (2018)
  4.2.1 (B3I 1268.52 MHz); BDS-SIS-ICD-B1C 1.0 (2017) 4.2.1 (1575.42 MHz);
  BDS-SIS-ICD-B2a 1.0 (2017) 4.2.1 (1176.45 MHz); BDS-SIS-ICD-B2b 1.0 (2020) 4.2.1
  (1207.14 MHz); BDS-SIS-ICD-B1I 2.0 (2013) (B2I 1207.14 MHz, BDS-2); B2a+B2b
  AltBOC centre 1191.795 MHz (BDS-SIS-ICD-B2a 1.0, 4.2.1, "B2 signal").
* GLONASS ICD FDMA edition 5.1 (2008) 3.3.1.4, Table 3.1 (G1, G2 FDMA grid);
  GLONASS ICD CDMA L1 (2016) 4.2 (L1OC 1600.995 MHz); CDMA L2 (2016) 4.2
  (L2OC 1248.06 MHz); CDMA L3 (2016) 4.2 (L3OC 1202.025 MHz).
* IS-QZSS-PNT-005 (2022) 3.1.1 (L1 1575.42, L2 1227.60, L5 1176.45 MHz);
  IS-QZSS-L6-005 (2022) 3.1 (L6 1278.75 MHz).
* NavIC (IRNSS) SPS ICD 1.1 (2017) 3.1 (L5 1176.45 MHz, S 2492.028 MHz);
  NavIC SPS ICD for L1 1.0 (2023) 3.1 (L1 1575.42 MHz).
* RTCA DO-229 / SBAS L5 DFMC ICD (ED-259) (SBAS L1 1575.42, L5 1176.45 MHz).
* RINEX 3.05 (2020) Tables 4-10 and RINEX 4.02 (2024) Tables 5-11 (band numbers).
"""

from __future__ import annotations

# --- GPS -------------------------------------------------------------------------------
#: GPS L1 (also L1C) [Hz]: 154 x 10.23 MHz (IS-GPS-200N 3.3.1.1; IS-GPS-800J 3.3.1.1).
F_GPS_L1_HZ = 1_575_420_000.0
#: GPS L2 [Hz]: 120 x 10.23 MHz (IS-GPS-200N 3.3.1.1).
F_GPS_L2_HZ = 1_227_600_000.0
#: GPS L5 [Hz]: 115 x 10.23 MHz (IS-GPS-705J 3.3.1.1).
F_GPS_L5_HZ = 1_176_450_000.0

# --- Galileo (OS SIS ICD 2.1, Table 2) --------------------------------------------------
#: Galileo E1 [Hz].
F_GAL_E1_HZ = 1_575_420_000.0
#: Galileo E5a [Hz].
F_GAL_E5A_HZ = 1_176_450_000.0
#: Galileo E5b [Hz].
F_GAL_E5B_HZ = 1_207_140_000.0
#: Galileo E5 (E5a+E5b, AltBOC) centre [Hz].
F_GAL_E5_HZ = 1_191_795_000.0
#: Galileo E6 [Hz].
F_GAL_E6_HZ = 1_278_750_000.0

# --- BDS -----------------------------------------------------------------------------------
#: BDS B1I [Hz] (BDS-SIS-ICD-B1I 3.0, 4.2.1). RINEX band 2.
F_BDS_B1I_HZ = 1_561_098_000.0
#: BDS B1C (and B1A) [Hz] (BDS-SIS-ICD-B1C 1.0, 4.2.1). RINEX band 1.
F_BDS_B1C_HZ = 1_575_420_000.0
#: BDS B2a [Hz] (BDS-SIS-ICD-B2a 1.0, 4.2.1). RINEX band 5.
F_BDS_B2A_HZ = 1_176_450_000.0
#: BDS B2b (BDS-3) and B2I (BDS-2) [Hz] (BDS-SIS-ICD-B2b 1.0, 4.2.1). RINEX band 7.
F_BDS_B2B_HZ = 1_207_140_000.0
#: BDS B2 (B2a+B2b, AltBOC) centre [Hz] (BDS-SIS-ICD-B2a 1.0, 4.2.1). RINEX band 8.
F_BDS_B2_HZ = 1_191_795_000.0
#: BDS B3I (and B3A) [Hz] (BDS-SIS-ICD-B3I 1.0, 4.2.1). RINEX band 6.
F_BDS_B3I_HZ = 1_268_520_000.0

# --- GLONASS -----------------------------------------------------------------------------
#: GLONASS G1 FDMA nominal (k = 0) [Hz] (GLONASS ICD 5.1, 3.3.1.4).
F_GLO_G1_HZ = 1_602_000_000.0
#: GLONASS G1 FDMA channel spacing [Hz] (GLONASS ICD 5.1, 3.3.1.4).
DF_GLO_G1_HZ = 562_500.0
#: GLONASS G2 FDMA nominal (k = 0) [Hz] (GLONASS ICD 5.1, 3.3.1.4).
F_GLO_G2_HZ = 1_246_000_000.0
#: GLONASS G2 FDMA channel spacing [Hz] (GLONASS ICD 5.1, 3.3.1.4).
DF_GLO_G2_HZ = 437_500.0
#: GLONASS G1a CDMA L1OC [Hz] (GLONASS ICD CDMA L1 2016, 4.2). RINEX band 4.
F_GLO_G1A_HZ = 1_600_995_000.0
#: GLONASS G2a CDMA L2OC [Hz] (GLONASS ICD CDMA L2 2016, 4.2). RINEX band 6.
F_GLO_G2A_HZ = 1_248_060_000.0
#: GLONASS G3 CDMA L3OC [Hz] (GLONASS ICD CDMA L3 2016, 4.2). RINEX band 3.
F_GLO_G3_HZ = 1_202_025_000.0
#: Valid GLONASS FDMA channel numbers (GLONASS ICD 5.1, 3.3.1.4: k = -7..+6).
GLO_K_MIN = -7
GLO_K_MAX = 6

# --- QZSS -----------------------------------------------------------------------------------
#: QZSS L1 [Hz] (IS-QZSS-PNT-005, 3.1.1).
F_QZS_L1_HZ = 1_575_420_000.0
#: QZSS L2 [Hz] (IS-QZSS-PNT-005, 3.1.1).
F_QZS_L2_HZ = 1_227_600_000.0
#: QZSS L5 [Hz] (IS-QZSS-PNT-005, 3.1.1).
F_QZS_L5_HZ = 1_176_450_000.0
#: QZSS L6 [Hz] (IS-QZSS-L6-005, 3.1).
F_QZS_L6_HZ = 1_278_750_000.0

# --- NavIC / IRNSS ---------------------------------------------------------------------------
#: NavIC L5 [Hz] (IRNSS SPS ICD 1.1, 3.1).
F_IRN_L5_HZ = 1_176_450_000.0
#: NavIC S [Hz] (IRNSS SPS ICD 1.1, 3.1). RINEX band 9.
F_IRN_S_HZ = 2_492_028_000.0
#: NavIC L1 [Hz] (NavIC SPS ICD for L1 1.0, 3.1).
F_IRN_L1_HZ = 1_575_420_000.0

# --- SBAS -------------------------------------------------------------------------------------
#: SBAS L1 [Hz] (RTCA DO-229, 2.1.1.1).
F_SBS_L1_HZ = 1_575_420_000.0
#: SBAS L5 [Hz] (EUROCAE ED-259 SBAS L5 DFMC).
F_SBS_L5_HZ = 1_176_450_000.0
