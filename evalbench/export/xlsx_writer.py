"""A small streaming .xlsx writer: sheets of plain values, a bold header row, one wrapped column.

openpyxl builds a cell object and an lxml element for every value; for the
~250,000 cells of a 200-interview excerpt sheet that took 10–20 s here. This
writer emits the SpreadsheetML (ECMA-376) parts directly: strings inline
(``t="inlineStr"``, so no shared-string table), numbers as numbers, nothing
ever as a formula. It is deterministic by construction (fixed zip times, the
core properties given). openpyxl still reads the result in the tests.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from evalbench.ooxml import core_xml

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
STYLE_BOLD, STYLE_WRAP = 1, 2
MAX_CELL = 32767

_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN}">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">
<alignment vertical="top" wrapText="1"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell(ref: str, value, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "yes" if value else ""
    if isinstance(value, int | float):
        if value != value:  # NaN
            return ""
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    text = _ILLEGAL.sub("", str(value))
    if len(text) > MAX_CELL:  # Excel refuses longer cells
        text = text[:MAX_CELL - 1] + "…"
    text = escape(text)
    if not text:
        return ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


@dataclass
class Sheet:
    """One worksheet: a header row and rows of values."""

    title: str
    header: list[str]
    rows: object  # an iterable of lists
    widths: dict[int, float] = field(default_factory=dict)
    wrap_col: int | None = None

    def xml(self) -> str:
        letters = [column_letter(i) for i in range(max(len(self.header), 1))]
        parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">',
                 '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" topLeftCell="B2" '
                 'activePane="bottomRight" state="frozen"/></sheetView></sheetViews>']
        if self.widths:
            parts.append("<cols>" + "".join(
                f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
                for i, w in sorted(self.widths.items())) + "</cols>")
        parts.append("<sheetData>")
        parts.append('<row r="1">' + "".join(_cell(f"{letters[i]}1", str(h), STYLE_BOLD)
                                             for i, h in enumerate(self.header)) + "</row>")
        for n, row in enumerate(self.rows, start=2):
            while len(letters) < len(row):
                letters.append(column_letter(len(letters)))
            cells = "".join(_cell(f"{letters[i]}{n}", v, STYLE_WRAP if i == self.wrap_col else 0)
                            for i, v in enumerate(row))
            parts.append(f'<row r="{n}">{cells}</row>')
        parts.append("</sheetData></worksheet>")
        return "".join(parts)


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub(" ", title).strip().strip("'")[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def write_workbook(sheets: list[Sheet], *, title: str, stamp: str) -> bytes:
    """The .xlsx package's bytes."""
    taken: set[str] = set()
    names = [sheet_name(s.title, taken) for s in sheets]
    n = len(sheets)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  for i in range(1, n + 1))
        + '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>")
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>")
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        "<sheets>" + "".join(f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                             for i, name in enumerate(names, 1)) + "</sheets></workbook>")
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
        + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                  for i in range(1, n + 1))
        + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
           '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>evalbench</Application></Properties>")
    parts = [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels),
             ("docProps/core.xml", core_xml(title, stamp)), ("docProps/app.xml", app),
             ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", workbook_rels),
             ("xl/styles.xml", _STYLES)]
    parts += [(f"xl/worksheets/sheet{i}.xml", s.xml()) for i, s in enumerate(sheets, 1)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, payload in parts:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zf.writestr(info, payload.encode("utf-8") if isinstance(payload, str) else payload)
    return out.getvalue()
