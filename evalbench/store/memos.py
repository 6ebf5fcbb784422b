"""SQL for memos: a coder's note on a project, document, turn, code, coding or matrix cell.

A coding's memo lives on the coding itself (``codings.memo``); the ``memos``
table holds the others, one per (target, coder). A ``cell`` memo is a
rapid-analysis summary of one participant × code cell.
"""

from __future__ import annotations

from evalbench.store.repo import Repository


class Memos(Repository):
    """Memos of every coder; writes go through the undo log (``Store.action``)."""

    def find(self, target_type: str, target_id: str | int, coder: str) -> tuple[int, str] | None:
        """(id, text) of ``coder``'s memo on a target, or None."""
        row = self._conn.execute(
            "SELECT id, text FROM memos WHERE target_type = ? AND target_id = ? AND coder = ?",
            (target_type, str(target_id), coder),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def text(self, target_type: str, target_id: str | int, coder: str) -> str:
        """The memo text ``coder`` wrote on a target ('' when none)."""
        found = self.find(target_type, target_id, coder)
        return found[1] if found else ""

    def on(self, target_type: str, target_id: str) -> list[tuple[int, str, str]]:
        """(id, coder, text) of every coder's memo on a target."""
        return self._conn.execute(
            "SELECT id, coder, text FROM memos WHERE target_type = ? AND target_id = ?", (target_type, target_id)
        ).fetchall()

    def cell_summaries(self, coder: str) -> dict[str, str]:
        """cell key -> summary text of ``coder``'s rapid-analysis cells."""
        return dict(
            self._conn.execute("SELECT target_id, text FROM memos WHERE target_type = 'cell' AND coder = ?", (coder,))
        )
