"""Codebook changes inside a project: add, edit, rename, move, merge, split, pull and push.

Each function takes the project's :class:`~evalbench.store.store.Store` and
makes its change as one undoable action (``store.action``), so the TUI and the
CLI get undo for free; :class:`evalbench.codebook.service.CodebookService`
(``project.codebook``) is how the rest of evalbench calls them. Nothing here
deletes a code that still has codings: merging moves
the codings first, and pulling a shared file that drops a used code keeps the
code and reports it.

Provenance of merged codings: each moved coding's memo gets a line
``[merged from <id> "<name>"]`` and the target code's ``extra["merged_from"]``
lists the merged codes with their definitions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from evalbench.codebook.diff import CodebookDiff, diff_codes
from evalbench.codebook.model import ID_PATTERN, Codebook, make_codebook
from evalbench.errors import UserError
from evalbench.model import Code
from evalbench.store.codes import code_to_row
from evalbench.store.store import Store
from evalbench.store.undo import Action

#: Code fields a user may edit through :func:`update_code`.
EDITABLE = ("name", "definition", "inclusion", "exclusion", "examples", "keywords", "color", "valence_applies", "extra")


def _fail(store: Store, message: str) -> UserError:
    return UserError(f"{store.where}: {message}")


def project_codebook(store: Store) -> Codebook:
    """The project's codes as a Codebook (with the metadata of the last pulled file)."""
    meta = {}
    raw = store.meta.get("codebook_meta")
    if raw:
        try:
            meta = json.loads(raw)
        except json.JSONDecodeError:
            meta = {}
    meta.setdefault("name", store.name)
    return make_codebook(store.codes.list(), source=str(store.path), meta=meta)


def _index(store: Store) -> dict[str, Code]:
    return {c.id: c for c in store.codes.list()}


def _changed_row(old: Code, new: Code) -> dict:
    a, b = code_to_row(old), code_to_row(new)
    return {k: v for k, v in b.items() if a[k] != v and k != "id"}


def _check_color(store: Store, color: str | None) -> None:
    from evalbench.codebook.model import COLOR_PATTERN

    if color is not None and not COLOR_PATTERN.match(color):
        raise _fail(store, f"colour {color!r} is not of the form #RRGGBB")


# --- single-code edits -----------------------------------------------------------------
def add_code(store: Store, code: Code) -> Code:
    """Add one code at the end of its parent's children."""
    index = _index(store)
    if not ID_PATTERN.match(code.id):
        raise _fail(store, f"code ID {code.id!r} must be letters, digits, '_', '.', ':' or '-'")
    if code.id in index:
        raise _fail(store, f"code {code.id!r} already exists ({index[code.id].name})")
    if code.parent_id is not None and code.parent_id not in index:
        raise _fail(store, f"no parent code {code.parent_id!r}")
    if not code.name.strip():
        raise _fail(store, "a code needs a name")
    _check_color(store, code.color)
    siblings = [c for c in index.values() if c.parent_id == code.parent_id]
    code = replace(code, position=max((c.position for c in siblings), default=-1) + 1)
    with store.action(f"Add code {code.name}") as act:
        act.insert("codes", code_to_row(code))
    return code


