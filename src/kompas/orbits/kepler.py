"""Keplerian broadcast orbits of GPS, Galileo, BDS, QZSS and NavIC, vectorised.

The user algorithm of IS-GPS-200N Table 20-IV (legacy) and Table 30-II (CNAV, with
A_dot and delta-n-dot), used with each system's own GM and Earth rotation rate:
Galileo OS SIS ICD 2.1 (5.1.1), BDS-SIS-ICD-B1I 3.0 (5.2.4.12, including the GEO
variant) and BDS-SIS-ICD-B1C 1.0 (7.x, CNAV), IS-QZSS-PNT-005, IRNSS SPS ICD 1.1.
Velocities are the analytic time derivatives of the same expressions.

Everything works on 1-D (or any equal-shape) arrays of elements and times: one element
set per requested state, no Python loop over satellites or epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kompas import constants as k

__all__ = [
    "KeplerConstants",
    "KeplerElements",
    "KeplerStates",
    "SYSTEM_CONSTANTS",
    "solve_kepler",
    "newton_steps_needed",
    "keplerian_states",
    "is_geostationary",
    "clock_polynomial",
]

#: Largest number of Newton iterations for Kepler's equation.  Starting from
#: E0 = M + e sin M the error is |E - E0| <= e^2/(1-e) and contracts as
#: eps_{k+1} <= e/(2(1-e)) eps_k^2; five steps reach < 1e-13 rad for e <= 0.5 (all GNSS
#: orbits have e < 0.2; Galileo E14/E18 have e = 0.16).
KEPLER_ITERATIONS = 5


def newton_steps_needed(e_max: float, tol: float = 1e-15) -> int:
    """Fixed Newton step count that guarantees |E - E_true| < tol for e <= ``e_max``.

    From the a-priori bound above: e.g. 2 steps for e <= 0.02 (GPS, BDS, Galileo
    nominal), 3 for QZSS IGSO (e ~ 0.075), 4 for e = 0.16.
    """
    e_max = float(e_max)
    if not np.isfinite(e_max) or e_max >= 0.5:
        return KEPLER_ITERATIONS
    eps = e_max * e_max / (1.0 - e_max)
    c = e_max / (2.0 * (1.0 - e_max))
    for n in range(KEPLER_ITERATIONS + 1):
        if eps < tol:
            return max(n, 1)
        eps = c * eps * eps
    return KEPLER_ITERATIONS


@dataclass(frozen=True)
class KeplerConstants:
    """Constants of one system's broadcast user algorithm (SI)."""

    gm_m3ps2: float
    omega_e_radps: float
    #: F = -2 sqrt(GM)/c^2 of the relativistic clock term F e sqrt(A) sin E [s/m^0.5].
    f_rel_spsqrtm: float


#: Per-system constants.  QZSS (IS-QZSS-PNT-005 5.6) and NavIC (IRNSS SPS ICD 1.1,
#: 6.2.1) use the GPS WGS-84 values.
SYSTEM_CONSTANTS: dict[str, KeplerConstants] = {
    "G": KeplerConstants(k.GM_GPS_M3PS2, k.OMEGA_E_GPS_RADPS, k.F_REL_GPS_SPSQRTM),
    "J": KeplerConstants(k.GM_GPS_M3PS2, k.OMEGA_E_GPS_RADPS, k.F_REL_GPS_SPSQRTM),
    "I": KeplerConstants(k.GM_GPS_M3PS2, k.OMEGA_E_GPS_RADPS, k.F_REL_GPS_SPSQRTM),
    "E": KeplerConstants(k.GM_GAL_M3PS2, k.OMEGA_E_GAL_RADPS, k.F_REL_GAL_SPSQRTM),
    "C": KeplerConstants(k.GM_BDS_M3PS2, k.OMEGA_E_BDS_RADPS, k.F_REL_BDS_SPSQRTM),
}

#: Geostationary radius sqrt(GM/omega_e^2)^(1/3) = 42 164 km; BDS GEO test (see
#: :func:`is_geostationary`).
_GEO_RADIUS_M = 42_164_170.0
_GEO_MAX_INCLINATION_RAD = np.deg2rad(10.0)
_GEO_RADIUS_TOLERANCE = 0.02


