"""NeQuick-G: the Galileo broadcast ionosphere model, vectorised over rays.

Implements "European GNSS (Galileo) Open Service — Ionospheric Correction Algorithm for
Galileo Single Frequency Users", issue 1.2 (2016), sections 2.5.1-2.5.8 (and the
pseudo-code of Annex F), as the JRC reference implementation NeQuickG_JRC does it
(https://github.com/mgfernan/NeQuickJRC, packaged on PyPI as ``nequick``), including its
integration nodes: the ray is cut at its perigee (for limb rays) and where it crosses the
1000 km and 2000 km shells; every piece is integrated with the adaptive Gauss-Kronrod
G7/K15 rule to the spec's tolerance (0.001 below 1000 km, 0.01 above, relative or
absolute, at most 50 bisection levels).  The adaptive bisection is done breadth-first over
all rays at once, so the same intervals are accepted as in the recursive C code.

Public functions
----------------
``nequick_g_stec_tecu(coefficients, month, utc_hours, rx_lat_deg, rx_lon_deg, rx_height_m,
sat_lat_deg, sat_lon_deg, sat_height_m)``
    Slant total electron content [TECU = 1e16 el/m^2] of each ray.
``nequick_g_delay_m(coefficients, month, utc_hours, rx_lat_deg, rx_lon_deg, rx_height_m,
sat_lat_deg, sat_lon_deg, sat_height_m, frequency_hz=FREQ_GAL_E1_HZ)``
    Slant group delay [m] = 40.3 STEC / f^2 (spec 2.5.8 / eq. 151-152).
``effective_ionisation_level_sfu(coefficients, modip_deg)``
    Az = a0 + a1 mu + a2 mu^2 clamped to [0, 400] sfu; 63.7 sfu when a0..a2 are all zero
    (spec 3.3, eq. 2 and the "all coefficients zero" rule).
``modip_deg(lat_deg, lon_deg)``
    Modified dip latitude from the published grid (spec 2.5.4.1, third-order interpolation).

All arguments broadcast against each other; ``coefficients`` has a_i0, a_i1, a_i2 on its
last axis (shape ``(..., 3)``, units sfu, sfu/deg, sfu/deg^2 as in the Galileo I/NAV
message and RINEX ``GAL`` ionospheric lines).  ``month`` (1-12) and ``utc_hours``
([0, 24]) are the UTC month and time of day of the ray (spec 2.5.2: the model is driven by
the month and universal time).  Heights are above the NeQuick sphere of radius 6371.2 km,
i.e. the ellipsoidal height as the spec prescribes for the user.  Rays whose receiver sees
the satellite through the Earth, or with non-finite input, give NaN.

Own implementation rather than the ``nequick`` package as a backend: on 81129 real rays
(three station days, ``benchmarks/nequick_reference.py``) it equals the official JRC code
to 1e-11 TECU (2e-9 mm on E1), takes whole arrays of rays per call, and needs no compiled
extension; its CPU time is 1.07-1.20x the C library's (``docs/benchmarks.md``).

Data
----
The CCIR foF2/M(3000)F2 maps (ITU-R P.1239, files ccir11..22) and the modip grid
(modip2001_wrapped) are loaded from ``kompas/models/data/nequick_g_tables.npz``; see
``kompas/models/data/README.md`` for their provenance and checksums.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kompas.constants import (
    FREQ_GAL_E1_HZ,
    IONO_DELAY_CONSTANT_M3PS2,
    NEQUICK_EARTH_RADIUS_KM,
)
from kompas.models.ionosphere import IonoModelError

__all__ = [
    "effective_ionisation_level_sfu",
    "modip_deg",
    "nequick_g_delay_m",
    "nequick_g_stec_tecu",
]

_DEG = np.pi / 180.0
_RE = NEQUICK_EARTH_RADIUS_KM

# --- Gauss-Kronrod G7/K15 abscissae and weights (spec Annex F.2.12, same digits as JRC) ----
_XK = np.array(
    [
        0.991455371120812639206854697526329,
        0.949107912342758524526189684047851,
        0.864864423359769072789712788640926,
        0.741531185599394439863864773280788,
        0.586087235467691130294144838258730,
        0.405845151377397166906606412076961,
        0.207784955007898467600689403773245,
        0.0,
    ]
)
_WK = np.array(
    [
        0.022935322010529224963732008058970,
        0.063092092629978553290700663189204,
        0.104790010322250183839876322541518,
        0.140653259715525918745189590510238,
        0.169004726639267902826583426598550,
        0.190350578064785409913256402421014,
        0.204432940075298892414161999234649,
        0.209482141084727828012999174891714,
    ]
)
_WG = np.array(
    [
        0.129484966168869693270611432679082,
        0.279705391489276667901467771423780,
        0.381830050505118944950369775488975,
        0.417959183673469387755102040816327,
    ]
)
#: 15 K15 nodes in [-1, 1] (ascending), their weights, and the 7 G7 weights on nodes 1,3,..13.
_X15 = np.concatenate([-_XK[:-1], [0.0], _XK[-2::-1]])
_W15 = np.concatenate([_WK[:-1], [_WK[-1]], _WK[-2::-1]])
_G7 = np.zeros(15)
_G7[1::2] = np.concatenate([_WG[:-1], [_WG[-1]], _WG[-2::-1]])

#: Integration shells [km] and tolerances (spec 2.5.8.2: eps = 0.001 below 1000 km, 0.01 above).
_SHELL1_KM, _SHELL2_KM = 1000.0, 2000.0
_TOL_LOW, _TOL_HIGH = 1.0e-3, 1.0e-2
_MAX_LEVEL = 50
_NODE_EPS_KM = 1.0e-10
#: Intervals evaluated per batch (15 points each): 15000-point arrays (120 kB) stay below
#: malloc's mmap threshold, so temporaries are not page-faulted in afresh (measured: 4000
#: intervals cost 10-20 % more system time).
_BATCH_INTERVALS = 1000

# --- Legendre expansion layout of the CCIR maps (spec 2.5.5.3, eq. 66-77) ----------------------
_Q_F2 = (12, 12, 9, 5, 2, 1, 1, 1, 1)  # foF2: terms per longitude order, 76 in all
_Q_M3 = (7, 8, 6, 3, 2, 1, 1)  # M(3000)F2: 49 in all


@lru_cache(maxsize=1)
def _tables() -> dict[str, NDArray[np.float64]]:
    ref = resources.files("kompas.models").joinpath("data/nequick_g_tables.npz")
    with ref.open("rb") as fh, np.load(fh) as z:
        tab = {k: np.array(z[k]) for k in z.files}
    # (month, degree, activity * order): foF2 = basis @ t2[m] @ weights, see _ccir_weights
    tab["t2"] = np.ascontiguousarray(tab["f2"].transpose(0, 2, 1, 3).reshape(12, 76, 26))
    tab["t3"] = np.ascontiguousarray(tab["fm3"].transpose(0, 2, 1, 3).reshape(12, 49, 18))
    return tab


def _exp(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Spec's clipped exponential NeqClipExp: 5.5406e34 above 80, 1.8049e-35 below -80."""
    with np.errstate(over="ignore"):
        out = np.exp(x)
    far = np.abs(x) > 80.0
    if far.any():
        out = np.where(x > 80.0, 5.5406e34, np.where(x < -80.0, 1.8049e-35, out))
    return out


