"""Broadcast satellite states for every constellation: :func:`satellite_states`.

For each (satellite, time) request one ephemeris record is chosen (vectorised, every rule
in :mod:`kompas.orbits.selection`) and evaluated: Keplerian elements for GPS, Galileo,
BDS (including the GEO algorithm), QZSS and NavIC (:mod:`kompas.orbits.kepler`),
numerical integration for GLONASS FDMA (:mod:`kompas.orbits.glonass`), the quadratic
SBAS GEO navigation message (MT9: position, velocity, acceleration at t0).

The Python loops run over systems and message types only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kompas.constants import SPEED_OF_LIGHT_MPS
from kompas.orbits.glonass import propagate_glonass
from kompas.orbits.kepler import (
    SYSTEM_CONSTANTS,
    KeplerElements,
    clock_polynomial,
    is_geostationary,
    keplerian_states,
)
from kompas.orbits.selection import RULES, select_records, transmission_ns, validity_window_s
from kompas.orbits.states import SatelliteStates, StateStatus
from kompas.time.convert import as_instants_ns

__all__ = [
    "satellite_states",
    "DEFAULT_MESSAGES",
    "DEFAULT_RULE",
    "as_instants_ns",
]

_NS = 1_000_000_000
_NAT = np.iinfo(np.int64).min

#: Messages used per system, in order of preference, when not overridden.
DEFAULT_MESSAGES: dict[str, tuple[str, ...]] = {
    "G": ("LNAV",),
    "J": ("LNAV",),
    "E": ("INAV",),
    "C": ("D1", "D2"),
    "I": ("LNAV",),
    "R": ("FDMA",),
    "S": ("SBAS",),
}

#: Default record choice of :func:`satellite_states` and :func:`kompas.sisre`:
#: ``"nearest"``.  Post-processing with a complete file, it picks the best-fitting record
#: (toe nearest to t) and, with the per-system validity of
#: :data:`kompas.constants.EPHEMERIS_VALIDITY_S`, never a premature or stale one; on the
#: NIST day it gives SISRE as low as or lower than ``"transmitted"`` (which reproduces a
#: real-time receiver and is what a receiver-comparison wants: pass ``rule=`` then).
DEFAULT_RULE = "nearest"

#: Galileo health word bits that matter per message (RINEX 3.05 Table A8 / OS SIS ICD
#: 5.1.9.3): I/NAV users E1-B (bits 0-2: DVS, HS) and E5b (bits 6-8); F/NAV: E5a (3-5).
_GAL_HEALTH_MASK = {"INAV": 0b111000111, "FNAV": 0b000111000}
#: GPS/QZSS CNAV signal health (IS-GPS-200N 30.3.3.1.1.2, message type 10: one bit each
#: for L1, L2, L5, 1 = some or all codes bad), RINEX 4 packs them as L1*4 + L2*2 + L5.
#: kompas's CNAV clock is the L1/L2 P(Y) one, so L1 and L2 decide; the L5 bit (set on
#: every satellite while L5 was pre-operational, e.g. all of 2023-03-12) does not.
_CNAV_HEALTH_MASK = 0b110
#: SBAS health (RINEX 3.05 section 8.3.3 from MT17): bit 0 ranging off (meaningful only
#: when bit 4, "MT17 health not available", is clear), bit 5 URA index 15 "do not use".
_SBAS_RANGING_OFF, _SBAS_NO_MT17, _SBAS_DO_NOT_USE = 0b1, 0b10000, 0b100000

#: Preference between statuses of one request seen through several tables.
_RANK = np.zeros(max(int(s) for s in StateStatus) + 1, dtype=np.int8)
for _s, _r in (
    (StateStatus.OK, 4),
    (StateStatus.UNHEALTHY, 3),
    (StateStatus.OUTSIDE_FIT, 2),
    (StateStatus.UNSUPPORTED, 1),
):
    _RANK[int(_s)] = _r


def _messages_tuple(value: str | Sequence[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip().upper() for v in value.replace("+", "/").split("/") if v.strip())
    return tuple(str(v).upper() for v in value)


def _column(table, name: str, default: float = np.nan) -> np.ndarray:
    if name in table:
        return np.asarray(table[name], dtype=np.float64)
    return np.full(len(table), default)


def _instants(table, name: str) -> np.ndarray:
    if name in table:
        return np.asarray(table[name], dtype=np.int64)
    return np.full(len(table), _NAT, dtype=np.int64)


def _healthy(table, system: str, message: str) -> np.ndarray:
    """Per-record health (NaN = not given = not marked unhealthy)."""
    h = _column(table, "health")
    known = np.isfinite(h)
    word = np.where(known, h, 0).astype(np.int64)
    if system == "E":
        bad = (word & _GAL_HEALTH_MASK.get(message, 0b111111111)) != 0
    elif system in "GJ" and message == "CNAV":
        bad = (word & _CNAV_HEALTH_MASK) != 0
    elif system == "S":
        ranging_off = ((word & _SBAS_NO_MT17) == 0) & ((word & _SBAS_RANGING_OFF) != 0)
        bad = ranging_off | ((word & _SBAS_DO_NOT_USE) != 0)
    else:
        bad = word != 0
    return ~(known & bad)


def _iod(table, system: str) -> np.ndarray:
    for name in ("iode", "iod_nav", "aode", "iodec", "iodn"):
        if name in table:
            return _column(table, name)
    if system == "R" and "toc_ns" in table:
        # GLONASS has no IOD: the t_b index (15-min interval of the GLONASST day).
        from kompas.time import Time

        sod = Time.from_ns(_instants(table, "toc_ns")).to("GLONASST").seconds_of_day()
        return np.floor(np.asarray(sod, dtype=np.float64) / 900.0)
    return np.full(len(table), np.nan)


class _Output:
    """Flat output buffers of :func:`satellite_states`."""

    def __init__(self, n: int) -> None:
        self.pos = np.full((n, 3), np.nan)
        self.vel = np.full((n, 3), np.nan)
        self.clock = np.full(n, np.nan)
        self.drift = np.full(n, np.nan)
        self.rel = np.full(n, np.nan)
        self.rel_ecc = np.full(n, np.nan)
        self.status = np.full(n, int(StateStatus.NO_EPHEMERIS), dtype=np.int8)
        self.row = np.full(n, -1, dtype=np.int64)
        self.iod = np.full(n, np.nan)
        self.message = np.full(n, "", dtype="<U4")
        self.ref_ns = np.full(n, _NAT, dtype=np.int64)
        self.ttm_ns = np.full(n, _NAT, dtype=np.int64)

    def would_improve(self, q: np.ndarray, status: StateStatus) -> np.ndarray:
        """Mask over ``q``: ``status`` ranks above the current status."""
        return _RANK[self.status[q]] < _RANK[int(status)]

    def upgrade(self, q: np.ndarray, status: StateStatus) -> np.ndarray:
        """Set ``status`` where it ranks above the current one; return those indices."""
        better = q[self.would_improve(q, status)]
        self.status[better] = int(status)
        return better


@dataclass(frozen=True)
class _Request:
    """Flattened (satellite, time) requests: one entry per element of the broadcast shape."""

    sv: np.ndarray  # normalised ids, original shape
    shape: tuple[int, ...]
    uniq_sv: np.ndarray  # sorted unique ids
    sat_code: np.ndarray  # (Q,) index into uniq_sv
    t_ns: np.ndarray  # (Q,)
    system: np.ndarray  # (Q,) system letter

    @classmethod
    def build(cls, sv: Any, t: Any, scale: Any) -> _Request:
        from kompas.gnss.satellite import normalise_sv

        sv_arr = normalise_sv(np.asarray(sv))
        t_arr = as_instants_ns(t, scale)
        shape = np.broadcast_shapes(sv_arr.shape, t_arr.shape)
        uniq_sv, inv = np.unique(sv_arr, return_inverse=True)
        sat_code = np.broadcast_to(inv.reshape(sv_arr.shape), shape).ravel()
        sys_of_uniq = np.array([s[0] for s in uniq_sv], dtype="<U1")
        system = sys_of_uniq[sat_code] if sat_code.size else np.array([], dtype="<U1")
        t_flat = np.broadcast_to(t_arr, shape).ravel()
        return cls(sv_arr, shape, uniq_sv, sat_code, t_flat, system)


@dataclass(frozen=True)
class _Choice:
    """What the record choice needs besides the request: rule, health policy, windows."""

    health: str
    rule: str
    margin_ns: int
    max_age_s: Mapping[str, float]


def _message_config(
    gps_message, galileo_message, bds_message, messages
) -> dict[str, tuple[str, ...]]:
    cfg = dict(DEFAULT_MESSAGES)
    cfg.update({"G": _messages_tuple(gps_message), "J": _messages_tuple(gps_message)})
    cfg["E"] = _messages_tuple(galileo_message)
    cfg["C"] = _messages_tuple(bds_message)
    for key, val in (messages or {}).items():
        cfg[key.upper()] = _messages_tuple(val)
    return cfg


def satellite_states(
    nav: Any,
    sv: Any,
    t: Any,
    *,
    scale: str | None = None,
    health: str = "healthy",
    rule: str = DEFAULT_RULE,
    margin_s: float = 0.0,
    galileo_message: str | Sequence[str] = "INAV",
    bds_message: str | Sequence[str] = ("D1", "D2"),
    gps_message: str | Sequence[str] = "LNAV",
    messages: Mapping[str, str | Sequence[str]] | None = None,
    max_age_s: Mapping[str, float] | None = None,
) -> SatelliteStates:
    """Broadcast positions, velocities and clocks of satellites at given instants.

    Parameters
    ----------
    nav : kompas.io.Navigation
        Navigation data (``nav.ephemerides`` tables as written by ``kompas.read_nav``).
    sv : array_like of str
        Satellite ids (``"G07"``); broadcast against ``t``.  For a (time, sv) grid pass
        ``t[:, None]`` and ``sv[None, :]``.
    t : Time, xarray time coordinate, datetime64 (with ``scale``) or int64 ns
        Evaluation instants (see :func:`kompas.time.as_time`), e.g. ``read_sp3(f)["time"]``.
    scale : str, optional
        Time scale of plain ``datetime64`` labels in ``t``.
    health : {"healthy", "any"}
        ``"healthy"``: only healthy records are used; where only unhealthy ones cover t
        the state is NaN with status UNHEALTHY.  ``"any"``: unhealthy records are used
        too, the states are computed but still flagged UNHEALTHY (never silently).
    rule : {"nearest", "latest", "transmitted"}
        Record choice (:mod:`kompas.orbits.selection`): reference time nearest to t,
        latest reference <= t + ``margin_s``, or most recently transmitted at t (what a
        real-time receiver had).  Every rule keeps to each record's validity interval
        (:data:`kompas.constants.EPHEMERIS_VALIDITY_S`).  Default :data:`DEFAULT_RULE`.
    margin_s : float
        Look-ahead of the ``"latest"`` rule.
    galileo_message : str or sequence of str
        ``"INAV"`` (E1/E5b users; clock of the E1-E5b combination) or ``"FNAV"`` (E5a
        users), or a preference order such as ``("INAV", "FNAV")``.
    bds_message : str or sequence of str
        ``("D1", "D2")`` for B1I/B3I users (D2 carries the GEO satellites), or
        ``"CNV1"`` / ``"CNV2"`` for B1C/B2a users (RINEX 4 files).
    gps_message : str or sequence of str
        ``"LNAV"``, ``"CNAV"`` or ``"CNV2"`` for GPS and QZSS.
    messages : mapping, optional
        Per-system override, e.g. ``{"I": "LNAV", "R": "FDMA", "S": "SBAS"}``.
    max_age_s : mapping, optional
        ``{system: seconds}``: replaces the end of the validity interval (the largest
        t - toe); for systems whose interval is centred on toe (GPS, QZSS, GLONASS,
        SBAS) its start becomes ``-seconds``, the others keep their start (Galileo,
        NavIC: toe; BDS: toe - 1 h).

    Returns
    -------
    SatelliteStates
        Shape of ``broadcast(sv, t)``.  ``clock_s`` is the broadcast clock polynomial
        (the offset of the satellite clock from its own system time, for the system's
        reference signal: GPS/QZSS L1/L2 P(Y) iono-free, Galileo E1/E5b (I/NAV) or
        E1/E5a (F/NAV), BDS B3I (D1/D2 and CNAV), GLONASS -tau_n + gamma_n (t - t_b),
        SBAS a_Gf0 + a_Gf1 (t - t0)).  ``relativity_s`` is -2 r.v/c^2 for Keplerian
        systems; for GLONASS and SBAS it is 0 because their broadcast clock already
        contains the periodic term (GLONASS ICD 5.1, 3.3.3; the SBAS MT9 clock is the
        ranging clock as broadcast).  ``extra`` holds ``ephemeris_row`` (positional row
        in ``nav.ephemerides[f"{sys}_{message}"]``, -1 if none), ``iod``, ``message``,
        ``reference_ns`` (toe, t_b or t0 instant), ``transmission_ns`` (the record's
        transmission time as the rules see it), ``relativity_ecc_s`` (F e sqrt(A) sin E)
        and ``relativity_rv_s`` (-2 r.v/c^2 for every system).

    Notes
    -----
    Positions are in each system's broadcast frame (WGS-84, GTRF, CGCS2000, PZ-90.11),
    all within a few cm (PZ-90.11: < 0.5 m before 2014) of ITRF.  The broadcast orbits of
    GPS, Galileo, BDS and QZSS refer to an antenna phase centre, GLONASS to the centre of
    mass; no antenna offset is applied here.
    """
    if health not in ("healthy", "any"):
        raise ValueError(f"health must be 'healthy' or 'any', not {health!r}")
    if rule not in RULES:
        raise ValueError(f"rule must be one of {list(RULES)}, not {rule!r}")
    req = _Request.build(sv, t, scale)
    cfg = _message_config(gps_message, galileo_message, bds_message, messages)
    choice = _Choice(health, rule, int(round(margin_s * _NS)), dict(max_age_s or {}))
    out = _Output(req.sat_code.size)
    tables = getattr(nav, "ephemerides", nav)
    for system in np.unique(req.system):  # per system (a handful)
        q_sys = np.nonzero(req.system == system)[0]
        if system not in cfg:
            out.upgrade(q_sys, StateStatus.UNSUPPORTED)
            continue
        for message in cfg[system]:  # per message type of the system
            table = tables.get(f"{system}_{message}")
            if table is None or len(table) == 0:
                continue
            if f"{system}:{message}" not in _SUPPORTED:
                out.upgrade(q_sys, StateStatus.UNSUPPORTED)
                continue
            _process_table(out, table, str(system), message, req, q_sys, choice)
    return _assemble(out, req)


def _assemble(out: _Output, req: _Request) -> SatelliteStates:
    shape = req.shape
    pos = out.pos.reshape(*shape, 3)
    vel = out.vel.reshape(*shape, 3)
    return SatelliteStates(
        sv=np.broadcast_to(req.sv, shape).copy(),
        time_ns=req.t_ns.reshape(shape).copy(),
        position_m=pos,
        velocity_mps=vel,
        clock_s=out.clock.reshape(shape),
        relativity_s=out.rel.reshape(shape),
        clock_drift_sps=out.drift.reshape(shape),
        status=out.status.reshape(shape),
        source="broadcast",
        reference_point="apc",
        extra={
            "ephemeris_row": out.row.reshape(shape),
            "iod": out.iod.reshape(shape),
            "message": out.message.reshape(shape),
            "reference_ns": out.ref_ns.reshape(shape),
            "transmission_ns": out.ttm_ns.reshape(shape),
            "relativity_ecc_s": out.rel_ecc.reshape(shape),
            "relativity_rv_s": _relativity_rv(pos, vel),
        },
    )


def _relativity_rv(pos: np.ndarray, vel: np.ndarray) -> np.ndarray:
    """Periodic relativistic clock term -2 r.v / c^2 [s] (ECEF: omega x r drops out)."""
    return -2.0 * np.einsum("...i,...i->...", pos, vel) / SPEED_OF_LIGHT_MPS**2


def _table_records(
    table, system: str, message: str, uniq_sv: np.ndarray, choice: _Choice
) -> dict[str, np.ndarray]:
    """Per-record arrays the choice needs: satellite code, reference, window, ttm, health."""
    tbl_sv = np.asarray(table["sv"], dtype=str)
    pos = np.minimum(np.searchsorted(uniq_sv, tbl_sv), max(uniq_sv.size - 1, 0))
    rec_sat = np.where(uniq_sv[pos] == tbl_sv, pos, -1)
    ref = _instants(table, "toc_ns" if system in "RS" else "toe_ns")
    if system not in "RS":
        # A record without toe falls back to toc (equal for every system's nominal use).
        ref = np.where(ref == _NAT, _instants(table, "toc_ns"), ref)
    rec_sat = np.where(ref == _NAT, -1, rec_sat)
    start, end = validity_window_s(table, system, message, choice.max_age_s)
    return {
        "sat": rec_sat,
        "ref": ref,
        "start": start,
        "end": end,
        "ttm": transmission_ns(table, system, ref, start),  # also reported in extra
        "healthy": _healthy(table, system, message),
    }


def _pick(rec: dict[str, np.ndarray], mask: np.ndarray, req_sat, req_t, choice: _Choice):
    """Rows chosen among the records where ``mask`` (the others excluded)."""
    return select_records(
        np.where(mask, rec["sat"], -1),
        rec["ref"],
        rec["start"],
        rec["end"],
        req_sat,
        req_t,
        choice.rule,
        choice.margin_ns,
        rec["ttm"],
    )


def _process_table(
    out: _Output,
    table,
    system: str,
    message: str,
    req: _Request,
    q_sys: np.ndarray,
    choice: _Choice,
) -> None:
    """Select records of one (system, message) table and evaluate the chosen ones."""
    pending = q_sys[out.status[q_sys] != int(StateStatus.OK)]
    if pending.size == 0:
        return
    rec = _table_records(table, system, message, req.uniq_sv, choice)
    req_sat = req.sat_code[pending]
    req_t = req.t_ns[pending]
    present = np.isin(req_sat, rec["sat"][rec["sat"] >= 0])
    out.upgrade(pending[present], StateStatus.OUTSIDE_FIT)

    rows = _pick(rec, rec["healthy"], req_sat, req_t, choice)
    sel = rows >= 0
    out.upgrade(pending[sel], StateStatus.OK)  # pending are not OK: all of them improve
    _evaluate(out, table, system, message, pending[sel], rows[sel], req_t[sel], rec)
    rows_u = _pick(rec, ~rec["healthy"], req_sat, req_t, choice)
    sel_u = ~sel & (rows_u >= 0)
    if choice.health == "healthy":
        out.upgrade(pending[sel_u], StateStatus.UNHEALTHY)
        return
    # health="any": unhealthy records are evaluated where nothing better exists, and the
    # states keep the UNHEALTHY status.
    improved = out.would_improve(pending, StateStatus.UNHEALTHY) & sel_u
    out.upgrade(pending[improved], StateStatus.UNHEALTHY)
    _evaluate(
        out, table, system, message, pending[improved], rows_u[improved], req_t[improved], rec
    )


def _glonass_states(table, r: np.ndarray, dt_ref: np.ndarray, dt_clock: np.ndarray):
    """GLONASS FDMA: integrate the t_b state; clock -tau_n + gamma_n (t - t_b)."""
    used, inv = np.unique(r, return_inverse=True)
    p0 = np.stack([_column(table, c)[used] for c in ("x_m", "y_m", "z_m")], axis=-1)
    v0 = np.stack([_column(table, c)[used] for c in ("vx_mps", "vy_mps", "vz_mps")], -1)
    a0 = np.stack([_column(table, c)[used] for c in ("ax_mps2", "ay_mps2", "az_mps2")], -1)
    # Luni-solar terms missing from a record are taken as zero (< 1 m over 15 min).
    pos, vel = propagate_glonass(p0, v0, np.nan_to_num(a0), inv, dt_ref)
    # Satellite clock offset t_sv - t_GLONASS = -tau_n + gamma_n (t - t_b); RINEX
    # stores -tau_n ("SV clock bias") and +gamma_n (GLONASS ICD 5.1, 3.3.3).
    gamma = _column(table, "gamma_n")[r]
    clock = _column(table, "clock_bias_s")[r] + gamma * dt_clock
    return pos, vel, clock, gamma, np.zeros_like(clock), np.full_like(clock, np.nan)


def _sbas_states(table, r: np.ndarray, dt: np.ndarray):
    """SBAS GEO (MT9, RTCA DO-229D A.4.4.11): r(t) = r0 + v0 dt + a0 dt^2 / 2 in WGS-84,
    clock a_Gf0 + a_Gf1 dt (RINEX "SV clock bias" and "relative frequency bias")."""
    axes = (
        ("x_m", "vx_mps", "ax_mps2"),
        ("y_m", "vy_mps", "ay_mps2"),
        ("z_m", "vz_mps", "az_mps2"),
    )
    d = dt[:, None]
    p0 = np.stack([_column(table, a[0])[r] for a in axes], axis=-1)
    v0 = np.stack([_column(table, a[1])[r] for a in axes], axis=-1)
    a0 = np.nan_to_num(np.stack([_column(table, a[2])[r] for a in axes], axis=-1))
    pos = p0 + v0 * d + 0.5 * a0 * d * d
    vel = v0 + a0 * d
    drift = np.nan_to_num(_column(table, "af1_sps")[r])
    clock = _column(table, "af0_s")[r] + drift * dt
    return pos, vel, clock, drift, np.zeros_like(clock), np.full_like(clock, np.nan)


def _kepler_states(table, system: str, r: np.ndarray, dt_ref, dt_clock):
    """Keplerian systems: IS-GPS-200 user algorithm (BDS GEO variant), clock polynomial."""
    const = SYSTEM_CONSTANTS[system]
    el = KeplerElements.from_columns(table, r)
    geo = is_geostationary(el.sqrt_a_sqrtm, el.i0_rad) if system == "C" else False
    ks = keplerian_states(el, dt_ref, const.gm_m3ps2, const.omega_e_radps, geo)
    pos, vel = ks.position_m, ks.velocity_mps
    clock, drift = clock_polynomial(
        _column(table, "af0_s")[r],
        _column(table, "af1_sps")[r],
        np.nan_to_num(_column(table, "af2_sps2")[r]),
        dt_clock,
    )
    rel_ecc = (
        const.f_rel_spsqrtm
        * el.e
        * np.sqrt(ks.semi_major_axis_m)
        * np.sin(ks.eccentric_anomaly_rad)
    )
    return pos, vel, clock, drift, _relativity_rv(pos, vel), rel_ecc


def _evaluate(out, table, system, message, q, r, t_ns, rec) -> None:
    """Compute states of flat requests ``q`` at ``t_ns`` from positional table rows ``r``."""
    if q.size == 0:
        return
    ref_ns = rec["ref"][r]
    dt_clock = (t_ns - _instants(table, "toc_ns")[r]).astype(np.float64) / _NS
    dt_ref = (t_ns - ref_ns).astype(np.float64) / _NS
    if system == "R":
        res = _glonass_states(table, r, dt_ref, dt_clock)
    elif system == "S":
        res = _sbas_states(table, r, dt_ref)
    else:
        res = _kepler_states(table, system, r, dt_ref, dt_clock)
    out.pos[q], out.vel[q], out.clock[q], out.drift[q], out.rel[q], out.rel_ecc[q] = res
    out.row[q] = r
    out.iod[q] = _iod(table, system)[r]
    out.message[q] = message
    out.ref_ns[q] = ref_ns
    out.ttm_ns[q] = rec["ttm"][r]


#: (system, message) pairs :func:`satellite_states` evaluates.
_SUPPORTED = frozenset(
    "G:LNAV G:CNAV G:CNV2 J:LNAV J:CNAV J:CNV2 E:INAV E:FNAV C:D1 C:D2 C:CNV1 C:CNV2 "
    "C:CNV3 I:LNAV R:FDMA S:SBAS".split()
)
