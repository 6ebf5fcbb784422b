"""Word building blocks: a named table style, paper and orientation, repeating rows, shading.

Tables get their look from a real table style, "Evalbench Table" (borders,
cell margins, a shaded bold header row through the style's ``firstRow``
conditional formatting), so an editor restyles every table at once in Word's
Table Design tab instead of cell by cell. Group rows, table notes and the
small gap between a table's groups are named paragraph styles ("Evalbench
Group Row", "Evalbench Table Note", "Evalbench Table Gap") for the same
reason. Only data-driven colour (rating cells, group-row shading) is applied
directly. Rating colours are ColorBrewer's RdBu diverging scheme (red for a
negative influence, blue for a positive one), which stays distinguishable
with the common colour-vision deficiencies; the rating is always printed in
the cell too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document
    from docx.section import Section
    from docx.shared import Length
    from docx.table import Table, _Cell, _Row

TABLE_STYLE = "Evalbench Table"
TABLE_STYLE_ID = "EvalbenchTable"
HEADER_FILL = "1F3864"
BORDER = "808080"

_STYLE_XML = f"""
<w:style xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
         w:type="table" w:customStyle="1" w:styleId="{TABLE_STYLE_ID}">
  <w:name w:val="{TABLE_STYLE}"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="59"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr>
  <w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>
  <w:tblPr>
    <w:tblBorders>
      <w:top w:val="single" w:sz="8" w:space="0" w:color="{BORDER}"/>
      <w:left w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/>
      <w:bottom w:val="single" w:sz="8" w:space="0" w:color="{BORDER}"/>
      <w:right w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/>
      <w:insideV w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>
      <w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tcPr><w:vAlign w:val="top"/></w:tcPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr>
    <w:tblPr/>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr>
  </w:tblStylePr>
  <w:tblStylePr w:type="firstCol">
    <w:rPr><w:b/><w:bCs/></w:rPr>
  </w:tblStylePr>
</w:style>
"""

GROUP_FILL = "DCE3EE"  #: group rows (domains, categories): a light blue-grey, readable in greyscale
GROUP_TEXT = "1F1F1F"
#: Fill colours for rating cells (ColorBrewer RdBu, 5 classes; X and M neutral tints).
RATING_FILLS = {
    "-2": "CA0020",
    "-1": "F4A582",
    "0": "F7F7F7",
    "+1": "92C5DE",
    "+2": "0571B0",
    "X": "FFE8A3",
    "M": "D9D9D9",
}
#: Text colour on each fill (white on the two dark ends).
RATING_TEXT = {"-2": "FFFFFF", "+2": "FFFFFF"}
#: What each rating means (Damschroder & Lowery, 2013), for legends.
RATING_MEANINGS = (
    ("-2", "strong negative influence"),
    ("-1", "weak negative"),
    ("0", "neutral"),
    ("+1", "weak positive"),
    ("+2", "strong positive influence"),
    ("X", "mixed"),
    ("M", "missing"),
)
MINUS = "\u2212"  #: ratings print with a true minus sign, as journals set them


def rating_text(rating: str) -> str:
    """``-2`` as a journal prints it (with a minus sign); other ratings unchanged."""
    return rating.replace("-", MINUS)


GROUP_STYLE, NOTE_STYLE, GAP_STYLE = "Evalbench Group Row", "Evalbench Table Note", "Evalbench Table Gap"


def ensure_table_style(document: Document) -> str:
    """Add the named table and paragraph styles to ``document`` (once) and return the table style's name."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.shared import Pt

    styles = document.styles
    present = {s.name for s in styles}
    if TABLE_STYLE not in present:
        styles.element.append(parse_xml(_STYLE_XML))
    if GROUP_STYLE not in present:
        group = styles.add_style(GROUP_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        group.base_style = styles["Normal"]
        group.font.bold, group.font.size = True, Pt(9)
        group.paragraph_format.keep_with_next = True
        group.paragraph_format.space_before = group.paragraph_format.space_after = Pt(1)
    if NOTE_STYLE not in present:
        note = styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = styles["Normal"]
        note.font.size = Pt(8)
        note.paragraph_format.space_before, note.paragraph_format.space_after = Pt(2), Pt(0)
    if GAP_STYLE not in present:
        gap = styles.add_style(GAP_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        gap.base_style = styles["Normal"]
        gap.font.size = Pt(2)
        gap.paragraph_format.space_before = gap.paragraph_format.space_after = Pt(0)
        gap.paragraph_format.line_spacing = 1.0
    return TABLE_STYLE


def style_table(table: Table, *, first_col: bool = False, header_row: bool = True) -> None:
    """Apply the named style and tell Word which conditional parts (header row, first column) to use."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table.style = table.part.document.styles[TABLE_STYLE]  # type: ignore[attr-defined]  # the body's DocumentPart
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        tbl_pr.append(look)
    flags = (
        ("firstRow", header_row, 0x20),
        ("lastRow", False, 0x40),
        ("firstColumn", first_col, 0x80),
        ("lastColumn", False, 0x100),
        ("noHBand", True, 0x200),
        ("noVBand", True, 0x400),
    )
    for attr, on, _ in flags:
        look.set(qn(f"w:{attr}"), "1" if on else "0")
    look.set(qn("w:val"), f"{sum(bit for _, on, bit in flags if on):04X}")


def fix_widths(table: Table, widths: Sequence[Length]) -> None:
    """Fixed layout with the given column widths (python-docx Length values) on grid and cells."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = tbl_pr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tbl_pr.append(layout)
    layout.set(qn("w:type"), "fixed")
    for col, width in zip(table.columns, widths, strict=True):
        col.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def repeat_header(row: _Row) -> None:
    """Mark a table row as a header row that Word repeats at the top of each page."""
    _row_flag(row, "w:tblHeader")


def keep_row_together(row: _Row) -> None:
    """Ask Word not to split a row across pages (a quote cut in half is hard to read)."""
    _row_flag(row, "w:cantSplit")


def _row_flag(row: _Row, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def shade(cell: _Cell, fill: str) -> None:
    """Fill one cell with a solid colour (hex RGB)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def keep_with_next(row: _Row) -> None:
    """Keep a row on the page of the row after it (a header or group row never ends a page alone)."""
    for cell in row.cells:
        for para in cell.paragraphs:
            para.paragraph_format.keep_with_next = True


def new_section(document: Document, *, landscape: bool, paper: str = "letter") -> Section:
    """Start a new page section in the given orientation on ``paper`` (letter or a4)."""
    from docx.enum.section import WD_SECTION

    section = document.add_section(WD_SECTION.NEW_PAGE)
    set_orientation(section, landscape=landscape, paper=paper)
    return section


MARGIN_IN = 0.75


def set_orientation(section: Section, *, landscape: bool, paper: str = "letter") -> None:
    """Page size (Letter or A4), orientation and 0.75-inch margins of ``section``."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches

    from evalbench.export.options import PAPERS

    short, long = (Inches(x) for x in PAPERS[paper])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(MARGIN_IN))


def text_width_in(paper: str, *, landscape: bool) -> float:
    """Width between the margins, in inches."""
    from evalbench.export.options import PAPERS

    short, long = PAPERS[paper]
    return (long if landscape else short) - 2 * MARGIN_IN


def text_height_in(paper: str, *, landscape: bool) -> float:
    """Height between the margins, in inches."""
    from evalbench.export.options import PAPERS

    short, long = PAPERS[paper]
    return (short if landscape else long) - 2 * MARGIN_IN
