"""SQL for reading positions: where each coder left off in each transcript.

A reading position is the document offset of the coder's cursor when they
last left a transcript; the coding view reopens there. It is where a person
was reading, not part of the coding, so it is written outside the undo log
(an undo must never move the reader) and is kept per coder, as two coders of
one project file read different places. A document's positions go with it
(``ON DELETE CASCADE``).
"""

from __future__ import annotations

from evalbench.store.db import now
from evalbench.store.repo import Repository


class Positions(Repository):
    """Where each coder is in each document."""

    def get(self, coder: str, document_id: int) -> int | None:
        """Where ``coder`` left off in a document (a document offset), or None if they never opened it."""
        row = self._conn.execute(
            'SELECT "offset" FROM reading_positions WHERE coder = ? AND document_id = ?', (coder, document_id)
        ).fetchone()
        return int(row[0]) if row else None

    def put(self, coder: str, document_id: int, offset: int) -> None:
        """Remember ``offset`` as where ``coder`` is in a document (the caller owns the transaction)."""
        self._conn.execute(
            'INSERT INTO reading_positions(coder, document_id, "offset", updated_at) VALUES (?, ?, ?, ?) '
            'ON CONFLICT(coder, document_id) DO UPDATE SET "offset" = excluded."offset", '
            "updated_at = excluded.updated_at",
            (coder, document_id, max(0, int(offset)), now()),
        )
