"""Checking a project file and copying what can be read out of a damaged one.

``check`` answers "can I trust this file?": SQLite's own integrity check,
foreign keys, codings and turns inside their documents' text, and the
full-text index in step with the turns. ``recover`` never touches the damaged
file: it reads it row by row and writes whatever survives into a new project.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from evalbench.errors import ProjectBusyError, ProjectError, one_line
from evalbench.store.db import SQLITE_MAGIC, connect, write_transaction
from evalbench.store.schema import SCHEMA_VERSION


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a project file."""

    check: str
    detail: str


def _rows(conn: sqlite3.Connection, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


#: What a file that is not an SQLite database probably is, by its first bytes.
_KINDS = (
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .qdpx?)"),
    (b"%PDF", "a PDF"),
    (b"{\\rtf", "an RTF document"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)
#: SQLite's file header is this long; a shorter file cannot hold a database.
SQLITE_HEADER_BYTES = 100


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an evalbench project at all, in a few words; None when it is an SQLite file.

    Looks only at the file system and the first bytes, so it is safe on anything
    (a transcript given by mistake, an empty or unreadable file, a folder).
    """
    path = Path(path)
    if not path.exists():
        return "no such file"
    if path.is_dir():
        return "is a folder, not a project file"
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(SQLITE_HEADER_BYTES)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if size == 0:
        return "is empty (0 bytes), not an evalbench project"
    if not head.startswith(SQLITE_MAGIC):
        kind = next((what for magic, what in _KINDS if head.startswith(magic)), None)
        if kind is None and not any(b < 32 and b not in b"\t\n\r\f" for b in head):
            kind = "a text file"
        return f"is {kind}, not an evalbench project" if kind else "is not an evalbench project (not an SQLite file)"
    if size < SQLITE_HEADER_BYTES:
        return f"is cut short ({size} bytes, less than an SQLite header); nothing can be read from it"
    return None


def open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection that never migrates or writes (for damaged files)."""
    problem = file_problem(path)
    if problem:
        raise ProjectError(f"{path}: {problem}")
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    # Damage inside a text value leaves bytes that are not UTF-8: read them with U+FFFD rather than fail,
    # so that `check` can name the damage and `recover` can copy the rest of the row.
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    return conn


def project_problem(conn: sqlite3.Connection) -> str | None:
    """Why an SQLite database is not an evalbench project (None when it has the ``meta`` table).

    Raises sqlite3.DatabaseError when even the list of tables cannot be read.
    """
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" not in tables:
        return "is an SQLite database but not an evalbench project (it has no meta table)"
    return None


def check(conn: sqlite3.Connection) -> list[Problem]:
    """Every integrity problem found in an open project (empty when healthy).

    Linear in the size of the project: bounds are compared with each
    document's stored ``length`` (checked once per document against its
    text), never with ``length(text)`` per turn or coding, which read the
    whole text again for every row (23 s for one 40,000-turn transcript).
    """
    try:
        return _check(conn)
    except UnicodeDecodeError as exc:
        return [Problem("sqlite", f"text in the project file is not UTF-8 ({exc.reason}): the file is damaged")]


def _check(conn: sqlite3.Connection) -> list[Problem]:
    problems: list[Problem] = []
    result = [r[0] for r in _rows(conn, "PRAGMA integrity_check")]
    if result != ["ok"]:
        problems += [Problem("sqlite", one_line(line)) for line in result[:20]]
        return problems  # the structural checks below would only repeat the damage
    for table, rowid, parent, _ in _rows(conn, "PRAGMA foreign_key_check"):
        problems.append(Problem("orphan", f"{table} row {rowid} points to a missing {parent} row"))
    for doc, stored, actual in _rows(
        conn, "SELECT name, length, length(text) FROM documents WHERE length IS NOT length(text)"
    ):
        problems.append(Problem("bounds", f"{doc} records {stored} characters but holds {actual}"))
    for cid, doc, start, end, length in _rows(
        conn,
        (
            'SELECT c.id, d.name, c.start, c."end", d.length FROM codings c '
            'JOIN documents d ON d.id = c.document_id WHERE c.start < 0 OR c."end" > d.length '
            'OR c."end" <= c.start'
        ),
    ):
        problems.append(Problem("bounds", f"coding {cid} ({start}-{end}) lies outside {doc} (0-{length})"))
    for tid, doc, start, end, length in _rows(
        conn,
        (
            'SELECT t.id, d.name, t.start, t."end", d.length FROM turns t '
            'JOIN documents d ON d.id = t.document_id WHERE t.start < 0 OR t."end" > d.length'
        ),
    ):
        problems.append(Problem("bounds", f"turn {tid} ({start}-{end}) lies outside {doc} (0-{length})"))
    for (cid,) in _rows(conn, "SELECT id FROM codes WHERE parent_id IS NOT NULL AND parent_id = id"):
        problems.append(Problem("codebook", f"code {cid} is its own parent"))
    problems += search_index_problems(conn)
    return problems


def search_index_problems(conn: sqlite3.Connection) -> list[Problem]:
    """Whether the full-text index is sound and lists exactly the words of every turn.

    FTS5's own ``integrity-check`` with rank 1 compares the index with the
    ``turn_texts`` view, whose ``substr()`` over character offsets costs the
    document's length per turn: quadratic in turns per document. So FTS5
    checks only its own structure (rank 0), and the content comparison is
    done here in linear time: each document's turns are sliced in Python into
    a temporary FTS5 table with the same tokenizer, and the two indexes'
    word instances (term, turn, position) are compared through ``fts5vocab``.
    Temporary tables work on a read-only connection too.
    """
    try:
        conn.execute("INSERT INTO turns_fts(turns_fts, rank) VALUES ('integrity-check', 0)")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise ProjectBusyError("project is busy (another evalbench is writing); run the check again") from exc
        if "readonly" not in str(exc):
            return [Problem("search index", f"the full-text index is damaged ({one_line(exc, 120)})")]
    except sqlite3.DatabaseError as exc:
        return [Problem("search index", f"the full-text index is damaged ({one_line(exc, 120)})")]
    try:
        differing = _index_differences(conn)
    except sqlite3.DatabaseError as exc:
        if "decode" in str(exc):  # sqlite3's own message when stored text is not UTF-8
            return [Problem("sqlite", "a document's text holds bytes that are not UTF-8: the file is damaged")]
        return [
            Problem("search index", f"the full-text index cannot be compared with the turns ({one_line(exc, 120)})")
        ]
    if not differing:
        return []
    shown = ", ".join(str(t) for t in differing[:_LISTED])
    more = f" and {len(differing) - _LISTED} more" if len(differing) > _LISTED else ""
    return [
        Problem(
            "search index",
            f"full-text index is out of step with the turns (turn {shown}{more}); "
            "`evalbench check --repair-index` rebuilds it",
        )
    ]


_LISTED = 10
_TOKENIZE = re.compile(r"tokenize\s*=\s*('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")", re.I)


def _index_differences(conn: sqlite3.Connection) -> list[int]:
    """Turn ids whose words in the index differ from their text (at most ``_LISTED`` + 1)."""
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'turns_fts'").fetchone()
    found = _TOKENIZE.search(row[0] if row else "")
    tokenize = f", tokenize={found.group(1)}" if found else ""
    names = ("evb_check_fts", "evb_check_words", "evb_index_words")
    for name in names:
        conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    try:
        conn.execute(f"CREATE VIRTUAL TABLE temp.evb_check_fts USING fts5(text{tokenize})")
        # One transaction for the fill: FTS5 writes a segment per transaction (1.8 s instead of 0.08 s
        # for 20,000 turns in autocommit). A savepoint works in either sqlite3 transaction mode.
        conn.execute("SAVEPOINT evb_check")
        try:
            turns = conn.cursor()
            for doc_id, text in conn.execute("SELECT id, text FROM documents"):  # one text in memory at a time
                spans = turns.execute('SELECT id, start, "end" FROM turns WHERE document_id = ?', (doc_id,))
                conn.executemany(
                    "INSERT INTO temp.evb_check_fts(rowid, text) VALUES (?, ?)",
                    [(tid, text[start:end]) for tid, start, end in spans.fetchall()],
                )
        except BaseException:
            conn.execute("ROLLBACK TO evb_check")
            raise
        finally:
            conn.execute("RELEASE evb_check")
        conn.execute("CREATE VIRTUAL TABLE temp.evb_check_words USING fts5vocab(temp, evb_check_fts, instance)")
        conn.execute("CREATE VIRTUAL TABLE temp.evb_index_words USING fts5vocab(main, turns_fts, instance)")
        words = "SELECT term, doc, offset FROM temp.{}"
        return [
            r[0]
            for r in conn.execute(
                f"SELECT doc FROM ({words.format('evb_index_words')} EXCEPT {words.format('evb_check_words')}) "
                f"UNION SELECT doc FROM ({words.format('evb_check_words')} EXCEPT {words.format('evb_index_words')}) "
                f"ORDER BY 1 LIMIT {_LISTED + 1}"
            )
        ]
    finally:
        for name in reversed(names):
            conn.execute(f"DROP TABLE IF EXISTS temp.{name}")


def rebuild_search_index(conn: sqlite3.Connection) -> None:
    """Rebuild the full-text index from the turns (the repair for a 'search index' problem)."""
    with write_transaction(conn):
        conn.execute("INSERT INTO turns_fts(turns_fts) VALUES ('rebuild')")


@dataclass(frozen=True)
class FileCheck:
    """What :func:`check_file` found: the problems left, and whether the search index was rebuilt."""

    problems: list[Problem]
    rebuilt_index: bool = False


def check_file(path: Path, *, repair_index: bool = False) -> FileCheck:
    """Check a project file (read-only when it cannot be opened for writing), optionally rebuilding its index.

    Raises ProjectError, naming the file, when it is not an evalbench project
    or is damaged beyond checking; the problems of a readable project are returned.
    """
    problem = file_problem(path)
    if problem:
        raise ProjectError(f"{path}: {problem}")
    try:
        conn = connect(path)
    except ProjectError:
        conn = open_readonly(path)
    try:
        problem = project_problem(conn)
        if problem:
            raise ProjectError(f"{path}: {problem}")
        problems = check(conn)
        rebuilt = False
        if repair_index and [p for p in problems if p.check == "search index"]:
            rebuild_search_index(conn)
            problems, rebuilt = check(conn), True
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise ProjectError(
            f"{path}: damaged beyond checking ({exc}); `evalbench recover {path} -o NEW.evb` "
            "copies out what can be read"
        ) from exc
    finally:
        conn.close()
    return FileCheck(problems, rebuilt)


def _copyable_tables(db) -> list[str]:
    """Ordinary tables of a project (not the FTS index's shadow tables, not SQLite's own)."""
    skip = ("turns_fts", "sqlite_")
    return [t for t in db.table_names() if not t.startswith(skip)]


def _readable_rows(src: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple], int]:
    """Rows of ``table`` that can still be read, stepping over damaged pages by rowid."""
    cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
    select = ", ".join(f'"{c}"' for c in cols)
    try:
        return cols, src.execute(f'SELECT {select} FROM "{table}"').fetchall(), 0
    except sqlite3.DatabaseError:
        pass
    rows, lost, rowid = [], 0, 0
    try:
        top = src.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0
    except sqlite3.DatabaseError:
        top = 1_000_000
    while rowid <= top:
        try:
            row = src.execute(f'SELECT {select} FROM "{table}" WHERE rowid = ?', (rowid,)).fetchone()
            if row is not None:
                rows.append(row)
        except sqlite3.DatabaseError:
            lost += 1
        rowid += 1
    return cols, rows, lost


