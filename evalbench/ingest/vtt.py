"""WebVTT transcripts from Zoom (``Name: text`` cues) and Teams (``<v Name>`` tags)."""

from __future__ import annotations

import re

from evalbench.errors import IngestError
from evalbench.ingest.cues import cues_to_extract, parse_cues
from evalbench.ingest.decode import decode_bytes
from evalbench.ingest.document import Extract, clean


def read_vtt(data: bytes, path: str, encoding: str | None = None) -> Extract:
    """Decode, check the ``WEBVTT`` signature, and turn cues into speaker blocks."""
    text = clean(decode_bytes(data, path, encoding))
    if not text.startswith("WEBVTT"):
        raise IngestError(path, "not a WebVTT file (first line is not 'WEBVTT')")
    # NOTE, STYLE and REGION blocks carry no timing line, so parse_cues skips them;
    # NOTEs above the first cue (a title, a disclaimer) are kept as preamble.
    body = re.sub(r"^WEBVTT[^\n]*\n?", "", text, count=1)
    cues = parse_cues(body)
    if not cues:
        raise IngestError(path, "no cues found in WebVTT file")
    notes = []
    for chunk in re.split(r"\n[ \t]*\n", body.strip()):
        if "-->" in chunk:
            break
        if chunk.startswith("NOTE"):
            notes.append(chunk[4:].strip())
    return cues_to_extract(cues, notes)
