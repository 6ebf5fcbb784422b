"""Changes to categories, themes, rules, hand-picked codings and exemplars: each one undoable action.

Functions take the :class:`~evalbench.findings.service.ThemeService` (for its
connection, file name and action factory). Labels name things as people do:
the theme, the category, the code's distinguishing label, the first words of a
quote.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalbench.errors import UserError
from evalbench.findings.model import Category, Rule, Theme
from evalbench.store.db import now
from evalbench.store.schema import VALENCES
from evalbench.textsafe import clean_text as _clean


def clean_text(text: str) -> str:
    """Incoming text made storable (surrogates joined or replaced)."""
    return _clean(text)[0]


if TYPE_CHECKING:
    from evalbench.findings.service import ThemeService

#: Category presets a new project is offered (``themes init --preset``, the Themes screen).
PRESETS: dict[str, tuple[str, ...]] = {
    "successes-barriers-lessons": ("Successes", "Barriers", "Lessons learned"),
    "facilitators-barriers": ("Facilitators", "Barriers"),
}


def _name(text: str, what: str, where: str) -> str:
    name = " ".join(clean_text(str(text)).split())
    if not name:
        raise UserError(f"{where}: a {what} needs a name")
    if len(name) > 200:
        raise UserError(f"{where}: a {what} name is at most 200 characters ({len(name)} given)")
    return name


# --- finding ------------------------------------------------------------------------------
def find_category(categories: list[Category], ref: int | str) -> Category | None:
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit() and not any(c.name == ref for c in categories)):
        return next((c for c in categories if c.id == int(ref)), None)
    wanted = " ".join(str(ref).split()).casefold()
    return next((c for c in categories if c.name.casefold() == wanted), None)


def find_theme(themes: list[Theme], ref: int | str, where: str) -> Theme:
    if isinstance(ref, int):
        found = [t for t in themes if t.id == ref]
    else:
        wanted = " ".join(ref.split()).casefold()
        found = [t for t in themes if t.name.casefold() == wanted]
        if not found and "/" in wanted:
            category, _, name = wanted.partition("/")
            found = [
                t for t in themes if t.category.casefold() == category.strip() and t.name.casefold() == name.strip()
            ]
        if not found and wanted.startswith("#") and wanted[1:].isdigit():
            found = [t for t in themes if t.id == int(wanted[1:])]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        options = "; ".join(f"{t.category} / {t.name}" for t in found)
        raise UserError(f"{where}: theme {ref!r} is in more than one category; write it as {options}")
    names = ", ".join(t.name for t in themes[:6]) + (" …" if len(themes) > 6 else "")
    raise UserError(f"{where}: no theme {ref!r}" + (f" (themes: {names})" if themes else " (no themes yet)"))


def resolve_code(service: ThemeService, ref: str) -> str:
    """A code ID from what a user typed: an ID, a name, or a ``Parent / Name`` path (as bulk coding reads them)."""
    from evalbench.codebook.refs import CodeFinder

    try:
        return CodeFinder(service.store.codes.list()).find(ref)
    except ValueError as exc:
        raise UserError(f"{service.where}: {exc}") from None


def check_code(service: ThemeService, code_id: str) -> str:
    """The code's distinguishing label, or a UserError if the project has no such code."""
    from evalbench.codebook.labels import code_labels

    codes = service.store.codes.list()
    if code_id not in {c.id for c in codes}:
        raise UserError(f"{service.where}: no code {code_id!r}")
    return code_labels(codes)[code_id]


def check_valence(service: ThemeService, valence: str | None) -> str | None:
    if valence is not None and valence not in VALENCES:
        raise UserError(f"{service.where}: valence must be one of {', '.join(VALENCES)}, not {valence!r}")
    return valence


# --- categories -----------------------------------------------------------------------------
def add_category(service: ThemeService, name: str, position: int | None = None) -> Category:
    name = _name(name, "category", service.where)
    existing = service.categories()
    if find_category(existing, name) is not None:
        raise UserError(f"{service.where}: there is already a category {name!r}")
    with service.action(f"Add theme category {name}") as act:
        new_id = act.insert("theme_categories", {"name": name, "position": len(existing)})
        if position is not None:
            order = [c.id for c in existing]
            order.insert(max(0, min(position, len(order))), new_id)
            service.tables.renumber(act, "theme_categories", order)
    return service.category(new_id)