@dataclass
class KeplerElements:
    """Broadcast Keplerian elements, one set per requested state (equal-shape arrays).

    Angles in radians, rates in rad/s, harmonic amplitudes in m or rad.  ``a_dot_mps``
    and ``delta_n_dot_radps2`` are zero for legacy (non-CNAV) messages.  ``toe_sow_s`` is
    the time of ephemeris in seconds of the system's own week (it enters the longitude
    of the ascending node, which the ICDs reference to the start of that week).
    """

    sqrt_a_sqrtm: np.ndarray
    e: np.ndarray
    i0_rad: np.ndarray
    omega0_rad: np.ndarray
    omega_rad: np.ndarray
    m0_rad: np.ndarray
    delta_n_radps: np.ndarray
    omega_dot_radps: np.ndarray
    idot_radps: np.ndarray
    cuc_rad: np.ndarray
    cus_rad: np.ndarray
    crc_m: np.ndarray
    crs_m: np.ndarray
    cic_rad: np.ndarray
    cis_rad: np.ndarray
    toe_sow_s: np.ndarray
    a_dot_mps: np.ndarray | float = 0.0
    delta_n_dot_radps2: np.ndarray | float = 0.0

    @classmethod
    def from_columns(cls, columns, rows: np.ndarray | None = None) -> KeplerElements:
        """Gather the elements from a table (mapping of column name to array).

        Parameters
        ----------
        columns : mapping
            A ``pandas.DataFrame`` or dict with the ``kompas.read_nav`` Keplerian
            column names (``sqrt_a_sqrtm``, ``e``, ``i0_rad``, ...).
        rows : numpy.ndarray of int, optional
            Positional rows to take (one per state); all rows when omitted.
        """

        def col(name: str, default: float | None = None) -> np.ndarray | float:
            if name not in columns:
                if default is None:
                    raise KeyError(f"Keplerian table lacks column {name!r}")
                return default
            arr = np.asarray(columns[name], dtype=np.float64)
            return arr if rows is None else arr[rows]

        return cls(
            **{
                name: col(name)
                for name in (
                    "sqrt_a_sqrtm e i0_rad omega0_rad omega_rad m0_rad delta_n_radps "
                    "omega_dot_radps idot_radps cuc_rad cus_rad crc_m crs_m cic_rad cis_rad "
                    "toe_sow_s"
                ).split()
            },
            a_dot_mps=col("a_dot_mps", 0.0),
            delta_n_dot_radps2=col("delta_n_dot_radps2", 0.0),
        )


@dataclass
class KeplerStates:
    """Result of :func:`keplerian_states` (ECEF, SI)."""

    position_m: np.ndarray
    velocity_mps: np.ndarray
    #: Eccentric anomaly E_k [rad].
    eccentric_anomaly_rad: np.ndarray
    #: Semi-major axis at t_k (A_0 + A_dot t_k for CNAV) [m].
    semi_major_axis_m: np.ndarray


def solve_kepler(
    mean_anomaly_rad: np.ndarray, e: np.ndarray, iterations: int | None = None
) -> np.ndarray:
    """Solve Kepler's equation M = E - e sin E for E with fixed Newton steps.

    Parameters
    ----------
    mean_anomaly_rad, e : array_like
        Mean anomaly [rad] and eccentricity (0 <= e < 0.5), broadcastable.
    iterations : int, optional
        Number of vectorised Newton steps (no per-element convergence loop).  By default
        the a-priori count of :func:`newton_steps_needed` for the largest e given.

    Returns
    -------
    numpy.ndarray
        Eccentric anomaly [rad]; |E - e sin E - M| < 1e-13 rad for e <= 0.5.
    """
    m = np.asarray(mean_anomaly_rad, dtype=np.float64)
    e = np.asarray(e, dtype=np.float64)
    if iterations is None:
        iterations = newton_steps_needed(np.max(e, initial=0.0)) if e.size else 1
    # Reduce M to (-pi, pi] so that the residual is not dominated by the size of M.
    m = np.remainder(m + np.pi, 2.0 * np.pi) - np.pi
    ecc = m + e * np.sin(m)
    for _ in range(iterations):
        ecc = ecc - (ecc - e * np.sin(ecc) - m) / (1.0 - e * np.cos(ecc))
    return ecc


