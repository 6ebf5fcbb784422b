"""The base of every repository: the SQL for one kind of row, on one Store's connection.

A repository is made by :class:`evalbench.store.store.Store` and holds that
store's connection, so it belongs to the same thread. Reads return the
dataclasses of :mod:`evalbench.model` (or, for bulk reads that feed numpy and
pandas, plain typed tuples: a dataclass per row cost more than the query at
50,000 codings); writes run inside the caller's transaction or undoable
action, never their own.
"""

from __future__ import annotations

import sqlite3


class Repository:
    """SQL over one connection; ``where`` (the project's file name) starts every error message."""

    def __init__(self, conn: sqlite3.Connection, where: str) -> None:
        self._conn = conn
        self._where = where


def marks(values: list | tuple) -> str:
    """``?, ?, ?`` for an ``IN (…)`` list, or ``NULL`` for an empty one (which matches nothing)."""
    return ",".join("?" * len(values)) or "NULL"


#: Host parameters per statement: SQLite's older default limit is 999, so long id lists go in chunks.
CHUNK = 900
