"""Who codes: choosing the current coder, and the SQL for the coders a project knows."""

from __future__ import annotations

import getpass
import os

from evalbench.store.db import now
from evalbench.store.repo import Repository


def choose_coder(given: str | None, remembered: str | None) -> str:
    """Who is coding: ``--coder`` > $EVALBENCH_CODER > the coder remembered in the project > login name.

    A project file travels between team members, so the name it remembers
    must not override the one a person set for themselves in their shell.
    """
    return given or os.environ.get("EVALBENCH_CODER") or remembered or getpass.getuser() or "coder"


class Coders(Repository):
    """The ``coders`` table and the coders named by codings."""

    def ensure(self, name: str) -> None:
        """Record ``name`` as a coder of the project (inside the caller's transaction)."""
        self._conn.execute("INSERT OR IGNORE INTO coders(name, created_at) VALUES (?, ?)", (name, now()))

    def ensure_all(self, names: list[str]) -> None:
        self._conn.executemany(
            "INSERT OR IGNORE INTO coders(name, created_at) VALUES (?, ?)", [(name, now()) for name in names]
        )

    def names(self) -> list[str]:
        """Every coder who has coded in this project (or was set as coder), alphabetically."""
        rows = self._conn.execute("SELECT name FROM coders UNION SELECT DISTINCT coder FROM codings ORDER BY 1")
        return [r[0] for r in rows]

    def with_codings(self) -> list[str]:
        """Coders who have at least one coding, alphabetically."""
        return [r[0] for r in self._conn.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]

    def by_codings(self) -> list[tuple[str, int]]:
        """(coder, codings) of every coder with a coding, most codings first."""
        return [
            (r[0], r[1])
            for r in self._conn.execute(
                "SELECT coder, count(*) AS n FROM codings GROUP BY coder ORDER BY n DESC, coder"
            )
        ]
