"""Bytes to text for the plain-text formats (txt, md, vtt, srt, csv).

Order: a byte-order mark wins, then strict UTF-8, then cp1252 (what Word and
Windows tools write for English text — it keeps smart quotes), then latin-1,
which decodes anything. ``charset-normalizer`` was tried and guessed cp1250 for
short cp1252 English text, so we do not guess beyond this chain. An explicit
``encoding`` replaces the chain and fails loudly if the bytes do not fit it.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from evalbench.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BINARY = "binary file (contains NUL bytes), not a text transcript"


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding announced by a byte-order mark and the mark's length, if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def decode_bytes(data: bytes, path: str | Path, encoding: str | None = None) -> str:
    """Decode file bytes to str, raising :class:`IngestError` naming the file on failure."""
    if encoding:
        try:
            wide = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
        except LookupError:
            raise IngestError(path, f"unknown encoding {encoding!r}") from None
        if not wide and b"\x00" in data:
            raise IngestError(path, _BINARY)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise IngestError(path, f"cannot be decoded as {encoding} (byte {exc.start}: {exc.reason})") from None
        return text.removeprefix("\ufeff")
    found = bom_encoding(data)
    if found:
        name, skip = found
        try:
            return data[skip:].decode(name)
        except UnicodeDecodeError as exc:
            raise IngestError(
                path, f"has a {name} byte-order mark but invalid {name} at byte {exc.start + skip}"
            ) from None
    if b"\x00" in data:
        raise IngestError(path, _BINARY)
    for name in ("utf-8", "cp1252"):
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")
