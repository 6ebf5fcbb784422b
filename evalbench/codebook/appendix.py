"""Codebook appendix for a manuscript: Word (.docx) and Markdown.

One row per code: name, definition, inclusion, exclusion, example. Top-level
codes (CFIR domains) become section rows spanning the table; deeper codes are
indented under their parent. Both are byte-identical for the same codebook.
"""

from __future__ import annotations

import io
from pathlib import Path

from evalbench.codebook.model import Codebook

COLUMNS = ("Code", "Definition", "Include when", "Exclude when", "Example")


def _row(book: Codebook, code) -> list[str]:
    return [code.name, code.definition, code.inclusion, code.exclusion, code.examples[0] if code.examples else ""]


def _title(book: Codebook) -> str:
    return f"Codebook: {book.meta.get('name') or 'untitled'}"


# --- Markdown ---------------------------------------------------------------------
def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>").strip()


def codebook_markdown(book: Codebook) -> str:
    """The appendix as Markdown: a heading and a table per top-level code."""
    lines = [f"# {_title(book)}", ""]
    if book.meta.get("version"):
        lines += [f"Version {book.meta['version']}.", ""]
    if book.meta.get("attribution"):
        lines += [book.meta["attribution"], ""]
    header = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    if not _sectioned(book):
        return "\n".join([*lines, *header, *(_md_row(book, c, 0) for c in book.tree_order())]) + "\n"
    sections: list[tuple] = []
    for code in book.tree_order():
        if code.parent_id is None:
            sections.append((code, []))
        else:
            sections[-1][1].append(code)
    for top, subtree in sections:
        lines += [f"## {top.name}", ""]
        if top.definition:
            lines += [_md_cell(top.definition), ""]
        if subtree:
            lines += [*header, *(_md_row(book, c, 1) for c in subtree), ""]
    return "\n".join(lines).rstrip() + "\n"


def _md_row(book: Codebook, code, offset: int) -> str:
    cells = [_md_cell(x) for x in _row(book, code)]
    level = book.depth(code.id) - offset
    indent = "&nbsp;&nbsp;&nbsp;&nbsp;" * level + ("↳ " if level else "")
    cells[0] = f"{indent}**{cells[0]}**<br>`{code.id}`"
    if cells[4]:
        cells[4] = f"“{cells[4]}”"
    return "| " + " | ".join(cells) + " |"


def _sectioned(book: Codebook) -> bool:
    """Top-level codes become section rows only when there is a hierarchy under them."""
    return any(c.parent_id for c in book.codes)


# --- Word ----------------------------------------------------------------------------
def write_codebook_docx(book: Codebook, path: str | Path) -> None:
    """Write the appendix as a landscape Word table (header row repeats on each page)."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    from evalbench.codebook.files import atomic_write
    from evalbench.export.docx_style import keep_row_together, repeat_header, shade
    from evalbench.ooxml import UNDATED, deterministic_package

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(9)
    document.add_heading(_title(book), level=1)
    notes = [n for n in (book.meta.get("description"), book.meta.get("attribution")) if n]
    for note in notes:
        document.add_paragraph(note)

    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.autofit = False  # fixed widths, so Word and LibreOffice both honour them
    widths = (Cm(5.2), Cm(5.6), Cm(4.6), Cm(4.6), Cm(4.2))  # fits landscape Letter and A4
    for column, width in zip(table.columns, widths):
        column.width = width
    for cell, title, width in zip(table.rows[0].cells, COLUMNS, widths):
        cell.text = ""
        run = cell.paragraphs[0].add_run(title)
        run.bold = True
        cell.width = width
        shade(cell, "D9D9D9")
    repeat_header(table.rows[0])

    offset = 1 if _sectioned(book) else 0
    for code in book.tree_order():
        depth = book.depth(code.id) - offset + 1
        row = table.add_row()
        keep_row_together(row)
        cells = row.cells
        for cell, width in zip(cells, widths):
            cell.width = width
        if depth == 0:
            merged = cells[0].merge(cells[-1])
            para = merged.paragraphs[0]
            run = para.add_run(code.name)
            run.bold = True
            run.font.size = Pt(10)
            if code.definition:
                para.add_run(f" — {code.definition}").italic = True
            shade(merged, "EDEDED")
            continue
        values = _row(book, code)
        name_para = cells[0].paragraphs[0]
        name_para.paragraph_format.left_indent = Cm(0.4 * (depth - 1))
        name_run = name_para.add_run(values[0])
        name_run.bold = depth == 1
        id_run = name_para.add_run(f"\n{code.id}")
        id_run.font.size = Pt(7)
        id_run.font.color.rgb = RGBColor(0x70, 0x70, 0x70)
        for cell, text in zip(cells[1:], values[1:]):
            cell.paragraphs[0].add_run(text)
        if values[4]:
            cells[4].paragraphs[0].runs[0].italic = True

    buf = io.BytesIO()
    document.save(buf)
    # python-docx stamps "python-docx", the time and the zip entry dates: replace them, so that
    # the same codebook gives the same bytes (a codebook has no date of its own)
    atomic_write(path, deterministic_package(buf.getvalue(), title=_title(book), stamp=UNDATED))


def write_codebook_markdown(book: Codebook, path: str | Path) -> None:
    from evalbench.codebook.files import atomic_write

    atomic_write(path, codebook_markdown(book))
