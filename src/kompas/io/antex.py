"""Reader of ANTEX 1.4 antenna calibration files: :func:`read_antex`.

ANTEX (IGS, "ANTEX: The Antenna Exchange Format, Version 1.4", 2010) lists, per antenna,
a phase-centre offset (PCO) and phase-centre variations (PCV) for each frequency:

- satellite antennas: ``TYPE / SERIAL NO`` holds the block (A20), the PRN ``sNN`` (A20)
  and the SVN ``sNNN`` (A10) with the COSPAR id (A10); ``VALID FROM`` / ``VALID UNTIL``
  (5I6, F13.7, GPS time) bound the period during which that SVN carried that PRN.  The
  ``NORTH / EAST / UP`` record is the offset from the centre of mass in the
  satellite-fixed frame (x, y, z), millimetres; the PCV depend on the nadir angle.
- receiver antennas: the type is 20 characters, the last four the radome (IGS
  rcvr_ant.tab); ``NORTH / EAST / UP`` is the offset from the antenna reference point in
  the local frame, millimetres; the PCV depend on zenith angle and azimuth.

Everything is returned in metres and degrees.  The sign convention is ANTEX's: the mean
phase centre is ARP + PCO (receiver) or CoM + PCO (satellite), and the PCV are added to
the range through that mean phase centre (ANTEX 1.4, section "Phase center
variations").  ``START OF FREQ RMS`` sections (formal errors) are read past.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kompas.errors import FormatError, KompasWarning, Strictness
from kompas.io.compress import read_bytes
from kompas.time import NAT_NS, Time

__all__ = [
    "read_antex",
    "AntexFile",
    "Antenna",
    "FrequencyCalibration",
    "ReceiverAntenna",
    "MissingAntennaError",
]

_MM = 1e-3
_NAT = NAT_NS


class MissingAntennaError(FormatError, KeyError):
    """An antenna or frequency asked for is not in the ANTEX file."""

    def __str__(self) -> str:  # KeyError would quote the message
        return FormatError.__str__(self)


@dataclass(frozen=True)
class FrequencyCalibration:
    """Calibration of one antenna on one frequency.

    Attributes
    ----------
    frequency : str
        ANTEX frequency code: system letter and RINEX band number (``"G01"``,
        ``"E05"``, ``"C06"``, ``"R02"``).
    pco_m : numpy.ndarray, shape (3,)
        Phase-centre offset [m]: north, east, up (receiver) or x, y, z of the
        satellite-fixed frame (satellite).
    pcv_noazi_m : numpy.ndarray, shape (n_zen,)
        Azimuth-independent PCV on the zenith (nadir) grid [m].
    pcv_m : numpy.ndarray or None, shape (n_azi, n_zen)
        Azimuth-dependent PCV [m] on the grid ``azimuth_deg`` x ``zenith_deg`` of the
        antenna, None when the file gives none (``DAZI`` = 0).
    """

    frequency: str
    pco_m: np.ndarray
    pcv_noazi_m: np.ndarray
    pcv_m: np.ndarray | None = None


@dataclass(frozen=True)
class Antenna:
    """One ``START OF ANTENNA`` ... ``END OF ANTENNA`` block.

    Attributes
    ----------
    antenna_type : str
        Block (``"BLOCK IIF"``) or receiver antenna type without radome.
    radome : str
        Receiver antennas: the radome code (``"NONE"``, ``"SCIS"``); ``""`` otherwise.
    serial : str
        Satellite: PRN (``"G01"``); receiver: the serial number or blank (type mean).
    svn : str
        Satellite SVN code (``"G063"``); ``""`` for receivers.
    cospar : str
        COSPAR id of a satellite.
    valid_from_ns, valid_until_ns : int
        Validity (``Time.ns``, GPST); :data:`NAT_NS` when not given (open).
    zenith_deg : numpy.ndarray
        Zenith (receiver) or nadir (satellite) grid of the PCV [deg].
    azimuth_deg : numpy.ndarray
        Azimuth grid [deg] (empty when ``DAZI`` = 0).
    frequencies : dict of str to FrequencyCalibration
    sinex_code : str
        Name of the ANTEX model (``"IGS14_2247"``).
    method : str
        ``METH / BY / # / DATE`` calibration method (``"CHAMBER"``, ``"ROBOT"``...).
    line : int
        Line of ``START OF ANTENNA`` in the file.
    """

    antenna_type: str
    radome: str
    serial: str
    svn: str
    cospar: str
    valid_from_ns: int
    valid_until_ns: int
    zenith_deg: np.ndarray
    azimuth_deg: np.ndarray
    frequencies: dict[str, FrequencyCalibration] = field(default_factory=dict)
    sinex_code: str = ""
    method: str = ""
    line: int = 0

    @property
    def is_satellite(self) -> bool:
        """True for a satellite antenna (a PRN ``sNN`` in the serial field)."""
        s = self.serial
        return len(s) == 3 and s[0] in "GRECJIS" and s[1:].isdigit() and bool(self.svn)

    def valid_at(self, t_ns: np.ndarray) -> np.ndarray:
        """Mask of instants inside ``[valid_from, valid_until]`` (open ends allowed)."""
        t = np.asarray(t_ns, dtype=np.int64)
        ok = np.ones(t.shape, bool)
        if self.valid_from_ns != _NAT:
            ok &= t >= self.valid_from_ns
        if self.valid_until_ns != _NAT:
            ok &= t <= self.valid_until_ns
        return ok

    def pcv(self, frequency: str, zenith_deg: Any, azimuth_deg: Any = None) -> np.ndarray:
        """PCV [m] interpolated bilinearly at zenith (nadir) and azimuth angles [deg].

        Without azimuth (or without an azimuth table) the ``NOAZI`` values are used.
        Angles outside the grid are clamped to its edge.
        """
        cal = self._calibration(frequency)
        zen = np.asarray(zenith_deg, dtype=np.float64)
        z_grid = self.zenith_deg
        if azimuth_deg is None or cal.pcv_m is None or self.azimuth_deg.size == 0:
            return np.interp(zen, z_grid, cal.pcv_noazi_m)
        az = np.mod(np.asarray(azimuth_deg, dtype=np.float64), 360.0)
        a_grid = self.azimuth_deg
        zen, az = np.broadcast_arrays(zen, az)
        ia = np.clip(np.searchsorted(a_grid, az, side="right") - 1, 0, a_grid.size - 2)
        fa = (az - a_grid[ia]) / (a_grid[ia + 1] - a_grid[ia])
        lo = _interp_rows(cal.pcv_m[ia], z_grid, zen)
        hi = _interp_rows(cal.pcv_m[ia + 1], z_grid, zen)
        return lo + np.clip(fa, 0.0, 1.0) * (hi - lo)

    def _calibration(self, frequency: str) -> FrequencyCalibration:
        try:
            return self.frequencies[frequency]
        except KeyError:
            have = ", ".join(sorted(self.frequencies))
            raise MissingAntennaError(
                f"antenna {self.antenna_type!r} {self.serial!r} has no frequency "
                f"{frequency!r} (has: {have})"
            ) from None


def _interp_rows(rows: np.ndarray, grid: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Row-wise linear interpolation of rows (..., n) on ``grid`` at x (...)."""
    i = np.clip(np.searchsorted(grid, x, side="right") - 1, 0, grid.size - 2)
    f = np.clip((x - grid[i]) / (grid[i + 1] - grid[i]), 0.0, 1.0)
    r0 = np.take_along_axis(rows, i[..., None], axis=-1)[..., 0]
    r1 = np.take_along_axis(rows, (i + 1)[..., None], axis=-1)[..., 0]
    return r0 + f * (r1 - r0)


