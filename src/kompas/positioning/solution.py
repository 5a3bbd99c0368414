"""The solution ``xarray.Dataset`` and its accuracy against a known position."""

from __future__ import annotations

import numpy as np
import xarray as xr

from kompas.frames import WGS84
from kompas.frames.geodetic import ecef2geodetic
from kompas.frames.local import enu_rotation, rotate_ecef2enu
from kompas.positioning.lsq import dops_from_geometry
from kompas.positioning.status import ExclusionReason, SolutionStatus

__all__ = ["build_dataset", "errors_against", "accuracy_summary"]


def build_dataset(obs, prob, sol, exclusion, flagged, velocity, drift, run_warnings, src):
    """Assemble the solution Dataset (see :func:`kompas.solve`)."""
    n_sys = prob.n_sys
    xyz = sol.state[:, :3]
    lat, lon, h = ecef2geodetic(xyz, WGS84)
    clocks = sol.state[:, 3:]
    seen = np.zeros(clocks.shape, bool)
    n_sat_sys = np.zeros(clocks.shape, np.int16)
    for k in range(n_sys):
        n_sat_sys[:, k] = (sol.used & (prob.sys_index == k)).sum(axis=1)
        seen[:, k] = n_sat_sys[:, k] > 0
    clocks = np.where(seen, clocks, np.nan)
    ref = clocks[:, :1]
    isb = clocks - ref
    dops = dops_from_geometry(np.nan_to_num(sol.los_enu), prob.sys_index, n_sys, sol.used)
    ok = sol.status <= SolutionStatus.CHI2_FAILED
    for v in dops.values():
        v[~ok] = np.nan
    # formal position sigma in ENU from the cofactor matrix (unit variance factor)
    cov_xyz = sol.cov[:, :3, :3]
    r = enu_rotation(lat, lon)
    cov_enu = np.einsum("tij,tjk,tlk->til", r, cov_xyz, r)
    sig_enu = np.sqrt(np.clip(np.diagonal(cov_enu, axis1=1, axis2=2), 0, None))
    time = obs["time"].values
    ds = xr.Dataset(
        {
            "position_ecef_m": (("time", "xyz"), xyz),
            "lat_deg": ("time", np.degrees(lat)),
            "lon_deg": ("time", np.degrees(lon)),
            "height_m": ("time", h),
            "sigma_enu_m": (("time", "enu"), sig_enu),
            "velocity_ecef_mps": (("time", "xyz"), velocity),
            "clock_drift_mps": ("time", drift),
            "clock_m": (("time", "system"), clocks),
            "isb_m": (("time", "system"), isb),
            "broadcast_offset_s": (("time", "system"), prob.broadcast_offsets_s),
            "gdop": ("time", dops["gdop"]),
            "pdop": ("time", dops["pdop"]),
            "hdop": ("time", dops["hdop"]),
            "vdop": ("time", dops["vdop"]),
            "n_sat": ("time", sol.used.sum(axis=1).astype(np.int16)),
            "n_sat_system": (("time", "system"), n_sat_sys),
            "system_flagged": (("time", "system"), flagged),
            "status": ("time", sol.status.astype(np.int8)),
            "elmask_deg": ("time", np.degrees(prob.elmask_rad)),
            "mask_lowered": ("time", prob.elmask_rad < np.radians(prob.opts.elmask_deg)),
            "residual_m": (("time", "sv"), prob.dense(sol.residual)),
            "elevation_deg": (("time", "sv"), prob.dense(np.degrees(sol.elevation))),
            "azimuth_deg": (("time", "sv"), prob.dense(np.degrees(sol.azimuth))),
            "iono_m": (("time", "sv"), prob.dense(sol.iono)),
            "tropo_m": (("time", "sv"), prob.dense(sol.tropo)),
            "exclusion": (("time", "sv"), prob.dense(exclusion, fill=ExclusionReason.NOT_OBSERVED)),
            "signal": (("time", "sv"), prob.meas.signal),
        },
        coords={
            "time": time,
            "xyz": ["x", "y", "z"],
            "enu": ["e", "n", "u"],
            "system": prob.systems,
            "sv": prob.meas.sv,
        },
        attrs={
            "time_scale": obs.attrs.get("time_scale", "GPST"),
            "systems": "".join(prob.systems),
            "reference_system": prob.systems[0],
            "mode": prob.opts.mode,
            "codes": {k: list(v) for k, v in prob.meas.codes.items()},
            "signals": prob.meas.signal_counts(),
            "isc": prob.meas.isc_counts(),
            "elmask_deg_nominal": prob.opts.elmask_deg,
            "epochs_mask_lowered": int((prob.elmask_rad < np.radians(prob.opts.elmask_deg)).sum()),
            "ionosphere": "none (iono-free)" if prob.opts.mode == "iflc" else prob.opts.iono,
            "iono_models": (
                {s: "none (iono-free)" for s in prob.systems}
                if prob.opts.mode == "iflc"
                else {s: prob.iono.models.get(s, "none") for s in prob.systems}
            ),
            "ref_point": prob.ref_point,
            "antenna": prob.antenna,
            "frame": getattr(src, "frame", ""),
            "rule": prob.opts.rule,
            "troposphere": prob.opts.tropo,
            "orbits": src.description,
            "status_names": {int(k): v for k, v in SolutionStatus.NAMES.items()},
            "exclusion_names": {int(k): v for k, v in ExclusionReason.NAMES.items()},
            "warnings": list(run_warnings),
            "epochs": int(len(time)),
            "epochs_solved": int(ok.sum()),
            "unsolved_counts": _status_counts(sol.status),
            "marker_name": obs.attrs.get("marker_name", ""),
            "time_offsets": _time_offset_modes(prob),
            "isb_vs_broadcast_ns": _isb_vs_broadcast(isb, prob.broadcast_offsets_s, prob.systems),
            "glonass_ifb_m": {int(k): round(v, 4) for k, v in sorted(prob.glonass_ifb.items())},
        },
    )
    ds["clock_m"].attrs["description"] = "receiver clock per system, metres (c·dt)"
    ds["isb_m"].attrs["description"] = "clock minus the reference system's clock, metres"
    ds["broadcast_offset_s"].attrs["description"] = (
        "broadcast system-time offset T_sys - T_ref (GGTO, BDGP, GLGP, ...), seconds; "
        "NaN where the navigation data carry none"
    )
    ds["residual_m"].attrs["description"] = "post-fit code residuals of used satellites"
    ds["signal"].attrs["description"] = "index into attrs signal_names of the code used, -1: none"
    ds["signal"].attrs["signal_names"] = list(prob.meas.signal_names)
    ds["exclusion"].attrs["description"] = "why a satellite was not used (exclusion_names)"
    return ds