def is_geostationary(sqrt_a_sqrtm: np.ndarray, i0_rad: np.ndarray) -> np.ndarray:
    """Whether broadcast elements describe a geostationary orbit (BDS GEO algorithm).

    Derived from the orbit, never from a PRN list: broadcast inclination below 10 degrees
    and a semi-major axis within 2 % of the geostationary radius (42 164 km).  BDS GEO
    elements are referred to a frame tilted by 5 degrees (B1I ICD 5.2.4.12), so their
    broadcast i0 is near 5 degrees (3.5-4.5 degrees for C01-C05 in 2023), not near 0: a
    5-degree threshold would be marginal.  IGSO satellites share the radius but are
    inclined by 55 degrees.
    """
    a = np.asarray(sqrt_a_sqrtm, dtype=np.float64) ** 2
    inc = np.abs(np.asarray(i0_rad, dtype=np.float64))
    return (inc < _GEO_MAX_INCLINATION_RAD) & (
        np.abs(a - _GEO_RADIUS_M) < _GEO_RADIUS_TOLERANCE * _GEO_RADIUS_M
    )


def keplerian_states(
    el: KeplerElements,
    tk_s: np.ndarray,
    gm_m3ps2: float | np.ndarray,
    omega_e_radps: float | np.ndarray,
    geo: np.ndarray | bool = False,
    iterations: int | None = None,
) -> KeplerStates:
    """ECEF position and velocity from broadcast Keplerian elements.

    Parameters
    ----------
    el : KeplerElements
        One element set per state.
    tk_s : numpy.ndarray
        Time from ephemeris reference epoch t - t_oe [s] (exact instants difference).
    gm_m3ps2, omega_e_radps : float or numpy.ndarray
        The system's GM and Earth rotation rate (see :data:`SYSTEM_CONSTANTS`).
    geo : bool or numpy.ndarray of bool
        Use the BDS GEO algorithm (BDS-SIS-ICD-B1I 5.2.4.12) for these states.
    iterations : int, optional
        Newton steps for Kepler's equation (default: enough for the largest e).

    Returns
    -------
    KeplerStates
        Position [m] and velocity [m/s] with a last axis of 3, E_k and A_k.
    """
    tk = np.asarray(tk_s, dtype=np.float64)
    e = el.e
    a0 = el.sqrt_a_sqrtm**2
    a_k = a0 + el.a_dot_mps * tk  # IS-GPS-200 Table 30-II: A_k = A_0 + A_dot t_k
    n0 = np.sqrt(gm_m3ps2 / a0**3)
    # Table 30-II: n_A = n_0 + delta_n_0 + 1/2 delta_n_dot t_k; legacy: delta_n_dot = 0.
    n_a = n0 + el.delta_n_radps + 0.5 * el.delta_n_dot_radps2 * tk
    mean_anom = el.m0_rad + n_a * tk
    mean_anom_dot = n0 + el.delta_n_radps + el.delta_n_dot_radps2 * tk
    ecc = solve_kepler(mean_anom, e, iterations)
    sin_e, cos_e = np.sin(ecc), np.cos(ecc)
    one_m_ecos = 1.0 - e * cos_e
    ecc_dot = mean_anom_dot / one_m_ecos
    sq = np.sqrt(1.0 - e * e)
    nu = np.arctan2(sq * sin_e, cos_e - e)
    nu_dot = ecc_dot * sq / one_m_ecos
    phi = nu + el.omega_rad
    s2, c2 = np.sin(2.0 * phi), np.cos(2.0 * phi)
    # Second harmonic perturbations (Table 20-IV).
    du = el.cus_rad * s2 + el.cuc_rad * c2
    dr = el.crs_m * s2 + el.crc_m * c2
    di = el.cis_rad * s2 + el.cic_rad * c2
    u = phi + du
    r = a_k * one_m_ecos + dr
    inc = el.i0_rad + el.idot_radps * tk + di
    u_dot = nu_dot * (1.0 + 2.0 * (el.cus_rad * c2 - el.cuc_rad * s2))
    r_dot = (
        a_k * e * sin_e * ecc_dot
        + el.a_dot_mps * one_m_ecos
        + 2.0 * nu_dot * (el.crs_m * c2 - el.crc_m * s2)
    )
    inc_dot = el.idot_radps + 2.0 * nu_dot * (el.cis_rad * c2 - el.cic_rad * s2)
    cos_u, sin_u = np.cos(u), np.sin(u)
    xp, yp = r * cos_u, r * sin_u
    xp_dot = r_dot * cos_u - yp * u_dot
    yp_dot = r_dot * sin_u + xp * u_dot

    geo = np.broadcast_to(np.asarray(geo, dtype=bool), tk.shape)
    # Longitude of the ascending node: Earth-fixed for MEO/IGSO; for GEO the
    # inertial-like angle Omega_0 + Omega_dot t_k - omega_e t_oe (B1I ICD 5.2.4.12).
    node_rate = np.where(geo, el.omega_dot_radps, el.omega_dot_radps - omega_e_radps)
    node = el.omega0_rad + node_rate * tk - omega_e_radps * el.toe_sow_s
    cos_n, sin_n = np.cos(node), np.sin(node)
    cos_i, sin_i = np.cos(inc), np.sin(inc)
    x = xp * cos_n - yp * cos_i * sin_n
    y = xp * sin_n + yp * cos_i * cos_n
    z = yp * sin_i
    vx = xp_dot * cos_n - yp_dot * cos_i * sin_n + yp * sin_i * sin_n * inc_dot - node_rate * y
    vy = xp_dot * sin_n + yp_dot * cos_i * cos_n - yp * sin_i * cos_n * inc_dot + node_rate * x
    vz = yp_dot * sin_i + yp * cos_i * inc_dot

    if np.any(geo):
        x, y, z, vx, vy, vz = _geo_to_ecef(x, y, z, vx, vy, vz, tk, omega_e_radps, geo)
    pos = np.empty(tk.shape + (3,))
    vel = np.empty(tk.shape + (3,))
    pos[..., 0], pos[..., 1], pos[..., 2] = x, y, z
    vel[..., 0], vel[..., 1], vel[..., 2] = vx, vy, vz
    return KeplerStates(pos, vel, ecc, a_k)


