"""SQL for the project's settings and facts (``meta``): name, creation date, last coder, schema version…"""

from __future__ import annotations

from evalbench.store.repo import Repository


class Meta(Repository):
    """Key/value settings of one project file."""

    def get(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set(self, key: str, value: str | None) -> None:
        """Store ``value`` under ``key`` (inside the caller's transaction; not undoable)."""
        self._conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
