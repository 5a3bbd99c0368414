"""Field layouts of RINEX navigation records, as data.

Every record is read as fixed-width slots of 19 characters: the record's lines, minus their
first 4 characters (RINEX 3/4) or 3 characters (RINEX 2), are cut into 4 slots each.  Slot 0
of the first line holds the epoch (``YYYY MM DD HH MM SS`` in RINEX 3/4, ``YY MM DD HH MM
SS.S`` in RINEX 2); the other slots hold one number each (Fortran ``D`` or ``E`` exponents,
possibly glued to the neighbouring field).  A layout lists, line by line, the column name of
each slot (``None`` = spare / not stored).

Sources (facts, not text): RINEX 2.11 Tables A4/A11/A16 and 2.12 Galileo extension; RINEX
3.05 Tables A6-A16 (GPS, GLONASS incl. the 3.05 extra line, Galileo, BDS, QZSS, NavIC, SBAS);
RINEX 4.00/4.01/4.02 Tables for EPH (LNAV/CNAV/CNV2, INAV/FNAV, D1/D2/CNV1/CNV2/CNV3, FDMA,
L1OC/L3OC, L1NV, SBAS), STO, EOP and ION records, checked line by line against the sample
files in ``shared/data/rinex4`` (DLR BRD400, cssrlib receiver files).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Layout",
    "EPH_LAYOUTS",
    "ION_LAYOUTS",
    "STO_LAYOUT",
    "EOP_LAYOUT",
    "KM_TO_M",
    "RINEX3_DEFAULT_MESSAGE",
]

Line = tuple["str | None", "str | None", "str | None", "str | None"]


@dataclass(frozen=True)
class Layout:
    """Slots of one record type.

    Attributes
    ----------
    lines : tuple of 4-tuples
        Column name per slot, line by line; slot 0 of line 0 is always ``"epoch"``.
    min_lines : int
        Fewest lines accepted (trailing optional lines are read as NaN when missing).
    scale : dict
        Factor applied to a column after reading (unit conversion to SI).
    """

    lines: tuple[Line, ...]
    min_lines: int = 0
    scale: dict[str, float] = field(default_factory=dict)

    @property
    def n_lines(self) -> int:
        return len(self.lines)

    @property
    def accepted(self) -> range:
        return range(self.min_lines or self.n_lines, self.n_lines + 1)

    def slots(self) -> list[tuple[int, str]]:
        """(flat slot index, column) of every named slot except the epoch."""
        out = []
        for i, line in enumerate(self.lines):
            for j, name in enumerate(line):
                if name is not None and not (i == 0 and j == 0):
                    out.append((4 * i + j, name))
        return out


#: GLONASS and SBAS records give positions in km, velocities in km/s, accelerations km/s².
_KM = ("x_m", "y_m", "z_m", "vx_mps", "vy_mps", "vz_mps", "ax_mps2", "ay_mps2", "az_mps2")
KM_TO_M = {name: 1e3 for name in _KM}

_CLOCK: Line = ("epoch", "af0_s", "af1_sps", "af2_sps2")
_ORB2: Line = ("cuc_rad", "e", "cus_rad", "sqrt_a_sqrtm")
_ORB4: Line = ("i0_rad", "crc_m", "omega_rad", "omega_dot_radps")


def _orb1(first: str) -> Line:
    return (first, "crs_m", "delta_n_radps", "m0_rad")


def _orb3(first: str) -> Line:
    return (first, "cic_rad", "omega0_rad", "cis_rad")


# --- GPS / QZSS LNAV (RINEX 2.11 A4, 3.05 A6/A12, 4.0x) ---------------------------------
_LNAV = Layout(
    (
        _CLOCK,
        _orb1("iode"),
        _ORB2,
        _orb3("toe_sow_s"),
        _ORB4,
        ("idot_radps", "codes_l2", "week_file", "l2p_flag"),
        ("accuracy_m", "health", "tgd_s", "iodc"),
        ("ttm_s", "fit_interval_h", None, None),
    )
)

# --- GPS / QZSS CNAV and CNAV-2 (RINEX 4.00+; no toe field: toe = toc) --------------------
_CNAV_HEAD: tuple[Line, ...] = (
    _CLOCK,
    _orb1("a_dot_mps"),
    _ORB2,
    _orb3("top_sow_s"),
    _ORB4,
    ("idot_radps", "delta_n_dot_radps2", "urai_ned0", "urai_ned1"),
    ("urai_ed", "health", "tgd_s", "urai_ned2"),
    ("isc_l1ca_s", "isc_l2c_s", "isc_l5i5_s", "isc_l5q5_s"),
)
_CNAV = Layout(_CNAV_HEAD + (("ttm_s", "wn_op", "flags", None),))
_CNV2 = Layout(
    _CNAV_HEAD + (("isc_l1cd_s", "isc_l1cp_s", None, None), ("ttm_s", "wn_op", "flags", None))
)

# --- Galileo I/NAV and F/NAV (RINEX 2.12, 3.05 A8, 4.0x; the same layout) ------------------
_GAL = Layout(
    (
        _CLOCK,
        _orb1("iod_nav"),
        _ORB2,
        _orb3("toe_sow_s"),
        _ORB4,
        ("idot_radps", "data_sources", "week_file", None),
        ("accuracy_m", "health", "bgd_e5a_e1_s", "bgd_e5b_e1_s"),
        ("ttm_s", None, None, None),
    )
)

# --- BDS D1/D2 (RINEX 3.05 A14, 4.0x) ------------------------------------------------------
_BDS_D = Layout(
    (
        _CLOCK,
        _orb1("aode"),
        _ORB2,
        _orb3("toe_sow_s"),
        _ORB4,
        ("idot_radps", None, "week_file", None),
        ("accuracy_m", "health", "tgd1_s", "tgd2_s"),
        ("ttm_s", "aodc", None, None),
    )
)

# --- BDS CNAV-1/2/3 (RINEX 4.00+) -----------------------------------------------------------
_BDS_CNV_HEAD: tuple[Line, ...] = (
    _CLOCK,
    _orb1("a_dot_mps"),
    _ORB2,
    _orb3("toe_sow_s"),
    _ORB4,
    ("idot_radps", "delta_n_dot_radps2", "sat_type", "top_sow_s"),
    ("sisai_oe", "sisai_ocb", "sisai_oc1", "sisai_oc2"),
)
_BDS_CNV_TAIL: tuple[Line, ...] = (
    ("sismai", "health", "integrity_flags", "iodc"),
    ("ttm_s", None, None, "iode"),
)
_BDS_CNV1 = Layout(
    _BDS_CNV_HEAD + (("isc_b1cd_s", None, "tgd_b1cp_s", "tgd_b2ap_s"),) + _BDS_CNV_TAIL
)
_BDS_CNV2 = Layout(
    _BDS_CNV_HEAD + ((None, "isc_b2ad_s", "tgd_b1cp_s", "tgd_b2ap_s"),) + _BDS_CNV_TAIL
)
_BDS_CNV3 = Layout(
    _BDS_CNV_HEAD
    + (("sismai", "health", "integrity_flags", "tgd_b2bi_s"), ("ttm_s", None, None, None))
)

# --- NavIC LNAV (RINEX 3.05 A16, 4.0x) and L1NV (RINEX 4.02) ------------------------------
_IRN_LNAV = Layout(
    (
        _CLOCK,
        _orb1("iodec"),
        _ORB2,
        _orb3("toe_sow_s"),
        _ORB4,
        ("idot_radps", None, "week_file", None),
        ("accuracy_m", "health", "tgd_s", None),
        ("ttm_s", None, None, None),
    )
)
_IRN_L1NV = Layout(
    (
        _CLOCK,
        _orb1("a_dot_mps"),
        _ORB2,
        _orb3("toe_sow_s"),
        _ORB4,
        ("idot_radps", "delta_n_dot_radps2", None, "reference_signal_flag"),
        ("urai", "health", "tgd_s", "tgd_s_l5_s"),
        ("isc_s_l1p_s", "isc_l1d_l1p_s", "isc_l1p_s_s", "isc_l1d_s_s"),
        ("ttm_s", "week_file", None, None),
    )
)

# --- GLONASS FDMA (RINEX 2.01-2.11 A11: 4 lines; 3.05 A10 and 4.0x: + status line) -------
_GLO_FDMA = Layout(
    (
        ("epoch", "clock_bias_s", "gamma_n", "tk_s"),
        ("x_m", "vx_mps", "ax_mps2", "health"),
        ("y_m", "vy_mps", "ay_mps2", "freq_channel"),
        ("z_m", "vz_mps", "az_mps2", "age_days"),
        ("status_flags", "delta_tau_s", "urai", "health_flags"),
    ),
    min_lines=4,
    scale=KM_TO_M,
)


# --- GLONASS CDMA L1OC / L3OC (RINEX 4.02 receiver files) ----------------------------------
def _glo_cdma(bias_name: str) -> Layout:
    return Layout(
        (
            ("epoch", "clock_bias_s", "gamma_n", "beta_n"),
            ("x_m", "vx_mps", "ax_mps2", "health"),
            ("y_m", "vy_mps", "ay_mps2", "data_validity"),
            ("z_m", "vz_mps", "az_mps2", bias_name),
            ("sat_type", "source_flags", "e_i", "e_c"),
            ("attitude_flag", "t_in_s", "tau1", "tau2"),
            ("yaw_rate", "sn", "w_in", "dw"),
            ("w_max", "dpoc_x_m", "dpoc_y_m", "dpoc_z_m"),
            ("urai_orb", "urai_clk", None, "ttm_s"),
        ),
        scale=KM_TO_M,
    )


# --- SBAS (RINEX 2.11 A16, 3.05 A13, 4.0x) ---------------------------------------------------
_SBAS = Layout(
    (
        ("epoch", "af0_s", "af1_sps", "ttm_s"),
        ("x_m", "vx_mps", "ax_mps2", "health"),
        ("y_m", "vy_mps", "ay_mps2", "ura"),
        ("z_m", "vz_mps", "az_mps2", "iodn"),
    ),
    scale=KM_TO_M,
)

#: Ephemeris layouts keyed by (system letter, message type).  RINEX 2/3 records carry no
#: message type: :data:`RINEX3_DEFAULT_MESSAGE` names the layout to read them with (Galileo
#: and BDS are split into INAV/FNAV and D1/D2 after reading).
EPH_LAYOUTS: dict[tuple[str, str], Layout] = {
    ("G", "LNAV"): _LNAV,
    ("J", "LNAV"): _LNAV,
    ("G", "CNAV"): _CNAV,
    ("J", "CNAV"): _CNAV,
    ("G", "CNV2"): _CNV2,
    ("J", "CNV2"): _CNV2,
    ("E", "INAV"): _GAL,
    ("E", "FNAV"): _GAL,
    ("C", "D1"): _BDS_D,
    ("C", "D2"): _BDS_D,
    ("C", "CNV1"): _BDS_CNV1,
    ("C", "CNV2"): _BDS_CNV2,
    ("C", "CNV3"): _BDS_CNV3,
    ("I", "LNAV"): _IRN_LNAV,
    ("I", "L1NV"): _IRN_L1NV,
    ("R", "FDMA"): _GLO_FDMA,
    ("R", "L1OC"): _glo_cdma("tgd_l2ocp_s"),
    ("R", "L3OC"): _glo_cdma("isc_l3ocp_s"),
    ("S", "SBAS"): _SBAS,
}

RINEX3_DEFAULT_MESSAGE: dict[str, str] = {
    "G": "LNAV",
    "J": "LNAV",
    "E": "INAV",
    "C": "D1",
    "I": "LNAV",
    "R": "FDMA",
    "S": "SBAS",
}

# --- RINEX 4 ION records ---------------------------------------------------------------------
_KLOBUCHAR = Layout(
    (
        ("epoch", "alpha0", "alpha1", "alpha2"),
        ("alpha3", "beta0", "beta1", "beta2"),
        ("beta3", "region_code", None, None),
    ),
    min_lines=2,
)
_NEQUICK_G = Layout((("epoch", "ai0", "ai1", "ai2"), ("flags", None, None, None)), min_lines=1)
_BDGIM = Layout(
    (
        ("epoch", "bdgim_a1", "bdgim_a2", "bdgim_a3"),
        ("bdgim_a4", "bdgim_a5", "bdgim_a6", "bdgim_a7"),
        ("bdgim_a8", "bdgim_a9", None, None),
    )
)
#: ION layouts keyed by (system, message) → (model name, layout).  "CNVX" = any CNAV-type.
ION_LAYOUTS: dict[tuple[str, str], tuple[str, Layout]] = {
    ("G", "LNAV"): ("klobuchar", _KLOBUCHAR),
    ("G", "CNVX"): ("klobuchar", _KLOBUCHAR),
    ("J", "LNAV"): ("klobuchar", _KLOBUCHAR),
    ("J", "CNVX"): ("klobuchar", _KLOBUCHAR),
    ("C", "D1D2"): ("klobuchar", _KLOBUCHAR),
    ("I", "LNAV"): ("klobuchar", _KLOBUCHAR),
    ("E", "IFNV"): ("nequick_g", _NEQUICK_G),
    ("C", "CNVX"): ("bdgim", _BDGIM),
}

#: STO: epoch line carries the offset type (cols 25-28), SBAS id and UTC id as text.
STO_LAYOUT = Layout((("epoch", None, None, None), ("ttm_s", "a0_s", "a1_sps", "a2_sps2")))

#: EOP (RINEX 4: arcsec, arcsec/day, arcsec/day², s, s/day, s/day²).
EOP_LAYOUT = Layout(
    (
        ("epoch", "xp_arcsec", "dxp_arcsecpd", "dxpp_arcsecpd2"),
        (None, "yp_arcsec", "dyp_arcsecpd", "dypp_arcsecpd2"),
        ("ttm_s", "dut1_s", "ddut1_spd", "dddut1_spd2"),
    )
)