def rename_category(service: ThemeService, ref: int | str, name: str) -> Category:
    category = service.category(ref)
    name = _name(name, "category", service.where)
    clash = find_category(service.categories(), name)
    if clash is not None and clash.id != category.id:
        raise UserError(f"{service.where}: there is already a category {name!r}")
    if name != category.name:
        with service.action(f"Rename theme category {category.name} to {name}") as act:
            act.update("theme_categories", {"id": category.id}, {"name": name})
    return service.category(category.id)


def move_category(service: ThemeService, ref: int | str, position: int) -> Category:
    category = service.category(ref)
    order = [c.id for c in service.categories() if c.id != category.id]
    order.insert(max(0, min(position, len(order))), category.id)
    with service.action(f"Move theme category {category.name}") as act:
        service.tables.renumber(act, "theme_categories", order)
    return service.category(category.id)


def remove_category(service: ThemeService, ref: int | str) -> None:
    category = service.category(ref)
    inside = [t.name for t in service.list() if t.category_id == category.id]
    if inside:
        raise UserError(
            f"{service.where}: category {category.name!r} still holds {len(inside)} theme(s) "
            f"({', '.join(inside[:3])}); move or remove them first"
        )
    with service.action(f"Remove theme category {category.name}") as act:
        act.delete("theme_categories", {"id": category.id})
        service.tables.renumber(act, "theme_categories", [c.id for c in service.categories() if c.id != category.id])


def apply_preset(service: ThemeService, preset: str) -> list[Category]:
    names = PRESETS.get(preset)
    if names is None:
        raise UserError(f"{service.where}: no category preset {preset!r} (presets: {', '.join(PRESETS)})")
    existing = service.categories()
    missing = [n for n in names if find_category(existing, n) is None]
    if not missing:
        return []
    with service.action(f"Add theme categories {' / '.join(names)}") as act:
        ids = [
            act.insert("theme_categories", {"name": n, "position": len(existing) + i}) for i, n in enumerate(missing)
        ]
    return [c for c in service.categories() if c.id in ids]


# --- themes -------------------------------------------------------------------------------------
def _ensure_category(service: ThemeService, act, category: int | str) -> int:
    found = find_category(service.categories(), category)
    if found is not None:
        return found.id
    if isinstance(category, int):
        raise UserError(f"{service.where}: no theme category {category}")
    name = _name(category, "category", service.where)
    return act.insert("theme_categories", {"name": name, "position": service.tables.next_position("theme_categories")})


def add_theme(
    service: ThemeService,
    name: str,
    category: int | str,
    *,
    description: str = "",
    cfir: str | None = None,
    position: int | None = None,
) -> Theme:
    name = _name(name, "theme", service.where)
    if cfir is not None:
        check_code(service, cfir)
    with service.action(f"Add theme {name}") as act:
        category_id = _ensure_category(service, act, category)
        siblings = [t.id for t in service.list() if t.category_id == category_id]
        if any(t.name.casefold() == name.casefold() for t in service.list() if t.category_id == category_id):
            raise UserError(f"{service.where}: there is already a theme {name!r} in that category")
        new_id = act.insert(
            "themes",
            {
                "category_id": category_id,
                "name": name,
                "description": clean_text(description).strip(),
                "position": len(siblings),
                "cfir_code_id": cfir,
                "created_at": now(),
            },
        )
        if position is not None:
            siblings.insert(max(0, min(position, len(siblings))), new_id)
            service.tables.renumber(act, "themes", siblings)
    return service.theme(new_id)


