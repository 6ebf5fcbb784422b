"""Project: the one façade that the CLI and the TUI call.

A Project wraps one SQLite connection (so it belongs to the thread that
opened it; a worker thread opens its own with :meth:`Project.reopen`). Every
user-visible change runs inside :meth:`action`, which is one transaction and
one entry in the persistent undo log.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evalbench.analysis.agreement import AgreementReport
from evalbench.analysis.disagreements import Disagreement
from evalbench.errors import ProjectError, UserError
from evalbench.model import Code, Coding, Document, Participant, SearchHit, Speaker, Turn
from evalbench.store import queries, undo
from evalbench.store.db import connect, now, write_transaction
from evalbench.store.schema import ROLES, VALENCES


def default_coder() -> str:
    """The coder name used when none is given: $EVALBENCH_CODER, else the login name."""
    return os.environ.get("EVALBENCH_CODER") or getpass.getuser() or "coder"


class Project:
    """An open evalbench project file."""

    def __init__(self, path: Path, conn: sqlite3.Connection, coder: str | None = None) -> None:
        self.path = Path(path)
        self.conn = conn
        self._coder = coder or self.meta("last_coder") or default_coder()

    # --- lifecycle -------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path, *, name: str | None = None, coder: str | None = None) -> Project:
        """Create a new, empty project file; refuses to overwrite an existing file."""
        path = Path(path)
        if path.exists() and path.stat().st_size > 0:
            raise ProjectError(f"{path}: already exists; choose another name or open it")
        if not path.parent.exists():
            raise ProjectError(f"{path}: folder {path.parent} does not exist")
        conn = connect(path, create=True)
        project = cls(path, conn, coder)
        with project.transaction():
            project._set_meta("name", name or path.stem)
            project._set_meta("created_at", now())
        return project

    @classmethod
    def open(cls, path: str | Path, *, coder: str | None = None) -> Project:
        """Open an existing project (migrating an older file after a backup)."""
        path = Path(path)
        return cls(path, connect(path), coder)

    def reopen(self) -> Project:
        """A second Project on the same file, for use in another thread."""
        return Project.open(self.path, coder=self._coder)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- meta and coder ----------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str | None) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    @property
    def name(self) -> str:
        return self.meta("name") or self.path.stem

    @property
    def coder(self) -> str:
        """The coder whose changes this Project records."""
        return self._coder

    def set_coder(self, coder: str) -> None:
        """Switch coder and remember the choice in the project for next time."""
        coder = coder.strip()
        if not coder:
            raise UserError("coder name cannot be empty")
        self._coder = coder
        with self.transaction():
            self._set_meta("last_coder", coder)
            self._ensure_coder(coder)

    def _ensure_coder(self, coder: str) -> None:
        self.conn.execute("INSERT OR IGNORE INTO coders(name, created_at) VALUES (?, ?)", (coder, now()))

    def coders(self) -> list[str]:
        """Every coder who has coded in this project (or was set as coder)."""
        rows = self.conn.execute(
            "SELECT name FROM coders UNION SELECT DISTINCT coder FROM codings ORDER BY 1")
        return [r[0] for r in rows]

    # --- transactions and undo -------------------------------------------
    def transaction(self) -> write_transaction:
        """A write transaction that is not recorded for undo (imports, settings)."""
        return write_transaction(self.conn, self.path)

    @contextmanager
    def action(self, label: str) -> Iterator[undo.Action]:
        """One user action: one transaction and one undo-log entry for the current coder."""
        with self.transaction():
            act = undo.Action(self.conn, self._coder, label)
            yield act
            self._ensure_coder(self._coder)
            act.write_log(now())

    def undo(self) -> str | None:
        """Undo the current coder's last action; returns its label or None."""
        with self.transaction():
            return undo.undo(self.conn, self._coder)

    def redo(self) -> str | None:
        """Redo the current coder's last undone action; returns its label or None."""
        with self.transaction():
            return undo.redo(self.conn, self._coder)

    def undo_label(self) -> str | None:
        """Label of the action :meth:`undo` would reverse."""
        row = self.conn.execute(
            "SELECT label FROM undo_log WHERE coder = ? AND undone = 0 ORDER BY id DESC LIMIT 1",
            (self._coder,)).fetchone()
        return row[0] if row else None

    # --- documents, participants, speakers, turns -------------------------
    def documents(self, *, with_text: bool = False) -> list[Document]:
        return queries.documents(self.conn, with_text=with_text)

    def document(self, ref: int | str, *, with_text: bool = True) -> Document:
        """A document by id or by file name."""
        if isinstance(ref, int):
            found = queries.documents(self.conn, where="WHERE d.id = ?", args=(ref,), with_text=with_text)
        else:
            found = queries.documents(self.conn, where="WHERE d.name = ?", args=(ref,), with_text=with_text)
        if not found:
            raise UserError(f"{self.path.name}: no document {ref!r}")
        if len(found) > 1:
            raise UserError(f"{self.path.name}: more than one document is named {ref!r}")
        return found[0]

    def document_text(self, document_id: int) -> str:
        row = self.conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise UserError(f"{self.path.name}: no document with id {document_id}")
        return row[0]

    def participants(self) -> list[Participant]:
        return queries.participants(self.conn)

    def speakers(self, document_id: int | None = None) -> list[Speaker]:
        return queries.speakers(self.conn, document_id)

    def set_speaker_role(self, speaker_id: int, role: str) -> None:
        """Override the detected role of one speaker (kept through later imports)."""
        if role not in ROLES:
            raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        with self.action(f"Set speaker role to {role}") as act:
            act.update("speakers", {"id": speaker_id}, {"role": role, "role_source": "user"})

    def turns(self, document_id: int | None = None) -> list[Turn]:
        return queries.turns(self.conn, document_id)

    def turn_at(self, document_id: int, offset: int) -> Turn | None:
        """The turn containing character ``offset`` of a document, if any."""
        row = self.conn.execute(
            queries.TURN_SQL + ' WHERE t.document_id = ? AND t.start <= ? AND t."end" > ? '
            "ORDER BY t.start DESC LIMIT 1", (document_id, offset, offset)).fetchone()
        return Turn(*row) if row else None

    # --- codes ------------------------------------------------------------
    def codes(self) -> list[Code]:
        """The codebook, parents before children."""
        return queries.codes(self.conn)

    def code(self, code_id: str) -> Code:
        row = self.conn.execute(f"SELECT {queries.CODE_COLS} FROM codes WHERE id = ?", (code_id,)).fetchone()
        if row is None:
            raise UserError(f"{self.path.name}: no code {code_id!r}")
        return queries.code_from_row(row)

    def add_codes(self, codes: list[Code], *, label: str = "Add codes") -> int:
        """Add codes (parents listed before children); existing IDs are an error."""
        existing = {r[0] for r in self.conn.execute("SELECT id FROM codes")}
        clash = [c.id for c in codes if c.id in existing]
        if clash:
            raise UserError(f"{self.path.name}: code IDs already in the project: {', '.join(clash[:5])}")
        with self.action(label) as act:
            for code in codes:
                act.insert("codes", queries.code_to_row(code))
        return len(codes)

    # --- codings ------------------------------------------------------------
    def codings(self, *, document_id: int | None = None, coder: str | None = None,
                code_id: str | None = None) -> list[Coding]:
        return queries.codings(self.conn, document_id=document_id, coder=coder, code_id=code_id)

    def coding(self, coding_id: int) -> Coding:
        row = self.conn.execute(f"SELECT {queries.CODING_COLS} FROM codings WHERE id = ?",
                                (coding_id,)).fetchone()
        if row is None:
            raise UserError(f"{self.path.name}: no coding {coding_id}")
        return queries.coding_from_row(row)

    def _coding_row(self, document_id: int, start: int, end: int, code_id: str, *, valence: str,
                    memo: str, origin: str, coder: str | None, suggestion_id: int | None) -> dict:
        if valence not in VALENCES:
            raise UserError(f"valence must be one of {', '.join(VALENCES)}, not {valence!r}")
        length = self.conn.execute("SELECT length FROM documents WHERE id = ?", (document_id,)).fetchone()
        if length is None:
            raise UserError(f"{self.path.name}: no document with id {document_id}")
        if not (0 <= start < end <= length[0]):
            raise UserError(f"span {start}-{end} is outside the document (0-{length[0]})")
        if self.conn.execute("SELECT 1 FROM codes WHERE id = ?", (code_id,)).fetchone() is None:
            raise UserError(f"{self.path.name}: no code {code_id!r}")
        return {"document_id": document_id, "start": start, "end": end, "code_id": code_id,
                "coder": coder or self._coder, "valence": valence, "memo": memo, "origin": origin,
                "suggestion_id": suggestion_id, "created_at": now()}

    def add_coding(self, document_id: int, start: int, end: int, code_id: str, *,
                   valence: str = "none", memo: str = "", origin: str = "manual",
                   coder: str | None = None, suggestion_id: int | None = None) -> int:
        """Code ``text[start:end]`` of a document; one undoable action. Returns the coding id."""
        row = self._coding_row(document_id, start, end, code_id, valence=valence, memo=memo,
                               origin=origin, coder=coder, suggestion_id=suggestion_id)
        with self.action(f"Code {code_id}") as act:
            return act.insert("codings", row)

    def add_codings(self, rows: list[dict], *, label: str) -> list[int]:
        """Add many codings as one action: all land or none.

        Each row holds the keyword arguments of :meth:`add_coding` plus
        ``document_id``, ``start``, ``end`` and ``code_id``.
        """
        prepared = []
        for i, r in enumerate(rows, 1):
            r = dict(r)
            try:
                prepared.append(self._coding_row(
                    r.pop("document_id"), r.pop("start"), r.pop("end"), r.pop("code_id"),
                    valence=r.pop("valence", "none"), memo=r.pop("memo", ""),
                    origin=r.pop("origin", "manual"), coder=r.pop("coder", None),
                    suggestion_id=r.pop("suggestion_id", None)))
            except UserError as exc:
                raise UserError(f"row {i}: {exc}") from exc
        with self.action(label) as act:
            for row in prepared:
                self._ensure_coder(row["coder"])
            return [act.insert("codings", row) for row in prepared]

    def update_coding(self, coding_id: int, **changes) -> None:
        """Change a coding's code, valence, memo, span or star; one undoable action."""
        allowed = {"code_id", "valence", "memo", "start", "end", "starred"}
        unknown = set(changes) - allowed
        if unknown:
            raise UserError(f"cannot change {', '.join(sorted(unknown))} of a coding")
        current = self.coding(coding_id)
        if "valence" in changes and changes["valence"] not in VALENCES:
            raise UserError(f"valence must be one of {', '.join(VALENCES)}, not {changes['valence']!r}")
        if "code_id" in changes:
            self.code(changes["code_id"])
        if "start" in changes or "end" in changes:
            self._coding_row(current.document_id, changes.get("start", current.start),
                             changes.get("end", current.end), changes.get("code_id", current.code_id),
                             valence=changes.get("valence", current.valence), memo="", origin="manual",
                             coder=None, suggestion_id=None)
        if "starred" in changes:
            changes["starred"] = int(bool(changes["starred"]))
        what = ", ".join(sorted(changes))
        with self.action(f"Change {what} of coding {coding_id}") as act:
            act.update("codings", {"id": coding_id}, changes)

    def remove_coding(self, coding_id: int) -> None:
        """Delete a coding; one undoable action."""
        self.coding(coding_id)
        with self.action(f"Remove coding {coding_id}") as act:
            act.delete("codings", {"id": coding_id})

    # --- memos ----------------------------------------------------------------
    def memo(self, target_type: str, target_id: str | int, coder: str | None = None) -> str:
        """The memo text a coder wrote on a target ('' when none)."""
        row = self.conn.execute(
            "SELECT text FROM memos WHERE target_type = ? AND target_id = ? AND coder = ?",
            (target_type, str(target_id), coder or self._coder)).fetchone()
        return row[0] if row else ""

    def set_memo(self, target_type: str, target_id: str | int, text: str) -> None:
        """Write (or with empty text, delete) the current coder's memo on a target."""
        if target_type == "coding":
            self.update_coding(int(target_id), memo=text)
            return
        key = {"target_type": target_type, "target_id": str(target_id), "coder": self._coder}
        row = self.conn.execute("SELECT id FROM memos WHERE target_type = ? AND target_id = ? AND coder = ?",
                                tuple(key.values())).fetchone()
        with self.action(f"Memo on {target_type} {target_id}") as act:
            if row and text:
                act.update("memos", {"id": row[0]}, {"text": text, "updated_at": now()})
            elif row:
                act.delete("memos", {"id": row[0]})
            elif text:
                act.insert("memos", {**key, "text": text, "created_at": now(), "updated_at": now()})

    # --- search and stats ----------------------------------------------------
    def search(self, query: str, *, limit: int = 200) -> list[SearchHit]:
        """Full-text search over turns (FTS5).

        Plain words must all match; "quoted words" are a phrase; ``lead*`` is a
        prefix; AND/OR/NOT work. Text that is not valid FTS5 syntax is searched
        as plain words rather than rejected.
        """
        sql = ("SELECT d.name, d.id, t.seq, t.start, t.\"end\", substr(d.text, t.start + 1, t.\"end\" - t.start), "
               "s.label, s.role FROM turns_fts f JOIN turns t ON t.id = f.rowid "
               "JOIN documents d ON d.id = t.document_id LEFT JOIN speakers s ON s.id = t.speaker_id "
               "WHERE turns_fts MATCH ? ORDER BY rank LIMIT ?")
        rows = []
        for match in dict.fromkeys(fts_queries(query)):
            try:
                rows = self.conn.execute(sql, (match, limit)).fetchall()
                break
            except sqlite3.OperationalError:
                continue
        return [SearchHit(document=r[0], document_id=r[1], turn=r[2], start=r[3], end=r[4], text=r[5],
                          speaker=r[6], role=r[7]) for r in rows]

    def stats(self) -> dict:
        """Counts per document and for the whole project (the shape of ``stats --json``)."""
        speakers: dict[int, list[dict]] = {}
        for doc_id, label, role, n in self.conn.execute(
                "SELECT s.document_id, s.label, s.role, count(t.id) FROM speakers s "
                "LEFT JOIN turns t ON t.speaker_id = s.id GROUP BY s.id ORDER BY s.document_id, s.id"):
            speakers.setdefault(doc_id, []).append({"name": label, "role": role, "turns": n})
        turn_counts = dict(self.conn.execute("SELECT document_id, count(*) FROM turns GROUP BY document_id"))
        docs = [{"name": d.name, "participant": d.participant, "attributes": d.attributes,
                 "turns": turn_counts.get(d.id, 0), "words": d.words,
                 "speakers": speakers.get(d.id, [])} for d in self.documents()]
        return {
            "documents": docs,
            "codes": self.conn.execute("SELECT count(*) FROM codes").fetchone()[0],
            "codings": self.conn.execute("SELECT count(*) FROM codings").fetchone()[0],
            "coders": sorted({r[0] for r in self.conn.execute("SELECT DISTINCT coder FROM codings")}),
        }

    # --- import ---------------------------------------------------------------
    def has_document(self, sha256: str) -> str | None:
        """Name of the document already imported with these bytes, if any."""
        row = self.conn.execute("SELECT name FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def add_document(self, parsed, roles: dict | None = None) -> int:
        """Store one parsed document with its speakers, turns and search index, atomically.

        ``parsed`` is an ``ingest.ParsedDocument``; ``roles`` maps a speaker
        label to ``(role, role_source)`` (unknown labels become participants).
        Runs in its own transaction unless one is open, so a failure leaves
        nothing of the document behind.
        """
        roles = roles or {}
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO documents(name, path, sha256, format, text, length, words, metadata, imported_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (parsed.name, parsed.path, parsed.sha256, parsed.format, parsed.text, len(parsed.text),
                 count_words(parsed.text, parsed.turns), dumps(parsed.metadata), now()))
            doc_id = cur.lastrowid
            speaker_ids: dict[str | None, int] = {}
            for turn in parsed.turns:
                if turn.speaker not in speaker_ids:
                    role, source = roles.get(turn.speaker, ("participant", "default"))
                    speaker_ids[turn.speaker] = self.conn.execute(
                        "INSERT INTO speakers(document_id, label, role, role_source) VALUES (?, ?, ?, ?)",
                        (doc_id, turn.speaker, role, source)).lastrowid
            self.conn.executemany(
                'INSERT INTO turns(document_id, seq, speaker_id, start, "end", time) VALUES (?, ?, ?, ?, ?, ?)',
                [(doc_id, seq, speaker_ids[t.speaker], t.start, t.end, t.time)
                 for seq, t in enumerate(parsed.turns, 1)])
            self.conn.execute(
                "INSERT INTO turns_fts(rowid, text) SELECT t.id, v.text FROM turns t "
                "JOIN turn_texts v ON v.id = t.id WHERE t.document_id = ?", (doc_id,))
        return doc_id

    def set_participant(self, document_id: int | None, label: str,
                        attributes: dict[str, str] | None = None) -> int:
        """Link a document (if given) to a participant (created if new) and set their attributes."""
        with self.transaction():
            self.conn.execute("INSERT OR IGNORE INTO participants(label) VALUES (?)", (label,))
            pid = self.conn.execute("SELECT id FROM participants WHERE label = ?", (label,)).fetchone()[0]
            for name, value in (attributes or {}).items():
                self.conn.execute("INSERT OR REPLACE INTO participant_attributes VALUES (?, ?, ?)",
                                  (pid, name, value))
            if document_id is not None:
                self.conn.execute("UPDATE documents SET participant_id = ? WHERE id = ?", (pid, document_id))
        return pid

    def import_paths(self, paths, *, participants_csv=None, encoding: str | None = None,
                     max_bytes: int | None = None, progress=None, cancel=None):
        """Import transcript files and folders; returns an ``ImportReport``.

        Each file lands in its own transaction or not at all; files already
        imported (same SHA-256) are skipped; speaker roles are re-detected over
        the whole project afterwards; ``participants_csv`` rows then create
        participants with attributes and link documents by file name.
        """
        from evalbench.ingest.batch import import_batch
        from evalbench.ingest.files import DEFAULT_MAX_BYTES

        return import_batch(self, paths, participants_csv=participants_csv, encoding=encoding,
                            max_bytes=max_bytes or DEFAULT_MAX_BYTES, progress=progress, cancel=cancel)

    def refresh_roles(self, known: dict | None = None) -> int:
        """Re-detect speaker roles across all documents, keeping roles the user set.

        A name recurring in several interviews marks the interviewer, so roles
        can change as documents arrive. ``known`` maps a document id to its
        ingest ``speaker_counts`` to save re-reading that text. Returns the
        number of speakers whose role changed.
        """
        from evalbench.ingest.roles import detect_roles_from_counts, speaker_counts

        counts = dict(known or {})
        for (doc_id,) in self.conn.execute("SELECT id FROM documents").fetchall():
            if doc_id in counts:
                continue
            text = self.document_text(doc_id)
            by_speaker: dict[str | None, list[str]] = {}
            for label, start, end in self.conn.execute(
                    'SELECT s.label, t.start, t."end" FROM turns t LEFT JOIN speakers s ON s.id = t.speaker_id '
                    "WHERE t.document_id = ?", (doc_id,)):
                by_speaker.setdefault(label, []).append(text[start:end])
            counts[doc_id] = speaker_counts(list(by_speaker.items()))
        roles = detect_roles_from_counts({str(k): v for k, v in counts.items()})
        changed = 0
        with self.transaction():
            for sid, doc_id, label, role, source in self.conn.execute(
                    "SELECT id, document_id, label, role, role_source FROM speakers "
                    "WHERE role_source != 'user'").fetchall():
                new = roles.get((str(doc_id), label))
                if new and new != (role, source):
                    self.conn.execute("UPDATE speakers SET role = ?, role_source = ? WHERE id = ?", (*new, sid))
                    changed += 1
        return changed

    def apply_participants(self, rows) -> list[str]:
        """Create participants and attributes from participants-CSV rows, linking documents.

        A row's ``document`` matches an imported file name (case-insensitive,
        extension optional). Returns a warning for each document not found.
        """
        by_name: dict[str, list[int]] = {}
        for doc_id, name in self.conn.execute("SELECT id, name FROM documents").fetchall():
            by_name.setdefault(name.lower(), []).append(doc_id)
            by_name.setdefault(Path(name).stem.lower(), []).append(doc_id)
        warnings = []
        with self.transaction():
            for row in rows:
                ids = by_name.get(Path(row.document).name.lower(), []) if row.document else [None]
                if not ids:
                    warnings.append(f"participants file: document '{row.document}' of participant "
                                    f"{row.participant} is not in the project")
                    ids = [None]
                for doc_id in dict.fromkeys(ids):
                    self.set_participant(doc_id, row.participant, row.attributes)
        return warnings


    # --- codebook -------------------------------------------------------------
    # Thin wrappers over evalbench.codebook.ops; each change is one undoable action.
    def codebook(self):
        """The project's codes as an ``evalbench.codebook.Codebook``."""
        from evalbench.codebook.ops import project_codebook

        return project_codebook(self)

    def add_code(self, code: Code) -> Code:
        """Add one code at the end of its parent's children."""
        from evalbench.codebook.ops import add_code

        return add_code(self, code)

    def update_code(self, code_id: str, **changes) -> Code:
        """Edit a code's name, definition, criteria, examples, keywords, colour or valence."""
        from evalbench.codebook.ops import update_code

        return update_code(self, code_id, **changes)

    def rename_code(self, code_id: str, name: str) -> Code:
        return self.update_code(code_id, name=name)

    def move_code(self, code_id: str, parent_id: str | None) -> Code:
        """Move a code and its subtree under ``parent_id`` (None: top level)."""
        from evalbench.codebook.ops import move_code

        return move_code(self, code_id, parent_id)

    def remove_code(self, code_id: str) -> None:
        """Delete a code that has no codings and no children."""
        from evalbench.codebook.ops import remove_code

        remove_code(self, code_id)

    def merge_codes(self, sources: list[str], target: str) -> dict:
        """Merge codes into ``target``, moving their codings (memo records 'merged from')."""
        from evalbench.codebook.ops import merge_codes

        return merge_codes(self, sources, target)

    def split_code(self, code_id: str, into: list[tuple[str, str]], *, as_children: bool = False,
                   codings_to: str | None = None) -> list[Code]:
        """Create new codes [(id, name)] from one; codings stay unless ``codings_to``."""
        from evalbench.codebook.ops import split_code

        return split_code(self, code_id, into, as_children=as_children, codings_to=codings_to)

    def pull_codebook(self, source, *, dry_run: bool = False):
        """Update the codebook from a shared file (or Codebook); used codes are kept, reported."""
        from evalbench.codebook import Codebook, load_codebook
        from evalbench.codebook.ops import pull_codebook

        book = source if isinstance(source, Codebook) else load_codebook(source)
        return pull_codebook(self, book, dry_run=dry_run, label=f"Pull codebook from {Path(book.source).name}")

    def push_codebook(self, path: str | Path, fmt: str | None = None):
        """Write the codebook to a shared file (keeping its comments); returns the file's diff."""
        from evalbench.codebook.ops import push_codebook

        return push_codebook(self, path, fmt)

    # --- suggestions ----------------------------------------------------------
    # Thin: the work is in evalbench/suggest/ (see service.py).
    def suggest_turn(self, turn_id: int, *, k: int = 3) -> list:
        """Top ``k`` suggested codes for one participant turn, stored as open suggestions.

        Leaves out codes the current coder already applied to the turn or rejected for it.
        """
        from evalbench.suggest import service

        return service.suggest_turn(self, turn_id, k=k)

    def suggestions(self, *, document: int | str | None = None) -> list:
        """Refresh suggestions for participant turns and return the open ones, best first per turn."""
        from evalbench.suggest import service

        return service.suggestions(self, document=document)

    def accept_suggestion(self, suggestion_id: int, *, valence: str | None = None) -> int:
        """Code the suggested turn (origin 'suggestion'); one undoable action. Returns the coding id."""
        from evalbench.suggest import service

        return service.accept(self, suggestion_id, valence=valence)

    def reject_suggestion(self, suggestion_id: int) -> None:
        """Reject a suggestion; undoable, remembered, and a negative example for training."""
        from evalbench.suggest import service

        service.reject(self, suggestion_id)

    def train_suggester(self, *, progress=None, cancel=None):
        """Retrain the suggestion model from human coding and store it in the project (TrainReport)."""
        from evalbench.suggest import service

        return service.train_suggester(self, progress=progress, cancel=cancel)

    def suggester_stale(self) -> bool:
        """True when coding changed since the model was trained (cheap; for background retraining)."""
        from evalbench.suggest import service

        return service.stale(self)

    def set_suggest_pipeline(self, name: str | None) -> None:
        """Use an installed spaCy pipeline for suggestions (None: blank English). Never downloads."""
        from evalbench.suggest import service

        service.set_pipeline(self, name)

    def evaluate_suggester(self, *, coder: str | None = None, folds: int = 5, progress=None,
                           cancel=None) -> dict:
        """k-fold cross-validation of model, rules and a most-frequent baseline against human coding."""
        from evalbench.suggest.evaluate import evaluate_project

        return evaluate_project(self, coder=coder, folds=folds, progress=progress, cancel=cancel)

    # --- analysis and export --------------------------------------------------
    # REFI-QDA project exchange (.qdpx): see evalbench/refi and docs/refi-qda.md.
    def export_qdpx(self, out: str | Path, *, coder: str | None = None, progress=None, cancel=None) -> dict:
        """Write the project (or one coder's codings and memos) as a REFI-QDA .qdpx archive.

        Valid against the REFI-QDA 1.0 project schema; an unchanged project
        exports byte-identically. Returns counts of what was written.
        """
        from evalbench.refi.qdpx_export import export_qdpx

        return export_qdpx(self, out, coder=coder, progress=progress, cancel=cancel)

    @classmethod
    def from_qdpx(cls, path: str | Path, qdpx: str | Path, *, progress=None, cancel=None,
                  report=None) -> Project:
        """Create the project ``path`` from a .qdpx (NVivo, ATLAS.ti, MAXQDA, QualCoder, evalbench).

        The archive is checked completely before anything is written, and a
        failed or cancelled import leaves no project file behind. ``report``
        (an ``ImportReport``) collects imported documents and warnings.
        """
        from evalbench.refi.qdpx_import import import_qdpx

        return import_qdpx(path, qdpx, progress=progress, cancel=cancel, report=report)

    def code_from_csv(self, path: str | Path, *, coder: str | None = None) -> int:
        """Apply a codings spreadsheet (see :mod:`evalbench.bulkcode`); all rows or none.

        Returns the number of codings added (rows already in the project are skipped).
        """
        from evalbench.bulkcode import code_from_csv

        return code_from_csv(self, path, coder=coder)

    def codings_frame(self, coder: str | None = None):
        """Every coding (of ``coder``, or of all coders) as a DataFrame with its context.

        Returns ``(frame, tree)``; see :mod:`evalbench.analysis.frame` for the columns.
        The frame is cached until the project changes (a write through this
        connection or a commit by another), so a matrix and then its quotes
        read the store once.
        """
        from evalbench.analysis.frame import CodeTree, codings_frame

        key = (coder, self.conn.total_changes, self.conn.execute("PRAGMA data_version").fetchone()[0])
        cached = getattr(self, "_analysis_cache", None)
        if cached is None or cached[0] != key:
            tree = CodeTree.of(self.codes())
            cached = self._analysis_cache = (key, codings_frame(self.conn, tree, coder=coder), tree)
        return cached[1].copy(deep=False), cached[2]

    def frequencies(self, by: str | None = None, coder: str | None = None, *, level: str = "code",
                    all_codes: bool = False):
        """Per code: codings, documents, participants, codings by valence (+ participants per ``by`` value)."""
        from evalbench.analysis.tables import frequencies

        frame, tree = self.codings_frame(coder)
        return frequencies(frame, tree, by=by, level=level, all_codes=all_codes)

    def matrix(self, by: str = "participant", coder: str | None = None, *, level: str = "construct",
               value: str = "codings"):
        """Codes × participants (or role, site, any attribute); cells count codings or participants."""
        from evalbench.analysis.tables import matrix

        frame, tree = self.codings_frame(coder)
        return matrix(frame, tree, by=by, level=level, value=value, columns=self.group_values(by))

    def group_values(self, by: str) -> list[str]:
        """Every participant (or attribute value) in the project, coded or not, for matrix columns."""
        if by == "participant":
            return sorted({d.participant or d.name for d in self.documents()})
        if by == "document":
            return sorted(d.name for d in self.documents())
        return sorted({p.attributes[by] for p in self.participants() if p.attributes.get(by)})

    def matrix_quotes(self, code_id: str, by: str = "participant", value: str | None = None,
                      coder: str | None = None, *, level: str = "construct"):
        """The excerpts behind one matrix cell (a list of :class:`evalbench.model.Quote`)."""
        from evalbench.analysis.tables import matrix_quotes

        frame, tree = self.codings_frame(coder)
        return matrix_quotes(frame, tree, code_id, by=by, value=value, level=level)

    def cooccurrence(self, coder: str | None = None, *, level: str = "code"):
        """Code × code: participant turns coded with both (diagonal: turns coded with each)."""
        from evalbench.analysis.tables import cooccurrence

        frame, tree = self.codings_frame(coder)
        return cooccurrence(frame, tree, level=level)

    def rapid_matrix(self, level: str = "domain", coder: str | None = None):
        """Rapid-analysis matrix: participants × domains (or constructs); cells are the summaries
        the current coder wrote (memos on target 'cell', see :meth:`set_cell_summary`)."""
        from evalbench.analysis.rapid import rapid_matrix

        frame, tree = self.codings_frame(coder)
        memos = dict(self.conn.execute("SELECT target_id, text FROM memos WHERE target_type = 'cell' "
                                       "AND coder = ?", (self._coder,)))
        return rapid_matrix(frame, tree, memos, level=level,
                            participants=[p.label for p in self.participants()])

    def set_cell_summary(self, participant: str, code_id: str, text: str) -> None:
        """Write the current coder's rapid-analysis summary for one participant × code cell."""
        from evalbench.analysis.rapid import cell_key

        self.code(code_id)
        self.set_memo("cell", cell_key(participant, code_id), text)

    def cell_summary(self, participant: str, code_id: str) -> str:
        """The current coder's rapid-analysis summary of one cell ('' when none)."""
        from evalbench.analysis.rapid import cell_key

        return self.memo("cell", cell_key(participant, code_id))

    def rapid_cell(self, participant: str, code_id: str, *, level: str = "domain", coder: str | None = None):
        """One rapid-analysis cell: ``(summary, quotes)`` for a participant and a domain or construct."""
        quotes = self.matrix_quotes(code_id, "participant", participant, coder, level=level)
        return self.cell_summary(participant, code_id), quotes

    def exemplar_quotes(self, code_id: str, n: int = 3, *, valence: str | None = None,
                        coder: str | None = None, level: str = "construct"):
        """Quotes for a code (its subcodes included at construct/domain level): starred first,
        then proposed ones (see :mod:`evalbench.analysis.exemplars`)."""
        from evalbench.analysis.exemplars import pick_exemplars
        from evalbench.analysis.frame import with_level
        from evalbench.analysis.tables import quote_from_record

        self.code(code_id)
        frame, tree = self.codings_frame(coder)
        frame = with_level(frame, tree, level)
        frame = frame[frame["unit"] == code_id]
        if valence is not None:
            frame = frame[frame["valence"] == valence]
        return [quote_from_record(r) for r in pick_exemplars(frame.to_dict("records"), n)]

    def star_coding(self, coding_id: int, starred: bool = True) -> None:
        """Mark (or unmark) a coding as an exemplar quote; one undoable action."""
        self.update_coding(coding_id, starred=starred)

    def propose_ratings(self, scope: str = "participant", coder: str | None = None, *,
                        level: str = "construct"):
        """Proposed CFIR ratings per construct × participant or site, beside the stored ones.

        Columns: code_id, code, scope_type, scope_value, proposed, rationale,
        rating (the current coder's stored rating or None), confirmed. The rules
        are in :mod:`evalbench.analysis.ratings`.
        """
        from evalbench.analysis.ratings import propose_all

        frame, tree = self.codings_frame(coder)
        table = propose_all(frame, tree, scope, level=level)
        stored = {(r.code_id, r.scope_value): r for r in self.ratings(scope)}
        table["rating"] = [getattr(stored.get((c, v)), "rating", None)
                           for c, v in zip(table["code_id"], table["scope_value"], strict=True)]
        table["confirmed"] = [bool(getattr(stored.get((c, v)), "confirmed", False))
                              for c, v in zip(table["code_id"], table["scope_value"], strict=True)]
        return table

    def ratings(self, scope: str | None = None, coder: str | None = None) -> list:
        """Stored ratings (:class:`evalbench.model.Rating`) of a coder (default: the current one)."""
        from evalbench.model import Rating

        sql = ("SELECT code_id, scope_type, scope_value, rating, rationale, proposed, confirmed, coder "
               "FROM ratings WHERE coder = ?")
        args: list = [coder or self._coder]
        if scope is not None:
            sql += " AND scope_type = ?"
            args.append(scope)
        return [Rating(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7])
                for r in self.conn.execute(sql + " ORDER BY code_id, scope_value", args)]

    def set_rating(self, code_id: str, scope: str, value: str, rating: str | None, *,
                   rationale: str | None = None, coder: str | None = None) -> None:
        """Confirm or change one rating (``rating=None`` removes it); one undoable action.

        The proposal at this moment is stored beside it, and its rationale is
        kept unless ``rationale`` is given.
        """
        from evalbench.analysis.ratings import RATINGS, propose, scope_column

        scope_column(scope)
        self.code(code_id)
        if rating is not None and rating not in RATINGS:
            raise UserError(f"rating must be one of {', '.join(RATINGS)}, not {rating!r}")
        from evalbench.analysis.frame import with_level

        frame, tree = self.codings_frame(coder)
        frame = with_level(frame, tree, "construct" if tree.depth(code_id) <= 1 else "code")
        rows = frame[(frame["unit"] == code_id) & (frame[scope].astype(str) == str(value))]
        proposed, why = propose(rows, scope)
        key = (code_id, scope, str(value), self._coder)
        row = self.conn.execute("SELECT id FROM ratings WHERE code_id = ? AND scope_type = ? AND "
                                "scope_value = ? AND coder = ?", key).fetchone()
        label = f"Rate {code_id} for {scope} {value}"
        with self.action(label) as act:
            if rating is None:
                if row:
                    act.delete("ratings", {"id": row[0]})
                return
            values = {"rating": rating, "rationale": why if rationale is None else rationale,
                      "proposed": proposed, "confirmed": 1, "updated_at": now()}
            if row:
                act.update("ratings", {"id": row[0]}, values)
            else:
                act.insert("ratings", {"code_id": code_id, "scope_type": scope, "scope_value": str(value),
                                       "coder": self._coder, **values})

    def theme_rows(self, coder: str | None = None, *, level: str = "construct", quotes: int = 2):
        """The manuscript theme table's rows (:class:`evalbench.analysis.themes.ThemeRow`)."""
        from evalbench.analysis.themes import theme_rows

        frame, tree = self.codings_frame(coder)
        return theme_rows(frame, tree, level=level, quotes=quotes)

    def export(self, fmt: str, out: str | Path, *, by: str | None = None, coder: str | None = None,
               progress=None, cancel=None, **options) -> Path:
        """Write an export (docx, xlsx, csv, md or qdpx) to ``out``; returns the path written.

        See :mod:`evalbench.export` for what each format holds.
        """
        from evalbench.export import export

        return export(self, fmt, Path(out), by=by, coder=coder, progress=progress, cancel=cancel,
                      **options)

    # --- workbench (TUI) support ------------------------------------------------
    def document_progress(self, coder: str | None = None) -> dict[int, tuple[int, int, int, int]]:
        """Per document id: (turns, participant turns, participant turns the coder coded, codings).

        What the documents screen shows for every transcript; aggregated here so
        that opening a 200-document project does not build every Turn object.
        """
        return queries.document_progress(self.conn, coder or self._coder)

    # --- team: agreement, merge, consensus -----------------------------------
    def team_coders(self, *, exclude: tuple[str, ...] = ("consensus",)) -> list[str]:
        """Coders with at least one coding, most codings first (the consensus coder left out)."""
        rows = self.conn.execute("SELECT coder, count(*) AS n FROM codings GROUP BY coder ORDER BY n DESC, coder")
        return [r[0] for r in rows if r[0] not in exclude]

    def agreement(self, coders: list[str], *, unit: str = "turn",
                  include_interviewer: bool = False) -> AgreementReport:
        """Intercoder agreement (percent, Cohen's κ, Krippendorff's α) per code and overall.

        ``unit`` is 'turn' (participant turns) or 'char' (characters, as NVivo
        reports it). See :mod:`evalbench.analysis.agreement` for the rules.
        """
        from evalbench.analysis.agreement import compute_agreement

        return compute_agreement(self.conn, coders, unit=unit,
                                 include_interviewer=include_interviewer, where=self.path.name)

    def disagreements(self, coders: list[str], *, code: str | None = None, unit: str = "turn",
                      include_interviewer: bool = False) -> list[Disagreement]:
        """The units on which ``coders`` differ (only for ``code`` if given), in document order."""
        from evalbench.analysis.disagreements import list_disagreements

        return list_disagreements(self.conn, coders, code=code, unit=unit,
                                  include_interviewer=include_interviewer, where=self.path.name)

    def resolve_disagreement(self, d: Disagreement, decision: str, *,
                             consensus_coder: str = "consensus") -> list[int]:
        """Resolve a disagreement into the consensus coder's coding; one undoable action.

        ``decision`` is 'keep_a', 'keep_b', 'both' or 'neither' (A and B are the
        first two coders compared). Returns the ids of the consensus codings made.
        """
        from evalbench.team.consensus import resolve

        return resolve(self, d, decision, consensus_coder=consensus_coder)

    def adopt_agreed(self, coders: list[str], *, include_interviewer: bool = False,
                     consensus_coder: str = "consensus") -> int:
        """Give the consensus coder every turn × code all ``coders`` applied; one undoable action.

        Together with :meth:`resolve_disagreement` this completes the consensus
        coding. Returns the number of codings added (0 when run again).
        """
        from evalbench.team.consensus import adopt_agreed

        return adopt_agreed(self, coders, include_interviewer=include_interviewer,
                            consensus_coder=consensus_coder)

    def merge(self, sources: list[str | Path], *, progress=None, cancel=None):
        """Bring other projects (.evb) or REFI-QDA exports (.qdpx) into this one.

        Returns a :class:`evalbench.team.merge.MergeReport`; see that module for the rules.
        """
        from evalbench.team.merge import merge_sources

        return merge_sources(self, [Path(s) for s in sources], progress=progress, cancel=cancel)


_FTS_SYNTAX = re.compile(r'["*]|\b(AND|OR|NOT|NEAR)\b')


def fts_queries(query: str) -> list[str]:
    """FTS5 queries to try for what a user typed, most literal reading first.

    Text using FTS5 syntax (quotes, ``*``, AND/OR/NOT/NEAR) is tried as is;
    the fallback quotes every word, so punctuation never becomes syntax.
    """
    query = query.strip()
    words = " ".join('"' + w + '"' for w in re.findall(r"\w+", query))
    out = [query] if query and _FTS_SYNTAX.search(query) else []
    return out + ([words] if words else [])


def dumps(value) -> str:
    """Stable JSON for storing lists and dicts in TEXT columns."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def count_words(text: str, turns) -> int:
    """Words in the turns' content (the whole text when there are no turns)."""
    if not turns:
        return len(text.split())
    return sum(len(text[t.start:t.end].split()) for t in turns)
