"""OpenDocument (.odt) transcripts through odfpy: paragraphs and headings in order."""

from __future__ import annotations

import io

from evalbench.errors import IngestError
from evalbench.ingest.archive import open_zip
from evalbench.ingest.document import Extract
from evalbench.ingest.files import OPTIONAL
from evalbench.ingest.turns import Para, parse_paras


def read_odt(data: bytes, path: str, encoding: str | None = None) -> Extract:
    """Headings before the first speaker are title material; paragraphs are parsed for turns."""
    open_zip(data, path, "OpenDocument", "content.xml").close()
    try:
        from odf import teletype, text  # lazy: optional format
        from odf.opendocument import load
    except ImportError:
        raise IngestError(path, OPTIONAL.format(ext=".odt", package="odfpy")) from None

    try:
        document = load(io.BytesIO(data))
        elements = document.text.getElementsByType(text.P) + document.text.getElementsByType(text.H)
    except Exception as exc:  # odfpy raises xml and zip errors unwrapped
        raise IngestError(path, f"corrupt OpenDocument file ({type(exc).__name__})") from None
    order = _document_order(document.text)
    paras: list[Para] = []
    for element in sorted(elements, key=lambda e: order.get(id(e), 0)):
        value = teletype.extractText(element)
        heading = element.qname[1] == "h"
        paras.extend(Para(line, heading=heading) for line in value.split("\n"))
    return Extract(*parse_paras(paras))


def _document_order(root) -> dict[int, int]:
    """Position of every element in a depth-first walk, to keep body order."""
    order: dict[int, int] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        order[id(node)] = len(order)
        stack.extend(reversed(node.childNodes))
    return order
