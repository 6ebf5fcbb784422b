"""Read queries that turn rows into the plain dataclasses of ``evalbench.model``."""

from __future__ import annotations

import json
import sqlite3

from evalbench.model import Code, Coding, Document, Participant, Speaker, Turn

DOC_COLS = "d.id, d.name, d.format, d.sha256, d.words, p.label, d.imported_at, d.path, d.metadata"


def participant_attributes(conn: sqlite3.Connection) -> dict[int, dict[str, str]]:
    """participant id -> {attribute: value}."""
    out: dict[int, dict[str, str]] = {}
    for pid, name, value in conn.execute(
        "SELECT participant_id, name, value FROM participant_attributes ORDER BY participant_id, name"
    ):
        out.setdefault(pid, {})[name] = value
    return out


def participants(conn: sqlite3.Connection) -> list[Participant]:
    attrs = participant_attributes(conn)
    return [
        Participant(pid, label, attrs.get(pid, {}))
        for pid, label in conn.execute("SELECT id, label FROM participants ORDER BY label")
    ]


def documents(
    conn: sqlite3.Connection, *, where: str = "", args: tuple = (), with_text: bool = False
) -> list[Document]:
    attrs = participant_attributes(conn)
    text_col = ", d.text" if with_text else ""
    rows = conn.execute(
        f"SELECT {DOC_COLS}, d.participant_id{text_col} FROM documents d "
        f"LEFT JOIN participants p ON p.id = d.participant_id {where} ORDER BY d.name, d.id",
        args,
    ).fetchall()
    return [
        Document(
            id=r[0],
            name=r[1],
            format=r[2],
            sha256=r[3],
            words=r[4],
            participant=r[5],
            imported_at=r[6],
            path=r[7],
            metadata=json.loads(r[8] or "{}"),
            attributes=dict(attrs.get(r[9], {})),
            text=r[10] if with_text else None,
        )
        for r in rows
    ]


def speakers(conn: sqlite3.Connection, document_id: int | None = None) -> list[Speaker]:
    sql = "SELECT id, document_id, label, role, role_source FROM speakers"
    args: tuple = ()
    if document_id is not None:
        sql += " WHERE document_id = ?"
        args = (document_id,)
    return [Speaker(*r) for r in conn.execute(sql + " ORDER BY document_id, id", args)]


TURN_SQL = (
    "SELECT t.id, t.document_id, t.seq, s.label, COALESCE(s.role, 'participant'), t.start, t.\"end\", t.time "
    "FROM turns t LEFT JOIN speakers s ON s.id = t.speaker_id"
)


def turns(conn: sqlite3.Connection, document_id: int | None = None) -> list[Turn]:
    if document_id is None:
        rows = conn.execute(TURN_SQL + " ORDER BY t.document_id, t.seq")
    else:
        rows = conn.execute(TURN_SQL + " WHERE t.document_id = ? ORDER BY t.seq", (document_id,))
    return [Turn(*r) for r in rows]


CODE_COLS = (
    "id, name, parent_id, definition, inclusion, exclusion, examples, keywords, color, valence_applies, position, extra"
)


def code_from_row(r: tuple) -> Code:
    return Code(
        id=r[0],
        name=r[1],
        parent_id=r[2],
        definition=r[3],
        inclusion=r[4],
        exclusion=r[5],
        examples=tuple(json.loads(r[6])),
        keywords=tuple(json.loads(r[7])),
        color=r[8],
        valence_applies=bool(r[9]),
        position=r[10],
        extra=json.loads(r[11]),
    )


def code_to_row(code: Code) -> dict:
    return {
        "id": code.id,
        "name": code.name,
        "parent_id": code.parent_id,
        "definition": code.definition,
        "inclusion": code.inclusion,
        "exclusion": code.exclusion,
        "examples": json.dumps(list(code.examples)),
        "keywords": json.dumps(list(code.keywords)),
        "color": code.color,
        "valence_applies": int(code.valence_applies),
        "position": code.position,
        "extra": json.dumps(code.extra or {}, sort_keys=True),
    }


def codes(conn: sqlite3.Connection) -> list[Code]:
    """Every code, parents before children, siblings in position order."""
    rows = [code_from_row(r) for r in conn.execute(f"SELECT {CODE_COLS} FROM codes ORDER BY position, id")]
    children: dict[str | None, list[Code]] = {}
    ids = {c.id for c in rows}
    for c in rows:
        children.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)
    out: list[Code] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        c = stack.pop()
        out.append(c)
        stack.extend(reversed(children.get(c.id, [])))
    return out


CODING_COLS = (
    'id, document_id, start, "end", code_id, coder, valence, memo, origin, '
    "suggestion_id, starred, created_at, suggest_model, suggest_model_version"
)


def coding_from_row(r: tuple) -> Coding:
    return Coding(
        id=r[0],
        document_id=r[1],
        start=r[2],
        end=r[3],
        code_id=r[4],
        coder=r[5],
        valence=r[6],
        memo=r[7],
        origin=r[8],
        suggestion_id=r[9],
        starred=bool(r[10]),
        created_at=r[11],
        suggest_model=r[12],
        suggest_model_version=r[13],
    )


def codings(
    conn: sqlite3.Connection, *, document_id: int | None = None, coder: str | None = None, code_id: str | None = None
) -> list[Coding]:
    clauses, args = [], []
    for col, val in (("document_id", document_id), ("coder", coder), ("code_id", code_id)):
        if val is not None:
            clauses.append(f"{col} = ?")
            args.append(val)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return [
        coding_from_row(r)
        for r in conn.execute(f"SELECT {CODING_COLS} FROM codings{where} ORDER BY document_id, start, id", args)
    ]