@dataclass(frozen=True)
class ReceiverAntenna:
    """Receiver-antenna calibration as the positioning code uses it.

    Attributes
    ----------
    antenna : Antenna
        The ANTEX block (type, radome, grids, every frequency).
    pco_neu_m : dict of str to numpy.ndarray
        Frequency code (``"G01"``) -> offset north, east, up of the mean phase centre
        from the antenna reference point [m].
    """

    antenna: Antenna
    pco_neu_m: dict[str, np.ndarray]

    @property
    def frequencies(self) -> list[str]:
        """Frequency codes calibrated."""
        return sorted(self.pco_neu_m)

    def pcv_m(self, frequency: str, zenith_deg: Any, azimuth_deg: Any = None) -> np.ndarray:
        """PCV [m] at zenith angle (and azimuth, north = 0, clockwise) in degrees."""
        return self.antenna.pcv(frequency, zenith_deg, azimuth_deg)

    def correction_m(
        self, frequency: str, los_enu: np.ndarray, zenith_deg: Any, azimuth_deg: Any = None
    ) -> np.ndarray:
        """Range correction [m] to add to a geometric range from the ARP: ``-PCO . e +
        PCV`` with ``e`` the unit line of sight receiver -> satellite in ENU, shape (..., 3).

        The measured phase range is the range from the mean phase centre (ARP + PCO)
        plus the PCV (ANTEX 1.4); subtract this from an observation to refer it to the ARP.
        """
        pco = self.pco_neu_m[frequency] if frequency in self.pco_neu_m else None
        if pco is None:
            self.antenna._calibration(frequency)
        e = np.asarray(los_enu, dtype=np.float64)
        pco_enu = np.array([pco[1], pco[0], pco[2]])
        return -(e @ pco_enu) + self.pcv_m(frequency, zenith_deg, azimuth_deg)


