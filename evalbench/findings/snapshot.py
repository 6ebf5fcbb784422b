"""Themes as plain data, for exchange formats (REFI-QDA's evalbench member) and merges to write and read back.

:func:`snapshot` returns JSON-ready data; :func:`restore` writes it into a
project through an undo :class:`~evalbench.store.undo.Action` the caller owns,
mapping the source's coding references to the target's coding ids (hand-picked
codings and exemplars whose coding did not travel are dropped and counted).

Shape::

    {"version": 1, "categories": [{"name": "Barriers", "themes": [
        {"name": ..., "description": ..., "cfir": code id | None,
         "rules": [{"code": code id, "valence": str | None}],
         "codings": [{"coding": ref, "included": bool}],
         "exemplars": [ref, ...]}]}]}

A coding ``ref`` is the source project's coding id; an exchange format may
use its own (the .qdpx member uses selection GUIDs) and pass the matching
``coding_ids`` mapping to :func:`restore`.

Restoring into a project that already has themes merges, never overwrites:
categories and themes are matched by name (case-insensitively); a new one is
added after the existing ones, in the data's order; a theme already there
gains the rules, hand decisions and exemplars it lacks (its own decision on a
coding wins over a different one; new exemplars go after its own), and takes
the description or CFIR mapping only where its own is empty. Data read from a
file may be damaged: entries of the wrong shape are skipped and counted, never
a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evalbench.errors import UserError
from evalbench.findings.model import Theme
from evalbench.store.db import now
from evalbench.store.schema import VALENCES
from evalbench.store.undo import Action

if TYPE_CHECKING:
    from evalbench.store.store import Store

VERSION = 1


def snapshot(store: Store) -> dict:
    """Every category and theme with its rules, hand-picked codings and exemplars, in table order."""
    rules: dict[int, list] = {}
    for r in store.themes.rules():
        rules.setdefault(r.theme_id, []).append({"code": r.code_id, "valence": r.valence})
    hand: dict[int, list] = {}
    for h in store.themes.hand_codings():
        hand.setdefault(h.theme_id, []).append({"coding": h.coding_id, "included": h.included})
    picks: dict[int, list] = {}
    for _id, theme_id, coding_id, _pos in store.themes.exemplars():
        picks.setdefault(theme_id, []).append(coding_id)
    themes: dict[int, list] = {}
    for t in store.themes.themes():
        themes.setdefault(t.category_id, []).append(
            {
                "name": t.name,
                "description": t.description,
                "cfir": t.cfir_code_id,
                "rules": rules.get(t.id, []),
                "codings": hand.get(t.id, []),
                "exemplars": picks.get(t.id, []),
            }
        )
    return {
        "version": VERSION,
        "categories": [{"name": c.name, "themes": themes.get(c.id, [])} for c in store.themes.categories()],
    }


def coding_refs(data: Mapping) -> set:
    """Every coding reference the data holds (hand decisions and exemplars), to translate for an exchange."""
    out: set = set()
    for _category, theme in _themes(data):
        refs = [link.get("coding") for link in _list(theme.get("codings")) if isinstance(link, Mapping)]
        out.update(ref for ref in refs + _list(theme.get("exemplars")) if _is_ref(ref))
    return out


def _is_ref(ref) -> bool:
    """A coding reference: an id or a GUID (data read from a file may hold anything)."""
    return isinstance(ref, int | str) and not isinstance(ref, bool)


def translate(data: Mapping, refs: Mapping) -> tuple[dict, int]:
    """A copy of ``data`` with coding references mapped through ``refs``, and how many had no mapping (left out)."""
    dropped = 0

    def one(ref):
        nonlocal dropped
        if _is_ref(ref) and ref in refs:
            return refs[ref]
        dropped += 1
        return None

    categories = []
    for category in _list(data.get("categories")):
        if not isinstance(category, Mapping):
            continue
        themes = []
        for theme in _list(category.get("themes")):
            if not isinstance(theme, Mapping):
                continue
            links = [
                {**link, "coding": one(link.get("coding"))}
                for link in _list(theme.get("codings"))
                if isinstance(link, Mapping)
            ]
            picks = [one(ref) for ref in _list(theme.get("exemplars"))]
            themes.append(
                {
                    **theme,
                    "codings": [link for link in links if link["coding"] is not None],
                    "exemplars": [p for p in picks if p is not None],
                }
            )
        categories.append({**category, "themes": themes})
    return {**data, "categories": categories}, dropped


@dataclass
class Restored:
    """What :func:`restore` did, for a summary a user reads."""

    categories: list[str] = field(default_factory=list)  #: categories added
    themes: list[tuple[str, str]] = field(default_factory=list)  #: (category, theme) added
    merged: list[tuple[str, str]] = field(default_factory=list)  #: already there, and gained something
    #: (category, theme) of ``merged`` -> what it gained: "rules", "codings", "exemplars" counts, "description", "cfir"
    gained: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    rules: int = 0
    codings: int = 0  #: hand decisions added
    exemplars: int = 0
    dropped_codes: int = 0  #: rules (or a CFIR mapping) naming a code the project does not have
    dropped_codings: int = 0  #: hand decisions and exemplars whose coding is not in the project
    decisions_kept: int = 0  #: the target decided otherwise on the same coding: its decision stands
    descriptions_kept: list[tuple[str, str]] = field(default_factory=list)  #: a different description: target's kept
    malformed: int = 0  #: entries of the wrong shape, skipped

    @property
    def counts(self) -> dict[str, int]:
        return {
            "categories": len(self.categories),
            "themes": len(self.themes),
            "merged": len(self.merged),
            "rules": self.rules,
            "codings": self.codings,
            "exemplars": self.exemplars,
            "dropped": self.dropped_codes + self.dropped_codings,
        }

    @property
    def changed(self) -> bool:
        return bool(self.categories or self.themes or self.merged)


def restore(store: Store, act: Action, data: Mapping, coding_ids: Mapping | None = None) -> Restored:
    """Add the data's categories and themes to the project, merging into same-named ones (module notes).

    ``coding_ids`` maps the data's coding references to the project's coding
    ids (None: they already are the project's ids). Raises UserError for data
    of an unknown version.
    """
    version = data.get("version") if isinstance(data, Mapping) else None
    if version != VERSION:
        raise UserError(f"themes: unknown snapshot version {version!r}")
    known_codes = store.codes.ids()
    existing_codings = store.codings.ids()
    done = Restored()

    def mapped(ref) -> int | None:
        if not _is_ref(ref):
            return None
        target = ref if coding_ids is None else coding_ids.get(ref)
        return target if isinstance(target, int) and target in existing_codings else None

    categories = {c.name.casefold(): (c.id, c.name) for c in store.themes.categories()}
    for category in _list(data.get("categories")):
        name = _text(category.get("name")) if isinstance(category, Mapping) else ""
        if not name.strip():
            done.malformed += 1
            continue
        if name.casefold() in categories:
            category_id, name = categories[name.casefold()]  # the project's own spelling
        else:
            category_id = act.insert(
                "theme_categories", {"name": name, "position": store.themes.next_position("theme_categories")}
            )
            categories[name.casefold()] = (category_id, name)
            done.categories.append(name)
        themes = {t.name.casefold(): t for t in store.themes.themes() if t.category_id == category_id}
        for theme in _list(category.get("themes")):
            title = _text(theme.get("name")) if isinstance(theme, Mapping) else ""
            if not title.strip():
                done.malformed += 1
                continue
            _restore_theme(store, act, done, name, category_id, themes, theme, title, known_codes, mapped)
    return done


def _restore_theme(
    store: Store,
    act: Action,
    done: Restored,
    category: str,
    category_id: int,
    themes: dict,
    theme: Mapping,
    title: str,
    known_codes: set[str],
    mapped,
) -> None:
    description = _text(theme.get("description"))
    cfir = theme.get("cfir")
    if cfir is not None and not isinstance(cfir, str):
        done.malformed += 1
        cfir = None
    elif cfir is not None and cfir not in known_codes:
        done.dropped_codes += 1
        cfir = None
    found = themes.get(title.casefold())
    before = (done.rules, done.codings, done.exemplars)
    filled: set[str] = set()
    if found is None:
        theme_id = act.insert(
            "themes",
            {
                "category_id": category_id,
                "name": title,
                "description": description,
                "position": store.themes.next_position("themes", "WHERE category_id = ?", (category_id,)),
                "cfir_code_id": cfir,
                "created_at": now(),
            },
        )
        themes[title.casefold()] = Theme(theme_id, category_id, category, title, description, 0, cfir)
        done.themes.append((category, title))
    else:
        theme_id = found.id
        fill = {}
        if description and not found.description:
            fill["description"] = description
        elif description and description != found.description:
            done.descriptions_kept.append((category, found.name))
        if cfir and not found.cfir_code_id:
            fill["cfir_code_id"] = cfir
        if fill:
            act.update("themes", {"id": theme_id}, fill)
            filled = {"description" if k == "description" else "cfir" for k in fill}
    have = {(r.code_id, r.valence) for r in store.themes.rules(theme_id)}
    for rule in _list(theme.get("rules")):
        if (
            not isinstance(rule, Mapping)
            or not isinstance(rule.get("code"), str)
            or rule.get("valence") not in (None, *VALENCES)
        ):
            done.malformed += 1
            continue
        key = (rule["code"], rule.get("valence"))
        if key[0] not in known_codes:
            done.dropped_codes += 1
        elif key not in have:
            have.add(key)
            act.insert(
                "theme_rules",
                {
                    "theme_id": theme_id,
                    "code_id": key[0],
                    "valence": key[1],
                    "position": store.themes.next_position("theme_rules", "WHERE theme_id = ?", (theme_id,)),
                },
            )
            done.rules += 1
    decided = {h.coding_id: h.included for h in store.themes.hand_codings(theme_id)}
    for link in _list(theme.get("codings")):
        if not isinstance(link, Mapping):
            done.malformed += 1
            continue
        target = mapped(link.get("coding"))
        included = bool(link.get("included", True))
        if target is None:
            done.dropped_codings += 1
        elif target in decided:
            done.decisions_kept += decided[target] != included
        else:
            decided[target] = included
            act.insert("theme_codings", {"theme_id": theme_id, "coding_id": target, "included": int(included)})
            done.codings += 1
    picked = [r[2] for r in store.themes.exemplars(theme_id)]
    for ref in _list(theme.get("exemplars")):
        target = mapped(ref)
        if target is None:
            done.dropped_codings += 1
        elif target not in picked:
            picked.append(target)
            act.insert(
                "theme_exemplars",
                {
                    "theme_id": theme_id,
                    "coding_id": target,
                    "position": store.themes.next_position("theme_exemplars", "WHERE theme_id = ?", (theme_id,)),
                },
            )
            done.exemplars += 1
    if found is not None and (filled or before != (done.rules, done.codings, done.exemplars)):
        done.merged.append((category, found.name))
        after = (done.rules, done.codings, done.exemplars)
        done.gained[(category, found.name)] = {
            **{k: b - a for k, a, b in zip(("rules", "codings", "exemplars"), before, after, strict=True) if b > a},
            **{k: 1 for k in ("description", "cfir") if k in filled},
        }


def _themes(data: Mapping):
    for category in _list(data.get("categories")) if isinstance(data, Mapping) else []:
        if isinstance(category, Mapping):
            for theme in _list(category.get("themes")):
                if isinstance(theme, Mapping):
                    yield category, theme


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _text(value) -> str:
    return value if isinstance(value, str) else ""
