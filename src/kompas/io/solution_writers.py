"""Writers for positioning solutions: RTKLIB ``.pos`` (xyz, llh), NMEA, CSV, GeoJSON.

All take the Dataset returned by :func:`kompas.solve`; epochs without a solution are
left out of ``.pos``/NMEA/GeoJSON (as RTKLIB does) and kept with NaN in CSV.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import xarray as xr

from kompas import __version__
from kompas.time import Time

__all__ = [
    "write_solution",
    "FORMATS",
    "write_pos",
    "write_nmea",
    "write_csv",
    "write_geojson",
    "header_facts",
    "solution_frame",
]

#: RTKLIB quality flag of a single-point solution.
_Q_SINGLE = 5
#: Name of the (time, 3, 3) ECEF position covariance in the solution, m² (when present).
COVARIANCE_VAR = "position_covariance_ecef_m2"


def _times(sol: xr.Dataset) -> Time:
    return Time.from_datetime64(sol["time"].values, sol.attrs.get("time_scale", "GPST"))


def _ok(sol: xr.Dataset) -> np.ndarray:
    return np.isfinite(sol["position_ecef_m"].values).all(axis=1)


def solution_frame(sol: xr.Dataset) -> str:
    """The reference frame of the solution's coordinates, in words."""
    frame = sol.attrs.get("frame")
    if frame:
        return str(frame)
    if str(sol.attrs.get("orbits", "")).startswith("precise"):
        return "the precise orbits' frame (ITRF realisation of the SP3 file)"
    return (
        "WGS84 (broadcast orbits: WGS 84, PZ-90.11, GTRF and CGCS2000 agree with ITRF "
        "within a few cm)"
    )


def _frame_tag(sol: xr.Dataset) -> str:
    """Short frame name for RTKLIB's ``(x/y/z-ecef=...`` header line."""
    frame = str(sol.attrs.get("frame") or "")
    if frame.replace(" ", "").upper().startswith("WGS84") or not frame:
        return "ITRF" if str(sol.attrs.get("orbits", "")).startswith("precise") else "WGS84"
    first = frame.split()[0].strip("(),")
    return "ITRF" if first.upper() == "IGS" else first


def _iono_text(sol: xr.Dataset) -> str:
    models = sol.attrs.get("iono_models")
    if isinstance(models, dict) and models:
        return ", ".join(f"{k} {v}" for k, v in models.items())
    return str(models) if models else ""


def header_facts(sol: xr.Dataset) -> dict[str, str]:
    """Frame, reference point and per-system ionosphere models of a solution (the ones it
    carries), as written in every output's header."""
    facts = {"frame": solution_frame(sol)}
    if sol.attrs.get("ref_point"):
        facts["ref_point"] = str(sol.attrs["ref_point"])
    if _iono_text(sol):
        facts["iono_models"] = _iono_text(sol)
    return facts


def _sqvar(c: np.ndarray) -> np.ndarray:
    """RTKLIB's signed square root of a covariance: sign(c)·sqrt(|c|)."""
    return np.sign(c) * np.sqrt(np.abs(c))


