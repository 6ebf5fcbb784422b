"""Opening project files: pragmas, schema creation, version checks and migrations.

Every connection gets WAL, foreign keys and a busy timeout. A file from an
older schema is copied to a backup before it is migrated, and a marker in
``meta`` refuses to migrate a file that an interrupted migration left behind.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from evalbench.errors import ProjectBusyError, ProjectError, one_line
from evalbench.store.schema import MIGRATIONS, SCHEMA_VERSION, create_schema

BUSY_TIMEOUT_MS = 5000
SQLITE_MAGIC = b"SQLite format 3\x00"


def now() -> str:
    """UTC timestamp in ISO 8601, seconds precision, as stored in every table."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """Open (or create) a project file and return a connection ready for use.

    Raises ProjectError when the file is missing, not an evalbench project,
    damaged, or written by a newer evalbench.
    """
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise ProjectError(f"{path}: no such project (create one with `evalbench init {path}`)")
    # The header is not read with open(): closing any descriptor of a file drops every POSIX
    # lock this process holds on it, so a second connection here (a TUI worker) would let
    # another process delete the WAL under the first. SQLite reports a foreign file itself.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise ProjectError(f"{path}: cannot switch the project to WAL mode")
        conn.execute("PRAGMA synchronous = NORMAL")
        if not exists:
            with write_transaction(conn, path):
                create_schema(conn)
        else:
            _check_structure(conn, path)
            _check_version(conn, path)
    except UnicodeDecodeError as exc:  # text SQLite hands back is not UTF-8: damage, e.g. in the header
        conn.close()
        raise ProjectError(
            f"{path}: project file is damaged (it holds text that is not UTF-8); `evalbench check "
            f"{path}` lists what is wrong and `evalbench recover {path} -o NEW.evb` copies out what "
            "can be read"
        ) from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "file is not a database" in str(exc):
            raise ProjectError(f"{path}: not an evalbench project (not an SQLite file)") from exc
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise ProjectBusyError(f"{path}: project is busy (another evalbench is writing); try again") from exc
        raise ProjectError(
            f"{path}: project file is damaged ({one_line(exc, 80)}); `evalbench check {path}` "
            f"lists what is wrong and `evalbench recover {path} -o NEW.evb` copies out what can "
            "be read"
        ) from exc
    except ProjectError:
        conn.close()
        raise
    return conn


def set_busy_timeout(conn: sqlite3.Connection, seconds: float) -> None:
    """How long a write on ``conn`` waits for another connection's write lock before SQLite says the file is
    busy (ProjectBusyError from :class:`write_transaction`). Every connection starts at BUSY_TIMEOUT_MS; the
    workbench waits much less on its screen's connection and retries instead, so a second writer never
    freezes it (evalbench/tui/writes.py)."""
    conn.execute(f"PRAGMA busy_timeout = {max(0, round(seconds * 1000))}")


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def schema_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the file (0 when absent)."""
    value = _meta(conn, "schema_version")
    return int(value) if value else 0


def _check_structure(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a truncated or damaged file before anything reads or writes it.

    ``quick_check`` reads every page once (milliseconds per megabyte), which
    is what turns a damaged file into one clear message instead of a failure
    halfway through someone's work.
    """
    result = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    if result != ["ok"]:
        # SQLite's report runs over several lines; it belongs to `evalbench check`, not this one-line refusal.
        raise ProjectError(
            f"{path}: project file is damaged; `evalbench check {path}` lists what is wrong and "
            f"`evalbench recover {path} -o NEW.evb` copies out what can be read"
        )


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "meta" not in tables:
        raise ProjectError(f"{path}: not an evalbench project (no meta table)")
    if _meta(conn, "migration_in_progress"):
        raise ProjectError(
            f"{path}: an earlier migration was interrupted; restore the backup "
            f"{_meta(conn, 'migration_backup')} and try again"
        )
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise ProjectError(f"{path}: written by a newer evalbench (schema {version}, this one reads {SCHEMA_VERSION})")
    if version < SCHEMA_VERSION:
        migrate(conn, path, version)


def backup(conn: sqlite3.Connection, target: Path) -> Path:
    """Copy the live database to ``target`` with SQLite's online backup."""
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def migrate(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Upgrade the file from ``version`` to the current schema, after a backup copy.

    Returns the backup's path. Each step runs in one transaction; a marker
    left in ``meta`` while the steps run makes an interrupted migration visible.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    backup(conn, target)
    with write_transaction(conn, path):
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('migration_in_progress', ?)", (str(version),))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('migration_backup', ?)", (str(target),))
    for step in range(version + 1, SCHEMA_VERSION + 1):
        with write_transaction(conn, path):
            MIGRATIONS[step](conn)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(step),))
    with write_transaction(conn, path):
        conn.execute("DELETE FROM meta WHERE key IN ('migration_in_progress', 'migration_backup')")
    return target


class write_transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (or ``ROLLBACK`` on error) on a connection.

    Taking the write lock up front means a second writer waits for the busy
    timeout and then gets a clear ProjectBusyError instead of a deadlock.
    Nested use joins the outer transaction.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | str = "project") -> None:
        self.conn = conn
        self.path = path
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        if self.conn.in_transaction:
            self.outer = True
            return self.conn
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ProjectBusyError(
                    f"{self.path}: project is busy (another evalbench is writing); try again"
                ) from exc
            raise
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.outer:
            return
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
