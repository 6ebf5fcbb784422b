"""Transcripts in: one reader per format, speaker turns, roles, participants CSV.

Everything here works on files and plain data; nothing touches the project store.
"""

from evalbench.ingest.document import ParsedDocument, ParsedTurn
from evalbench.ingest.files import DEFAULT_MAX_BYTES, FORMATS, iter_input_files, parse_file
from evalbench.ingest.participants import ParticipantRow, read_participants_csv
from evalbench.ingest.roles import detect_roles, role_from_label

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "ParsedDocument",
    "ParsedTurn",
    "ParticipantRow",
    "detect_roles",
    "iter_input_files",
    "parse_file",
    "read_participants_csv",
    "role_from_label",
]
