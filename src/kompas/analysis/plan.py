"""Visibility and DOP planning over sites, routes and grids, for mixes of systems and with
each system removed in turn ("all minus one").

Geometry is the one of :mod:`kompas.analysis.dop` (one receiver clock per system; a system
without a visible satellite drops its clock column), computed without forming the
normal matrices: with one clock per system the position block of ``(G^T G)^-1`` is the
inverse of the Schur complement ``S = sum_k (A_k - b_k b_k^T / n_k)``, where for each
system ``k`` ``A_k = sum e e^T`` over its visible satellites' line-of-sight unit vectors
(east, north, up), ``b_k = sum e`` and ``n_k`` their count.  Those ten sums per system
are all a planner needs, so every mix (and every "minus one") is assembled from the same
per-system sums, and the sums come from batched matrix products over
(time chunk, satellite, point) blocks of bounded size.  The clock part follows from the
block inverse: ``Q_kk = 1/n_k + b_k^T S^-1 b_k / n_k^2``.

Satellite positions are evaluated once per epoch (no light time: a 70 ms signal delay
moves a satellite ~270 m, 1e-5 rad of elevation) from broadcast navigation data (only
inside each record's validity, as :func:`kompas.satellite_states` returns them), precise
SP3 orbits, or the nominal constellations of :mod:`kompas.sim`.  The line-of-sight
products run in float32: a 26,000 km position carries ~2 m of rounding, 1e-7 rad of
direction, far below any DOP difference of interest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from kompas.errors import KompasError
from kompas.frames import WGS84, geodetic2ecef
from kompas.time import NS_PER_S, Time, TimeScale

__all__ = ["PlanResult", "plan", "grid_points", "mix_names", "obstruction_mask"]

#: (epoch, point) columns per chunk: arrays of (satellites, columns) float32 stay around
#: 1 MB (cache-sized) and the chunk's ten per-satellite terms ~10 MB, whatever the grid.
_CHUNK_COLUMNS = 2048
#: Smallest determinant of S relative to (trace S / 3)^3 taken as a solvable geometry.
_MIN_DET_RATIO = 1e-10

_GRIDS = {"global": (-180.0, -90.0, 180.0, 90.0), "arctic": (-180.0, 60.0, 180.0, 90.0)}


# ------------------------------------------------------------------------------ inputs
def grid_points(spec: str | Sequence[float], step_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes [deg] of a grid: ``"global"``, ``"arctic"`` (60-90 N) or
    ``W,S,E,N``; nodes every ``step_deg`` from S to N and from W to E (E excluded when it
    closes the circle)."""
    if step_deg <= 0:
        raise ValueError(f"step must be positive, got {step_deg}")
    if isinstance(spec, str) and spec.lower() in _GRIDS:
        w, s, e, n = _GRIDS[spec.lower()]
    else:
        try:
            vals = [float(v) for v in (spec.split(",") if isinstance(spec, str) else spec)]
        except ValueError:
            vals = []
        if len(vals) != 4:
            raise ValueError(f"grid must be 'global', 'arctic' or W,S,E,N in degrees, got {spec!r}")
        w, s, e, n = vals
    if not (-90 <= s <= n <= 90) or not (w <= e):
        raise ValueError(f"grid bounds must satisfy -90 <= S <= N <= 90 and W <= E: {spec!r}")
    lats = np.arange(s, n + step_deg * 1e-9, step_deg)
    closes = np.isclose(e - w, 360.0)
    lons = np.arange(w, e - (step_deg * 0.5 if closes else -step_deg * 1e-9), step_deg)
    lat, lon = np.meshgrid(lats, lons, indexing="ij")
    return lat.ravel(), lon.ravel()


def mix_names(systems: str, mixes: Sequence[str] | None, minus_one: bool) -> list[str]:
    """Mix names: the requested ones (default: ``systems``), then ``"GREC-R"``-style
    "minus one" mixes of the first (each of its systems removed in turn)."""
    systems = systems.upper()
    out = [m.upper() for m in (mixes or [systems])]
    for m in out:
        bad = set(m) - set(systems)
        if bad or not m:
            raise ValueError(f"mix {m!r} uses systems outside {systems!r}")
    if minus_one:
        full = out[0]
        if len(full) < 2:
            raise ValueError("'minus one' needs a mix of at least two systems")
        out += [f"{full}-{s}" for s in full]
    return list(dict.fromkeys(out))


