"""SQL for CFIR construct ratings (-2…+2, X mixed, M missing) per participant or site, per coder."""

from __future__ import annotations

import builtins

from evalbench.model import Rating
from evalbench.store.repo import Repository, marks


class Ratings(Repository):
    """Stored ratings; writes go through the undo log (``Store.action``)."""

    def list(self, coder: str, scope: str | None = None) -> list[Rating]:
        """A coder's ratings (of one scope, 'participant' or 'site', if given), by code and scope value."""
        sql = (
            "SELECT code_id, scope_type, scope_value, rating, rationale, proposed, confirmed, coder "
            "FROM ratings WHERE coder = ?"
        )
        args: list = [coder]
        if scope is not None:
            sql += " AND scope_type = ?"
            args.append(scope)
        return [
            Rating(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7])
            for r in self._conn.execute(sql + " ORDER BY code_id, scope_value", args)
        ]

    def find(self, code_id: str, scope: str, value: str, coder: str) -> int | None:
        """The id of a coder's rating of a code for one participant or site, if there is one."""
        row = self._conn.execute(
            "SELECT id FROM ratings WHERE code_id = ? AND scope_type = ? AND scope_value = ? AND coder = ?",
            (code_id, scope, value, coder),
        ).fetchone()
        return row[0] if row else None

    def of_code(self, code_id: str) -> builtins.list[int]:
        """Ids of every coder's ratings of a code."""
        return [r[0] for r in self._conn.execute("SELECT id FROM ratings WHERE code_id = ?", (code_id,))]

    def rated_codes(self) -> set[str]:
        """Codes someone rated."""
        return {r[0] for r in self._conn.execute("SELECT DISTINCT code_id FROM ratings")}

    def clashes(self, sources: builtins.list[str], target: str) -> builtins.list[tuple[str, str, str, str]]:
        """(code, scope, value, coder) where a coder rated one of ``sources`` and ``target`` for the same scope."""
        return self._conn.execute(
            f"SELECT a.code_id, a.scope_type, a.scope_value, a.coder FROM ratings a JOIN ratings b "
            f"ON b.code_id = ? AND a.scope_type = b.scope_type AND a.scope_value = b.scope_value "
            f"AND a.coder = b.coder WHERE a.code_id IN ({marks(sources)})",
            (target, *sources),
        ).fetchall()
