"""Excel workbooks a lead keeps: every sheet a real Excel table, a README sheet, coloured matrices.

Written with XlsxWriter. Each data sheet is an Excel table (``add_table``:
header row, autofilter, banded rows; renamed or restyled in Excel's Table
Design tab), with the header frozen, column widths from content, and long
text wrapped. Count matrices get a white-to-blue colour scale; the rating
matrix is filled like the Word table. A README sheet first says what each
sheet holds and which coding the workbook counts.

XlsxWriter's constant-memory mode refuses ``add_table`` (it streams rows and
cannot go back to the header), so the workbook is built in memory: for the
200-interview benchmark (12,000 codings, ~300,000 cells) that took 1.2 s and
~80 MB (docs/benchmarks.md), well inside the issue's 4 s and 300 MB.

Every text cell is written as a string (never a formula, URL or number
guessed from text), and text that a spreadsheet would run as a formula when
re-saved as CSV already carries a leading apostrophe (:func:`safe_cell`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evalbench.textsafe import NOT_XML

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
MAX_CELL = 32767  #: Excel refuses longer cells
SCALE = {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#3182BD"}  # ColorBrewer Blues


@dataclass
class SheetSpec:
    """One worksheet: a table of ``header`` and ``rows``, and how to show it."""

    title: str
    header: list[str]
    rows: Sequence[Sequence[object]]
    about: str  #: what the README sheet says about it
    wrap: set[int] = field(default_factory=set)  #: columns of long text (wide, wrapped)
    scale: tuple[int, int] | None = None  #: first and last column of counts to colour
    #: (row, col, value) -> XlsxWriter format properties (a dict) or None: a look of the cell's own
    #: (a rating's fill and number format)
    fill: Callable[[int, int, object], dict[str, object] | None] | None = None
    freeze_cols: int = 0  #: columns kept in view when scrolling right (row labels)


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub(" ", title).strip().strip("'")[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _text(value: object) -> str:
    text = NOT_XML.sub("", str(value))
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _headers(header: list[str]) -> list[str]:
    """Table column names: text, unique (Excel refuses duplicates), never empty."""
    out, seen = [], set()
    for i, h in enumerate(header):
        name = _text(h).strip() or f"column {i + 1}"
        base, n = name, 2
        while name.lower() in seen:
            name, n = f"{base} ({n})", n + 1
        seen.add(name.lower())
        out.append(name)
    return out


def _widths(spec: SheetSpec, header: list[str]) -> list[float]:
    """Excel column widths (characters) from the header and the values, capped; wrapped columns wide."""
    widths = [len(h) + 3.0 for h in header]  # room for the filter button
    sample = spec.rows if len(spec.rows) <= 5000 else spec.rows[:5000]
    for row in sample:
        for i, value in enumerate(row):
            if value is not None and i < len(widths):
                widths[i] = max(widths[i], min(len(str(value)), 60) + 1.5)
    return [70.0 if i in spec.wrap else min(w, 45.0) for i, w in enumerate(widths)]


def _write_sheet(
    book: Workbook,
    ws: Worksheet,
    spec: SheetSpec,
    formats: dict[str | tuple[object, ...], Format],
    table_names: set[str],
) -> None:
    header = _headers(spec.header)
    wrap = formats["wrap"]
    for r, row in enumerate(spec.rows, 1):
        for c, value in enumerate(row):
            if value is None or value == "" or (isinstance(value, float) and value != value):
                continue
            style = wrap if c in spec.wrap else None
            if spec.fill is not None:
                look = spec.fill(r - 1, c, value)
                if look:
                    key = tuple(sorted(look.items()))
                    if key not in formats:
                        formats[key] = book.add_format(look)
                    style = formats[key]
            if isinstance(value, bool):
                ws.write_string(r, c, "yes" if value else "", style)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value, style)
            else:
                ws.write_string(r, c, _text(value), style)
    last_row = max(len(spec.rows), 1)
    name = re.sub(r"\W", "_", spec.title)[:200] or "Table"
    if not (name[0].isalpha() or name[0] == "_"):
        name = "T_" + name
    base, n = name, 2
    while name.lower() in table_names:
        name, n = f"{base}_{n}", n + 1
    table_names.add(name.lower())
    ws.add_table(
        0,
        0,
        last_row,
        len(header) - 1,
        {
            "name": name,
            "style": "Table Style Light 9",
            "columns": [{"header": h, "header_format": formats["header"]} for h in header],
        },
    )
    ws.freeze_panes(1, spec.freeze_cols)
    for c, width in enumerate(_widths(spec, header)):
        ws.set_column(c, c, width, wrap if c in spec.wrap else None)
    if spec.scale and spec.rows:
        ws.conditional_format(1, spec.scale[0], len(spec.rows), spec.scale[1], SCALE)


def _readme(
    book: Workbook,
    ws: Worksheet,
    title: str,
    intro: list[str],
    sheets: list[tuple[str, str]],
    formats: dict[str | tuple[object, ...], Format],
) -> None:
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 100, formats["wrap"])
    ws.write_string(0, 0, _text(title), formats["title"])
    row = 1
    for line in intro:
        ws.write_string(row, 0, _text(line))
        row += 1
    row += 1
    ws.write_string(row, 0, "Sheet", formats["header"])
    ws.write_string(row, 1, "What it holds", formats["header"])
    for name, about in sheets:
        row += 1
        ws.write_string(row, 0, name, formats["bold"])
        ws.write_string(row, 1, _text(about), formats["wrap"])


def write_book(specs: list[SheetSpec], *, title: str, stamp: str, intro: list[str]) -> bytes:
    """The .xlsx package's bytes: a README sheet, then one table per spec."""
    import xlsxwriter

    from evalbench.ooxml import deterministic_package

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    formats: dict[str | tuple[object, ...], Format] = {
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "header": book.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
        "bold": book.add_format({"bold": True, "valign": "top"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
    }
    taken = {"readme"}
    readme = book.add_worksheet("README")
    names = [sheet_name(s.title, taken) for s in specs]
    table_names: set[str] = set()
    for name, spec in zip(names, specs):
        _write_sheet(book, book.add_worksheet(name), spec, formats, table_names)
    _readme(book, readme, title, intro, list(zip(names, (s.about for s in specs))), formats)
    book.close()
    return deterministic_package(buf.getvalue(), title=title, stamp=stamp)
