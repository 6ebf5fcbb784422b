"""SQL for codings: spans of a document that a coder assigned a code to.

Writes go through the undo log (``Store.action``); these are the reads, from a
single coding to the bulk reads that analysis, agreement and findings build
their tables from (plain tuples there, see :mod:`evalbench.store.repo`).
"""

from __future__ import annotations

import builtins
from collections import Counter
from collections.abc import Iterable

from evalbench.errors import UserError
from evalbench.model import Coding
from evalbench.store.repo import Repository, marks

_COLS = (
    'id, document_id, start, "end", code_id, coder, valence, memo, origin, '
    "suggestion_id, starred, created_at, suggest_model, suggest_model_version"
)

#: (id, document id, start, end, code id, coder, valence, starred)
EvidenceRow = tuple[int, int, int, int, str, str, str, int]
#: (id, document id, start, end, code id, valence, coder, starred, memo, origin)
FrameRow = tuple[int, int, int, int, str, str, str, int, str, str]


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


class Codings(Repository):
    """Codings of every coder."""

    def list(
        self, *, document_id: int | None = None, coder: str | None = None, code_id: str | None = None
    ) -> list[Coding]:
        """Codings (of one document, coder and/or code), in document and text order."""
        clauses, args = [], []
        for col, val in (("document_id", document_id), ("coder", coder), ("code_id", code_id)):
            if val is not None:
                clauses.append(f"{col} = ?")
                args.append(val)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return [
            coding_from_row(r)
            for r in self._conn.execute(f"SELECT {_COLS} FROM codings{where} ORDER BY document_id, start, id", args)
        ]

    def find(self, coding_id: int) -> Coding | None:
        row = self._conn.execute(f"SELECT {_COLS} FROM codings WHERE id = ?", (coding_id,)).fetchone()
        return coding_from_row(row) if row else None

    def get(self, coding_id: int) -> Coding:
        """The coding ``coding_id``; a UserError when there is none."""
        found = self.find(coding_id)
        if found is None:
            raise UserError(f"{self._where}: no coding {coding_id}")
        return found

    def ids(self) -> set[int]:
        return {r[0] for r in self._conn.execute("SELECT id FROM codings")}

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM codings").fetchone()[0])

    def latest_created(self) -> str | None:
        """When the newest coding was made (ISO 8601), or None."""
        return self._conn.execute("SELECT max(created_at) FROM codings").fetchone()[0]

    def recent_codes(self, coder: str, n: int = 5) -> builtins.list[str]:
        """The codes ``coder`` applied most recently, newest first."""
        # The newest 200 codings, read backwards along the coder index: constant time at any size.
        rows = self._conn.execute("SELECT code_id FROM codings WHERE coder = ? ORDER BY id DESC LIMIT 200", (coder,))
        return list(dict.fromkeys(r[0] for r in rows))[:n]

    def of_code(self, code_id: str) -> builtins.list[tuple[int, int, int, int, str, str, str]]:
        """(id, document id, start, end, coder, valence, memo) of every coding of a code."""
        return self._conn.execute(
            'SELECT id, document_id, start, "end", coder, valence, memo FROM codings WHERE code_id = ?', (code_id,)
        ).fetchall()

    def same_span(
        self, code_id: str, document_id: int, start: int, end: int, coder: str, valence: str
    ) -> tuple[int, str] | None:
        """(id, memo) of the coding of ``code_id`` with exactly this span, coder and valence, if any."""
        row = self._conn.execute(
            "SELECT id, memo FROM codings WHERE code_id = ? AND document_id = ? AND start = ? "
            'AND "end" = ? AND coder = ? AND valence = ?',
            (code_id, document_id, start, end, coder, valence),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def inside(self, document_id: int, code_id: str, coder: str, start: int, end: int) -> set[int]:
        """Ids of ``coder``'s codings of a code lying within [start, end)."""
        return {
            r[0]
            for r in self._conn.execute(
                "SELECT id FROM codings WHERE document_id = ? AND code_id = ? AND coder = ?"
                ' AND start >= ? AND "end" <= ?',
                (document_id, code_id, coder, start, end),
            )
        }

    def applied(self, document_id: int, coder: str) -> builtins.list[tuple[int, int, str]]:
        """(start, end, code id) of ``coder``'s codings in one document."""
        # "+coder": keep SQLite on the document index; the coder index would scan
        # every coding of a prolific coder once per document.
        return self._conn.execute(
            'SELECT start, "end", code_id FROM codings WHERE document_id = ? AND +coder = ?', (document_id, coder)
        ).fetchall()

    def valence_history(self, coder: str) -> dict[str, Counter]:
        """code id -> Counter of the valences ``coder`` gave it."""
        out: dict[str, Counter] = {}
        for code, valence, n in self._conn.execute(
            "SELECT code_id, valence, count(*) FROM codings WHERE coder = ? GROUP BY code_id, valence", (coder,)
        ):
            out.setdefault(code, Counter())[valence] = n
        return out

    # --- bulk reads for tables ---------------------------------------------------------------
    def frame_rows(self, coder: str | None = None) -> builtins.list[FrameRow]:
        """Every coding (of ``coder``, or of all) as a :data:`FrameRow`, unordered: the analysis frame's input."""
        where, args = ("WHERE coder = ?", (coder,)) if coder else ("", ())
        return self._conn.execute(
            f'SELECT id, document_id, start, "end", code_id, valence, coder, starred, memo, origin '
            f"FROM codings {where}",
            args,
        ).fetchall()

    def evidence_rows(self, coders: tuple[str, ...] | None) -> builtins.list[EvidenceRow]:
        """:data:`EvidenceRow` of the coders' codings (all when None), in document and text order."""
        sql = 'SELECT id, document_id, start, "end", code_id, coder, valence, starred FROM codings'
        args: tuple = ()
        if coders is not None:
            sql += f" WHERE coder IN ({marks(coders)})"
            args = tuple(coders)
        return self._conn.execute(sql + " ORDER BY document_id, start, id", args).fetchall()

    def by_id(self, coding_ids: builtins.list[int]) -> builtins.list[tuple[int, int, int, int, str, str, str]]:
        """(id, document id, start, end, code id, coder, valence) of the codings that still exist."""
        if not coding_ids:
            return []
        return self._conn.execute(
            f'SELECT id, document_id, start, "end", code_id, coder, valence FROM codings '
            f"WHERE id IN ({marks(coding_ids)})",
            coding_ids,
        ).fetchall()

    def opening(self, coding_id: int, chars: int = 200) -> str | None:
        """The first ``chars`` characters of a coding's text (for labels), or None when there is no such coding."""
        row = self._conn.execute(
            'SELECT substr(d.text, c.start + 1, min(c."end" - c.start, ?)) FROM codings c '
            "JOIN documents d ON d.id = c.document_id WHERE c.id = ?",
            (chars, coding_id),
        ).fetchone()
        return row[0] if row else None

    def compared_documents(self, coders: builtins.list[str]) -> builtins.list[int]:
        """Ids of documents in which every one of ``coders`` has at least one coding."""
        rows = self._conn.execute(
            f"SELECT document_id FROM codings WHERE coder IN ({marks(coders)}) GROUP BY document_id "
            "HAVING count(DISTINCT coder) = ? ORDER BY document_id",
            (*coders, len(coders)),
        )
        return [r[0] for r in rows]

    def spans(
        self, document_ids: Iterable[int], coders: builtins.list[str]
    ) -> builtins.list[tuple[int, int, int, str, str]]:
        """(document id, start, end, code id, coder) of ``coders``' codings in some documents (unordered)."""
        docs = ",".join(str(int(d)) for d in document_ids) or "NULL"  # integers inline: any number of documents
        return self._conn.execute(
            f'SELECT document_id, start, "end", code_id, coder FROM codings '
            f"WHERE document_id IN ({docs}) AND coder IN ({marks(coders)})",
            coders,
        ).fetchall()
