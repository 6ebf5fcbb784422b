"""Soft-wrapping for the transcript: Textual's wrapped document, made fast for plain text.

TextArea wraps every line of the document whenever its width changes, through
a general routine that measures each character's cell width and expands tabs.
Transcript text is mostly printable ASCII, where one character is one cell and
there are no tabs: for such lines the same break positions come from word
lengths alone (about 3× faster on a 20,000-word transcript). Any other line goes
through Textual's own routine, so the result is always identical to it
(tests/tui/test_transcript_wrap.py checks this property).
"""

from __future__ import annotations

import re

from textual._wrap import compute_wrap_offsets
from textual.document._wrapped_document import WrappedDocument
from textual.expand_tabs import get_tab_widths

# A word with the spaces after it, or a run of spaces: the unit Textual wraps by.
_CHUNK = re.compile(r"\S+\s*|\s+")


def plain_wrap_offsets(line: str, width: int) -> list[int]:
    """Break positions for a printable-ASCII line at ``width`` cells (width > 0).

    Same rules as Textual's ``compute_wrap_offsets``: a chunk that does not fit
    moves to the next line; a chunk wider than a whole line is folded into
    ``width``-sized pieces starting on a fresh line.
    """
    breaks: list[int] = []
    used = 0
    for match in _CHUNK.finditer(line):
        start, end = match.span()
        size = end - start
        if used + size <= width:
            used += size
        elif size > width:
            pieces = range(start, end, width)
            breaks.extend(p for p in pieces if p)
            used = end - pieces[-1]
        elif used and start:
            breaks.append(start)
            used = size
    return breaks


class TranscriptWrap(WrappedDocument):
    """A WrappedDocument with a fast path for plain lines, an O(1) height and row lookups for the margin."""

    @property
    def height(self) -> int:
        # TextArea asks for this on every rendered row; the base class sums per line.
        return len(self._offset_to_line_info)

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        """Wrap every line at ``width`` (0: no wrapping), filling the base class's tables."""
        self._width = width
        if tab_width:
            self._tab_width = tab_width
        tab = self._tab_width
        wrap_offsets: list[list[int]] = []
        line_info: list[tuple[int, int]] = []
        line_offsets: list[list[int]] = []
        tab_widths: list[list[int]] = []
        y = 0
        for index, line in enumerate(self.document.lines):
            if line.isascii() and line.isprintable():  # no tabs, one cell per character
                tab_widths.append([0] if line else [])
                offsets = plain_wrap_offsets(line, width) if width and len(line) > width else []
            else:
                sections = get_tab_widths(line, tab)
                tab_widths.append([w for _s, w in sections])
                offsets = (compute_wrap_offsets(line, width, tab_size=tab, precomputed_tab_sections=sections)
                           if width else [])
            wrap_offsets.append(offsets)
            rows = len(offsets) + 1
            line_info.extend((index, section) for section in range(rows))
            line_offsets.append(list(range(y, y + rows)))
            y += rows
        self._wrap_offsets = wrap_offsets
        self._offset_to_line_info = line_info
        self._line_index_to_offsets = line_offsets
        self._tab_width_cache = tab_widths
        self.row_lines = line_info  # our own names for what the margin reads (see row_span)
        self.line_breaks = wrap_offsets

    def row_span(self, y: int) -> tuple[int, int, int] | None:
        """(line, first column, end column) of screen row ``y`` of the wrapped text, or None past the end.

        Plain lookups in the tables :meth:`wrap` built (the base class's
        ``offset_to_location`` measures cell widths for every row it maps).
        """
        if not 0 <= y < len(self.row_lines):
            return None
        line, section = self.row_lines[y]
        breaks = self.line_breaks[line]
        start = breaks[section - 1] if section else 0
        end = breaks[section] if section < len(breaks) else len(self.document.lines[line])
        return line, start, end