class AntexFile:
    """All antennas of an ANTEX file, with look-ups by satellite and receiver type.

    Attributes
    ----------
    antennas : list of Antenna
        In file order.
    path : str
        The file read.
    pcv_type : str
        ``"A"`` (absolute) or ``"R"`` (relative).
    reference_antenna : str
        Reference antenna of relative values (blank for absolute).
    version : float
    """

    def __init__(
        self, antennas: list[Antenna], path: str, pcv_type: str, reference: str, version: float
    ) -> None:
        self.antennas = antennas
        self.path = path
        self.pcv_type = pcv_type
        self.reference_antenna = reference
        self.version = version
        #: antennas skipped by reason, deviations repaired by reason, and the messages
        self.skipped: dict[str, int] = {}
        self.repaired: dict[str, int] = {}
        self.notes: list[str] = []
        self._by_prn: dict[str, list[Antenna]] = {}
        self._by_svn: dict[str, list[Antenna]] = {}
        self._receivers: dict[tuple[str, str], list[Antenna]] = {}
        for a in antennas:
            if a.is_satellite:
                self._by_prn.setdefault(a.serial, []).append(a)
                self._by_svn.setdefault(a.svn, []).append(a)
            else:
                self._receivers.setdefault((a.antenna_type, a.radome), []).append(a)

    def __len__(self) -> int:
        return len(self.antennas)

    def __repr__(self) -> str:
        n_sat = sum(len(v) for v in self._by_prn.values())
        return (
            f"AntexFile({os.path.basename(self.path)!r}: {n_sat} satellite and "
            f"{len(self.antennas) - n_sat} receiver antennas)"
        )

    @property
    def satellite_prns(self) -> list[str]:
        """PRNs with at least one satellite antenna."""
        return sorted(self._by_prn)

    @property
    def receiver_types(self) -> list[tuple[str, str]]:
        """(antenna type, radome) of the receiver antennas."""
        return sorted(self._receivers)

    # ------------------------------------------------------------------ satellites
    def satellite(self, sv: str, t: Any) -> Antenna | None:
        """The antenna of PRN ``sv`` valid at instant ``t`` (or None).

        ``t`` is a :class:`~kompas.time.Time` (scalar) or its ``.ns``.  ``sv`` may also be
        an SVN code (``"G063"``).
        """
        t_ns = int(np.asarray(getattr(t, "ns", t)).ravel()[0])
        pool = self._by_svn.get(sv) if len(sv) == 4 else self._by_prn.get(sv)
        for a in pool or ():
            if bool(a.valid_at(np.int64(t_ns))):
                return a
        return None

    def satellite_pco_m(self, sv: Any, t: Any, frequency: Any) -> tuple[np.ndarray, np.ndarray]:
        """Satellite-fixed PCO [m] (x, y, z) per (satellite, time) request.

        Parameters
        ----------
        sv : array_like of str
            PRNs, broadcast against ``t``.
        t : Time or array_like of int64
            Instants (``Time.ns``).
        frequency : str or mapping of system letter to str
            ANTEX frequency code for every request (``"G01"``), or per system
            (``{"G": "G01", "E": "E01"}``).

        Returns
        -------
        pco : numpy.ndarray, shape (..., 3)
            NaN where no antenna (or frequency) is valid.
        found : numpy.ndarray of bool
        """
        sv_a = np.asarray(sv).astype(str)
        t_a = np.asarray(getattr(t, "ns", t), dtype=np.int64)
        sv_b, t_b = np.broadcast_arrays(sv_a, t_a)
        out = np.full(sv_b.shape + (3,), np.nan)
        for prn in np.unique(sv_b):  # per satellite (tens)
            freq = frequency.get(prn[0]) if isinstance(frequency, dict) else frequency
            m = sv_b == prn
            for a in self._by_prn.get(prn, ()):  # per SVN of that PRN (a few)
                cal = a.frequencies.get(freq) if freq else None
                if cal is None:
                    continue
                hit = m & a.valid_at(t_b)
                out[hit] = cal.pco_m
        return out, np.isfinite(out).all(axis=-1)

    # ------------------------------------------------------------------ receivers
    def receiver(
        self, antenna_type: str, radome: str = "NONE", serial: str | None = None
    ) -> ReceiverAntenna:
        """The calibration of a receiver antenna (type and radome as in the RINEX header).

        ``antenna_type`` may carry the radome in columns 17-20 (as the RINEX
        ``ANT # / TYPE`` field does); a blank radome means ``"NONE"``.  With ``serial``
        an individual calibration of that serial number is preferred to the type mean.

        Raises
        ------
        MissingAntennaError
            When the file holds no calibration of that type and radome (never a silent
            fallback to another radome).
        """
        name, dome = _split_type(antenna_type, radome)
        pool = self._receivers.get((name, dome), [])
        if not pool:
            have = ", ".join(f"{n} {r}" for n, r in self.receiver_types) or "none"
            raise MissingAntennaError(
                f"receiver antenna {name!r} radome {dome!r} not in the file (has: {have})",
                self.path,
            )
        pick = pool[0]
        if serial:
            own = [a for a in pool if a.serial == serial.strip()]
            pick = own[0] if own else next((a for a in pool if not a.serial), pool[0])
        else:
            pick = next((a for a in pool if not a.serial), pool[0])
        return ReceiverAntenna(pick, {k: v.pco_m for k, v in pick.frequencies.items()})


