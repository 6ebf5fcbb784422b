"""The participants CSV: who is in which transcript, and their attributes.

Columns: ``participant`` (required), ``document`` (the transcript's file name,
optional) and any others (role, site, …), which become participant attributes.
Headers are matched case-insensitively; comma, semicolon or tab separated; the
same encoding chain as transcripts. A participant may have several rows (one
per document); their attributes merge.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from evalbench.errors import IngestError
from evalbench.ingest.decode import decode_bytes


@dataclass
class ParticipantRow:
    """One CSV row: a participant, the file name of their transcript, attributes."""

    participant: str
    document: str | None
    attributes: dict[str, str] = field(default_factory=dict)


def read_participants_csv(path: str | Path, encoding: str | None = None) -> list[ParticipantRow]:
    """Rows of a participants CSV; problems raise IngestError naming file and line."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(path, "no such file") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read file ({exc.strerror or exc})") from None
    text = decode_bytes(data, path, encoding).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError(path, "empty file")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), delimiter=dialect.delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise IngestError(path, f"line 1: cannot read header ({exc})") from None
    lower = [h.lower() for h in header]
    if "participant" not in lower:
        raise IngestError(path, "line 1: no 'participant' column (header: " + ", ".join(header) + ")")
    for i, name in enumerate(lower):
        if not name:
            raise IngestError(path, f"line 1: column {i + 1} has no name")
        if name in lower[:i]:
            raise IngestError(path, f"line 1: column '{header[i]}' appears twice")
    p_col = lower.index("participant")
    d_col = lower.index("document") if "document" in lower else None
    rows: list[ParticipantRow] = []
    owner: dict[str, tuple[str, int]] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise IngestError(path, f"line {line}: {len(row)} fields but {len(header)} columns")
            row = [cell.strip() for cell in row] + [""] * (len(header) - len(row))
            participant = row[p_col]
            if not participant:
                raise IngestError(path, f"line {line}: empty participant")
            document = (row[d_col] or None) if d_col is not None else None
            if document:
                prev = owner.get(document.lower())
                if prev and prev[0] != participant:
                    raise IngestError(
                        path,
                        f"line {line}: document '{document}' is already given to '{prev[0]}' on line {prev[1]}",
                    )
                owner[document.lower()] = (participant, line)
            attributes = {header[i]: row[i] for i in range(len(header)) if i not in (p_col, d_col) and row[i]}
            rows.append(ParticipantRow(participant, document, attributes))
    except csv.Error as exc:
        raise IngestError(path, f"line {reader.line_num}: {exc}") from None
    return rows
