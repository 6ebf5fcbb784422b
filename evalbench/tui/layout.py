"""How a transcript is laid out on screen, and the maps between screen and document offsets.

The coding view does not show a document's raw text: each speaker turn gets a
header line (number, speaker, role, time) and then its content. Codings are
character offsets into the immutable document text, so this module keeps the
two coordinate systems apart: *doc* offsets (what the store holds) and
*display* offsets/locations (what the TextArea holds). It also finds word and
sentence boundaries for keyboard selection. No Textual here, so it is cheap to
test and to reuse.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from evalbench.model import Turn

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Block:
    """One turn as laid out: its header line and where its content starts on screen."""

    turn: Turn
    header_line: int
    display_start: int  # display offset of the first content character
    first_line: int  # display line of the first content character
    last_line: int

    @property
    def length(self) -> int:
        return self.turn.end - self.turn.start

    @property
    def display_end(self) -> int:
        return self.display_start + self.length


def turn_header(turn: Turn) -> str:
    """The header line shown above a turn: '#12  Dr Patel · participant · 00:03:12'."""
    parts = [turn.speaker or "(no speaker)", turn.role]
    if turn.time:
        parts.append(turn.time)
    return f"#{turn.seq}  " + " · ".join(parts)


class TranscriptLayout:
    """The display text of a document and the offset maps between display and document."""

    def __init__(self, text: str, turns: list[Turn]) -> None:
        if not turns:  # a document without speaker turns is shown as one block
            turns = [Turn(id=0, document_id=0, seq=1, speaker=None, role="participant", start=0, end=len(text))]
        self.text = text
        pieces: list[str] = []
        blocks: list[Block] = []
        pos = 0
        line = 0
        for turn in turns:
            header = turn_header(turn)
            content = text[turn.start : turn.end]
            n_lines = content.count("\n")
            blocks.append(Block(turn, line, pos + len(header) + 1, line + 1, line + 1 + n_lines))
            pieces.append(f"{header}\n{content}\n\n")
            pos += len(header) + len(content) + 3
            line += n_lines + 3
        self.display = "".join(pieces)
        self.blocks = blocks
        self._display_starts = [b.display_start for b in blocks]
        self._doc_starts = [b.turn.start for b in blocks]
        self._header_lines = [b.header_line for b in blocks]
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.display)]

    # --- coordinates --------------------------------------------------------
    def location(self, display_offset: int) -> tuple[int, int]:
        """(row, column) of a display offset."""
        row = bisect_right(self.line_starts, display_offset) - 1
        return row, display_offset - self.line_starts[row]

    def offset(self, location: tuple[int, int]) -> int:
        """Display offset of a (row, column) location."""
        row, col = location
        row = max(0, min(row, len(self.line_starts) - 1))
        return self.line_starts[row] + col

    def block_index_at_line(self, row: int) -> int:
        """Index of the turn whose header or content holds display line ``row``."""
        return max(0, bisect_right(self._header_lines, row) - 1)

    def block_index_at_doc(self, doc_offset: int) -> int:
        """Index of the turn containing (or last starting before) a document offset."""
        return max(0, bisect_right(self._doc_starts, doc_offset) - 1)

    def to_display(self, doc_offset: int) -> int:
        """Display offset of a document offset (clamped into its turn's content)."""
        block = self.blocks[self.block_index_at_doc(doc_offset)]
        return block.display_start + max(0, min(doc_offset - block.turn.start, block.length))

    def to_doc(self, display_offset: int) -> int:
        """Document offset of a display offset; header positions map to their turn's start."""
        index = max(0, bisect_right(self._display_starts, display_offset) - 1)
        block = self.blocks[index]
        if display_offset < block.display_start:
            return block.turn.start
        if display_offset > block.display_end and index + 1 < len(self.blocks):
            return self.blocks[index + 1].turn.start  # the gap and header before the next turn
        return block.turn.start + min(display_offset - block.display_start, block.length)

    def display_spans(self, start: int, end: int) -> list[tuple[int, int]]:
        """The display intervals of the document span ``[start, end)``, one per turn it touches."""
        out = []
        first = self.block_index_at_doc(start)
        for block in self.blocks[first:]:
            turn = block.turn
            if turn.start >= end:
                break
            s, e = max(start, turn.start), min(end, turn.end)
            if s < e:
                out.append((block.display_start + s - turn.start, block.display_start + e - turn.start))
        return out

    # --- finding text ------------------------------------------------------------
    def find(self, query: str, after: int) -> tuple[int, int, bool] | None:
        """The next match of ``query`` inside a turn's text after document offset ``after``.

        Case and spacing are ignored ("protected  TIME" finds "protected time"
        across a line break); speaker labels and timestamps are not searched.
        Wraps to the start. Returns (start, end, wrapped) or None.
        """
        words = query.split()
        if not words:
            return None
        pattern = re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)
        for wrapped, (low, high) in ((False, (after, len(self.text))), (True, (0, after))):
            for match in pattern.finditer(self.text, low, high):
                turn = self.blocks[self.block_index_at_doc(match.start())].turn
                if turn.start <= match.start() and match.end() <= turn.end:
                    return match.start(), match.end(), wrapped
        return None

    # --- words and sentences ----------------------------------------------------
    def sentences(self, index: int) -> list[tuple[int, int]]:
        """Sentence spans (document offsets, trimmed) in the content of turn ``index``."""
        turn = self.blocks[index].turn
        content = self.text[turn.start : turn.end]
        spans, begin = [], 0
        for m in _SENTENCE_END.finditer(content):
            spans.append((begin, m.end()))
            begin = m.end()
        spans.append((begin, len(content)))
        out = []
        for s, e in spans:
            chunk = content[s:e]
            stripped = chunk.strip()
            if stripped:
                s += len(chunk) - len(chunk.lstrip())
                out.append((turn.start + s, turn.start + s + len(stripped)))
        return out

    def words(self, index: int) -> list[tuple[int, int]]:
        """Word spans (document offsets) in the content of turn ``index``."""
        turn = self.blocks[index].turn
        content = self.text[turn.start : turn.end]
        return [(turn.start + m.start(), turn.start + m.end()) for m in _WORD.finditer(content)]


def extend(units: list[tuple[int, int]], start: int, end: int | None, forward: bool) -> tuple[int, int]:
    """Grow (forward) or shrink a selection by one unit (word or sentence).

    With no selection (``end`` is None), select the unit at ``start``. Shrinking
    never goes below one unit. Offsets are document offsets.
    """
    if not units:
        return start, start if end is None else end
    if end is None:
        for s, e in units:
            if e > start:
                return min(s, start) if s <= start else s, e
        return units[-1]
    if forward:
        for _s, e in units:
            if e > end:
                return start, e
        return start, end
    ends = [e for _s, e in units if start < e < end]
    return (start, ends[-1]) if ends else (start, end)
