"""Word building blocks: a named table style, landscape sections, repeating headers, shading.

Tables get their look from a real table style, "Evalbench Table" (borders,
cell margins, a shaded bold header row through the style's ``firstRow``
conditional formatting), so an editor restyles every table at once in Word's
Table Design tab instead of cell by cell. Only data-driven colour (rating
cells) is applied directly.
"""

from __future__ import annotations

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

#: Fill colours for rating cells: red for barriers, green for facilitators.
RATING_FILLS = {"-2": "E06666", "-1": "F4CCCC", "0": "FFFFFF", "+1": "D9EAD3", "+2": "93C47D",
                "X": "FFE599", "M": "D9D9D9"}


def ensure_table_style(document) -> str:
    """Add the named table style to ``document`` (once) and return its name."""
    from docx.oxml import parse_xml

    styles = document.styles
    if TABLE_STYLE not in [s.name for s in styles]:
        styles.element.append(parse_xml(_STYLE_XML))
    return TABLE_STYLE


def style_table(table, *, first_col: bool = False) -> None:
    """Apply the named style and tell Word which conditional parts (header row, first column) to use."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table.style = table.part.document.styles[TABLE_STYLE]
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        tbl_pr.append(look)
    flags = (("firstRow", True, 0x20), ("lastRow", False, 0x40), ("firstColumn", first_col, 0x80),
             ("lastColumn", False, 0x100), ("noHBand", True, 0x200), ("noVBand", True, 0x400))
    for attr, on, _ in flags:
        look.set(qn(f"w:{attr}"), "1" if on else "0")
    look.set(qn("w:val"), f"{sum(bit for _, on, bit in flags if on):04X}")


def fix_widths(table, widths) -> None:
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


def repeat_header(row) -> None:
    """Mark a table row as a header row that Word repeats at the top of each page."""
    _row_flag(row, "w:tblHeader")


def keep_row_together(row) -> None:
    """Ask Word not to split a row across pages (a quote cut in half is hard to read)."""
    _row_flag(row, "w:cantSplit")


def _row_flag(row, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def shade(cell, fill: str) -> None:
    """Fill one cell with a solid colour (hex RGB)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def new_section(document, *, landscape: bool):
    """Start a new page section in the given orientation (Letter paper, 0.75 inch margins)."""
    from docx.enum.section import WD_SECTION

    section = document.add_section(WD_SECTION.NEW_PAGE)
    set_orientation(section, landscape=landscape)
    return section


def set_orientation(section, *, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches

    long, short = Inches(11), Inches(8.5)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(0.75))