def recover(damaged: Path, target: Path) -> dict[str, tuple[int, int]]:
    """Copy every readable row of ``damaged`` into a new project at ``target``.

    Returns table -> (rows copied, rows lost). The damaged file is opened
    read-only and never written.
    """
    damaged, target = Path(damaged), Path(target)
    if target.exists():
        raise ProjectError(f"{target}: already exists; choose a new file for the recovered project")
    import sqlite_utils  # whole-table work only: it imports pandas, too slow for start-up

    src = open_readonly(damaged)
    dest = connect(target, create=True)
    report: dict[str, tuple[int, int]] = {}
    try:
        dest.execute("PRAGMA foreign_keys = OFF")  # tables arrive in any order
        src_db, dest_db = sqlite_utils.Database(src), sqlite_utils.Database(dest)
        try:
            present = set(_copyable_tables(src_db))
        except sqlite3.DatabaseError:
            present = set(_copyable_tables(dest_db))
        with write_transaction(dest, target):
            dest.execute("DELETE FROM meta")
            for table in _copyable_tables(dest_db):
                if table not in present:
                    continue
                try:
                    cols, rows, lost = _readable_rows(src, table)
                except sqlite3.DatabaseError:
                    report[table] = (0, -1)
                    continue
                wanted = set(dest_db.table(table).columns_dict)
                copied = 0
                for row in rows:
                    try:
                        dest_db.table(table).insert({c: v for c, v in zip(cols, row) if c in wanted}, ignore=True)
                        copied += 1
                    except sqlite3.DatabaseError:
                        lost += 1
                report[table] = (copied, lost)
            dest.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            dest.execute("DELETE FROM meta WHERE key IN ('migration_in_progress', 'migration_backup')")
            # Drop what lost its parent, so the copy passes its own check.
            while orphans := dest.execute("PRAGMA foreign_key_check").fetchall():
                for table, rowid, _parent, _ in orphans:
                    dest.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))
                    copied, lost = report.get(table, (0, 0))
                    report[table] = (copied - 1, lost + 1)
            dest.execute("INSERT INTO turns_fts(turns_fts) VALUES ('rebuild')")
        dest.execute("PRAGMA foreign_keys = ON")
    finally:
        src.close()
        dest.close()
    return report
