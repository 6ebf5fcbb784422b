"""SQL for speakers (a label within one document and its role) and speaker turns (spans of the text).

A turn's text is never stored twice: it is the slice ``[start, end)`` of its
document's immutable text. Reads that need turn texts slice them in SQLite
only a batch of turns at a time (:meth:`Turns.with_texts`), since 200,000
turns' texts held 150 MB.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable

from evalbench.model import Speaker, Turn, TurnText
from evalbench.store.repo import CHUNK, Repository, marks

_TURN_SQL = (
    "SELECT t.id, t.document_id, t.seq, s.label, COALESCE(s.role, 'participant'), t.start, t.\"end\", "
    "t.time FROM turns t LEFT JOIN speakers s ON s.id = t.speaker_id"
)


class Speakers(Repository):
    """Speakers of each document and their roles."""

    def list(self, document_id: int | None = None) -> list[Speaker]:
        sql = "SELECT id, document_id, label, role, role_source FROM speakers"
        args: tuple = ()
        if document_id is not None:
            sql += " WHERE document_id = ?"
            args = (document_id,)
        return [Speaker(*r) for r in self._conn.execute(sql + " ORDER BY document_id, id", args)]

    def named(self, speaker_id: int) -> tuple[str | None, str] | None:
        """(speaker label, document name) of a speaker, or None when there is no such speaker."""
        row = self._conn.execute(
            "SELECT s.label, d.name FROM speakers s JOIN documents d ON d.id = s.document_id WHERE s.id = ?",
            (speaker_id,),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def roles(self) -> dict[int, dict[str | None, tuple[str, str]]]:
        """Every document's speakers: document id -> {label: (role, role_source)}."""
        out: dict[int, dict[str | None, tuple[str, str]]] = {}
        for doc_id, label, role, source in self._conn.execute(
            "SELECT document_id, label, role, role_source FROM speakers ORDER BY document_id, id"
        ):
            out.setdefault(doc_id, {})[label] = (role, source)
        return out

    def set_roles(self, changes: Iterable[tuple[int, str | None, str, str]]) -> int:
        """Apply (document id, label, role, role_source) changes, never to a role the user set; returns how many.

        Runs inside the caller's transaction (role detection is not an undoable action).
        """
        changed = 0
        for doc_id, label, role, source in changes:
            changed += self._conn.execute(
                "UPDATE speakers SET role = ?, role_source = ? WHERE document_id = ? AND label IS ? "
                "AND role_source != 'user' AND (role != ? OR role_source != ?)",
                (role, source, doc_id, label, role, source),
            ).rowcount
        return changed


