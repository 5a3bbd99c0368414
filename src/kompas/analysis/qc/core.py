"""``kompas.qc``: quality control of one observation file, every system and signal."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from kompas.analysis.qc import clock as clk
from kompas.analysis.qc.inputs import (
    QCInputError,
    load_obs,
    load_orbits,
    obs_grid,
    receiver_position,
    start_obs,
)
from kompas.analysis.qc.multipath import DEFAULT_MIN_ARC_EPOCHS, multipath_m
from kompas.analysis.qc.pairs import MPPair, PhasePair, choose_pairs, code_for
from kompas.analysis.qc.slips import SlipFlags, SlipSettings, detect_slips
from kompas.analysis.qc.snr import DEFAULT_LOW_SNR_DBHZ
from kompas.constants import SPEED_OF_LIGHT_MPS
from kompas.gnss import frequency_hz

__all__ = ["qc", "QCOptions", "SYSTEMS"]

#: Systems checked by default (QZSS, NavIC and SBAS too when observed).
SYSTEMS = "GRECJIS"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class QCOptions:
    """Settings of a QC run (each documented where it is used).

    ``elmask_deg``: elevation mask (teqc and gnssmultipath users compare at 10°);
    ``min_arc_epochs``: shortest MP arc kept (:mod:`~kompas.analysis.qc.multipath`);
    ``slips``: detector thresholds (:class:`~kompas.analysis.qc.slips.SlipSettings`);
    ``low_snr_dbhz``: the low-SNR limit (:mod:`~kompas.analysis.qc.snr`);
    ``lli_breaks_arc``: a loss-of-lock flag ends the MP arc (teqc, Anubis; gnssmultipath
    does not, which is why it sees the slips the receiver flagged as multipath);
    ``partners``: second phase per code signal instead of the automatic choice
    (:mod:`~kompas.analysis.qc.pairs`), e.g. ``(("E:C8Q", "L7Q"),)``.
    """

    elmask_deg: float = 10.0
    min_arc_epochs: int = DEFAULT_MIN_ARC_EPOCHS
    slips: SlipSettings = field(default_factory=SlipSettings)
    low_snr_dbhz: float = DEFAULT_LOW_SNR_DBHZ
    systems: str = SYSTEMS
    lli_breaks_arc: bool = True
    partners: tuple[tuple[str, str], ...] = ()


@dataclass
class _System:
    """Arrays of one system: its columns, codes, phases in metres, masks."""

    char: str
    cols: np.ndarray
    sv: np.ndarray
    codes: list[str]
    use: np.ndarray
    k: Any
    cache: dict = field(default_factory=dict)


class _Data:
    """Lazy per-system access to the observation arrays, phases converted to metres and
    clock-jump repairs applied."""

    def __init__(self, ds: xr.Dataset, code_fix: np.ndarray, phase_fix: np.ndarray):
        self.ds = ds
        self.code_fix = code_fix[:, None]
        self.phase_fix = phase_fix[:, None]

    def freq(self, s: _System, code: str) -> np.ndarray:
        key = ("f", code)
        if key not in s.cache:
            s.cache[key] = frequency_hz(s.sv, code, s.k)
        return s.cache[key]

    def raw(self, s: _System, code: str) -> np.ndarray:
        key = ("raw", code)
        if key not in s.cache:
            s.cache[key] = self.ds.variables[code].values[:, s.cols]
        return s.cache[key]

    def metres(self, s: _System, code: str) -> np.ndarray:
        key = ("m", code)
        if key not in s.cache:
            x = self.raw(s, code)
            if code[0] == "L":
                x = x * (SPEED_OF_LIGHT_MPS / self.freq(s, code)) - self.phase_fix
            elif code[0] == "C":
                x = x - self.code_fix
            s.cache[key] = x
        return s.cache[key]

    def lli(self, s: _System, code: str) -> np.ndarray | None:
        name = f"{code}_lli"
        return self.ds.variables[name].values[:, s.cols] if name in self.ds.variables else None


def _systems(ds: xr.Dataset, options: QCOptions, use_all: np.ndarray, k) -> list[_System]:
    from kompas.io.rinex_obs_summary import observation_codes

    sv = np.asarray(ds["sv"].values).astype(str)
    codes = [c for c in observation_codes(ds) if len(c) == 3 and c[0] in "CLS"]
    seen = {c: np.isfinite(ds.variables[c].values).any(axis=0) for c in codes}
    out = []
    for char in options.systems:
        cols = np.flatnonzero(np.char.startswith(sv, char))
        if cols.size == 0:
            continue
        have = [c for c in codes if seen[c][cols].any() and _valid(char, c)]
        if have:
            out.append(_System(char, cols, sv[cols], have, use_all[:, cols], k))
    return out


def _valid(system: str, code: str) -> bool:
    from kompas.gnss import Signal

    try:
        Signal(system, code)
    except ValueError:
        return False
    return True


def _lli_flag(lli: np.ndarray | None, use: np.ndarray, shape) -> np.ndarray:
    if lli is None:
        return np.zeros(shape, dtype=bool)
    return use & (lli > 0) & (lli % 2 == 1)


def _sub(x, active):
    if x is None or np.ndim(x) == 0:
        return x
    return x[:, active] if np.ndim(x) == 2 else x[active]


def _detect(data: _Data, s: _System, pair: PhasePair, t_s, interval, opt) -> SlipFlags:
    """Slip detection of a phase pair on the satellites that have both phases (the result
    is symmetric in the two phases, so it is shared by the pair read either way)."""
    phase = data.metres(s, pair.phase)
    active = np.isfinite(phase).any(axis=0)
    kw: dict[str, Any] = {}
    if pair.partner is not None:
        partner = data.metres(s, pair.partner)
        active &= np.isfinite(partner).any(axis=0)
        kw.update(partner_m=partner, f_hz=data.freq(s, pair.phase),
                  f_partner_hz=data.freq(s, pair.partner))  # fmt: skip
        if pair.code is not None and pair.partner_code is not None:
            kw.update(code_m=data.metres(s, pair.code),
                      partner_code_m=data.metres(s, pair.partner_code))  # fmt: skip
    elif pair.code is not None:
        kw["code_m"] = data.metres(s, pair.code)
    kw = {k: _sub(v, active) for k, v in kw.items()}
    f = detect_slips(
        phase[:, active], t_s, interval, use=s.use[:, active], settings=opt.slips, **kw
    )
    full = []
    for part in (f.gf, f.mw, f.cmc, f.new_arc):
        out = np.zeros(phase.shape, dtype=bool)
        out[:, active] = part
        full.append(out)
    return SlipFlags(full[0], full[1], full[2], np.zeros(phase.shape, bool), full[3])


def _slip_flags(data: _Data, s: _System, pair: PhasePair, t_s, interval, opt) -> SlipFlags:
    key = ("slip", pair.phase, pair.partner)
    if key in s.cache:
        return s.cache[key]
    sym = ("sym", *sorted([pair.phase, pair.partner or ""]))
    if sym not in s.cache:
        s.cache[sym] = _detect(data, s, pair, t_s, interval, opt)
    base = s.cache[sym]
    shape = base.gf.shape
    own = _lli_flag(data.lli(s, pair.phase), s.use & np.isfinite(data.raw(s, pair.phase)), shape)
    other = (
        _lli_flag(data.lli(s, pair.partner), s.use & np.isfinite(data.raw(s, pair.partner)), shape)
        if pair.partner is not None
        else None
    )
    flags = SlipFlags(base.gf, base.mw, base.cmc, own, base.new_arc, other)
    s.cache[key] = flags
    return flags


def _mp(data: _Data, s: _System, pair: MPPair, t_s, interval, opt, present):
    codes = [c for c in s.codes if c[0] == "C"]
    count = {c: int(present[c].sum()) for c in codes}
    pp = PhasePair(
        s.char, pair.phase, pair.partner, code_for(pair.phase, codes, count, s.char),
        code_for(pair.partner, codes, count, s.char),
    )  # fmt: skip
    flags = _slip_flags(data, s, pp, t_s, interval, opt)
    breaks = flags.breaks if opt.lli_breaks_arc else flags.slip | flags.new_arc
    mp, label = multipath_m(
        data.metres(s, pair.code), data.metres(s, pair.phase), data.metres(s, pair.partner),
        data.freq(s, pair.phase), data.freq(s, pair.partner), s.use, breaks, opt.min_arc_epochs,
    )  # fmt: skip
    return mp, label


def _load_inputs(obs, nav, sp3):
    """Observations (zeros as missing), their grid and the orbits.  A compressed
    observation file expands in a subprocess while the orbit file is read; an error of the
    observations is still raised before one of the orbits."""
    pending = start_obs(obs, nav, sp3)
    orbits: Any = None
    orbit_error: Exception | None = None
    if pending is not obs:
        try:
            orbits = load_orbits(nav, sp3)
        except Exception as exc:  # noqa: BLE001 - re-raised once the observations are read
            orbit_error = exc
    ds, zeros = _zeros_as_missing(load_obs(pending))
    grid = obs_grid(ds)
    if orbit_error is not None:
        raise orbit_error
    if orbits is None:
        orbits = load_orbits(nav, sp3)
    return ds, zeros, grid, orbits[0], orbits[1]


def _check_options(opt: QCOptions) -> None:
    if not -5.0 <= opt.elmask_deg <= 90.0:
        raise ValueError(f"elmask_deg={opt.elmask_deg!r}: expected -5 to 90 degrees")
    bad = set(opt.systems) - set(SYSTEMS)
    if bad or not opt.systems:
        raise ValueError(
            f"systems={opt.systems!r}: expected characters of {SYSTEMS!r} (G R E C J I S)"
        )
    if opt.min_arc_epochs < 1:
        raise ValueError(f"min_arc_epochs={opt.min_arc_epochs!r}: expected 1 or more")


def _override(pairs: list[MPPair], partners: dict, s: _System) -> list[MPPair]:
    out = []
    for p in pairs:
        other = partners.get(f"{s.char}:{p.code}")
        if other is not None:
            if other not in s.codes or other[0] != "L" or other[1] == p.code[1]:
                raise ValueError(
                    f"partner {other!r} for {s.char}:{p.code}: expected a phase of another "
                    f"band observed in the file ({[c for c in s.codes if c[0] == 'L']})"
                )
            p = MPPair(p.system, p.code, p.phase, other)
        out.append(p)
    return out


def _clock(ds: xr.Dataset, systems: list[_System], t_s, interval):
    """Clock jumps from one code and one phase per satellite (the first C/L pair of each
    system)."""
    n = ds.sizes["time"]
    code_cols, phase_cols = [], []
    for s in systems:
        for c in s.codes:
            if c[0] == "C" and "L" + c[1:] in s.codes:
                lam = SPEED_OF_LIGHT_MPS / frequency_hz(s.sv, "L" + c[1:], s.k)
                code_cols.append(ds[c].values[:, s.cols])
                phase_cols.append(ds["L" + c[1:]].values[:, s.cols] * lam)
                break
    if not code_cols:
        return clk.clock_jumps(np.full((n, 1), np.nan), np.full((n, 1), np.nan), t_s, interval)
    return clk.clock_jumps(np.hstack(code_cols), np.hstack(phase_cols), t_s, interval)


def qc(
    obs: Any,
    nav: Any = None,
    *,
    sp3: Any = None,
    elmask_deg: float | None = None,
    position_m: Any = None,
    options: QCOptions | None = None,
    progress: Progress | None = None,
):
    """Quality control of an observation file: multipath, slips, SNR, completeness, gaps,
    clock jumps — every system and signal.

    Parameters
    ----------
    obs : xarray.Dataset or path
        Observations (:func:`kompas.read_obs`) or a RINEX 2/3/4 file.
    nav : kompas.io.Navigation, path or list of paths, optional
        Broadcast navigation data: elevations (mask, bins) and expected observations.
    sp3 : xarray.Dataset or path(s), optional
        Precise orbits instead of ``nav`` for the geometry.
    elmask_deg : float, optional
        Elevation mask [deg]; default ``options.elmask_deg`` (10°).
    position_m : array (3,), optional
        Receiver ECEF position; default the header's approx. position, else a single point
        solution.
    options : QCOptions, optional
        Thresholds and limits.
    progress : callable(stage, done, total), optional
        Called as the work proceeds.

    Returns
    -------
    QCResult
        Tables (pandas) per signal, phase signal, satellite, elevation bin; gaps, slips,
        clock jumps, epoch flags; the MP time series (xarray); ``to_dict()`` for JSON.
        Without orbits there is no elevation: no mask, no elevation bins, no
        completeness (``attrs["notes"]`` says so); MP, slips, SNR, gaps and clock jumps are
        still computed from the observations alone.

    Raises
    ------
    QCInputError
        No epochs, or no signal that can be checked.
    """
    from kompas.analysis.qc.summary import build_result

    opt = options or QCOptions()
    if elmask_deg is not None and elmask_deg != opt.elmask_deg:
        opt = dataclasses.replace(opt, elmask_deg=elmask_deg)
    _check_options(opt)
    tick = progress or (lambda stage, done, total: None)
    total = 6
    tick("read", 0, total)
    ds, zeros, grid, orbits, orbit_source = _load_inputs(obs, nav, sp3)
    tick("orbits", 1, total)
    geom = _geometry(ds, orbits, orbit_source, grid, position_m)
    el = geom.elevation_deg[grid.row_to_grid] if geom is not None else None
    if el is not None:
        with np.errstate(invalid="ignore"):
            use_all = ~(el < opt.elmask_deg)  # no orbit (NaN): kept, not masked
    else:
        use_all = np.ones((ds.sizes["time"], ds.sizes["sv"]), dtype=bool)
    t_s = (grid.t_ns - grid.t_ns[0]) / 1e9
    tick("clock", 2, total)
    k = _glonass_channels(ds, orbits)
    systems = _systems(ds, opt, use_all, k)
    if not systems:
        raise QCInputError(
            f"{ds.attrs.get('source', 'observations')}: no code, phase or SNR observation of "
            f"the systems {opt.systems!r}"
        )
    jumps = _clock(ds, systems, t_s, grid.interval_s)
    code_fix, phase_fix = clk.clock_repair_m(jumps, ds.sizes["time"])
    data = _Data(ds, code_fix, phase_fix)
    tick("multipath", 3, total)
    per_system = []
    for s in systems:
        present = {c: np.isfinite(data.raw(s, c)) & s.use for c in s.codes}
        mp_pairs, phase_pairs = choose_pairs([c for c in s.codes if c[0] in "CL"], present, s.char)
        mp_pairs = _override(mp_pairs, dict(opt.partners), s)
        mps = {p.code: _mp(data, s, p, t_s, grid.interval_s, opt, present) for p in mp_pairs}
        flags = {
            p.phase: (p, _slip_flags(data, s, p, t_s, grid.interval_s, opt)) for p in phase_pairs
        }
        per_system.append((s, mp_pairs, mps, flags, present))
    tick("summary", 4, total)
    result = build_result(ds, grid, geom, el, opt, per_system, jumps, orbit_source, data)
    glo = [x for x in systems if x.char == "R"]
    if glo and not np.isfinite(data.freq(glo[0], "L1C") if "L1C" in glo[0].codes else 0).all():
        result.attrs["notes"].append(
            "GLONASS satellites without a frequency channel (none in the header's GLONASS "
            "SLOT / FRQ # or the navigation data): no multipath or slips for their FDMA signals"
        )
    if zeros:
        result.attrs["zero_values"] = zeros
        result.attrs["notes"].append(
            f"{sum(zeros.values())} observations written as 0.000 (a receiver's 'not "
            "observed') treated as missing (per code in zero_values)"
        )
    tick("done", total, total)
    return result


def _glonass_channels(ds: xr.Dataset, orbits: Any) -> dict | None:
    """FDMA channel per GLONASS slot: the navigation data's, overridden by the observation
    header's GLONASS SLOT / FRQ # where it has the slot."""
    k = dict(orbits.glonass_channels()) if hasattr(orbits, "glonass_channels") else {}
    k.update(ds.attrs.get("glonass_channels") or {})
    return k or None


