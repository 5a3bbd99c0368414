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
GPS/QZSS CNAV, CNAV-2 (IS-GPS-200 30.3.3.3.1.1.1, IS-GPS-705 20.3.3.3.1.2.1,
IS-GPS-800 3.5.3.9.2): (dt_sv)_X = dt_sv - T_GD + ISC_X, i.e.
  L1 P(Y): -T_GD;  L2 P(Y): -gamma12 T_GD;  L1 C/A: -T_GD + ISC_L1C/A;
  L2C: -T_GD + ISC_L2C;  L5 I5: -T_GD + ISC_L5I5;  L5 Q5: -T_GD + ISC_L5Q5;
  L1Cd: -T_GD + ISC_L1Cd;  L1Cp: -T_GD + ISC_L1Cp.
GPS/QZSS LNAV orbit and clock with the ISCs of CNAV (``isc=`` of
:func:`broadcast_group_delay_s`, from :func:`cnav_isc_s`): the same CNAV formulas with
the LNAV record's T_GD. Where no ISC is given L1 C/A and L2C keep the LNAV formulas and
L5 is NaN. The iono-free pairs need no formula of their own: with g_i = -T_GD + ISC_i,
``(gamma g_1 - g_2) / (gamma - 1) = -T_GD + (gamma ISC_1 - ISC_2) / (gamma - 1)`` is
IS-GPS-200 30.3.3.3.1.1.2 (L1 C/A + L2C, gamma = gamma12) and IS-GPS-705 20.3.3.3.1.2.2
(L1 C/A + L5, gamma = gamma15 = (154/115)^2) term by term.
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

from kompas.constants import CNAV_GROUP_DELAY_NOT_AVAILABLE_S, GAMMA_GPS_L1_L2
from kompas.orbits.states import SatelliteStates

__all__ = [
    "broadcast_group_delay_s",
    "cnav_isc_s",
    "isc_column",
    "needs_isc",
    "ISC_COLUMNS",
    "GAMMA_GPS_L1_L2",
]

#: CNAV (message type 30) inter-signal corrections, as kompas's RINEX 4 reader names them.
ISC_COLUMNS = ("isc_l1ca_s", "isc_l2c_s", "isc_l5i5_s", "isc_l5q5_s")
#: GPS/QZSS tracking mode (band, RINEX attribute) -> its ISC (IS-GPS-200 30.3.3.3.1.1.1:
#: L1 C/A, L2C = L2 CM/CL/CM+CL; IS-GPS-705 20.3.3.3.1.2.1: ISC_L5I5 for the data
#: channel I5, ISC_L5Q5 for the pilot Q5, which a combined I5+Q5 (X) tracking also uses).
_ISC_OF_MODE = {
    ("1", "C"): "isc_l1ca_s",
    ("2", "S"): "isc_l2c_s",
    ("2", "L"): "isc_l2c_s",
    ("2", "X"): "isc_l2c_s",
    ("5", "I"): "isc_l5i5_s",
    ("5", "Q"): "isc_l5q5_s",
    ("5", "X"): "isc_l5q5_s",
}
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


def _gps(msg: str, band: str, attr: str, col, isc=None) -> np.ndarray | None:
    tgd = col("tgd_s")
    g = GAMMA_GPS_L1_L2
    if msg == "LNAV":
        name = _ISC_OF_MODE.get((band, attr))
        if isc is not None and name in isc:
            value = isc[name]
            if band == "5":
                return -tgd + value  # NaN where no ISC: L5 has no LNAV formula
            lnav = -tgd if band == "1" else -g * tgd
            return np.where(np.isfinite(value), -tgd + value, lnav)
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


