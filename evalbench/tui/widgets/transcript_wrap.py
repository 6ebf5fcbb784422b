"""Soft-wrapping for the transcript: where each line breaks, and the maps between screen cells and text.

The transcript view (:mod:`evalbench.tui.widgets.transcript`) draws rows with
Textual's line API, so it keeps its own wrap table instead of TextArea's
wrapped document. The rules are the ones the workbench has always wrapped by
(Textual's TextArea rules, so a transcript breaks exactly where it did; the
property test in ``tests/tui/test_transcript_wrap.py`` compares every break,
tab width and cell mapping with Textual's own): a line is cut into words with
the spaces after them; a word that does not fit moves to the next row; a word
wider than a whole row is folded into row-wide pieces starting on a fresh
row; tabs expand to the next tab stop. Plain printable-ASCII lines (one cell a
character, no tabs) take a fast path by word lengths alone, about 3× faster.

Nothing here imports Textual: the table is plain lists, cheap to test.
"""

from __future__ import annotations

import re
from bisect import bisect, bisect_right

from rich.cells import cell_len, get_character_cell_size

Location = tuple[int, int]  #: (line, column) in the display text

# A word with the spaces after it, or a run of spaces: the unit lines break between.
_CHUNK = re.compile(r"\S+\s*|\s+")
_TABS = re.compile(r"(.*?\t|.+?$)")


def tab_sections(line: str, tab: int) -> list[tuple[str, int]]:
    """(text before a tab, the tab's width in cells) for each tab of ``line``, then the rest (width 0)."""
    parts: list[tuple[str, int]] = []
    position = 0
    for part in _TABS.findall(line):
        width = 0
        if part.endswith("\t"):
            part = part[:-1]
            position += cell_len(part)
            width = tab - position % tab
            position += width
        parts.append((part, width))
    return parts


def expand_tabs(text: str, tab: int) -> str:
    """``text`` with each tab replaced by the spaces up to the next tab stop."""
    return "".join(part + " " * width for part, width in tab_sections(text, tab))


def plain_wrap_offsets(line: str, width: int) -> list[int]:
    """Break positions for a printable-ASCII line at ``width`` cells (width > 0)."""
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


def wrap_offsets(line: str, width: int, sections: list[tuple[str, int]]) -> list[int]:
    """Break positions for any line at ``width`` cells; ``sections`` are its :func:`tab_sections`."""
    before: list[int] = []  # tab cells before each character
    total = 0
    for last, (part, tab_width) in _flag_last(sections):
        before.extend([total] * (len(part) + (1 if tab_width else 0)))
        total += tab_width
        if last:
            before.append(total)
    breaks: list[int] = []
    used = 0
    tab_index = 0  # tabs met while folding (the rule counts only those)
    for match in _CHUNK.finditer(line):
        start, end = match.span()
        chunk = match.group()
        size = cell_len(chunk) + before[end] - before[start]
        if width - used >= size:
            used += size
        elif size > width:  # fold the word into row-wide pieces, the first on a fresh row
            pieces: list[str] = [""]
            filled = 0
            for ch in chunk:
                if ch == "\t":
                    cells = sections[tab_index][1]
                    tab_index += 1
                else:
                    cells = get_character_cell_size(ch)
                if filled + cells > width:
                    pieces.append(ch)
                    filled = cells
                else:
                    pieces[-1] += ch
                    filled += cells
            for last, piece in _flag_last(pieces):
                if start:
                    breaks.append(start)
                if last:
                    used = cell_len(piece) + before[start + len(piece)] - before[start]
                else:
                    start += len(piece)
        elif used and start:
            breaks.append(start)
            used = size
    return breaks


def _flag_last(items):
    """(is it the last, item) for each item."""
    items = list(items)
    return [(i == len(items) - 1, item) for i, item in enumerate(items)]


def column_at(text: str, x: int, tab: int) -> int:
    """The column of ``text`` under cell ``x`` (``len(text)`` when past its end)."""
    column = 0
    cells = 0
    for part, tab_width in tab_sections(text, tab):
        for ch in part:
            cells += cell_len(ch)
            if cells > x:
                return column
            column += 1
        cells += tab_width
        if cells > x:
            return column
        column += 1
    return len(text)


