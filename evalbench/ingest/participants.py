"""The participants CSV: who is in which transcript, and their attributes.

Columns: the participant (``participant``, ``participant id``, ``respondent``,
``pid``…), the transcript's file name (``document``, ``file``, ``filename``,
``transcript``…) and any others (role, site, …), which become participant
attributes. Headers are matched case-insensitively, with ``_``, ``-`` and
spaces alike; without a recognisable participant or document column the CSV
is refused with one line naming the columns it has, rather than linking nothing
in silence. Comma, semicolon or tab separated; the same encoding chain as
transcripts. A participant may have several rows (one per document); their
attributes merge. :func:`match_rows` says which rows name which documents, and
which rows and documents found no partner.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from evalbench.csvsheet import allow_long_cells
from evalbench.errors import IngestError
from evalbench.ingest.decode import decode_bytes

#: Header names (normalised: lower case, single spaces) for the participant column, most specific first.
PARTICIPANT_COLUMNS = (
    "participant",
    "participant id",
    "participantid",
    "participant code",
    "participant no",
    "pid",
    "respondent",
    "respondent id",
    "interviewee",
    "interviewee id",
    "informant",
    "informant id",
    "subject",
    "subject id",
    "case",
    "case id",
    "person",
    "person id",
)
#: Header names for the column naming each transcript file.
DOCUMENT_COLUMNS = (
    "document",
    "documents",
    "document name",
    "doc",
    "file",
    "filename",
    "file name",
    "files",
    "transcript",
    "transcripts",
    "transcript file",
    "transcript name",
    "transcript filename",
    "source",
    "source file",
    "interview",
    "interview file",
    "path",
    "file path",
)


@dataclass
class ParticipantRow:
    """One CSV row: a participant, the file name of their transcript, attributes."""

    participant: str
    document: str | None
    attributes: dict[str, str] = field(default_factory=dict)
    line: int = 0  #: line of the CSV, for reports


def _header_key(name: str) -> str:
    return " ".join(re.sub(r"[_\-.#]+", " ", name.lower()).split())


def _column(keys: list[str], wanted: tuple[str, ...]) -> int | None:
    for name in wanted:
        if name in keys:
            return keys.index(name)
    return None


def _shown(header: list[str]) -> str:
    """The header as found, printable and short, for a one-line message."""
    names = ["".join(ch if ch.isprintable() else " " for ch in h)[:30] or "(empty)" for h in header[:12]]
    return ", ".join(names) + (f" … ({len(header)} columns)" if len(header) > 12 else "")


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
    allow_long_cells()  # a cell over 131,072 characters is a cell, as in every sheet (evalbench.csvsheet)
    reader = csv.reader(io.StringIO(text), delimiter=dialect.delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise IngestError(path, f"line 1: cannot read header ({exc})") from None
    lower = [_header_key(h) for h in header]
    for i, name in enumerate(lower):
        if not name:
            raise IngestError(path, f"line 1: column {i + 1} has no name")
        if name in lower[:i]:
            raise IngestError(path, f"line 1: column '{_shown([header[i]])}' appears twice")
    p_col = _column(lower, PARTICIPANT_COLUMNS)
    if p_col is None:
        raise IngestError(
            path, f"line 1: no participant column (such as 'participant'); columns found: {_shown(header)}"
        )
    d_col = _column(lower, DOCUMENT_COLUMNS)
    if d_col is None:
        raise IngestError(
            path,
            "line 1: no column naming each transcript file (such as 'document', 'file' or "
            f"'transcript'); columns found: {_shown(header)}",
        )

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
            document = row[d_col] or None
            if document:
                prev = owner.get(document.lower())
                if prev and prev[0] != participant:
                    raise IngestError(
                        path,
                        f"line {line}: document '{document}' is already given to '{prev[0]}' on line {prev[1]}",
                    )
                owner[document.lower()] = (participant, line)
            attributes = {header[i]: row[i] for i in range(len(header)) if i not in (p_col, d_col) and row[i]}
            rows.append(ParticipantRow(participant, document, attributes, line))
    except csv.Error as exc:
        raise IngestError(path, f"line {reader.line_num}: {exc}") from None
    return rows


def _loose(name: str) -> str:
    """A file name compared loosely: no folder, no extension, letters and digits only."""
    stem = Path(name.replace("\\", "/")).name.lower()
    stem = stem.rsplit(".", 1)[0] if "." in stem[1:] else stem
    return re.sub(r"[\W_]+", "", stem)


@dataclass
class RowMatches:
    """Which participants-CSV rows name which documents, and who found no partner."""

    links: list[tuple[ParticipantRow, list[int]]]  #: rows and the ids of the documents they name ([] if none)
    unmatched: list[ParticipantRow]  #: rows naming a document that is not in the project
    without_row: list[str]  #: names of documents no row names (and that have no participant yet)


def match_rows(rows: list[ParticipantRow], documents: list[tuple[int, str, str | None]]) -> RowMatches:
    """Match rows to ``documents`` given as (id, file name, linked participant or None).

    A row's document matches a file name case-insensitively, with or without
    extension or folder; failing that, the same letters and digits
    (``P01 interview`` finds ``p01_interview.docx``) if only one file has them.
    """
    exact: dict[str, list[int]] = {}
    loose: dict[str, list[int]] = {}
    for doc_id, name, _ in documents:
        for key in dict.fromkeys((name.lower(), Path(name).stem.lower())):
            exact.setdefault(key, []).append(doc_id)
        loose.setdefault(_loose(name), []).append(doc_id)
    links: list[tuple[ParticipantRow, list[int]]] = []
    unmatched: list[ParticipantRow] = []
    named: set[int] = set()
    for row in rows:
        if not row.document:
            links.append((row, []))
            continue
        given = Path(row.document.replace("\\", "/")).name.lower()
        ids = exact.get(given) or exact.get(Path(given).stem) or []
        if not ids and len(loose.get(_loose(given), [])) == 1:
            ids = loose[_loose(given)]
        if not ids:
            unmatched.append(row)
        named.update(ids)
        links.append((row, list(dict.fromkeys(ids))))
    without = [name for doc_id, name, participant in documents if doc_id not in named and participant is None]
    return RowMatches(links, unmatched, without)
