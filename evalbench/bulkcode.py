"""Bulk coding from a spreadsheet (CSV), for teams moving from Excel-based rapid analysis.

Columns (headers matched case-insensitively; comma, semicolon or tab separated):

- ``document``: the transcript's file name (also accepted: the name without its
  extension, or a participant ID that has exactly one transcript);
- the place, one of: ``start`` and ``end`` character offsets; ``turn`` (the
  turn number, from 1); ``quote`` (an excerpt found in that document's text);
  ``quote`` with ``turn`` looks for the quote inside that turn only;
- ``code``: a code ID, a code name, or a ``Parent / Name`` path where a name
  alone is ambiguous;
- optional ``coder``, ``valence`` (barrier, facilitator, mixed, neutral, none;
  empty means none) and ``memo``.

Quotes are matched on whitespace-normalised text, with curly and straight
quotes, dashes and the ellipsis character treated alike; the match is mapped
back to exact character offsets of the stored text. A quote that is not found
case-sensitively is tried case-insensitively. Rows are numbered as a
spreadsheet shows them (the header is row 1). Every row is checked before any
is written: all land as one undoable action, or none do. Rows that repeat a
coding already in the project (same document, span, code and coder) are
skipped, so loading the same file twice adds nothing -- also when two
processes load it at the same moment: the check and the insert run in one
write transaction.

A sheet is hostile input like any file: it is read by
:func:`evalbench.csvsheet.read_sheet` (size cap, cells as long as the file),
and a header or cell echoed in a message is quoted and shortened
(:func:`evalbench.errors.quote`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from evalbench.codebook.refs import CodeFinder
from evalbench.coding.service import CodingService
from evalbench.errors import UserError, quote
from evalbench.model import Document
from evalbench.store.schema import VALENCES
from evalbench.store.store import Store

#: Accepted header spellings -> canonical column.
_ALIASES = {
    "document": "document",
    "file": "document",
    "source": "document",
    "transcript": "document",
    "start": "start",
    "end": "end",
    "turn": "turn",
    "quote": "quote",
    "excerpt": "quote",
    "code": "code",
    "code_id": "code",
    "coder": "coder",
    "valence": "valence",
    "memo": "memo",
}
_VALENCE_ALIASES = {
    "": "none",
    "+": "facilitator",
    "-": "barrier",
    "b": "barrier",
    "f": "facilitator",
    "positive": "facilitator",
    "negative": "barrier",
    "both": "mixed",
    "x": "mixed",
}
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032`\u00b4"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_MAX_LISTED = 20


class BulkCodingError(UserError):
    """One or more rows of a codings CSV cannot be applied; ``problems`` lists each."""

    def __init__(self, path: str | Path, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{Path(self.path).name}: {problems[0]}{more}; nothing was coded")


@dataclass
class NormalisedText:
    """Text with whitespace runs collapsed and quote marks unified, mapped back to the original.

    ``spans[i]`` is the ``(start, end)`` in the original text that produced
    normalised character ``i``.
    """

    text: str
    spans: list[tuple[int, int]] = field(repr=False)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised slice ``[start, end)``."""
        return self.spans[start][0], self.spans[end - 1][1]


def _norm_char(ch: str) -> str:
    if ch in _SINGLE_QUOTES:
        return "'"
    if ch in _DOUBLE_QUOTES:
        return '"'
    if ch in _DASHES:
        return "-"
    if ch == "\u2026":
        return "..."
    return ch


