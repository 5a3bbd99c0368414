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
import subprocess
import threading
import zipfile
import zlib
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


_UTF8_BOM = b"\xef\xbb\xbf"
#: What third-party decompressors raise on corrupt input (zlib.error is not an OSError).
_CODEC_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    zlib.error,
    zipfile.BadZipFile,
    NotImplementedError,
    MemoryError,
    KeyError,
    IndexError,
    TypeError,
)


def _unlzw(data: bytes, path: str) -> bytes:
    try:
        import ncompress  # type: ignore[import-not-found]

        decompress_lzw = ncompress.decompress
    except ImportError:  # pragma: no cover - depends on what hatanaka pulled in
        try:
            import unlzw3  # type: ignore[import-not-found]

            decompress_lzw = unlzw3.unlzw
        except ImportError as exc:  # pragma: no cover
            raise FormatError(
                "Unix-compressed (.Z) file; install 'ncompress' or 'unlzw3' to read it", path
            ) from exc
    try:
        return decompress_lzw(data)
    except _CODEC_ERRORS as exc:
        raise FormatError(
            f"corrupt or truncated Unix-compress (.Z, LZW) stream: {exc}", path
        ) from exc


def _gunzip(data: bytes, path: str) -> bytes:
    try:
        return gzip.decompress(data)
    except _CODEC_ERRORS as exc:
        raise FormatError(f"corrupt or truncated gzip stream: {exc}", path) from exc


def _bunzip(data: bytes, path: str) -> bytes:
    try:
        return bz2.decompress(data)
    except _CODEC_ERRORS as exc:
        raise FormatError(f"corrupt or truncated bzip2 stream: {exc}", path) from exc


def _unzip(data: bytes, path: str) -> bytes:
    """The first file of a zip archive (the container and member are named in errors)."""
    member = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            if not members:
                raise FormatError("zip archive holds no file", path)
            member = members[0].filename
            return zf.read(members[0])
    except FormatError:
        raise
    except _CODEC_ERRORS as exc:
        where = "zip archive" if member is None else f"zip member {member!r}"
        raise FormatError(f"corrupt {where}: {exc}", path) from exc


def _crx_text(data: bytes, path: str) -> bytes:
    """Compact RINEX text checked (ASCII) and ended by a newline."""
    if not data.endswith(b"\n"):  # a final line without newline is still a line
        data = data + b"\n"
    if not data.isascii():
        # differences propagate: a damaged byte changes every later value of its column
        first = next(i for i, b in enumerate(data) if b > 127)
        line = data.count(b"\n", 0, first) + 1
        raise FormatError(
            "Compact RINEX (Hatanaka) text holds a non-ASCII byte: the file is damaged",
            path,
            line,
        )
    return data


def _expand_hatanaka(data: bytes, path: str) -> bytes:
    import hatanaka

    data = _crx_text(data, path)
    try:
        out = hatanaka.crx2rnx(data)
    except Exception as exc:  # noqa: BLE001 - hatanaka raises ValueError/RuntimeError/...
        raise FormatError(f"cannot expand Compact RINEX (Hatanaka): {exc}", path) from exc
    if isinstance(out, str):
        out = out.encode("ascii", "replace")
    return out


def _unwrap(data: bytes, name: str) -> bytes:
    """Undo the container layers (gzip, .Z, bz2, zip) and a UTF-8 byte-order mark."""
    layers = {_GZIP_MAGIC: _gunzip, _LZW_MAGIC: _unlzw, _BZ2_MAGIC: _bunzip, _ZIP_MAGIC: _unzip}
    for _ in range(4):  # at most a few nested layers (e.g. zip of gz)
        unpack = next((f for magic, f in layers.items() if data.startswith(magic)), None)
        if unpack is None:
            break
        data = unpack(data, name)
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    return data


def decompress(data: bytes, path: str | os.PathLike = "<bytes>") -> bytes:
    """Undo every layer of compression found in ``data`` (by magic bytes).

    A UTF-8 byte-order mark in front of the text is dropped.

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

    Raises
    ------
    FormatError
        A compression layer is corrupt or truncated (the message names the container,
        and for zip the member); a Compact RINEX text cannot be expanded.
    """
    name = os.fspath(path)
    data = _unwrap(data, name)
    if is_hatanaka(data):
        data = _expand_hatanaka(data, name)
    return data


def read_bytes(path: str | os.PathLike) -> bytes:
    """Read a file and return its fully decompressed text as bytes.

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    IsADirectoryError
        When the path is a directory.
    FormatError
        When a compression layer is corrupt.
    """
    p = Path(path)
    return decompress(p.read_bytes(), p)


class PendingText(os.PathLike):
    """A file being decompressed: container layers undone at once, the Hatanaka expansion
    (a ``crx2rnx`` subprocess) left running in the background so the caller can read
    another file meanwhile.  :meth:`result` gives what :func:`read_bytes` would (same
    text, same warnings and errors, raised from :meth:`result`).

    The background thread only feeds and drains the subprocess: it runs no Python code
    that warns, so it cannot race ``warnings.catch_warnings`` blocks of the caller.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self._path = os.fspath(path)
        self._text: bytes | None = None
        self._box: dict = {}
        self._thread: threading.Thread | None = None
        data = _unwrap(Path(path).read_bytes(), self._path)
        if not is_hatanaka(data):
            self._text = data
            return
        self._crx = _crx_text(data, self._path)
        try:
            from hatanaka.hatanaka import _check, _popen
        except ImportError:  # another hatanaka layout: expand in result()
            return
        self._check = _check
        self._thread = threading.Thread(target=self._run, args=(_popen,), daemon=True)
        self._thread.start()

    def __fspath__(self) -> str:
        return self._path

    def _run(self, popen) -> None:
        pipe = subprocess.PIPE
        try:
            proc = popen("crx2rnx", ["-"], stdin=pipe, stdout=pipe, stderr=pipe)
            self._box["out"] = proc.communicate(self._crx)
            self._box["rc"] = proc.poll()
        except BaseException as exc:  # noqa: BLE001 - re-raised by result()
            self._box["exc"] = exc

    def result(self) -> bytes:
        """The decompressed text (waits for the expansion)."""
        if self._text is not None:
            return self._text
        if self._thread is None:
            self._text = _expand_hatanaka(self._crx, self._path)
            return self._text
        self._thread.join()
        try:
            if "exc" in self._box:
                raise self._box["exc"]
            stdout, stderr = self._box["out"]
            self._check("crx2rnx", self._box["rc"], stderr)
        except Exception as exc:  # noqa: BLE001 - as _expand_hatanaka
            raise FormatError(f"cannot expand Compact RINEX (Hatanaka): {exc}", self._path) from exc
        self._text = stdout
        self._crx = b""
        return stdout
