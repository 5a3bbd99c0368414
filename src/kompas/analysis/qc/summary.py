"""The result of a QC run: tables, time series and the teqc/Anubis-style summary numbers.

Conventions of the summary numbers (each as teqc / Anubis report them):

* ``mp_rms_m`` of a code signal: sqrt(mean(MP²)) over all above-mask estimates after the
  arc means are removed (teqc "MP1 RMS"/"MP2 RMS", Anubis "mp" in metres);
  ``mp1_m``/``mp2_m`` in ``summary["teqc"]`` are those of the GPS L1 C/A (or P1) code and
  the L2 P(Y) (or L2C) code, the pair teqc reports.
* ``slips``: cycle slips detected on a phase signal (geometry-free or Melbourne–Wübbena, one
  per epoch), above the mask; loss-of-lock flags are ``lli``, counted apart.
* ``slips_per_1000``: 1000 · slips / phase observations (Anubis' slip rate);
  ``obs_per_slip``: observations / slips (teqc "o/slps"; None without slips).
* ``completeness``: present / expected above the mask, as a fraction (teqc prints %).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from kompas.analysis.qc.completeness import file_gaps, satellite_gaps
from kompas.analysis.qc.multipath import mp_coefficient, rms
from kompas.analysis.qc.snr import ELEVATION_BINS_DEG, elevation_bin_means, snr_stats

__all__ = ["QCResult", "build_result"]


@dataclass
class QCResult:
    """Everything a QC run found (see :func:`kompas.qc`).

    Attributes
    ----------
    signals : DataFrame, index ``"G:C1C"``
        Per code signal: the phases used, MP RMS, slips of its phase, completeness, SNR.
    phases : DataFrame, index ``"G:L1C"``
        Per phase signal: partner, observations, slips by detector, LLI, rates.
    satellites : DataFrame, index sv
        Observed/expected epochs, completeness, elevation, slips, gaps, MP RMS.
    mp_satellite : DataFrame (sv × signal)
        MP RMS per satellite and code signal [m].
    mp_elevation, snr_elevation : DataFrame (5° bin × signal)
        MP RMS [m] and mean SNR [dB-Hz] per elevation bin (empty without orbits).
    gaps, file_gaps : DataFrame
        Satellite gaps (``sv``, ``start``, ``end``, ``duration_s``) and breaks of the epoch
        sequence of the whole file.
    slips : DataFrame
        Every slip/LLI event: ``sv``, ``time``, ``signal``, ``detector``, ``elevation_deg``.
    clock_jumps : DataFrame
        ``time``, ``jump_ms``, ``phase_jump_ms``, ``kind``.
    epoch_flags : list of dict
        The file's epoch flags 1-6 (power failures, header changes, cycle-slip records).
    series : xarray.Dataset (time, sv)
        ``mp_<code>`` MP time series [m] (one variable per code, all systems),
        ``elevation_deg``, ``azimuth_deg`` (when orbits were given), ``tracked``.
    summary : dict
        Per system and overall numbers (module notes).
    attrs : dict
        File, station, interval, mask, orbit and position sources, ``notes``.
    """

    signals: pd.DataFrame
    phases: pd.DataFrame
    satellites: pd.DataFrame
    mp_satellite: pd.DataFrame
    mp_elevation: pd.DataFrame
    snr_elevation: pd.DataFrame
    gaps: pd.DataFrame
    file_gaps: pd.DataFrame
    slips: pd.DataFrame
    clock_jumps: pd.DataFrame
    epoch_flags: list
    series: xr.Dataset
    summary: dict
    attrs: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready dict (NaN stays NaN; :func:`kompas.cli.common.echo_json` nulls it)."""
        return _to_dict(self)


def _iso(ns_labels) -> list[str]:
    return [str(np.datetime_as_string(np.datetime64(int(v), "ns"), unit="s")) for v in ns_labels]


def _labels_ns(ds: xr.Dataset, gps_ns: np.ndarray, grid) -> np.ndarray:
    """File time labels (datetime64 ns in the file's scale) of GPST-continuous instants."""
    labels = ds["time"].values.astype("datetime64[ns]").astype(np.int64)
    offset = int(labels[0]) - int(grid.t_ns[0])
    return np.asarray(gps_ns, dtype=np.int64) + offset


