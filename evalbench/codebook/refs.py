"""Finding a code from what a person types: its ID, its name, or a ``Parent / Name`` path.

People name codes by name ("Relative Priority"), not by ID. A name alone can
be ambiguous — CFIR 2.0 has three "Innovation Deliverers" — and then a path of
parent names tells them apart ("Engaging / Innovation Deliverers"), as many
levels as needed. Matching ignores case and the spacing around names. Used by
``evalbench code --from-csv`` (once per row, so the lookups are built once) and
``evalbench quotes`` / ``summary``.
"""

from __future__ import annotations

from collections.abc import Iterable

from evalbench.errors import quote
from evalbench.model import Code


class UnknownCode(ValueError):
    """No code has that ID, name or path."""


class CodeFinder:
    """A codebook's codes by ID, by name and by path, for :meth:`find`."""

    def __init__(self, codes: Iterable[Code]) -> None:
        self.by_id = {c.id: c for c in codes}
        self.by_name: dict[str, list[Code]] = {}
        for code in self.by_id.values():
            self.by_name.setdefault(code.name.strip().casefold(), []).append(code)
        self._chains: dict[str, list[Code]] = {}

    def chain(self, code: Code) -> list[Code]:
        """The code and its ancestors, outermost first."""
        if code.id not in self._chains:
            out: list[Code] = []
            seen: set[str] = set()
            cur: Code | None = code
            while cur is not None and cur.id not in seen:
                seen.add(cur.id)
                out.append(cur)
                cur = self.by_id.get(cur.parent_id) if cur.parent_id else None
            self._chains[code.id] = out[::-1]
        return self._chains[code.id]

    def find(self, ref: str) -> str:
        """The ID of the code ``ref`` names; :class:`UnknownCode`, or ValueError for an ambiguous name
        (one line, with paths that would work)."""
        ref = ref.strip()
        if ref in self.by_id:
            return ref
        found = self.by_name.get(ref.casefold(), [])
        if len(found) == 1:
            return found[0].id
        if "/" in ref:
            parts = [p.strip().casefold() for p in ref.split("/") if p.strip()]
            matches = [
                c
                for c in self.by_id.values()
                if [a.name.strip().casefold() for a in self.chain(c)][-len(parts) :] == parts
            ]
            if len(matches) == 1:
                return matches[0].id
            if len(matches) > 1:
                found = matches
        if len(found) > 1:
            options = "; ".join(" / ".join(a.name for a in self.chain(c)[-2:]) for c in found[:4])
            raise ValueError(f"code name {quote(ref)} is ambiguous; write it as a path, e.g. {options}")
        raise UnknownCode(f"unknown code {quote(ref)}")


def resolve_code(codes: Iterable[Code], ref: str) -> str:
    """The ID of the code ``ref`` names in ``codes`` (see :meth:`CodeFinder.find`)."""
    return CodeFinder(codes).find(ref)
