"""Reading and writing suggestions and trained models in the project file.

Open suggestions are machine output, refreshed in place (not through the undo
log); only a coder's accept or reject is an undoable action. A refreshed turn
keeps one open row per code: an existing row is updated, a new code is
inserted, and a code that dropped out is deleted unless an action in the undo
log changed it (so that redoing an accept still finds its suggestion).
"""

from __future__ import annotations

import json
import sqlite3

from evalbench.model import Suggestion
from evalbench.store.db import now
from evalbench.suggest.data import TurnText
from evalbench.suggest.engine import Candidate

MODEL_ROW = "suggester"
SUGGESTION_COLS = ('id, document_id, turn_id, start, "end", code_id, score, valence, evidence, '
                   "source, model, model_version, status, confidence")


def suggestion_from_row(r: tuple) -> Suggestion:
    return Suggestion(id=r[0], document_id=r[1], turn_id=r[2], start=r[3], end=r[4], code_id=r[5],
                      score=r[6], valence=r[7], evidence=tuple(json.loads(r[8])), source=r[9],
                      model=r[10], model_version=r[11], status=r[12], confidence=r[13])


def get_suggestion(conn: sqlite3.Connection, suggestion_id: int) -> Suggestion | None:
    row = conn.execute(f"SELECT {SUGGESTION_COLS} FROM suggestions WHERE id = ?",
                       (suggestion_id,)).fetchone()
    return suggestion_from_row(row) if row else None


def action_label(conn: sqlite3.Connection, verb: str, s: Suggestion) -> str:
    """Undo-log label of an accept/reject in the user's words: ``Accept suggestion: Culture, P03 “we never…”``."""
    from evalbench.store.describe import Describe

    return f"{verb} suggestion: {Describe(conn, 'project').span(s.document_id, s.start, s.end, s.code_id)}"


def _ids_with_history(conn: sqlite3.Connection) -> set[int]:
    """Suggestions that an action in the undo log (done or undone) changed: accepts and rejects."""
    ids = set()
    for (changes,) in conn.execute("SELECT changes FROM undo_log WHERE changes LIKE '%\"suggestions\"%'"):
        for change in json.loads(changes):
            if change.get("table") == "suggestions" and isinstance(change.get("key", {}).get("id"), int):
                ids.add(change["key"]["id"])
    return ids


def store_candidates(conn: sqlite3.Connection, turns: list[TurnText],
                     candidates: list[list[Candidate]]) -> list[list[Suggestion]]:
    """Make the open suggestions of each turn match its candidates (caller holds the transaction)."""
    existing: dict[int, dict[str, tuple[int, ...]]] = {}
    ids = [t.id for t in turns]
    for chunk in range(0, len(ids), 900):
        part = ids[chunk:chunk + 900]
        marks = ",".join("?" * len(part))
        for sid, tid, code, score, valence, evidence, source, model, version, confidence in conn.execute(
                f"SELECT id, turn_id, code_id, score, valence, evidence, source, model, model_version, confidence "
                f"FROM suggestions WHERE status = 'open' AND turn_id IN ({marks})", part):
            existing.setdefault(tid, {})[code] = (sid, score, valence, evidence, source, model, version, confidence)
    stamp = now()
    inserts, pending, updates, deletes, out = [], [], [], [], []
    for turn, cands in zip(turns, candidates):
        have = existing.get(turn.id, {})
        stored: list[Suggestion | None] = []
        for c in cands:
            values = (c.score, c.valence, json.dumps(list(c.evidence), ensure_ascii=False), c.source,
                      c.model, c.model_version, c.confidence)
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
        for sid, (stored, i, turn, c) in zip(_insert(conn, inserts), pending):
            stored[i] = _suggestion(sid, turn, c)
    if updates:
        conn.executemany("UPDATE suggestions SET score = ?, valence = ?, evidence = ?, source = ?, "
                         "model = ?, model_version = ?, confidence = ? WHERE id = ?", updates)
    if deletes:
        keep = _ids_with_history(conn)
        deletes = [sid for sid in deletes if sid not in keep]
    gone = [(sid,) for sid in deletes]
    if gone:
        conn.executemany("DELETE FROM suggestions WHERE id = ? AND status = 'open'", gone)
    return out