def update_theme(service: ThemeService, ref: int | str, **changes) -> Theme:
    theme = service.theme(ref)
    if "name" in changes:
        changes["name"] = _name(changes["name"], "theme", service.where)
        if any(
            t.name.casefold() == changes["name"].casefold() and t.id != theme.id and t.category_id == theme.category_id
            for t in service.list()
        ):
            raise UserError(f"{service.where}: there is already a theme {changes['name']!r} in {theme.category}")
        label = f"Rename theme {theme.name} to {changes['name']}"
    elif "description" in changes:
        changes["description"] = clean_text(changes["description"]).strip()
        label = f"Describe theme {theme.name}"
    else:
        code = changes["cfir_code_id"]
        label = (
            f"Map theme {theme.name} to {check_code(service, code)}"
            if code
            else f"Remove the CFIR mapping of theme {theme.name}"
        )
    current = {"name": theme.name, "description": theme.description, "cfir_code_id": theme.cfir_code_id}
    changed = {k: v for k, v in changes.items() if current[k] != v}
    if changed:
        with service.action(label) as act:
            act.update("themes", {"id": theme.id}, changed)
    return service.theme(theme.id)


def move_theme(service: ThemeService, ref: int | str, category: int | str | None, position: int | None) -> Theme:
    theme = service.theme(ref)
    with service.action(f"Move theme {theme.name}") as act:
        target = theme.category_id if category is None else _ensure_category(service, act, category)
        if target != theme.category_id:
            if any(t.name.casefold() == theme.name.casefold() for t in service.list() if t.category_id == target):
                raise UserError(f"{service.where}: that category already has a theme {theme.name!r}")
            act.update("themes", {"id": theme.id}, {"category_id": target})
            service.tables.renumber(
                act, "themes", [t.id for t in service.list() if t.category_id == theme.category_id and t.id != theme.id]
            )
        order = [t.id for t in service.list() if t.category_id == target and t.id != theme.id]
        order.insert(len(order) if position is None else max(0, min(position, len(order))), theme.id)
        service.tables.renumber(act, "themes", order)
    return service.theme(theme.id)


def remove_theme(service: ThemeService, ref: int | str) -> None:
    theme = service.theme(ref)
    with service.action(f"Remove theme {theme.name}") as act:
        service.tables.delete_theme(act, theme.id)
        service.tables.renumber(act, "themes", [t.id for t in service.list() if t.category_id == theme.category_id])


# --- rules ------------------------------------------------------------------------------------
def rule_text(label: str, valence: str | None) -> str:
    return f"{label} ({valence})" if valence else label


def link(service: ThemeService, ref: int | str, code_id: str, valence: str | None) -> Rule:
    theme = service.theme(ref)
    label = check_code(service, code_id)
    check_valence(service, valence)
    rules = service.tables.rules(theme.id)
    if any(r.code_id == code_id and r.valence == valence for r in rules):
        raise UserError(f"{service.where}: theme {theme.name!r} already has the rule {rule_text(label, valence)}")
    with service.action(f"Link {rule_text(label, valence)} to theme {theme.name}") as act:
        rule_id = act.insert(
            "theme_rules",
            {
                "theme_id": theme.id,
                "code_id": code_id,
                "valence": valence,
                "position": service.tables.next_position("theme_rules", "WHERE theme_id = ?", (theme.id,)),
            },
        )
    return next(r for r in service.tables.rules(theme.id) if r.id == rule_id)


def unlink(service: ThemeService, ref: int | str, code_id: str, valence: str | None) -> int:
    theme = service.theme(ref)
    label = check_code(service, code_id)
    check_valence(service, valence)
    gone = [
        r for r in service.tables.rules(theme.id) if r.code_id == code_id and (valence is None or r.valence == valence)
    ]
    if not gone:
        raise UserError(f"{service.where}: theme {theme.name!r} has no rule {rule_text(label, valence)}")
    with service.action(f"Unlink {rule_text(label, valence)} from theme {theme.name}") as act:
        for rule in gone:
            act.delete("theme_rules", {"id": rule.id})
    return len(gone)


def remove_rule(service: ThemeService, rule_id: int) -> None:
    """Remove one rule by id (the Themes screen removes the highlighted rule)."""
    rule = next((r for r in service.tables.rules() if r.id == rule_id), None)
    if rule is None:
        raise UserError(f"{service.where}: that rule no longer exists")
    unlink_one(service, rule)


