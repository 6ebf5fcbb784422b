"""Word (.docx) transcripts, read straight from the package's XML with lxml.

The main document part is found through the package relationships (Office 365
may call it ``word/document2.xml``) and walked in order — paragraphs, tables,
and the contents of content controls (``w:sdt``), inserted text and smart tags.
python-docx was used before; it resolved every run's text and formatting through
XPath calls that took 60% of a Word file's import time, and passed over content
controls, so the XML is read directly here (parsed safely: no DTD, no entities).

A bold run opening a paragraph is a speaker label when it ends in a colon
(``**Dr Patel:** text``), and a candidate the document must repeat when it has
no colon (a bold name alone, or with a time, above the text). Plain ``Name:
text`` paragraphs work too. Headings are never turns. A table is read by what
it holds (:mod:`evalbench.ingest.tables`): Speaker | Text or Time | Speaker |
Text rows are turns wherever the table stands, with or without a title above; a
key/value table above the transcript becomes ``metadata``; any other table is
kept as text. Text boxes are not part of the reading order: their text is not
imported and is reported as a skipped part.
"""

from __future__ import annotations

import hashlib
import posixpath

from evalbench.errors import IngestError
from evalbench.ingest.archive import open_zip, read_member
from evalbench.ingest.document import Extract, SkippedPart
from evalbench.ingest.labels import split_label
from evalbench.ingest.tables import transcript_rows
from evalbench.ingest.turns import Para, parse_lines, table_paras

_HEADING_STYLES = ("heading", "title", "subtitle")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: Run children that are text, and what they stand for.
_TEXT = {f"{W}t": None, f"{W}tab": "\t", f"{W}ptab": "\t", f"{W}br": "\n", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}
#: Containers whose runs belong to the paragraph's text.
_INLINE = {
    f"{W}hyperlink",
    f"{W}ins",
    f"{W}smartTag",
    f"{W}sdt",
    f"{W}sdtContent",
    f"{W}fldSimple",
    f"{W}customXml",
    f"{W}dir",
    f"{W}bdo",
}
#: Body elements to walk into (content controls and the like hold paragraphs of their own).
_BLOCK = {f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins", f"{W}smartTag"}
_FALSE = {"0", "false", "off", "none"}
_TRUE = {"1", "true", "on"}


def read_docx(data: bytes, path: str, encoding: str | None = None) -> Extract:
    """Paragraphs and tables of a .docx, in body order, parsed into turns."""
    archive = open_zip(data, path, "Word", ("word/document.xml", "_rels/.rels"))
    with archive:
        main = _main_part(archive, path)
        document = _xml(read_member(archive, main, path, "Word"), path)
        styles_name = posixpath.join(posixpath.dirname(main), "styles.xml")
        styles = _styles(
            read_member(archive, styles_name, path, "Word") if styles_name in archive.namelist() else b"", path
        )
    body = document.find(f"{W}body")
    if body is None:
        raise IngestError(path, "corrupt Word file (the document has no body)")
    reader = _Body(styles)
    reader.walk(body)
    reader.text_boxes(body)
    found = parse_lines(reader.paras)
    return Extract(found.preamble, found.blocks, reader.metadata, legend=found.legend, skipped=reader.skipped)


def _main_part(archive, path: str) -> str:
    """The main document part named by the package relationships (``word/document.xml`` if they do not say)."""
    names = set(archive.namelist())
    if "_rels/.rels" in names:
        rels = _xml(read_member(archive, "_rels/.rels", path, "Word"), path)
        for rel in rels.iter(f"{_REL}Relationship"):
            if (rel.get("Type") or "").endswith("/officeDocument"):
                target = posixpath.normpath((rel.get("Target") or "").lstrip("/"))
                if target in names:
                    return target
    if "word/document.xml" in names:
        return "word/document.xml"
    raise IngestError(path, "corrupt Word file (no document part inside)")


def _xml(data: bytes, path: str):
    from evalbench.xmlsafe import XMLError, parse_xml

    try:
        return parse_xml(data, source=path)
    except XMLError:
        raise IngestError(path, "corrupt Word file (its XML is not well formed)") from None


def _on(el) -> bool | None:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``): True, False, or None when the value is not valid."""
    value = el.get(f"{W}val")
    if value is None or value.lower() in _TRUE:
        return True
    return False if value.lower() in _FALSE else None


_STYLE_CACHE: dict[bytes, _Styles] = {}


def _styles(data: bytes, path: str) -> _Styles:
    """The styles of a styles.xml, parsed once per distinct file: a study's transcripts share a template."""
    key = hashlib.sha1(data).digest()
    found = _STYLE_CACHE.get(key)
    if found is None:
        found = _Styles(_xml(data, path) if data else None)
        if len(_STYLE_CACHE) >= 16:
            _STYLE_CACHE.clear()
        _STYLE_CACHE[key] = found
    return found