def _suggestion(sid: int, turn: TurnText, c: Candidate) -> Suggestion:
    return Suggestion(sid, turn.document_id, turn.id, turn.start, turn.end, c.code_id, c.score, c.valence,
                      c.evidence, c.source, c.model, c.model_version, confidence=c.confidence)


def _insert(conn: sqlite3.Connection, rows: list[tuple]) -> list[int]:
    """Insert new open suggestions with one executemany; their ids, in the order of ``rows``.

    The caller holds the write transaction, so the new rows are exactly those
    above the previous largest id, numbered in insertion order.
    """
    (top,) = conn.execute("SELECT coalesce(max(id), 0) FROM suggestions").fetchone()
    conn.executemany(
        'INSERT INTO suggestions(document_id, turn_id, start, "end", code_id, score, valence, '
        "evidence, source, model, model_version, confidence, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)", rows)
    ids = [sid for (sid,) in conn.execute("SELECT id FROM suggestions WHERE id > ? ORDER BY id", (top,))]
    if len(ids) != len(rows):
        raise RuntimeError(f"inserted {len(rows)} suggestions but found {len(ids)} new rows")
    return ids


def coder_exclusions(conn: sqlite3.Connection, coder: str, turns: list[TurnText]) -> list[set[str]]:
    """Per turn: codes this coder already applied to it or rejected for it."""
    if not turns:
        return []
    docs = sorted({t.document_id for t in turns})
    applied: dict[int, list[tuple[int, int, str]]] = {}
    rejected: dict[int, set[str]] = {}
    for doc in docs:
        # "+coder": keep SQLite on the document index; the coder index would scan
        # every coding of a prolific coder once per document.
        applied[doc] = conn.execute(
            'SELECT start, "end", code_id FROM codings WHERE document_id = ? AND +coder = ?',
            (doc, coder)).fetchall()
    ids = [t.id for t in turns]
    for chunk in range(0, len(ids), 900):  # by turn: the suggestions_turn index serves it
        part = ids[chunk:chunk + 900]
        for tid, code in conn.execute(
                f"SELECT turn_id, code_id FROM suggestions WHERE turn_id IN ({','.join('?' * len(part))}) "
                "AND status = 'rejected' AND coder = ?", (*part, coder)):
            rejected.setdefault(tid, set()).add(code)
    out = []
    for t in turns:
        codes = {code for s, e, code in applied[t.document_id] if s < t.end and e > t.start}
        out.append(codes | rejected.get(t.id, set()))
    return out


# --- models ----------------------------------------------------------------
def model_info(conn: sqlite3.Connection, name: str = MODEL_ROW) -> dict | None:
    """The stored model's small JSON info (version, fingerprint, counts), or None."""
    try:
        row = conn.execute("SELECT version, info FROM models WHERE name = ?", (name,)).fetchone()
    except sqlite3.OperationalError:  # a file made before the models table existed
        return None
    if row is None:
        return None
    return {**json.loads(row[1]), "version": row[0]}


def load_model_bytes(conn: sqlite3.Connection, name: str = MODEL_ROW) -> bytes | None:
    try:
        row = conn.execute("SELECT data FROM models WHERE name = ?", (name,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return bytes(row[0]) if row else None


def save_model(conn: sqlite3.Connection, version: str, info: dict, data: bytes,
               name: str = MODEL_ROW) -> None:
    """Store (replace) a trained model; the caller holds the transaction."""
    conn.execute("CREATE TABLE IF NOT EXISTS models (name TEXT PRIMARY KEY, version TEXT NOT NULL, "
                 "info TEXT NOT NULL DEFAULT '{}', data BLOB NOT NULL, created_at TEXT NOT NULL)")
    conn.execute("INSERT OR REPLACE INTO models(name, version, info, data, created_at) "
                 "VALUES (?, ?, ?, ?, ?)", (name, version, json.dumps(info, sort_keys=True), data, now()))