def _join(f1, f2, alpha, x):
    """Spec's NeqJoin: smooth transition from f2 (x << 0) to f1 (x >> 0)."""
    e = _exp(alpha * x)
    return (f1 * e + f2) / (e + 1.0)


def _interp3(p0, p1, p2, p3, offset):
    """Third-order interpolation of spec 2.5.7.1 (eq. 128-135); p1 at offset 0, p2 at 1."""
    s12, d21 = p2 + p1, p2 - p1
    s30, d30 = p3 + p0, (p3 - p0) / 3.0
    c0, c1, c2, c3 = 9.0 * s12 - s30, 9.0 * d21 - d30, s30 - s12, d30 - d21
    d = 2.0 * offset - 1.0
    out = (((c3 * d + c2) * d + c1) * d + c0) / 16.0
    return np.where(np.abs(offset) < 5.0e-11, p1, out)


def _modip_from_deg(lat_deg: NDArray[np.float64], lon_deg: NDArray[np.float64]):
    grid = _tables()["modip_deg"]
    xl = (lon_deg + 180.0) / 10.0
    il = np.floor(xl)
    ol = xl - il
    il = np.mod(il, 36).astype(np.intp)
    yl = (np.clip(lat_deg, -90.0, 90.0) + 90.0) / 5.0
    ib = np.floor(yl - 1.0e-6)
    ob = yl - ib
    ib = np.clip(ib, 0, 35).astype(np.intp)
    flat = grid.ravel()
    base = ib * grid.shape[1] + il
    cols = [
        _interp3(*(flat.take(base + (k * grid.shape[1] + c)) for k in range(4)), ob)
        for c in range(4)
    ]
    mu = _interp3(*cols, ol)
    return np.where(lat_deg >= 90.0, 90.0, np.where(lat_deg <= -90.0, -90.0, mu))


def modip_deg(lat_deg: ArrayLike, lon_deg: ArrayLike) -> NDArray[np.float64]:
    """Modified dip latitude (modip) [deg] from the NeQuick-G grid (spec 2.5.4.1).

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Geographic latitude and longitude [deg].

    Returns
    -------
    numpy.ndarray
        Modip [deg]; +/-90 at the poles.
    """
    lat = np.asarray(lat_deg, dtype=np.float64)
    lon = np.fmod(np.asarray(lon_deg, dtype=np.float64) + 360.0, 360.0)
    return _modip_from_deg(lat, lon)


def effective_ionisation_level_sfu(
    coefficients: ArrayLike, modip_deg: ArrayLike
) -> NDArray[np.float64]:
    """Effective ionisation level Az [sfu] at a modip (spec 3.3, eq. 2).

    ``Az = a0 + a1 mu + a2 mu^2``, clamped to [0, 400] sfu; when all three broadcast
    coefficients are zero (|a_i| < 1e-7) the spec's default Az = 63.7 sfu is used.
    """
    a = np.asarray(coefficients, dtype=np.float64)
    if a.ndim == 0 or a.shape[-1] != 3:
        raise IonoModelError(f"coefficients must have a_i0..a_i2 on the last axis, got {a.shape}")
    mu = np.asarray(modip_deg, dtype=np.float64)
    az = a[..., 0] + a[..., 1] * mu + a[..., 2] * mu * mu
    zero = np.all(np.abs(a) < 1.0e-7, axis=-1)
    return np.where(zero, 63.7, np.clip(az, 0.0, 400.0))


