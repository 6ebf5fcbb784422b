"""Finding a code from what a person types: its ID, its name, or a ``Parent / Name`` path.

People name codes by name ("Relative Priority"), not by ID. A name alone can
be ambiguous — CFIR 2.0 has three "Innovation Deliverers" — and then a path of
parent names tells them apart ("Engaging / Innovation Deliverers"), as many
levels as needed. Matching ignores case and the spacing around names. Used by
``evalbench code --from-csv`` and ``evalbench quotes``.
"""

from __future__ import annotations

from collections.abc import Iterable

from evalbench.model import Code


class UnknownCode(ValueError):
    """No code has that ID, name or path."""


def _chain(code: Code, by_id: dict[str, Code]) -> list[Code]:
    """The code and its ancestors, outermost first."""
    out, seen, cur = [], set(), code
    while cur is not None and cur.id not in seen:
        seen.add(cur.id)
        out.append(cur)
        cur = by_id.get(cur.parent_id) if cur.parent_id else None
    return out[::-1]


def resolve_code(codes: Iterable[Code], ref: str) -> str:
    """The ID of the code ``ref`` names; :class:`UnknownCode`, or ValueError for an ambiguous name (one
    line, with a path that would work)."""
    by_id = {c.id: c for c in codes}
    ref = ref.strip()
    if ref in by_id:
        return ref
    found = [c for c in by_id.values() if c.name.strip().casefold() == ref.casefold()]
    if len(found) == 1:
        return found[0].id
    if "/" in ref:
        parts = [p.strip().casefold() for p in ref.split("/") if p.strip()]
        matches = [c for c in by_id.values()
                   if [a.name.strip().casefold() for a in _chain(c, by_id)][-len(parts):] == parts]
        if len(matches) == 1:
            return matches[0].id
        if len(matches) > 1:
            found = matches
    if len(found) > 1:
        options = "; ".join(" / ".join(a.name for a in _chain(c, by_id)[-2:]) for c in found[:4])
        raise ValueError(f"code name {ref!r} is ambiguous; write it as a path, e.g. {options}")
    raise UnknownCode(f"unknown code {ref!r}")
