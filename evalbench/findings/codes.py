"""Keeping themes whole when the codebook changes (called by :mod:`evalbench.codebook.ops`).

A theme's rules name codes (``ON UPDATE CASCADE``, ``ON DELETE RESTRICT``), and
a rule takes in the codes under its code. Each function here runs inside the
code change's own undo action, so undoing the code change undoes this too:

- merge: rules on a merged code move to the target (one the theme already has
  on the target is dropped); a theme mapped to the merged code maps to the target;
- split with every coding sent to one new code: that code gets the original's rules;
- move (a new parent): a theme that took the code in through a rule on its old
  parent (or a higher ancestor it no longer has) gets a rule on the code itself,
  so its evidence stays what it was;
- remove: refused while a rule or a mapping names the code (one line saying which theme).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from evalbench.store.themes import ThemeTables
from evalbench.store.undo import Action


def removal_blocker(tables: ThemeTables, code_id: str) -> str | None:
    """Why a code cannot be removed because of themes, or None."""
    used = tables.rules_using([code_id])
    if used:
        names = sorted({r[4] for r in used})
        return (
            f"code {code_id!r} is a rule of theme {names[0]!r}"
            + (f" and {len(names) - 1} more" if len(names) > 1 else "")
            + "; unlink it first (evalbench themes unlink)"
        )
    mapped = tables.mapped_to([code_id])
    if mapped:
        return f"theme {mapped[0][1]!r} maps to code {code_id!r}; change its CFIR mapping first"
    return None


def merge_rules(tables: ThemeTables, act: Action, sources: Iterable[str], target: str) -> int:
    """Move rules and mappings from ``sources`` to ``target``; returns rules moved or dropped."""
    sources = list(sources)
    changed = 0
    have = {(r.theme_id, r.valence) for r in tables.rules() if r.code_id == target}
    for rule_id, theme_id, _code, valence, _name in tables.rules_using(sources):
        if (theme_id, valence) in have:
            act.delete("theme_rules", {"id": rule_id})
        else:
            act.update("theme_rules", {"id": rule_id}, {"code_id": target})
            have.add((theme_id, valence))
        changed += 1
    for theme_id, _name, _code in tables.mapped_to(sources):
        act.update("themes", {"id": theme_id}, {"cfir_code_id": target})
    return changed


def copy_rules(tables: ThemeTables, act: Action, code_id: str, to: str) -> int:
    """Give ``to`` every rule ``code_id`` has (split: the codings moved to ``to``); returns rules added."""
    have = {(r.theme_id, r.valence) for r in tables.rules() if r.code_id == to}
    added = 0
    for _rule, theme_id, _code, valence, _name in tables.rules_using([code_id]):
        if (theme_id, valence) not in have:
            have.add((theme_id, valence))
            act.insert(
                "theme_rules",
                {
                    "theme_id": theme_id,
                    "code_id": to,
                    "valence": valence,
                    "position": tables.next_position("theme_rules", "WHERE theme_id = ?", (theme_id,)),
                },
            )
            added += 1
    return added


def ancestors(parents: Mapping[str, str | None], code_id: str) -> list[str]:
    """The code's ancestors, nearest first (safe against a cycle)."""
    out: list[str] = []
    cur = parents.get(code_id)
    while cur is not None and cur not in out and cur != code_id:
        out.append(cur)
        cur = parents.get(cur)
    return out


def keep_on_move(
    tables: ThemeTables,
    act: Action,
    code_id: str,
    old_parents: Mapping[str, str | None],
    new_parents: Mapping[str, str | None],
    ignore: Iterable[str] = (),
) -> int:
    """Before ``code_id`` changes parent: themes that took it in through a lost ancestor get a rule on it.

    ``ignore``: ancestors whose rules follow the code anyway (a code being merged into the new parent).
    """
    lost = set(ancestors(old_parents, code_id)) - set(ancestors(new_parents, code_id)) - set(ignore)
    if not lost:
        return 0
    have = {(r.theme_id, r.valence) for r in tables.rules() if r.code_id == code_id}
    added = 0
    for _rule, theme_id, _code, valence, _name in tables.rules_using(sorted(lost)):
        if (theme_id, valence) not in have:
            have.add((theme_id, valence))
            act.insert(
                "theme_rules",
                {
                    "theme_id": theme_id,
                    "code_id": code_id,
                    "valence": valence,
                    "position": tables.next_position("theme_rules", "WHERE theme_id = ?", (theme_id,)),
                },
            )
            added += 1
    return added


def used_codes(tables: ThemeTables) -> set[str]:
    """Codes that a theme rule or a theme's CFIR mapping names (a codebook pull keeps them)."""
    return {r.code_id for r in tables.rules()} | {t.cfir_code_id for t in tables.themes() if t.cfir_code_id}