def update_code(store: Store, code_id: str, **changes) -> Code:
    """Change a code's name, definition, criteria, examples, keywords, colour or valence."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise _fail(store, f"cannot change {', '.join(sorted(unknown))} of a code (use move to change the parent)")
    old = store.codes.get(code_id)
    for key in ("examples", "keywords"):
        if key in changes:
            changes[key] = tuple(changes[key])
    if "name" in changes and not str(changes["name"]).strip():
        raise _fail(store, "a code needs a name")
    _check_color(store, changes.get("color"))
    new = replace(old, **changes)
    row = _changed_row(old, new)
    if row:
        label = f"Rename code {old.name} to {new.name}" if set(changes) == {"name"} else f"Edit code {new.name}"
        with store.action(label) as act:
            act.update("codes", {"id": code_id}, row)
    return new


def _descendants(index: dict[str, Code], code_id: str) -> set[str]:
    out, frontier = set(), [code_id]
    while frontier:
        cur = frontier.pop()
        for c in index.values():
            if c.parent_id == cur and c.id not in out:
                out.add(c.id)
                frontier.append(c.id)
    return out


def move_code(store: Store, code_id: str, parent_id: str | None) -> Code:
    """Put a code (with its subtree) under another parent, or at the top level with None."""
    index = _index(store)
    if code_id not in index:
        raise _fail(store, f"no code {code_id!r}")
    if parent_id is not None:
        if parent_id not in index:
            raise _fail(store, f"no parent code {parent_id!r}")
        if parent_id == code_id or parent_id in _descendants(index, code_id):
            raise _fail(store, f"cannot move {code_id!r} under itself or its own descendant {parent_id!r}")
    old = index[code_id]
    if old.parent_id == parent_id:
        return old
    siblings = [c for c in index.values() if c.parent_id == parent_id]
    new = replace(old, parent_id=parent_id, position=max((c.position for c in siblings), default=-1) + 1)
    from evalbench.findings.codes import keep_on_move

    parents = {c.id: c.parent_id for c in index.values()}
    with store.action(f"Move code {old.name}") as act:
        # themes keep their evidence
        keep_on_move(store.themes, act, code_id, parents, {**parents, code_id: parent_id})
        act.update("codes", {"id": code_id}, _changed_row(old, new))
    return new


def remove_code(store: Store, code_id: str) -> None:
    """Delete an unused code with no children (codings, children or ratings make it an error)."""
    index = _index(store)
    if code_id not in index:
        raise _fail(store, f"no code {code_id!r}")
    kids = [c.id for c in index.values() if c.parent_id == code_id]
    if kids:
        raise _fail(store, f"code {code_id!r} has child codes ({', '.join(kids[:3])}); move or remove them first")
    used = store.codes.usage().get(code_id, 0)
    if used:
        raise _fail(store, f"code {code_id!r} has {used} coding(s); merge it into another code instead")
    from evalbench.findings.codes import removal_blocker

    if blocker := removal_blocker(store.themes, code_id):
        raise _fail(store, blocker)
    with store.action(f"Remove code {index[code_id].name}") as act:
        _delete_code(store, act, code_id)


def _delete_code(store: Store, act: Action, code_id: str) -> None:
    for rid in store.ratings.of_code(code_id):
        act.delete("ratings", {"id": rid})
    for sid in store.suggestions.of_code(code_id):
        act.delete("suggestions", {"id": sid})
    for mid, _coder, _text in store.memos.on("code", code_id):
        act.delete("memos", {"id": mid})
    act.delete("codes", {"id": code_id})


# --- merge and split ---------------------------------------------------------------------
def merge_codes(store: Store, sources: list[str], target: str) -> dict:
    """Merge ``sources`` into ``target``: codings, suggestions, ratings, memos and child codes move.

    A moved coding keeps its coder, valence, origin and date; its memo gains
    ``[merged from <id> "<name>"]``. A coding that would duplicate one already
    on the target (same span, coder and valence) is folded into it. Returns
    counts of what moved.
    """
    index = _index(store)
    if target not in index:
        raise _fail(store, f"no code {target!r}")
    sources = list(dict.fromkeys(sources))
    for s in sources:
        if s not in index:
            raise _fail(store, f"no code {s!r}")
        if s == target or target in _descendants(index, s):
            raise _fail(store, f"cannot merge {s!r} into itself or into its own descendant {target!r}")
    clash = store.ratings.clashes(sources, target)
    if clash:
        c = clash[0]
        raise _fail(
            store,
            f"{c[3]} rated both {c[0]!r} and {target!r} for {c[1]} {c[2]}; remove one of the ratings before merging",
        )
    counts = {"codings": 0, "folded": 0, "suggestions": 0, "ratings": 0, "memos": 0, "children": 0, "theme_rules": 0}
    from evalbench.findings.codes import keep_on_move, merge_rules

    tgt = index[target]
    history = list((tgt.extra or {}).get("merged_from", []))
    with store.action(f"Merge {', '.join(index[x].name for x in sources)} into {index[target].name}") as act:
        for s in sources:
            src = index[s]
            note = f'[merged from {s} "{src.name}"]'
            for cid, doc, start, end, coder, valence, memo in store.codings.of_code(s):
                memo2 = f"{memo}\n{note}" if memo else note
                dup = store.codings.same_span(target, doc, start, end, coder, valence)
                if dup:
                    keep = dup[1] + ("\n" if dup[1] else "") + memo2
                    act.update("codings", {"id": dup[0]}, {"memo": keep})
                    act.delete("codings", {"id": cid})
                    counts["folded"] += 1
                else:
                    act.update("codings", {"id": cid}, {"code_id": target, "memo": memo2})
                    counts["codings"] += 1
            for sid in store.suggestions.of_code(s):
                act.update("suggestions", {"id": sid}, {"code_id": target})
                counts["suggestions"] += 1
            for rid in store.ratings.of_code(s):
                act.update("ratings", {"id": rid}, {"code_id": target})
                counts["ratings"] += 1
            for mid, coder, text in store.memos.on("code", s):
                mine = store.memos.find("code", target, coder)
                if mine:
                    act.update("memos", {"id": mine[0]}, {"text": f"{mine[1]}\n\n{note}\n{text}"})
                    act.delete("memos", {"id": mid})
                else:
                    act.update("memos", {"id": mid}, {"target_id": target, "text": f"{note}\n{text}"})
                counts["memos"] += 1
            next_pos = 1 + max((c.position for c in index.values() if c.parent_id == target), default=-1)
            for child in [c for c in index.values() if c.parent_id == s]:
                parents = {c.id: c.parent_id for c in index.values()}
                keep_on_move(store.themes, act, child.id, parents, {**parents, child.id: target}, ignore=[s])
                act.update("codes", {"id": child.id}, {"parent_id": target, "position": next_pos})
                index[child.id] = replace(child, parent_id=target, position=next_pos)
                next_pos += 1
                counts["children"] += 1
            history.append({"id": s, "name": src.name, "definition": src.definition})
            # a theme's rule on s now names target
            counts["theme_rules"] += merge_rules(store.themes, act, [s], target)
            act.delete("codes", {"id": s})
            index.pop(s)
        extra = dict(tgt.extra or {}, merged_from=history)
        act.update("codes", {"id": target}, {"extra": json.dumps(extra, sort_keys=True)})
    return counts


def split_code(
    store: Store, code_id: str, into: list[tuple[str, str]], *, as_children: bool = False, codings_to: str | None = None
) -> list[Code]:
    """Create new codes from one: ``into`` is [(id, name)]; they copy the original's guidance.

    New codes are siblings of the original (or its children with
    ``as_children``). Codings stay on the original for a coder to re-sort,
    unless ``codings_to`` names one of the new codes to receive them all.
    """
    index = _index(store)
    if code_id not in index:
        raise _fail(store, f"no code {code_id!r}")
    if not into:
        raise _fail(store, "split needs at least one new code")
    orig = index[code_id]
    parent = code_id if as_children else orig.parent_id
    new_ids = [i for i, _ in into]
    for new_id, name in into:
        if not ID_PATTERN.match(new_id):
            raise _fail(store, f"code ID {new_id!r} must be letters, digits, '_', '.', ':' or '-'")
        if new_id in index or new_ids.count(new_id) > 1:
            raise _fail(store, f"code {new_id!r} already exists")
        if not name.strip():
            raise _fail(store, f"new code {new_id!r} needs a name")
    if codings_to is not None and codings_to not in new_ids:
        raise _fail(store, f"--codings-to must be one of the new codes ({', '.join(new_ids)})")
    pos = 1 + max((c.position for c in index.values() if c.parent_id == parent), default=-1)
    made = []
    with store.action(f"Split code {orig.name}") as act:
        for offset, (new_id, name) in enumerate(into):
            code = replace(
                orig, id=new_id, name=name, parent_id=parent, position=pos + offset, extra={"split_from": code_id}
            )
            act.insert("codes", code_to_row(code))
            made.append(code)
        if codings_to:
            if not as_children:  # the codings leave the original's subtree: its theme rules follow them
                from evalbench.findings.codes import copy_rules

                copy_rules(store.themes, act, code_id, codings_to)
            note = f'[split from {code_id} "{orig.name}"]'
            for cid, *_where, memo in store.codings.of_code(code_id):
                act.update("codings", {"id": cid}, {"code_id": codings_to, "memo": f"{memo}\n{note}" if memo else note})
    return made


# --- pull and push ----------------------------------------------------------------------
@dataclass
class PullReport:
    """What ``pull`` changed (or would change, with dry_run)."""

    diff: CodebookDiff
    removed: list[str] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)  # code id -> why it was kept

    def to_json(self) -> dict:
        return {
            **self.diff.to_json(),
            "deleted": self.removed,
            "kept": [{"id": k, "reason": v} for k, v in self.kept.items()],
        }

    def lines(self) -> list[str]:
        out = [line for line in self.diff.lines() if not line.startswith("- ")]
        out += [f"- {cid}  (removed)" for cid in self.removed]
        out += [f"! {cid}  kept although the file removes it: {why}" for cid, why in self.kept.items()]
        return out


def pull_codebook(store: Store, book: Codebook, *, dry_run: bool = False, label: str = "Pull codebook") -> PullReport:
    """Make the project's codebook match ``book``, keeping (and reporting) removed codes still in use."""
    current = store.codes.list()
    index = {c.id: c for c in current}
    diff = diff_codes(current, book.codes)
    used = store.codes.usage()
    rated = store.ratings.rated_codes()
    from evalbench.findings.codes import keep_on_move, used_codes

    themed = used_codes(store.themes)
    wanted = book.by_id()
    report = PullReport(diff)
    keep: set[str] = set()
    for code in diff.removed:
        if used.get(code.id):
            report.kept[code.id] = f"{used[code.id]} coding(s)"
            keep.add(code.id)
        elif code.id in rated:
            report.kept[code.id] = "has construct ratings"
            keep.add(code.id)
        elif code.id in themed:
            report.kept[code.id] = "used by themes"
            keep.add(code.id)
    # A kept code keeps its ancestors too.
    for cid in list(keep):
        cur = index[cid].parent_id
        while cur is not None and cur not in wanted and cur not in keep:
            report.kept[cur] = f"parent of kept code {cid}"
            keep.add(cur)
            cur = index[cur].parent_id
    report.removed = [c.id for c in diff.removed if c.id not in keep]
    if dry_run or not (diff or report.removed):
        return report
    meta = {k: v for k, v in book.meta.items() if v}
    with store.action(label) as act:
        for code in book.tree_order():
            if code.id not in index:
                act.insert("codes", code_to_row(code))
        old_parents = {c.id: c.parent_id for c in current}
        new_parents = {**old_parents, **{c.id: c.parent_id for c in book.tree_order()}}
        for code in book.tree_order():
            if code.id in index and index[code.id].parent_id != code.parent_id:
                keep_on_move(store.themes, act, code.id, old_parents, new_parents)
        for code in book.tree_order():
            old = index.get(code.id)
            if old is not None:
                row = _changed_row(old, code)
                if row:
                    act.update("codes", {"id": code.id}, row)
        removed = set(report.removed)
        for code in reversed(current):  # children before parents
            if code.id in removed:
                _delete_code(store, act, code.id)
        if meta:
            value = json.dumps(meta, sort_keys=True, ensure_ascii=False)
            if store.meta.get("codebook_meta") is None:
                act.insert("meta", {"key": "codebook_meta", "value": value})
            else:
                act.update("meta", {"key": "codebook_meta"}, {"value": value})
    return report


def push_codebook(store: Store, path: str | Path, fmt: str | None = None) -> CodebookDiff:
    """Write the project's codebook to a shared file; returns how the file changed.

    When the file already exists as YAML its comments are kept: the project's
    codes are written into the loaded document.
    """
    from evalbench.codebook.files import read_codebook_file, write_codebook_file

    path = Path(path)
    book = project_codebook(store)
    before: list[Code] = []
    if path.exists():
        old = read_codebook_file(path)
        before = old.codes
        book.document = old.document
        book.meta = {**book.meta, **old.meta}
    write_codebook_file(book, path, fmt)
    return diff_codes(before, book.codes)