def _geo_to_ecef(x, y, z, vx, vy, vz, tk, omega_e, geo):
    """Apply R_z(omega_e t_k) R_x(-5 deg) to GEO states (BDS-SIS-ICD-B1I 5.2.4.12)."""
    cf, sf = np.cos(k.BDS_GEO_TILT_RAD), np.sin(k.BDS_GEO_TILT_RAD)
    # R_x(phi) = [[1, 0, 0], [0, cos, sin], [0, -sin, cos]]
    ya, za = cf * y + sf * z, -sf * y + cf * z
    vya, vza = cf * vy + sf * vz, -sf * vy + cf * vz
    theta = omega_e * tk
    ct, st = np.cos(theta), np.sin(theta)
    # R_z(theta) = [[cos, sin, 0], [-sin, cos, 0], [0, 0, 1]]; d/dt adds omega_e terms.
    xg = ct * x + st * ya
    yg = -st * x + ct * ya
    vxg = ct * vx + st * vya + omega_e * yg
    vyg = -st * vx + ct * vya - omega_e * xg
    return (
        np.where(geo, xg, x),
        np.where(geo, yg, y),
        np.where(geo, za, z),
        np.where(geo, vxg, vx),
        np.where(geo, vyg, vy),
        np.where(geo, vza, vz),
    )


def clock_polynomial(
    af0_s: np.ndarray, af1_sps: np.ndarray, af2_sps2: np.ndarray, dt_s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Satellite clock offset and drift af0 + af1 dt + af2 dt^2 (IS-GPS-200 20.3.3.3.3.1).

    Parameters
    ----------
    af0_s, af1_sps, af2_sps2 : array_like
        Broadcast clock polynomial.
    dt_s : array_like
        t - t_oc [s], from exact instants (no week crossover handling needed).

    Returns
    -------
    (offset_s, drift_sps) : tuple of numpy.ndarray
    """
    dt = np.asarray(dt_s, dtype=np.float64)
    offset = af0_s + (af1_sps + af2_sps2 * dt) * dt
    drift = af1_sps + 2.0 * af2_sps2 * dt
    return offset, drift