# --- per ray: time and solar-activity dependent terms ------------------------------------------
def _ccir_fourier(month, utc_h: NDArray[np.float64], r12: NDArray[np.float64]):
    """CF2 (R, 76) and Cm3 (R, 49) of each ray (spec 2.5.5.2-2.5.5.3, eq. 56-65).

    ``CF2 = F2_low h (1 - R12/100) + F2_high h R12/100`` with the time harmonics
    ``h = [1, sin T, cos T, ..., sin 6T, cos 6T]``, ``T = 15 UT - 180`` deg (4 harmonics for
    M(3000)F2), the CCIR tables of the ray's month.
    """
    tab = _tables()
    t = (15.0 * utc_h - 180.0) * _DEG
    k = np.arange(1, 7)
    harm = np.empty((t.size, 13))
    harm[:, 0] = 1.0
    harm[:, 1::2] = np.sin(np.outer(t, k))
    harm[:, 2::2] = np.cos(np.outer(t, k))
    w = (r12 / 100.0)[:, None]
    w2 = np.concatenate([(1.0 - w) * harm, w * harm], axis=1)
    w3 = np.concatenate([(1.0 - w) * harm[:, :9], w * harm[:, :9]], axis=1)
    cf2, cm3 = np.empty((t.size, 76)), np.empty((t.size, 49))
    for m in np.unique(month):
        sel = month == m
        cf2[sel] = w2[sel] @ tab["t2"][m - 1].T
        cm3[sel] = w3[sel] @ tab["t3"][m - 1].T
    return cf2, cm3


