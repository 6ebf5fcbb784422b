"""A :class:`GroupedTable` in Word: each group a table whose column header and group row repeat.

(Compact tables of counts and ratings, ``repeat_groups=False``, are one table with their group rows
inline: repeating the column header above every domain of a two-page rating table was noisier than
the domain it would have kept in view.)

Word repeats only a table's *leading* rows at the top of a continued page, so
a group row in the middle of one long table cannot repeat; the domain (or
category) then goes missing on every continued page. Each group is therefore
its own table whose first two rows, the column header and the full-width group
row, are header rows: a group that runs onto the next page starts that page
with both. The tables follow each other with a 2-point gap paragraph, share
column widths and look like one table; header and group rows keep with the
row after them, and no row splits across pages (a quote cut in half is hard
to read).

Column widths come from content (:mod:`evalbench.export.textwidth`): a label
or short column is at least as wide as its longest word, so no word is ever
broken in the middle, and at most as wide as its longest line; text and quote
columns share what is left. Hyphens inside words in those columns are
non-breaking, so "buy-in" or "Evidence-Base" never splits at its hyphen either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from evalbench.export import docx_style as ds
from evalbench.export.table_model import Cell, Column, GroupedTable, cell_text
from evalbench.export.textwidth import longest_word_points, text_points

if TYPE_CHECKING:
    from docx.document import Document
    from docx.shared import Length
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

FONT_PT = 9.0  #: the table style's font size
PAD_PT = 8.0 + 2.0  #: left and right cell margins (80 twips each), and 2 points to spare
SAFETY = 1.06  #: Helvetica metrics already overestimate Calibri; a little more against rounding
MAX_SHORT_IN = 1.25  #: a short column wraps its lines beyond this
MAX_LABEL_IN = 2.3


def column_widths(table: GroupedTable, total_in: float) -> list[float]:
    """Widths in inches (see the module docstring): they add up to ``total_in`` when the table has a
    text or quotes column, else each column takes its natural width (at most ``total_in`` in all)."""
    cols = table.columns
    least = [0.0] * len(cols)
    natural = [0.0] * len(cols)
    flexible = [i for i, c in enumerate(cols) if c.kind in ("text", "quotes")]
    for i, col in enumerate(cols):
        least[i] = longest_word_points(col.title, FONT_PT, bold=True)
        # beside text columns a header wraps between its words; a compact table can afford it on one line
        natural[i] = least[i] if flexible else text_points(col.title, FONT_PT, bold=True)
    for group in table.groups:
        for row in group.rows:
            for i, (col, value) in enumerate(zip(cols, row)):
                if col.kind in ("text", "quotes"):
                    continue
                text = cell_text(value)
                bold = i == 0
                least[i] = max(least[i], longest_word_points(text, FONT_PT, bold=bold))
                natural[i] = max(natural[i], text_points(text, FONT_PT, bold=bold))
    inches = [0.0] * len(cols)
    for i, col in enumerate(cols):
        if i in flexible:
            continue
        low = (least[i] * SAFETY + PAD_PT) / 72
        cap = col.max_in or (MAX_LABEL_IN if col.kind == "label" else MAX_SHORT_IN)
        inches[i] = max(low, min((natural[i] * SAFETY + PAD_PT) / 72, cap))
    left = total_in - sum(inches)
    floor = 1.5 * len(flexible)  # text columns need room for a few words a line
    if flexible and left < floor:  # squeeze fixed columns toward their least widths
        lows = [(least[i] * SAFETY + PAD_PT) / 72 if i not in flexible else 0 for i in range(len(cols))]
        slack = sum(inches) - sum(lows)
        need = min(floor - left, slack)
        if slack > 0:
            inches = [
                w - (w - lo) * need / slack if i not in flexible else 0 for i, (w, lo) in enumerate(zip(inches, lows))
            ]
        left = total_in - sum(inches)
    shares = sum(cols[i].share for i in flexible)
    for i in flexible:
        inches[i] = left * cols[i].share / shares
    if not flexible and left < 0:  # too wide: shrink every column alike, never below its longest word
        lows = [(least[i] * SAFETY + PAD_PT) / 72 for i in range(len(cols))]
        slack = sum(w - lo for w, lo in zip(inches, lows))
        if slack > 0:
            inches = [w - (w - lo) * min(1.0, -left / slack) for w, lo in zip(inches, lows)]
    return inches


_WORD_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def _add_unbroken(para: Paragraph, text: str) -> Run:
    """A run of ``text`` whose in-word hyphens never break a line ("buy-in" stays whole in a narrow
    column, as Word's non-breaking hyphen keeps it); the run is returned for styling."""
    from docx.oxml import OxmlElement

    parts = _WORD_HYPHEN.split(text)
    run = para.add_run(parts[0])
    for part in parts[1:]:
        run._r.append(OxmlElement("w:noBreakHyphen"))
        t = OxmlElement("w:t")
        t.text = part
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run._r.append(t)
    return run


def _fill_cell(cell: _Cell, value: object, *, whole_words: bool = False) -> None:
    para = cell.paragraphs[0]
    if isinstance(value, tuple):  # quotes: one paragraph each, the participant ID in bold
        for i, quote in enumerate(value):
            p = para if i == 0 else cell.add_paragraph()
            p.add_run(f"“{quote.text}” ")
            p.add_run(f"({quote.who})").bold = True
        return
    run = _add_unbroken(para, cell_text(value)) if whole_words else para.add_run(cell_text(value))
    if isinstance(value, Cell):
        if value.fill:
            ds.shade(cell, value.fill)
        if value.color:
            from docx.shared import RGBColor

            run.font.color.rgb = RGBColor.from_string(value.color)


def _group_row(tbl: Table, title: str, *, repeat: bool) -> _Row:
    """A full-width, shaded group row (a header row that repeats on a continued page when ``repeat``)."""
    from docx.shared import RGBColor

    group = tbl.add_row()
    merged = group.cells[0].merge(group.cells[-1])
    merged.paragraphs[0].style = tbl.part.document.styles[ds.GROUP_STYLE]  # type: ignore[attr-defined]  # DocumentPart
    run = merged.paragraphs[0].add_run(title)
    # Word and LibreOffice give every repeated header row the style's header look (white on dark):
    # the group row says its own colour and weight.
    run.bold = True
    run.font.color.rgb = RGBColor.from_string(ds.GROUP_TEXT)
    ds.shade(merged, ds.GROUP_FILL)
    if repeat:
        ds.repeat_header(group)
    ds.keep_row_together(group)
    ds.keep_with_next(group)
    return group


def _new_table(document: Document, table: GroupedTable, first_col_bold: bool) -> Table:
    tbl = document.add_table(rows=1, cols=len(table.columns))
    ds.style_table(tbl, first_col=first_col_bold)
    header = tbl.rows[0]
    for cell, col in zip(header.cells, table.columns):
        cell.paragraphs[0].add_run(col.title)
    ds.repeat_header(header)
    ds.keep_row_together(header)
    ds.keep_with_next(header)
    return tbl


def _add_rows(tbl: Table, rows: list[list[object]], columns: list[Column]) -> None:
    whole = [c.kind in ("label", "short") for c in columns]
    for values in rows:
        row = tbl.add_row()
        ds.keep_row_together(row)
        for cell, value, keep in zip(row.cells, values, whole):
            _fill_cell(cell, value, whole_words=keep)


def _fix(tbl: Table, widths: Sequence[Length], group_rows: list[_Row]) -> None:
    from docx.shared import Emu

    ds.fix_widths(tbl, widths)
    for row in group_rows:  # a merged group row spans every column
        row.cells[0].width = Emu(sum(widths))


def write_grouped_table(
    document: Document,
    table: GroupedTable,
    *,
    number: int,
    total_in: float,
    first_col_bold: bool = True,
    heading: bool = True,
) -> None:
    """Add ``table`` to ``document`` as "Table ``number``. title" (unless ``heading`` is False, when the
    caller wrote it), its groups, then its notes."""
    from docx.shared import Inches

    if heading:
        title = document.add_heading(f"Table {number}. {table.title}", level=2)
        title.paragraph_format.keep_with_next = True
    if not table.groups:
        document.add_paragraph("No codings yet." if not table.notes else table.notes[0])
        return
    widths = [Inches(w) for w in column_widths(table, total_in)]
    if not table.repeat_groups:
        tbl = _new_table(document, table, first_col_bold)
        groups = []
        for group in table.groups:
            groups.append(_group_row(tbl, group.title, repeat=False))
            _add_rows(tbl, group.rows, table.columns)
        _fix(tbl, widths, groups)
    for g, group in enumerate(table.groups if table.repeat_groups else ()):
        if g:
            document.add_paragraph(style=document.styles[ds.GAP_STYLE])
        tbl = _new_table(document, table, first_col_bold)
        row = _group_row(tbl, group.title, repeat=True)
        _add_rows(tbl, group.rows, table.columns)
        _fix(tbl, widths, [row])
    for i, note in enumerate(table.notes):  # the notes stay together on one page
        para = document.add_paragraph(note, style=document.styles[ds.NOTE_STYLE])
        para.paragraph_format.keep_with_next = i < len(table.notes) - 1
