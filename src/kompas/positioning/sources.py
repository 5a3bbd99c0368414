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
    codes: dict[str, tuple[str, ...]] = {}

    def states(self, sv: np.ndarray, t_ns: np.ndarray) -> SatelliteStates:
        raise NotImplementedError

    def group_delay_s(self, st: SatelliteStates, sv: np.ndarray) -> np.ndarray:
        """Group delay ``gd`` of the signal used: the satellite clock for that signal is
        ``clock_s + relativity_s − gd``."""
        return np.zeros(len(sv))

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

    def ionosphere_m(self, prob, rows, lat, lon, az, el) -> np.ndarray:
        return np.zeros(az.shape)


class BroadcastSource(EphemerisSource):
    """Broadcast navigation data (:class:`kompas.io.Navigation`)."""

    def __init__(self, nav: Any) -> None:
        self.nav = nav
        self.description = "broadcast ephemerides"
        self._klob: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}

    def states(self, sv, t_ns):
        from kompas.orbits.broadcast import satellite_states

        return satellite_states(self.nav, sv, t_ns)

    def group_delay_s(self, st, sv):
        # kompas.orbits.group_delay returns the term *added* to the clock; ours is subtracted
        return -self._added_group_delay_s(st, sv)

    def _added_group_delay_s(self, st, sv):
        from kompas.orbits.group_delay import broadcast_group_delay_s

        sys = np.asarray(sv).astype("U1")
        out = np.zeros(len(sv))
        for s, codes in self.codes.items():
            m = sys == s
            if not m.any():
                continue
            sub = _take(st, m)
            if len(codes) == 1:
                out[m] = np.nan_to_num(broadcast_group_delay_s(self.nav, sub, codes[0]))
            else:  # iono-free: the combination's delay, from each signal's
                from kompas.gnss.signals import frequency_hz

                g1 = broadcast_group_delay_s(self.nav, sub, codes[0])
                g2 = broadcast_group_delay_s(self.nav, sub, codes[1])
                f1 = frequency_hz(sv[m][:1], codes[0], {sv[m][0]: 0})[0]
                f2 = frequency_hz(sv[m][:1], codes[1], {sv[m][0]: 0})[0]
                a1, a2 = f1**2 / (f1**2 - f2**2), f2**2 / (f1**2 - f2**2)
                out[m] = np.nan_to_num(a1 * g1 - a2 * g2)
        return out

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

    def _klobuchar(self, system: str, t_ns: int):
        if system not in self._klob:
            try:
                self._klob[system] = self.nav.klobuchar(system, t_ns)
            except KeyError:
                self._klob[system] = None
        return self._klob[system]

    def ionosphere_m(self, prob, rows, lat, lon, az, el):
        from kompas.positioning.corrections import ionosphere_m
        from kompas.positioning.options import BDS_KLOBUCHAR_REGION_DEG

        mid = int(prob.t_rx.ns[len(prob.t_rx) // 2])
        gps = self._klobuchar("G", mid)
        bds = self._klobuchar("C", mid)
        choice = prob.opts.bds_iono
        if choice == "auto":
            la0, la1, lo0, lo1 = BDS_KLOBUCHAR_REGION_DEG
            la, lo = np.degrees(np.nanmedian(lat)), np.degrees(np.nanmedian(lon)) % 360.0
            choice = "bds" if (la0 <= la <= la1 and lo0 <= lo <= lo1) else "gps"
        if choice == "gps" and gps is not None:
            bds = None
        if gps is None and bds is None:
            return np.full(az.shape, np.nan)
        if gps is None:
            gps = bds  # not ideal but better than nothing: same functional family
        return ionosphere_m(
            prob.is_bds[rows],
            prob.frequency_hz[rows],
            lat,
            lon,
            az,
            el,
            prob.gps_tow_s[rows],
            prob.bdt_sow_s[rows],
            gps,
            bds,
        )


class PreciseSource(EphemerisSource):
    """A precise product (SP3 [+ clock]) offering ``states(sv, t)``; no group delays
    (the IGS clocks refer to the ionosphere-free combination of each system's reference
    signals) and no broadcast ionosphere unless a navigation object is given."""

    def __init__(self, product: Any, nav: Any = None) -> None:
        self.product = product
        self.nav = BroadcastSource(nav) if nav is not None else None
        self.description = f"precise: {getattr(product, 'description', type(product).__name__)}"

    def states(self, sv, t_ns):
        return self.product.states(sv, t_ns)

    def sigma_m(self, st, sv):
        return np.full(len(sv), 0.1)

    def glonass_channels(self):
        return self.nav.glonass_channels() if self.nav else {}

    def ionosphere_m(self, prob, rows, lat, lon, az, el):
        if self.nav is None:
            return np.zeros(az.shape)
        return self.nav.ionosphere_m(prob, rows, lat, lon, az, el)


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


def as_source(obj: Any) -> EphemerisSource:
    """Wrap navigation data or a precise product for the solver."""
    if isinstance(obj, EphemerisSource):
        return obj
    if hasattr(obj, "ephemerides"):
        return BroadcastSource(obj)
    if hasattr(obj, "states"):
        return PreciseSource(obj)
    raise KompasError(
        f"cannot compute satellite states from a {type(obj).__name__}: give navigation "
        "data (kompas.read_nav) or a precise orbit (kompas.read_sp3 + PreciseOrbit)"
    )
