"""SQL for findings: theme categories, themes, rules, hand-picked codings and exemplars.

Reads return plain tuples and dataclasses of :mod:`evalbench.findings.model`;
writes go through an :class:`evalbench.store.undo.Action` (passed in by the
caller, who owns the transaction), so every change lands in the undo log.
Also here: the few reads of codings and their context that the findings
service needs (``evidence_*``), kept apart from the pandas frame of
``analysis/frame.py`` because ``themes list`` must answer in well under half a
second at 200 interviews, and importing pandas alone costs about that.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from evalbench.model import Category, HandCoding, Rule, Theme
from evalbench.store.undo import Action

# --- reads: the theme tables --------------------------------------------------------------


def categories(conn: sqlite3.Connection) -> list[Category]:
    """Every category in table order."""
    return [Category(*r) for r in conn.execute(
        "SELECT id, name, position FROM theme_categories ORDER BY position, id")]


def themes(conn: sqlite3.Connection) -> list[Theme]:
    """Every theme, in table order (category order, then position within the category)."""
    rows = conn.execute(
        "SELECT t.id, t.category_id, c.name, t.name, t.description, t.position, t.cfir_code_id, t.created_at "
        "FROM themes t JOIN theme_categories c ON c.id = t.category_id "
        "ORDER BY c.position, c.id, t.position, t.id")
    return [Theme(*r) for r in rows]


def rules(conn: sqlite3.Connection, theme_id: int | None = None) -> list[Rule]:
    """Rules of one theme (or of every theme), in the order they were added."""
    sql = "SELECT id, theme_id, code_id, valence, position FROM theme_rules"
    args: tuple = ()
    if theme_id is not None:
        sql, args = sql + " WHERE theme_id = ?", (theme_id,)
    return [Rule(*r) for r in conn.execute(sql + " ORDER BY theme_id, position, id", args)]


def hand_codings(conn: sqlite3.Connection, theme_id: int | None = None) -> list[HandCoding]:
    """Codings added (``included``) or excluded by hand."""
    sql = "SELECT id, theme_id, coding_id, included FROM theme_codings"
    args: tuple = ()
    if theme_id is not None:
        sql, args = sql + " WHERE theme_id = ?", (theme_id,)
    return [HandCoding(r[0], r[1], r[2], bool(r[3])) for r in conn.execute(sql + " ORDER BY id", args)]


def exemplars(conn: sqlite3.Connection, theme_id: int | None = None) -> list[tuple[int, int, int, int]]:
    """(row id, theme id, coding id, position) of picked exemplars, in their order."""
    sql = "SELECT id, theme_id, coding_id, position FROM theme_exemplars"
    args: tuple = ()
    if theme_id is not None:
        sql, args = sql + " WHERE theme_id = ?", (theme_id,)
    return list(conn.execute(sql + " ORDER BY theme_id, position, id", args))


def rules_using(conn: sqlite3.Connection, code_ids: Iterable[str]) -> list[tuple[int, int, str, str | None, str]]:
    """(rule id, theme id, code id, valence, theme name) of rules on any of ``code_ids``."""
    ids = list(code_ids)
    if not ids:
        return []
    return list(conn.execute(
        f"SELECT r.id, r.theme_id, r.code_id, r.valence, t.name FROM theme_rules r "
        f"JOIN themes t ON t.id = r.theme_id WHERE r.code_id IN ({','.join('?' * len(ids))}) "
        "ORDER BY t.id, r.id", ids))


def themes_mapped_to(conn: sqlite3.Connection, code_ids: Iterable[str]) -> list[tuple[int, str, str]]:
    """(theme id, theme name, code id) of themes whose CFIR mapping is one of ``code_ids``."""
    ids = list(code_ids)
    if not ids:
        return []
    return list(conn.execute(
        f"SELECT id, name, cfir_code_id FROM themes WHERE cfir_code_id IN ({','.join('?' * len(ids))}) "
        "ORDER BY id", ids))


def next_position(conn: sqlite3.Connection, table: str, where: str = "", args: tuple = ()) -> int:
    """One past the largest ``position`` among the rows ``where`` selects (0 when none)."""
    assert table in ("theme_categories", "themes", "theme_rules", "theme_exemplars")
    row = conn.execute(f"SELECT max(position) FROM {table} {where}", args).fetchone()
    return 0 if row[0] is None else row[0] + 1


def fingerprint(conn: sqlite3.Connection) -> tuple:
    """Changes whenever anything a finding depends on may have changed (for caches).

    ``total_changes`` counts this connection's writes; ``data_version`` changes
    when another connection commits.
    """
    return conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0]


# --- writes (through the undo log) ---------------------------------------------------------


def renumber(act: Action, table: str, ordered_ids: list[int]) -> None:
    """Give rows of ``table`` positions 0, 1, 2 … in the order of ``ordered_ids`` (only changed rows)."""
    current = dict(act.conn.execute(
        f"SELECT id, position FROM {table} WHERE id IN ({','.join('?' * len(ordered_ids))})", ordered_ids)) \
        if ordered_ids else {}
    for position, row_id in enumerate(ordered_ids):
        if current.get(row_id) != position:
            act.update(table, {"id": row_id}, {"position": position})


def delete_theme_rows(act: Action, theme_id: int) -> None:
    """Delete a theme and everything hanging on it, row by row, so undo brings all of it back."""
    conn = act.conn
    for table in ("theme_exemplars", "theme_codings", "theme_rules"):
        for (row_id,) in conn.execute(f"SELECT id FROM {table} WHERE theme_id = ?", (theme_id,)).fetchall():
            act.delete(table, {"id": row_id})
    act.delete("themes", {"id": theme_id})


# --- reads: the codings a finding is built from -------------------------------------------


def coding_opening(conn: sqlite3.Connection, coding_id: int, chars: int = 200) -> str | None:
    """The first ``chars`` characters of a coding's text (for labels), or None when there is no such coding."""
    row = conn.execute('SELECT substr(d.text, c.start + 1, min(c."end" - c.start, ?)) FROM codings c '
                       "JOIN documents d ON d.id = c.document_id WHERE c.id = ?", (chars, coding_id)).fetchone()
    return row[0] if row else None