def _matrix_layout(q: tuple[int, ...]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Row (modip power j) and column (0: 1; 2i-1: cos(i lon); 2i: sin(i lon)) per coefficient.

    The table's coefficient order (spec eq. 70-77): the order-0 terms for j < q_0, then per
    longitude order i and modip power j < q_i the (cos, sin) pair.
    """
    rows, cols = list(range(q[0])), [0] * q[0]
    for i in range(1, len(q)):
        for j in range(q[i]):
            rows += [j, j]
            cols += [2 * i - 1, 2 * i]
    return np.array(rows), np.array(cols)


_MATRIX_F2 = _matrix_layout(_Q_F2)
_MATRIX_M3 = _matrix_layout(_Q_M3)


def _ccir_matrix(coef: NDArray[np.float64], q: tuple[int, ...]) -> NDArray[np.float64]:
    """Per-ray coefficients (R, n) as matrices (R, max q, 2 len(q) - 1) for :func:`_ccir_maps`."""
    rows, cols = _MATRIX_F2 if q is _Q_F2 else _MATRIX_M3
    out = np.zeros((coef.shape[0], max(q), 2 * len(q) - 1))
    out[:, rows, cols] = coef
    return out


def _ccir_maps(c2, c3, mu_deg, cos_lat, lon_rad):
    """foF2 [MHz] and M(3000)F2 at points (M, Q) from their interval's CCIR matrices.

    ``value = sum_jk sin(modip)^j C[j, k] T_k`` with ``T = [1, cos(lat) cos(lon),
    cos(lat) sin(lon), ..., cos(lat)^8 sin(8 lon)]``: a (Q, 12) @ (12, 17) product per interval.
    """
    smu = np.sin(mu_deg * _DEG)
    shape = smu.shape
    mpow = np.empty((*shape, 12))
    mpow[..., 0] = 1.0
    for j in range(1, 12):
        np.multiply(mpow[..., j - 1], smu, out=mpow[..., j])
    # cos(lat)^i (cos, sin)(i lon) by the angle-addition recurrence
    c1, s1 = np.cos(lon_rad), np.sin(lon_rad)
    trig = np.empty((*shape, 17))
    trig[..., 0] = 1.0
    ck, sk, ci = c1, s1, cos_lat
    for i in range(1, 9):
        np.multiply(ci, ck, out=trig[..., 2 * i - 1])
        np.multiply(ci, sk, out=trig[..., 2 * i])
        ck, sk = ck * c1 - sk * s1, sk * c1 + ck * s1
        ci = ci * cos_lat
    fo_f2 = np.einsum("mqk,mqk->mq", mpow @ c2, trig)
    m3000 = np.einsum("mqk,mqk->mq", mpow[..., :8] @ c3, trig[..., :13])
    return fo_f2, m3000


def _solar_declination(month: NDArray[np.intp], utc_h: NDArray[np.float64]):
    """sin and cos of the solar declination (spec 2.5.4.6, eq. 20-26)."""
    doy = 30.5 * month - 15.0 + (18.0 - utc_h) / 24.0
    m_rad = (0.9856 * doy - 3.289) * _DEG
    lam = m_rad + 282.634 * _DEG + 1.916 * _DEG * np.sin(m_rad) + 0.02 * _DEG * np.sin(2 * m_rad)
    s = 0.39782 * np.sin(lam)
    return s, np.sqrt(1.0 - s * s)


#: Season parameter of foE per month (spec 2.5.5.1, eq. 37): -1 winter, 0 equinox, 1 summer.
_SEASON = np.array([-1, -1, 0, 0, 1, 1, 1, 1, 0, 0, -1, -1], dtype=np.float64)


# --- per point: the profile ---------------------------------------------------------------------
def _peak_amp(amp, hm, b_bot, b_top, h):
    """4 A e / (1 + e)^2 with e = exp((h - hm) / B), B the side's thickness (eq. 89-99)."""
    b = np.where(hm > h, b_bot, b_top)
    e = _exp((h - hm) / b)
    return 4.0 * amp * e / (e + 1.0) ** 2


def _critical_frequency_e(p, lat_deg, lon_deg, sin_lat, cos_lat):
    """foE [MHz] at points (spec 2.5.5.1, eq. 27-39)."""
    lt = np.mod(p["utc_h"] + lon_deg / 15.0, 24.0)
    cos_chi = sin_lat * p["sin_dec"] + cos_lat * p["cos_dec"] * np.cos(np.pi * (12.0 - lt) / 12.0)
    chi = np.arctan2(np.sqrt(np.maximum(1.0 - cos_chi * cos_chi, 0.0)), cos_chi) / _DEG
    chi_eff = _join(90.0 - 0.24 * _exp(20.0 - 0.2 * chi), chi, 12.0, chi - 86.23292796211615)
    ee = _exp(0.3 * lat_deg)
    seas = _SEASON[p["month"] - 1] * (ee - 1.0) / (ee + 1.0)
    fo_e = (1.112 - 0.019 * seas) * np.sqrt(np.sqrt(p["az"]))
    fo_e = fo_e * _exp(np.log(np.cos(chi_eff * _DEG)) * 0.3)
    return np.sqrt(fo_e * fo_e + 0.49)


def _critical_frequency_f1(fo_e, fo_f2):
    """foF1 [MHz] (spec 2.5.5.2, eq. 40-44): 1.4 foE by day, 0 at night, below 0.85 foF2."""
    fo_f1 = _join(1.4 * fo_e, 0.0, 1000.0, fo_e - 2.0)
    fo_f1 = _join(0.0, fo_f1, 1000.0, fo_e - fo_f1)
    fo_f1 = _join(fo_f1, 0.85 * fo_f1, 60.0, 0.85 * fo_f2 - fo_f1)
    return np.where(fo_f1 < 1.0e-6, 0.0, fo_f1)


def _peak_height_f2(fo_e, fo_f2, m3000):
    """hmF2 [km] from M(3000)F2 and foF2/foE (spec 2.5.5.4, eq. 80-86)."""
    m2 = m3000 * m3000
    num = 1490.0 * m3000 * np.sqrt((0.0196 * m2 + 1.0) / (1.2967 * m2 - 1.0))
    r = fo_f2 / fo_e
    r = _join(r, 1.75, 20.0, r - 1.75)
    den = m3000 - 0.012 + np.where(fo_e >= 1.0e-30, 0.253 / (r - 1.215), 0.0)
    return num / den - 176.0


def _amplitudes(prof, nm_e, nm_f1, nm_f2, has_f1):
    """Epstein amplitudes A1 (F2), A2 (F1), A3 (E) (spec 2.5.5.6, eq. 90-99)."""
    hm_e, hm_f1, hm_f2 = prof["hm_e"], prof["hm_f1"], prof["hm_f2"]
    inf = np.full_like(hm_f2, np.inf)  # the F2 top thickness is not defined yet
    a_f2 = 4.0 * nm_f2
    e_sub = 4.0 * nm_e - _peak_amp(a_f2, hm_f2, prof["b2_bot"], inf, hm_e)
    f1_sub = 4.0 * nm_f1 - _peak_amp(a_f2, hm_f2, prof["b2_bot"], inf, hm_f1)
    a_e = 4.0 * nm_e
    a_f1 = np.zeros_like(a_e)
    # the Epstein shape factors of E at hmF1 and of F1 at hmE do not change in the loop
    e_at_f1 = _peak_amp(1.0, hm_e, prof["be_bot"], prof["be_top"], hm_f1)
    f1_at_e = _peak_amp(1.0, hm_f1, prof["b1_bot"], prof["b1_top"], hm_e)
    for _ in range(5):
        a_f1 = f1_sub - a_e * e_at_f1
        a_f1 = _join(a_f1, 0.8 * nm_f1, 1.0, a_f1 - 0.8 * nm_f1)
        a_e = e_sub - a_f1 * f1_at_e
    a_f1 = np.where(has_f1, a_f1, 0.0)
    a_e = np.where(has_f1, a_e, e_sub)
    return a_f2, a_f1, _join(a_e, 0.05, 60.0, a_e - 0.005)


def _topside_thickness(month, r12, hm_f2, b2_bot, nm_f2):
    """H0 [km] of the topside (spec 2.5.5.7, eq. 100-107)."""
    summer = (month > 3) & (month < 10)
    k_s = np.where(
        summer,
        6.705 - 0.014 * r12 - 0.008 * hm_f2,
        -7.77 + 0.097 * (hm_f2 / b2_bot) ** 2 + 0.153 * nm_f2,
    )
    k_s = _join(k_s, 2.0, 1.0, k_s - 2.0)
    k_s = _join(8.0, k_s, 1.0, k_s - 8.0)
    h0 = k_s * b2_bot
    x = (h0 - 150.0) / 100.0
    return h0 / ((0.041163 * x - 0.183981) * x + 1.424472)


def _profile(p, lat_deg, lon_deg, sin_lat, cos_lat, lon_rad):
    """NeQuick profile parameters at each point (spec 2.5.5, 2.5.6); ``p``: its ray's terms."""
    fo_e = _critical_frequency_e(p, lat_deg, lon_deg, sin_lat, cos_lat)
    mu = _modip_from_deg(lat_deg, lon_deg)
    fo_f2, m3000 = _ccir_maps(p["c2"], p["c3"], mu, cos_lat, lon_rad)  # 2.5.5.3
    m3000 = np.maximum(m3000, 1.0)
    fo_f1 = _critical_frequency_f1(fo_e, fo_f2)
    nm_e, nm_f1, nm_f2 = (0.124 * f * f for f in (fo_e, fo_f1, fo_f2))  # eq. 78
    hm_f2 = _peak_height_f2(fo_e, fo_f2, m3000)
    hm_e = np.full_like(hm_f2, 120.0)
    hm_f1 = (hm_e + hm_f2) / 2.0
    # thicknesses (2.5.5.5, eq. 87-89)
    grad = 0.01 * np.exp(-3.467 + 0.857 * np.log(fo_f2 * fo_f2) + 2.02 * np.log(m3000))
    b1_bot = 0.5 * (hm_f1 - hm_e)
    prof = {
        "hm_f2": hm_f2, "hm_f1": hm_f1, "hm_e": hm_e, "b2_bot": 0.385 * nm_f2 / grad,
        "b1_top": 0.3 * (hm_f2 - hm_f1), "b1_bot": b1_bot, "be_top": np.maximum(b1_bot, 7.0),
        "be_bot": np.full_like(hm_f2, 5.0),
    }  # fmt: skip
    prof["a_f2"], prof["a_f1"], prof["a_e"] = _amplitudes(prof, nm_e, nm_f1, nm_f2, fo_f1 >= 0.5)
    prof["h0"] = _topside_thickness(p["month"], p["r12"], hm_f2, prof["b2_bot"], nm_f2)
    prof["nm_f2_eff"] = _bottom_side(prof, hm_f2)
    return prof


def _epstein_terms(amp, arg, b):
    """s = A e/(1+e)^2 and its log-derivative ds = (1-e)/(1+e)/B; zero when |arg| > 25."""
    big = np.abs(arg) > 25.0
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.where(big, 0.0, arg))
    s = np.where(big, 0.0, amp * e / (e + 1.0) ** 2)
    ds = np.where(big, 0.0, (1.0 - e) / (1.0 + e) / b)
    return s, ds