def _pos_sigmas(sol: xr.Dataset, kind: str) -> tuple[np.ndarray, str]:
    """(time, 6) sigma columns as RTKLIB writes them, and a header note on their source.

    ``xyz``: sdx sdy sdz sdxy sdyz sdzx of the ECEF covariance; ``llh``: sdn sde sdu
    sdne sdeu sdun of the local east/north/up covariance; sd = sqrt(variance), the
    covariance columns signed square roots (RTKLIB ``sqvar``). Without the covariance
    in the solution only the ENU sigmas are known: the others are written ``nan``.
    """
    n = sol.sizes["time"]
    out = np.full((n, 6), np.nan)
    if COVARIANCE_VAR in sol:
        c = sol[COVARIANCE_VAR].values.reshape(n, 3, 3)
        if kind == "llh":
            from kompas.frames.local import enu_rotation

            r = enu_rotation(np.radians(sol["lat_deg"].values), np.radians(sol["lon_deg"].values))
            c = np.einsum("tij,tjk,tlk->til", r, c, r)  # ENU: 0 e, 1 n, 2 u
            diag, off = (1, 0, 2), ((1, 0), (0, 2), (2, 1))  # n e u; ne eu un
        else:
            diag, off = (0, 1, 2), ((0, 1), (1, 2), (2, 0))  # x y z; xy yz zx
        for k, d in enumerate(diag):
            out[:, k] = np.sqrt(np.clip(c[:, d, d], 0.0, None))
        for k, (i, j) in enumerate(off):
            out[:, 3 + k] = _sqvar(c[:, i, j])
        return out, "formal, from the solution's covariance (a-priori weights)"
    if kind == "llh" and "sigma_enu_m" in sol:
        sig = sol["sigma_enu_m"].values
        out[:, 0], out[:, 1], out[:, 2] = sig[:, 1], sig[:, 0], sig[:, 2]
        return out, "sdn/sde/sdu formal; the covariances are not in the solution: nan"
    return out, "the position covariance is not in the solution: nan"


def write_pos(
    sol: xr.Dataset, path: str | os.PathLike, kind: str = "xyz", source: str = ""
) -> None:
    """RTKLIB-compatible solution file (``kind`` ``"xyz"`` or ``"llh"``).

    Columns as RTKLIB 2.4.3 writes them (``sdx..sdzx`` of the ECEF covariance for xyz,
    ``sdn..sdun`` of the east/north/up covariance for llh); the header names the frame,
    the point the coordinates refer to and the ionosphere model of each system.
    """
    if kind not in ("xyz", "llh"):
        raise ValueError(f"kind must be 'xyz' or 'llh', not {kind!r}")
    t = _times(sol)
    scale = t.scale.value
    y, mo, d, h, mi, s, ns = t.calendar()
    ok = _ok(sol)
    n_sat = sol["n_sat"].values
    sd, sd_note = _pos_sigmas(sol, kind)
    facts = header_facts(sol)
    lines = [
        f"% program   : kompas {__version__}",
        f"% inp file  : {source}",
        f"% pos mode  : single ({sol.attrs.get('mode', 'single')}, systems "
        f"{sol.attrs.get('systems', '')})",
        f"% elev mask : {sol.attrs.get('elmask_deg_nominal', 0):.1f} deg",
        f"% ionos opt : {sol.attrs.get('ionosphere', '')}",
    ]
    if "iono_models" in facts:
        lines.append(f"% iono model: {facts['iono_models']}")
    lines += [
        f"% tropo opt : {sol.attrs.get('troposphere', '')}",
        f"% ephemeris : {sol.attrs.get('orbits', '')}",
        f"% frame     : {facts['frame']}",
    ]
    if "ref_point" in facts:
        lines.append(f"% ref point : {facts['ref_point']}")
    lines += [f"% sigmas    : {sd_note}", "%"]
    tag = _frame_tag(sol)
    if kind == "xyz":
        lines.append(
            f"% (x/y/z-ecef={tag},Q=1:fix,2:float,3:sbas,4:dgps,5:single,6:ppp,ns=# of satellites)"
        )
        lines.append(
            f"%  {scale:<22}    x-ecef(m)      y-ecef(m)      z-ecef(m)   Q  ns   sdx(m)   sdy(m)"
            "   sdz(m)  sdxy(m)  sdyz(m)  sdzx(m) age(s)  ratio"
        )
        pos = sol["position_ecef_m"].values
    else:
        lines.append(
            f"% (lat/lon/height={tag}/ellipsoidal,Q=1:fix,2:float,3:sbas,4:dgps,5:single,6:ppp,"
            "ns=# of satellites)"
        )
        lines.append(
            f"%  {scale:<22}  latitude(deg) longitude(deg)  height(m)   Q  ns   sdn(m)   sde(m)"
            "   sdu(m)  sdne(m)  sdeu(m)  sdun(m) age(s)  ratio"
        )
        pos = np.stack(
            [sol["lat_deg"].values, sol["lon_deg"].values, sol["height_m"].values], axis=1
        )
    body = "%14.4f %14.4f %14.4f" if kind == "xyz" else "%14.9f %14.9f %10.4f"
    fmt = f"%04d/%02d/%02d %02d:%02d:%06.3f {body} {_Q_SINGLE:3d} %3d {' '.join(['%8.4f'] * 6)}"
    fmt += f" {0:6.2f} {0:6.1f}"
    i = np.flatnonzero(ok)
    seconds = s[i] + ns[i] / 1e9
    columns = [y[i], mo[i], d[i], h[i], mi[i], seconds, pos[i, 0], pos[i, 1], pos[i, 2]]
    columns += [n_sat[i].astype(np.int64)] + [sd[i, k] for k in range(6)]
    lines += [fmt % row for row in zip(*(c.tolist() for c in columns), strict=True)]
    Path(path).write_text("\n".join(lines) + "\n")


