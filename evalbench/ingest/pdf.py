"""PDF transcripts through pypdf: page text, then the usual turn parser.

Only PDFs with a text layer work; scanned images have no text to import.
"""

from __future__ import annotations

import io

from evalbench.errors import IngestError
from evalbench.ingest.document import Extract
from evalbench.ingest.files import OPTIONAL
from evalbench.ingest.plaintext import extract_from_text


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
    text = "\n".join(pages)
    if not text.strip():
        raise IngestError(path, "PDF has no text layer (scanned image?); run OCR first")
    return extract_from_text(text)
