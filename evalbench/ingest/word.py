"""Word (.docx) transcripts through python-docx.

A bold run at the start of a paragraph is a speaker label (``**Dr Patel:**
text``); plain ``Name: text`` paragraphs work too. Headings and tables before
the first speaker are title and metadata, not turns: a two-column table there
becomes ``ParsedDocument.metadata``. Later tables laid out as (time,) speaker,
text rows are read as turns.
"""

from __future__ import annotations

from evalbench.errors import IngestError
from evalbench.ingest.archive import open_zip
from evalbench.ingest.document import Extract
from evalbench.ingest.turns import Para, is_label, parse_paras, split_header, split_label

_HEADING_STYLES = ("heading", "title", "subtitle")


def read_docx(data: bytes, path: str, encoding: str | None = None) -> Extract:
    """Paragraphs and tables of a .docx, in body order, parsed into turns."""
    open_zip(data, path, "Word", "word/document.xml").close()
    import io

    import docx  # lazy: python-docx pulls in lxml
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        items = list(document.iter_inner_content())
    except Exception as exc:  # python-docx raises many types for broken parts
        raise IngestError(path, f"corrupt Word file ({type(exc).__name__})") from None
    styles = _Styles(document)
    paras: list[Para] = []
    metadata: dict[str, str] = {}
    started = False
    for item in items:
        if isinstance(item, Table):
            rows = _table_rows(item)
            if not started:
                paras.append(Para(_front_table(rows, metadata), front=True))
            else:
                paras.extend(_table_turns(rows))
            continue
        found = _paragraph(item, styles)
        started = started or any(p.label or _has_label(p.text) for p in found)
        paras.extend(found)
    return Extract(*parse_paras(paras), metadata)


def _has_label(text: str) -> bool:
    line = text.strip()
    return bool(split_label(line) or split_header(line))


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
            font = getattr(style, "font", None)
            if font is not None and font.bold:
                self.bold.add(style.style_id)

    def is_heading(self, paragraph) -> bool:
        style_id = paragraph._p.style
        return bool(style_id) and self.names.get(style_id, style_id.lower()).startswith(_HEADING_STYLES)

    def is_bold(self, run) -> bool:
        if run.bold is not None:
            return bool(run.bold)
        return run._r.style in self.bold


def _paragraph(paragraph, styles: _Styles) -> list[Para]:
    """One Word paragraph as Para lines; the first carries a bold label if any."""
    text = paragraph.text
    if not text.strip():
        return [Para("")]
    if styles.is_heading(paragraph):
        return [Para(" ".join(text.split()), heading=True)]
    lines = text.split("\n")
    label = _bold_label(paragraph, lines[0], styles)
    if label is None:
        return [Para(line) for line in lines]
    speaker, time, rest = label
    return [Para(rest, label=speaker, time=time), *(Para(line) for line in lines[1:])]


def _bold_label(paragraph, first_line: str, styles: _Styles) -> tuple[str, str | None, str] | None:
    """(speaker, time, rest) when the paragraph opens with a bold speaker label."""
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
    if not label or not first_line.lstrip().startswith(label):
        return None
    rest = first_line.lstrip()[len(label) :]
    if label.endswith(":"):
        label = label[:-1].rstrip()
    elif rest.lstrip().startswith(":"):
        rest = rest.lstrip()[1:]
    elif not rest[:1].isspace():
        return None
    found = split_label(f"{label}: {rest.strip()}")
    if found:
        return found
    return None


def _table_rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            value = cell.text.strip()
            if not cells or cells[-1] != value:  # merged cells repeat their text
                cells.append(value)
        if any(cells):
            rows.append(cells)
    return rows


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


def _table_turns(rows: list[list[str]]) -> list[Para]:
    """Rows like (speaker, text) or (time, speaker, text) as turns; others as text."""
    paras = []
    for cells in rows:
        speaker = cells[-2] if len(cells) >= 2 else ""
        if 2 <= len(cells) <= 3 and is_label(speaker.rstrip(":")):
            time = split_header(f"{speaker} {cells[0]}") if len(cells) == 3 else None
            paras.append(Para(cells[-1], label=speaker.rstrip(":").strip(), time=time[1] if time else None))
        else:
            paras.append(Para(" | ".join(cells)))
    return paras
