"""Published transformation sets between the GNSS and ITRF frames, and path finding.

Every edge below is a published statement; where the publisher states that two
frames coincide at some level (no parameters published), the edge is an identity
carrying that level as ``uncertainty_m``.

=====================  =================  ===============================================
source                 target             statement
=====================  =================  ===============================================
ITRF2020               ITRF2014           IERS 14 parameters at 2015.0
ITRF2020               ITRF2008           IERS 14 parameters at 2015.0
ITRF2014               ITRF2008           IERS 14 parameters at 2010.0
ITRF2008               ITRF97             IERS 14 parameters at 2000.0
PZ-90.11               ITRF2008           7 parameters at 2010.0 (Parametry Zemli 1990, 2014)
CGCS2000               ITRF97             identity at 2000.0 by definition (few cm)
BDCS                   ITRF2014           identity, < 1 cm (first BDCS realisation)
WGS84(G1762)           ITRF2008           identity, ~1 cm (NGA)
WGS84(G2139)           ITRF2014           identity, ~1 cm (NGA)
WGS84(G2296)           IGS20              identity, ~1 cm (NGA)
GTRF                   ITRF2020           identity, < 3 cm (Galileo OS SIS ICD)
IGS20                  ITRF2020           identity, mm (IGS alignment)
IGS14                  ITRF2014           identity, mm (IGS alignment)
=====================  =================  ===============================================

Aliases: ``WGS84`` is the current realisation, WGS84(G2296) (in force since
2024-01-07, GPS week 2296); ``ITRF20``/``ITRF14``/``ITRF08`` and the ``IGb14`` name are
accepted.  Frame names are matched without case or spaces.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from ..errors import KompasError
from .helmert import Helmert, HelmertChain

__all__ = [
    "PUBLISHED_SETS",
    "ALIASES",
    "canonical_frame",
    "known_frames",
    "register",
    "transformation",
]

_IERS_2020 = (
    "IERS, ITRF2020 transformation parameters to past ITRFs "
    "(itrf.ign.fr, Transfo-ITRF2020_TRFs.txt; Altamimi et al. 2023, J. Geod. 97:47)"
)
_IERS_2014 = (
    "IERS, transformation parameters from ITRF2014 to ITRF2008 "
    "(itrf.ign.fr/ITRF_solutions/2014/tp_14-08.php; Altamimi et al. 2016, JGR 121)"
)
_IERS_2008 = "IERS, Transfo-ITRF2008_ITRFs.txt (parameters from ITRF2008 to past ITRFs)"

#: The built-in parameter sets (see the module table).
PUBLISHED_SETS: tuple[Helmert, ...] = (
    Helmert.from_published(
        "ITRF2020",
        "ITRF2014",
        t_mm=(-1.4, -0.9, 1.4),
        d_ppb=-0.42,
        t_rate_mmpy=(0.0, -0.1, 0.2),
        d_rate_ppbpy=0.0,
        epoch_year=2015.0,
        uncertainty_m=0.001,
        reference=_IERS_2020,
    ),
    Helmert.from_published(
        "ITRF2020",
        "ITRF2008",
        t_mm=(0.2, 1.0, 3.3),
        d_ppb=-0.29,
        t_rate_mmpy=(0.0, -0.1, 0.1),
        d_rate_ppbpy=0.03,
        epoch_year=2015.0,
        uncertainty_m=0.002,
        reference=_IERS_2020,
    ),
    Helmert.from_published(
        "ITRF2014",
        "ITRF2008",
        t_mm=(1.6, 1.9, 2.4),
        d_ppb=-0.02,
        t_rate_mmpy=(0.0, 0.0, -0.1),
        d_rate_ppbpy=0.03,
        epoch_year=2010.0,
        uncertainty_m=0.002,
        reference=_IERS_2014,
    ),
    Helmert.from_published(
        "ITRF2008",
        "ITRF97",
        t_mm=(4.8, 2.6, -33.2),
        d_ppb=2.92,
        r_mas=(0.0, 0.0, 0.06),
        t_rate_mmpy=(0.1, -0.5, -3.2),
        d_rate_ppbpy=0.09,
        r_rate_maspy=(0.0, 0.0, 0.02),
        epoch_year=2000.0,
        uncertainty_m=0.01,
        reference=_IERS_2008,
    ),
    Helmert.from_published(
        "PZ-90.11",
        "ITRF2008",
        t_mm=(-3.0, -1.0, 0.0),
        d_ppb=0.0,
        r_mas=(0.019, -0.042, 0.002),
        epoch_year=2010.0,
        convention="coordinate_frame",
        uncertainty_m=0.004,
        reference=(
            "Parametry Zemli 1990 (PZ-90.11) reference document, Military Topographic "
            "Department, Moscow 2014; EPSG:7960 (coordinate-frame rotations, epoch 2010.0)"
        ),
    ),
    Helmert.identity(
        "CGCS2000",
        "ITRF97",
        0.05,
        "CGCS2000 is defined as ITRF97 at epoch 2000.0 (BDS-SIS-ICD-B1I 3.0, 3.2; "
        "Yang 2009, Chinese Science Bulletin 54:2714). CGCS2000 coordinates are epoch "
        "2000.0 coordinates: moving them to another epoch needs station velocities, "
        "which no Helmert set provides",
    ),
    Helmert.identity(
        "BDCS",
        "ITRF2014",
        0.01,
        "first BDCS realisation aligned to ITRF2014, differences < 1 cm (Wu et al. 2021, "
        "J. Surv. Eng. 147(2):04021004)",
    ),
    Helmert.identity(
        "WGS84(G1762)",
        "ITRF2008",
        0.01,
        "NGA.STND.0036_1.0.0_WGS84 (2014): WGS 84 (G1762) aligned to ITRF2008 at ~1 cm",
    ),
    Helmert.identity(
        "WGS84(G2139)",
        "ITRF2014",
        0.01,
        "NGA, WGS 84 (G2139) realisation (2021): aligned to IGb14/ITRF2014 at the cm level",
    ),
    Helmert.identity(
        "WGS84(G2296)",
        "IGS20",
        0.01,
        "NGA, WGS 84 (G2296) realisation (2024-01-07): aligned to IGS20 at the cm level",
    ),
    Helmert.identity(
        "GTRF",
        "ITRF2020",
        0.03,
        "Galileo OS SIS ICD 2.1 (terrestrial reference frame): GTRF is a realisation of "
        "the ITRS, agreeing with the latest ITRF within 3 cm (2 sigma)",
    ),
    Helmert.identity(
        "IGS20",
        "ITRF2020",
        0.002,
        "IGS20 is the IGS GNSS-only realisation aligned to ITRF2020 (IGS products from GPS "
        "week 2238, 2022-11-27)",
    ),
    Helmert.identity(
        "IGS14",
        "ITRF2014",
        0.002,
        "IGS14 is the IGS GNSS-only realisation aligned to ITRF2014 (IGS products from GPS "
        "week 1934, 2017-01-29)",
    ),
)

#: Alternative names -> canonical frame names (keys compared without case and spaces).
ALIASES = {
    "WGS84": "WGS84(G2296)",
    "ITRF20": "ITRF2020",
    "ITRF14": "ITRF2014",
    "ITRF08": "ITRF2008",
    "IGB14": "IGS14",
    "PZ90.11": "PZ-90.11",
}

_EDGES: list[Helmert] = list(PUBLISHED_SETS)


def _key(name: str) -> str:
    return "".join(str(name).split()).upper()


def known_frames() -> list[str]:
    """Canonical names of every frame in the registry."""
    names = {h.source for h in _EDGES} | {h.target for h in _EDGES}
    return sorted(names)


def canonical_frame(name: str) -> str:
    """Return the registry's name for a frame (aliases resolved, case/spaces ignored).

    Raises
    ------
    KompasError
        If the frame is unknown.
    """
    key = _key(name)
    by_key = {_key(n): n for n in known_frames()}
    alias = {_key(a): t for a, t in ALIASES.items()}
    if key in by_key:
        return by_key[key]
    if key in alias:
        return alias[key]
    raise KompasError(f"unknown reference frame {name!r}; known frames: {known_frames()}")


def register(helmert: Helmert) -> None:
    """Add a transformation set to the registry (used by :func:`transformation`)."""
    _EDGES.append(helmert)


def transformation(source: str, target: str, sets: Iterable[Helmert] | None = None) -> HelmertChain:
    """The shortest chain of parameter sets from ``source`` to ``target``.

    Every set can be used in both directions (exact inverse); source == target gives
    a one-step identity.

    Parameters
    ----------
    source, target : str
        Frame names (aliases accepted when ``sets`` is None).
    sets : iterable of Helmert, optional
        Search these sets instead of the registry (names are then used as given).

    Raises
    ------
    KompasError
        If a frame is unknown or no path connects the two frames.
    """
    if sets is None:
        edges = _EDGES
        src, dst = canonical_frame(source), canonical_frame(target)
    else:
        edges = list(sets)
        src, dst = source, target
    if src == dst:
        return HelmertChain((Helmert.identity(src, dst, 0.0, "same frame"),))
    adjacency: dict[str, list[Helmert]] = {}
    for h in edges:
        adjacency.setdefault(h.source, []).append(h)
        adjacency.setdefault(h.target, []).append(h.inverse())
    previous: dict[str, Helmert] = {}
    queue = deque([src])
    seen = {src}
    while queue:
        node = queue.popleft()
        if node == dst:
            break
        for edge in adjacency.get(node, []):
            if edge.target not in seen:
                seen.add(edge.target)
                previous[edge.target] = edge
                queue.append(edge.target)
    if dst not in seen:
        raise KompasError(f"no transformation path from {src!r} to {dst!r} in the registry")
    steps = []
    node = dst
    while node != src:
        edge = previous[node]
        steps.append(edge)
        node = edge.source
    return HelmertChain(tuple(reversed(steps)))