class _Styles:
    """Style names, and which styles are bold, read once per document."""

    def __init__(self, root) -> None:
        self.names: dict[str, str] = {}
        self.bold: set[str] = set()
        for style in root.iter(f"{W}style") if root is not None else ():
            style_id = style.get(f"{W}styleId") or ""
            name = style.find(f"{W}name")
            self.names[style_id] = ((name.get(f"{W}val") if name is not None else None) or style_id).lower()
            b = style.find(f"{W}rPr/{W}b")
            if b is not None and _on(b):
                self.bold.add(style_id)

    def is_heading(self, style_id: str | None) -> bool:
        if not style_id:
            return False
        return self.names.get(style_id, style_id.lower()).startswith(_HEADING_STYLES)


def _runs(element):
    """The runs of a paragraph in order, including those in links and content controls, not in text boxes."""
    for child in element:
        if child.tag == f"{W}r":
            yield child
        elif child.tag in _INLINE:
            yield from _runs(child)


def _run_text(run) -> str:
    parts: list[str] = []
    for child in run:
        if child.tag in _TEXT:
            parts.append(child.text or "" if child.tag == f"{W}t" else _TEXT[child.tag] or "")
    return "".join(parts)


def _cell_text(tc) -> str:
    """A cell's paragraphs (and those of tables nested in it), one per line."""
    lines = ["".join(_run_text(r) for r in _runs(p)) for p in tc.iter(f"{W}p")]
    return "\n".join(line for line in lines if line.strip()).strip()


class _Body:
    """Walks the document body in order, collecting paragraphs, metadata and skipped parts."""

    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.paras: list[Para] = []
        self.metadata: dict[str, str] = {}
        self.skipped: list[SkippedPart] = []
        self.started = False

    def walk(self, element) -> None:
        for child in element:
            if child.tag == f"{W}p":
                self.paragraph(child)
            elif child.tag == f"{W}tbl":
                self.table(child)
            elif child.tag in _BLOCK:
                self.walk(child)

    def paragraph(self, p) -> None:
        style = p.find(f"{W}pPr/{W}pStyle")
        style_id = style.get(f"{W}val") if style is not None else None
        runs = [(r, _run_text(r)) for r in _runs(p)]
        text = "".join(t for _, t in runs)
        if not text.strip():
            self.paras.append(Para(""))
            return
        if self.styles.is_heading(style_id):
            self.paras.append(Para(" ".join(text.split()), heading=True))
            return
        lines = text.split("\n")
        first = _bold_label(runs, lines[0], self.styles, style_id)
        if isinstance(first, Para):
            self.paras.append(first)
        else:
            self.paras.append(Para(lines[0], bold=first))
        self.paras.extend(Para(line) for line in lines[1:])
        self.started = self.started or isinstance(first, Para) or bool(split_label(lines[0]))

    def table(self, tbl) -> None:
        rows = []
        for tr in tbl.iter(f"{W}tr"):
            if next(tr.iterancestors(f"{W}tbl")) is not tbl:
                continue  # a row of a table nested in a cell: part of that cell's text
            cells = [_cell_text(tc) for tc in tr if tc.tag == f"{W}tc"]
            if any(cells):
                rows.append(cells)
        turns = transcript_rows(rows, started=self.started)
        if turns is not None:
            self.paras.extend(table_paras(turns))
            self.started = True
        elif not self.started:
            self.paras.append(Para(_front_table(rows, self.metadata), front=True))
        else:
            self.paras.extend(Para(" | ".join(cells)) for cells in rows)

    def text_boxes(self, body) -> None:
        """Text boxes are not read (they are outside the reading order) but reported; Word keeps a fallback copy."""
        for box in body.iter(f"{W}txbxContent"):
            if any(a.tag == f"{_MC}Fallback" or a.tag == f"{W}txbxContent" for a in box.iterancestors()):
                continue
            text = " ".join(" ".join("".join(_run_text(r) for r in _runs(p)) for p in box.iter(f"{W}p")).split())
            if text:
                self.skipped.append(SkippedPart("text box", text))


def _bold_label(runs, first_line: str, styles: _Styles, paragraph_style: str | None) -> Para | str | None:
    """A labelled Para when the paragraph opens with a bold ``Name:``; else the bold opening text, if any."""
    bold = ""
    for run, text in runs:
        if not text:
            continue
        if _is_bold(run, styles, paragraph_style):
            bold += text
        elif not text.strip() and bold:
            bold += text
        else:
            break
    label = bold.split("\n")[0].strip()
    line = first_line.lstrip()
    if not label or not line.startswith(label):
        return None
    rest = line[len(label) :]
    if label.endswith(":") or rest.lstrip().startswith(":"):
        joined = label if label.endswith(":") else label + ":"
        found = split_label(f"{joined} {rest.lstrip().removeprefix(':').strip()}", bold=False)
        if found and found.kind == "inline":
            return Para(found.content, label=found.speaker, time=found.time)
        return None
    return label


def _is_bold(run, styles: _Styles, paragraph_style: str | None) -> bool:
    """Bold by the run's own property (an invalid value counts as not bold), else by its or the paragraph's style."""
    props = run.find(f"{W}rPr")
    if props is not None:
        b = props.find(f"{W}b")
        if b is not None:
            return bool(_on(b))
        style = props.find(f"{W}rStyle")
        if style is not None and style.get(f"{W}val") in styles.bold:
            return True
    return paragraph_style in styles.bold


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
