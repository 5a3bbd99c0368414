"""A simulated network of static stations, written as RINEX with long names and a manifest.

Built from the demo's generator (:mod:`kompas.sim`): one set of nominal broadcast
ephemerides per day (``BRDC00SIM_S_YYYYDDD0000_01D_MN.rnx``), and for every station and day
the simulated observations of a static receiver (``KSnn00SIM_S_YYYYDDD0000_01D_30S_MO.rnx``).
The simulated atmosphere is the broadcast model and the solver applies the same model, so a
station's errors are the code noise (0.3 m / sin E). For tests and benchmarks of
``kompas batch``; the files say in their comments that they are simulated.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["SimulatedNetwork", "simulate_network", "station_positions"]

#: GPS epoch 1980-01-06 as a date (for day arithmetic of the long names)
_COMMENT = "SIMULATED DATA (kompas.batch.simulate): not a real receiver"


@dataclass
class SimulatedNetwork:
    """Files of a simulated network.

    Attributes
    ----------
    obs : list of Path
        Observation files, station-major then day.
    nav : list of Path
        One navigation file per day.
    manifest : Path
        CSV manifest ``obs,nav,truth`` (truth as ``X Y Z`` metres), paths relative to it.
    truth_m : dict
        Station code → ECEF position [m].
    """

    obs: list[Path]
    nav: list[Path]
    manifest: Path
    truth_m: dict[str, np.ndarray]


def station_positions(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    """``n`` station codes (``KS01`` ...) at scattered latitudes/longitudes, 50-500 m high."""
    from kompas.frames.geodetic import geodetic2ecef_deg

    rng = np.random.default_rng(seed)
    # uniform on the sphere between 70°S and 70°N (no pole: the demo's ship is at 60°N)
    lat = np.degrees(np.arcsin(rng.uniform(np.sin(np.radians(-70)), np.sin(np.radians(70)), n)))
    lon = rng.uniform(-180.0, 180.0, n)
    h = rng.uniform(50.0, 500.0, n)
    xyz = geodetic2ecef_deg(lat, lon, h)
    return {f"KS{i + 1:02d}": xyz[i] for i in range(n)}


def _long_date(day: dt.date) -> str:
    return f"{day.year:04d}{day.timetuple().tm_yday:03d}0000"


def simulate_network(
    out_dir: str | Path,
    n_stations: int = 10,
    n_days: int = 1,
    first_day: dt.date = dt.date(2025, 6, 1),
    duration_s: float = 86_400.0,
    interval_s: float = 30.0,
    systems: str = "GREC",
    seed: int = 2025,
) -> SimulatedNetwork:
    """Simulate ``n_stations`` static stations over ``n_days`` days and write RINEX files.

    Parameters
    ----------
    out_dir : path
        Folder for the files and ``manifest.csv`` (created).
    n_stations, n_days : int
        Station-days = ``n_stations * n_days``.
    first_day : datetime.date
    duration_s, interval_s : float
        Observation span from 00:00 of each day, and interval.
    systems : str
    seed : int

    Returns
    -------
    SimulatedNetwork
    """
    from kompas.io.rinex_nav_writer import write_nav
    from kompas.io.rinex_obs_writer import write_obs
    from kompas.sim.ephemeris import nominal_navigation
    from kompas.sim.observations import simulate_observations
    from kompas.time import Time, TimeScale

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stations = station_positions(n_stations, seed)
    obs_files, nav_files, rows = [], [], []
    n = int(round(duration_s / interval_s))
    for d in range(n_days):
        day = first_day + dt.timedelta(days=d)
        start = Time.from_calendar(day.year, day.month, day.day, scale=TimeScale.GPST)
        nav = nominal_navigation(start, max(duration_s, 3600.0), systems, seed=seed + d)
        nav_path = out / f"BRDC00SIM_S_{_long_date(day)}_01D_MN.rnx"
        write_nav(nav, nav_path, program="kompas.sim", comments=[_COMMENT])
        nav_files.append(nav_path)
        times = start + np.arange(n) * interval_s
        for k, (code, xyz) in enumerate(stations.items()):
            ds, _ = simulate_observations(nav, xyz, times, seed=seed + 1000 * d + k)
            ds.attrs["comments"] = [_COMMENT]
            ds.attrs["marker_name"] = code
            ds.attrs["approx_position_xyz_m"] = [float(v) for v in xyz]
            ds.attrs["interval_s"] = interval_s
            name = f"{code}00SIM_S_{_long_date(day)}_01D_{int(interval_s):02d}S_MO.rnx"
            write_obs(ds, out / name)
            obs_files.append(out / name)
            rows.append((name, nav_path.name, " ".join(f"{v:.4f}" for v in xyz)))
    manifest = out / "manifest.csv"
    with open(manifest, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["obs", "nav", "truth"])
        w.writerows(rows)
    return SimulatedNetwork(obs_files, nav_files, manifest, stations)
