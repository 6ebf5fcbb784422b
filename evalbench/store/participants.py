"""SQL for participants (the people interviewed) and their attributes (role, site, …)."""

from __future__ import annotations

import builtins

from evalbench.model import Participant
from evalbench.store.repo import Repository


class Participants(Repository):
    """Participants, their attributes, and which document is whose."""

    def attributes(self) -> dict[int, dict[str, str]]:
        """participant id -> {attribute: value}."""
        out: dict[int, dict[str, str]] = {}
        for pid, name, value in self._conn.execute(
            "SELECT participant_id, name, value FROM participant_attributes ORDER BY participant_id, name"
        ):
            out.setdefault(pid, {})[name] = value
        return out

    def list(self) -> list[Participant]:
        """Every participant, by label."""
        attrs = self.attributes()
        return [
            Participant(pid, label, attrs.get(pid, {}))
            for pid, label in self._conn.execute("SELECT id, label FROM participants ORDER BY label")
        ]

    def labels(self) -> builtins.list[str]:
        return [r[0] for r in self._conn.execute("SELECT label FROM participants ORDER BY label")]

    def link(self, document_id: int | None, label: str, attributes: dict[str, str] | None = None) -> int:
        """Create the participant ``label`` if new, set their attributes, link the document; returns their id.

        Runs inside the caller's transaction.
        """
        conn = self._conn
        conn.execute("INSERT OR IGNORE INTO participants(label) VALUES (?)", (label,))
        pid = int(conn.execute("SELECT id FROM participants WHERE label = ?", (label,)).fetchone()[0])
        conn.executemany(
            "INSERT OR REPLACE INTO participant_attributes VALUES (?, ?, ?)",
            [(pid, name, value) for name, value in (attributes or {}).items()],
        )
        if document_id is not None:
            conn.execute("UPDATE documents SET participant_id = ? WHERE id = ?", (pid, document_id))
        return pid
