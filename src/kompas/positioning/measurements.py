"""Pick the pseudoranges (and Doppler, C/N0) each system contributes to a solution.

Single-frequency mode uses one code per system (defaults in
:data:`kompas.gnss.defaults.DEFAULT_SIGNAL`, with fall-backs when a file lacks it);
dual-frequency mode forms the ionosphere-free combination
``P_IF = (f1² P1 − f2² P2) / (f1² − f2²)`` per satellite.  GLONASS frequencies use each
satellite's FDMA channel ``k`` (observation header, else navigation data); a GLONASS
satellite whose channel is unknown is dropped with a warning — a guessed channel would
put a wrong ionospheric scale factor into the arithmetic.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from kompas.errors import KompasError, KompasWarning
from kompas.gnss.defaults import ALTERNATIVES, DEFAULT_DUAL_FREQUENCY, DEFAULT_SIGNAL
from kompas.gnss.signals import frequency_hz

__all__ = ["Measurements", "select_measurements"]


@dataclass
class Measurements:
    """Code observations arranged for positioning (dense (time, sv) arrays).

    Attributes
    ----------
    sv : ndarray (S,) of str
    system : ndarray (S,) of str
        System character per satellite.
    codes : dict
        System → tuple of RINEX codes used (one, or two for the iono-free combination).
    pseudorange_m : ndarray (T, S)
        Code observation (or iono-free combination), NaN where absent, zero or negative.
    frequency_hz : ndarray (S,)
        Carrier frequency of the first code (for ionospheric scaling; NaN if unknown).
    frequency2_hz : ndarray (S,)
        Carrier frequency of the second code (iono-free mode), else NaN.
    doppler_hz, cn0_dbhz : ndarray (T, S)
        Doppler and C/N0 on the first code's band, NaN when not observed.
    mode : str
        ``"single"`` or ``"iflc"``.
    """

    sv: np.ndarray
    system: np.ndarray
    codes: dict[str, tuple[str, ...]]
    pseudorange_m: np.ndarray
    frequency_hz: np.ndarray
    frequency2_hz: np.ndarray
    doppler_hz: np.ndarray
    cn0_dbhz: np.ndarray
    mode: str
    dropped: dict[str, str] = field(default_factory=dict)


def _pick_code(obs: xr.Dataset, sys: str, wanted: str | None, present: np.ndarray) -> str | None:
    """The code to use for one system: the requested one, else the first alternative seen."""
    candidates = (wanted,) if wanted else (DEFAULT_SIGNAL[sys], *ALTERNATIVES.get(sys, ()))
    for code in candidates:
        if code in obs.data_vars and np.isfinite(obs[code].values[:, present]).any():
            return code
    return None


def _values(obs: xr.Dataset, code: str | None, cols: np.ndarray) -> np.ndarray:
    if code is None or code not in obs.data_vars:
        return np.full((obs.sizes["time"], len(cols)), np.nan)
    return np.asarray(obs[code].values[:, cols], dtype=float)


def select_measurements(
    obs: xr.Dataset,
    systems: str,
    mode: str = "single",
    signals: dict[str, str | tuple[str, str]] | None = None,
    glonass_channels: dict[str, int] | None = None,
) -> Measurements:
    """Arrange the code observations of ``systems`` for positioning.

    Parameters
    ----------
    obs : xarray.Dataset
        As returned by :func:`kompas.read_obs` (dims time, sv).
    systems : str
        System characters, e.g. ``"GREC"``.
    mode : {"single", "iflc"}
        Single-frequency code, or the dual-frequency ionosphere-free combination.
    signals : dict, optional
        Per system: a code (single) or a pair of codes (iflc) overriding the defaults.
    glonass_channels : dict, optional
        sv → FDMA channel k, merged over the observation header's channels.

    Raises
    ------
    KompasError
        When none of the requested systems has usable observations.
    """
    if mode not in ("single", "iflc"):
        raise KompasError(f"mode must be 'single' or 'iflc', not {mode!r}")
    signals = dict(signals or {})
    all_sv = np.asarray(obs["sv"].values).astype(str)
    sys_of = np.array([s[0] for s in all_sv])
    channels = dict(obs.attrs.get("glonass_channels") or {})
    channels.update(glonass_channels or {})

    sv_parts, sys_parts, p_parts, f1_parts, f2_parts, d_parts, s_parts = ([] for _ in range(7))
    codes: dict[str, tuple[str, ...]] = {}
    dropped: dict[str, str] = {}
    for sys in systems:
        cols = np.flatnonzero(sys_of == sys)
        if cols.size == 0:
            dropped[sys] = "no observations of this system in the file"
            continue
        if mode == "single":
            code1 = _pick_code(obs, sys, signals.get(sys), cols)
            code2 = None
            if code1 is None:
                dropped[sys] = "no pseudorange on the requested/default signal"
                continue
            codes[sys] = (code1,)
        else:
            pair = signals.get(sys) or DEFAULT_DUAL_FREQUENCY.get(sys)
            code1, code2 = pair if pair else (None, None)
            if not pair or code1 not in obs.data_vars or code2 not in obs.data_vars:
                dropped[sys] = f"dual-frequency codes {pair} not both in the file"
                continue
            codes[sys] = (code1, code2)
        sv_sys = all_sv[cols]
        k = None
        if sys == "R":
            k = np.array([channels.get(s, np.nan) for s in sv_sys], dtype=float)
            unknown = ~np.isfinite(k)
            if unknown.any():
                warnings.warn(
                    f"GLONASS satellites without an FDMA channel (not in the observation header "
                    f"nor the navigation data) dropped: {', '.join(sv_sys[unknown])}",
                    KompasWarning,
                    stacklevel=3,
                )
                cols, sv_sys, k = cols[~unknown], sv_sys[~unknown], k[~unknown]
        f1 = _freq(sys, code1, sv_sys, k)
        p1 = _values(obs, code1, cols)
        if code2 is not None:
            f2 = _freq(sys, code2, sv_sys, k)
            p2 = _values(obs, code2, cols)
            g1, g2 = f1**2, f2**2
            p = (g1 * p1 - g2 * p2) / (g1 - g2)
        else:
            f2 = np.full(len(cols), np.nan)
            p = p1
        p = np.where(p > 0, p, np.nan)  # RINEX blanks/zeros never reach the arithmetic
        band = code1[1:]
        sv_parts.append(sv_sys)
        sys_parts.append(np.full(len(cols), sys))
        p_parts.append(p)
        f1_parts.append(f1)
        f2_parts.append(f2)
        d_parts.append(_values(obs, "D" + band, cols))
        s_parts.append(_values(obs, "S" + band, cols))
    if not sv_parts:
        raise KompasError(
            f"no usable pseudoranges for systems {systems!r}: "
            + "; ".join(f"{k}: {v}" for k, v in dropped.items())
        )
    return Measurements(
        sv=np.concatenate(sv_parts),
        system=np.concatenate(sys_parts),
        codes=codes,
        pseudorange_m=np.concatenate(p_parts, axis=1),
        frequency_hz=np.concatenate(f1_parts),
        frequency2_hz=np.concatenate(f2_parts),
        doppler_hz=np.concatenate(d_parts, axis=1),
        cn0_dbhz=np.concatenate(s_parts, axis=1),
        mode=mode,
        dropped=dropped,
    )


def _freq(sys: str, code: str, sv: np.ndarray, k: np.ndarray | None) -> np.ndarray:
    """Carrier frequency per satellite of one code (GLONASS FDMA from k)."""
    return np.asarray(frequency_hz(sv, code, k if sys == "R" else None), dtype=float)
