"""Word (.docx) transcripts through python-docx.

The body is walked in order — paragraphs, tables, and the contents of content
controls (``w:sdt``), which python-docx's own iteration passes over. A bold run
opening a paragraph is a speaker label when it ends in a colon (``**Dr Patel:**
text``), and a candidate the document must repeat when it has no colon (a bold
name alone, or with a time, above the text). Plain ``Name: text`` paragraphs
work too. Headings are never turns.

A table is read by what it holds (:mod:`evalbench.ingest.tables`): Speaker |
Text or Time | Speaker | Text rows are turns wherever the table stands, with or
without a title above; a key/value table above the transcript becomes
``metadata``; any other table is kept as text. Text boxes are not part of the
reading order: their text is not imported and is reported as a skipped part.
"""

from __future__ import annotations

from evalbench.errors import IngestError
from evalbench.ingest.archive import open_zip
from evalbench.ingest.document import Extract, SkippedPart
from evalbench.ingest.labels import split_label
from evalbench.ingest.tables import transcript_rows
from evalbench.ingest.turns import Para, parse_lines, table_paras

_HEADING_STYLES = ("heading", "title", "subtitle")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def read_docx(data: bytes, path: str, encoding: str | None = None) -> Extract:
    """Paragraphs and tables of a .docx, in body order, parsed into turns."""
    open_zip(data, path, "Word", "word/document.xml").close()
    import io

    import docx  # lazy: python-docx pulls in lxml

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        styles = _Styles(document)
    except Exception as exc:  # python-docx raises many types for broken parts
        raise IngestError(path, f"corrupt Word file ({_what(exc)})") from None
    reader = _Body(document, styles)
    try:
        reader.walk(body)
    except IngestError:
        raise
    except Exception as exc:  # a damaged part deep inside: say so in the file's terms
        raise IngestError(path, f"damaged Word file: {_what(exc)} in paragraph {len(reader.paras) + 1}") from None
    found = parse_lines(reader.paras)
    return Extract(found.preamble, found.blocks, reader.metadata, legend=found.legend, skipped=reader.skipped)


def _what(exc: Exception) -> str:
    """What is wrong, in words (python-docx's exception names mean nothing to a user)."""
    name = type(exc).__name__
    if "Xml" in name or "XML" in name or "Syntax" in name:
        return "its XML is not valid"
    if isinstance(exc, KeyError):
        return "a part it refers to is missing"
    return "a part could not be read"


class _Styles:
    """Style names and boldness by style id, read once.

    python-docx resolves ``paragraph.style`` by scanning every style on each
    call, which made style lookups 90% of import time for long transcripts.
    """

    def __init__(self, document) -> None:
        self.names: dict[str, str] = {}
        self.bold: set[str] = set()
        for style in document.styles:
            self.names[style.style_id] = (style.name or "").lower()
            try:
                font = getattr(style, "font", None)
                if font is not None and font.bold:
                    self.bold.add(style.style_id)
            except Exception:  # a damaged w:b value in a style: not bold
                continue

    def is_heading(self, paragraph) -> bool:
        style_id = paragraph._p.style
        return bool(style_id) and self.names.get(style_id, style_id.lower()).startswith(_HEADING_STYLES)

    def is_bold(self, run) -> bool:
        try:
            if run.bold is not None:
                return bool(run.bold)
        except Exception:  # w:b w:val="maybe": treat as not bold rather than refuse the file
            return False
        return run._r.style in self.bold


class _Body:
    """Walks the document body in order, collecting paragraphs, metadata and skipped parts."""

    def __init__(self, document, styles: _Styles) -> None:
        self.document = document
        self.styles = styles
        self.paras: list[Para] = []
        self.metadata: dict[str, str] = {}
        self.skipped: list[SkippedPart] = []
        self.started = False

    def walk(self, element) -> None:
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        for child in element:
            tag = child.tag
            if tag == f"{_W}p":
                self.paragraph(Paragraph(child, self.document._body))
            elif tag == f"{_W}tbl":
                self.table(Table(child, self.document._body))
            elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins", f"{_W}smartTag"):
                self.walk(child)

    def paragraph(self, paragraph) -> None:
        self._text_boxes(paragraph._p)
        text = paragraph.text
        if not text.strip():
            self.paras.append(Para(""))
            return
        if self.styles.is_heading(paragraph):
            self.paras.append(Para(" ".join(text.split()), heading=True))
            return
        lines = text.split("\n")
        first = _bold_label(paragraph, lines[0], self.styles)
        if isinstance(first, Para):
            self.paras.append(first)
        else:
            self.paras.append(Para(lines[0], bold=first))
        self.paras.extend(Para(line) for line in lines[1:])
        self.started = self.started or any(split_label(line) for line in lines[:1]) or isinstance(first, Para)

    def table(self, table) -> None:
        rows = _table_rows(table)
        turns = transcript_rows(rows, started=self.started)
        if turns is not None:
            self.paras.extend(table_paras(turns))
            self.started = True
        elif not self.started:
            self.paras.append(Para(_front_table(rows, self.metadata), front=True))
        else:
            self.paras.extend(Para(" | ".join(cells)) for cells in rows)

    def _text_boxes(self, p) -> None:
        """Text boxes anchored in this paragraph: not read, but reported (Word also keeps a fallback copy)."""
        for box in p.iter(f"{_W}txbxContent"):
            if any(a.tag == _MC_FALLBACK for a in box.iterancestors()):
                continue
            text = " ".join("".join(t.text or "" for t in para.iter(f"{_W}t")) for para in box.iter(f"{_W}p"))
            text = " ".join(text.split())
            if text:
                self.skipped.append(SkippedPart("text box", text))


def _bold_label(paragraph, first_line: str, styles: _Styles) -> Para | str | None:
    """A labelled Para when the paragraph opens with a bold ``Name:``; else the bold opening text, if any."""
    bold = ""
    for run in paragraph.runs:
        if not run.text:
            continue
        if styles.is_bold(run):
            bold += run.text
        elif not run.text.strip() and bold:
            bold += run.text
        else:
            break
    label = bold.strip()
    line = first_line.lstrip()
    if not label or not line.startswith(label):
        return None
    rest = line[len(label):]
    if label.endswith(":") or rest.lstrip().startswith(":"):
        joined = label if label.endswith(":") else label + ":"
        found = split_label(f"{joined} {rest.lstrip().removeprefix(':').strip()}", bold=False)
        if found and found.kind == "inline":
            return Para(found.content, label=found.speaker, time=found.time)
        return None
    return label


def _table_rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell appears once per grid column it spans
                continue
            seen.add(id(cell._tc))
            cells.append(_cell_text(cell))
        if any(cells):
            rows.append(cells)
    return rows


def _cell_text(cell) -> str:
    """A cell's paragraphs, and those of tables nested in it, one per line."""
    lines = ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in cell._tc.iter(f"{_W}p")]
    return "\n".join(line for line in lines if line.strip()).strip()


def _front_table(rows: list[list[str]], metadata: dict[str, str]) -> str:
    """A table above the transcript: key/value rows feed ``metadata``; text kept."""
    lines = []
    for cells in rows:
        if len(cells) == 2 and 0 < len(cells[0]) <= 60:
            key = cells[0].rstrip(":").strip()
            metadata[key] = cells[1]
            lines.append(f"{key}: {cells[1]}")
        else:
            lines.append(" | ".join(cells))
    return "\n".join(lines)
