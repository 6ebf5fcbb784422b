"""SQL for suggestions: codes proposed for turns, with the provenance needed to disclose AI assistance.

Open suggestions are machine output, refreshed in place (not through the undo
log); only a coder's accept or reject is an undoable action. A refreshed turn
keeps one open row per code: an existing row is updated, a new code is
inserted, and a code that dropped out is deleted unless an action in the undo
log changed it (so that redoing an accept still finds its suggestion).
"""

from __future__ import annotations

from evalbench.store.repo import Repository


class Suggestions(Repository):
    """Stored suggestions of every coder."""

    def of_code(self, code_id: str) -> list[int]:
        """Ids of every suggestion of a code (any status)."""
        return [r[0] for r in self._conn.execute("SELECT id FROM suggestions WHERE code_id = ?", (code_id,))]
