"""The codebook as a whole: ordered codes plus the file's descriptive fields.

Codes themselves are :class:`evalbench.model.Code` (frozen dataclasses shared
with the store). A :class:`Codebook` adds what a shared file carries besides
its codes (name, version, attribution) and the checks every loader runs:
unique IDs, known parents and no parent cycles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from evalbench.errors import UserError
from evalbench.model import Code

#: What a code ID may look like: no spaces, so IDs work on a command line.
ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:\-]*$")
COLOR_PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")

#: Descriptive top-level fields of a codebook file (besides ``codes``).
META_FIELDS = ("id", "name", "version", "description", "attribution", "license")


class CodebookError(UserError):
    """A codebook that cannot be used; the message names file, line and column if known."""

    def __init__(self, source: str, problem: str, line: int | None = None, column: int | None = None):
        self.source, self.problem, self.line, self.column = source, problem, line, column
        where = source
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {problem}")


@dataclass
class Codebook:
    """An ordered list of codes (parents before children) and the file's metadata.

    ``positions`` maps a code ID to the (line, column) where it was defined, so
    validation errors can point into the file; ``document`` keeps the parsed
    YAML document so that saving can preserve the user's comments.
    """

    codes: list[Code]
    meta: dict[str, Any] = field(default_factory=dict)
    source: str = "<codebook>"
    positions: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    #: (code ID, key) -> (line, column) of one field, for errors about that field.
    field_positions: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict, repr=False)
    document: Any = field(default=None, repr=False, compare=False)
    _index: tuple = field(default=(None, None), init=False, repr=False, compare=False)

    # --- lookups -----------------------------------------------------------
    def by_id(self) -> dict[str, Code]:
        """ID -> code (cached until ``codes`` is replaced or changes length; do not mutate)."""
        key = (id(self.codes), len(self.codes))
        if self._index[0] != key:
            self._index = (key, {c.id: c for c in self.codes})
        return self._index[1]

    def get(self, code_id: str) -> Code | None:
        return self.by_id().get(code_id)

    def children(self, parent_id: str | None) -> list[Code]:
        return [c for c in self.codes if c.parent_id == parent_id]

    def depth(self, code_id: str) -> int:
        """0 for a top-level code, 1 for its children, and so on."""
        index, depth = self.by_id(), 0
        code = index[code_id]
        while code.parent_id is not None:
            depth += 1
            code = index[code.parent_id]
        return depth

    def path(self, code_id: str) -> list[str]:
        """Names from the top-level ancestor down to the code."""
        index, names = self.by_id(), []
        code: Code | None = index[code_id]
        while code is not None:
            names.append(code.name)
            code = index.get(code.parent_id) if code.parent_id else None
        return names[::-1]

    def effective_color(self, code_id: str) -> str | None:
        """The code's colour, else the nearest ancestor's (templates colour domains only)."""
        index = self.by_id()
        code: Code | None = index[code_id]
        while code is not None:
            if code.color:
                return code.color
            code = index.get(code.parent_id) if code.parent_id else None
        return None

    def tree_order(self) -> list[Code]:
        """Codes depth-first: each parent followed by its subtree, siblings by position."""
        kids: dict[str | None, list[Code]] = {}
        for c in self.codes:
            kids.setdefault(c.parent_id, []).append(c)
        for group in kids.values():
            group.sort(key=lambda c: c.position)
        out: list[Code] = []

        def walk(parent: str | None) -> None:
            for c in kids.get(parent, []):
                out.append(c)
                walk(c.id)

        walk(None)
        return out

    # --- checks ------------------------------------------------------------
    def _where(self, code_id: str, key: str | None = None) -> tuple[int | None, int | None]:
        if key and (code_id, key) in self.field_positions:
            return self.field_positions[(code_id, key)]
        return self.positions.get(code_id, (None, None))

    def validate(self) -> Codebook:
        """Raise CodebookError for duplicate IDs, bad fields, unknown parents or cycles."""
        seen: set[str] = set()
        for code in self.codes:
            line, col = self._where(code.id)
            if not isinstance(code.id, str) or not ID_PATTERN.match(code.id):
                raise CodebookError(self.source, f"code ID {code.id!r} must be letters, digits, "
                                    "'_', '.', ':' or '-' with no spaces", line, col)
            if code.id in seen:
                raise CodebookError(self.source, f"duplicate code ID {code.id!r}", line, col)
            seen.add(code.id)
            if not code.name or not code.name.strip():
                raise CodebookError(self.source, f"code {code.id!r} has no name", line, col)
            if code.color is not None and not COLOR_PATTERN.match(code.color):
                line, col = self._where(code.id, "color")
                raise CodebookError(self.source, f"code {code.id!r}: colour {code.color!r} "
                                    "is not of the form #RRGGBB", line, col)
        for code in self.codes:
            if code.parent_id is not None and code.parent_id not in seen:
                line, col = self._where(code.id, "parent")
                raise CodebookError(self.source, f"code {code.id!r} has unknown parent "
                                    f"{code.parent_id!r}", line, col)
        index = self.by_id()
        for code in self.codes:
            chain, cur = [code.id], code
            while cur.parent_id is not None:
                if cur.parent_id in chain:
                    line, col = self._where(code.id, "parent")
                    loop = " -> ".join([*chain[chain.index(cur.parent_id):], cur.parent_id])
                    raise CodebookError(self.source, f"parent cycle: {loop}", line, col)
                chain.append(cur.parent_id)
                cur = index[cur.parent_id]
        return self

    def normalised(self) -> Codebook:
        """The same codebook with codes in tree order and positions renumbered per parent."""
        counters: dict[str | None, int] = {}
        out = []
        for c in self.tree_order():
            n = counters.get(c.parent_id, 0)
            counters[c.parent_id] = n + 1
            out.append(c if c.position == n else replace(c, position=n))
        return replace(self, codes=out)


def make_codebook(codes: list[Code], *, source: str = "<codebook>", meta: dict | None = None,
                  positions: dict | None = None, document: Any = None,
                  field_positions: dict | None = None) -> Codebook:
    """Build, check and normalise a codebook: parents before children, positions per parent.

    Codes keep the relative order they were given in among siblings.
    """
    counters: dict[str | None, int] = {}
    numbered = []
    for c in codes:
        n = counters.get(c.parent_id, 0)
        counters[c.parent_id] = n + 1
        numbered.append(replace(c, position=n))
    book = Codebook(numbered, dict(meta or {}), source, dict(positions or {}),
                    dict(field_positions or {}), document)
    return book.validate().normalised()
