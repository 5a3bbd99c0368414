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

__all__ = ["write_solution", "FORMATS", "write_pos", "write_nmea", "write_csv", "write_geojson"]

#: RTKLIB quality flag of a single-point solution.
_Q_SINGLE = 5


def _times(sol: xr.Dataset) -> Time:
    return Time.from_datetime64(sol["time"].values, sol.attrs.get("time_scale", "GPST"))


def _ok(sol: xr.Dataset) -> np.ndarray:
    return np.isfinite(sol["position_ecef_m"].values).all(axis=1)


def write_pos(
    sol: xr.Dataset, path: str | os.PathLike, kind: str = "xyz", source: str = ""
) -> None:
    """RTKLIB-compatible solution file (``kind`` ``"xyz"`` or ``"llh"``)."""
    t = _times(sol)
    scale = t.scale.value
    y, mo, d, h, mi, s, ns = t.calendar()
    ok = _ok(sol)
    n_sat = sol["n_sat"].values
    sig = sol["sigma_enu_m"].values
    lines = [
        f"% program   : kompas {__version__}",
        f"% inp file  : {source}",
        f"% pos mode  : single ({sol.attrs.get('mode', 'single')}, systems "
        f"{sol.attrs.get('systems', '')})",
        f"% elev mask : {sol.attrs.get('elmask_deg_nominal', 0):.1f} deg",
        f"% ionos opt : {sol.attrs.get('ionosphere', '')}",
        f"% tropo opt : {sol.attrs.get('troposphere', '')}",
        f"% ephemeris : {sol.attrs.get('orbits', '')}",
        "%",
        "% (Q=1:fix,2:float,3:sbas,4:dgps,5:single,6:ppp,ns=# of satellites)",
    ]
    if kind == "xyz":
        lines.append(
            f"%  {scale:<22}    x-ecef(m)      y-ecef(m)      z-ecef(m)   Q  ns   sdx(m)   sdy(m)"
            "   sdz(m)  sdxy(m)  sdyz(m)  sdzx(m) age(s)  ratio"
        )
        pos = sol["position_ecef_m"].values
    elif kind == "llh":
        lines.append(
            f"%  {scale:<22}  latitude(deg) longitude(deg)  height(m)   Q  ns   sdn(m)   sde(m)"
            "   sdu(m)  sdne(m)  sdeu(m)  sdun(m) age(s)  ratio"
        )
        pos = np.stack(
            [sol["lat_deg"].values, sol["lon_deg"].values, sol["height_m"].values], axis=1
        )
    else:
        raise ValueError(f"kind must be 'xyz' or 'llh', not {kind!r}")
    for i in np.flatnonzero(ok):
        stamp = (
            f"{y[i]:04d}/{mo[i]:02d}/{d[i]:02d} {h[i]:02d}:{mi[i]:02d}:{s[i] + ns[i] / 1e9:06.3f}"
        )
        e, n, u = sig[i]
        if kind == "xyz":
            body = f"{pos[i, 0]:14.4f} {pos[i, 1]:14.4f} {pos[i, 2]:14.4f}"
            sd = (e, n, u)
        else:
            body = f"{pos[i, 0]:14.9f} {pos[i, 1]:14.9f} {pos[i, 2]:10.4f}"
            sd = (n, e, u)
        lines.append(
            f"{stamp} {body} {_Q_SINGLE:3d} {int(n_sat[i]):3d} "
            f"{sd[0]:8.4f} {sd[1]:8.4f} {sd[2]:8.4f} {0:8.4f} {0:8.4f} {0:8.4f} {0:6.2f} {0:6.1f}"
        )
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

    GGA altitude is the ellipsoidal height with a geoid separation of 0 (kompas carries
    no geoid model; the field says so by being 0.0).
    """
    t = _times(sol).to("UTC")
    y, mo, d, h, mi, s, ns = t.calendar()
    ok = _ok(sol)
    lat, lon, hgt = sol["lat_deg"].values, sol["lon_deg"].values, sol["height_m"].values
    n_sat, hdop = sol["n_sat"].values, sol["hdop"].values
    vel = sol["velocity_ecef_mps"].values
    out = []
    for i in np.flatnonzero(ok):
        hms = f"{h[i]:02d}{mi[i]:02d}{s[i] + ns[i] / 1e9:05.2f}"
        la, ns_h = _nmea_angle(lat[i], True)
        lo, ew = _nmea_angle(lon[i], False)
        hd = hdop[i] if np.isfinite(hdop[i]) else 99.9
        n_used = min(int(n_sat[i]), 99)
        gga = f"GNGGA,{hms},{la},{ns_h},{lo},{ew},1,{n_used:02d},{hd:.1f},{hgt[i]:.3f},M,0.0,M,,"
        out.append(f"${gga}*{_nmea_checksum(gga)}")
        speed_kn, course = 0.0, 0.0
        if np.all(np.isfinite(vel[i])):
            from kompas.frames.local import rotate_ecef2enu

            ve, vn, _ = rotate_ecef2enu(vel[i], np.radians(lat[i]), np.radians(lon[i]))
            speed_kn = float(np.hypot(ve, vn) * 3600.0 / 1852.0)
            course = float(np.degrees(np.arctan2(ve, vn)) % 360.0)
        rmc = (
            f"GNRMC,{hms},A,{la},{ns_h},{lo},{ew},{speed_kn:.3f},{course:.1f},"
            f"{d[i]:02d}{mo[i]:02d}{y[i] % 100:02d},,,A"
        )
        out.append(f"${rmc}*{_nmea_checksum(rmc)}")
    Path(path).write_text("\r\n".join(out) + "\r\n")


def write_csv(sol: xr.Dataset, path: str | os.PathLike) -> None:
    """One row per epoch: time, ECEF, geodetic, velocity, DOPs, satellites, status, clocks."""
    import pandas as pd

    df = pd.DataFrame({"time": sol["time"].values})
    df["time_scale"] = sol.attrs.get("time_scale", "GPST")
    for j, c in enumerate("xyz"):
        df[f"{c}_m"] = sol["position_ecef_m"].values[:, j]
    df["lat_deg"], df["lon_deg"], df["height_m"] = (
        sol["lat_deg"].values,
        sol["lon_deg"].values,
        sol["height_m"].values,
    )
    for j, c in enumerate("xyz"):
        df[f"v{c}_mps"] = sol["velocity_ecef_mps"].values[:, j]
    for k in ("gdop", "pdop", "hdop", "vdop", "n_sat", "status"):
        df[k] = sol[k].values
    for j, s in enumerate(sol["system"].values):
        df[f"clock_{s}_m"] = sol["clock_m"].values[:, j]
        df[f"n_sat_{s}"] = sol["n_sat_system"].values[:, j]
        df[f"flagged_{s}"] = sol["system_flagged"].values[:, j]
    df.to_csv(path, index=False, float_format="%.4f")


def write_geojson(sol: xr.Dataset, path: str | os.PathLike) -> None:
    """A GeoJSON FeatureCollection of solved epochs (Point: lon, lat, ellipsoidal height)."""
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
    Path(path).write_text(json.dumps({"type": "FeatureCollection", "features": feats}))


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
