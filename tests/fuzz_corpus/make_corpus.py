"""Write the committed crash corpus: one minimal hand-made file per crash site of issue 8.

Each file reproduces a crash (a non-KompasError exception) of the readers as they were before
the fix; ``tests/test_fuzz.py`` reads every file and expects a result or a KompasError.  The
file name prefix names the reader: obs_, nav_, sp3_, clk_, snx_.  Run from the repository root:
``python tests/fuzz_corpus/make_corpus.py``.
"""

from __future__ import annotations

import gzip
import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import fuzz_helpers as F  # noqa: E402


def _at(text: bytes, needle: bytes, new: bytes, offset: int = 0) -> bytes:
    i = text.index(needle) + offset
    return text[:i] + new + text[i + len(new) :]


def main() -> None:
    sp3 = F.seed_bytes("sp3")
    clk = F.seed_bytes("clk300")
    nav = F.seed_bytes("nav3")
    obs = F.seed_bytes("obs3")
    gz = bytearray(gzip.compress(obs, mtime=0))
    gz[12] ^= 0xFF  # first deflate block header damaged: zlib.error before the fix
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("brdc.rnx", nav)
    zipped = bytearray(buf.getvalue())
    zipped[40] ^= 0xFF  # inside the deflated member
    files = {
        # 1: non-UTF-8 byte in an SP3 numeric column (UnicodeDecodeError in read_csv)
        "sp3_non_utf8_number.sp3": _at(sp3, b"PG01", b"\xff", 10),
        # 2 and 3: non-UTF-8 byte / a comma in a clock value (UnicodeDecodeError, ParserError)
        "clk_non_utf8_value.clk": _at(clk, b"AS G01", b"\xff", 45),
        "clk_comma_in_value.clk": _at(clk, b"AS G01", b",", 45),
        # 4: damaged gzip stream (zlib.error)
        "obs_corrupt_deflate.gz": bytes(gz),
        # 5: damaged zip member (zlib.error)
        "nav_corrupt_member.zip": bytes(zipped),
        # 6: a file starting with the .Z magic bytes (ValueError from ncompress)
        "sp3_fake_lzw.Z": b"\x1f\x9d" + sp3[:200],
        # 7: byte >= 0x80 in the system-letter column of a RINEX 3 nav record
        "nav_non_ascii_system.rnx": _at(nav, b"G08 2015", b"\xc7"),
        # 8: non-ASCII clock name (UnicodeDecodeError in np.char.decode)
        "clk_non_ascii_name.clk": _at(clk, b"AR NIST", b"\xe9", 4),
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