def _phase_row(s, ph, pair, f, n_obs) -> dict:
    n_slip = int(f.slip.sum())
    return {
        "signal": f"{s.char}:{ph}",
        "system": s.char,
        "phase": ph,
        "partner": pair.partner,
        "n_obs": n_obs,
        "slips_gf": int(f.gf.sum()),
        "slips_mw": int(f.mw.sum()),
        "slips_cmc": int(f.cmc.sum()),
        "slips": n_slip,
        "lli": int(f.lli.sum()),
        "slips_per_1000": 1000.0 * n_slip / n_obs if n_obs else np.nan,
        "obs_per_slip": n_obs / n_slip if n_slip else np.nan,
    }


_DETECTORS = np.array(["", "GF", "MW", "GF+MW", "CMC", "LLI"], dtype=object)


def _slip_table(per_system, ds, grid, el) -> tuple[pd.DataFrame, pd.DataFrame]:
    prow = []
    cols = {"row": [], "sv": [], "signal": [], "detector": [], "elevation_deg": []}
    for s, _, _, flags, present in per_system:
        for ph, (pair, f) in flags.items():
            prow.append(_phase_row(s, ph, pair, f, int(present[ph].sum())))
            code = f.gf.astype(np.int8) + 2 * f.mw.astype(np.int8)
            code = np.where(f.cmc, 4, code)
            code = np.where((code == 0) & f.lli, 5, code)
            r, c = np.nonzero(code)
            cols["row"].append(r)
            cols["sv"].append(s.sv[c])
            cols["signal"].append(np.full(r.size, f"{s.char}:{ph}", dtype=object))
            cols["detector"].append(_DETECTORS[code[r, c]])
            cols["elevation_deg"].append(
                el[r, s.cols[c]] if el is not None else np.full(r.size, np.nan)
            )
    phases = pd.DataFrame(prow).set_index("signal") if prow else pd.DataFrame()
    data = {k: (np.concatenate(v) if v else np.array([])) for k, v in cols.items()}
    rows = data.pop("row").astype(np.int64)
    events = pd.DataFrame({"time": ds["time"].values[rows], **data})
    events = events.sort_values(["time", "sv", "signal"], kind="stable").reset_index(drop=True)
    return phases, events


def _signal_table(per_system, ds, el, opt, expected_sv, phases) -> tuple[pd.DataFrame, dict, dict]:
    rows, mp_sat, mp_el, snr_el = [], {}, {}, {}
    for s, mp_pairs, mps, flags, present in per_system:
        pairs = {p.code: p for p in mp_pairs}
        el_s = el[:, s.cols] if el is not None else None
        sent_by = {c: present[c].any(axis=0) for c in s.codes}
        for code in [c for c in s.codes if c[0] == "C"]:
            key = f"{s.char}:{code}"
            p = pairs.get(code)
            mp = mps[code][0] if code in mps else None
            n_obs = int(present[code].sum())
            row = {
                "signal": key,
                "system": s.char,
                "code": code,
                "phase": p.phase if p else None,
                "partner": p.partner if p else None,
                "n_obs": n_obs,
                "n_mp": int(np.isfinite(mp).sum()) if mp is not None else 0,
                "mp_rms_m": float(rms(mp)) if mp is not None else np.nan,
            }
            if p is not None and s.char != "R":
                row["mp_coefficient"] = float(
                    mp_coefficient(s.cache[("f", p.phase)][0], s.cache[("f", p.partner)][0])
                )
            ph = p.phase if p else ("L" + code[1:] if "L" + code[1:] in flags else None)
            if ph is not None and f"{s.char}:{ph}" in phases.index:
                pr = phases.loc[f"{s.char}:{ph}"]
                row.update(
                    slips=int(pr["slips"]),
                    lli=int(pr["lli"]),
                    slips_per_1000=pr["slips_per_1000"],
                    obs_per_slip=pr["obs_per_slip"],
                )
            if expected_sv is not None:
                exp = int(expected_sv[:, s.cols][:, sent_by[code]].sum())
                row["expected"] = exp
                row["completeness"] = n_obs / exp if exp else np.nan
            scode = "S" + code[1:]
            if scode in present:
                st = snr_stats(ds[scode].values[:, s.cols], s.use, opt.low_snr_dbhz)
                row.update(
                    snr_code=scode, snr_mean_dbhz=st["mean"], snr_low_fraction=st["low_fraction"]
                )
                snr_el[f"{s.char}:{scode}"] = elevation_bin_means(
                    np.where(s.use, ds[scode].values[:, s.cols], np.nan), el_s
                )[0]
            rows.append(row)
            if mp is not None:
                mp_sat[key] = pd.Series(rms(mp, axis=0), index=s.sv)
                mp_el[key] = elevation_bin_means(mp, el_s, square=True)[0]
    return pd.DataFrame(rows).set_index("signal"), mp_sat, {"mp": mp_el, "snr": snr_el}


