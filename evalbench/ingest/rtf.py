"""Rich Text (.rtf) transcripts: striprtf gives plain text, then the usual turn parser."""

from __future__ import annotations

from evalbench.errors import IngestError, describe_failure
from evalbench.ingest.decode import decode_bytes
from evalbench.ingest.document import Extract
from evalbench.ingest.files import OPTIONAL
from evalbench.ingest.plaintext import extract_from_text


def read_rtf(data: bytes, path: str, encoding: str | None = None) -> Extract:
    """Strip RTF control words (``\\'xx`` escapes decode as cp1252 by default)."""
    try:
        from striprtf.striprtf import rtf_to_text  # lazy: optional format
    except ImportError:
        raise IngestError(path, OPTIONAL.format(ext=".rtf", package="striprtf")) from None

    source = decode_bytes(data, path, encoding or "latin-1")
    if not source.lstrip().startswith("{\\rtf"):
        raise IngestError(path, "not an RTF file (does not start with '{\\rtf')")
    try:
        text = rtf_to_text(source, errors="replace")
    except Exception as exc:  # striprtf has no error hierarchy of its own
        raise IngestError(path, f"corrupt RTF file ({describe_failure(exc)})") from None
    return extract_from_text(text)
