"""What the suggester learns from, read from the project file.

Participant turns with their text; the codes human coders gave each turn
(manual, accepted-suggestion, imported and merged codings that overlap it;
never ``rule`` auto-codings); the codes coders rejected for a turn; and seed
texts written from the codebook (definition, inclusion, examples, keywords)
so that a model exists before anyone has coded.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from dataclasses import dataclass, field

from evalbench.model import Code, TurnText

#: Coding origins that are a human judgement and so may teach the model.
HUMAN_ORIGINS = ("manual", "suggestion", "import", "merge")
_ORIGINS_SQL = "(" + ", ".join(f"'{o}'" for o in HUMAN_ORIGINS) + ")"


@dataclass
class Excerpt:
    """A coded stretch of a turn: its text and the codes of the codings on it."""

    text: str
    codes: set[str]
    coding_ids: list[int] = field(default_factory=list)


@dataclass
class LabelledTurn:
    """A turn with the codes given to it, the codes rejected for it and its coded excerpts."""

    turn: TurnText
    codes: set[str] = field(default_factory=set)
    rejected: set[str] = field(default_factory=set)
    excerpts: list[Excerpt] = field(default_factory=list)


def participant_turns(conn: sqlite3.Connection, document_id: int | None = None,
                      turn_id: int | None = None, turn_ids: list[int] | None = None, *,
                      with_text: bool = True) -> list[TurnText]:
    """Participant turns (optionally of one document, one turn or a few) with their text.

    ``with_text=False`` leaves ``text`` empty: over 200,000 turns the texts
    alone held 150 MB, so long passes read them a batch at a time
    (:func:`with_texts`).
    """
    text = 'substr(d.text, t.start + 1, t."end" - t.start)' if with_text else "''"
    sql = ('SELECT t.id, t.document_id, t.seq, t.start, t."end", '
           f"{text} FROM turns t "
           "JOIN documents d ON d.id = t.document_id LEFT JOIN speakers s ON s.id = t.speaker_id "
           "WHERE COALESCE(s.role, 'participant') = 'participant'")
    args: list = []
    if document_id is not None:
        sql += " AND t.document_id = ?"
        args.append(document_id)
    if turn_id is not None:
        sql += " AND t.id = ?"
        args.append(turn_id)
    if turn_ids is not None:
        sql += f" AND t.id IN ({','.join('?' * len(turn_ids)) or 'NULL'})"
        args.extend(turn_ids)
    return [TurnText(*r) for r in conn.execute(sql + " ORDER BY t.document_id, t.seq", args)]


def with_texts(conn: sqlite3.Connection, turns: list[TurnText]) -> list[TurnText]:
    """The same turns with their texts read (for turns listed without them)."""
    if not turns or all(t.text for t in turns):
        return turns
    texts: dict[int, str] = {}
    ids = [t.id for t in turns]
    for lo in range(0, len(ids), 900):
        part = ids[lo:lo + 900]
        texts.update(conn.execute(
            'SELECT t.id, substr(d.text, t.start + 1, t."end" - t.start) FROM turns t '
            f"JOIN documents d ON d.id = t.document_id WHERE t.id IN ({','.join('?' * len(part))})", part))
    return [TurnText(t.id, t.document_id, t.seq, t.start, t.end, texts.get(t.id, "")) for t in turns]


def labelled_turns(conn: sqlite3.Connection, *, coder: str | None = None,
                   include_uncoded: bool = True) -> list[LabelledTurn]:
    """Participant turns in documents someone coded, with human codes and rejections.

    With ``coder``, only that coder's codings and rejections count. Uncoded
    turns of coded documents are kept (as negatives) when ``include_uncoded``.
    """
    who = " AND c.coder = ?" if coder else ""
    args = (coder,) if coder else ()
    rows = conn.execute(
        "SELECT t.id, c.code_id, c.id, max(c.start, t.start), min(c.\"end\", t.\"end\") FROM codings c "
        "JOIN turns t ON t.document_id = c.document_id AND c.start < t.\"end\" AND c.\"end\" > t.start "
        f"WHERE c.origin IN {_ORIGINS_SQL}{who}", args).fetchall()
    rejected = conn.execute(
        "SELECT turn_id, code_id FROM suggestions WHERE status = 'rejected' AND turn_id IS NOT NULL"
        + (" AND coder = ?" if coder else ""), args).fetchall()
    coded_docs = {r[0] for r in conn.execute(
        f"SELECT DISTINCT c.document_id FROM codings c WHERE c.origin IN {_ORIGINS_SQL}{who}", args)}
    codes: dict[int, set[str]] = {}
    spans: dict[int, list[tuple[int, int, str, int]]] = {}
    for tid, code, coding_id, start, end in rows:
        codes.setdefault(tid, set()).add(code)
        spans.setdefault(tid, []).append((start, end, code, coding_id))
    rejects: dict[int, set[str]] = {}
    for tid, code in rejected:
        rejects.setdefault(tid, set()).add(code)
    out = []
    for turn in participant_turns(conn):
        if turn.id in codes or turn.id in rejects or (include_uncoded and turn.document_id in coded_docs):
            out.append(LabelledTurn(turn, codes.get(turn.id, set()),
                                    rejects.get(turn.id, set()) - codes.get(turn.id, set()),
                                    excerpts(turn, spans.get(turn.id, []))))
    return out


def excerpts(turn: TurnText, spans: list[tuple[int, int, str, int]]) -> list[Excerpt]:
    """The distinct coded spans of a turn, each with the codes of every coding covering most of it.

    Two coders who coded the same sentence with different codes give one
    excerpt carrying both codes: a coding counts for a span when they overlap
    by more than half of the shorter of the two.
    """
    out = []
    for start, end in sorted({(s, e) for s, e, _, _ in spans}):
        here = [(code, cid) for s, e, code, cid in spans
                if min(e, end) - max(s, start) > 0.5 * min(e - s, end - start)]
        text = turn.text[start - turn.start:end - turn.start]
        if text.strip():
            out.append(Excerpt(text, {code for code, _ in here}, sorted({cid for _, cid in here})))
    return out


def seed_texts(codes: list[Code]) -> list[tuple[str, str]]:
    """(code id, text) pairs written from the codebook: the model's starting point."""
    out = []
    for code in codes:
        parts = [code.name, code.definition, code.inclusion, *code.examples, *code.keywords]
        text = ". ".join(p for p in parts if p)
        if text:
            out.append((code.id, text))
        for example in code.examples:
            out.append((code.id, example))
    return out