def _mix_systems(name: str) -> str:
    if "-" in name:
        full, gone = name.split("-", 1)
        return "".join(s for s in full if s not in gone)
    return name


def obstruction_mask(profile: Any) -> tuple[np.ndarray, np.ndarray]:
    """(azimuth_deg, min_elevation_deg) of an obstruction profile, sorted, closed at 360°.

    ``profile``: an (N, 2) array-like of (azimuth, minimum elevation) pairs in degrees, or
    the path of a CSV/whitespace text file of such rows (``#`` comments).
    """
    if isinstance(profile, str):
        import os

        if not os.path.exists(profile):
            raise KompasError(f"obstruction profile {profile!r} not found")
        rows = []
        with open(profile, encoding="utf-8") as f:
            for k, line in enumerate(f, 1):
                text = line.split("#")[0].replace(",", " ").split()
                if not text:
                    continue
                try:
                    rows.append([float(text[0]), float(text[1])])
                except (ValueError, IndexError):
                    if rows:  # a header line is allowed only first
                        raise KompasError(
                            f"{profile}:{k}: expected 'azimuth_deg, min_elevation_deg'"
                        ) from None
        arr = np.array(rows, dtype=float)
    else:
        arr = np.asarray(profile, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2 or len(arr) == 0:
        raise ValueError("obstruction profile must be rows of (azimuth_deg, min_elevation_deg)")
    az = np.mod(arr[:, 0], 360.0)
    order = np.argsort(az)
    az, el = az[order], arr[order, 1]
    az = np.concatenate([az[-1:] - 360.0, az, az[:1] + 360.0])
    el = np.concatenate([el[-1:], el, el[:1]])
    return az, el


# ------------------------------------------------------------------------------ orbits
def _satellite_positions(orbits: Any, systems: str, t_ns: np.ndarray, satellites=None):
    """(T, S, 3) ECEF positions, the sv ids and the orbit kind + description."""
    from kompas.io.navigation import Navigation
    from kompas.orbits.broadcast import satellite_states
    from kompas.orbits.precise import PreciseOrbit

    kind, obj = "broadcast", orbits
    if isinstance(orbits, str):
        if orbits != "nominal":
            raise ValueError(
                f"orbits must be a Navigation, PreciseOrbit, SP3 or 'nominal': {orbits!r}"
            )
        from kompas.sim import nominal_navigation

        kind = "nominal"
        span = float(t_ns[-1] - t_ns[0]) / NS_PER_S
        obj = nominal_navigation(Time.from_ns(np.int64(t_ns[0])), duration_s=span, systems=systems)
    elif isinstance(orbits, xr.Dataset):
        kind, obj = "precise", PreciseOrbit(orbits)
    elif isinstance(orbits, PreciseOrbit):
        kind = "precise"
    elif not isinstance(orbits, Navigation):
        raise TypeError("orbits must be a Navigation, PreciseOrbit, SP3 Dataset or 'nominal'")
    if kind == "precise":
        svs = np.asarray(obj.svs).astype(str)
    else:
        svs = np.array(
            sorted({s for df in obj.ephemerides.values() if len(df) for s in df["sv"].unique()})
        )
    svs = np.array([s for s in svs if s[:1] in systems])
    if satellites is not None:
        want = set(satellites)
        svs = np.array([s for s in svs if s in want])
    if svs.size == 0:
        raise KompasError(f"no satellite of systems {systems!r} in the orbit source")
    if kind == "precise":
        st = obj.states(svs[None, :], t_ns[:, None])
        desc = obj.source
    else:
        st = satellite_states(obj, svs[None, :], t_ns[:, None])
        desc = "nominal constellations (kompas.sim)" if kind == "nominal" else "broadcast"
    pos = np.asarray(st.position_m, dtype=np.float64)
    return pos, svs, kind, desc


# ------------------------------------------------------------------------------ kernel
def _enu_basis(lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    """(P, 3, 3) rows east, north, up of each point (geodetic)."""
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    sl, cl, so, co = np.sin(la), np.cos(la), np.sin(lo), np.cos(lo)
    z = np.zeros_like(la)
    e = np.stack([-so, co, z], -1)
    n = np.stack([-sl * co, -sl * so, cl], -1)
    u = np.stack([cl * co, cl * so, sl], -1)
    return np.stack([e, n, u], 1)


_TERMS = ("w", "e", "n", "u", "ee", "en", "eu", "nn", "nu", "uu")


def _system_sums(de, dn, du, starts: np.ndarray, min_sin_el) -> np.ndarray:
    """Per-system sums over the visible satellites of each column.

    de, dn, du : (S, N) float32 line-of-sight components (not normalised; an absent
    satellite sits at the geocentre, below every horizon), satellites sorted by system;
    starts : (K,) first satellite row of each system; min_sin_el : sine of the mask,
    scalar or (S, N).  Returns (K, 10, N) float32 in the order of :data:`_TERMS`.
    (Sums over row slices, not a matrix product: a BLAS call per chunk is slower than
    the reduction when the BLAS threads compete with other jobs.)
    """
    n_s, n = de.shape
    inv = de * de
    inv += dn * dn
    inv += du * du
    np.sqrt(inv, out=inv)
    np.reciprocal(inv, out=inv)
    u = du * inv
    w = (u >= min_sin_el).astype(np.float32)
    inv *= w
    e = de * inv
    nn = dn * inv
    u *= w
    ends = [*starts[1:], n_s]
    out = np.empty((len(starts), len(_TERMS), n), np.float32)
    pairs = ((e, e), (e, nn), (e, u), (nn, nn), (nn, u), (u, u))
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        for j, x in enumerate((w, e, nn, u)):
            out[k, j] = x[a:b].sum(axis=0)
        for j, (x, y) in enumerate(pairs, start=4):
            # sum of products without forming them: einsum is ~2x a multiply + sum
            out[k, j] = np.einsum("sn,sn->n", x[a:b], y[a:b])
    return out


def _schur_terms(sums: np.ndarray) -> dict[str, np.ndarray]:
    """Per system: count ``n``, ``b`` (3, K, N) and ``C = A - b b^T / n`` (6 entries)."""
    n = sums[:, 0]
    present = n > 0.5
    safe = np.where(present, n, np.float32(1))
    inv = np.where(present, np.float32(1) / safe, np.float32(0))
    b = sums[:, 1:4]
    pairs = ((0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2))
    c = np.stack([sums[:, 4 + k] - b[:, i] * b[:, j] * inv for k, (i, j) in enumerate(pairs)])
    return {"n": n, "present": present, "inv_n": inv, "b": b, "c": c}


def _mix_dops(t: dict[str, np.ndarray], idx: list[int]) -> dict[str, np.ndarray]:
    """DOPs of one mix (systems ``idx``) from :func:`_schur_terms`; arrays (N,)."""
    if not idx:  # every system of the mix is absent from the orbit source
        n = t["n"].shape[-1]
        nan = np.full(n, np.nan, np.float32)
        return {k: nan for k in ("pdop", "hdop", "vdop", "gdop", "tdop")} | {
            "n_sat": np.zeros(n, np.float32)
        }
    c = t["c"][:, idx].sum(axis=1)  # (6, N): S = sum_k C_k
    see, sen, seu, snn, snu, suu = c
    n_sat = t["n"][idx].sum(axis=0)
    present = t["present"][idx]
    n_clk = present.sum(axis=0)
    c_ee = snn * suu - snu * snu
    c_nn = see * suu - seu * seu
    c_uu = see * snn - sen * sen
    c_en = seu * snu - sen * suu
    c_eu = sen * snu - seu * snn
    c_nu = sen * seu - see * snu
    det = see * c_ee + sen * c_en + seu * c_eu
    scale = ((see + snn + suu) / 3) ** 3
    ok = (n_sat >= 3 + n_clk) & (det > _MIN_DET_RATIO * np.maximum(scale, 1e-30))
    with np.errstate(invalid="ignore", divide="ignore"):
        inv_det = np.where(ok, 1 / det, np.nan)
        q = [x * inv_det for x in (c_ee, c_nn, c_uu, c_en, c_eu, c_nu)]
        pos = q[0] + q[1] + q[2]
        b = t["b"][idx]  # (k, 3, N)
        be, bn, bu = b[:, 0], b[:, 1], b[:, 2]
        quad = (
            be * be * q[0]
            + bn * bn * q[1]
            + bu * bu * q[2]
            + 2 * (be * bn * q[3] + be * bu * q[4] + bn * bu * q[5])
        )
        inv_n = t["inv_n"][idx]
        qkk = inv_n + quad * inv_n * inv_n  # zero where the system is absent
        first = np.argmax(present, axis=0)
        tdop = np.sqrt(np.take_along_axis(qkk, first[None], axis=0)[0])
        return {
            "pdop": np.sqrt(pos),
            "hdop": np.sqrt(q[0] + q[1]),
            "vdop": np.sqrt(q[2]),
            "gdop": np.sqrt(pos + qkk.sum(axis=0)),
            "tdop": np.where(ok, tdop, np.nan),
            "n_sat": n_sat,
        }


# ------------------------------------------------------------------------------ result
@dataclass
class PlanResult:
    """Result of :func:`plan`.

    Attributes
    ----------
    dataset : xarray.Dataset
        Dims ``mix``, ``time``, ``point``: ``pdop hdop vdop gdop tdop`` (float32, NaN where
        no solution; ``tdop`` is the clock of the mix's first system with satellites in
        view, GPS for a mix starting with G), ``n_sat`` (visible satellites of the mix);
        per point
        ``availability`` and ``pdop_mean`` (mix, point); coords ``lat_deg``, ``lon_deg``,
        ``height_m`` (point, or (time) for a route); ``n_visible`` (time, point, system).
    summary : dict
        Per mix: ``pdop_mean``, ``availability``, ``n_sat_mean`` (over every epoch and
        point), and for the "minus one" mixes the loss against the full mix.
    attrs : dict
        ``orbits`` ("broadcast", "precise", "nominal"), the orbit description, mask,
        thresholds, satellites used.
    """

    dataset: xr.Dataset
    summary: dict[str, dict[str, float]]
    attrs: dict[str, Any] = field(default_factory=dict)

    def minus_one_table(self) -> list[dict[str, Any]]:
        """The "minus one" mixes ranked by cost: availability lost, then mean PDOP gained."""
        rows = [
            {"mix": m, "removed": m.split("-", 1)[1], **v}
            for m, v in self.summary.items()
            if "-" in m
        ]
        return sorted(
            rows,
            key=lambda r: (-_nz(r.get("availability_loss")), -_nz(r.get("pdop_mean_increase"))),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``kompas plan --json``."""
        return {
            "orbits": self.attrs.get("orbits"),
            "orbit_source": self.attrs.get("orbit_source"),
            "mixes": self.summary,
            "minus_one": self.minus_one_table(),
            "attrs": {k: v for k, v in self.attrs.items() if k not in ("orbits",)},
        }


def _nz(v) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return 0.0
    return f if np.isfinite(f) else float("inf")


def _nanmean(a: np.ndarray, axis=None) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        cnt = np.isfinite(a).sum(axis=axis)
        tot = np.where(np.isfinite(a), a, 0.0).sum(axis=axis)
        return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)


# ------------------------------------------------------------------------------ driver
def _time_grid(start: Any, end: Any, interval_s: float) -> np.ndarray:
    t0 = start if isinstance(start, Time) else Time.parse(str(start), TimeScale.GPST)
    t1 = end if isinstance(end, Time) else Time.parse(str(end), TimeScale.GPST)
    if interval_s <= 0:
        raise ValueError(f"interval must be positive, got {interval_s}")
    a, b = int(np.asarray(t0.ns).ravel()[0]), int(np.asarray(t1.ns).ravel()[0])
    if b < a:
        raise ValueError("end is before start")
    step = int(round(interval_s * NS_PER_S))
    return np.arange(a, b + 1, step, dtype=np.int64)


def _route_positions(route: Any, t_ns: np.ndarray):
    """Route (time, lat, lon[, h]) interpolated to ``t_ns``; epochs outside it dropped."""
    import pandas as pd

    if isinstance(route, str):
        try:
            df = pd.read_csv(route)
        except (OSError, ValueError) as exc:
            raise KompasError(f"cannot read route {route!r}: {exc}") from exc
    else:
        df = pd.DataFrame(route)
    cols = {c.lower().strip(): c for c in df.columns}
    need = [cols.get(k) for k in ("time", "lat", "lon")]
    alt = [cols.get(k) for k in ("time", "lat_deg", "lon_deg")]
    use = need if all(need) else alt
    if not all(use):
        raise KompasError(f"route needs columns time, lat, lon (got {list(df.columns)})")
    tr = Time.parse(df[use[0]].astype(str).to_numpy(), TimeScale.GPST).ns
    order = np.argsort(tr)
    tr = tr[order]
    hcol = cols.get("height") or cols.get("h") or cols.get("height_m")
    try:
        lat = df[use[1]].to_numpy(float)[order]
        lon = np.degrees(np.unwrap(np.radians(df[use[2]].to_numpy(float)[order])))
        h = df[hcol].to_numpy(float)[order] if hcol else np.zeros(len(tr))
    except ValueError as exc:  # a non-numeric cell: a data error, not a bad argument
        raise KompasError(f"route {route if isinstance(route, str) else ''}: {exc}") from None
    keep = (t_ns >= tr[0]) & (t_ns <= tr[-1])
    if not keep.any():
        raise KompasError("the route's times do not overlap the planning span")
    t_ns = t_ns[keep]
    x = (t_ns - tr[0]).astype(float)
    xr_ = (tr - tr[0]).astype(float)
    la, lo, hh = (np.interp(x, xr_, v) for v in (lat, lon, h))
    return t_ns, la, (lo + 180.0) % 360.0 - 180.0, hh


def _visibility_threshold(de, dn, du, elmask_deg, obstruction):
    sin_mask = np.float32(np.sin(np.radians(elmask_deg)))
    if obstruction is None:
        return sin_mask
    az_tab, el_tab = obstruction
    az = np.degrees(np.arctan2(de, dn)) % 360.0
    el_min = np.maximum(np.interp(az, az_tab, el_tab), elmask_deg)
    return np.sin(np.radians(el_min)).astype(np.float32)


def plan(
    orbits: Any,
    *,
    start: Any,
    end: Any,
    interval_s: float = 600.0,
    site: Sequence[float] | None = None,
    route: Any = None,
    grid: str | Sequence[float] | None = None,
    step_deg: float = 2.0,
    systems: str = "GREC",
    mixes: Sequence[str] | None = None,
    minus_one: bool = True,
    elmask_deg: float = 10.0,
    obstruction: Any = None,
    pdop_max: float = 6.0,
    min_sats: int = 4,
    satellites: Sequence[str] | None = None,
    progress: Any = None,
) -> PlanResult:
    """Satellites in view, DOPs and availability for mixes of systems and "minus one".

    Parameters
    ----------
    orbits : Navigation, PreciseOrbit, SP3 Dataset or "nominal"
        Broadcast navigation data (positions only inside each record's validity), precise
        orbits, or the nominal constellations of :mod:`kompas.sim` (dates without data).
    start, end : Time or str
        Span (ISO text is GPST); epochs every ``interval_s`` seconds.
    site : (lat_deg, lon_deg, height_m), optional
    route : str or table, optional
        CSV path (or DataFrame) with columns ``time`` (ISO, GPST), ``lat``, ``lon``
        [, ``height``]; linearly interpolated to the epochs inside it.
    grid : "global", "arctic" or (W, S, E, N), optional
        With ``step_deg``. Exactly one of site, route, grid.
    systems : str
        Systems whose satellites are used.
    mixes : list of str, optional
        Mixes to evaluate (default: ``systems``); ``minus_one`` adds the first mix with
        each of its systems removed (named ``"GREC-R"``).
    elmask_deg : float
        Elevation mask [deg]; ``obstruction`` raises it per azimuth (see
        :func:`obstruction_mask`).
    pdop_max, min_sats : float, int
        Availability: fraction of (epoch, point) with PDOP <= pdop_max and at least
        min_sats satellites of the mix.
    satellites : list of str, optional
        Use only these satellites (e.g. those two orbit products have in common).
    progress : callable, optional
        ``progress(done, total)`` after each chunk.

    Returns
    -------
    PlanResult
    """
    given = [x is not None for x in (site, route, grid)]
    if sum(given) != 1:
        raise ValueError("give exactly one of site, route or grid")
    systems = "".join(dict.fromkeys(systems.upper()))
    names = mix_names(systems, mixes, minus_one)
    t_ns = _time_grid(start, end, interval_s)
    is_route = route is not None
    if is_route:
        t_ns, lat, lon, h = _route_positions(route, t_ns)
    elif site is not None:
        if len(site) != 3:
            raise ValueError("site must be (lat_deg, lon_deg, height_m)")
        lat, lon, h = (np.array([float(v)]) for v in site)
    else:
        lat, lon = grid_points(grid, step_deg)
        h = np.zeros_like(lat)
    obst = obstruction_mask(obstruction) if obstruction is not None else None
    pos, svs, kind, desc = _satellite_positions(orbits, systems, t_ns, satellites)
    # satellites sorted by system (contiguous rows per system for the reductions)
    rank = {s: i for i, s in enumerate(systems)}
    order = np.argsort([rank[s[0]] for s in svs], kind="stable")
    svs, pos = svs[order], pos[:, order]
    letters = np.array([s[0] for s in svs])
    sys_order = [s for s in systems if (letters == s).any()]
    missing = [s for s in systems if s not in sys_order]
    if missing:
        import warnings

        warnings.warn(
            f"no satellite of system(s) {''.join(missing)} in the orbit source: mixes use "
            "the others only (attrs['systems_without_satellites'])",
            stacklevel=2,
        )
    starts = np.array([int(np.argmax(letters == s)) for s in sys_order])
    rx = geodetic2ecef(np.radians(lat), np.radians(lon), h, WGS84)
    basis = _enu_basis(lat, lon)  # (P, 3, 3)
    out = _run_chunks(
        pos, rx, basis, starts, sys_order, names, is_route, elmask_deg, obst, progress
    )
    return _assemble(
        out,
        names,
        t_ns,
        lat,
        lon,
        h,
        is_route,
        svs,
        sys_order,
        kind,
        desc,
        elmask_deg,
        pdop_max,
        min_sats,
        obstruction is not None,
    )


def _chunk_geometry(pos32, rx, basis, t0, t1, p0, p1, is_route):
    """(S, N) float32 east/north/up components of satellite - receiver, N = pairs of
    (epoch, point) in the chunk, epoch-major."""
    n_s = pos32.shape[1]
    X = pos32[t0:t1]  # (A, S, 3)
    if is_route:
        B = basis[t0:t1]  # (A, 3, 3), one receiver per epoch
        off = np.einsum("aij,aj->ai", B, rx[t0:t1]).astype(np.float32)
        comp = np.einsum("asj,aij->isa", X, B.astype(np.float32))  # (3, S, A)
        return [comp[i] - off[None, :, i] for i in range(3)]
    B = basis[p0:p1]  # (P, 3, 3)
    off = np.einsum("pij,pj->ip", B, rx[p0:p1]).astype(np.float32)  # (3, P)
    Xs = np.ascontiguousarray(X.transpose(1, 0, 2)).reshape(-1, 3)  # (S*A, 3)
    out = []
    for i in range(3):
        bi = np.ascontiguousarray(B[:, i, :].T, dtype=np.float32)  # (3, P)
        c = np.einsum("nj,jp->np", Xs, bi)  # c_einsum loops, no BLAS threads
        c -= off[i][None, :]
        out.append(c.reshape(n_s, -1))
    return out


def _run_chunks(pos, rx, basis, starts, sys_order, names, is_route, elmask_deg, obst, progress):
    n_t, n_s, _ = pos.shape
    n_p = 1 if is_route else len(rx)
    mix_idx = {m: [sys_order.index(s) for s in _mix_systems(m) if s in sys_order] for m in names}
    keys = ("pdop", "hdop", "vdop", "gdop", "tdop")
    res = {m: {k: np.full((n_t, n_p), np.nan, np.float32) for k in keys} for m in names}
    for m in names:
        res[m]["n_sat"] = np.zeros((n_t, n_p), np.int16)
    n_vis = np.zeros((n_t, n_p, len(sys_order)), np.int16)
    # an absent satellite is put at the geocentre: below every horizon, never visible
    pos32 = np.nan_to_num(pos, nan=0.0).astype(np.float32)
    if is_route:
        tc, pc = max(1, _CHUNK_COLUMNS), 1
    else:
        pc = min(n_p, _CHUNK_COLUMNS)
        tc = max(1, _CHUNK_COLUMNS // pc)
    chunks = [(t0, p0) for t0 in range(0, n_t, tc) for p0 in range(0, n_p, pc)]
    for k, (t0, p0) in enumerate(chunks):
        t1, p1 = min(n_t, t0 + tc), min(n_p, p0 + pc)
        de, dn, du = _chunk_geometry(pos32, rx, basis, t0, t1, p0, p1, is_route)
        thr = _visibility_threshold(de, dn, du, elmask_deg, obst)
        terms = _schur_terms(_system_sums(de, dn, du, starts, thr))
        shape = (t1 - t0, p1 - p0)
        n_vis[t0:t1, p0:p1] = np.rint(terms["n"].T).astype(np.int16).reshape(*shape, -1)
        for m in names:
            for key, v in _mix_dops(terms, mix_idx[m]).items():
                res[m][key][t0:t1, p0:p1] = v.reshape(shape)
        if progress is not None:
            progress(k + 1, len(chunks))
    return res, n_vis


def _assemble(
    out,
    names,
    t_ns,
    lat,
    lon,
    h,
    is_route,
    svs,
    sys_order,
    kind,
    desc,
    elmask_deg,
    pdop_max,
    min_sats,
    obstructed,
) -> PlanResult:
    res, n_vis = out
    stack = {k: np.stack([res[m][k] for m in names]) for k in res[names[0]]}
    ok = (stack["pdop"] <= pdop_max) & (stack["n_sat"] >= min_sats)
    avail_pt = ok.mean(axis=1)
    pdop_mean_pt = _nanmean(stack["pdop"], axis=1)
    labels = Time.from_ns(t_ns, TimeScale.GPST).datetime64
    point_dims = ("time",) if is_route else ("point",)
    ds = xr.Dataset(
        {k: (("mix", "time", "point"), v) for k, v in stack.items()},
        coords={
            "mix": names,
            "time": labels,
            "system": list(sys_order),
            "lat_deg": (point_dims, lat),
            "lon_deg": (point_dims, lon),
            "height_m": (point_dims, h),
        },
    )
    ds["n_visible"] = (("time", "point", "system"), n_vis)
    ds["availability"] = (("mix", "point"), avail_pt)
    ds["pdop_mean"] = (("mix", "point"), pdop_mean_pt)
    ds["time"].attrs["time_scale"] = "GPST"
    summary: dict[str, dict[str, float]] = {}
    for i, m in enumerate(names):
        summary[m] = {
            "systems": _mix_systems(m),
            "pdop_mean": float(_nanmean(stack["pdop"][i])),
            "pdop_median": float(np.nanmedian(stack["pdop"][i]))
            if np.isfinite(stack["pdop"][i]).any()
            else float("nan"),
            "availability": float(ok[i].mean()),
            "n_sat_mean": float(stack["n_sat"][i].mean()),
            "solved_fraction": float(np.isfinite(stack["pdop"][i]).mean()),
        }
    full = names[0]
    for m in names:
        if "-" in m:
            summary[m]["availability_loss"] = (
                summary[full]["availability"] - summary[m]["availability"]
            )
            summary[m]["pdop_mean_increase"] = summary[m]["pdop_mean"] - summary[full]["pdop_mean"]
    attrs = {
        "orbits": kind,
        "orbit_source": desc,
        "elmask_deg": elmask_deg,
        "obstruction": bool(obstructed),
        "pdop_max": pdop_max,
        "min_sats": min_sats,
        "epochs": int(len(t_ns)),
        "points": int(ds.sizes["point"]) if not is_route else 1,
        "kind": "route" if is_route else ("site" if len(lat) == 1 else "grid"),
        "satellites": int(len(svs)),
        "systems_without_satellites": "".join(
            sorted({c for m in names for c in _mix_systems(m)} - set(sys_order))
        ),
        "start": str(np.asarray(labels[0]).astype("datetime64[s]")),
        "end": str(np.asarray(labels[-1]).astype("datetime64[s]")),
    }
    ds.attrs.update({k: v for k, v in attrs.items() if not isinstance(v, bool)})
    return PlanResult(dataset=ds, summary=summary, attrs=attrs)
