"""Open GNSS text files whatever their compression, recognised by content.

Supported: plain text, gzip, Unix compress (.Z, LZW), zip (first member), bzip2, and
Hatanaka Compact RINEX 1.0 / 3.0 (alone or inside any of the above).  The file name is
never trusted: a ``.gz`` that is really plain text reads fine, and a ``.crx`` that is
not Compact RINEX is read as what it is.
"""

from __future__ import annotations

import bz2
import gzip
import io
import os
import zipfile
from pathlib import Path

from kompas.errors import FormatError

__all__ = ["read_bytes", "decompress", "is_hatanaka"]

_GZIP_MAGIC = b"\x1f\x8b"
_LZW_MAGIC = b"\x1f\x9d"
_ZIP_MAGIC = b"PK\x03\x04"
_BZ2_MAGIC = b"BZh"
_CRX_MARK = b"COMPACT RINEX FORMAT"


def is_hatanaka(data: bytes) -> bool:
    """True when the text starts with a Compact RINEX (Hatanaka) header line."""
    return data[60:80].startswith(b"CRINEX VERS") or _CRX_MARK in data[:200]


def _unlzw(data: bytes, path: str) -> bytes:
    try:
        import ncompress  # type: ignore[import-not-found]

        return ncompress.decompress(data)
    except ImportError:  # pragma: no cover - depends on what hatanaka pulled in
        pass
    try:
        import unlzw3  # type: ignore[import-not-found]

        return unlzw3.unlzw(data)
    except ImportError as exc:  # pragma: no cover
        raise FormatError(
            "Unix-compressed (.Z) file; install 'ncompress' or 'unlzw3' to read it", path
        ) from exc


def decompress(data: bytes, path: str | os.PathLike = "<bytes>") -> bytes:
    """Undo every layer of compression found in ``data`` (by magic bytes).

    Parameters
    ----------
    data : bytes
        Raw file content.
    path : str or os.PathLike
        Used in error messages only.

    Returns
    -------
    bytes
        Plain RINEX/SP3/... text (Hatanaka already expanded).
    """
    name = os.fspath(path)
    for _ in range(4):  # at most a few nested layers (e.g. zip of gz)
        if data.startswith(_GZIP_MAGIC):
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError) as exc:
                raise FormatError(f"corrupt gzip stream ({exc})", name) from exc
        elif data.startswith(_LZW_MAGIC):
            data = _unlzw(data, name)
        elif data.startswith(_BZ2_MAGIC):
            try:
                data = bz2.decompress(data)
            except (OSError, ValueError) as exc:
                raise FormatError(f"corrupt bzip2 stream ({exc})", name) from exc
        elif data.startswith(_ZIP_MAGIC):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    members = [m for m in zf.infolist() if not m.is_dir()]
                    if not members:
                        raise FormatError("zip archive holds no file", name)
                    data = zf.read(members[0])
            except zipfile.BadZipFile as exc:
                raise FormatError(f"corrupt zip archive ({exc})", name) from exc
        else:
            break
    if is_hatanaka(data):
        import hatanaka

        try:
            data = hatanaka.crx2rnx(data)
        except Exception as exc:  # hatanaka raises plain ValueError/RuntimeError
            raise FormatError(f"cannot expand Compact RINEX ({exc})", name) from exc
        if isinstance(data, str):
            data = data.encode("ascii", "replace")
    return data


def read_bytes(path: str | os.PathLike) -> bytes:
    """Read a file and return its fully decompressed text as bytes.

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    FormatError
        When a compression layer is corrupt.
    """
    p = Path(path)
    return decompress(p.read_bytes(), p)
