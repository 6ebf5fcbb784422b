"""SQL for project exchange: what a .qdpx export reads in bulk, and what ``init --from`` and merge write.

A .qdpx export reads every memo and a few facts about the codings once, up
front (:mod:`evalbench.refi.qdpx_export`); ``init --from`` fills a brand-new
project, which has nothing to undo, so its codings and memos go in as bulk
inserts rather than one undo entry per row (12,000 codings: one
``executemany``); merge looks codings up by their passage to skip those the
target already has. The other reads these need are the ordinary ones of
the entity repositories (``store.codings``, ``store.documents``, …).
"""

from __future__ import annotations

from typing import NamedTuple

from evalbench.store.db import now
from evalbench.store.repo import Repository, marks

#: (document id, start, end, code id, coder): a coding's passage, the key merge matches codings on.
PassageKey = tuple[int, int, int, str, str]


class MemoRow(NamedTuple):
    """One memo of the ``memos`` table, as an export writes it."""

    target_type: str
    target_id: str
    coder: str
    text: str
    created_at: str | None


class NewCoding(NamedTuple):
    """A coding to insert into a new project (``init --from``): the ``codings`` columns it sets."""

    document_id: int
    start: int
    end: int
    code_id: str
    coder: str
    valence: str
    memo: str
    origin: str
    starred: int
    created_at: str
    suggest_model: str | None
    suggest_model_version: str | None


class Exchange(Repository):
    """Bulk reads and writes of exporting, importing and merging projects (see the module docstring)."""

    # --- what an export reads ------------------------------------------------------------------
    def memos(self, coder: str | None = None) -> list[MemoRow]:
        """Every memo (of ``coder``, or of all coders), by target type, target and coder."""
        where, args = ("WHERE coder = ?", (coder,)) if coder else ("", ())
        return [
            MemoRow(*r)
            for r in self._conn.execute(
                f"SELECT target_type, target_id, coder, text, created_at FROM memos {where} "
                "ORDER BY target_type, target_id, coder",
                args,
            )
        ]

    def coding_count(self, coder: str | None = None) -> int:
        """Codings of ``coder`` (or of all coders)."""
        where, args = ("WHERE coder = ?", (coder,)) if coder else ("", ())
        return int(self._conn.execute(f"SELECT count(*) FROM codings {where}", args).fetchone()[0])

    def has_valence(self, valences: list[str], coder: str | None = None) -> bool:
        """Whether any coding (of ``coder``) has one of ``valences``."""
        sql = f"SELECT 1 FROM codings WHERE valence IN ({marks(valences)})"
        args: list[str] = list(valences)
        if coder:
            sql += " AND coder = ?"
            args.append(coder)
        return self._conn.execute(sql + " LIMIT 1", args).fetchone() is not None

    # --- what init --from writes into a new project ----------------------------------------------
    def insert_codings(self, rows: list[NewCoding]) -> list[int]:
        """Insert codings without undo entries (inside the caller's transaction); their ids, in ``rows``' order.

        Only for a project being built, which nobody else can write to: rowids
        then follow the order of insertion.
        """
        self._conn.executemany(
            "INSERT OR IGNORE INTO coders(name, created_at) VALUES (?, ?)",
            [(name, now()) for name in sorted({r.coder for r in rows})],
        )
        before = int(self._conn.execute("SELECT coalesce(max(id), 0) FROM codings").fetchone()[0])
        self._conn.executemany(
            'INSERT INTO codings(document_id, start, "end", code_id, coder, valence, memo, origin, starred, '
            "created_at, suggest_model, suggest_model_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        ids = [int(r[0]) for r in self._conn.execute("SELECT id FROM codings WHERE id > ? ORDER BY id", (before,))]
        if len(ids) != len(rows):
            raise RuntimeError(f"{self._where}: another writer added codings during the import")  # a bug
        return ids

    def insert_memos(self, rows: list[MemoRow]) -> None:
        """Insert memos (and their coders) without undo entries, inside the caller's transaction."""
        stamp = now()
        self._conn.executemany(
            "INSERT OR IGNORE INTO coders(name, created_at) VALUES (?, ?)",
            [(name, stamp) for name in sorted({r.coder for r in rows})],
        )
        self._conn.executemany(
            "INSERT INTO memos(target_type, target_id, coder, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(r.target_type, r.target_id, r.coder, r.text, r.created_at or stamp, r.created_at or stamp) for r in rows],
        )

    # --- what merge looks up -------------------------------------------------------------------------
    def passages(self) -> dict[PassageKey, int]:
        """:data:`PassageKey` -> coding id of every coding (one id per passage)."""
        return {
            (r[1], r[2], r[3], r[4], r[5]): int(r[0])
            for r in self._conn.execute('SELECT id, document_id, start, "end", code_id, coder FROM codings')
        }

    def document_lengths(self) -> dict[int, int]:
        """document id -> characters in its text."""
        return {int(r[0]): int(r[1]) for r in self._conn.execute("SELECT id, length FROM documents")}
