"""SQL for the codebook stored in a project: codes with stable string IDs, in a tree."""

from __future__ import annotations

import json
from typing import Any

from evalbench.errors import UserError
from evalbench.model import Code
from evalbench.store.repo import Repository

_COLS = (
    "id, name, parent_id, definition, inclusion, exclusion, examples, keywords, color, valence_applies, position, extra"
)


def code_from_row(r: tuple) -> Code:
    return Code(
        id=r[0],
        name=r[1],
        parent_id=r[2],
        definition=r[3],
        inclusion=r[4],
        exclusion=r[5],
        examples=tuple(json.loads(r[6])),
        keywords=tuple(json.loads(r[7])),
        color=r[8],
        valence_applies=bool(r[9]),
        position=r[10],
        extra=json.loads(r[11]),
    )


def code_to_row(code: Code) -> dict[str, Any]:
    """A code as the ``codes`` row an undoable action inserts or compares."""
    return {
        "id": code.id,
        "name": code.name,
        "parent_id": code.parent_id,
        "definition": code.definition,
        "inclusion": code.inclusion,
        "exclusion": code.exclusion,
        "examples": json.dumps(list(code.examples)),
        "keywords": json.dumps(list(code.keywords)),
        "color": code.color,
        "valence_applies": int(code.valence_applies),
        "position": code.position,
        "extra": json.dumps(code.extra or {}, sort_keys=True),
    }


class Codes(Repository):
    """The project's codes."""

    def list(self) -> list[Code]:
        """Every code, parents before children, siblings in position order."""
        rows = [code_from_row(r) for r in self._conn.execute(f"SELECT {_COLS} FROM codes ORDER BY position, id")]
        children: dict[str | None, list[Code]] = {}
        ids = {c.id for c in rows}
        for c in rows:
            children.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)
        out: list[Code] = []
        stack = list(reversed(children.get(None, [])))
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(reversed(children.get(c.id, [])))
        return out

    def find(self, code_id: str) -> Code | None:
        row = self._conn.execute(f"SELECT {_COLS} FROM codes WHERE id = ?", (code_id,)).fetchone()
        return code_from_row(row) if row else None

    def get(self, code_id: str) -> Code:
        """The code ``code_id``; a UserError when there is none."""
        found = self.find(code_id)
        if found is None:
            raise UserError(f"{self._where}: no code {code_id!r}")
        return found

    def exists(self, code_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM codes WHERE id = ?", (code_id,)).fetchone() is not None

    def ids(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT id FROM codes")}

    def names(self) -> dict[str, str]:
        """code id -> name."""
        return dict(self._conn.execute("SELECT id, name FROM codes"))

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM codes").fetchone()[0])

    def sharing_name(self, code_id: str) -> tuple[str, int] | None:
        """(name, how many codes have that name) of a code, or None when there is no such code."""
        row = self._conn.execute(
            "SELECT name, (SELECT count(*) FROM codes b WHERE b.name = a.name) FROM codes a WHERE id = ?", (code_id,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def usage(self) -> dict[str, int]:
        """Codings per code ID."""
        return dict(self._conn.execute("SELECT code_id, count(*) FROM codings GROUP BY code_id"))

    def key(self) -> tuple:
        """Changes when a code's id, name, keywords or valence switch change (for the suggester's cache)."""
        return tuple(
            self._conn.execute(
                "SELECT count(*), total(length(id) + length(keywords) + length(name) + "
                "valence_applies), max(id) FROM codes"
            ).fetchone()
        )
