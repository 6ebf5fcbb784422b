"""SQL for the words of participant turns as the suggestion ranker reads them, kept in the project file.

A turn's text never changes after import, so the words spaCy finds in it (and
the codebook keywords matched there) can be read once and kept: reading the
20,088 turns of the benchmark project took about 3 s of the 5.8 s a first
ranking in a new process cost. Each row names the reader that made it
(pipeline, word-reading version, keyword version); rows made by another are
read again. It is a cache: losing it loses nothing, and a turn's row goes with
the turn (``ON DELETE CASCADE``).
"""

from __future__ import annotations

import sqlite3

from evalbench.errors import ProjectBusyError
from evalbench.store.db import write_transaction
from evalbench.store.repo import CHUNK, Repository, marks

DDL = (
    "CREATE TABLE IF NOT EXISTS turn_words (turn_id INTEGER PRIMARY KEY REFERENCES turns(id) ON DELETE CASCADE, "
    "reader TEXT NOT NULL, data BLOB NOT NULL)"
)


class TurnWords(Repository):
    """Stored words of participant turns, by the reader that made them."""

    def load(self, turn_ids: list[int], reader: str) -> dict[int, bytes]:
        """Stored words of ``turn_ids`` made by ``reader`` (turns without them are absent)."""
        out: dict[int, bytes] = {}
        try:
            for lo in range(0, len(turn_ids), CHUNK):
                part = turn_ids[lo : lo + CHUNK]
                out.update(
                    self._conn.execute(
                        f"SELECT turn_id, data FROM turn_words WHERE reader = ? AND turn_id IN ({marks(part)})",
                        (reader, *part),
                    )
                )
        except sqlite3.OperationalError:  # a file made before the table existed
            return {}
        return out

    def save(self, rows: list[tuple[int, str, bytes]]) -> bool:
        """Store (replace) words of turns in their own transaction; False when the file is busy or read-only.

        It is a cache: a busy or read-only project just keeps the words in memory.
        """
        try:
            with write_transaction(self._conn, self._where):
                self._conn.execute(DDL)
                self._conn.executemany(
                    "INSERT OR REPLACE INTO turn_words(turn_id, reader, data) VALUES (?, ?, ?)", rows
                )
        except (ProjectBusyError, sqlite3.DatabaseError):
            return False
        return True

    def count(self) -> int:
        try:
            return int(self._conn.execute("SELECT count(*) FROM turn_words").fetchone()[0])
        except sqlite3.OperationalError:
            return 0