def _nmea_checksum(body: str) -> str:
    cs = 0
    for ch in body.encode("ascii"):
        cs ^= ch
    return f"{cs:02X}"


def _nmea_angle(value_deg: float, lat: bool) -> tuple[str, str]:
    hemi = ("N" if value_deg >= 0 else "S") if lat else ("E" if value_deg >= 0 else "W")
    v = abs(value_deg)
    deg = int(v)
    minutes = (v - deg) * 60.0
    width = 2 if lat else 3
    return f"{deg:0{width}d}{minutes:010.7f}", hemi


def write_nmea(sol: xr.Dataset, path: str | os.PathLike) -> None:
    """NMEA 0183 GGA + RMC sentences (talker GN) per solved epoch, UTC time stamps.

    GGA altitude is above the geoid (EGM2008, :func:`kompas.models.geoid.geoid_height_m`)
    and the geoid separation is the EGM2008 height of the geoid above WGS 84; RMC speed
    and course are empty when the solution has no velocity.
    """
    from kompas.frames.local import rotate_ecef2enu
    from kompas.models.geoid import geoid_height_m

    t = _times(sol).to("UTC")
    y, mo, d, h, mi, s, ns = t.calendar()
    ok = _ok(sol)
    lat, lon, hgt = sol["lat_deg"].values, sol["lon_deg"].values, sol["height_m"].values
    sep = geoid_height_m(lat, lon)
    n_sat, hdop = sol["n_sat"].values, sol["hdop"].values
    vel = sol["velocity_ecef_mps"].values
    out = []
    for i in np.flatnonzero(ok):
        hms = f"{h[i]:02d}{mi[i]:02d}{s[i] + ns[i] / 1e9:05.2f}"
        la, ns_h = _nmea_angle(lat[i], True)
        lo, ew = _nmea_angle(lon[i], False)
        hd = f"{hdop[i]:.1f}" if np.isfinite(hdop[i]) else ""
        n_used = min(int(n_sat[i]), 99)
        gga = (
            f"GNGGA,{hms},{la},{ns_h},{lo},{ew},1,{n_used:02d},{hd},"
            f"{hgt[i] - sep[i]:.3f},M,{sep[i]:.3f},M,,"
        )
        out.append(f"${gga}*{_nmea_checksum(gga)}")
        speed, course = "", ""
        if np.all(np.isfinite(vel[i])):
            ve, vn, _ = rotate_ecef2enu(vel[i], np.radians(lat[i]), np.radians(lon[i]))
            speed = f"{float(np.hypot(ve, vn) * 3600.0 / 1852.0):.3f}"
            course = f"{float(np.degrees(np.arctan2(ve, vn)) % 360.0):.1f}"
        rmc = (
            f"GNRMC,{hms},A,{la},{ns_h},{lo},{ew},{speed},{course},"
            f"{d[i]:02d}{mo[i]:02d}{y[i] % 100:02d},,,A"
        )
        out.append(f"${rmc}*{_nmea_checksum(rmc)}")
    Path(path).write_text("\r\n".join(out) + "\r\n")


#: decimals written per CSV column kind: 1e-10 deg is 0.01 mm; positions and clocks to
#: 0.1 mm, velocities to 0.1 mm/s, DOPs to 1e-3
_CSV_DECIMALS = {"deg": 10, "m": 4, "mps": 4, "dop": 3}