def _time_offset_modes(prob) -> dict[str, str]:
    """Per system: how its clock relates to the reference system's."""
    out = {}
    sigma = prob.opts.time_offset_sigma_m
    for k, sys in enumerate(prob.systems):
        has = bool(np.isfinite(prob.broadcast_offsets_s[:, k]).any())
        if k == 0:
            out[sys] = "reference clock"
        elif prob.opts.time_offsets == "estimate":
            out[sys] = "estimated (free)"
        elif has and prob.isb_prior_m is not None:
            out[sys] = f"broadcast offset prior, sigma {sigma:g} m, + run hardware bias"
        else:
            out[sys] = "estimated (free): no broadcast offset to the reference system"
    return out


def _isb_vs_broadcast(isb_m, offsets_s, systems) -> dict[str, dict[str, float]]:
    """Median and robust spread [ns] of ISB/c + (T_sys - T_ref): the receiver hardware
    inter-system bias the broadcast offset does not explain."""
    c = 299_792_458.0
    out = {}
    with np.errstate(invalid="ignore"):
        v = (isb_m / c + offsets_s) * 1e9
    for k, sys in enumerate(systems[1:], start=1):
        col = v[:, k][np.isfinite(v[:, k])]
        if col.size:
            med = float(np.median(col))
            out[sys] = {
                "median_ns": round(med, 3),
                "spread_ns": round(float(1.4826 * np.median(np.abs(col - med))), 3),
                "epochs": int(col.size),
            }
    return out


def _status_counts(status: np.ndarray) -> dict[str, int]:
    codes, counts = np.unique(status, return_counts=True)
    return {
        SolutionStatus.NAMES[int(c)]: int(n)
        for c, n in zip(codes, counts, strict=True)
        if int(c) > SolutionStatus.CHI2_FAILED
    }


def errors_against(sol: xr.Dataset, truth_xyz_m) -> xr.Dataset:
    """East/north/up errors of each epoch's position against a known ECEF position.

    ``truth_xyz_m`` is (3,) for a static receiver or (time, 3) for a moving one.
    """
    truth = np.asarray(truth_xyz_m, dtype=float)
    d = sol["position_ecef_m"].values - truth
    lat, lon, _ = ecef2geodetic(truth, WGS84)
    enu = rotate_ecef2enu(d, lat, lon)
    return xr.Dataset(
        {
            "error_enu_m": (("time", "enu"), enu),
            "error_horizontal_m": ("time", np.hypot(enu[:, 0], enu[:, 1])),
            "error_vertical_m": ("time", enu[:, 2]),
        },
        coords={"time": sol["time"].values, "enu": ["e", "n", "u"]},
    )


def accuracy_summary(sol: xr.Dataset, truth_xyz_m) -> dict:
    """RMS and 95 % horizontal/vertical errors (solved epochs only)."""
    err = errors_against(sol, truth_xyz_m)
    hz = err["error_horizontal_m"].values
    vt = err["error_vertical_m"].values
    ok = np.isfinite(hz) & np.isfinite(vt)
    if not ok.any():
        return {"epochs": int(sol.sizes["time"]), "solved": 0}
    hz, vt = hz[ok], np.abs(vt[ok])
    return {
        "epochs": int(sol.sizes["time"]),
        "solved": int(ok.sum()),
        "rms_horizontal_m": float(np.sqrt(np.mean(hz**2))),
        "rms_vertical_m": float(np.sqrt(np.mean(vt**2))),
        "p95_horizontal_m": float(np.percentile(hz, 95)),
        "p95_vertical_m": float(np.percentile(vt, 95)),
        "rms_3d_m": float(np.sqrt(np.mean(hz**2 + vt**2))),
    }
