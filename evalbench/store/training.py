"""SQL for what the suggestion ranker learns from, and for knowing cheaply when that has changed.

Human codings (origins in :data:`HUMAN_ORIGINS`, never ``rule`` auto-codings)
as the parts of turns they cover, the documents anyone coded, coded passages
of a code, the codings whose valence a coder chose; and two change detectors:
a fingerprint that moves with any change (~1 ms) and a digest of exactly what
training reads (so memos, stars and valence never force a retrain).
"""

from __future__ import annotations

import builtins
import hashlib

from evalbench.store.repo import Repository

#: Coding origins that are a human judgement and so may teach the model.
HUMAN_ORIGINS = ("manual", "suggestion", "import", "merge")
_ORIGINS_SQL = "(" + ", ".join(f"'{o}'" for o in HUMAN_ORIGINS) + ")"

#: (turn id, code id, coding id, start, end) of a human coding's overlap with a turn.
CodedPart = tuple[int, str, int, int, int]
#: (document text, start, end, valence, coder, code id, its turn's start, its turn's end).
ValenceCoding = tuple[str, int, int, str, str, str, int | None, int | None]


class TrainingReads(Repository):
    """Reads for training, evaluating and explaining the suggestion ranker."""

    def coded_parts(self, coder: str | None = None) -> builtins.list[CodedPart]:
        """Every human coding's overlap with each turn it touches (of ``coder``, or of every coder)."""
        who, args = (" AND c.coder = ?", (coder,)) if coder else ("", ())
        return self._conn.execute(
            'SELECT t.id, c.code_id, c.id, max(c.start, t.start), min(c."end", t."end") FROM codings c '
            'JOIN turns t ON t.document_id = c.document_id AND c.start < t."end" AND c."end" > t.start '
            f"WHERE c.origin IN {_ORIGINS_SQL}{who}",
            args,
        ).fetchall()

    def coded_documents(self, coder: str | None = None) -> set[int]:
        """Documents with a human coding (of ``coder``, or of anyone)."""
        who, args = (" AND coder = ?", (coder,)) if coder else ("", ())
        return {
            r[0]
            for r in self._conn.execute(
                f"SELECT DISTINCT document_id FROM codings WHERE origin IN {_ORIGINS_SQL}{who}", args
            )
        }

    def coded_turns(self, code_id: str, coder: str) -> set[int]:
        """Turns ``coder`` coded with ``code_id`` (any overlap, any origin)."""
        return {
            r[0]
            for r in self._conn.execute(
                "SELECT DISTINCT t.id FROM codings c JOIN turns t ON t.document_id = c.document_id "
                'AND c.start < t."end" AND c."end" > t.start WHERE c.code_id = ? AND c.coder = ?',
                (code_id, coder),
            )
        }

    def coded_passages(self, code_id: str, *, limit: int = 200) -> builtins.list[tuple[int, str]]:
        """(document id, text, at most 600 characters) of the newest ``limit`` human codings of ``code_id``."""
        return self._conn.execute(
            'SELECT c.document_id, substr(d.text, c.start + 1, min(c."end" - c.start, 600)) FROM codings c '
            f"JOIN documents d ON d.id = c.document_id WHERE c.code_id = ? AND c.origin IN {_ORIGINS_SQL} "
            "ORDER BY c.id DESC LIMIT ?",
            (code_id, limit),
        ).fetchall()

    def valence_codings(self, coder: str | None = None) -> builtins.list[ValenceCoding]:
        """Human codings marked barrier, facilitator or mixed, with their document's text and their turn's span."""
        sql = (
            'SELECT d.text, c.start, c."end", c.valence, c.coder, c.code_id, '
            "(SELECT t.start FROM turns t WHERE t.document_id = c.document_id AND t.start <= c.start "
            ' AND t."end" > c.start), '
            '(SELECT t."end" FROM turns t WHERE t.document_id = c.document_id AND t.start <= c.start '
            ' AND t."end" > c.start) '
            "FROM codings c JOIN documents d ON d.id = c.document_id "
            f"WHERE c.origin IN {_ORIGINS_SQL} AND c.valence IN ('barrier', 'facilitator', 'mixed')"
        )
        args: tuple = ()
        if coder:
            sql += " AND c.coder = ?"
            args = (coder,)
        return self._conn.execute(sql, args).fetchall()

    def counts(self) -> tuple[int, int]:
        """(codings a person made or accepted, rejected suggestions): how far the coding has moved since training."""
        row = self._conn.execute(
            "SELECT (SELECT count(*) FROM codings WHERE origin != 'rule'), "
            "(SELECT count(*) FROM suggestions WHERE status = 'rejected')"
        ).fetchone()
        return int(row[0]), int(row[1])

    # --- change detection ----------------------------------------------------------------------------
    def fingerprint(self) -> str:
        """Changes whenever anything in the project may have changed; ~1 ms. A cheap first check.

        Every coding edit, accept, reject, memo and undo goes through the undo log,
        so its size, newest id and undone flags (read from a covering index) move;
        codings added outside the log (imports) move ``max(codings.id)``.
        Scanning the codings themselves took 100 ms at 50,000 codings.
        """
        log = self._conn.execute("SELECT count(*), coalesce(max(id), 0), total(undone * id) FROM undo_log").fetchone()
        top = self._conn.execute("SELECT coalesce(max(id), 0) FROM codings").fetchone()
        k = self._conn.execute(
            "SELECT count(*), total(length(id) + length(keywords) + length(definition) + length(examples)) FROM codes"
        ).fetchone()
        return ":".join(str(int(x)) for x in (*log, *top, *k))

    def digest(self) -> str:
        """A digest of exactly what training reads, so that memos, stars and valence never force a retrain.

        Human codings' documents, spans and codes; rejected (turn, code) pairs; each
        code's id and the text its seed example is written from; speaker roles
        (which turns are participant turns). 1 ms at the demo's 657 codings, ~70 ms
        at 53,000; :meth:`fingerprint` decides first whether it is needed.
        """
        h = hashlib.blake2b(digest_size=16)
        for sql in (
            f"SELECT group_concat(document_id || ' ' || start || ' ' || \"end\" || ' ' || code_id, char(10)) "
            f"FROM (SELECT * FROM codings WHERE origin IN {_ORIGINS_SQL} ORDER BY id)",
            "SELECT group_concat(turn_id || ' ' || code_id, char(10)) "
            "FROM (SELECT * FROM suggestions WHERE status = 'rejected' ORDER BY id)",
            "SELECT json_group_array(json_array(id, name, definition, inclusion, examples, keywords)) "
            "FROM (SELECT * FROM codes ORDER BY id)",
            "SELECT group_concat(id || ' ' || role, char(10)) FROM (SELECT * FROM speakers ORDER BY id)",
        ):
            h.update((self._conn.execute(sql).fetchone()[0] or "").encode())
            h.update(b"\0")
        return h.hexdigest()