def broadcast_group_delay_s(
    nav: Any, states: SatelliteStates, code: str, isc: dict[str, np.ndarray] | None = None
) -> np.ndarray:
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
    isc : dict, optional
        CNAV inter-signal corrections for GPS/QZSS cells whose orbit and clock come from
        LNAV (:data:`ISC_COLUMNS` -> array of the shape of ``states``, NaN where none),
        e.g. from :func:`cnav_isc_s`; they are combined with the LNAV record's T_GD.

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
        isc_sub = None if isc is None else {k: np.asarray(v)[mask] for k, v in isc.items()}

        def col(name: str, table=table, r=r) -> np.ndarray:
            if name not in table:
                return np.full(r.shape, np.nan)
            return np.asarray(table[name], dtype=np.float64)[r]

        system, message = str(key).split("_", 1)
        if system in "GJ":
            value = _gps(message, band, attr, col, isc_sub)
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


def isc_column(system: str, code: str) -> str | None:
    """The CNAV ISC column of a GPS/QZSS code's tracking mode (``"C5Q"`` ->
    ``"isc_l5q5_s"``), None for other systems and for codes without one (P(Y), L1C)."""
    if system not in ("G", "J"):
        return None
    return _ISC_OF_MODE.get(_signal(code))


def needs_isc(system: str, codes: tuple[str, ...] | list[str]) -> bool:
    """Whether the broadcast correction of a code (or iono-free pair) is undefined without
    CNAV ISCs: GPS/QZSS L5 (IS-GPS-705 20.3.3.3.1.2), alone or in a pair, whose partner's
    ISC is then needed as well (L1 C/A + L5: IS-GPS-705 20.3.3.3.1.2.2)."""
    return system in ("G", "J") and any(_signal(c)[0] == "5" for c in codes)


def cnav_isc_s(nav: Any, sv: Any, t_ns: Any) -> dict[str, np.ndarray] | None:
    """Inter-signal corrections of the GPS/QZSS CNAV record valid at each (sv, t).

    The record is the one :func:`kompas.satellite_states` would choose for CNAV at ``t``
    rounded to the whole second (so that a solver asking at the reception epoch and at
    the emission instant plus a typical flight time sees the same record; only an epoch
    with a fraction of a second near 0.5 s, within 0.06 s of a record's validity edge,
    could see two), healthy or not (ISCs describe the satellite's signal paths; the
    health of the record used for the orbit and clock decides about the satellite).

    Parameters
    ----------
    nav : kompas.io.Navigation
    sv : array_like of str
    t_ns : array_like of int64
        Instants (ns since the GPS epoch, as ``Time.ns``), broadcast against ``sv``.

    Returns
    -------
    dict or None
        :data:`ISC_COLUMNS` -> array of the broadcast shape [s]; NaN for other systems,
        where no CNAV record is valid and where the message says "not available"
        (:data:`kompas.constants.CNAV_GROUP_DELAY_NOT_AVAILABLE_S`). None when the
        navigation data hold no GPS or QZSS CNAV record at all.
    """
    from kompas.orbits.broadcast import satellite_states

    tables = getattr(nav, "ephemerides", nav)
    present = [k for k in ("G_CNAV", "J_CNAV") if k in tables and len(tables[k])]
    if not present:
        return None
    sv_b, t_b = np.broadcast_arrays(np.asarray(sv).astype(str), np.asarray(t_ns, np.int64))
    out = {name: np.full(sv_b.shape, np.nan) for name in ISC_COLUMNS}
    system = sv_b.astype("<U1")
    cells = np.flatnonzero(np.isin(system, [k[0] for k in present]).ravel())
    if cells.size == 0:
        return out
    t_s = (t_b.ravel()[cells] + _NS // 2) // _NS * _NS
    st = satellite_states(nav, sv_b.ravel()[cells], t_s, gps_message="CNAV", health="any")
    rows = np.asarray(st.extra["ephemeris_row"])
    for key in present:
        m = (rows >= 0) & (system.ravel()[cells] == key[0])
        if not m.any():
            continue
        table = tables[key]
        for name in ISC_COLUMNS:
            if name not in table:
                continue
            value = np.asarray(table[name], dtype=np.float64)[rows[m]]
            # the "not available" bit pattern, exact to well below its 2^-35 s LSB
            value[np.abs(value - CNAV_GROUP_DELAY_NOT_AVAILABLE_S) < 2.0**-40] = np.nan
            out[name].ravel()[cells[m]] = value
    return out


_NS = 1_000_000_000