def write_csv(sol: xr.Dataset, path: str | os.PathLike) -> None:
    """One row per epoch: time, ECEF, geodetic, sigmas, velocity, DOPs, satellites,
    status, clocks, and the frame and reference point of the coordinates. Full precision:
    degrees to 1e-10, metres to 0.1 mm."""
    import pandas as pd

    df = pd.DataFrame({"time": sol["time"].values})
    df["time_scale"] = sol.attrs.get("time_scale", "GPST")
    m, deg = _CSV_DECIMALS["m"], _CSV_DECIMALS["deg"]
    for j, c in enumerate("xyz"):
        df[f"{c}_m"] = sol["position_ecef_m"].values[:, j].round(m)
    df["lat_deg"] = sol["lat_deg"].values.round(deg)
    df["lon_deg"] = sol["lon_deg"].values.round(deg)
    df["height_m"] = sol["height_m"].values.round(m)
    if "sigma_enu_m" in sol:
        for j, c in enumerate("enu"):
            df[f"sigma_{c}_m"] = sol["sigma_enu_m"].values[:, j].round(m)
    for j, c in enumerate("xyz"):
        df[f"v{c}_mps"] = sol["velocity_ecef_mps"].values[:, j].round(_CSV_DECIMALS["mps"])
    for k in ("gdop", "pdop", "hdop", "vdop"):
        df[k] = sol[k].values.round(_CSV_DECIMALS["dop"])
    for k in ("n_sat", "status"):
        df[k] = sol[k].values
    for j, s in enumerate(sol["system"].values):
        df[f"clock_{s}_m"] = sol["clock_m"].values[:, j].round(m)
        df[f"n_sat_{s}"] = sol["n_sat_system"].values[:, j]
        df[f"flagged_{s}"] = sol["system_flagged"].values[:, j]
    facts = header_facts(sol)
    df["frame"] = _frame_tag(sol)
    for key in ("ref_point", "iono_models"):
        if key in facts:
            df[key] = facts[key]
    df.to_csv(path, index=False)


def write_geojson(sol: xr.Dataset, path: str | os.PathLike) -> None:
    """A GeoJSON FeatureCollection of solved epochs (Point: lon, lat, ellipsoidal height);
    the foreign member ``kompas`` names the frame, reference point and ionosphere models."""
    ok = _ok(sol)
    iso = _times(sol).isoformat(3)
    feats = []
    for i in np.flatnonzero(ok):
        feats.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(float(sol["lon_deg"].values[i]), 9),
                        round(float(sol["lat_deg"].values[i]), 9),
                        round(float(sol["height_m"].values[i]), 4),
                    ],
                },
                "properties": {
                    "time": str(iso[i]),
                    "time_scale": sol.attrs.get("time_scale", "GPST"),
                    "n_sat": int(sol["n_sat"].values[i]),
                    "pdop": _finite(sol["pdop"].values[i]),
                    "status": int(sol["status"].values[i]),
                },
            }
        )
    meta = {**header_facts(sol), "height": "ellipsoidal (WGS 84 ellipsoid)"}
    doc = {"type": "FeatureCollection", "kompas": meta, "features": feats}
    Path(path).write_text(json.dumps(doc))


def _finite(v: float):
    return float(v) if np.isfinite(v) else None


FORMATS = {
    "pos-xyz": lambda sol, p, src="": write_pos(sol, p, "xyz", src),
    "pos-llh": lambda sol, p, src="": write_pos(sol, p, "llh", src),
    "nmea": lambda sol, p, src="": write_nmea(sol, p),
    "csv": lambda sol, p, src="": write_csv(sol, p),
    "geojson": lambda sol, p, src="": write_geojson(sol, p),
}


def write_solution(
    sol: xr.Dataset, path: str | os.PathLike, fmt: str = "pos-xyz", source: str = ""
) -> None:
    """Write a solution in one of :data:`FORMATS`."""
    try:
        writer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    writer(sol, path, source)
