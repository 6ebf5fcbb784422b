"""Bytes to text for the plain-text formats (txt, md, vtt, srt, csv).

Order: a byte-order mark wins, then UTF-16 without a mark when the NUL bytes
say so (every other byte zero, as Windows tools write mostly-ASCII text in
UTF-16), then strict UTF-8, then cp1252 (what Word and Windows tools write for
English text — it keeps smart quotes), then latin-1, which decodes anything.
``charset-normalizer`` was tried and guessed cp1250 for short cp1252 English
text, so we do not guess beyond this chain. An explicit
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
            two_or_four_bytes = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
        except LookupError:
            raise IngestError(path, f"unknown encoding {encoding!r}") from None
        if not two_or_four_bytes and b"\x00" in data:
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
        wide = _utf16_without_bom(data)
        if wide is None:
            raise IngestError(path, _BINARY)
        try:
            return data.decode(wide)
        except UnicodeDecodeError:
            raise IngestError(path, f"looks like {wide} without a byte-order mark but is not valid {wide}") from None
    for name in ("utf-8", "cp1252"):
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the NULs fall on one side of most byte pairs, else None."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:65536]
    pairs = len(sample) // 2
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    if odd_nul >= 0.6 * pairs and even_nul <= 0.05 * pairs:
        return "utf-16-le"
    if even_nul >= 0.6 * pairs and odd_nul <= 0.05 * pairs:
        return "utf-16-be"
    return None
