"""What the transcript paints on each display line: coded passages, headers, the interviewer's turns.

Plain data for :class:`~evalbench.tui.widgets.transcript.Transcript`: the
coding screen's codings become, per display line, the styled column ranges
to paint and the codes covering them (which the coding-stripes margin reads).
A line's styles are worked out again only when what covers it changed, and
each changed line gets a new version, so the view redraws just those rows
(DESIGN: restyling thousands of spans this way takes tens of milliseconds;
TextArea's own offset conversions were too slow for it).
"""

from __future__ import annotations

from rich.style import Style

from evalbench.model import Coding
from evalbench.tui.colors import code_background, code_color
from evalbench.tui.layout import TranscriptLayout

HEADER = Style(bold=True)
HEADER_CURRENT = Style(bold=True, reverse=True)
INTERVIEWER = Style(color="grey58")
INTERVIEWER_HEADER = Style(color="grey50", bold=True)
OVERLAP = Style(bold=True, underline=True)

#: display line -> [(start column, end column, code id, mine)]: what the margin reads.
LineCodes = dict[int, list[tuple[int, int, str, bool]]]


class Paint:
    """The coded styles of every display line of one laid-out transcript, kept up to date by :meth:`update`."""

    def __init__(self, layout: TranscriptLayout) -> None:
        self.layout = layout
        self.spans: dict[int, list[tuple[int, int, Style]]] = {}  # line -> styled column ranges
        self.versions: dict[int, int] = {}  # line -> how often its styles changed
        self.line_codes: LineCodes = {}
        self._items: dict[int, list[tuple[int, int, str, bool]]] = {}
        self._rows: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        self.quiet: set[int] = set()  # the interviewer's lines, in grey
        for block in layout.blocks:
            if block.turn.role == "interviewer":
                self.quiet.update(range(block.first_line, block.last_line + 1))

    def update(self, codings: list[Coding], others: list[Coding], colors: dict[str, str]) -> set[int]:
        """Paint these codings (yours, then another coder's); returns the lines whose styles changed."""
        items: dict[int, list[tuple[int, int, str, bool]]] = {}
        line_codes: LineCodes = {}
        for coding, mine in [(c, True) for c in codings] + [(c, False) for c in others]:
            color = colors.get(coding.code_id, "grey50")
            for row, start, end in self._pieces(coding.start, coding.end):
                items.setdefault(row, []).append((start, end, color, mine))
                line_codes.setdefault(row, []).append((start, end, coding.code_id, mine))
        self.line_codes = line_codes
        changed = {row for row in set(items) | set(self._items) if items.get(row) != self._items.get(row)}
        for row in changed:
            self.spans[row] = segments(items.get(row, []))
            self.versions[row] = self.versions.get(row, 0) + 1
        self._items = items
        return changed

    def forget(self) -> None:
        """Restyle every coded line at the next :meth:`update` (the colours changed, not the codings)."""
        self._items = {}
        self.versions = {row: v + 1 for row, v in self.versions.items()}

    def _pieces(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """(line, start column, end column) pieces of a document span, worked out once per span."""
        key = (start, end)
        cached = self._rows.get(key)
        if cached is not None:
            return cached
        layout = self.layout
        out = []
        for s, e in layout.display_spans(start, end):
            (r0, c0), (r1, c1) = layout.location(s), layout.location(e)
            for row in range(r0, r1 + 1):
                a = c0 if row == r0 else 0
                b = c1 if row == r1 else layout.line_starts[row + 1] - layout.line_starts[row] - 1
                if b > a:
                    out.append((row, a, b))
        self._rows[key] = out
        return out

    def header_style(self, index: int, current: bool) -> Style:
        """A turn header's style: reversed for the current turn, grey for the interviewer's."""
        if current:
            return HEADER_CURRENT
        return INTERVIEWER_HEADER if self.layout.blocks[index].turn.role == "interviewer" else HEADER


def segments(items: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, Style]]:
    """Flatten overlapping coded intervals on one line into styled segments.

    Your codings paint the background in the code colour (the shortest coding
    wins, so a nested code stays visible); where two of yours overlap the text
    is bold and underlined; another coder's codings underline in their colour.
    """
    points = sorted({p for s, e, _c, _m in items for p in (s, e)})
    out = []
    for a, b in zip(points, points[1:], strict=False):
        cover = [(e - s, color, mine) for s, e, color, mine in items if s <= a and e >= b]
        if not cover:
            continue
        mine = sorted(c for c in cover if c[2])
        theirs = sorted(c for c in cover if not c[2])
        style = Style()
        if mine:
            style += Style(bgcolor=code_background(mine[0][1]))
            if len(mine) > 1:
                style += OVERLAP
        if theirs:
            style += Style(underline=True, color=code_color(theirs[0][1]) if not mine else None)
        out.append((a, b, style))
    return out
