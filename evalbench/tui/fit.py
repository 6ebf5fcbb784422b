"""Fitting text into the width a terminal gives: columns and status lines laid out by priority.

A fixed split cuts the same things at every size: at 80×24 the documents list
lost its "% coded" column, and at 140×45 columns were cut while space was left
over. Here every column and every part of a status line says how much it
matters and how small it may get; what matters most is shown first and in full,
and what matters least gives way first. No Textual: plain functions, cheap to
test at any width.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One table column: what it needs and how much it matters."""

    name: str
    priority: int  #: 0 matters most; the highest number is dropped first
    ideal: int  #: the width that shows every value whole
    minimum: int  #: narrower than this the column is dropped rather than cut
    preferred: int | None = None  #: wide enough to read most values; None: the ideal

    @property
    def comfortable(self) -> int:
        return min(self.ideal, max(self.minimum, self.preferred or self.ideal))


def fit_columns(columns: list[Column], width: int, gap: int = 2) -> list[int | None]:
    """Each column's width, or None for a column left out, so that the columns and gaps fit ``width``.

    Columns join in priority order, each at its comfortable width (its
    preferred width, or the ideal) if that fits, else at its minimum; a column
    that does not fit even so is left out, though a narrower, less important
    one may still join. Then the shown columns grow, most important first:
    first to their comfortable width, then to their ideal. Space left after
    every shown column is whole is left over.
    """
    order = sorted(range(len(columns)), key=lambda i: (columns[i].priority, i))
    widths: list[int | None] = [None] * len(columns)
    used = 0
    for i in order:
        column = columns[i]
        sep = gap if used else 0
        for size in (column.comfortable, min(column.minimum, column.ideal)):
            if used + sep + size <= width:
                widths[i] = size
                used += sep + size
                break
    spare = width - used
    for target in (lambda c: c.comfortable, lambda c: c.ideal):  # comfortable first, then whole
        for i in order:
            if widths[i] is not None:
                grow = max(0, min(spare, target(columns[i]) - widths[i]))
                widths[i] += grow
                spare -= grow
    return widths


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class Part:
    """One piece of a status line: a full and a short wording, and how much it matters."""

    priority: int  #: 0 matters most
    full: str
    short: str | None = None  #: used before the part is dropped (None: dropped at once)


def fit_parts(parts: list[Part], width: int, sep: str = " · ") -> list[str]:
    """The wordings of ``parts`` that fit ``width`` joined by ``sep``, in their original order.

    Parts give way least important first: each takes its short wording, and
    only when every part that has one is short is the least important dropped.
    The most important part is always kept (cut to the width if it must be).
    """
    chosen = [p.full for p in parts]
    alive = list(range(len(parts)))

    def length() -> int:
        return sum(len(chosen[i]) for i in alive) + len(sep) * max(0, len(alive) - 1)

    by_least = sorted(range(len(parts)), key=lambda i: (-parts[i].priority, -i))
    for i in by_least:
        if length() <= width:
            break
        if parts[i].short is not None:
            chosen[i] = parts[i].short
    for i in by_least:
        if length() <= width or len(alive) == 1:
            break
        alive.remove(i)
    out = [chosen[i] for i in alive]
    if out and length() > width:
        out[0] = clip(out[0], width)
    return out


@dataclass(frozen=True)
class CodingColumns:
    """Widths of the coding view's columns: the transcript takes what the others leave."""

    side: int
    margin: int  #: 0 when the coding-stripes margin is off


#: Narrowest transcript text worth reading (about eight words a line) before the side column gives way.
READING_MIN = 40
#: Narrowest side column: a code's name with its valence mark, and the picker's query, still fit.
SIDE_MIN = 28


def coding_columns(width: int, margin: bool) -> CodingColumns:
    """Side column and margin widths for a terminal ``width`` columns wide.

    The transcript matters most: it keeps at least :data:`READING_MIN` columns
    (plus its padding and scrollbar), then the side column (codes, suggestions,
    codebook) gets about a third of the width between 28 and 56 columns, and
    the margin about a seventh between 8 and 24 — each giving way to the
    transcript, the margin first. At 80 columns: 28 + 8 + 44.
    """
    side = max(SIDE_MIN, min(56, round(width * 0.32)))
    stripes = max(8, min(24, round(width * 0.14))) if margin else 0
    text = READING_MIN + 4  # padding and the scrollbar gutter
    if width - side - stripes < text and margin:
        stripes = max(8, width - side - text)
    if width - side - stripes < text:
        side = max(SIDE_MIN, width - stripes - text)
    return CodingColumns(side, stripes)