def _bottom_side(prof, h):
    """Electron density [m^-3] below the F2 peak (spec 2.5.6.2, eq. 111-118)."""
    hh = np.maximum(h, 100.0)
    b1 = np.where(h > prof["hm_f1"], prof["b1_top"], prof["b1_bot"])
    be = np.where(h > prof["hm_e"], prof["be_top"], prof["be_bot"])
    arg2 = (hh - prof["hm_f2"]) / prof["b2_bot"]
    fade = np.exp(10.0 / (np.abs(hh - prof["hm_f2"]) + 1.0))
    arg1 = (hh - prof["hm_f1"]) / b1 * fade
    arge = (hh - prof["hm_e"]) / be * fade
    s2, ds2 = _epstein_terms(prof["a_f2"], arg2, prof["b2_bot"])
    s1, ds1 = _epstein_terms(prof["a_f1"], arg1, b1)
    se, dse = _epstein_terms(prof["a_e"], arge, be)
    total = s2 + s1 + se
    low = h < 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        bc = 1.0 - 10.0 * (s2 * ds2 + s1 * ds1 + se * dse) / total
        z = (h - 100.0) / 10.0
        low_n = total * _exp(1.0 - (bc * z + _exp(-z)))
    return 1.0e11 * np.where(low, low_n, total)


def _top_side(prof, h):
    """Electron density [m^-3] above the F2 peak (spec 2.5.6.3, eq. 119-124)."""
    dh = h - prof["hm_f2"]
    g = 0.125 * dh
    h0 = prof["h0"]
    ea = _exp(dh / (h0 * (1.0 + 100.0 * g / (100.0 * h0 + g))))
    t = np.where(ea > 1.0e11, 1.0 / ea, ea / (1.0 + ea) ** 2)
    return 4.0 * t * prof["nm_f2_eff"]


def _density(prof, h):
    return np.where(h > prof["hm_f2"], _top_side(prof, h), _bottom_side(prof, h))


