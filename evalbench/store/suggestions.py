"""SQL for suggestions: codes proposed for turns, with the provenance needed to disclose AI assistance.

Open suggestions are machine output, refreshed in place (not through the undo
log); only a coder's accept or reject is an undoable action. A refreshed turn
keeps one open row per code: an existing row is updated, a new code is
inserted, and a code that dropped out is deleted unless an action in the undo
log changed it (so that redoing an accept still finds its suggestion).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from typing import Protocol

from evalbench.model import Suggestion, TurnText
from evalbench.store.db import now
from evalbench.store.repo import CHUNK, Repository, marks

SUGGESTION_COLS = (
    'id, document_id, turn_id, start, "end", code_id, score, valence, evidence, '
    "source, model, model_version, status, confidence"
)


class Proposed(Protocol):
    """A code the ranker proposes for a turn, before it is stored (``evalbench.suggest.engine.Candidate``)."""

    @property
    def code_id(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def confidence(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def evidence(self) -> tuple[str, ...]: ...
    @property
    def valence(self) -> str | None: ...
    @property
    def model(self) -> str: ...
    @property
    def model_version(self) -> str: ...


def suggestion_from_row(r: tuple) -> Suggestion:
    return Suggestion(
        id=r[0],
        document_id=r[1],
        turn_id=r[2],
        start=r[3],
        end=r[4],
        code_id=r[5],
        score=r[6],
        valence=r[7],
        evidence=tuple(json.loads(r[8])),
        source=r[9],
        model=r[10],
        model_version=r[11],
        status=r[12],
        confidence=r[13],
    )


def _suggestion(sid: int, turn: TurnText, c: Proposed) -> Suggestion:
    return Suggestion(
        sid,
        turn.document_id,
        turn.id,
        turn.start,
        turn.end,
        c.code_id,
        c.score,
        c.valence,
        c.evidence,
        c.source,
        c.model,
        c.model_version,
        confidence=c.confidence,
    )


class Suggestions(Repository):
    """Stored suggestions of every coder."""

    def get(self, suggestion_id: int) -> Suggestion | None:
        row = self._conn.execute(f"SELECT {SUGGESTION_COLS} FROM suggestions WHERE id = ?", (suggestion_id,)).fetchone()
        return suggestion_from_row(row) if row else None

    def of_code(self, code_id: str) -> builtins.list[int]:
        """Ids of every suggestion of a code (any status)."""
        return [r[0] for r in self._conn.execute("SELECT id FROM suggestions WHERE code_id = ?", (code_id,))]

    # --- rejections: what coders said a turn is not ------------------------------------------------
    def rejected_codes(self, turn_ids: builtins.list[int], coder: str) -> dict[int, set[str]]:
        """turn id -> codes ``coder`` rejected for it, for the turns named (read by turn: the turn index serves)."""
        out: dict[int, set[str]] = {}
        for lo in range(0, len(turn_ids), CHUNK):
            part = turn_ids[lo : lo + CHUNK]
            for tid, code in self._conn.execute(
                f"SELECT turn_id, code_id FROM suggestions WHERE turn_id IN ({marks(part)}) "
                "AND status = 'rejected' AND coder = ?",
                (*part, coder),
            ):
                out.setdefault(tid, set()).add(code)
        return out

    def rejected_pairs(self, coder: str | None = None) -> builtins.list[tuple[int, str]]:
        """(turn id, code id) of every rejected suggestion (of ``coder``, or of anyone)."""
        who, args = (" AND coder = ?", (coder,)) if coder else ("", ())
        return self._conn.execute(
            f"SELECT turn_id, code_id FROM suggestions WHERE status = 'rejected' AND turn_id IS NOT NULL{who}", args
        ).fetchall()

    def rejected_turns(self, code_id: str, coder: str) -> set[int]:
        """Turns ``coder`` rejected ``code_id`` for."""
        return {
            r[0]
            for r in self._conn.execute(
                "SELECT turn_id FROM suggestions WHERE code_id = ? AND status = 'rejected' AND coder = ? "
                "AND turn_id IS NOT NULL",
                (code_id, coder),
            )
        }

    # --- refreshing the open suggestions -------------------------------------------------------------
    def sync_open(
        self, turns: Sequence[TurnText], proposed: Sequence[Sequence[Proposed]]
    ) -> builtins.list[builtins.list[Suggestion]]:
        """Make the open suggestions of each turn match what is proposed for it; the stored rows, in order.

        The caller holds the write transaction.
        """
        existing: dict[int, dict[str, tuple]] = {}
        ids = [t.id for t in turns]
        for lo in range(0, len(ids), CHUNK):
            part = ids[lo : lo + CHUNK]
            for sid, tid, code, *values in self._conn.execute(
                "SELECT id, turn_id, code_id, score, valence, evidence, source, model, model_version, confidence "
                f"FROM suggestions WHERE status = 'open' AND turn_id IN ({marks(part)})",
                part,
            ):
                existing.setdefault(tid, {})[code] = (sid, *values)
        stamp = now()
        inserts: list[tuple] = []
        pending: list[tuple[list[Suggestion | None], int, TurnText, Proposed]] = []
        updates: list[tuple] = []
        deletes: list[int] = []
        out: list[list[Suggestion | None]] = []
        for turn, cands in zip(turns, proposed):
            have = existing.get(turn.id, {})
            stored: list[Suggestion | None] = []
            for c in cands:
                values = (
                    c.score,
                    c.valence,
                    json.dumps(list(c.evidence), ensure_ascii=False),
                    c.source,
                    c.model,
                    c.model_version,
                    c.confidence,
                )
                old = have.pop(c.code_id, None)
                if old is None:  # numbered below, after one executemany
                    inserts.append((turn.document_id, turn.id, turn.start, turn.end, c.code_id, *values, stamp))
                    pending.append((stored, len(stored), turn, c))
                    stored.append(None)
                    continue
                if tuple(old[1:]) != values:
                    updates.append((*values, old[0]))
                stored.append(_suggestion(old[0], turn, c))
            deletes.extend(row[0] for row in have.values())
            out.append(stored)
        if inserts:
            for sid, (stored, i, turn, c) in zip(self._insert(inserts), pending):
                stored[i] = _suggestion(sid, turn, c)
        if updates:
            self._conn.executemany(
                "UPDATE suggestions SET score = ?, valence = ?, evidence = ?, source = ?, "
                "model = ?, model_version = ?, confidence = ? WHERE id = ?",
                updates,
            )
        if deletes:
            keep = self._ids_with_history()
            gone = [(sid,) for sid in deletes if sid not in keep]
            self._conn.executemany("DELETE FROM suggestions WHERE id = ? AND status = 'open'", gone)
        return [[s for s in row if s is not None] for row in out]

    def _insert(self, rows: builtins.list[tuple]) -> builtins.list[int]:
        """Insert new open suggestions with one executemany; their ids, in the order of ``rows``.

        The caller holds the write transaction, so the new rows are exactly those
        above the previous largest id, numbered in insertion order.
        """
        (top,) = self._conn.execute("SELECT coalesce(max(id), 0) FROM suggestions").fetchone()
        self._conn.executemany(
            'INSERT INTO suggestions(document_id, turn_id, start, "end", code_id, score, valence, '
            "evidence, source, model, model_version, confidence, status, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)",
            rows,
        )
        ids = [sid for (sid,) in self._conn.execute("SELECT id FROM suggestions WHERE id > ? ORDER BY id", (top,))]
        if len(ids) != len(rows):
            raise RuntimeError(f"inserted {len(rows)} suggestions but found {len(ids)} new rows")
        return ids

    def _ids_with_history(self) -> set[int]:
        """Suggestions that an action in the undo log (done or undone) changed: accepts and rejects."""
        ids = set()
        for (changes,) in self._conn.execute("SELECT changes FROM undo_log WHERE changes LIKE '%\"suggestions\"%'"):
            for change in json.loads(changes):
                if change.get("table") == "suggestions" and isinstance(change.get("key", {}).get("id"), int):
                    ids.add(change["key"]["id"])
        return ids
