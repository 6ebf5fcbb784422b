"""The transcript: a read-only TextArea that paints turns, codings and the current turn.

Styling happens in :meth:`get_line` from a per-line span index that is rebuilt
only when codings change (DESIGN: restyling thousands of spans this way takes
tens of milliseconds; the built-in offset conversions are too slow for it).
The widget knows nothing about the project: the coding screen gives it a
:class:`~evalbench.tui.layout.TranscriptLayout` and the codings to paint.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.document._document import Document
from textual.document._document_navigator import DocumentNavigator
from textual.geometry import Offset
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from evalbench.model import Coding
from evalbench.tui.colors import code_background, code_color
from evalbench.tui.layout import TranscriptLayout
from evalbench.tui.widgets.transcript_wrap import TranscriptWrap

HEADER = Style(bold=True)
HEADER_CURRENT = Style(bold=True, reverse=True)
INTERVIEWER = Style(color="grey58")
INTERVIEWER_HEADER = Style(color="grey50", bold=True)
OVERLAP = Style(bold=True, underline=True)


class Transcript(TextArea):
    """Read-only transcript view; selection is the TextArea's own (keys or mouse)."""

    # The TextArea's editing keys do nothing read-only; hide them so the screen's
    # bindings (delete = remove coding, ctrl+z/y = project undo/redo) are reached.
    BINDINGS = [
        Binding("delete,ctrl+d", "screen.remove_coding", show=False, id="transcript.remove-coding"),
        Binding("ctrl+z", "app.undo", show=False, id="transcript.undo"),
        Binding("ctrl+y", "app.redo", show=False, id="transcript.redo"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__("", read_only=True, soft_wrap=True, show_cursor=True, **kwargs)
        self.cursor_blink = False
        self.highlight_cursor_line = False
        self.match_cursor_bracket = False
        self._paint_version = 0
        self._row_versions: dict[int, int] = {}
        self._line_items: dict[int, list] = {}
        self._span_rows: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        self.layout_map: TranscriptLayout | None = None
        self.current_block = 0
        self._line_spans: dict[int, list[tuple[int, int, Style]]] = {}
        self._quiet_lines: set[int] = set()
        self._rows_style: Style | None = None
        self.line_codes: dict[int, list[tuple[int, int, str, bool]]] = {}
        self.paint_version = 0  # counts paints, for views that draw from line_codes (the margin)

    _when_sized = None

    def when_sized(self, callback) -> None:
        """Call ``callback`` once the view has its first size and its text is wrapped, before it is drawn.

        TextArea scrolls its cursor into view during the first layout; the
        callback runs then instead, so reopening a transcript where the coder
        left off draws that place once rather than one place and then another.
        """
        self._when_sized = callback

    def on_resize(self) -> None:
        callback, self._when_sized = self._when_sized, None
        if callback is not None:  # not placed during the first layout (see scroll_cursor_visible)
            self.call_next(callback)

    def on_unmount(self) -> None:
        """Drop TextArea's watcher on the app's theme, which would keep this widget alive.

        Textual prunes such watchers only when the theme next changes, so every
        transcript ever opened in a session stayed in memory with its layout and
        rendered rows (~22,000 objects each), and every garbage-collector pass
        and first paint got slower as a session went on.
        """
        for entries in getattr(self.app, "__watchers", {}).values():
            entries[:] = [(node, callback) for node, callback in entries if node is not self]

    # --- content ------------------------------------------------------------
    def show(self, layout: TranscriptLayout, codings: list[Coding], others: list[Coding],
             colors: dict[str, str]) -> None:
        """Load a laid-out transcript and paint its codings."""
        self.layout_map = layout
        self._line_spans, self._line_items, self._span_rows = {}, {}, {}
        self.load_text(layout.display)
        self._quiet_lines = set()
        for block in layout.blocks:
            if block.turn.role == "interviewer":
                self._quiet_lines.update(range(block.first_line, block.last_line + 1))
        self.paint(codings, others, colors)

    def paint(self, codings: list[Coding], others: list[Coding], colors: dict[str, str]) -> None:
        """Rebuild the per-line style index for these codings; redraw only the rows that changed."""
        layout = self.layout_map
        if layout is None:
            return
        items: dict[int, list[tuple[int, int, str, bool]]] = {}
        line_codes: dict[int, list[tuple[int, int, str, bool]]] = {}
        for coding, mine in [(c, True) for c in codings] + [(c, False) for c in others]:
            color = colors.get(coding.code_id, "grey50")
            for row, start, end in self._rows_of(coding.start, coding.end):
                items.setdefault(row, []).append((start, end, color, mine))
                line_codes.setdefault(row, []).append((start, end, coding.code_id, mine))
        self.line_codes = line_codes
        self.paint_version += 1
        for row in set(items) | set(self._line_items):
            if items.get(row) != self._line_items.get(row):
                self._line_spans[row] = _segments(items.get(row, []))
                self._row_versions[row] = self._row_versions.get(row, 0) + 1
        self._line_items = items
        self.refresh()

    def forget_paint(self) -> None:
        """Restyle every coded row at the next :meth:`paint` (the colours changed, not the codings)."""
        self._line_items = {}
        self._row_versions = {row: v + 1 for row, v in self._row_versions.items()}

    def _rows_of(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """(row, start column, end column) pieces of a document span, cached per span."""
        key = (start, end)
        cached = self._span_rows.get(key)
        if cached is not None:
            return cached
        layout = self.layout_map
        out = []
        for s, e in layout.display_spans(start, end):
            (r0, c0), (r1, c1) = layout.location(s), layout.location(e)
            for row in range(r0, r1 + 1):
                a = c0 if row == r0 else 0
                b = c1 if row == r1 else layout.line_starts[row + 1] - layout.line_starts[row] - 1
                if b > a:
                    out.append((row, a, b))
        self._span_rows[key] = out
        return out

    def scroll_cursor_visible(self, center: bool = False, animate: bool = False) -> Offset:
        """As TextArea's, but not before the view has a height.

        Placing the cursor before the first layout scrolled a zero-height view
        past the first turn's header, so the first frame showed the transcript
        one line down until the coding view scrolled it back a frame later.
        """
        if not self.size.height:
            return Offset(0, 0)
        if self._when_sized is not None:  # the first layout: the coding view's own placing, in this frame
            callback, self._when_sized = self._when_sized, None
            callback()
            return Offset(0, 0)
        return super().scroll_cursor_visible(center, animate)

    def redraw(self) -> None:
        self._paint_version += 1
        self.refresh()

    def set_current_block(self, index: int) -> None:
        if index != self.current_block:
            self.current_block = index
            self.refresh()  # only the two header lines change; see render_line's cache key

    def notify_style_update(self) -> None:
        """Keep rendered rows when a restyle changes nothing they show.

        TextArea drops its whole row cache on every restyle, and focus moving
        away and back (to the codebook tree, a memo box) restyles the widget
        (``:focus``): every visible row was rendered again each time. Rows are
        dropped only when the base style really changed; the cursor row's key
        already holds focus.
        """
        style = self.rich_style
        if style != self._rows_style:
            self._rows_style = style
            self._line_cache.clear()
        super(TextArea, self).notify_style_update()

    def _set_document(self, text: str, language: str | None) -> None:
        # The transcript is always plain text: build its documents directly, wrapped
        # at the width it will be shown at (TextArea's own version wraps the whole
        # text once at width 0 first, and through the slower general routine).
        self._highlight_query = None
        self.document = Document(text)
        self.wrapped_document = TranscriptWrap(self.document, width=self.wrap_width, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._build_highlight_map()
        self.move_cursor((0, 0))
        self._rewrap_and_refresh_virtual_size()

    def _rewrap_and_refresh_virtual_size(self) -> None:
        # TextArea re-wraps on every resize, scrollbar and watcher event while the
        # screen is being laid out (9 times for one first paint, ~50 ms each on a
        # 20,000-word transcript). The text never changes, so wrap once per width.
        wrapped = self.wrapped_document
        if (wrapped._width, wrapped._tab_width) != (self.wrap_width, self.indent_width):
            wrapped.wrap(self.wrap_width, tab_width=self.indent_width)
            self._line_cache.clear()
        self._refresh_size()

    def render_line(self, y: int) -> Strip:
        """Render one screen row, re-using the cached strip unless something it shows changed.

        TextArea's own cache key holds the whole selection for every row when
        soft-wrapping, so each cursor move re-renders the whole view. Here a row
        is keyed on the selection only when its line is inside it (or holds the
        cursor), on the paint version (codings), and on whether it is the
        current turn's header — so moving between turns redraws a few rows.
        """
        scroll_x, scroll_y = self.scroll_offset
        absolute_y = scroll_y + y
        info = self.wrapped_document._offset_to_line_info
        line_index = info[absolute_y][0] if 0 <= absolute_y < len(info) else -1
        selection = self.selection
        top, bottom = sorted((selection.start[0], selection.end[0]))
        header = None
        layout = self.layout_map
        if layout is not None and line_index >= 0:
            index = layout.block_index_at_line(line_index)
            if layout.blocks[index].header_line == line_index:
                header = index == self.current_block
        key = (self.size, scroll_x, absolute_y, selection if top <= line_index <= bottom else None,
               self._paint_version, self._row_versions.get(line_index, 0), header,
               self.has_focus if line_index == selection.end[0] else None,  # only the cursor's row
               self.theme, self.show_cursor)
        cached = self._line_cache.get(key)
        if cached is not None:
            return cached
        line = self._render_line(y)
        self._line_cache[key] = line
        return line

    # --- rendering ------------------------------------------------------------
    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        layout = self.layout_map
        if layout is None:
            return line
        index = layout.block_index_at_line(line_index)
        block = layout.blocks[index]
        if line_index == block.header_line:
            quiet = block.turn.role == "interviewer"
            style = HEADER_CURRENT if index == self.current_block else (INTERVIEWER_HEADER if quiet else HEADER)
            line.stylize(style)
            return line
        if line_index in self._quiet_lines:
            line.stylize(INTERVIEWER)
        for start, end, style in self._line_spans.get(line_index, ()):
            line.stylize(style, start, end)
        return line

    # --- selection in document offsets --------------------------------------------
    def doc_selection(self) -> tuple[int, int] | None:
        """The selected span in document offsets, or None when nothing is selected."""
        layout = self.layout_map
        if layout is None or self.selection.is_empty:
            return None
        a, b = sorted(self.selection)
        start, end = layout.to_doc(layout.offset(a)), layout.to_doc(layout.offset(b))
        return (start, end) if end > start else None

    def select_doc(self, start: int, end: int) -> None:
        """Select a document span (cursor at its end) and keep it in view."""
        layout = self.layout_map
        if layout is None:
            return
        a = layout.location(layout.to_display(start))
        b = layout.location(layout.to_display(end))
        self.selection = Selection(a, b)
        self.scroll_cursor_visible()

    def cursor_doc(self) -> int:
        """Document offset under the cursor."""
        layout = self.layout_map
        return layout.to_doc(layout.offset(self.cursor_location)) if layout else 0


def _segments(items: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, Style]]:
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
