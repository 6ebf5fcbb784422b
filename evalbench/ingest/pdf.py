"""PDF transcripts through pypdf: page text, then the usual turn parser.

Only PDFs with a text layer work; scanned images have no text to import.
Page furniture is removed before parsing: page numbers, and lines that open or
close most pages (``Transcript by Rev.com``, ``Transcribed by https://otter.ai``,
a running title), which would otherwise land in the middle of a turn.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from evalbench.errors import IngestError, describe_failure
from evalbench.ingest.document import Extract
from evalbench.ingest.files import OPTIONAL
from evalbench.ingest.plaintext import extract_from_text

#: Lines that are only a page number ("3", "Page 3", "Page 3 of 12", "- 3 -").
_PAGE_NUMBER = re.compile(r"(?im)^[ \t]*(?:page[ \t]+)?-?[ \t]*\d{1,4}(?:[ \t]+of[ \t]+\d{1,4})?[ \t]*-?[ \t]*$")


def read_pdf(data: bytes, path: str, encoding: str | None = None) -> Extract:
    """Extract each page's text; encrypted or broken PDFs raise IngestError."""
    try:
        from pypdf import PdfReader  # lazy: optional format
        from pypdf.errors import PdfReadError
    except ImportError:
        raise IngestError(path, OPTIONAL.format(ext=".pdf", package="pypdf")) from None

    if not data.startswith(b"%PDF"):
        raise IngestError(path, "not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(path, "password-protected PDF; remove the password and import again")
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(path, f"corrupt PDF file ({describe_failure(exc)})") from None
    text = "\n".join(_without_furniture([_PAGE_NUMBER.sub("", page) for page in pages]))
    if not text.strip():
        raise IngestError(path, "PDF has no text layer (scanned image?); run OCR first")
    return extract_from_text(text)


def _furniture_key(line: str) -> str:
    """A line as compared across pages; speaker labels are never furniture."""
    from evalbench.ingest.labels import split_label

    text = " ".join(line.split()).lower()
    return "" if split_label(line) else text


def _without_furniture(pages: list[str]) -> list[str]:
    """Pages without the lines that head or foot most of them, word for word (page numbers are gone already)."""
    if len(pages) < 3:
        return pages
    edges: Counter[str] = Counter()
    split = [[line for line in page.split("\n")] for page in pages]
    for lines in split:
        filled = [line for line in lines if line.strip()]
        edges.update({_furniture_key(line) for line in filled[:2] + filled[-2:]})
    common = {key for key, n in edges.items() if n >= max(3, len(pages) // 2) and key}
    if not common:
        return pages
    out = []
    for lines in split:
        filled_at = [i for i, line in enumerate(lines) if line.strip()]
        edge = set(filled_at[:2] + filled_at[-2:])
        out.append(
            "\n".join(line for i, line in enumerate(lines) if not (i in edge and _furniture_key(line) in common))
        )
    return out
