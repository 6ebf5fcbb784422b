"""SQL for where codings came from: made by a person, accepted from a suggestion (by whom, from which
model), or applied by keyword rules without anyone — what an AI-assistance disclosure counts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def origin_counts(conn: sqlite3.Connection, *, coding_ids: Iterable[int] | None = None,
                  coders: Iterable[str] | None = None) -> list[tuple[str, str, str | None, str | None, int]]:
    """(origin, coder, suggesting model, its version, codings) for the codings named or of ``coders``.

    With neither, every coding of the project counts.
    """
    group = " GROUP BY origin, coder, suggest_model, suggest_model_version"
    cols = "SELECT origin, coder, suggest_model, suggest_model_version, count(*) FROM codings"
    if coding_ids is None:
        who = list(coders) if coders is not None else None
        if who is None:
            return list(conn.execute(cols + group))
        marks = ",".join("?" * len(who)) or "NULL"
        return list(conn.execute(f"{cols} WHERE coder IN ({marks}){group}", who))
    ids = list(coding_ids)
    totals: dict[tuple, int] = {}
    for lo in range(0, len(ids), 900):
        part = ids[lo:lo + 900]
        for *key, n in conn.execute(f"{cols} WHERE id IN ({','.join('?' * len(part))}){group}", part):
            totals[tuple(key)] = totals.get(tuple(key), 0) + n
    return [(*key, n) for key, n in totals.items()]


def suggestion_models(conn: sqlite3.Connection) -> dict[int, tuple[str, str | None]]:
    """coding id -> (suggesting model, its version) for every coding that keeps one (accepted suggestions).

    Only those rows are read (a partial scan of the codings, no text), so an
    export can add the two columns to 12,000 excerpt rows for a few milliseconds.
    """
    return {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT id, suggest_model, suggest_model_version FROM codings WHERE suggest_model IS NOT NULL")}


def training_counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """(codings a person made or accepted, rejected suggestions): how far the coding has moved since training."""
    return tuple(conn.execute(
        "SELECT (SELECT count(*) FROM codings WHERE origin != 'rule'), "
        "(SELECT count(*) FROM suggestions WHERE status = 'rejected')").fetchone())


def turns_coded_with(conn: sqlite3.Connection, code_id: str, coder: str) -> set[int]:
    """Turns ``coder`` coded with ``code_id`` (any overlap) or rejected it for."""
    coded = conn.execute(
        'SELECT DISTINCT t.id FROM codings c JOIN turns t ON t.document_id = c.document_id '
        'AND c.start < t."end" AND c."end" > t.start WHERE c.code_id = ? AND c.coder = ?', (code_id, coder))
    rejected = conn.execute("SELECT turn_id FROM suggestions WHERE code_id = ? AND status = 'rejected' "
                            "AND coder = ? AND turn_id IS NOT NULL", (code_id, coder))
    return {r[0] for r in coded} | {r[0] for r in rejected}


def coded_passages(conn: sqlite3.Connection, code_id: str, origins: tuple[str, ...], *,
                   limit: int = 200) -> list[tuple[int, str]]:
    """(document id, text) of the newest ``limit`` codings of ``code_id`` with one of ``origins``."""
    marks = ",".join("?" * len(origins))
    return conn.execute(
        'SELECT c.document_id, substr(d.text, c.start + 1, min(c."end" - c.start, 600)) FROM codings c '
        f"JOIN documents d ON d.id = c.document_id WHERE c.code_id = ? AND c.origin IN ({marks}) "
        "ORDER BY c.id DESC LIMIT ?", (code_id, *origins, limit)).fetchall()