# --- ray geometry (spec 2.5.8.1, eq. 153-185) --------------------------------------------------
# The operations follow the JRC code's order exactly (degrees -> radians by one product,
# the same products and square roots): the tolerance of the piece that ends on the 1000 km
# shell is decided by comparing a height computed from the perigee radius with 1000 km, a
# comparison on the last bit, and only bit-identical geometry takes the same decision.
_RAD2DEG = 180.0 / np.pi


def _ray_geometry(lat1, lon1, h1_m, lat2, lon2, h2_m):
    """Perigee, azimuth and integration limits of each ray (degrees in, km out)."""
    r1 = _RE + h1_m * 1.0e-3
    r2 = _RE + h2_m * 1.0e-3
    p1, p2, l1, l2 = lat1 * _DEG, lat2 * _DEG, lon1 * _DEG, lon2 * _DEG
    s1, c1, s2, c2 = np.sin(p1), np.cos(p1), np.sin(p2), np.cos(p2)
    vertical = (np.abs(lat2 - lat1) < 1.0e-5) & (np.abs(lon2 - lon1) < 1.0e-5)
    dl = l2 - l1
    with np.errstate(divide="ignore", invalid="ignore"):
        cd = s1 * s2 + c1 * c2 * np.cos(dl)
        sd = np.sqrt(1.0 - cd * cd)
        zen = np.arctan2(sd, cd - r1 / r2)
        rp = r1 * np.sin(zen)
        vertical |= rp < 0.1
        s_sig = np.sin(dl) * c2 / sd
        c_sig = (s2 - cd * s1) / sd / c1
        dp = 90.0 * _DEG - zen
        sdp, cdp = np.sin(dp), np.cos(dp)
        sp = s1 * cdp - c1 * sdp * c_sig
        cp = np.sqrt(1.0 - sp * sp)
        lam_p = np.arctan2(-s_sig * sdp / cp, (cdp - s1 * sp) / c1 / cp) + l1
        pole = np.abs(np.abs(np.arctan2(sp, cp) * _RAD2DEG) - 90.0) < 1.0e-10
        dlp = l2 - lam_p
        cpsi = sp * s2 + cp * c2 * np.cos(dlp)
        spsi = np.sqrt(1.0 - cpsi * cpsi)
        s_az = np.where(pole, 0.0, c2 * np.sin(dlp) / spsi)
        c_az = np.where(pole, np.where(sp > 0, -1.0, 1.0), (s2 - sp * cpsi) / (spsi * cp))
        s_rx = np.sqrt(np.abs(r1 * r1 - rp * rp)) * np.where(zen * _RAD2DEG <= 90.0, 1.0, -1.0)
        s_sat = np.sqrt(np.abs(r2 * r2 - rp * rp))
    through_earth = ~vertical & (s_rx < 0.0) & (s_sat > 0.0) & (rp < _RE)
    return {
        "vertical": vertical, "rp": rp, "sin_p": sp, "cos_p": cp, "lam_p": lam_p,
        "sin_az": s_az, "cos_az": c_az, "s_rx": s_rx, "s_sat": s_sat,
        "through_earth": through_earth, "h_rx_km": h1_m * 1.0e-3, "h_sat_km": h2_m * 1.0e-3,
    }  # fmt: skip


def _nodes(geo):
    """Sorted integration nodes per ray (R, 7), NaN-padded (JRC: limits, perigee, shells)."""
    vert = geo["vertical"]
    h_rx = np.maximum(geo["h_rx_km"], 0.0)
    lo_v = np.minimum(h_rx, geo["h_sat_km"])
    hi_v = np.maximum(h_rx, geo["h_sat_km"])
    lo_s = np.minimum(geo["s_rx"], geo["s_sat"])
    hi_s = np.maximum(geo["s_rx"], geo["s_sat"])
    lo, hi = np.where(vert, lo_v, lo_s), np.where(vert, hi_v, hi_s)
    rp = geo["rp"]
    with np.errstate(invalid="ignore"):
        c1 = np.sqrt((_SHELL1_KM + _RE) * (_SHELL1_KM + _RE) - rp * rp)
        c2 = np.sqrt((_SHELL2_KM + _RE) * (_SHELL2_KM + _RE) - rp * rp)
    nan = np.full_like(lo, np.nan)
    inner = np.stack(
        [
            np.where(vert, nan, 0.0),
            np.where(vert, _SHELL1_KM, -c1),
            np.where(vert, _SHELL2_KM, c1),
            np.where(vert, nan, -c2),
            np.where(vert, nan, c2),
        ],
        axis=-1,
    )
    inside = (inner > lo[:, None] + _NODE_EPS_KM) & (inner < hi[:, None] - _NODE_EPS_KM)
    inner = np.where(inside, inner, np.nan)
    nodes = np.sort(np.concatenate([lo[:, None], hi[:, None], inner], axis=-1), axis=-1)
    dup = np.zeros_like(nodes, dtype=bool)
    dup[:, 1:] = np.abs(np.diff(nodes, axis=-1)) <= _NODE_EPS_KM
    nodes[dup] = np.nan
    return np.sort(nodes, axis=-1)