def _split_type(antenna_type: str, radome: str | None) -> tuple[str, str]:
    text = antenna_type.rstrip()
    if len(text) > 16 and text[16:20].strip():
        return text[:16].strip(), text[16:20].strip()
    dome = (radome or "").strip() or "NONE"
    return text[:16].strip(), dome


# ---------------------------------------------------------------------------------- parse
def _floats(text: str, path: str, line: int, what: str) -> list[float]:
    try:
        return [float(x) for x in text.split()]
    except ValueError:
        raise FormatError(f"{what}: expected numbers, found {text.strip()!r}", path, line) from None


def _epoch_ns(text: str, path: str, line: int, what: str) -> int:
    v = _floats(text[:43], path, line, what)
    if len(v) != 6:
        raise FormatError(f"{what}: expected 5I6,F13.7 (y m d h m s)", path, line)
    y, mo, d, h, mi = (int(x) for x in v[:5])
    sec = v[5]
    whole = int(np.floor(sec))
    ns = int(round((sec - whole) * 1e9))
    base = Time.from_calendar(y, mo, d, h, mi, whole, scale="GPST").ns
    return int(np.asarray(base).ravel()[0]) + ns


class _Block:
    """Accumulates one antenna while parsing."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.type = self.serial = self.svn = self.cospar = self.radome = ""
        self.sinex = self.method = ""
        self.dazi = 0.0
        self.zen: tuple[float, float, float] | None = None
        self.valid_from = _NAT
        self.valid_until = _NAT
        self.freqs: dict[str, FrequencyCalibration] = {}
        self.n_freq = None
        self.problems: list[tuple[str, str]] = []


def _grid(zen: tuple[float, float, float], dazi: float) -> tuple[np.ndarray, np.ndarray]:
    z1, z2, dz = zen
    n_z = int(round((z2 - z1) / dz)) + 1
    zen_grid = z1 + dz * np.arange(n_z)
    az_grid = dazi * np.arange(int(round(360.0 / dazi)) + 1) if dazi > 0 else np.empty(0)
    return zen_grid, az_grid


def _parse_frequency(
    lines: list[str], i: int, code: str, b: _Block, path: str
) -> tuple[FrequencyCalibration, int]:
    """Parse from the line after ``START OF FREQUENCY``; return calibration and next index."""
    if b.zen is None:
        raise FormatError("START OF FREQUENCY before ZEN1 / ZEN2 / DZEN", path, i)
    zen_grid, az_grid = _grid(b.zen, b.dazi)
    pco = None
    noazi = None
    rows: list[np.ndarray] = []
    while i < len(lines):
        ln = lines[i]
        label = ln[60:].strip()
        if label == "END OF FREQUENCY":
            break
        if label == "NORTH / EAST / UP":
            v = _floats(ln[:30], path, i + 1, "NORTH / EAST / UP")
            if len(v) != 3:
                raise FormatError("NORTH / EAST / UP: expected 3F10.2 (mm)", path, i + 1)
            pco = np.array(v) * _MM
        elif ln[3:8] == "NOAZI":
            noazi = np.array(_floats(ln[8:], path, i + 1, "NOAZI")) * _MM
        elif ln.strip() and noazi is not None:
            v = _floats(ln, path, i + 1, "PCV row")
            rows.append(np.array(v[1:]) * _MM)
        i += 1
    else:
        raise FormatError(f"frequency {code}: no END OF FREQUENCY", path, i)
    if pco is None or noazi is None:
        raise FormatError(f"frequency {code}: NORTH / EAST / UP or NOAZI missing", path, i)
    if noazi.size != zen_grid.size:
        raise FormatError(
            f"frequency {code}: NOAZI has {noazi.size} values, the zenith grid {zen_grid.size}",
            path,
            i,
        )
    table = None
    if az_grid.size:
        if len(rows) != az_grid.size or any(r.size != zen_grid.size for r in rows):
            raise FormatError(
                f"frequency {code}: expected {az_grid.size} azimuth rows of {zen_grid.size}",
                path,
                i,
            )
        table = np.vstack(rows)
    return FrequencyCalibration(code, pco, noazi, table), i + 1


def _finish(b: _Block, path: str) -> Antenna:
    if b.zen is None:
        raise FormatError("antenna without ZEN1 / ZEN2 / DZEN", path, b.line)
    zen_grid, az_grid = _grid(b.zen, b.dazi)
    if b.n_freq is not None and b.n_freq != len(b.freqs):
        b.problems.append(
            (
                "frequency_count",
                f"antenna {b.type!r} {b.serial!r}: # OF FREQUENCIES {b.n_freq}, found "
                f"{len(b.freqs)} (kept the ones present)",
            )
        )
    return Antenna(
        b.type, b.radome, b.serial, b.svn, b.cospar, b.valid_from, b.valid_until,
        zen_grid, az_grid, dict(b.freqs), b.sinex, b.method, b.line,
    )  # fmt: skip


def _antenna_line(ln: str, i: int, b: _Block, path: str) -> None:
    """Apply one antenna-level header record to the block."""
    label = ln[60:].strip()
    if label == "TYPE / SERIAL NO":
        b.type, b.serial = ln[0:16].strip(), ln[20:40].strip()
        b.radome = ln[16:20].strip()
        b.svn, b.cospar = ln[40:50].strip(), ln[50:60].strip()
        if b.svn:  # satellite: the whole 20 characters are the block name
            b.type, b.radome = ln[0:20].strip(), ""
        elif ln[16] == " " and ln[17] != " " and ln[20] != " ":
            # radome one column right (seen in individual calibration files): A4 at 18-21
            b.radome, b.serial = ln[17:21].strip(), ln[21:40].strip()
            b.problems.append(("misaligned_radome", "radome in columns 18-21, not 17-20"))
        if not b.svn and not b.radome:
            b.radome = "NONE"
    elif label == "METH / BY / # / DATE":
        b.method = ln[0:20].strip()
    elif label == "DAZI":
        b.dazi = _floats(ln[2:8], path, i + 1, "DAZI")[0]
    elif label == "ZEN1 / ZEN2 / DZEN":
        v = _floats(ln[2:20], path, i + 1, "ZEN1 / ZEN2 / DZEN")
        if len(v) != 3 or v[2] <= 0:
            raise FormatError("ZEN1 / ZEN2 / DZEN: expected 3 numbers, DZEN > 0", path, i + 1)
        b.zen = (v[0], v[1], v[2])
    elif label == "# OF FREQUENCIES":
        b.n_freq = int(_floats(ln[:6], path, i + 1, "# OF FREQUENCIES")[0])
    elif label == "VALID FROM":
        b.valid_from = _epoch_ns(ln, path, i + 1, "VALID FROM")
    elif label == "VALID UNTIL":
        b.valid_until = _epoch_ns(ln, path, i + 1, "VALID UNTIL")
    elif label == "SINEX CODE":
        b.sinex = ln[0:10].strip()


def _skip_to(lines: list[str], i: int, label: str, path: str) -> int:
    while i < len(lines) and lines[i][60:].strip() != label:
        i += 1
    if i == len(lines):
        raise FormatError(f"no {label}", path, i)
    return i + 1


def read_antex(path: str | os.PathLike, strict: Strictness | str | bool = "warn") -> AntexFile:
    """Read an ANTEX 1.4 file (plain or compressed: .gz, .Z, .bz2).

    Parameters
    ----------
    path : str or os.PathLike
    strict : Strictness or {"raise", "warn", "ignore"} or bool
        What to do with an antenna that does not follow the format (an unterminated
        block, a broken record): raise, or skip it, count it in ``AntexFile.skipped``
        and warn once.  Repairable deviations (fewer frequencies than ``# OF
        FREQUENCIES``, a radome one column off) are kept and counted in
        ``AntexFile.repaired``; with ``"raise"`` they raise too.

    Returns
    -------
    AntexFile
        Satellite antennas by PRN/SVN with validity dates, receiver antennas by type and
        radome; PCO and PCV in metres.

    Raises
    ------
    FormatError
        The file is not ANTEX, or (``strict="raise"``) a record does not follow ANTEX 1.4;
        the message names the file and line.
    """
    policy = Strictness.coerce(strict)
    p = os.fspath(path)
    lines = read_bytes(p).decode("ascii", errors="replace").splitlines()
    if not lines or "ANTEX VERSION / SYST" not in lines[0]:
        raise FormatError("first line must be ANTEX VERSION / SYST", p, 1)
    version = _floats(lines[0][:8], p, 1, "ANTEX VERSION")[0]
    pcv_type, reference = "A", ""
    i = 1
    while i < len(lines) and lines[i][60:].strip() != "END OF HEADER":
        if lines[i][60:].strip() == "PCV TYPE / REFANT":
            pcv_type, reference = lines[i][0:1], lines[i][20:40].strip()
        i += 1
    if i == len(lines):
        raise FormatError("no END OF HEADER", p, i)
    antennas: list[Antenna] = []
    skipped: dict[str, int] = {}
    repaired: dict[str, int] = {}
    notes: list[str] = []
    starts = [j for j in range(i + 1, len(lines)) if lines[j][60:].strip() == "START OF ANTENNA"]
    starts.append(len(lines))
    for a, b in zip(starts[:-1], starts[1:], strict=True):  # per antenna (a few hundred)
        try:
            ant, problems = _parse_antenna(lines, a, b, p)
        except FormatError as exc:
            if policy is Strictness.RAISE:
                raise
            skipped["broken"] = skipped.get("broken", 0) + 1
            notes.append(str(exc))
            continue
        for reason, text in problems:
            if policy is Strictness.RAISE:
                raise FormatError(text, p, a + 1)
            repaired[reason] = repaired.get(reason, 0) + 1
            notes.append(f"{p}:{a + 1}: {text}")
        antennas.append(ant)
    if notes and policy is Strictness.WARN:
        warnings.warn(
            f"{p}: {sum(skipped.values())} antenna(s) skipped, {sum(repaired.values())} "
            f"repaired; first: {notes[0]}",
            KompasWarning,
            stacklevel=2,
        )
    out = AntexFile(antennas, p, pcv_type, reference, version)
    out.skipped, out.repaired, out.notes = skipped, repaired, notes
    return out


def _parse_antenna(
    lines: list[str], start: int, stop: int, path: str
) -> tuple[Antenna, list[tuple[str, str]]]:
    """Parse lines[start] (START OF ANTENNA) up to its END OF ANTENNA (before ``stop``)."""
    block = _Block(start + 1)
    i = start + 1
    while i < stop:
        ln = lines[i]
        label = ln[60:].strip()
        if label == "END OF ANTENNA":
            return _finish(block, path), block.problems
        if label == "START OF FREQUENCY":
            code = ln[3:6].replace(" ", "0")
            cal, i = _parse_frequency(lines[:stop], i + 1, code, block, path)
            block.freqs[code] = cal
            continue
        if label == "START OF FREQ RMS":
            i = _skip_to(lines[:stop], i + 1, "END OF FREQ RMS", path)
            continue
        _antenna_line(ln, i, block, path)
        i += 1
    raise FormatError(
        f"antenna {block.type!r} {block.serial!r} has no END OF ANTENNA", path, start + 1
    )
