"""Themes as plain data, for exchange formats (REFI-QDA's evalbench member) to write and read back.

:func:`snapshot` returns JSON-ready data; :func:`restore` writes it into a
project through an undo :class:`~evalbench.store.undo.Action` the caller owns,
mapping coding ids of the source to those of the target (hand-picked codings
and exemplars whose coding did not travel are dropped and counted).

Shape::

    {"version": 1, "categories": [{"name": "Barriers", "themes": [
        {"name": ..., "description": ..., "cfir": code id | None,
         "rules": [{"code": code id, "valence": str | None}],
         "codings": [{"coding": id, "included": bool}],
         "exemplars": [coding id, ...]}]}]}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from evalbench.errors import UserError
from evalbench.store import themes as store
from evalbench.store.db import now
from evalbench.store.undo import Action

if TYPE_CHECKING:
    import sqlite3

VERSION = 1


def snapshot(conn: sqlite3.Connection) -> dict:
    """Every category and theme with its rules, hand-picked codings and exemplars, in table order."""
    rules: dict[int, list] = {}
    for r in store.rules(conn):
        rules.setdefault(r.theme_id, []).append({"code": r.code_id, "valence": r.valence})
    hand: dict[int, list] = {}
    for h in store.hand_codings(conn):
        hand.setdefault(h.theme_id, []).append({"coding": h.coding_id, "included": h.included})
    picks: dict[int, list] = {}
    for _id, theme_id, coding_id, _pos in store.exemplars(conn):
        picks.setdefault(theme_id, []).append(coding_id)
    themes: dict[int, list] = {}
    for t in store.themes(conn):
        themes.setdefault(t.category_id, []).append({
            "name": t.name, "description": t.description, "cfir": t.cfir_code_id,
            "rules": rules.get(t.id, []), "codings": hand.get(t.id, []), "exemplars": picks.get(t.id, [])})
    return {"version": VERSION, "categories": [{"name": c.name, "themes": themes.get(c.id, [])}
                                               for c in store.categories(conn)]}


def restore(act: Action, data: Mapping, coding_ids: Mapping[int, int] | None = None) -> dict[str, int]:
    """Add the snapshot's categories and themes to the project (a theme already there gets the rest merged in).

    ``coding_ids`` maps the source's coding ids to the target's (identity when
    None). Returns counts: categories, themes, rules, codings, exemplars, dropped.
    """
    version = data.get("version") if isinstance(data, Mapping) else None
    if version != VERSION:
        raise UserError(f"themes: unknown snapshot version {version!r}")
    conn = act.conn
    known_codes = store.code_ids(conn)
    existing_codings = store.coding_ids(conn)
    counts = dict.fromkeys(("categories", "themes", "rules", "codings", "exemplars", "dropped"), 0)

    def mapped(coding: int) -> int | None:
        target = coding if coding_ids is None else coding_ids.get(coding)
        return target if target in existing_codings else None

    categories = {c.name.casefold(): c.id for c in store.categories(conn)}
    for category in data.get("categories", []):
        name = str(category["name"])
        category_id = categories.get(name.casefold())
        if category_id is None:
            category_id = categories[name.casefold()] = act.insert("theme_categories", {
                "name": name, "position": store.next_position(conn, "theme_categories")})
            counts["categories"] += 1
        themes = {t.name.casefold(): t.id for t in store.themes(conn) if t.category_id == category_id}
        for theme in category.get("themes", []):
            cfir = theme.get("cfir") if theme.get("cfir") in known_codes else None
            theme_id = themes.get(str(theme["name"]).casefold())
            if theme_id is None:
                theme_id = act.insert("themes", {
                    "category_id": category_id, "name": str(theme["name"]),
                    "description": str(theme.get("description") or ""),
                    "position": store.next_position(conn, "themes", "WHERE category_id = ?", (category_id,)),
                    "cfir_code_id": cfir, "created_at": now()})
                counts["themes"] += 1
            have = {(r.code_id, r.valence) for r in store.rules(conn, theme_id)}
            for rule in theme.get("rules", []):
                key = (rule.get("code"), rule.get("valence"))
                if key[0] not in known_codes:
                    counts["dropped"] += 1
                elif key not in have:
                    have.add(key)
                    act.insert("theme_rules", {"theme_id": theme_id, "code_id": key[0], "valence": key[1],
                                               "position": len(have)})
                    counts["rules"] += 1
            decided = {h.coding_id for h in store.hand_codings(conn, theme_id)}
            for link in theme.get("codings", []):
                target = mapped(int(link["coding"]))
                if target is None:
                    counts["dropped"] += 1
                elif target not in decided:
                    decided.add(target)
                    act.insert("theme_codings", {"theme_id": theme_id, "coding_id": target,
                                                 "included": int(bool(link.get("included", True)))})
                    counts["codings"] += 1
            picked = [r[2] for r in store.exemplars(conn, theme_id)]
            for coding in theme.get("exemplars", []):
                target = mapped(int(coding))
                if target is None:
                    counts["dropped"] += 1
                elif target not in picked:
                    picked.append(target)
                    act.insert("theme_exemplars", {"theme_id": theme_id, "coding_id": target,
                                                   "position": len(picked) - 1})
                    counts["exemplars"] += 1
    return counts
