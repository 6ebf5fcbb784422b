"""SQL for findings: theme categories, themes, rules, hand-picked codings and exemplars.

Reads return the dataclasses of :mod:`evalbench.model` (Category, Theme, Rule,
HandCoding); writes go through an :class:`evalbench.store.undo.Action` (passed
in by the caller, who owns the transaction), so every change lands in the undo
log. The codings and context a finding is built from are read through the
codings, documents and turns repositories, kept apart from the pandas frame of
``analysis/frame.py`` because ``themes list`` must answer in well under half a
second at 200 interviews, and importing pandas alone costs about that.
"""

from __future__ import annotations

from collections.abc import Iterable

from evalbench.model import Category, HandCoding, Rule, Theme
from evalbench.store.repo import Repository, marks
from evalbench.store.undo import Action

#: Tables with a ``position`` column that orders their rows.
_ORDERED = ("theme_categories", "themes", "theme_rules", "theme_exemplars")


class ThemeTables(Repository):
    """The theme tables of one project."""

    # --- reads ----------------------------------------------------------------------------------
    def categories(self) -> list[Category]:
        """Every category in table order."""
        return [
            Category(*r)
            for r in self._conn.execute("SELECT id, name, position FROM theme_categories ORDER BY position, id")
        ]

    def themes(self) -> list[Theme]:
        """Every theme, in table order (category order, then position within the category)."""
        rows = self._conn.execute(
            "SELECT t.id, t.category_id, c.name, t.name, t.description, t.position, t.cfir_code_id, t.created_at "
            "FROM themes t JOIN theme_categories c ON c.id = t.category_id "
            "ORDER BY c.position, c.id, t.position, t.id"
        )
        return [Theme(*r) for r in rows]

    def rules(self, theme_id: int | None = None) -> list[Rule]:
        """Rules of one theme (or of every theme), in the order they were added."""
        sql = "SELECT id, theme_id, code_id, valence, position FROM theme_rules"
        args: tuple = ()
        if theme_id is not None:
            sql, args = sql + " WHERE theme_id = ?", (theme_id,)
        return [Rule(*r) for r in self._conn.execute(sql + " ORDER BY theme_id, position, id", args)]

    def hand_codings(self, theme_id: int | None = None) -> list[HandCoding]:
        """Codings added (``included``) or excluded by hand."""
        sql = "SELECT id, theme_id, coding_id, included FROM theme_codings"
        args: tuple = ()
        if theme_id is not None:
            sql, args = sql + " WHERE theme_id = ?", (theme_id,)
        return [HandCoding(r[0], r[1], r[2], bool(r[3])) for r in self._conn.execute(sql + " ORDER BY id", args)]

    def exemplars(self, theme_id: int | None = None) -> list[tuple[int, int, int, int]]:
        """(row id, theme id, coding id, position) of picked exemplars, in their order."""
        sql = "SELECT id, theme_id, coding_id, position FROM theme_exemplars"
        args: tuple = ()
        if theme_id is not None:
            sql, args = sql + " WHERE theme_id = ?", (theme_id,)
        return list(self._conn.execute(sql + " ORDER BY theme_id, position, id", args))

    def rules_using(self, code_ids: Iterable[str]) -> list[tuple[int, int, str, str | None, str]]:
        """(rule id, theme id, code id, valence, theme name) of rules on any of ``code_ids``."""
        ids = list(code_ids)
        if not ids:
            return []
        return list(
            self._conn.execute(
                f"SELECT r.id, r.theme_id, r.code_id, r.valence, t.name FROM theme_rules r "
                f"JOIN themes t ON t.id = r.theme_id WHERE r.code_id IN ({marks(ids)}) ORDER BY t.id, r.id",
                ids,
            )
        )

    def mapped_to(self, code_ids: Iterable[str]) -> list[tuple[int, str, str]]:
        """(theme id, theme name, code id) of themes whose CFIR mapping is one of ``code_ids``."""
        ids = list(code_ids)
        if not ids:
            return []
        return list(
            self._conn.execute(
                f"SELECT id, name, cfir_code_id FROM themes WHERE cfir_code_id IN ({marks(ids)}) ORDER BY id", ids
            )
        )

    def next_position(self, table: str, where: str = "", args: tuple = ()) -> int:
        """One past the largest ``position`` among the rows ``where`` selects (0 when none)."""
        if table not in _ORDERED:
            raise ValueError(f"{table} has no position column")
        row = self._conn.execute(f"SELECT max(position) FROM {table} {where}", args).fetchone()
        return 0 if row[0] is None else row[0] + 1

    # --- writes (through the undo log) ------------------------------------------------------------
    def renumber(self, act: Action, table: str, ordered_ids: list[int]) -> None:
        """Give rows of ``table`` positions 0, 1, 2 … in the order of ``ordered_ids`` (only changed rows)."""
        if table not in _ORDERED:
            raise ValueError(f"{table} has no position column")
        current = (
            dict(
                self._conn.execute(f"SELECT id, position FROM {table} WHERE id IN ({marks(ordered_ids)})", ordered_ids)
            )
            if ordered_ids
            else {}
        )
        for position, row_id in enumerate(ordered_ids):
            if current.get(row_id) != position:
                act.update(table, {"id": row_id}, {"position": position})

    def delete_theme(self, act: Action, theme_id: int) -> None:
        """Delete a theme and everything hanging on it, row by row, so undo brings all of it back."""
        for table in ("theme_exemplars", "theme_codings", "theme_rules"):
            for (row_id,) in self._conn.execute(f"SELECT id FROM {table} WHERE theme_id = ?", (theme_id,)).fetchall():
                act.delete(table, {"id": row_id})
        act.delete("themes", {"id": theme_id})
