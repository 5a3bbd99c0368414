"""Broadcast group delays: from the clock's reference signal to the signal a user tracks.

Sign convention (one for every system)::

    dt_sv(code) = states.clock_s + states.relativity_s + broadcast_group_delay_s(...)

i.e. the returned value is *added* to the broadcast satellite clock offset, and the
pseudorange model is ``P = rho + c (dt_rx - dt_sv(code)) + ...``.  Examples: a GPS L1
C/A (LNAV) user gets ``-T_GD`` (IS-GPS-200 20.3.3.3.3.2), a BDS B1I user ``-T_GD1``.

Formulas
--------
GPS/QZSS LNAV (IS-GPS-200 20.3.3.3.3.2; clock = L1/L2 P(Y) iono-free):
  L1 (C/A, P(Y), L1C): -T_GD;  L2 (P(Y), L2C): -gamma12 T_GD, gamma12 = (77/60)^2.
GPS/QZSS CNAV, CNAV-2 (IS-GPS-200 30.3.3.3.1.1.1, IS-GPS-800 3.5.3.9.2):
  L1 P(Y): -T_GD;  L2 P(Y): -gamma12 T_GD;  L1 C/A: -T_GD + ISC_L1C/A;
  L2C: -T_GD + ISC_L2C;  L5 I5: -T_GD + ISC_L5I5;  L5 Q5: -T_GD + ISC_L5Q5;
  L1Cd: -T_GD + ISC_L1Cd;  L1Cp: -T_GD + ISC_L1Cp.
Galileo (OS SIS ICD 2.1, 5.1.5): the delay of signal f relative to the clock's iono-free
pair.  With B_a = BGD(E1,E5a), B_b = BGD(E1,E5b), gamma_a = (f_E1/f_E5a)^2,
gamma_b = (f_E1/f_E5b)^2, the E1 delay relative to the (E1,E5x) iono-free clock is B_x and
the E5x delay gamma_x B_x.  So for the F/NAV clock (E1,E5a): E1 -B_a, E5a -gamma_a B_a
(F/NAV carries no B_b: E5b is NaN); for the I/NAV clock (E1,E5b), which carries both
BGDs: E1 -B_b, E5b -gamma_b B_b, E5a -(B_b + (gamma_a - 1) B_a).  The E1 and E5x
equations are the ICD's; the cross term follows from the same definitions.
BDS D1/D2 (BDS-SIS-ICD-B1I 3.0 5.2.4.10; clock = B3I): B1I -T_GD1, B2I -T_GD2, B3I 0.
BDS CNAV-1/2/3 (BDS-SIS-ICD-B1C 1.0 7.6.2, B2a 1.0 7.6.2, B2b 1.0; clock = B3I):
  B1Cp -T_GD,B1Cp;  B1Cd -(ISC_B1Cd + T_GD,B1Cp);  B2ap -T_GD,B2ap;
  B2ad -(ISC_B2ad + T_GD,B2ap);  B2b-I -T_GD,B2bI;  B3I 0.
GLONASS FDMA (GLONASS ICD 5.1 4.4, Table 4.5): tau_n refers to L1; delta_tau_n = t_f2 -
t_f1 is the L2 equipment delay relative to L1, so L2: -delta_tau_n (NaN when the file
does not give it), L1: 0.

Codes without a defined correction for the chosen message (e.g. L5 with LNAV, B1C with
D1) give NaN: the combination is not modelled by the broadcast message.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kompas.orbits.states import SatelliteStates

__all__ = ["broadcast_group_delay_s", "GAMMA_GPS_L1_L2"]

#: gamma_12 = (f_L1/f_L2)^2 = (154/120)^2 = (77/60)^2 (IS-GPS-200 20.3.3.3.3.2).
GAMMA_GPS_L1_L2 = (77.0 / 60.0) ** 2
#: (f_E1/f_E5a)^2 = (1575.42/1176.45)^2 and (f_E1/f_E5b)^2 = (1575.42/1207.14)^2
#: (Galileo OS SIS ICD 2.1, 5.1.5).
GAMMA_GAL_E1_E5A = (1575.42 / 1176.45) ** 2
GAMMA_GAL_E1_E5B = (1575.42 / 1207.14) ** 2


def _signal(code: str) -> tuple[str, str]:
    """(band digit, attribute) from "C1C", "L1C", "1C" or "C1" (RINEX 2 codes)."""
    c = str(code).strip().upper()
    if len(c) == 3 and c[0] in "CLDS":
        c = c[1:]
    elif len(c) == 2 and c[0] in "CPL" and c[1].isdigit():  # RINEX 2 "C1", "P2"
        return c[1], ("W" if c[0] == "P" else "C")
    if len(c) != 2 or not c[0].isdigit():
        raise ValueError(f"not an observation code: {code!r}")
    return c[0], c[1]


def _gps(msg: str, band: str, attr: str, col) -> np.ndarray | None:
    tgd = col("tgd_s")
    g = GAMMA_GPS_L1_L2
    if msg == "LNAV":
        if band == "1":
            return -tgd
        if band == "2":
            return -g * tgd
        return None
    # CNAV / CNAV-2
    if band == "1":
        if attr in "PWYZM":
            return -tgd
        if attr == "C":
            return -tgd + col("isc_l1ca_s")
        if attr == "S":
            return -tgd + col("isc_l1cd_s")
        if attr == "L":
            return -tgd + col("isc_l1cp_s")
        return None
    if band == "2":
        if attr in "PWYDM":
            return -g * tgd
        if attr in "SLX":
            return -tgd + col("isc_l2c_s")
        return None
    if band == "5":
        if attr == "I":
            return -tgd + col("isc_l5i5_s")
        if attr in "QX":
            return -tgd + col("isc_l5q5_s")
    return None


def _galileo(msg: str, band: str, col) -> np.ndarray | None:
    ba, bb = col("bgd_e5a_e1_s"), col("bgd_e5b_e1_s")
    ga, gb = GAMMA_GAL_E1_E5A, GAMMA_GAL_E1_E5B
    if msg == "FNAV":
        # F/NAV does not broadcast BGD(E1,E5b) (RINEX files fill the field with 0): no E5b.
        table = {"1": -ba, "5": -ga * ba}
    else:
        table = {"1": -bb, "7": -gb * bb, "5": -(bb + (ga - 1.0) * ba)}
    return table.get(band)


def _bds(msg: str, band: str, attr: str, col) -> np.ndarray | None:
    if band == "6" and attr == "I":
        return np.zeros_like(col("af0_s"))
    if msg in ("D1", "D2"):
        if band in "12" and attr == "I":  # B1I is "C2I" (RINEX 3.02+), "C1I" in 3.01
            return -col("tgd1_s")
        if band == "7" and attr == "I":
            return -col("tgd2_s")
        return None
    if band == "1" and attr in "PDX":
        tgd = col("tgd_b1cp_s")
        return -(tgd + col("isc_b1cd_s")) if attr == "D" else -tgd
    if band == "5" and attr in "PDX":
        tgd = col("tgd_b2ap_s")
        return -(tgd + col("isc_b2ad_s")) if attr == "D" else -tgd
    if band == "7" and attr in "DPZ":
        return -col("tgd_b2bi_s")
    return None


def _glonass(band: str, col) -> np.ndarray | None:
    if band == "1":
        return np.zeros_like(col("clock_bias_s"))
    if band == "2":
        return -col("delta_tau_s")
    return None


def broadcast_group_delay_s(nav: Any, states: SatelliteStates, code: str) -> np.ndarray:
    """Group-delay correction of the broadcast clock for one observation code [s].

    Parameters
    ----------
    nav : kompas.io.Navigation
        The navigation data the ``states`` were computed from.
    states : SatelliteStates
        Result of :func:`kompas.satellite_states` (uses ``extra["ephemeris_row"]`` and
        ``extra["message"]``).
    code : str
        RINEX observation code, e.g. ``"C1C"``, ``"C2W"``, ``"C5Q"``, ``"C2I"``;
        RINEX 2 ``"C1"``/``"P2"`` are accepted too.

    Returns
    -------
    numpy.ndarray
        Same shape as ``states``; add to ``clock_s + relativity_s`` (see the module
        docstring for the sign convention and the formulas).  NaN where the state is
        not available, the message does not define the code, or the field is missing.
    """
    band, attr = _signal(code)
    rows = np.asarray(states.extra["ephemeris_row"])
    messages = np.asarray(states.extra["message"])
    # system letter of every cell: a fixed-width cast keeps the first character (C speed)
    systems = np.broadcast_to(np.asarray(states.sv).astype("<U1"), rows.shape)
    out = np.full(rows.shape, np.nan)
    tables = getattr(nav, "ephemerides", nav)
    valid = rows >= 0
    keys = np.char.add(np.char.add(systems, "_"), messages)
    for key in np.unique(keys[valid]):
        table = tables.get(str(key))
        if table is None:
            continue
        mask = valid & (keys == key)
        r = rows[mask]

        def col(name: str, table=table, r=r) -> np.ndarray:
            if name not in table:
                return np.full(r.shape, np.nan)
            return np.asarray(table[name], dtype=np.float64)[r]

        system, message = str(key).split("_", 1)
        if system in "GJ":
            value = _gps(message, band, attr, col)
        elif system == "E":
            value = _galileo(message, band, col)
        elif system == "C":
            value = _bds(message, band, attr, col)
        elif system == "R":
            value = _glonass(band, col)
        elif system == "I":
            # NavIC (IRNSS SPS ICD 1.1, 6.2.1.x): clock for L5/S iono-free; single
            # frequency L5 -T_GD, S -(f_L5/f_S)^2 T_GD.
            tgd = col("tgd_s")
            value = {"5": -tgd, "9": -((1176.45 / 2492.028) ** 2) * tgd}.get(band)
        else:
            value = None
        if value is not None:
            out[mask] = value
    return out
