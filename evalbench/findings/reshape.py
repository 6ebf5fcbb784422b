"""Merging themes into one and splitting one in two, each as one undoable action.

Merge: the sources' rules, hand-picked codings and exemplars move to the
target (a rule the target already has is dropped; where the target decided a
coding by hand, its decision stands); a source's description is appended to
the target's as its own paragraph unless the target already says it; the
sources are removed. Split: a new theme right after the original, in its
category, takes the rules named and the codings named (they are excluded from
the original and added to the new theme by hand); exemplars of moved codings
move with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalbench.errors import UserError
from evalbench.findings.model import Theme
from evalbench.store.db import now

if TYPE_CHECKING:
    from evalbench.findings.service import ThemeService


def merge(service: ThemeService, sources: list[int | str], into: int | str) -> Theme:
    target = service.theme(into)
    themes = list(dict.fromkeys(service.theme(s).id for s in sources))
    if not themes:
        raise UserError(f"{service.where}: name at least one theme to merge into {target.name!r}")
    if target.id in themes:
        raise UserError(f"{service.where}: cannot merge theme {target.name!r} into itself")
    tables = service.tables
    by_id = {t.id: t for t in service.list()}
    names = ", ".join(by_id[t].name for t in themes)
    with service.action(f"Merge theme {names} into {target.name}") as act:
        rules = {(r.code_id, r.valence) for r in tables.rules(target.id)}
        hand = {h.coding_id for h in tables.hand_codings(target.id)}
        picks = [r[2] for r in tables.exemplars(target.id)]
        description = target.description
        for source_id in themes:
            for rule in tables.rules(source_id):
                if (rule.code_id, rule.valence) not in rules:
                    rules.add((rule.code_id, rule.valence))
                    act.insert(
                        "theme_rules",
                        {
                            "theme_id": target.id,
                            "code_id": rule.code_id,
                            "valence": rule.valence,
                            "position": len(rules),
                        },
                    )
            for link in tables.hand_codings(source_id):
                if link.coding_id not in hand:
                    hand.add(link.coding_id)
                    act.insert(
                        "theme_codings",
                        {"theme_id": target.id, "coding_id": link.coding_id, "included": int(link.included)},
                    )
            for _row, _theme, coding_id, _pos in tables.exemplars(source_id):
                if coding_id not in picks:
                    picks.append(coding_id)
                    act.insert(
                        "theme_exemplars", {"theme_id": target.id, "coding_id": coding_id, "position": len(picks) - 1}
                    )
            extra = by_id[source_id].description.strip()
            if extra and extra not in description:
                description = f"{description}\n\n{extra}" if description else extra
            service.tables.delete_theme(act, source_id)
        if description != target.description:
            act.update("themes", {"id": target.id}, {"description": description})
        for category_id in {by_id[t].category_id for t in themes}:
            service.tables.renumber(act, "themes", [t.id for t in service.list() if t.category_id == category_id])
    return service.theme(target.id)


def split(service: ThemeService, ref: int | str, name: str, rule_ids: list[int], coding_ids: list[int]) -> Theme:
    from evalbench.findings.edits import _name, quote_words

    theme = service.theme(ref)
    name = _name(name, "theme", service.where)
    tables = service.tables
    rules = {r.id: r for r in tables.rules(theme.id)}
    unknown = [r for r in rule_ids if r not in rules]
    if unknown:
        raise UserError(f"{service.where}: theme {theme.name!r} has no rule {unknown[0]}")
    if not rule_ids and not coding_ids:
        raise UserError(f"{service.where}: say which rules or codings the new theme takes from {theme.name!r}")
    for cid in coding_ids:
        quote_words(service, cid)
    siblings = [t for t in service.list() if t.category_id == theme.category_id]
    if any(t.name.casefold() == name.casefold() for t in siblings):
        raise UserError(f"{service.where}: there is already a theme {name!r} in {theme.category}")
    hand = {h.coding_id: h for h in tables.hand_codings(theme.id)}
    picks = {r[2]: r[0] for r in tables.exemplars(theme.id)}
    with service.action(f"Split theme {name} from {theme.name}") as act:
        new_id = act.insert(
            "themes",
            {
                "category_id": theme.category_id,
                "name": name,
                "description": "",
                "position": theme.position + 1,
                "cfir_code_id": theme.cfir_code_id,
                "created_at": now(),
            },
        )
        order = [t.id for t in siblings]
        order.insert(order.index(theme.id) + 1, new_id)
        service.tables.renumber(act, "themes", order)
        for position, rule_id in enumerate(rule_ids):
            act.update("theme_rules", {"id": rule_id}, {"theme_id": new_id, "position": position})
        moved_picks = []
        for cid in dict.fromkeys(coding_ids):
            link = hand.get(cid)
            if link is None:
                act.insert("theme_codings", {"theme_id": theme.id, "coding_id": cid, "included": 0})
            elif link.included:
                act.update("theme_codings", {"id": link.id}, {"included": 0})
            act.insert("theme_codings", {"theme_id": new_id, "coding_id": cid, "included": 1})
            if cid in picks:
                moved_picks.append(picks[cid])
        for position, row_id in enumerate(moved_picks):
            act.update("theme_exemplars", {"id": row_id}, {"theme_id": new_id, "position": position})
        if moved_picks:
            service.tables.renumber(act, "theme_exemplars", [r[0] for r in tables.exemplars(theme.id)])
    return service.theme(new_id)
