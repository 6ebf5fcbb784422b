"""What changed between two codebooks, by code ID: added, removed, renamed, moved, edited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evalbench.codebook.model import Codebook
from evalbench.errors import one_line
from evalbench.model import Code

#: Fields compared besides name and parent (position is order only and is ignored).
FIELDS = ("definition", "inclusion", "exclusion", "examples", "keywords", "color", "valence_applies", "extra")


def field_value(code: Code, name: str) -> Any:
    """A code field as plain JSON-able data (tuples become lists)."""
    if name == "parent":
        return code.parent_id
    value = getattr(code, name)
    return list(value) if isinstance(value, tuple) else value


@dataclass
class CodeChange:
    """How one code present in both codebooks differs; ``fields`` maps name -> (old, new)."""

    id: str
    name: str
    renamed: tuple[str, str] | None = None
    moved: tuple[str | None, str | None] | None = None
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def to_json(self) -> dict:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.renamed:
            out["renamed"] = {"from": self.renamed[0], "to": self.renamed[1]}
        if self.moved:
            out["moved"] = {"from": self.moved[0], "to": self.moved[1]}
        if self.fields:
            out["fields"] = {k: {"from": a, "to": b} for k, (a, b) in self.fields.items()}
        return out


@dataclass
class CodebookDiff:
    """The difference from codebook A to codebook B."""

    added: list[Code] = field(default_factory=list)
    removed: list[Code] = field(default_factory=list)
    changed: list[CodeChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def renamed(self) -> list[CodeChange]:
        return [c for c in self.changed if c.renamed]

    @property
    def moved(self) -> list[CodeChange]:
        return [c for c in self.changed if c.moved]

    def to_json(self) -> dict:
        return {
            "added": [{"id": c.id, "name": c.name, "parent": c.parent_id} for c in self.added],
            "removed": [{"id": c.id, "name": c.name, "parent": c.parent_id} for c in self.removed],
            "renamed": [{"id": c.id, "from": c.renamed[0], "to": c.renamed[1]} for c in self.renamed if c.renamed],
            "moved": [{"id": c.id, "from": c.moved[0], "to": c.moved[1]} for c in self.moved if c.moved],
            "changed": [c.to_json() for c in self.changed if c.fields],
        }

    def lines(self) -> list[str]:
        """One human-readable line per change, like ``+ id  Name`` (names made printable, one line each)."""
        out = [
            f"+ {c.id}  {one_line(c.name, 200)} (added{' under ' + c.parent_id if c.parent_id else ''})"
            for c in self.added
        ]
        out += [f"- {c.id}  {one_line(c.name, 200)} (removed)" for c in self.removed]
        for ch in self.changed:
            if ch.renamed:
                out.append(f"~ {ch.id}  renamed {ch.renamed[0]!r} -> {ch.renamed[1]!r}")
            if ch.moved:
                out.append(f"~ {ch.id}  moved from {ch.moved[0] or '(top level)'} to {ch.moved[1] or '(top level)'}")
            if ch.fields:
                out.append(f"~ {ch.id}  changed {', '.join(ch.fields)}")
        return out


def compare(a: Code, b: Code) -> CodeChange | None:
    """The change from code ``a`` to code ``b`` (same ID), or None when they are the same."""
    change = CodeChange(id=b.id, name=b.name)
    if a.name != b.name:
        change.renamed = (a.name, b.name)
    if a.parent_id != b.parent_id:
        change.moved = (a.parent_id, b.parent_id)
    for name in FIELDS:
        old, new = field_value(a, name), field_value(b, name)
        if old != new:
            change.fields[name] = (old, new)
    return change if (change.renamed or change.moved or change.fields) else None


def diff_codes(a: list[Code], b: list[Code]) -> CodebookDiff:
    """Difference between two code lists, matching codes by ID."""
    ia, ib = {c.id: c for c in a}, {c.id: c for c in b}
    result = CodebookDiff(added=[c for c in b if c.id not in ia], removed=[c for c in a if c.id not in ib])
    for code in b:
        if code.id in ia:
            change = compare(ia[code.id], code)
            if change:
                result.changed.append(change)
    return result


def diff_codebooks(a: Codebook, b: Codebook) -> CodebookDiff:
    return diff_codes(a.tree_order(), b.tree_order())