def build_result(ds, grid, geom, el, opt, per_system, jumps, orbit_source, data) -> QCResult:
    """Assemble the tables of a QC run (called by :func:`kompas.qc`)."""
    sv = np.asarray(ds["sv"].values).astype(str)
    n_t = ds.sizes["time"]
    expected_grid = None
    if geom is not None:
        with np.errstate(invalid="ignore"):
            expected_grid = geom.elevation_deg >= opt.elmask_deg
    expected_sv = expected_grid[grid.row_to_grid] if expected_grid is not None else None
    phases, events = _slip_table(per_system, ds, grid, el)
    signals, mp_sat, by_el = _signal_table(per_system, ds, el, opt, expected_sv, phases)
    tracked = np.zeros((n_t, sv.size), dtype=bool)
    for s, _, _, _, present in per_system:
        for c in s.codes:
            tracked[:, s.cols] |= present[c]
    observed_grid = np.zeros((grid.grid_ns.size, sv.size), dtype=bool)
    observed_grid[grid.row_to_grid] = tracked
    gaps = satellite_gaps(observed_grid, expected_grid, grid.grid_ns, grid.interval_s)
    lab = lambda ns: _labels_ns(ds, ns, grid).astype("datetime64[ns]")  # noqa: E731
    gaps = pd.DataFrame(
        {
            "sv": sv[gaps["col"].to_numpy(dtype=np.int64)],
            "start": lab(gaps["start_ns"].to_numpy()),
            "end": lab(gaps["end_ns"].to_numpy()),
            "duration_s": gaps["duration_s"].to_numpy(dtype=float),
        }
    )
    fg = file_gaps(grid.t_ns, grid.interval_s)
    fg = pd.DataFrame(
        {"start": lab(fg["start_ns"].to_numpy()), "end": lab(fg["end_ns"].to_numpy()),
         "duration_s": fg["duration_s"].to_numpy(dtype=float)}
    )  # fmt: skip
    cj = pd.DataFrame(
        {
            "time": ds["time"].values[jumps["row"].to_numpy(dtype=np.int64)],
            "jump_ms": jumps["jump_ms"].to_numpy(),
            "phase_jump_ms": jumps["phase_jump_ms"].to_numpy(),
            "kind": jumps["kind"].to_numpy(),
        }
    )
    satellites = _satellite_table(sv, tracked, expected_sv, el, events, gaps, mp_sat)
    series = _series(ds, per_system, el, geom, grid, tracked)
    bins = ELEVATION_BINS_DEG[:-1]
    mp_el = pd.DataFrame(by_el["mp"], index=bins) if el is not None else pd.DataFrame()
    snr_el = pd.DataFrame(by_el["snr"], index=bins) if el is not None else pd.DataFrame()
    for t in (mp_el, snr_el):
        t.index.name = "elevation_from_deg"
    attrs = _attrs(ds, grid, geom, opt, orbit_source)
    summary = _summary(signals, phases, satellites, ds, grid, cj, gaps, fg, attrs)
    return QCResult(
        signals=signals, phases=phases, satellites=satellites,
        mp_satellite=pd.DataFrame(mp_sat).reindex(sv).dropna(how="all"),
        mp_elevation=mp_el, snr_elevation=snr_el, gaps=gaps, file_gaps=fg, slips=events,
        clock_jumps=cj, epoch_flags=list(ds.attrs.get("epoch_flags", [])), series=series,
        summary=summary, attrs=attrs,
    )  # fmt: skip


