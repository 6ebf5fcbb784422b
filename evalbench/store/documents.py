"""SQL for documents: an imported transcript with its speakers, turns and search index.

:meth:`Documents.insert` runs inside the caller's transaction (the import
service wraps it in one), so a document lands with all its turns and index
entries or not at all.

The full-text index is filled with turn texts sliced here in Python. Filling
it through the ``turn_texts`` view made SQLite run ``substr()`` over character
offsets, which walks the UTF-8 text from its start for every turn: 40,000
turns in one document took 12 s and 200,000 about 280 s. Slicing a Python
string is constant time per turn, so storing is linear in the text.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
from bisect import bisect_left
from collections.abc import Iterable
from typing import TYPE_CHECKING

from evalbench.errors import UserError
from evalbench.model import Document
from evalbench.store.errors import RowRejected
from evalbench.store.participants import Participants
from evalbench.store.repo import Repository, marks

if TYPE_CHECKING:
    from evalbench.ingest.document import ParsedDocument

#: (role, role_source) per speaker label.
Roles = dict[str | None, tuple[str, str]]

_COLS = "d.id, d.name, d.format, d.sha256, d.words, p.label, d.imported_at, d.path, d.metadata, d.participant_id"


class Documents(Repository):
    """Imported transcripts: their metadata, their immutable text, and storing a parsed one."""

    def list(self, *, with_text: bool = False) -> list[Document]:
        """Every document, by name."""
        return self._select("", (), with_text)

    def get(self, ref: int | str, *, with_text: bool = True) -> Document:
        """A document by id or by file name; a UserError when there is none or the name is ambiguous."""
        found = self._select("WHERE d.id = ?" if isinstance(ref, int) else "WHERE d.name = ?", (ref,), with_text)
        if not found:
            raise UserError(f"{self._where}: no document {ref!r}")
        if len(found) > 1:
            raise UserError(f"{self._where}: more than one document is named {ref!r}")
        return found[0]

    def _select(self, where: str, args: tuple, with_text: bool) -> builtins.list[Document]:
        attrs = Participants(self._conn, self._where).attributes()
        text_col = ", d.text" if with_text else ""
        rows = self._conn.execute(
            f"SELECT {_COLS}{text_col} FROM documents d "
            f"LEFT JOIN participants p ON p.id = d.participant_id {where} ORDER BY d.name, d.id",
            args,
        ).fetchall()
        return [
            Document(
                id=r[0],
                name=r[1],
                format=r[2],
                sha256=r[3],
                words=r[4],
                participant=r[5],
                imported_at=r[6],
                path=r[7],
                metadata=json.loads(r[8] or "{}"),
                attributes=dict(attrs.get(r[9], {})),
                text=r[10] if with_text else None,
            )
            for r in rows
        ]

    def text(self, document_id: int) -> str:
        row = self._conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise UserError(f"{self._where}: no document with id {document_id}")
        return str(row[0])

    def texts(self, document_ids: Iterable[int]) -> dict[int, str]:
        """document id -> text, for the given documents."""
        ids = sorted(set(document_ids))
        if not ids:
            return {}
        return dict(self._conn.execute(f"SELECT id, text FROM documents WHERE id IN ({marks(ids)})", ids))

    def named_texts(self, document_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """document id -> (name, text), for the given documents."""
        ids = sorted(set(document_ids))
        return {
            r[0]: (r[1], r[2])
            for r in self._conn.execute(f"SELECT id, name, text FROM documents WHERE id IN ({marks(ids)})", ids)
        }

    def length(self, document_id: int) -> int | None:
        """Characters in a document's text (None when there is no such document)."""
        row = self._conn.execute("SELECT length FROM documents WHERE id = ?", (document_id,)).fetchone()
        return None if row is None else int(row[0])

    def by_sha256(self, sha256: str) -> str | None:
        """Name of the document already imported with these bytes, if any."""
        row = self._conn.execute("SELECT name FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def names(self) -> builtins.list[tuple[int, str, str | None]]:
        """(id, file name, linked participant label) of every document, in import order."""
        return [
            (r[0], r[1], r[2])
            for r in self._conn.execute(
                "SELECT d.id, d.name, p.label FROM documents d LEFT JOIN participants p ON p.id = d.participant_id "
                "ORDER BY d.id"
            )
        ]

    def names_by_id(self) -> dict[int, str]:
        return dict(self._conn.execute("SELECT id, name FROM documents"))

    def owners(self) -> dict[int, tuple[str, str | None, int | None]]:
        """document id -> (name, participant label or None, participant id or None)."""
        return {
            r[0]: (r[1], r[2], r[3])
            for r in self._conn.execute(
                "SELECT d.id, d.name, p.label, d.participant_id FROM documents d "
                "LEFT JOIN participants p ON p.id = d.participant_id"
            )
        }

    def insert(self, parsed: ParsedDocument, roles: Roles, *, words: int, imported_at: str) -> int:
        """Store ``parsed`` with its speakers, turns and FTS rows; returns the document id.

        A speaker missing from ``roles`` becomes a participant (``default``).
        Runs inside the caller's transaction; a row the file refuses (the same
        document stored meanwhile by another process) is a :class:`RowRejected`.
        """
        try:
            return self._insert(parsed, roles, words=words, imported_at=imported_at)
        except sqlite3.IntegrityError as exc:
            raise RowRejected(str(exc)) from exc

    def _insert(self, parsed: ParsedDocument, roles: Roles, *, words: int, imported_at: str) -> int:
        conn = self._conn
        doc_id = int(
            conn.execute(
                "INSERT INTO documents(name, path, sha256, format, text, length, words, metadata, imported_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    parsed.name,
                    parsed.path,
                    parsed.sha256,
                    parsed.format,
                    parsed.text,
                    len(parsed.text),
                    words,
                    json.dumps(parsed.metadata, sort_keys=True, ensure_ascii=False),
                    imported_at,
                ),
            ).lastrowid
            or 0
        )
        speaker_ids: dict[str | None, int | None] = {}
        for turn in parsed.turns:
            if turn.speaker not in speaker_ids:
                role, source = roles.get(turn.speaker, ("participant", "default"))
                speaker_ids[turn.speaker] = conn.execute(
                    "INSERT INTO speakers(document_id, label, role, role_source) VALUES (?, ?, ?, ?)",
                    (doc_id, turn.speaker, role, source),
                ).lastrowid
        # Explicit turn ids (we hold the write lock) so the index rows can name them without a query.
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM turns").fetchone()[0]
        conn.executemany(
            'INSERT INTO turns(id, document_id, seq, speaker_id, start, "end", time) VALUES (?, ?, ?, ?, ?, ?, ?)',
            [
                (first + i, doc_id, i + 1, speaker_ids[t.speaker], t.start, t.end, t.time)
                for i, t in enumerate(parsed.turns)
            ],
        )
        text = parsed.text
        conn.executemany(
            "INSERT INTO turns_fts(rowid, text) VALUES (?, ?)",
            [(first + i, text[t.start : t.end]) for i, t in enumerate(parsed.turns)],
        )
        return doc_id

    def progress(self, coder: str) -> dict[int, tuple[int, int, int, int]]:
        """Per document id: (turns, participant turns, participant turns ``coder`` coded, codings).

        What the documents screen shows for every transcript; aggregated here so
        that opening a 200-document project does not build every Turn object.
        """
        conn = self._conn
        out: dict[int, list[int]] = {d: [0, 0, 0, 0] for (d,) in conn.execute("SELECT id FROM documents")}
        starts: dict[int, list[int]] = {}
        reach: dict[int, list[int]] = {}  # running max of coding ends, in start order
        for doc, start, end in conn.execute(
            'SELECT document_id, start, "end" FROM codings WHERE coder = ? ORDER BY document_id, start', (coder,)
        ):
            ends = reach.setdefault(doc, [])
            starts.setdefault(doc, []).append(start)
            ends.append(max(end, ends[-1]) if ends else end)
            out[doc][3] += 1
        for doc, start, end, role in conn.execute(
            "SELECT t.document_id, t.start, t.\"end\", COALESCE(s.role, 'participant') FROM turns t "
            "LEFT JOIN speakers s ON s.id = t.speaker_id"
        ):
            row = out[doc]
            row[0] += 1
            if role == "participant":
                row[1] += 1
                k = bisect_left(starts.get(doc, []), end)  # codings starting before the turn ends
                if k and reach[doc][k - 1] > start:
                    row[2] += 1
        return {doc: (v[0], v[1], v[2], v[3]) for doc, v in out.items()}