def _points(geo, ray, x, rx_deg):
    """Latitude, longitude and height of integration points ``x`` (s or height) of rays ``ray``."""
    vert = geo["vertical"][ray]
    rp = geo["rp"][ray]
    with np.errstate(divide="ignore", invalid="ignore"):
        rad = np.sqrt(x * x + rp * rp)
        tan_d = x / rp
        cdl = 1.0 / np.sqrt(1.0 + tan_d * tan_d)
        sdl = tan_d * cdl
        sp, cp = geo["sin_p"][ray], geo["cos_p"][ray]
        s_lat = sp * cdl + cp * sdl * geo["cos_az"][ray]
        c_lat = np.sqrt(1.0 - s_lat * s_lat)
        lon = np.arctan2(sdl * geo["sin_az"][ray] * cp, cdl - sp * s_lat) + geo["lam_p"][ray]
    h_slant = np.where(rad < _RE, 0.0, rad - _RE)
    lat_v, lon_v = rx_deg[0][ray], rx_deg[1][ray]
    s_lat = np.where(vert, np.sin(lat_v * _DEG), s_lat)
    c_lat = np.where(vert, np.cos(lat_v * _DEG), c_lat)
    lon = np.where(vert, lon_v * _DEG, lon)
    h = np.where(vert, x, h_slant)
    lat_deg = np.where(vert, lat_v, np.arctan2(s_lat, c_lat) * _RAD2DEG)
    return lat_deg, np.where(vert, lon_v, lon * _RAD2DEG), s_lat, c_lat, lon, h


def _density_at(state, ray, x):
    """Electron density [m^-3] at points ``x`` (M, Q) of intervals of rays ``ray`` (M,)."""
    geo = state["geo"]
    lat_deg, lon_deg, s_lat, c_lat, lon_rad, h = _points(geo, ray[:, None], x, state["rx_deg"])
    params = {k: v[ray] if v.ndim > 1 else v[ray, None] for k, v in state["ray_params"].items()}
    prof = _profile(params, lat_deg, lon_deg, s_lat, c_lat, lon_rad)
    return _density(prof, h)


def _gauss_kronrod(state, ray, a, b):
    """K15 and G7 estimates [m^-3 km] on intervals [a, b] of rays ``ray``."""
    mid, half = (a + b) / 2.0, (b - a) / 2.0
    x = mid[:, None] + half[:, None] * _X15[None, :]
    f = _density_at(state, ray, x)
    return half * (f @ _W15), half * (f @ _G7)


def _tolerance(geo, ray, a, b):
    """Spec tolerance of a node interval from its highest point (JRC arithmetic)."""
    vert = geo["vertical"][ray]
    top = np.maximum(np.abs(a), np.abs(b))
    rp = geo["rp"][ray]
    with np.errstate(invalid="ignore"):
        rad = np.sqrt(rp * rp + top * top)
    h_top = np.where(vert, np.maximum(a, b), np.where(rad < _RE, 0.0, rad - _RE))
    return np.where(h_top <= _SHELL1_KM, _TOL_LOW, _TOL_HIGH)


def _integrate(state, n_rays, nodes):
    """Adaptive G7/K15 over every node interval of every ray, breadth-first; sum per ray."""
    a, b = nodes[:, :-1], nodes[:, 1:]
    ok = np.isfinite(a) & np.isfinite(b)
    ray = np.broadcast_to(np.arange(n_rays)[:, None], a.shape)[ok]
    a, b = a[ok], b[ok]
    tol = _tolerance(state["geo"], ray, a, b)
    total = np.zeros(n_rays)
    level = 0
    while ray.size:
        k15 = np.empty(ray.size)
        g7 = np.empty(ray.size)
        for i in range(0, ray.size, _BATCH_INTERVALS):
            sl = slice(i, i + _BATCH_INTERVALS)
            k15[sl], g7[sl] = _gauss_kronrod(state, ray[sl], a[sl], b[sl])
        err = np.abs(k15 - g7)
        with np.errstate(divide="ignore", invalid="ignore"):
            done = (err / np.abs(k15) <= tol) | (err <= tol) | (level == _MAX_LEVEL)
        done |= ~np.isfinite(k15)  # a NaN ray stays NaN and stops splitting
        np.add.at(total, ray[done], k15[done])
        keep = ~done
        half = (b[keep] - a[keep]) / 2.0
        lo = a[keep]
        ray = np.repeat(ray[keep], 2)
        a = np.stack([lo, lo + half], axis=-1).ravel()
        b = np.stack([lo + half, b[keep]], axis=-1).ravel()
        tol = np.repeat(tol[keep], 2)
        level += 1
    return total


