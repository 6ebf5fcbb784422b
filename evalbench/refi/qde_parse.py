"""project.qde parsed as it is read, so that only one source's XML is in memory at a time.

A 2,000-interview project.qde (78 MB) became a ~580 MB lxml tree when parsed
whole. :class:`QdeStream` parses the same bytes incrementally: :meth:`head`
returns the root with everything before ``<Sources>`` (users, codebook,
variables and cases, which the REFI-QDA schema puts first), :meth:`sources`
yields each source element once complete and frees it after the caller is done
with it, and :meth:`finish` parses the rest (notes, project note refs).

The parser options are those of :mod:`evalbench.xmlsafe` (no DTD, no entities,
no network, no huge trees), the DOCTYPE check runs first, and a file that is
not well formed is re-parsed by :func:`evalbench.xmlsafe.parse_xml` so that the
error reads the same, with line and column. :class:`WholeTree` offers the same
interface over an already parsed tree, for files whose parts are out of order.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, NoReturn

from evalbench.refi.qdpx_model import Element

#: Parts the reader needs before the sources; if one comes after ``<Sources>`` the file is re-read whole.
HEAD_PARTS = frozenset({"Users", "CodeBook", "Variables"})
_SOURCE_STARTS = tuple(f"{kind}Source ".encode() for kind in ("Text", "PDF", "Picture", "Audio", "Video"))


def local_name(el: Element) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class WholeTree:
    """A parsed tree behind the streaming interface."""

    def __init__(self, root: Element) -> None:
        self.root = root
        sources = next((el for el in root if local_name(el) == "Sources"), None)
        self._sources = list(sources) if sources is not None else []
        self.total = len(self._sources)

    def head(self) -> Element:
        return self.root

    def sources(self) -> Iterator[Element]:
        yield from self._sources

    def finish(self) -> bool:
        return True


class QdeStream:
    """Incremental, safe parse of project.qde bytes (see the module docstring)."""

    def __init__(self, data: bytes, source: str) -> None:
        from lxml import etree

        from evalbench.xmlsafe import refuse_doctype

        self.data, self.source = data, source
        if not data.strip():
            self._syntax_error()
        refuse_doctype(data, source)
        #: Source elements in the file, counted from their tags: a progress total, not a promise.
        self.total = sum(data.count(start) for start in _SOURCE_STARTS)  # a start tag always has a guid
        self._events = etree.iterparse(
            io.BytesIO(data),
            events=("start", "end"),
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=False,
        )
        self._syntax = etree.XMLSyntaxError
        #: lxml elements (lxml ships no type information)
        self.root: Any = None
        self._sources_el: Any = None
        self._head_done = self._sources_done = False

    def _syntax_error(self) -> NoReturn:
        from evalbench.xmlsafe import XMLError, parse_xml

        parse_xml(self.data, source=self.source)  # raises XMLError naming the line and column
        raise XMLError(f"{self.source}: not well-formed XML")

    def _next(self) -> tuple[str, Element] | None:
        try:
            return next(self._events)
        except StopIteration:
            return None
        except self._syntax:
            self._syntax_error()

    def head(self) -> Element:
        """The root element with everything before ``<Sources>`` parsed (the whole file if it has none)."""
        if self._head_done:
            return self.root
        self._head_done = True
        while (item := self._next()) is not None:
            event, el = item
            if event != "start":
                continue
            if self.root is None:
                self.root = el
            elif el.getparent() is self.root and local_name(el) == "Sources":
                self._sources_el = el
                break
        return self.root

    def sources(self) -> Iterator[Element]:
        """Each child of ``<Sources>`` once parsed; freed when the caller asks for the next."""
        parent = self._sources_el
        if parent is None or self._sources_done:
            return
        self._sources_done = True
        while (item := self._next()) is not None:
            event, el = item
            if event != "end":
                continue
            if el is parent:
                return
            if el.getparent() is parent:
                yield el
                el.clear()
                while el.getprevious() is not None:
                    del parent[0]

    def finish(self) -> bool:
        """Parse the rest; False if a part needed before the sources came after them."""
        for _ in self.sources():  # anything the caller did not read
            pass
        while self._next() is not None:
            pass
        docinfo = self.root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:  # belt and braces, as parse_xml
            self._syntax_error()
        if self._sources_el is None:
            return True
        return not any(local_name(el) in HEAD_PARTS for el in self._sources_el.itersiblings())
