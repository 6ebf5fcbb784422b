"""Safe XML parsing for files other programs wrote (REFI-QDA .qdc/.qde).

XML from outside is hostile until proven otherwise: a DOCTYPE can declare
entities that expand exponentially ("billion laughs") or pull in local files
and URLs (external entities). REFI-QDA never needs a DOCTYPE, so we refuse any
document that has one, before lxml sees it, and parse the rest with a parser
that neither loads DTDs, resolves entities nor touches the network.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from evalbench.errors import UserError

_PROLOG_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)


class XMLError(UserError):
    """XML that is hostile or not well formed; names the source and, when known, the line."""


def _prolog_text(data: bytes) -> str:
    """The start of the document as text, good enough to read its prolog."""
    head = data[: 1 << 20]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head.startswith(b"<\x00") or head.startswith(b"\x00<"):
        return head.decode("utf-16-be" if head[0] == 0 else "utf-16-le", errors="replace")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.decode("latin-1")


def refuse_doctype(data: bytes, source: str) -> None:
    """Raise XMLError if the document's prolog holds a DOCTYPE (and so maybe entities)."""
    text = _prolog_text(data)
    pos = 0
    while True:
        m = _PROLOG_SKIP.match(text, pos)
        if not m:
            break
        pos = m.end()
    if text.startswith("<!DOCTYPE", pos) or text.startswith("<!ENTITY", pos):
        what = "a DOCTYPE"
        entity = text.find("<!ENTITY", pos)
        if entity >= 0:
            pos, what = entity, "an entity declaration"
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise XMLError(
            f"{source}:{line}:{column}: refusing XML with {what} (DOCTYPE and ENTITY "
            "declarations are not allowed: they can expand without limit or read other files)"
        )


def _parser():
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(data: bytes, *, source: str):
    """Parse untrusted XML bytes into an lxml root element.

    Refuses DOCTYPE/ENTITY declarations and malformed XML with an XMLError
    that names ``source`` and the line (and column where lxml knows it).
    """
    from lxml import etree

    if not data.strip():
        raise XMLError(f"{source}: empty file, expected XML")
    refuse_doctype(data, source)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (exc.lineno, None)
        where = f"{source}:{line}" + (f":{col}" if col else "")
        msg = " ".join((exc.msg or "not well-formed").split(f", line {line}")[0].split())  # one line
        raise XMLError(f"{where}: not well-formed XML: {msg}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # belt and braces
        raise XMLError(f"{source}:1: refusing XML with a DOCTYPE")
    return root


@lru_cache(maxsize=8)
def _schema(xsd_path: str):
    from lxml import etree

    return etree.XMLSchema(etree.parse(xsd_path, parser=_parser()))


def validation_errors(tree, xsd_path: str | Path) -> list[str]:
    """Every way ``tree`` (an element or element tree) breaks the XSD, as 'line N: message'."""
    from lxml import etree

    schema = _schema(str(Path(xsd_path).resolve()))
    doc = tree if isinstance(tree, etree._ElementTree) else etree.ElementTree(tree)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {' '.join(e.message.split())}" for e in schema.error_log]


def validate(tree, xsd_path: str | Path, *, source: str = "<xml>") -> None:
    """Raise XMLError naming the first schema violation when ``tree`` is not valid."""
    errors = validation_errors(tree, xsd_path)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise XMLError(f"{source}: not valid against {Path(xsd_path).name}: {errors[0]}{more}")
