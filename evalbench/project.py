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

from evalbench.analysis.facade import AnalysisFacade
from evalbench.codebook.facade import CodebookFacade
from evalbench.errors import ProjectError, UserError
from evalbench.findings.service import ThemeService
from evalbench.ingest.facade import ImportFacade
from evalbench.ingest.words import count_turn_words
from evalbench.model import Code, Coding, Document, Participant, SearchHit, Speaker, Turn
from evalbench.refi.facade import RefiFacade
from evalbench.store import describe, documents, positions, queries, undo
from evalbench.store.db import connect, now, write_transaction
from evalbench.store.schema import ROLES, VALENCES
from evalbench.suggest.facade import SuggestFacade
from evalbench.team.facade import TeamFacade


def default_coder() -> str:
    """The coder name used when none is given and no project remembers one."""
    return choose_coder(None, None)


def choose_coder(given: str | None, remembered: str | None) -> str:
    """Who is coding: ``--coder`` > $EVALBENCH_CODER > the coder remembered in the project > login name.

    A project file travels between team members, so the name it remembers
    must not override the one a person set for themselves in their shell.
    """
    return (given or os.environ.get("EVALBENCH_CODER") or remembered or getpass.getuser()
            or "coder")


class Project(ImportFacade, CodebookFacade, SuggestFacade, RefiFacade, AnalysisFacade, TeamFacade):
    """An open evalbench project file.

    The core (this module) holds the lifecycle, transactions and undo, and the
    documents, codes, codings, memos and search that every area shares. Each
    area adds its methods through a mixin in its own package's ``facade.py``,
    so the CLI and the TUI still see one façade.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, coder: str | None = None) -> None:
        self.path = Path(path)
        self.conn = conn
        self._coder = choose_coder(coder, self.meta("last_coder"))
        self.themes = ThemeService(conn, self.path.name, self.action)  # findings: evalbench/findings/

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
            if coder:
                project._set_meta("last_coder", coder)
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

    def known_coder(self, coder: str | None) -> str | None:
        """``coder`` (or None) if this project knows that coder, else a UserError naming those it knows."""
        if coder is not None and coder not in (known := self.coders()):
            raise UserError(f"{self.path.name}: no coder {coder!r} (coders: {', '.join(known) or 'none'})")
        return coder

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
        row = self.conn.execute("SELECT s.label, d.name FROM speakers s JOIN documents d ON d.id = s.document_id "
                                "WHERE s.id = ?", (speaker_id,)).fetchone()
        if row is None:
            raise UserError(f"{self.path.name}: no speaker with id {speaker_id}")
        with self.action(f"Set role of {row[0] or 'unlabelled text'} in {row[1]} to {role}") as act:
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

    def recent_codes(self, n: int = 5) -> list[str]:
        """The codes the current coder applied most recently, newest first (the picker lists them first)."""
        # The newest 200 codings, read backwards along the coder index: constant time at any size.
        rows = self.conn.execute("SELECT code_id FROM codings WHERE coder = ? ORDER BY id DESC LIMIT 200",
                                 (self._coder,))
        return list(dict.fromkeys(r[0] for r in rows))[:n]

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
        with self.action(f"Code {describe.span_words(self.conn, document_id, start, end, code_id)}") as act:
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
        with self.action(self._coding_change_label(current, changes)) as act:
            act.update("codings", {"id": coding_id}, changes)

    def _coding_change_label(self, current: Coding, changes: dict) -> str:
        """'Mark Culture, P03 “we never had…” as barrier': the undo label of a coding change, in the user's words."""
        words = describe.coding_words(self.conn, current.id)
        if set(changes) == {"valence"}:
            v = changes["valence"]
            return f"Clear the valence of {words}" if v == "none" else f"Mark {words} as {v}"
        if set(changes) == {"code_id"}:
            return f"Recode {words} as {describe.code_label(self.conn, changes['code_id'])}"
        if set(changes) == {"memo"}:
            return f"Memo on {words}" if changes["memo"] else f"Delete the memo on {words}"
        if set(changes) == {"starred"}:
            return f"{'Star' if changes['starred'] else 'Unstar'} {words}"
        if set(changes) <= {"start", "end"}:
            return f"Resize {words}"
        return f"Change {', '.join(sorted(changes))} of {words}"

    def remove_coding(self, coding_id: int) -> None:
        """Delete a coding; one undoable action."""
        self.coding(coding_id)
        with self.action(f"Remove {describe.coding_words(self.conn, coding_id)}") as act:
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
        what = describe.memo_target_words(self.conn, target_type, target_id)
        kind = "summary of" if target_type == "cell" else "memo on"  # a cell's memo is its rapid-analysis summary
        with self.action(f"{kind.capitalize()} {what}" if text else f"Delete the {kind} {what}") as act:
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
        return documents.document_by_sha256(self.conn, sha256)

    def add_document(self, parsed, roles: dict | None = None, *, words: int | None = None) -> int:
        """Store one parsed document with its speakers, turns and search index, atomically.

        ``parsed`` is an ``ingest.ParsedDocument``; ``roles`` maps a speaker
        label to ``(role, role_source)`` (unknown labels become participants);
        ``words`` is its word count when the caller has it already. Runs in its
        own transaction unless one is open, so a failure leaves nothing of the
        document behind.
        """
        if words is None:
            words = count_words(parsed.text, parsed.turns)
        with self.transaction():
            return documents.insert_document(self.conn, parsed, roles or {}, words=words, imported_at=now())

    def set_participant(self, document_id: int | None, label: str,
                        attributes: dict[str, str] | None = None) -> int:
        """Link a document (if given) to a participant (created if new) and set their attributes."""
        with self.transaction():
            return documents.link_participant(self.conn, document_id, label, attributes)

    # --- workbench (TUI) support ------------------------------------------------
    def document_progress(self, coder: str | None = None) -> dict[int, tuple[int, int, int, int]]:
        """Per document id: (turns, participant turns, participant turns the coder coded, codings).

        What the documents screen shows for every transcript; aggregated here so
        that opening a 200-document project does not build every Turn object.
        """
        return queries.document_progress(self.conn, coder or self._coder)

    def reading_position(self, document_id: int) -> int | None:
        """Where the current coder left off in a document (a document offset), or None."""
        return positions.get(self.conn, self._coder, document_id)

    def set_reading_position(self, document_id: int, offset: int) -> None:
        """Remember where the current coder is in a document; not an undoable change (undo never moves you)."""
        with self.transaction():
            positions.put(self.conn, self._coder, document_id, offset)

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
    """Words in the turns' content (the whole text when there are no turns); CJK counts per character."""
    return count_turn_words(text, turns)
