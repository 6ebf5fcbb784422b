"""Documents in the store: an imported transcript with its speakers, turns and search index.

The functions take an open connection and plain data and run inside the
caller's transaction (``Project`` wraps them in one), so a document lands with
all its turns and index entries or not at all.

The full-text index is filled with turn texts sliced here in Python. Filling
it through the ``turn_texts`` view made SQLite run ``substr()`` over character
offsets, which walks the UTF-8 text from its start for every turn: 40,000
turns in one document took 12 s and 200,000 about 280 s. Slicing a Python
string is constant time per turn, so storing is linear in the text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evalbench.ingest.document import ParsedDocument

#: (role, role_source) per speaker label.
Roles = dict[str | None, tuple[str, str]]


def document_by_sha256(conn: sqlite3.Connection, sha256: str) -> str | None:
    """Name of the document already imported with these bytes, if any."""
    row = conn.execute("SELECT name FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
    return row[0] if row else None


def insert_document(conn: sqlite3.Connection, parsed: ParsedDocument, roles: Roles, *, words: int,
                    imported_at: str) -> int:
    """Store ``parsed`` with its speakers, turns and FTS rows; returns the document id.

    A speaker missing from ``roles`` becomes a participant (``default``).
    """
    doc_id = conn.execute(
        "INSERT INTO documents(name, path, sha256, format, text, length, words, metadata, imported_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (parsed.name, parsed.path, parsed.sha256, parsed.format, parsed.text, len(parsed.text), words,
         json.dumps(parsed.metadata, sort_keys=True, ensure_ascii=False), imported_at)).lastrowid
    speaker_ids: dict[str | None, int] = {}
    for turn in parsed.turns:
        if turn.speaker not in speaker_ids:
            role, source = roles.get(turn.speaker, ("participant", "default"))
            speaker_ids[turn.speaker] = conn.execute(
                "INSERT INTO speakers(document_id, label, role, role_source) VALUES (?, ?, ?, ?)",
                (doc_id, turn.speaker, role, source)).lastrowid
    # Explicit turn ids (we hold the write lock) so the index rows can name them without a query.
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM turns").fetchone()[0]
    conn.executemany(
        'INSERT INTO turns(id, document_id, seq, speaker_id, start, "end", time) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [(first + i, doc_id, i + 1, speaker_ids[t.speaker], t.start, t.end, t.time)
         for i, t in enumerate(parsed.turns)])
    text = parsed.text
    conn.executemany("INSERT INTO turns_fts(rowid, text) VALUES (?, ?)",
                     [(first + i, text[t.start:t.end]) for i, t in enumerate(parsed.turns)])
    return doc_id


def link_participant(conn: sqlite3.Connection, document_id: int | None, label: str,
                     attributes: dict[str, str] | None = None) -> int:
    """Create the participant ``label`` if new, set their attributes, link the document; returns their id."""
    conn.execute("INSERT OR IGNORE INTO participants(label) VALUES (?)", (label,))
    pid = conn.execute("SELECT id FROM participants WHERE label = ?", (label,)).fetchone()[0]
    conn.executemany("INSERT OR REPLACE INTO participant_attributes VALUES (?, ?, ?)",
                     [(pid, name, value) for name, value in (attributes or {}).items()])
    if document_id is not None:
        conn.execute("UPDATE documents SET participant_id = ? WHERE id = ?", (pid, document_id))
    return pid


def document_names(conn: sqlite3.Connection) -> list[tuple[int, str, str | None]]:
    """(id, file name, linked participant label) of every document, in import order."""
    return conn.execute(
        "SELECT d.id, d.name, p.label FROM documents d LEFT JOIN participants p ON p.id = d.participant_id "
        "ORDER BY d.id").fetchall()


def speaker_roles(conn: sqlite3.Connection) -> dict[int, dict[str | None, tuple[str, str]]]:
    """Every document's speakers: document id -> {label: (role, role_source)}."""
    out: dict[int, dict[str | None, tuple[str, str]]] = {}
    for doc_id, label, role, source in conn.execute(
            "SELECT document_id, label, role, role_source FROM speakers ORDER BY document_id, id"):
        out.setdefault(doc_id, {})[label] = (role, source)
    return out


def set_roles(conn: sqlite3.Connection, changes: Iterable[tuple[int, str | None, str, str]]) -> int:
    """Apply (document id, label, role, role_source) changes, never to a role the user set; returns how many."""
    changed = 0
    for doc_id, label, role, source in changes:
        changed += conn.execute(
            "UPDATE speakers SET role = ?, role_source = ? WHERE document_id = ? AND label IS ? "
            "AND role_source != 'user' AND (role != ? OR role_source != ?)",
            (role, source, doc_id, label, role, source)).rowcount
    return changed