def coder_names(conn: sqlite3.Connection) -> set[str]:
    """Every coder the project knows (set as coder, or with codings)."""
    return {r[0] for r in conn.execute("SELECT name FROM coders UNION SELECT DISTINCT coder FROM codings")}


def code_ids(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT id FROM codes")}


def coding_ids(conn: sqlite3.Connection) -> set[int]:
    return {r[0] for r in conn.execute("SELECT id FROM codings")}



def evidence_coders(conn: sqlite3.Connection) -> list[str]:
    """Coders who have at least one coding, alphabetically."""
    return [r[0] for r in conn.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]


def evidence_codings(conn: sqlite3.Connection, coders: tuple[str, ...] | None) -> list[tuple]:
    """(id, document id, start, end, code id, coder, valence, starred) of the coders' codings (all when None)."""
    sql = 'SELECT id, document_id, start, "end", code_id, coder, valence, starred FROM codings'
    args: tuple = ()
    if coders is not None:
        sql += f" WHERE coder IN ({','.join('?' * len(coders)) or 'NULL'})"
        args = tuple(coders)
    return conn.execute(sql + " ORDER BY document_id, start, id", args).fetchall()


def codings_by_id(conn: sqlite3.Connection, coding_ids: list[int]) -> list[tuple]:
    """(id, document id, start, end, code id, coder, valence) of the codings that still exist."""
    if not coding_ids:
        return []
    return conn.execute(f'SELECT id, document_id, start, "end", code_id, coder, valence FROM codings '
                        f"WHERE id IN ({','.join('?' * len(coding_ids))})", coding_ids).fetchall()


def evidence_documents(conn: sqlite3.Connection) -> dict[int, tuple[str, str | None, int | None]]:
    """document id -> (name, participant label or None, participant id or None)."""
    return {r[0]: (r[1], r[2], r[3]) for r in conn.execute(
        "SELECT d.id, d.name, p.label, d.participant_id FROM documents d "
        "LEFT JOIN participants p ON p.id = d.participant_id")}


def interviewer_turns(conn: sqlite3.Connection, document_ids: Iterable[int]) -> dict[int, tuple[list, list]]:
    """document id -> (starts, ends) of its interviewer turns, in text order.

    Only these are read (half the turns, and no join per turn): 29 ms instead of
    74 ms for every turn with its role at 200 interviews.
    """
    ids = list(document_ids)
    out: dict[int, tuple[list, list]] = {}
    rows = conn.execute(
        f'SELECT document_id, start, "end" FROM turns WHERE document_id IN ({",".join("?" * len(ids)) or "NULL"}) '
        "AND speaker_id IN (SELECT id FROM speakers WHERE role = 'interviewer') ORDER BY document_id, start", ids)
    for doc, start, end in rows:
        starts, ends = out.setdefault(doc, ([], []))
        starts.append(start)
        ends.append(end)
    return out


def participant_turns(conn: sqlite3.Connection) -> dict[int, tuple[list, list]]:
    """document id -> (starts, ends) of its participant turns (a turn with no speaker counts), in text order."""
    out: dict[int, tuple[list, list]] = {}
    rows = conn.execute(
        'SELECT document_id, start, "end" FROM turns WHERE "end" > start AND (speaker_id IS NULL OR speaker_id '
        "NOT IN (SELECT id FROM speakers WHERE role = 'interviewer')) ORDER BY document_id, start")
    for doc, start, end in rows:
        starts, ends = out.setdefault(doc, ([], []))
        starts.append(start)
        ends.append(end)
    return out


def evidence_texts(conn: sqlite3.Connection, document_ids: Iterable[int]) -> dict[int, str]:
    """document id -> text, for the given documents."""
    ids = sorted(set(document_ids))
    if not ids:
        return {}
    return dict(conn.execute(f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(ids))})", ids))


def consensus_decision_spans(conn: sqlite3.Connection, consensus_coder: str) -> list[tuple[int, int, int, str]]:
    """(document id, start, end, code id) of every decision the consensus coder recorded."""
    return conn.execute('SELECT document_id, start, "end", code_id FROM consensus_decisions '
                        "WHERE consensus_coder = ?", (consensus_coder,)).fetchall()


def consensus_coders(conn: sqlite3.Connection) -> list[str]:
    """Names that hold a consensus coding: ``consensus`` and any other consensus coder with decisions."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT consensus_coder FROM consensus_decisions UNION SELECT 'consensus' ORDER BY 1")]
