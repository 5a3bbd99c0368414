"""Where satellite states come from during positioning: broadcast or precise products.

:func:`as_source` wraps a :class:`kompas.io.Navigation` (broadcast ephemerides, group
delays, Klobuchar coefficients, URA) or a precise-orbit object that offers
``states(sv, t)``, behind one small interface used by the solver.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kompas.errors import KompasError
from kompas.orbits.states import SatelliteStates
from kompas.time import Time

__all__ = ["EphemerisSource", "BroadcastSource", "PreciseSource", "as_source"]

_NS = 1_000_000_000
#: Default 1-sigma orbit+clock error when the message gives no accuracy (metres): the
#: published broadcast SISRE levels (Montenbruck et al. 2018) rounded up.
_DEFAULT_SIGMA_M = {"G": 1.0, "R": 3.0, "E": 1.0, "C": 1.5, "J": 1.0, "I": 3.0, "S": 5.0}
#: How far outside the navigation data's span observations may lie before it is an error.
_COVER_MARGIN_NS = 6 * 3600 * _NS


class EphemerisSource:
    """Interface of an orbit/clock source for the solver."""

    description = ""
    frame = ""
    signal_names: list[str] = []

    def states(self, sv: np.ndarray, t_ns: np.ndarray) -> SatelliteStates:
        raise NotImplementedError

    def group_delay_s(self, st: SatelliteStates, sv: np.ndarray, signal=None) -> np.ndarray:
        """Group delay ``gd`` of the signal used (``signal``: index into
        ``signal_names`` per state): the satellite clock for that signal is
        ``clock_s + relativity_s − gd``."""
        return np.zeros(len(sv))

    def isc_s(self, sv: np.ndarray, t_ns: np.ndarray) -> dict[str, np.ndarray] | None:
        """CNAV inter-signal corrections per (sv, t) (see
        :func:`kompas.orbits.group_delay.cnav_isc_s`), None when the source has none."""
        return None

    def sigma_m(self, st: SatelliteStates, sv: np.ndarray) -> np.ndarray:
        sys = np.asarray(sv).astype("U1")
        out = np.zeros(len(sv))
        for k, v in _DEFAULT_SIGMA_M.items():
            out[sys == k] = v
        return out

    def glonass_channels(self) -> dict[str, int]:
        return {}

    def has_system(self, sys: str) -> bool:
        return True

    def check_covers(self, t_rx: Time) -> None:
        return None

    def iono_nav(self) -> Any:
        """Navigation data carrying the broadcast ionosphere coefficients, or None."""
        return None


class BroadcastSource(EphemerisSource):
    """Broadcast navigation data (:class:`kompas.io.Navigation`)."""

    def __init__(self, nav: Any, rule: str = "nearest") -> None:
        self.nav = nav
        self.rule = rule
        self.description = "broadcast ephemerides"
        #: every system's broadcast frame (WGS 84, GTRF, CGCS2000, PZ-90.11) is aligned to
        #: ITRF within a few cm: the solution is in that common frame at that level
        self.frame = "WGS 84 / broadcast frames (ITRF-aligned, cm level)"

    def states(self, sv, t_ns):
        from kompas.orbits.broadcast import satellite_states
        from kompas.orbits.states import StateStatus

        st = satellite_states(self.nav, sv, t_ns, rule=self.rule)
        # A record's validity applies at *reception*: the signal flight time (70-130 ms)
        # must not push the first epoch of a data set out of it (a station day starting
        # at 00:00:00 with GPS sets of toe 02:00 and a 4 h fit, or Galileo sets valid from
        # their toe on). Cells just outside are selected again _RECEPTION_LEAD_S later and
        # brought back to their own instant along the orbit.
        late = np.flatnonzero(st.status == StateStatus.OUTSIDE_FIT)
        if late.size:
            t_late = np.asarray(t_ns)[late]
            lead_ns = int(_RECEPTION_LEAD_S * _NS)
            probe = satellite_states(
                self.nav, np.asarray(sv)[late], t_late + lead_ns, rule=self.rule
            )
            _put(st, late, _back_along_orbit(probe, _RECEPTION_LEAD_S, t_late))
        return st

    def group_delay_s(self, st, sv, signal=None):
        # kompas.orbits.group_delay returns the term *added* to the clock; ours is subtracted
        return -self._added_group_delay_s(st, sv, signal)

    def isc_s(self, sv, t_ns):
        from kompas.orbits.group_delay import cnav_isc_s

        return cnav_isc_s(self.nav, sv, t_ns)

    def _added_group_delay_s(self, st, sv, signal):
        """Per state, the broadcast group delay of its cell's code (or iono-free pair:
        ``a1 g1 − a2 g2``, a_i the combination's coefficients), with the CNAV ISCs of the
        same satellite and time for GPS/QZSS. NaN where the message defines none for that
        code is set to 0 (the code lists only hold defined ones; an L5 code without ISC
        is there only at a user's explicit request, counted and warned by
        :func:`~kompas.positioning.measurements.select_measurements`: it gets -T_GD,
        i.e. the ISC taken as 0)."""
        from kompas.gnss.signals import frequency_hz

        sys = np.asarray(sv).astype("U1")
        out = np.zeros(len(sv))
        if signal is None or not self.signal_names:
            return out
        signal = np.asarray(signal)
        for s in np.unique(sys):
            isc = None
            if s in "GJ":
                # ISC records are looked up at the reception second (cnav_isc_s rounds
                # to it; select_measurements looks up at the reception epoch): the
                # emission instant plus a typical flight time rounds to the same second
                # for every whole-second epoch (flight times 64-130 ms)
                t_rx_ns = st.time_ns[sys == s] + _TYPICAL_FLIGHT_NS
                isc = self.isc_s(np.asarray(sv)[sys == s], t_rx_ns)
            for j in np.unique(signal[sys == s]):
                if j < 0:
                    continue
                m = (sys == s) & (signal == j)
                sub = _take(st, m)
                sub_isc = None if isc is None else {k: v[m[sys == s]] for k, v in isc.items()}
                codes = self.signal_names[int(j)].split("+")
                if len(codes) == 1:
                    out[m] = np.nan_to_num(self._code_delay(sub, codes[0], sub_isc))
                    continue
                g1 = self._code_delay(sub, codes[0], sub_isc)
                g2 = self._code_delay(sub, codes[1], sub_isc)
                # GLONASS FDMA: the k = 0 frequencies (its group delays are not modelled
                # per channel; the IFB estimation takes the rest)
                f1 = frequency_hz(sv[m][:1], codes[0], {sv[m][0]: 0})[0]
                f2 = frequency_hz(sv[m][:1], codes[1], {sv[m][0]: 0})[0]
                a1, a2 = f1**2 / (f1**2 - f2**2), f2**2 / (f1**2 - f2**2)
                out[m] = np.nan_to_num(a1 * g1 - a2 * g2)
        return out

    def _code_delay(self, sub, code, isc):
        """One code's added group delay; an L5 code's missing ISC counts as 0 (-T_GD)."""
        from kompas.orbits.group_delay import broadcast_group_delay_s, isc_column

        name = isc_column(str(sub.sv[0])[0], code) if len(sub.sv) else None
        if name is not None and code[1:2] == "5":
            base = np.full(len(sub.sv), np.nan) if isc is None else isc[name]
            isc = {**(isc or {}), name: np.nan_to_num(base)}
        return broadcast_group_delay_s(self.nav, sub, code, isc=isc)

    def sigma_m(self, st, sv):
        base = super().sigma_m(st, sv)
        acc = st.extra.get("accuracy_m")
        if acc is None:
            return base
        acc = np.asarray(acc, dtype=float)
        good = np.isfinite(acc) & (acc > 0) & (acc < 100)
        return np.where(good, acc, base)

    def glonass_channels(self):
        return self.nav.glonass_channels()

    def has_system(self, sys):
        return any(k.startswith(sys + "_") and len(self.nav[k]) for k in self.nav.keys())

    def check_covers(self, t_rx: Time) -> None:
        lo, hi = None, None
        for k in self.nav.keys():
            df = self.nav[k]
            if len(df):
                col = df["toc_ns"].to_numpy()
                col = col[col != np.iinfo(np.int64).min]
                if col.size:
                    lo = col.min() if lo is None else min(lo, col.min())
                    hi = col.max() if hi is None else max(hi, col.max())
        if lo is None:
            raise KompasError("the navigation data hold no ephemeris")
        first, last = int(t_rx.ns.min()), int(t_rx.ns.max())
        if last < lo - _COVER_MARGIN_NS or first > hi + _COVER_MARGIN_NS:
            span = Time.from_ns(np.array([lo, hi])).isoformat(0)
            obs_span = Time.from_ns(np.array([first, last])).isoformat(0)
            raise KompasError(
                f"the navigation data ({span[0]} to {span[1]} GPST) do not cover the "
                f"observations ({obs_span[0]} to {obs_span[1]} GPST): a navigation file "
                "for another day?"
            )

    def iono_nav(self):
        return self.nav


class PreciseSource(EphemerisSource):
    """A precise product (SP3 [+ clock]) offering ``states(sv, t)``; no group delays
    (the IGS clocks refer to the ionosphere-free combination of each system's reference
    signals) and no broadcast ionosphere unless a navigation object is given."""

    def __init__(self, product: Any, nav: Any = None) -> None:
        self.product = product
        self.nav = BroadcastSource(nav) if nav is not None else None
        self.description = f"precise: {getattr(product, 'description', type(product).__name__)}"
        self.frame = "IGS (ITRF) frame of the precise product"

    def states(self, sv, t_ns):
        return self.product.states(sv, t_ns)

    def sigma_m(self, st, sv):
        return np.full(len(sv), 0.1)

    def glonass_channels(self):
        return self.nav.glonass_channels() if self.nav else {}

    def iono_nav(self):
        return self.nav.nav if self.nav is not None else None


#: GPS/QZSS MEO signal flight time to a ground receiver, 67-86 ms: the emission instant
#: plus this is within 0.06 s of the reception instant (QZSS IGSO/GEO: 120-130 ms).
_TYPICAL_FLIGHT_NS = 75_000_000
#: How much later an OUTSIDE_FIT cell is selected again [s]: more than any flight time
#: (GEO: 0.13 s) plus satellite clock offset (< 1 ms).
_RECEPTION_LEAD_S = 0.2
_GM_M3PS2 = 3.986004418e14
_OMEGA_E_RADPS = 7.2921151467e-5


def _back_along_orbit(st: SatelliteStates, dt_s: float, t_ns: np.ndarray) -> SatelliteStates:
    """States ``dt_s`` earlier, by a second-order step with the ECEF acceleration
    (two-body gravity, Coriolis, centrifugal): the neglected J2 and third-body terms are
    ~1e-3 of the gravity term, below 1e-5 m over 0.2 s; clocks by their drift."""
    r, v = st.position_m, st.velocity_mps
    w = np.array([0.0, 0.0, _OMEGA_E_RADPS])
    norm = np.linalg.norm(r, axis=-1, keepdims=True)
    acc = -_GM_M3PS2 * r / norm**3 - 2.0 * np.cross(w, v) - np.cross(w, np.cross(w, r))
    st.position_m = r - v * dt_s + 0.5 * acc * dt_s**2
    st.velocity_mps = v - acc * dt_s
    st.clock_s = st.clock_s - np.nan_to_num(st.clock_drift_sps) * dt_s
    st.time_ns = np.asarray(t_ns, dtype=np.int64).copy()
    return st


def _put(st: SatelliteStates, idx: np.ndarray, new: SatelliteStates) -> None:
    ok = new.status == 0
    idx, sel = idx[ok], np.flatnonzero(ok)
    for name in (
        "time_ns",
        "position_m",
        "velocity_mps",
        "clock_s",
        "relativity_s",
        "clock_drift_sps",
        "status",
    ):
        getattr(st, name)[idx] = getattr(new, name)[sel]
    for k, v in new.extra.items():
        if k in st.extra and np.ndim(v) and np.shape(v)[0] == len(new.status):
            col = np.asarray(st.extra[k])
            if col.dtype == np.asarray(v).dtype:
                col[idx] = np.asarray(v)[sel]
                st.extra[k] = col


def _take(st: SatelliteStates, m: np.ndarray) -> SatelliteStates:
    return SatelliteStates(
        sv=st.sv[m],
        time_ns=st.time_ns[m],
        position_m=st.position_m[m],
        velocity_mps=st.velocity_mps[m],
        clock_s=st.clock_s[m],
        relativity_s=st.relativity_s[m],
        clock_drift_sps=st.clock_drift_sps[m],
        status=st.status[m],
        source=st.source,
        reference_point=st.reference_point,
        extra={
            k: (np.asarray(v)[m] if np.ndim(v) and np.shape(v)[0] == m.shape[0] else v)
            for k, v in st.extra.items()
        },
    )


def as_source(obj: Any, rule: str = "nearest") -> EphemerisSource:
    """Wrap navigation data or a precise product for the solver."""
    if isinstance(obj, EphemerisSource):
        return obj
    if hasattr(obj, "ephemerides"):
        return BroadcastSource(obj, rule)
    if hasattr(obj, "states"):
        return PreciseSource(obj)
    raise KompasError(
        f"cannot compute satellite states from a {type(obj).__name__}: give navigation "
        "data (kompas.read_nav) or a precise orbit (kompas.read_sp3 + PreciseOrbit)"
    )