class WrapTable:
    """The rows a list of lines takes at one width, and the maps between rows, cells and (line, column).

    ``rows[y]`` is (line, section) for screen row ``y`` of the wrapped text;
    ``breaks[line]`` are the columns where that line breaks;
    ``first_row[line]`` is its first row; ``tab_widths[line]`` the width of each of its tabs.
    """

    def __init__(self, lines: list[str], width: int, tab: int = 4) -> None:
        self.lines = lines
        self.width = width
        self.tab = tab
        rows: list[tuple[int, int]] = []
        breaks: list[list[int]] = []
        first_row: list[int] = []
        tab_widths: list[list[int]] = []
        for index, line in enumerate(lines):
            if line.isascii() and line.isprintable():  # no tabs, one cell per character
                tab_widths.append([0] if line else [])
                offsets = plain_wrap_offsets(line, width) if width and len(line) > width else []
            else:
                sections = tab_sections(line, tab)
                tab_widths.append([w for _s, w in sections])
                offsets = wrap_offsets(line, width, sections) if width else []
            breaks.append(offsets)
            first_row.append(len(rows))
            rows.extend((index, section) for section in range(len(offsets) + 1))
        self.rows = rows
        self.breaks = breaks
        self.first_row = first_row
        self.tab_widths = tab_widths

    @property
    def height(self) -> int:
        return len(self.rows)

    # --- rows and sections ---------------------------------------------------
    def section_bounds(self, line: int, section: int) -> tuple[int, int]:
        """(first column, end column) of one section of a line."""
        breaks = self.breaks[line]
        start = breaks[section - 1] if section else 0
        end = breaks[section] if section < len(breaks) else len(self.lines[line])
        return start, end

    def row_span(self, y: int) -> tuple[int, int, int] | None:
        """(line, first column, end column) of screen row ``y``, or None past the end."""
        if not 0 <= y < len(self.rows):
            return None
        line, section = self.rows[y]
        return (line, *self.section_bounds(line, section))

    def section_of(self, location: Location) -> int:
        """Which section of its line a location is drawn in."""
        line, column = location
        return bisect_right(self.breaks[line], column)

    # --- cells and locations ------------------------------------------------------
    def offset_of(self, location: Location) -> tuple[int, int]:
        """(x, y): the cell and the row a location is drawn at."""
        line, column = location
        line = max(0, min(line, len(self.lines) - 1))
        section = self.section_of((line, column))
        start, end = self.section_bounds(line, section)
        text = self.lines[line][start:end]
        before = text[: column - start]
        x = len(before) if before.isascii() and before.isprintable() else cell_len(expand_tabs(before, self.tab))
        return x, self.first_row[line] + section

    def row_x(self, location: Location) -> int:
        """The cells before a location in its row, tabs not expanded (what vertical moves start from)."""
        line, column = location
        start, _end = self.section_bounds(line, self.section_of(location))
        return cell_len(self.lines[line][start:column])

    def column_in(self, line: int, section: int, x: int) -> int:
        """The column of ``line`` under cell ``x`` of one of its sections.

        Within a section that wraps on, the column stays before the break; on a
        line's last section it may rest one past the end, where the cursor sits
        at the end of a line.
        """
        start, end = self.section_bounds(line, section)
        text = self.lines[line][start:end]
        column = start + column_at(text, x, self.tab)
        if section < len(self.breaks[line]):
            column = min(column, start + len(text) - 1)
        return column

    def location_at(self, x: int, y: int) -> Location:
        """The location under cell ``x`` of row ``y`` (rows past the end are the last row)."""
        y = max(0, min(y, len(self.rows) - 1))
        line, section = self.rows[y]
        return line, self.column_in(line, section, max(0, x))

    # --- moving -----------------------------------------------------------------
    def above(self, location: Location, x: int) -> Location:
        """The location one row up, at cell ``x`` (the start of the text from its first row)."""
        line, _column = location
        section = self.section_of(location)
        if section:
            return line, self.column_in(line, section - 1, x)
        if line == 0:
            return 0, 0
        return line - 1, self.column_in(line - 1, len(self.breaks[line - 1]), x)

    def below(self, location: Location, x: int) -> Location:
        """The location one row down, at cell ``x`` (the end of the text from its last row)."""
        line, _column = location
        section = self.section_of(location)
        if section < len(self.breaks[line]):
            return line, self.column_in(line, section + 1, x)
        if line == len(self.lines) - 1:
            return line, len(self.lines[line])
        return line + 1, self.column_in(line + 1, 0, x)

    def home(self, location: Location) -> Location:
        """The start of the row: of the section on a wrapped line, else the first non-space (then column 0)."""
        line, column = location
        breaks = self.breaks[line]
        if breaks:
            before = bisect(breaks, column)
            return line, breaks[before - 1] if before else 0
        text = self.lines[line]
        first = len(text) - len(text.lstrip()) if text.strip() else 0
        return line, first if column == 0 or column > first else 0

    def end(self, location: Location) -> Location:
        """The end of the row: the last column of the section on a wrapped line, else the line's end."""
        line, column = location
        breaks = self.breaks[line]
        after = bisect(breaks, column)
        if after < len(breaks):
            return line, breaks[after] - 1
        return line, len(self.lines[line])
