"""Broadcast satellite states for every constellation: :func:`satellite_states`.

For each (satellite, time) request one ephemeris record is chosen (vectorised, see
:mod:`kompas.orbits.selection`) and evaluated: Keplerian elements for GPS, Galileo,
BDS (including the GEO algorithm), QZSS and NavIC (:mod:`kompas.orbits.kepler`),
numerical integration for GLONASS FDMA (:mod:`kompas.orbits.glonass`).

The Python loops run over systems and message types only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from kompas.orbits.selection import select_records
from kompas.orbits.states import SatelliteStates, StateStatus

__all__ = [
    "satellite_states",
    "DEFAULT_MESSAGES",
    "DEFAULT_MAX_AGE_S",
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
}

#: Largest |t - t_oe| (GLONASS |t - t_b|) at which a record is used [s].  GPS and QZSS
#: default to half of the broadcast fit interval instead (IS-GPS-200 20.3.4.4: fit flag
#: 0 = 4 h for GPS; IS-QZSS-PNT-005: 2 h for QZSS), see :func:`_half_window_ns`.
#: Galileo: 4 h nominal validity of a data set; BDS: D1/D2 sets are refreshed hourly,
#: 2 h keeps a margin for a missed upload; NavIC sets are refreshed every 2 h; GLONASS:
#: t_b every 30 min, so 30 min tolerates one missing set (the ICD's nominal is 15 min).
DEFAULT_MAX_AGE_S: dict[str, float] = {
    "E": 4 * 3600.0,
    "C": 2 * 3600.0,
    "I": 2 * 3600.0,
    "R": 30 * 60.0,
}
_DEFAULT_FIT_H = {"G": 4.0, "J": 2.0}

#: Galileo health word bits that matter per message (RINEX 3.05 Table A8 / OS SIS ICD
#: 5.1.9.3): I/NAV users E1-B (bits 0-2: DVS, HS) and E5b (bits 6-8); F/NAV: E5a (3-5).
_GAL_HEALTH_MASK = {"INAV": 0b111000111, "FNAV": 0b000111000}

#: Preference between statuses of one request seen through several tables.
_RANK = np.zeros(max(int(s) for s in StateStatus) + 1, dtype=np.int8)
for _s, _r in (
    (StateStatus.OK, 4),
    (StateStatus.UNHEALTHY, 3),
    (StateStatus.OUTSIDE_FIT, 2),
    (StateStatus.UNSUPPORTED, 1),
):
    _RANK[int(_s)] = _r


def as_instants_ns(t: Any) -> np.ndarray:
    """int64 GPST-continuous nanoseconds from a :class:`kompas.time.Time` or integers."""
    ns = getattr(t, "ns", t)
    arr = np.asarray(ns)
    if arr.dtype.kind not in "iu":
        raise TypeError("times must be kompas.time.Time or int64 nanosecond instants")
    return arr.astype(np.int64, copy=False)


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
    if system == "E":
        mask = _GAL_HEALTH_MASK.get(message, 0b111111111)
        bad = known & ((np.where(known, h, 0).astype(np.int64) & mask) != 0)
    else:
        bad = known & (h != 0)
    return ~bad


def _half_window_ns(table, system: str, max_age_s: Mapping[str, float]) -> np.ndarray:
    if system in max_age_s:
        return np.full(len(table), int(max_age_s[system] * _NS), dtype=np.int64)
    if system in _DEFAULT_FIT_H:
        fit = _column(table, "fit_interval_h")
        # RINEX gives hours for GPS; a 0/1 flag for QZSS (and 0 in some GPS writers).
        hours = np.where(np.isfinite(fit) & (fit >= 2.0), fit, _DEFAULT_FIT_H[system])
        return (hours * 1800.0 * _NS).astype(np.int64)
    return np.full(len(table), int(DEFAULT_MAX_AGE_S.get(system, 7200.0) * _NS), np.int64)


def _iod(table, system: str) -> np.ndarray:
    for name in ("iode", "iod_nav", "aode", "iodec"):
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

    def would_improve(self, q: np.ndarray, status: StateStatus) -> np.ndarray:
        """Mask over ``q``: ``status`` ranks above the current status."""
        return _RANK[self.status[q]] < _RANK[int(status)]

    def upgrade(self, q: np.ndarray, status: StateStatus) -> np.ndarray:
        """Set ``status`` where it ranks above the current one; return those indices."""
        better = q[self.would_improve(q, status)]
        self.status[better] = int(status)
        return better


def satellite_states(
    nav: Any,
    sv: Any,
    t: Any,
    *,
    health: str = "healthy",
    rule: str = "nearest",
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
    t : kompas.time.Time or array_like of int64
        Evaluation instants (``Time`` or its ``.ns``: GPST-continuous nanoseconds).
    health : {"healthy", "any"}
        ``"healthy"``: only healthy records are used; where only unhealthy ones cover t
        the state is NaN with status UNHEALTHY.  ``"any"``: unhealthy records are used
        too, the states are computed but still flagged UNHEALTHY (never silently).
    rule : {"nearest", "latest"}
        Record choice: the usable record with toe (GLONASS t_b) nearest to t, or the
        latest with toe <= t + ``margin_s`` (what a receiver would hold).
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
        Per-system override, e.g. ``{"I": "LNAV", "R": "FDMA"}``.
    max_age_s : mapping, optional
        Largest |t - t_oe| per system character in seconds; overrides the defaults
        (:data:`DEFAULT_MAX_AGE_S`; GPS/QZSS: half the broadcast fit interval).

    Returns
    -------
    SatelliteStates
        Shape of ``broadcast(sv, t)``.  ``clock_s`` is the broadcast clock polynomial
        (the offset of the satellite clock from its own system time, for the system's
        reference signal: GPS/QZSS L1/L2 P(Y) iono-free, Galileo E1/E5b (I/NAV) or
        E1/E5a (F/NAV), BDS B3I (D1/D2 and CNAV), GLONASS -tau_n + gamma_n (t - t_b)).
        ``relativity_s`` is -2 r.v/c^2 for Keplerian systems; for GLONASS it is 0
        because tau_n already contains the periodic term (GLONASS ICD 5.1, 3.3.3).
        ``extra`` holds ``ephemeris_row`` (positional row in
        ``nav.ephemerides[f"{sys}_{message}"]``, -1 if none), ``iod``, ``message``,
        ``reference_ns`` (toe or t_b instant), ``relativity_ecc_s`` (F e sqrt(A) sin E)
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
    from kompas.gnss.satellite import normalise_sv

    sv_arr = normalise_sv(np.asarray(sv))
    t_arr = as_instants_ns(t)
    shape = np.broadcast_shapes(sv_arr.shape, t_arr.shape)
    uniq_sv, inv = np.unique(sv_arr, return_inverse=True)
    sat_code = np.broadcast_to(inv.reshape(sv_arr.shape), shape).ravel()
    t_flat = np.broadcast_to(t_arr, shape).ravel()
    sys_of_uniq = np.array([s[0] for s in uniq_sv], dtype="<U1")
    sys_flat = sys_of_uniq[sat_code] if sat_code.size else np.array([], dtype="<U1")

    msg_cfg = dict(DEFAULT_MESSAGES)
    msg_cfg.update({"G": _messages_tuple(gps_message), "J": _messages_tuple(gps_message)})
    msg_cfg["E"] = _messages_tuple(galileo_message)
    msg_cfg["C"] = _messages_tuple(bds_message)
    for key, val in (messages or {}).items():
        msg_cfg[key.upper()] = _messages_tuple(val)
    ages = dict(max_age_s or {})
    margin_ns = int(round(margin_s * _NS))

    out = _Output(sat_code.size)
    tables = getattr(nav, "ephemerides", nav)
    for system in np.unique(sys_of_uniq):
        q_sys = np.nonzero(sys_flat == system)[0]
        if system not in msg_cfg:
            out.upgrade(q_sys, StateStatus.UNSUPPORTED)
            continue
        for message in msg_cfg[system]:
            table = tables.get(f"{system}_{message}")
            if table is None or len(table) == 0:
                continue
            _process_table(
                out,
                table,
                str(system),
                message,
                uniq_sv,
                sat_code,
                t_flat,
                q_sys,
                health,
                rule,
                margin_ns,
                ages,
            )

    pos = out.pos.reshape(*shape, 3)
    vel = out.vel.reshape(*shape, 3)
    return SatelliteStates(
        sv=np.broadcast_to(sv_arr, shape).copy(),
        time_ns=t_flat.reshape(shape).copy(),
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
            "relativity_ecc_s": out.rel_ecc.reshape(shape),
            "relativity_rv_s": _relativity_rv(pos, vel),
        },
    )


def _relativity_rv(pos: np.ndarray, vel: np.ndarray) -> np.ndarray:
    """Periodic relativistic clock term -2 r.v / c^2 [s] (ECEF: omega x r drops out)."""
    return -2.0 * np.einsum("...i,...i->...", pos, vel) / SPEED_OF_LIGHT_MPS**2


def _process_table(
    out: _Output,
    table,
    system: str,
    message: str,
    uniq_sv: np.ndarray,
    sat_code: np.ndarray,
    t_flat: np.ndarray,
    q_sys: np.ndarray,
    health: str,
    rule: str,
    margin_ns: int,
    ages: Mapping[str, float],
) -> None:
    """Select records of one (system, message) table and evaluate the chosen ones."""
    pending = q_sys[out.status[q_sys] != int(StateStatus.OK)]
    if pending.size == 0:
        return
    tbl_sv = np.asarray(table["sv"], dtype=str)
    pos_in_uniq = np.searchsorted(uniq_sv, tbl_sv)
    pos_in_uniq = np.minimum(pos_in_uniq, max(uniq_sv.size - 1, 0))
    rec_sat = np.where(uniq_sv[pos_in_uniq] == tbl_sv, pos_in_uniq, -1)
    ref_col = "toc_ns" if system == "R" else "toe_ns"
    ref = _instants(table, ref_col)
    if system != "R":
        # A record without toe falls back to toc (equal for every system's nominal use).
        ref = np.where(ref == _NAT, _instants(table, "toc_ns"), ref)
    rec_sat = np.where(ref == _NAT, -1, rec_sat)
    half = _half_window_ns(table, system, ages)
    healthy = _healthy(table, system, message)

    req_sat = sat_code[pending]
    req_t = t_flat[pending]
    present = np.isin(req_sat, rec_sat[rec_sat >= 0])
    out.upgrade(pending[present], StateStatus.OUTSIDE_FIT)

    def pick(rec_mask: np.ndarray) -> np.ndarray:
        return select_records(
            np.where(rec_mask, rec_sat, -1), ref, half, req_sat, req_t, rule, margin_ns
        )

    rows = pick(healthy)
    sel = rows >= 0
    out.upgrade(pending[sel], StateStatus.OK)  # pending are not OK: all of them improve
    _evaluate(out, table, system, message, pending[sel], rows[sel], req_t[sel], ref[rows[sel]])
    rows_u = pick(~healthy)
    sel_u = ~sel & (rows_u >= 0)
    if health == "healthy":
        out.upgrade(pending[sel_u], StateStatus.UNHEALTHY)
        return
    # health="any": unhealthy records are evaluated where nothing better exists, and the
    # states keep the UNHEALTHY status.
    improved = out.would_improve(pending, StateStatus.UNHEALTHY) & sel_u
    out.upgrade(pending[improved], StateStatus.UNHEALTHY)
    r_u = rows_u[improved]
    _evaluate(out, table, system, message, pending[improved], r_u, req_t[improved], ref[r_u])


def _evaluate(out, table, system, message, q, r, t_ns, ref_ns) -> None:
    """Compute states of flat requests ``q`` at ``t_ns`` from positional table rows ``r``."""
    if q.size == 0:
        return
    toc = _instants(table, "toc_ns")[r]
    dt_clock = (t_ns - toc).astype(np.float64) / _NS
    dt_ref = (t_ns - ref_ns).astype(np.float64) / _NS
    if system == "R":
        used, rec = np.unique(r, return_inverse=True)
        p0 = np.stack([_column(table, c)[used] for c in ("x_m", "y_m", "z_m")], axis=-1)
        v0 = np.stack([_column(table, c)[used] for c in ("vx_mps", "vy_mps", "vz_mps")], -1)
        a0 = np.stack([_column(table, c)[used] for c in ("ax_mps2", "ay_mps2", "az_mps2")], -1)
        # Luni-solar terms missing from a record are taken as zero (< 1 m over 15 min).
        pos, vel = propagate_glonass(p0, v0, np.nan_to_num(a0), rec, dt_ref)
        cols = {c: _column(table, c)[r] for c in ("clock_bias_s", "gamma_n")}
        # Satellite clock offset t_sv - t_GLONASS = -tau_n + gamma_n (t - t_b); RINEX
        # stores -tau_n ("SV clock bias") and +gamma_n (GLONASS ICD 5.1, 3.3.3).
        clock = cols["clock_bias_s"] + cols["gamma_n"] * dt_clock
        drift = cols["gamma_n"]
        rel = np.zeros_like(clock)
        rel_ecc = np.full_like(clock, np.nan)
    else:
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
        rel = _relativity_rv(pos, vel)
    out.pos[q] = pos
    out.vel[q] = vel
    out.clock[q] = clock
    out.drift[q] = drift
    out.rel[q] = rel
    out.rel_ecc[q] = rel_ecc
    out.row[q] = r
    out.iod[q] = _iod(table, system)[r]
    out.message[q] = message
    out.ref_ns[q] = ref_ns
