"""The persistent undo log: every user action's row changes, reversible after a crash.

A user action runs inside :class:`Action`, which performs inserts, updates and
deletes *and* records each row's before- and after-image. On commit the whole
list is written to ``undo_log`` in the same transaction as the change itself,
so the log can never disagree with the data, even after ``kill -9``. Undo
replays the inverse of the changes, newest first; redo replays them forward.
Each coder has their own undo stack; a new action clears that coder's redo.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from evalbench.errors import UserError

Row = dict[str, Any]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _where(key: Row) -> tuple[str, list]:
    return " AND ".join(f"{_q(k)} IS ?" for k in key), list(key.values())


def fetch_row(conn: sqlite3.Connection, table: str, key: Row) -> Row | None:
    """The full row matching ``key`` as a dict, or None."""
    where, args = _where(key)
    cur = conn.execute(f"SELECT * FROM {_q(table)} WHERE {where}", args)
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([c[0] for c in cur.description], row))


def _written_row(conn: sqlite3.Connection, table: str, key: Row) -> Row:
    """The row just written at ``key`` (inside the same transaction, so it is there)."""
    row = fetch_row(conn, table, key)
    if row is None:
        raise UserError(f"{table} {key} no longer exists")
    return row


def _insert(conn: sqlite3.Connection, table: str, row: Row) -> int:
    cols = ", ".join(_q(c) for c in row)
    marks = ", ".join("?" for _ in row)
    cur = conn.execute(f"INSERT INTO {_q(table)} ({cols}) VALUES ({marks})", list(row.values()))
    assert cur.lastrowid is not None  # every successful INSERT sets it
    return cur.lastrowid


def _update(conn: sqlite3.Connection, table: str, key: Row, values: Row) -> None:
    sets = ", ".join(f"{_q(c)} = ?" for c in values)
    where, args = _where(key)
    conn.execute(f"UPDATE {_q(table)} SET {sets} WHERE {where}", list(values.values()) + args)


def _delete(conn: sqlite3.Connection, table: str, key: Row) -> None:
    where, args = _where(key)
    conn.execute(f"DELETE FROM {_q(table)} WHERE {where}", args)


class Action:
    """Row changes made on behalf of one user action, recorded for undo.

    Use through ``Project.action(label)``; the caller owns the transaction.
    ``key_of`` says which columns identify a row of each table (``id`` unless
    told otherwise).
    """

    KEYS = {"participant_attributes": ("participant_id", "name"), "meta": ("key",)}

    def __init__(self, conn: sqlite3.Connection, coder: str, label: str) -> None:
        self.conn = conn
        self.coder = coder
        self.label = label
        self.changes: list[dict] = []

    def _key(self, table: str, row: Row) -> Row:
        return {k: row[k] for k in self.KEYS.get(table, ("id",))}

    def insert(self, table: str, row: Row) -> int:
        """Insert ``row`` and record it; returns the new rowid."""
        rowid = _insert(self.conn, table, row)
        full = _written_row(self.conn, table, {"rowid": rowid})
        self.changes.append({"op": "insert", "table": table, "key": self._key(table, full), "after": full})
        return rowid

    def update(self, table: str, key: Row, values: Row) -> None:
        """Update the row at ``key`` and record its before/after values."""
        before = fetch_row(self.conn, table, key)
        if before is None:
            raise UserError(f"{table} {key} no longer exists")
        _update(self.conn, table, key, values)
        after = _written_row(self.conn, table, self._key(table, {**before, **values}))
        self.changes.append(
            {
                "op": "update",
                "table": table,
                "key": self._key(table, after),
                "before": {k: before[k] for k in values},
                "after": {k: after[k] for k in values},
                "old_key": self._key(table, before),
            }
        )

    def delete(self, table: str, key: Row) -> None:
        """Delete the row at ``key`` and record its full before-image."""
        before = fetch_row(self.conn, table, key)
        if before is None:
            return
        _delete(self.conn, table, key)
        self.changes.append({"op": "delete", "table": table, "key": self._key(table, before), "before": before})

    def write_log(self, created_at: str) -> int | None:
        """Append this action to the undo log (clearing the coder's redo stack)."""
        if not self.changes:
            return None
        self.conn.execute("DELETE FROM undo_log WHERE coder = ? AND undone = 1", (self.coder,))
        cur = self.conn.execute(
            "INSERT INTO undo_log(coder, label, changes, created_at) VALUES (?, ?, ?, ?)",
            (self.coder, self.label, json.dumps(self.changes), created_at),
        )
        return cur.lastrowid


def _revert(conn: sqlite3.Connection, change: dict) -> None:
    table, op = change["table"], change["op"]
    if op == "insert":
        _delete(conn, table, change["key"])
    elif op == "delete":
        _insert(conn, table, change["before"])
    else:
        current = fetch_row(conn, table, change["key"])
        if current is None or any(current[k] != v for k, v in change["after"].items()):
            raise UserError(f"cannot undo: that {table} row was changed since")
        _update(conn, table, change["key"], change["before"])


def _replay(conn: sqlite3.Connection, change: dict) -> None:
    table, op = change["table"], change["op"]
    if op == "insert":
        _insert(conn, table, change["after"])
    elif op == "delete":
        _delete(conn, table, change["key"])
    else:
        _update(conn, table, change["old_key"], change["after"])


def next_label(conn: sqlite3.Connection, coder: str) -> str | None:
    """Label of the action :func:`undo` would reverse for ``coder``."""
    row = conn.execute(
        "SELECT label FROM undo_log WHERE coder = ? AND undone = 0 ORDER BY id DESC LIMIT 1", (coder,)
    ).fetchone()
    return row[0] if row else None


def undo(conn: sqlite3.Connection, coder: str) -> str | None:
    """Reverse the coder's newest action; returns its label, or None if nothing to undo."""
    row = conn.execute(
        "SELECT id, label, changes FROM undo_log WHERE coder = ? AND undone = 0 ORDER BY id DESC LIMIT 1",
        (coder,),
    ).fetchone()
    if row is None:
        return None
    for change in reversed(json.loads(row[2])):
        _revert(conn, change)
    conn.execute("UPDATE undo_log SET undone = 1 WHERE id = ?", (row[0],))
    return row[1]


def redo(conn: sqlite3.Connection, coder: str) -> str | None:
    """Re-apply the coder's oldest undone action; returns its label, or None."""
    row = conn.execute(
        "SELECT id, label, changes FROM undo_log WHERE coder = ? AND undone = 1 ORDER BY id ASC LIMIT 1",
        (coder,),
    ).fetchone()
    if row is None:
        return None
    for change in json.loads(row[2]):
        _replay(conn, change)
    conn.execute("UPDATE undo_log SET undone = 0 WHERE id = ?", (row[0],))
    return row[1]
