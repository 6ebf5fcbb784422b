"""SubRip (.srt) transcripts: numbered cues, speakers as ``Name:`` or ``[Name]`` prefixes."""

from __future__ import annotations

from evalbench.errors import IngestError
from evalbench.ingest.cues import cues_to_extract, parse_cues
from evalbench.ingest.decode import decode_bytes
from evalbench.ingest.document import Extract, clean


def read_srt(data: bytes, path: str, encoding: str | None = None) -> Extract:
    """Decode and turn SRT cues into speaker blocks."""
    cues = parse_cues(clean(decode_bytes(data, path, encoding)))
    if not cues:
        raise IngestError(path, "no subtitle cues found (expected '00:00:01,000 --> …' lines)")
    return cues_to_extract(cues)