def unlink_one(service: ThemeService, rule: Rule) -> None:
    theme = service.theme(rule.theme_id)
    label = check_code(service, rule.code_id)
    with service.action(f"Unlink {rule_text(label, rule.valence)} from theme {theme.name}") as act:
        act.delete("theme_rules", {"id": rule.id})


# --- codings by hand, exemplars ---------------------------------------------------------------------
def quote_words(service: ThemeService, coding_id: int, words: int = 6) -> str:
    """The first words of a coding's quote, for undo labels; a UserError if the coding does not exist."""
    opening = service.store.codings.opening(coding_id)
    if opening is None:
        raise UserError(f"{service.where}: no coding {coding_id}")
    text = opening.split()
    return "“" + " ".join(text[:words]) + ("…" if len(text) > words else "") + "”"


def mark_codings(service: ThemeService, ref: int | str, coding_ids: list[int], included: bool | None) -> int:
    """Add (True), exclude (False) or hand back to the rules (None) codings of a theme; returns rows changed."""
    theme = service.theme(ref)
    if not coding_ids:
        return 0
    first = quote_words(service, coding_ids[0])
    for cid in coding_ids[1:]:
        quote_words(service, cid)
    current = {h.coding_id: h for h in service.tables.hand_codings(theme.id)}
    what = {True: "Add", False: "Exclude", None: "Let the rules decide"}[included]
    prep = {True: "to", False: "from", None: "in"}[included]
    subject = first if len(coding_ids) == 1 else f"{len(coding_ids)} quotes"
    changed = 0
    with service.action(f"{what} {subject} {prep} theme {theme.name}") as act:
        for cid in dict.fromkeys(coding_ids):
            link = current.get(cid)
            if included is None:
                if link is not None:
                    act.delete("theme_codings", {"id": link.id})
                    changed += 1
            elif link is None:
                act.insert("theme_codings", {"theme_id": theme.id, "coding_id": cid, "included": int(included)})
                changed += 1
            elif link.included != included:
                act.update("theme_codings", {"id": link.id}, {"included": int(included)})
                changed += 1
    return changed


def pick(service: ThemeService, ref: int | str, coding_id: int, position: int | None) -> None:
    theme = service.theme(ref)
    words = quote_words(service, coding_id)
    rows = service.tables.exemplars(theme.id)
    order = [r[0] for r in rows]
    existing = next((r[0] for r in rows if r[2] == coding_id), None)
    with service.action(f"Pick {words} as an exemplar of theme {theme.name}") as act:
        if existing is None:
            existing = act.insert(
                "theme_exemplars", {"theme_id": theme.id, "coding_id": coding_id, "position": len(order)}
            )
        else:
            order.remove(existing)
        order.insert(len(order) if position is None else max(0, min(position, len(order))), existing)
        service.tables.renumber(act, "theme_exemplars", order)


def unpick(service: ThemeService, ref: int | str, coding_id: int) -> None:
    theme = service.theme(ref)
    rows = service.tables.exemplars(theme.id)
    row = next((r for r in rows if r[2] == coding_id), None)
    if row is None:
        raise UserError(f"{service.where}: coding {coding_id} is not a picked exemplar of theme {theme.name!r}")
    words = (
        quote_words(service, coding_id)
        if service.store.codings.opening(coding_id, 1) is not None
        else "a removed quote"
    )
    with service.action(f"Unpick {words} from theme {theme.name}") as act:
        act.delete("theme_exemplars", {"id": row[0]})
        service.tables.renumber(act, "theme_exemplars", [r[0] for r in rows if r[0] != row[0]])


def order_exemplars(service: ThemeService, ref: int | str, coding_ids: list[int]) -> None:
    theme = service.theme(ref)
    rows = service.tables.exemplars(theme.id)
    by_coding = {r[2]: r[0] for r in rows}
    if sorted(coding_ids) != sorted(by_coding) or len(set(coding_ids)) != len(coding_ids):
        raise UserError(
            f"{service.where}: list each picked exemplar of theme {theme.name!r} once "
            f"(picked: {', '.join(str(c) for c in by_coding) or 'none'})"
        )
    with service.action(f"Reorder the exemplars of theme {theme.name}") as act:
        service.tables.renumber(act, "theme_exemplars", [by_coding[c] for c in coding_ids])
