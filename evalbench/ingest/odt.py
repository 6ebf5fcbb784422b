"""OpenDocument (.odt) transcripts through odfpy: the body walked in order.

Paragraphs, headings and lists become lines; tables are read by what they hold,
as in Word files (:mod:`evalbench.ingest.tables`); frames (text boxes) are not
part of the reading order and are reported as skipped; comments and footnotes
are not speech and are left out. Text is extracted here rather than with
``odf.teletype``, which expands ``<text:s c="…">`` to any number of spaces.
"""

from __future__ import annotations

import io

from evalbench.errors import IngestError
from evalbench.ingest.archive import open_zip
from evalbench.ingest.document import Extract, SkippedPart
from evalbench.ingest.files import OPTIONAL
from evalbench.ingest.tables import transcript_rows
from evalbench.ingest.turns import Para, parse_lines, table_paras

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#: Not speech: comments, footnotes and endnotes, the change-tracking log.
_LEFT_OUT = {(_OFFICE, "annotation"), (_TEXT, "note"), (_TEXT, "tracked-changes")}
_MAX_SPACES = 100


def read_odt(data: bytes, path: str, encoding: str | None = None) -> Extract:
    """Headings before the first speaker are title material; paragraphs are parsed for turns."""
    open_zip(data, path, "OpenDocument", "content.xml").close()
    try:
        from odf.opendocument import load  # lazy: optional format
    except ImportError:
        raise IngestError(path, OPTIONAL.format(ext=".odt", package="odfpy")) from None

    try:
        document = load(io.BytesIO(data))
        body = document.text
    except Exception:  # odfpy raises xml and zip errors unwrapped
        raise IngestError(path, "corrupt OpenDocument file (its content could not be read)") from None
    walker = _Walker()
    walker.walk(body)
    found = parse_lines(walker.paras)
    return Extract(found.preamble, found.blocks, legend=found.legend, skipped=walker.skipped)


class _Walker:
    def __init__(self) -> None:
        self.paras: list[Para] = []
        self.skipped: list[SkippedPart] = []

    def walk(self, element) -> None:
        for child in element.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            name = child.qname
            if name == (_TEXT, "h"):
                self.paras.append(Para(" ".join(self.text(child).split()), heading=True))
            elif name == (_TEXT, "p"):
                self.paras.extend(Para(line) for line in self.text(child).split("\n"))
            elif name == (_TABLE, "table"):
                self.table(child)
            elif name == (_DRAW, "frame"):
                self.frame(child)
            elif name not in _LEFT_OUT:
                self.walk(child)

    def table(self, table) -> None:
        rows = []
        for row in _descendants(table, (_TABLE, "table-row"), stop=(_TABLE, "table")):
            cells = [
                self.text(cell).strip()
                for cell in row.childNodes
                if cell.nodeType == cell.ELEMENT_NODE and cell.qname == (_TABLE, "table-cell")
            ]
            if any(cells):
                rows.append(cells)
        turns = transcript_rows(rows)
        if turns is not None:
            self.paras.extend(table_paras(turns))
        else:
            self.paras.extend(Para(" | ".join(cells)) for cells in rows)

    def frame(self, frame) -> None:
        text = " ".join(self.text(frame).split())
        if text:
            self.skipped.append(SkippedPart("text box", text))

    def text(self, element) -> str:
        """Text of an element: spaces, tabs and line breaks expanded, frames reported, notes left out."""
        out: list[str] = []
        for child in element.childNodes:
            if child.nodeType == child.TEXT_NODE:
                out.append(child.data)
                continue
            if child.nodeType != child.ELEMENT_NODE or child.qname in _LEFT_OUT:
                continue
            name = child.qname
            if name == (_TEXT, "line-break"):
                out.append("\n")
            elif name == (_TEXT, "tab"):
                out.append("\t")
            elif name == (_TEXT, "s"):
                count = str(child.getAttribute("c") or "1")
                out.append(" " * (min(int(count), _MAX_SPACES) if count.isdigit() and len(count) < 6 else 1))
            elif name == (_DRAW, "frame"):
                self.frame(child)
            elif name == (_TEXT, "p") and out:
                out.append("\n" + self.text(child))
            else:
                out.append(self.text(child))
        return "".join(out)


def _descendants(element, qname, stop):
    """Elements named ``qname`` under ``element``, not looking inside nested ``stop`` elements."""
    for child in element.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname == qname:
            yield child
        elif child.qname != stop:
            yield from _descendants(child, qname, stop)
