"""Three-way codebook merge by code ID, like git's merge but per code field.

For each field of each code: a change made on one side only is taken; the
same change on both sides is taken once; different changes on both sides are
a conflict. Keywords and examples merge as lists (both sides' additions kept,
both sides' removals applied), so they never conflict. A code deleted on one
side and edited on the other is kept (with the edits) and reported. Nothing
is dropped silently: every conflict is listed, and the merged codebook keeps
"ours" for a conflicting field so it stays loadable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from evalbench.codebook.diff import FIELDS, field_value
from evalbench.codebook.model import Codebook, make_codebook
from evalbench.model import Code

_MERGED = ("name", "parent", *FIELDS)
_LISTS = ("examples", "keywords")


@dataclass
class Conflict:
    """One thing the merge could not decide; the result holds ``ours``."""

    id: str
    field: str  # a field name, or 'deleted' (removed on one side, edited on the other), or 'parent'
    base: Any
    ours: Any
    theirs: Any
    note: str = ""

    def line(self) -> str:
        if self.field == "deleted":
            return f"{self.id}: {self.note}"
        text = (
            f"{self.id}: {self.field} changed on both sides: ours={self.ours!r} "
            f"theirs={self.theirs!r} (base={self.base!r})"
        )
        return text + (f"; {self.note}" if self.note else "")

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "field": self.field,
            "base": self.base,
            "ours": self.ours,
            "theirs": self.theirs,
            "note": self.note,
        }


@dataclass
class MergeResult:
    codebook: Codebook
    conflicts: list[Conflict] = field(default_factory=list)


def _merge_list(base: list, ours: list, theirs: list) -> list:
    removed = {x for x in base if x not in ours} | {x for x in base if x not in theirs}
    out: list = []
    for x in [*ours, *theirs]:
        if x not in removed and x not in out:
            out.append(x)
    return out


def _set(code: Code, name: str, value: Any) -> Code:
    if name == "parent":
        return replace(code, parent_id=value)
    changes: dict[str, Any] = {name: tuple(value) if name in _LISTS else value}
    return replace(code, **changes)


def _merge_code(base: Code | None, ours: Code, theirs: Code, conflicts: list[Conflict]) -> Code:
    result = ours
    for name in _MERGED:
        o, t = field_value(ours, name), field_value(theirs, name)
        b = field_value(base, name) if base is not None else None
        if o == t or (base is not None and t == b):
            continue
        if base is not None and o == b:
            result = _set(result, name, t)
        elif name in _LISTS:
            result = _set(result, name, _merge_list(b or [], o, t))
        else:
            conflicts.append(Conflict(ours.id, name, b, o, t))
    return result


def merge_codebooks(base: Codebook, ours: Codebook, theirs: Codebook) -> MergeResult:
    """Merge ``theirs`` into ``ours`` relative to their common ancestor ``base``."""
    ib, io, it = base.by_id(), ours.by_id(), theirs.by_id()
    conflicts: list[Conflict] = []
    merged: dict[str, Code] = {}
    order = [c.id for c in ours.tree_order()]
    order += [c.id for c in theirs.tree_order() if c.id not in io]
    for cid in order:
        b, o, t = ib.get(cid), io.get(cid), it.get(cid)
        if o is not None and t is not None:
            merged[cid] = _merge_code(b, o, t, conflicts)
        elif o is not None and b is None:
            merged[cid] = o  # added by us
        elif t is not None and b is None:
            merged[cid] = t  # added by them
        elif o is not None:  # they deleted it
            if o == b:
                continue
            merged[cid] = o
            conflicts.append(
                Conflict(
                    cid,
                    "deleted",
                    None,
                    "edited",
                    "deleted",
                    "deleted by theirs but edited by ours; kept with our edits",
                )
            )
        elif t is not None:  # we deleted it
            if t == b:
                continue
            merged[cid] = t
            conflicts.append(
                Conflict(
                    cid,
                    "deleted",
                    None,
                    "deleted",
                    "edited",
                    "deleted by ours but edited by theirs; kept with their edits",
                )
            )
    _repair_parents(merged, ib, io, it, conflicts)
    book = make_codebook(
        list(merged.values()), source=ours.source, meta=_merge_meta(base, ours, theirs), document=ours.document
    )
    return MergeResult(book, conflicts)


def _merge_meta(base: Codebook, ours: Codebook, theirs: Codebook) -> dict:
    out = dict(ours.meta)
    for key, value in theirs.meta.items():
        if ours.meta.get(key) == base.meta.get(key):
            out[key] = value
    return out


def _repair_parents(merged: dict[str, Code], ib, io, it, conflicts: list[Conflict]) -> None:
    """Bring back deleted parents that still have children, and break parent cycles."""
    changed = True
    while changed:
        changed = False
        for code in list(merged.values()):
            pid = code.parent_id
            if pid is None or pid in merged:
                continue
            restored = io.get(pid) or it.get(pid) or ib.get(pid)
            if restored is None:
                continue
            merged[pid] = restored
            side = "theirs" if pid in io else "ours"
            conflicts.append(
                Conflict(pid, "deleted", None, None, None, f"deleted by {side} but {code.id} still sits under it; kept")
            )
            changed = True
    acyclic: set[str] = set()  # codes whose chain is known to reach the top: walk each chain once
    for cid in list(merged):
        seen: set[str] = set()
        cur: str | None = cid
        while cur is not None and cur in merged and cur not in seen and cur not in acyclic:
            seen.add(cur)
            cur = merged[cur].parent_id
        if cur is None or cur not in seen:
            acyclic |= seen
        else:
            code = merged[cid]
            fallback = ib[cid].parent_id if cid in ib else None
            conflicts.append(
                Conflict(
                    cid,
                    "parent",
                    fallback,
                    code.parent_id,
                    None,
                    "moves on both sides made a parent cycle; kept the base parent",
                )
            )
            merged[cid] = replace(code, parent_id=fallback)