def _zeros_as_missing(ds: xr.Dataset) -> tuple[xr.Dataset, dict]:
    """Code, phase and SNR values of exactly 0 mean "not observed" (some receivers write
    0.000 instead of a blank): replaced by NaN in a shallow copy, and counted per code."""
    from kompas.io.rinex_obs_summary import observation_codes

    counts, new = {}, {}
    for c in observation_codes(ds):
        if c[0] not in "CLS":
            continue
        v = ds.variables[c].values
        z = v == 0.0
        n = int(z.sum())
        if n:
            counts[c] = n
            new[c] = (ds[c].dims, np.where(z, np.nan, v), ds[c].attrs)
    if not new:
        return ds, counts
    out = ds.copy(deep=False)
    for c, var in new.items():
        out[c] = var
    return out, counts


def _geometry(ds, orbits, orbit_source, grid, position_m):
    from kompas.analysis.qc.geometry import sky_geometry

    if orbits is None:
        return None
    rx, how = receiver_position(ds, orbits, position_m)
    sv = np.asarray(ds["sv"].values).astype(str)
    return sky_geometry(
        orbits, sv, grid.grid_ns, rx, interval_s=grid.interval_s, position_source=how,
        source=orbit_source,
    )  # fmt: skip


__all__ += ["QCInputError"]