def valence_history(conn: sqlite3.Connection, coder: str) -> dict[str, Counter]:
    """code id -> Counter of the valences this coder gave it."""
    out: dict[str, Counter] = {}
    for code, valence, n in conn.execute(
            "SELECT code_id, valence, count(*) FROM codings WHERE coder = ? GROUP BY code_id, valence",
            (coder,)):
        out.setdefault(code, Counter())[valence] = n
    return out


def change_fingerprint(conn: sqlite3.Connection) -> str:
    """Changes whenever anything in the project may have changed; ~1 ms. A cheap first check.

    Every coding edit, accept, reject, memo and undo goes through the undo log,
    so its size, newest id and undone flags (read from a covering index) move;
    codings added outside the log (imports) move ``max(codings.id)``.
    Scanning the codings themselves took 100 ms at 50,000 codings.
    """
    log = conn.execute("SELECT count(*), coalesce(max(id), 0), total(undone * id) FROM undo_log").fetchone()
    top = conn.execute("SELECT coalesce(max(id), 0) FROM codings").fetchone()
    k = conn.execute("SELECT count(*), total(length(id) + length(keywords) + length(definition) "
                     "+ length(examples)) FROM codes").fetchone()
    return ":".join(str(int(x)) for x in (*log, *top, *k))


def training_digest(conn: sqlite3.Connection) -> str:
    """A digest of exactly what training reads, so that memos, stars and valence never force a retrain.

    Human codings' documents, spans and codes; rejected (turn, code) pairs; each
    code's id and the text its seed example is written from; speaker roles
    (which turns are participant turns). 1 ms at the demo's 657 codings, ~70 ms
    at 53,000; :func:`change_fingerprint` decides first whether it is needed.
    """
    h = hashlib.blake2b(digest_size=16)
    for sql in (
            f"SELECT group_concat(document_id || ' ' || start || ' ' || \"end\" || ' ' || code_id, char(10)) "
            f"FROM (SELECT * FROM codings WHERE origin IN {_ORIGINS_SQL} ORDER BY id)",
            "SELECT group_concat(turn_id || ' ' || code_id, char(10)) "
            "FROM (SELECT * FROM suggestions WHERE status = 'rejected' ORDER BY id)",
            "SELECT json_group_array(json_array(id, name, definition, inclusion, examples, keywords)) "
            "FROM (SELECT * FROM codes ORDER BY id)",
            "SELECT group_concat(id || ' ' || role, char(10)) FROM (SELECT * FROM speakers ORDER BY id)"):
        h.update((conn.execute(sql).fetchone()[0] or "").encode())
        h.update(b"\0")
    return h.hexdigest()
