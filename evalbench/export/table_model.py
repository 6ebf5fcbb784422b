"""A findings table as plain data: columns, groups of rows under a group heading, notes.

The construct layout (groups are CFIR domains and custom top-level codes) and
the themes layout (groups are the project's categories) both build a
:class:`GroupedTable`; the Word, Markdown, Excel and CSV writers render it, so
the four never disagree about a row, a count or a quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: How a column is sized: ``label`` and ``short`` columns to their content (never narrower than their
#: longest word); ``text`` and ``quotes`` share the rest.
ColumnKind = Literal["label", "short", "text", "quotes"]


@dataclass(frozen=True)
class Quote:
    """An exemplar quote and who said it (a participant ID, or "no participant: FILE")."""

    text: str
    who: str


@dataclass(frozen=True)
class Cell:
    """A cell with a look of its own (a rating's fill), where plain text is not enough."""

    text: str
    fill: str | None = None  #: hex RGB background
    color: str | None = None  #: hex RGB text colour (white on dark fills)


@dataclass(frozen=True)
class Column:
    title: str
    kind: ColumnKind = "short"
    share: float = 1.0  #: for text and quotes columns: their share of the width left over
    max_in: float | None = None  #: for label and short columns: wrap beyond this width (inches)


@dataclass
class Group:
    """Rows under one group heading; each row is a list of cells (str, int, Cell or tuple of Quote)."""

    title: str
    rows: list[list] = field(default_factory=list)


@dataclass
class GroupedTable:
    title: str
    columns: list[Column]
    groups: list[Group]
    notes: list[str] = field(default_factory=list)
    group_label: str = "Group"  #: what a group is, as a column title where groups become a column
    #: Word: each group its own table whose header and group row repeat on a continued page (long tables
    #: of quotes); False: one table, group rows inline (compact tables of counts and ratings).
    repeat_groups: bool = True

    @property
    def row_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)


def cell_text(value: object, *, quote_sep: str = "\n") -> str:
    """A cell as plain text (quotes as “text” (who), one per line)."""
    if value is None:
        return ""
    if isinstance(value, Cell):
        return value.text
    if isinstance(value, tuple):
        return quote_sep.join(f"“{q.text}” ({q.who})" for q in value)
    return str(value)
