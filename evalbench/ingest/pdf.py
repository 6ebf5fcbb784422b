"""PDF transcripts through pypdf: page text, then the usual turn parser.

Only PDFs with a text layer work; scanned images have no text to import.
"""

from __future__ import annotations

import io
import re

from evalbench.errors import IngestError
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
        raise IngestError(path, f"corrupt PDF file ({type(exc).__name__})") from None
    text = "\n".join(_PAGE_NUMBER.sub("", page) for page in pages)
    if not text.strip():
        raise IngestError(path, "PDF has no text layer (scanned image?); run OCR first")
    return extract_from_text(text)