def nequick_g_stec_tecu(
    coefficients: ArrayLike,
    month: ArrayLike,
    utc_hours: ArrayLike,
    rx_lat_deg: ArrayLike,
    rx_lon_deg: ArrayLike,
    rx_height_m: ArrayLike,
    sat_lat_deg: ArrayLike,
    sat_lon_deg: ArrayLike,
    sat_height_m: ArrayLike,
) -> NDArray[np.float64]:
    """Slant total electron content of NeQuick-G along receiver-satellite rays [TECU].

    Parameters
    ----------
    coefficients : array_like, shape (..., 3)
        Broadcast a_i0 [sfu], a_i1 [sfu/deg], a_i2 [sfu/deg^2].
    month : array_like of int
        UTC month, 1-12.
    utc_hours : array_like
        UTC time of day [h], 0-24.
    rx_lat_deg, rx_lon_deg, rx_height_m : array_like
        Receiver geodetic latitude, longitude [deg] and ellipsoidal height [m].
    sat_lat_deg, sat_lon_deg, sat_height_m : array_like
        Satellite geodetic latitude, longitude [deg] and ellipsoidal height [m].

    Returns
    -------
    numpy.ndarray
        STEC [TECU] with the broadcast shape of the inputs; NaN for rays through the Earth
        or with non-finite inputs.

    Notes
    -----
    Degrees, as the spec and the JRC code take them: the geometry is computed with the
    JRC's exact arithmetic, so that the same integration pieces get the same tolerance
    (see ``_ray_geometry``).
    """
    a = np.asarray(coefficients, dtype=np.float64)
    if a.ndim == 0 or a.shape[-1] != 3:
        raise IonoModelError(f"coefficients must have a_i0..a_i2 on the last axis, got {a.shape}")
    args = np.broadcast_arrays(
        a[..., 0], a[..., 1], a[..., 2], np.asarray(month), np.asarray(utc_hours, dtype=float),
        *(np.asarray(v, dtype=np.float64) for v in (
            rx_lat_deg, rx_lon_deg, rx_height_m, sat_lat_deg, sat_lon_deg, sat_height_m)),
    )  # fmt: skip
    shape = args[0].shape
    a0, a1, a2, mon, utc, la1, lo1, h1, la2, lo2, h2 = (np.ravel(v) for v in args)
    if np.any((mon < 1) | (mon > 12)):
        raise IonoModelError("month must be 1..12")
    if np.any((utc < 0) | (utc > 24)):
        raise IonoModelError("utc_hours must be within [0, 24]")
    if np.any(np.abs(la1) > 90) or np.any(np.abs(la2) > 90):
        raise IonoModelError("latitudes must be within [-90, 90] deg")
    mon = mon.astype(np.intp)
    finite = np.isfinite(np.stack([a0, a1, a2, utc, la1, lo1, h1, la2, lo2, h2])).all(axis=0)
    out = np.full(a0.size, np.nan)
    idx = np.flatnonzero(finite)
    if idx.size:
        out[idx] = _stec(
            np.stack([a0, a1, a2], -1)[idx], mon[idx], utc[idx],
            la1[idx], lo1[idx], h1[idx], la2[idx], lo2[idx], h2[idx],
        )  # fmt: skip
    return out.reshape(shape)


def _stec(coeff, month, utc, lat1, lon1, h1_m, lat2, lon2, h2_m):
    lon1 = np.fmod(lon1 + 360.0, 360.0)
    lon2 = np.fmod(lon2 + 360.0, 360.0)
    az = effective_ionisation_level_sfu(coeff, _modip_from_deg(lat1, lon1))
    r12 = np.sqrt(167273.0 + (az - 63.7) * 1123.6) - 408.99
    cf2, cm3 = _ccir_fourier(month, utc, r12)
    sin_dec, cos_dec = _solar_declination(month, utc)
    geo = _ray_geometry(lat1, lon1, h1_m, lat2, lon2, h2_m)
    state = {
        "geo": geo,
        "rx_deg": (lat1, lon1),
        "ray_params": {
            "month": month, "utc_h": utc, "az": az, "r12": r12,
            "sin_dec": sin_dec, "cos_dec": cos_dec,
            "c2": _ccir_matrix(cf2, _Q_F2), "c3": _ccir_matrix(cm3, _Q_M3),
        },
    }  # fmt: skip
    nodes = _nodes(geo)
    nodes[geo["through_earth"]] = np.nan
    tec = _integrate(state, month.size, nodes) / 1.0e13
    return np.where(geo["through_earth"], np.nan, tec)


def nequick_g_delay_m(
    coefficients: ArrayLike,
    month: ArrayLike,
    utc_hours: ArrayLike,
    rx_lat_deg: ArrayLike,
    rx_lon_deg: ArrayLike,
    rx_height_m: ArrayLike,
    sat_lat_deg: ArrayLike,
    sat_lon_deg: ArrayLike,
    sat_height_m: ArrayLike,
    frequency_hz: ArrayLike = FREQ_GAL_E1_HZ,
) -> NDArray[np.float64]:
    """Slant ionospheric group delay of NeQuick-G [m] on ``frequency_hz``.

    ``delay = 40.3 STEC / f^2`` with STEC in el/m^2 (spec 2.5.8, first-order dispersion);
    a positive number to subtract from a code pseudorange.  Arguments as
    :func:`nequick_g_stec_tecu`; ``frequency_hz`` defaults to Galileo E1.
    """
    stec = nequick_g_stec_tecu(
        coefficients, month, utc_hours, rx_lat_deg, rx_lon_deg, rx_height_m,
        sat_lat_deg, sat_lon_deg, sat_height_m,
    )  # fmt: skip
    f = np.asarray(frequency_hz, dtype=np.float64)
    return IONO_DELAY_CONSTANT_M3PS2 * stec * 1.0e16 / (f * f)
