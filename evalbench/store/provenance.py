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
