"""Plain-text and Markdown transcripts: decode, then parse speaker turns line by line."""

from __future__ import annotations

from evalbench.ingest.decode import decode_bytes
from evalbench.ingest.document import Extract, clean
from evalbench.ingest.turns import parse_lines


def read_text(data: bytes, path: str, encoding: str | None = None) -> Extract:
    """Decode ``data`` (BOM → UTF-8 → cp1252 → latin-1 unless forced) and find turns."""
    return extract_from_text(decode_bytes(data, path, encoding))


def extract_from_text(text: str) -> Extract:
    """Turns of already-decoded text; shared by the rtf and pdf readers."""
    found = parse_lines(clean(text).split("\n"))
    return Extract(found.preamble, found.blocks, legend=found.legend)
