"""The codebook as a whole: ordered codes plus the file's descriptive fields.

Codes themselves are :class:`evalbench.model.Code` (frozen dataclasses shared
with the store). A :class:`Codebook` adds what a shared file carries besides
its codes (name, version, attribution) and the checks every loader runs:
unique IDs, known parents, no parent cycles and at most :data:`MAX_DEPTH`
levels. Every walk over the tree is iterative, so a hostile file with a
thousand-level parent chain is refused in one line instead of overflowing
the stack, and costs linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from evalbench.errors import UserError
from evalbench.model import Code
from evalbench.textsafe import NOT_XML

#: What a code ID may look like: no spaces, so IDs work on a command line.
ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:\-]*$")
COLOR_PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")

#: Descriptive top-level fields of a codebook file (besides ``codes``).
META_FIELDS = ("id", "name", "version", "description", "attribution", "license")
#: Deepest code tree accepted (levels below the top). CFIR 2.0 uses 3; a chain of
#: a thousand parents is a hostile or broken file.
MAX_DEPTH = 64
#: 1-based (line, column) in a codebook file; (None, None) where the parser keeps no position (JSON).
Mark = tuple[int | None, int | None]


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
    positions: dict[str, Mark] = field(default_factory=dict, repr=False)
    #: (code ID, key) -> (line, column) of one field, for errors about that field.
    field_positions: dict[tuple[str, str], Mark] = field(default_factory=dict, repr=False)
    document: Any = field(default=None, repr=False, compare=False)
    #: Things changed while loading that the user should hear about (e.g. replaced characters).
    warnings: list[str] = field(default_factory=list, repr=False, compare=False)
    _index: tuple = field(default=(None, None), init=False, repr=False, compare=False)
    _depths: tuple = field(default=(None, None), init=False, repr=False, compare=False)

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
        key = (id(self.codes), len(self.codes))
        if self._depths[0] != key:
            self._depths = (key, self.depths())
        return self._depths[1][code_id]

    def depths(self) -> dict[str, int]:
        """Code ID -> depth for every code, in one linear pass; CodebookError on a cycle or a lost parent."""
        index = self.by_id()
        out: dict[str, int] = {}
        for code in self.codes:
            chain: list[str] = []
            on_chain: set[str] = set()
            cur: Code | None = code
            while cur is not None and cur.id not in out:
                if cur.id in on_chain:
                    loop = chain[chain.index(cur.id) :] + [cur.id]
                    line, col = self._where(code.id, "parent")
                    raise CodebookError(self.source, f"parent cycle: {_loop_text(loop)}", line, col)
                chain.append(cur.id)
                on_chain.add(cur.id)
                if cur.parent_id is None:
                    cur = None
                else:
                    cur = index.get(cur.parent_id)
                    if cur is None:
                        line, col = self._where(chain[-1], "parent")
                        raise CodebookError(
                            self.source,
                            f"code {chain[-1]!r} has unknown parent {index[chain[-1]].parent_id!r}",
                            line,
                            col,
                        )
            base = out[cur.id] + 1 if cur is not None else 0
            for n, cid in enumerate(reversed(chain)):
                out[cid] = base + n
        return out

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
        stack = list(reversed(kids.get(None, [])))
        while stack:  # iterative: a deep tree must not overflow the stack
            c = stack.pop()
            out.append(c)
            stack.extend(reversed(kids.get(c.id, [])))
        return out

    # --- checks ------------------------------------------------------------
    def _where(self, code_id: str, key: str | None = None) -> Mark:
        if key and (code_id, key) in self.field_positions:
            return self.field_positions[(code_id, key)]
        return self.positions.get(code_id, (None, None))

    def validate(self) -> Codebook:
        """Raise CodebookError for duplicate IDs, bad fields, unknown parents or cycles."""
        seen: set[str] = set()
        for code in self.codes:
            line, col = self._where(code.id)
            if not isinstance(code.id, str) or not ID_PATTERN.match(code.id):
                raise CodebookError(
                    self.source,
                    f"code ID {code.id!r} must be letters, digits, '_', '.', ':' or '-' with no spaces",
                    line,
                    col,
                )
            if code.id in seen:
                raise CodebookError(self.source, f"duplicate code ID {code.id!r}", line, col)
            seen.add(code.id)
            if not code.name or not code.name.strip():
                raise CodebookError(self.source, f"code {code.id!r} has no name", line, col)
            if code.color is not None and not COLOR_PATTERN.match(code.color):
                line, col = self._where(code.id, "color")
                raise CodebookError(
                    self.source, f"code {code.id!r}: colour {code.color!r} is not of the form #RRGGBB", line, col
                )
        for code in self.codes:
            if code.parent_id is not None and code.parent_id not in seen:
                line, col = self._where(code.id, "parent")
                raise CodebookError(self.source, f"code {code.id!r} has unknown parent {code.parent_id!r}", line, col)
        depths = self.depths()
        deepest = max(depths, key=depths.__getitem__, default=None)
        if deepest is not None and depths[deepest] > MAX_DEPTH:
            line, col = self._where(deepest)
            raise CodebookError(
                self.source,
                f"code {deepest!r} sits {depths[deepest]} levels deep; a codebook may nest at most {MAX_DEPTH} levels",
                line,
                col,
            )
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


def _loop_text(ids: list[str]) -> str:
    """``a -> b -> a``, shortened in the middle when the loop is long."""
    if len(ids) > 8:
        ids = [*ids[:4], f"... {len(ids) - 7} more ...", *ids[-3:]]
    return " -> ".join(ids)


def make_codebook(
    codes: list[Code],
    *,
    source: str = "<codebook>",
    meta: dict | None = None,
    positions: dict | None = None,
    document: Any = None,
    field_positions: dict | None = None,
) -> Codebook:
    """Build, check and normalise a codebook: parents before children, positions per parent.

    Codes keep the relative order they were given in among siblings.
    """
    codes, replaced = storable_codes(codes, source)
    meta, in_meta = storable_meta(dict(meta or {}))
    replaced += in_meta
    counters: dict[str | None, int] = {}
    numbered = []
    for c in codes:
        n = counters.get(c.parent_id, 0)
        counters[c.parent_id] = n + 1
        numbered.append(replace(c, position=n))
    book = Codebook(numbered, dict(meta or {}), source, dict(positions or {}), dict(field_positions or {}), document)
    book = book.validate().normalised()
    if replaced:
        book.warnings.append(replaced_warning(source, replaced))
    return book


_TEXT_FIELDS = ("id", "parent_id", "name", "definition", "inclusion", "exclusion", "color")


def _storable(value: str) -> tuple[str, int]:
    """``value`` with surrogates joined or replaced and characters XML cannot hold replaced; and how many."""
    from evalbench.textsafe import clean_text

    value, replaced = clean_text(value)
    if NOT_XML.search(value):  # storable, but no Word, Excel or REFI-QDA export could carry it
        value, n = NOT_XML.subn("\ufffd", value)
        replaced += n
    return value, replaced


def _storable_data(value: Any) -> tuple[Any, int]:
    """JSON-like data (a code's ``extra``, already depth-checked) with every string made storable."""
    if isinstance(value, str):
        return _storable(value)
    if isinstance(value, dict):
        pairs = [(_storable_data(k), _storable_data(v)) for k, v in value.items()]
        return {k: v for (k, _), (v, _) in pairs}, sum(a + b for (_, a), (_, b) in pairs)
    if isinstance(value, list | tuple):
        items = [_storable_data(v) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    return value, 0


def storable_codes(codes: list[Code], source: str) -> tuple[list[Code], int]:
    """Codes whose text can be stored and exported, and how many characters were replaced.

    Surrogate pairs become the character they encode; lone surrogates and
    characters XML cannot hold become U+FFFD. Every codebook passes here,
    whichever file or program it came from, so this is the one boundary for
    code text.
    """
    from evalbench.safeparse import checked

    out, replaced = [], 0
    for code in codes:
        changes: dict[str, Any] = {}
        for name in _TEXT_FIELDS:
            value = getattr(code, name)
            if isinstance(value, str):
                fixed, n = _storable(value)
                if n:
                    changes[name] = fixed
                    replaced += n
        for name in ("examples", "keywords"):
            cleaned = [_storable(v) if isinstance(v, str) else (v, 0) for v in getattr(code, name)]
            if any(n for _, n in cleaned):
                changes[name] = tuple(v for v, _ in cleaned)
                replaced += sum(n for _, n in cleaned)
        if code.extra:
            checked(code.extra, source, size=None)  # depth: the recursive clean below stays shallow
            extra, n = _storable_data(code.extra)
            if n:
                changes["extra"] = extra
                replaced += n
        out.append(replace(code, **changes) if changes else code)
    return out, replaced


def storable_meta(meta: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A codebook's descriptive fields made storable and exportable, as :func:`storable_codes` does."""
    out, replaced = {}, 0
    for key, value in meta.items():
        if isinstance(value, str):
            value, n = _storable(value)
            replaced += n
        out[key] = value
    return out, replaced


def replaced_warning(source: str, count: int) -> str:
    """The one wording for characters replaced because they cannot be stored or exported."""
    return (
        f"{source}: {count} character(s) that cannot be stored or exported (lone UTF-16 surrogates, "
        "control characters) were replaced with U+FFFD"
    )
