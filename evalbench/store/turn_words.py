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

DDL = ("CREATE TABLE IF NOT EXISTS turn_words (turn_id INTEGER PRIMARY KEY REFERENCES turns(id) ON DELETE CASCADE, "
       "reader TEXT NOT NULL, data BLOB NOT NULL)")


def load(conn: sqlite3.Connection, turn_ids: list[int], reader: str) -> dict[int, bytes]:
    """Stored words of ``turn_ids`` made by ``reader`` (turns without them are absent)."""
    out: dict[int, bytes] = {}
    try:
        for lo in range(0, len(turn_ids), 900):
            part = turn_ids[lo:lo + 900]
            out.update(conn.execute(f"SELECT turn_id, data FROM turn_words WHERE reader = ? AND turn_id IN "
                                    f"({','.join('?' * len(part))})", (reader, *part)))
    except sqlite3.OperationalError:  # a file made before the table existed
        return {}
    return out


def save(conn: sqlite3.Connection, rows: list[tuple[int, str, bytes]]) -> None:
    """Store (replace) words of turns; the caller holds the write transaction."""
    conn.execute(DDL)
    conn.executemany("INSERT OR REPLACE INTO turn_words(turn_id, reader, data) VALUES (?, ?, ?)", rows)