def _satellite_table(sv, tracked, expected_sv, el, events, gaps, mp_sat) -> pd.DataFrame:
    n_obs = tracked.sum(axis=0)
    keep = n_obs > 0
    if expected_sv is not None:
        exp = expected_sv.sum(axis=0)
        keep |= exp > 0
    df = pd.DataFrame({"system": [s[0] for s in sv], "epochs_observed": n_obs}, index=sv)
    if expected_sv is not None:
        df["epochs_expected"] = exp
        with np.errstate(invalid="ignore", divide="ignore"):
            df["completeness"] = np.where(
                exp > 0, (tracked & expected_sv).sum(axis=0) / exp, np.nan
            )
    if el is not None:
        e = np.where(tracked & np.isfinite(el), el, np.nan)
        ok = np.isfinite(e)
        n = ok.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            df["mean_elevation_deg"] = np.where(n > 0, np.where(ok, e, 0.0).sum(axis=0) / n, np.nan)
        mx = np.where(ok, e, -np.inf).max(axis=0)
        df["max_elevation_deg"] = np.where(np.isfinite(mx), mx, np.nan)
    slip = events[events["detector"] != "LLI"]
    df["slips"] = slip.groupby("sv").size().reindex(sv, fill_value=0).to_numpy()
    df["lli"] = (
        events[events["detector"] == "LLI"]
        .groupby("sv")
        .size()
        .reindex(sv, fill_value=0)
        .to_numpy()
    )
    df["gaps"] = gaps.groupby("sv").size().reindex(sv, fill_value=0).to_numpy()
    df["gap_s"] = gaps.groupby("sv")["duration_s"].sum().reindex(sv, fill_value=0.0).to_numpy()
    mp = pd.DataFrame(mp_sat).reindex(sv)
    df["mp_rms_m"] = rms(mp.to_numpy(dtype=float), axis=1) if mp.size else np.nan
    df.index.name = "sv"
    return df[keep]


def _series(ds, per_system, el, geom, grid, tracked) -> xr.Dataset:
    n_t, n_sv = tracked.shape
    out = {}
    for s, _, mps, _, _ in per_system:
        for code, (mp, _) in mps.items():
            name = f"mp_{code}"
            if name not in out:
                out[name] = np.full((n_t, n_sv), np.nan)
            out[name][:, s.cols] = mp
    coords = {"time": ds["time"].values, "sv": ds["sv"].values}
    v = {k: (("time", "sv"), a, {"units": "m"}) for k, a in out.items()}
    v["tracked"] = (("time", "sv"), tracked)
    if geom is not None:
        v["elevation_deg"] = (("time", "sv"), el)
        v["azimuth_deg"] = (("time", "sv"), geom.azimuth_deg[grid.row_to_grid])
    res = xr.Dataset(v, coords=coords)
    res["time"].attrs["time_scale"] = ds.attrs.get("time_scale", "GPST")
    return res


def _attrs(ds, grid, geom, opt, orbit_source) -> dict:
    a = ds.attrs
    notes = []
    if geom is None:
        notes.append(
            "no orbits (navigation or SP3): no elevations, so no elevation mask, no elevation "
            "bins and no expected observations (completeness); multipath, slips, SNR, gaps "
            "and clock jumps use all observations"
        )
    elif not np.isfinite(geom.elevation_deg).all():
        n_sv = int((~np.isfinite(geom.elevation_deg)).all(axis=0).sum())
        if n_sv:
            notes.append(
                f"{n_sv} satellite(s) without a usable orbit: not masked, not expected "
                "(their observations are still checked)"
            )
    return {
        "file": a.get("source"),
        "station": a.get("marker_name"),
        "receiver": " ".join(x for x in (a.get("receiver_type"), a.get("receiver_version")) if x),
        "antenna": a.get("antenna_type"),
        "rinex_version": a.get("version"),
        "time_scale": a.get("time_scale"),
        "interval_s": grid.interval_s,
        "epochs": int(grid.t_ns.size),
        "grid_epochs": int(grid.grid_ns.size),
        "elmask_deg": opt.elmask_deg if geom is not None else None,
        "min_arc_epochs": opt.min_arc_epochs,
        "orbits": orbit_source,
        "position_m": None if geom is None else [float(x) for x in geom.position_m],
        "position_source": None if geom is None else geom.position_source,
        "notes": notes,
    }


def _teqc(signals: pd.DataFrame, phases: pd.DataFrame) -> dict:
    def first(cands):
        for c in cands:
            if c in signals.index and np.isfinite(signals.loc[c, "mp_rms_m"]):
                return c, float(signals.loc[c, "mp_rms_m"])
        return None, np.nan

    c1, mp1 = first(["G:C1C", "G:C1W", "G:C1P", "G:C1X"])
    c2, mp2 = first(["G:C2W", "G:C2P", "G:C2L", "G:C2X", "G:C2S"])
    g = phases[phases["system"] == "G"] if len(phases) else phases
    g = g[g["phase"].str[1] == "1"] if len(g) else g
    n_obs = int(g["n_obs"].sum()) if len(g) else 0
    n_sl = int(g["slips"].sum()) if len(g) else 0
    return {"mp1_m": mp1, "mp1_code": c1, "mp2_m": mp2, "mp2_code": c2,
            "obs_per_slip": n_obs / n_sl if n_sl else None}  # fmt: skip