class Turns(Repository):
    """Speaker turns: as :class:`~evalbench.model.Turn`, with their texts, or as bare spans for counting."""

    def list(self, document_id: int | None = None) -> list[Turn]:
        if document_id is None:
            rows = self._conn.execute(_TURN_SQL + " ORDER BY t.document_id, t.seq")
        else:
            rows = self._conn.execute(_TURN_SQL + " WHERE t.document_id = ? ORDER BY t.seq", (document_id,))
        return [Turn(*r) for r in rows]

    def at(self, document_id: int, offset: int) -> Turn | None:
        """The turn containing character ``offset`` of a document, if any."""
        row = self._conn.execute(
            _TURN_SQL + ' WHERE t.document_id = ? AND t.start <= ? AND t."end" > ? ORDER BY t.start DESC LIMIT 1',
            (document_id, offset, offset),
        ).fetchone()
        return Turn(*row) if row else None

    def exists(self, turn_id: int) -> bool:
        return self._conn.execute("SELECT 1 FROM turns WHERE id = ?", (turn_id,)).fetchone() is not None

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM turns").fetchone()[0])

    def key(self) -> tuple[int, int, float]:
        """(turns, largest turn id, a sum over speaker roles): changes when turns or roles change (for caches)."""
        row = self._conn.execute(
            "SELECT count(*), coalesce(max(id), 0), (SELECT total(id * length(role)) FROM speakers) FROM turns"
        ).fetchone()
        return (row[0], row[1], row[2])

    def participant_texts(
        self,
        document_id: int | None = None,
        turn_id: int | None = None,
        turn_ids: builtins.list[int] | None = None,
        *,
        with_text: bool = True,
    ) -> builtins.list[TurnText]:
        """Participant turns (optionally of one document, one turn or a few) with their text.

        ``with_text=False`` leaves ``text`` empty: over 200,000 turns the texts
        alone held 150 MB, so long passes read them a batch at a time
        (:meth:`with_texts`).
        """
        text = 'substr(d.text, t.start + 1, t."end" - t.start)' if with_text else "''"
        sql = (
            f'SELECT t.id, t.document_id, t.seq, t.start, t."end", {text} FROM turns t '
            "JOIN documents d ON d.id = t.document_id LEFT JOIN speakers s ON s.id = t.speaker_id "
            "WHERE COALESCE(s.role, 'participant') = 'participant'"
        )
        args: list = []
        if document_id is not None:
            sql += " AND t.document_id = ?"
            args.append(document_id)
        if turn_id is not None:
            sql += " AND t.id = ?"
            args.append(turn_id)
        if turn_ids is not None:
            sql += f" AND t.id IN ({marks(turn_ids)})"
            args.extend(turn_ids)
        return [TurnText(*r) for r in self._conn.execute(sql + " ORDER BY t.document_id, t.seq", args)]

    def with_texts(self, turns: builtins.list[TurnText]) -> builtins.list[TurnText]:
        """The same turns with their texts read (for turns listed without them)."""
        if not turns or all(t.text for t in turns):
            return turns
        texts: dict[int, str] = {}
        ids = [t.id for t in turns]
        for lo in range(0, len(ids), CHUNK):
            part = ids[lo : lo + CHUNK]
            texts.update(
                self._conn.execute(
                    'SELECT t.id, substr(d.text, t.start + 1, t."end" - t.start) FROM turns t '
                    f"JOIN documents d ON d.id = t.document_id WHERE t.id IN ({marks(part)})",
                    part,
                )
            )
        return [TurnText(t.id, t.document_id, t.seq, t.start, t.end, texts.get(t.id, "")) for t in turns]

    def spans(self) -> builtins.list[tuple[int, int, int, int, str | None, str | None]]:
        """(document id, start, end, seq, speaker label, speaker role) of every turn, by document and start."""
        return self._conn.execute(
            'SELECT t.document_id, t.start, t."end", t.seq, s.label, s.role FROM turns t '
            "LEFT JOIN speakers s ON s.id = t.speaker_id ORDER BY t.document_id, t.start"
        ).fetchall()

    def units(
        self, document_ids: builtins.list[int], *, include_interviewer: bool
    ) -> builtins.list[tuple[int, int, int, int, int]]:
        """(turn id, document id, seq, start, end) of the non-empty turns of some documents, by document and start.

        Only participant turns (a turn with no speaker counts) unless ``include_interviewer``.
        """
        docs = ",".join(str(int(d)) for d in document_ids) or "NULL"  # integers inline: any number of documents
        role = "" if include_interviewer else " AND COALESCE(s.role, 'participant') = 'participant'"
        return self._conn.execute(
            f'SELECT t.id, t.document_id, t.seq, t.start, t."end" FROM turns t '
            f"LEFT JOIN speakers s ON s.id = t.speaker_id WHERE t.document_id IN ({docs}) "
            f'AND t."end" > t.start{role} ORDER BY t.document_id, t.start'
        ).fetchall()

    def interviewer_spans(
        self, document_ids: Iterable[int]
    ) -> dict[int, tuple[builtins.list[int], builtins.list[int]]]:
        """document id -> (starts, ends) of its interviewer turns, in text order.

        Only these are read (half the turns, and no join per turn): 29 ms instead of
        74 ms for every turn with its role at 200 interviews.
        """
        ids = list(document_ids)
        out: dict[int, tuple[list[int], list[int]]] = {}
        rows = self._conn.execute(
            f'SELECT document_id, start, "end" FROM turns WHERE document_id IN ({marks(ids)}) '
            "AND speaker_id IN (SELECT id FROM speakers WHERE role = 'interviewer') ORDER BY document_id, start",
            ids,
        )
        for doc, start, end in rows:
            starts, ends = out.setdefault(doc, ([], []))
            starts.append(start)
            ends.append(end)
        return out

    def participant_spans(self) -> dict[int, tuple[builtins.list[int], builtins.list[int]]]:
        """document id -> (starts, ends) of its participant turns (a turn with no speaker counts), in text order."""
        out: dict[int, tuple[list[int], list[int]]] = {}
        rows = self._conn.execute(
            'SELECT document_id, start, "end" FROM turns WHERE "end" > start AND (speaker_id IS NULL OR speaker_id '
            "NOT IN (SELECT id FROM speakers WHERE role = 'interviewer')) ORDER BY document_id, start"
        )
        for doc, start, end in rows:
            starts, ends = out.setdefault(doc, ([], []))
            starts.append(start)
            ends.append(end)
        return out