def normalise(text: str, offset: int = 0) -> NormalisedText:
    """Normalise ``text`` (whose first character sits at ``offset`` in its document)."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            out.append(" ")
            spans.append((offset + i, offset + j))
            i = j
            continue
        for piece in _norm_char(ch):
            out.append(piece)
            spans.append((offset + i, offset + i + 1))
        i += 1
    return NormalisedText("".join(out), spans)


def normalise_quote(quote: str) -> str:
    """The form a quote cell is searched in: normalised, trimmed."""
    return normalise(quote.strip()).text.strip()


def find_quote(haystack: NormalisedText, quote: str) -> list[tuple[int, int]]:
    """Original ``(start, end)`` of every occurrence of ``quote`` (case-insensitive if none exact)."""
    needle = normalise_quote(quote)
    if not needle:
        return []
    hits = _find_all(haystack.text, needle)
    if not hits:
        lowered = haystack.text.lower()
        if len(lowered) == len(haystack.text):
            hits = _find_all(lowered, needle.lower())
    if not hits and len(needle) > 2 and needle[0] == needle[-1] and needle[0] in "'\"":
        return find_quote(haystack, needle[1:-1])  # a quote cell wrapped in quote marks
    return [haystack.original(a, a + len(needle)) for a in hits]


def _find_all(text: str, needle: str) -> list[int]:
    out, at = [], text.find(needle)
    while at != -1:
        out.append(at)
        at = text.find(needle, at + 1)
    return out


class _Resolver:
    """Looks up documents, codes and turns of one project, caching what it reads."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.codes = {c.id: c for c in store.codes.list()}
        self._texts: dict[int, NormalisedText] = {}
        self._raw: dict[int, str] = {}
        self._turns: dict[int, dict[int, tuple[int, int]]] = {}
        self.finder = CodeFinder(self.codes.values())

    @cached_property
    def docs(self) -> list[Document]:
        return self.store.documents.list()

    # documents
    def document(self, ref: str) -> Document:
        ref = ref.strip()
        for test in (
            lambda d: d.name == ref,
            lambda d: d.name.casefold() == ref.casefold(),
            lambda d: Path(d.name).stem.casefold() == ref.casefold(),
            lambda d: (d.participant or "").casefold() == ref.casefold(),
        ):
            found = [d for d in self.docs if test(d)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                names = ", ".join(d.name for d in found[:4])
                raise ValueError(f"document {quote(ref)} is ambiguous ({names}); use the full file name")
        raise ValueError(f"unknown document {quote(ref)}")

    def raw_text(self, doc_id: int) -> str:
        if doc_id not in self._raw:
            self._raw[doc_id] = self.store.documents.text(doc_id)
        return self._raw[doc_id]

    def text(self, doc_id: int) -> NormalisedText:
        if doc_id not in self._texts:
            self._texts[doc_id] = normalise(self.raw_text(doc_id))
        return self._texts[doc_id]

    def turn(self, doc: Document, seq: int) -> tuple[int, int]:
        if doc.id not in self._turns:
            self._turns[doc.id] = {t.seq: (t.start, t.end) for t in self.store.turns.list(doc.id)}
        span = self._turns[doc.id].get(seq)
        if span is None:
            raise ValueError(f"{doc.name} has no turn {seq} (it has {len(self._turns[doc.id])})")
        return span

    def turn_of(self, doc: Document, offset: int) -> int | None:
        if doc.id not in self._turns:
            self._turns[doc.id] = {t.seq: (t.start, t.end) for t in self.store.turns.list(doc.id)}
        for seq, (start, end) in self._turns[doc.id].items():
            if start <= offset < end:
                return seq
        return None

    # codes
    def code(self, ref: str) -> str:
        """A code's ID from its ID, name or ``Parent / Name`` path (:mod:`evalbench.codebook.refs`)."""
        return self.finder.find(ref)


def read_rows(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """``(spreadsheet row number, {column: cell})`` for each non-empty row of a codings CSV."""
    from evalbench.csvsheet import read_sheet

    sheet = read_sheet(path)
    columns = [_ALIASES.get(h) for h in sheet.header]
    missing = [c for c in ("document", "code") if c not in columns]
    if missing:
        raise UserError(
            f"{sheet.name}: row 1: no {' or '.join(repr(m) for m in missing)} column (header: {sheet.header_text()})"
        )
    if not ({"quote", "turn"} & set(columns) or {"start", "end"} <= set(columns)):
        raise UserError(f"{sheet.name}: row 1: needs a 'quote', 'turn' or 'start' and 'end' column")
    return [
        (row_no, {col: cell for col, cell in zip(columns, cells, strict=False) if col}) for row_no, cells in sheet.rows
    ]


def _valence(cell: str) -> str:
    value = cell.strip().lower()
    value = _VALENCE_ALIASES.get(value, value)
    if value not in VALENCES:
        raise ValueError(f"valence must be one of {', '.join(VALENCES)}, not {quote(cell.strip())}")
    return value


def _int(cell: str, what: str) -> int:
    try:
        return int(cell.strip())
    except ValueError:
        raise ValueError(f"{what} must be a whole number, not {quote(cell.strip())}") from None


def _place(res: _Resolver, doc: Document, row: dict[str, str]) -> tuple[int, int]:
    start, end = row.get("start", "").strip(), row.get("end", "").strip()
    quote = row.get("quote", "")
    turn = row.get("turn", "").strip()
    if start or end:
        if not (start and end):
            raise ValueError("give both start and end")
        span = _int(start, "start"), _int(end, "end")
        if quote.strip() and normalise_quote(res.raw_text(doc.id)[span[0] : span[1]]) != normalise_quote(quote):
            raise ValueError(f"the text at {span[0]}-{span[1]} is not the quote")
        return span
    if quote.strip():
        if turn:
            t_start, t_end = res.turn(doc, _int(turn, "turn"))
            scope = normalise(res.raw_text(doc.id)[t_start:t_end], t_start)
            where = f"turn {turn} of {doc.name}"
        else:
            scope, where = res.text(doc.id), doc.name
        hits = find_quote(scope, quote)
        short = " ".join(quote.split())
        short = short if len(short) <= 60 else short[:57] + "..."
        if not hits:
            raise ValueError(f"quote not found in {where}: {short!r}")
        if len(hits) > 1:
            turns = sorted({res.turn_of(doc, a) or 0 for a, _ in hits})
            at = ", ".join(str(t) for t in turns if t)
            raise ValueError(
                f"quote found {len(hits)} times in {where}"
                + (f" (turns {at})" if at else "")
                + f"; add a turn column or a longer quote: {short!r}"
            )
        return hits[0]
    if turn:
        return res.turn(doc, _int(turn, "turn"))
    raise ValueError("no place: give a quote, a turn, or start and end")


def plan_codings(store: Store, path: str | Path, *, coder: str | None = None) -> list[dict[str, Any]]:
    """Resolve every row of a codings CSV into ``add_codings`` rows, or raise BulkCodingError."""
    res = _Resolver(store)
    default_coder = coder or store.coder
    existing = {(c.document_id, c.start, c.end, c.code_id, c.coder) for c in store.codings.list()}
    problems: list[str] = []
    planned: list[dict] = []
    for row_no, row in read_rows(path):
        try:
            if not row.get("document", "").strip():
                raise ValueError("empty document")
            if not row.get("code", "").strip():
                raise ValueError("empty code")
            doc = res.document(row["document"])
            code_id = res.code(row["code"])
            start, end = _place(res, doc, row)
            length = len(res.raw_text(doc.id))
            if not 0 <= start < end <= length:
                raise ValueError(f"span {start}-{end} is outside {doc.name} (0-{length})")
            who = row.get("coder", "").strip() or default_coder
            valence = _valence(row.get("valence", ""))
        except ValueError as exc:
            problems.append(f"row {row_no}: {exc}")
            if len(problems) >= _MAX_LISTED:
                problems.append("stopped after 20 problems")
                break
            continue
        key = (doc.id, start, end, code_id, who)
        if key in existing:
            continue
        existing.add(key)
        planned.append(
            {
                "document_id": doc.id,
                "start": start,
                "end": end,
                "code_id": code_id,
                "coder": who,
                "valence": valence,
                "memo": row.get("memo", "").strip(),
                "origin": "import",
            }
        )
    if problems:
        raise BulkCodingError(path, problems)
    return planned


def _key(row: dict) -> tuple:
    return row["document_id"], row["start"], row["end"], row["code_id"], row["coder"]


class BulkCodingService:
    """Bulk coding of one open project (``project.bulk``): a codings sheet in, one undoable action."""

    def __init__(self, store: Store, coding: CodingService) -> None:
        self.store = store
        self.coding = coding

    def plan(self, path: str | Path, *, coder: str | None = None) -> list[dict[str, Any]]:
        """The codings a sheet would add (``add_codings`` rows), or a BulkCodingError naming every bad row."""
        return plan_codings(self.store, path, coder=coder)

    def code_from_csv(self, path: str | Path, *, coder: str | None = None) -> int:
        """Apply a codings CSV as one undoable action; returns codings added.

        Rows are resolved first (reading only); then one write transaction looks
        again for codings already in the project and inserts the rest, so a
        second process loading the same sheet at the same moment waits and then
        finds them there, instead of storing every row twice.
        """
        rows = self.plan(path, coder=coder)
        if not rows:
            return 0
        with self.store.transaction():
            existing = {(c.document_id, c.start, c.end, c.code_id, c.coder) for c in self.store.codings.list()}
            rows = [r for r in rows if _key(r) not in existing]
            if rows:
                self.coding.add_many(rows, label=f"Code from {Path(path).name} ({len(rows)} codings)")
        return len(rows)