def _summary(signals, phases, satellites, ds, grid, cj, gaps, fg, attrs) -> dict:
    systems = {}
    for char in dict.fromkeys(satellites["system"]):
        sat = satellites[satellites["system"] == char]
        sig = signals[signals["system"] == char] if len(signals) else signals
        ph = phases[phases["system"] == char] if len(phases) else phases
        n_obs = int(ph["n_obs"].sum()) if len(ph) else 0
        n_sl = int(ph["slips"].sum()) if len(ph) else 0
        entry = {
            "satellites": int((sat["epochs_observed"] > 0).sum()),
            "slips": n_sl,
            "lli": int(ph["lli"].sum()) if len(ph) else 0,
            "slips_per_1000": 1000.0 * n_sl / n_obs if n_obs else np.nan,
            "obs_per_slip": n_obs / n_sl if n_sl else None,
            "gaps": int((gaps["sv"].str[0] == char).sum()) if len(gaps) else 0,
            "mp_rms_m": {k.split(":")[1]: float(v) for k, v in sig["mp_rms_m"].items()}
            if len(sig)
            else {},
        }
        if "epochs_expected" in sat:
            exp = int(sat["epochs_expected"].sum())
            got = float((sat["completeness"].fillna(0) * sat["epochs_expected"]).sum())
            entry["expected"] = exp
            entry["completeness"] = got / exp if exp else np.nan
            entry["satellites_expected"] = int((sat["epochs_expected"] > 0).sum())
        systems[char] = entry
    times = ds["time"].values
    return {
        "start": str(np.datetime_as_string(times[0], unit="s")),
        "end": str(np.datetime_as_string(times[-1], unit="s")),
        "epochs": attrs["epochs"],
        "interval_s": attrs["interval_s"],
        "missing_epochs": int(attrs["grid_epochs"] - attrs["epochs"]),
        "clock_jumps": int(len(cj)),
        "file_gaps": int(len(fg)),
        "epoch_flags": len(ds.attrs.get("epoch_flags", [])),
        "systems": systems,
        "teqc": _teqc(signals, phases),
    }


def _records(df: pd.DataFrame) -> list[dict]:
    out = []
    for rec in df.to_dict(orient="records"):
        for k, v in rec.items():
            if isinstance(v, (np.datetime64, pd.Timestamp)):
                rec[k] = str(np.datetime_as_string(np.datetime64(v, "ns"), unit="s"))
        out.append(rec)
    return out


def _plain(v):
    if isinstance(v, (float, np.floating)):
        return float(v) if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    return v


def _to_dict(r: QCResult) -> dict[str, Any]:
    sig = {}
    for key, row in r.signals.iterrows():
        d = {
            k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in row.items()
        }
        d = {k: v for k, v in d.items() if k not in ("system", "code")}
        sig[key] = d
    sats = {}
    for sv, row in r.satellites.iterrows():
        d = {k: v for k, v in row.items() if k != "system"}
        if sv in r.mp_satellite.index:
            d["mp_rms_m_by_signal"] = {
                k.split(":")[1]: v for k, v in r.mp_satellite.loc[sv].items() if np.isfinite(v)
            }
        sats[sv] = d
    by_el = {}
    if len(r.mp_elevation):
        by_el = {
            "bins_from_deg": r.mp_elevation.index.tolist(),
            "mp_rms_m": {k: r.mp_elevation[k].tolist() for k in r.mp_elevation},
            "snr_mean_dbhz": {k: r.snr_elevation[k].tolist() for k in r.snr_elevation},
        }
    return {
        **r.attrs,
        "summary": r.summary,
        "signals": sig,
        "phases": {k: dict(v) for k, v in r.phases.drop(columns=["system"]).iterrows()}
        if len(r.phases)
        else {},
        "satellites": sats,
        "elevation_bins": by_el,
        "gaps": _records(r.gaps),
        "file_gaps": _records(r.file_gaps),
        "clock_jumps": _records(r.clock_jumps),
        "epoch_flags": r.epoch_flags,
        "slips": _records(r.slips),
    }
