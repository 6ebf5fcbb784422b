"""The transcript: turns, codings and the current turn, drawn row by row with Textual's line API.

A :class:`~textual.scroll_view.ScrollView` that draws only the rows in view
(``render_line``), from the display lines of a
:class:`~evalbench.tui.layout.TranscriptLayout` wrapped by its own table
(:class:`~evalbench.tui.widgets.transcript_wrap.WrapTable`), as Toolong's log
view does. It used to be a read-only TextArea resting on Textual internals
(its document classes, wrapping routine, render cache and private hooks): a
Textual release that renamed one made the workbench slow or leaky without a
word. Everything here is Textual's public API.

What a coder has always had stays: a cursor and a selection by keyboard
(arrows, shift+arrows, word and page moves) and mouse (click, drag), the
coded passages and the current turn painted, the text wrapped exactly as
before. A row is drawn again only when something it shows changed (its
codings, the current turn's header, the selection or cursor on its line, the
colours): moving between turns redraws a few rows. The widget knows nothing
about the project; the coding screen gives it a layout and the codings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.expand_tabs import expand_text_tabs_from_widths
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from evalbench.model import Coding
from evalbench.tui.layout import TranscriptLayout
from evalbench.tui.widgets.transcript_paint import INTERVIEWER, LineCodes, Paint
from evalbench.tui.widgets.transcript_wrap import Location, WrapTable

TAB = 4  #: tab stops, as the transcript always had them
_WORD = re.compile(r"(?<=\W)(?=\w)|(?<=\w)(?=\W)")  # word boundaries for ctrl+left / ctrl+right


class Selection(NamedTuple):
    """From ``start`` (the anchor) to ``end`` (the cursor), as display (line, column) locations."""

    start: Location
    end: Location

    @classmethod
    def cursor(cls, location: Location) -> Selection:
        return cls(location, location)

    @property
    def is_empty(self) -> bool:
        return self.start == self.end


def _key(keys: str, action: str, description: str, name: str) -> Binding:
    return Binding(keys, action, description, show=False, id=f"transcript.{name}")


class Transcript(ScrollView, can_focus=True):
    """The read-only transcript view; see the module notes."""

    ALLOW_SELECT = False  # it has its own selection: the screen's text selection would fight it
    DEFAULT_CSS = """
    Transcript {
        width: 1fr;
        height: 1fr;
        padding: 0 1;
        color: $foreground;
        background: $surface;
        pointer: text;
        overflow-x: hidden;
        & .transcript--cursor { text-style: $input-cursor-text-style; }
        & .transcript--selection { background: $input-selection-background; color: $input-selection-foreground; }
        &:ansi {
            .transcript--cursor {
                color: $input-cursor-foreground; background: $input-cursor-background; text-style: reverse;
            }
            & .transcript--selection { background: transparent; text-style: reverse; }
        }
        &:dark .transcript--cursor { color: $input-cursor-foreground; background: $input-cursor-background; }
        &:light .transcript--cursor { color: $text 90%; background: $foreground 70%; }
    }
    """
    COMPONENT_CLASSES = {"transcript--cursor", "transcript--selection"}

    BINDINGS = [
        _key("up", "cursor_up", "Cursor up", "up"),
        _key("down", "cursor_down", "Cursor down", "down"),
        _key("left", "cursor_left", "Cursor left", "left"),
        _key("right", "cursor_right", "Cursor right", "right"),
        _key("ctrl+left", "cursor_word_left", "Cursor a word left", "word-left"),
        _key("ctrl+right", "cursor_word_right", "Cursor a word right", "word-right"),
        _key("home,ctrl+a", "cursor_line_start", "Cursor to the row's start", "line-start"),
        _key("end,ctrl+e", "cursor_line_end", "Cursor to the row's end", "line-end"),
        _key("pageup", "cursor_page_up", "Cursor a page up", "page-up"),
        _key("pagedown", "cursor_page_down", "Cursor a page down", "page-down"),
        _key("shift+up", "cursor_up(True)", "Select up", "select-up"),
        _key("shift+down", "cursor_down(True)", "Select down", "select-down"),
        _key("shift+left", "cursor_left(True)", "Select left", "select-left"),
        _key("shift+right", "cursor_right(True)", "Select right", "select-right"),
        _key("ctrl+shift+left", "cursor_word_left(True)", "Select a word left", "select-word-left"),
        _key("ctrl+shift+right", "cursor_word_right(True)", "Select a word right", "select-word-right"),
        _key("shift+home", "cursor_line_start(True)", "Select to the row's start", "select-line-start"),
        _key("shift+end", "cursor_line_end(True)", "Select to the row's end", "select-line-end"),
        _key("f6", "select_line", "Select the line", "select-line"),
        _key("f7", "select_all", "Select everything", "select-all"),
        _key("ctrl+c", "copy", "Copy the selection", "copy"),
        # Kept from the TextArea days, when they had to hide its editing keys: keymaps may name them.
        _key("delete,ctrl+d", "screen.remove_coding", "Remove the active coding", "remove-coding"),
        _key("ctrl+z", "app.undo", "Undo", "undo"),
        _key("ctrl+y", "app.redo", "Redo", "redo"),
    ]

    class SelectionChanged(Message):
        """The cursor moved or the selection changed (by key, mouse or the coding screen)."""

        def __init__(self, selection: Selection) -> None:
            super().__init__()
            self.selection = selection

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.layout_map: TranscriptLayout | None = None
        self.lines: list[str] = [""]
        self.wrap = WrapTable(self.lines, 0)
        self._wrapped_at: int | None = None  # the width the text is wrapped at; None: not laid out yet
        self._selection = Selection.cursor((0, 0))
        self._last_x = 0  # the cell a vertical move aims for (as far right as the cursor was put)
        self._selecting = False  # a mouse drag is under way
        self.current_block = 0
        self._paint: Paint | None = None
        self.paint_version = 0  # counts paints, for views that draw from line_codes (the margin)
        self._rows: LRUCache[tuple, Strip] = LRUCache(1024)
        self._styles: tuple[Style, Style, Style] | None = None
        self._when_sized: Callable[[], None] | None = None

    # --- content ------------------------------------------------------------
    def show(
        self, layout: TranscriptLayout, codings: list[Coding], others: list[Coding], colors: dict[str, str]
    ) -> None:
        """Load a laid-out transcript and paint its codings."""
        self.layout_map = layout
        self.lines = layout.display.split("\n")
        self._paint = Paint(layout)
        self._wrapped_at = None
        self._selection = Selection.cursor((0, 0))
        self._rows.clear()
        self.ensure_wrapped()
        self.paint(codings, others, colors)

    @property
    def line_codes(self) -> LineCodes:
        """display line -> the codes covering which columns of it (what the margin draws)."""
        return self._paint.line_codes if self._paint is not None else {}

    def paint(self, codings: list[Coding], others: list[Coding], colors: dict[str, str]) -> None:
        """Paint these codings; only the rows whose codings changed are drawn again."""
        if self._paint is None:
            return
        changed = self._paint.update(codings, others, colors)
        self.paint_version += 1
        for line in changed:
            self._refresh_line(line)

    def forget_paint(self) -> None:
        """Restyle every coded row at the next :meth:`paint` (the colours changed, not the codings)."""
        if self._paint is not None:
            self._paint.forget()

    def set_current_block(self, index: int) -> None:
        """Show turn ``index``'s header as the current one (only the two headers are drawn again)."""
        if index != self.current_block and self.layout_map is not None:
            blocks = self.layout_map.blocks
            old, self.current_block = self.current_block, index
            for block in (blocks[old], blocks[index]):
                self._refresh_line(block.header_line)

    # --- wrapping ----------------------------------------------------------------
    @property
    def wrap_width(self) -> int:
        """Cells a row of text may take: the view's width less a cell for the cursor after a line's end."""
        return max(0, self.scrollable_content_region.width - 1)

    @property
    def row_count(self) -> int:
        """Screen rows of the wrapped text."""
        return self.wrap.height

    def row_span(self, y: int) -> tuple[int, int, int] | None:
        """(display line, first column, end column) of wrapped row ``y``, or None past the end."""
        return self.wrap.row_span(y)

    def row_of(self, location: Location) -> int:
        """The wrapped row a display location is drawn on."""
        return self.wrap.offset_of(location)[1]

    def when_sized(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the view has its width and its text is wrapped, before the first frame.

        Reopening a transcript where the coder left off then draws that place
        first, instead of the top and then the place.
        """
        self._when_sized = callback
        self.ensure_wrapped()

    @property
    def is_wrapped(self) -> bool:
        return self._wrapped_at is not None

    def ensure_wrapped(self) -> None:
        """Wrap the text at the view's width, once per width (~30 ms on a 20,000-word transcript)."""
        width = self.wrap_width
        if width <= 0 or width == self._wrapped_at:
            return
        first = self._wrapped_at is None
        self.wrap = WrapTable(self.lines, width, TAB)
        self._wrapped_at = width
        self._rows.clear()
        self.virtual_size = Size(0, self.wrap.height)
        if first:
            self._last_x = self.wrap.offset_of(self.cursor_location)[0]
        callback, self._when_sized = self._when_sized, None
        if callback is not None:
            callback()

    def on_resize(self, event: events.Resize) -> None:
        self.ensure_wrapped()

    # --- drawing ------------------------------------------------------------------
    def render_lines(self, crop):
        self.ensure_wrapped()  # drawn before its resize event was handled: wrap now, at the width it is drawn at
        styles = (
            self.rich_style,
            self.get_component_rich_style("transcript--cursor"),
            self.get_component_rich_style("transcript--selection"),
        )
        if styles != self._styles:  # a new theme, or the first frame: rows drawn before are stale
            self._styles = styles
            self._rows.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """One screen row, re-used while nothing it shows changed."""
        row = int(self.scroll_offset.y) + y
        base = self._styles[0] if self._styles else self.rich_style
        if row >= self.wrap.height:
            return Strip.blank(self.size.width, base)
        line, section = self.wrap.rows[row]
        key = (self.wrap.width, line, section, self._line_state(line))
        strip = self._rows.get(key)
        if strip is None:
            strip = self._draw_row(line, section)
            self._rows.set(key, strip)
        return strip

    def _line_state(self, line: int) -> tuple:
        """What a line's rows show beyond its text: its codings, header, selection and cursor."""
        paint = self._paint
        version = paint.versions.get(line, 0) if paint is not None else 0
        header = None
        layout = self.layout_map
        if layout is not None:
            index = layout.block_index_at_line(line)
            if layout.blocks[index].header_line == line:
                header = index == self.current_block
        selection = self._selection
        top, bottom = sorted((selection.start[0], selection.end[0]))
        return (
            version,
            header,
            selection if top <= line <= bottom else None,
            self.has_focus if line == selection.end[0] else None,
        )

    def _styled_line(self, line: int) -> Text:
        """A display line with its header, interviewer and coding styles."""
        text = Text(self.lines[line], end="", no_wrap=True)
        layout, paint = self.layout_map, self._paint
        if layout is None or paint is None:
            return text
        index = layout.block_index_at_line(line)
        if line == layout.blocks[index].header_line:
            text.stylize(paint.header_style(index, index == self.current_block))
            return text
        if line in paint.quiet:
            text.stylize(INTERVIEWER)
        for start, end, style in paint.spans.get(line, ()):
            text.stylize(style, start, end)
        return text

    def _draw_row(self, line: int, section: int) -> Strip:
        """Draw one wrapped row: the line's styles, the selection and the cursor, cut to the row."""
        base, cursor_style, selection_style = self._styles or (self.rich_style, Style(), Style())
        text = self._styled_line(line)
        length = len(text)
        text.set_length(length + 1)  # a cell after the line's end, where the cursor may rest
        start, end = self._selection
        (top_row, top_column), (bottom_row, bottom_column) = sorted(self._selection)
        if start != end and top_row <= line <= bottom_row:
            if length == 0 and line != end[0]:
                text.plain = "▌"  # an empty line inside the selection
                text.stylize(Style(color=selection_style.bgcolor))
            elif line == top_row == bottom_row:
                text.stylize(selection_style, top_column, bottom_column)
            elif line == top_row:
                text.stylize(selection_style, top_column, length)
            elif line == bottom_row:
                text.stylize(selection_style, 0, bottom_column)
            else:
                text.stylize(selection_style, 0, length)
        if end[0] == line and self.has_focus:
            text.stylize(cursor_style, end[1], end[1] + 1)
        breaks = self.wrap.breaks[line]
        if breaks:
            pieces = text.divide(breaks)
            text = pieces[section]
            text.end = ""
            tabs_before = sum(piece.plain.count("\t") for piece in pieces[:section])
            widths = self.wrap.tab_widths[line][tabs_before : tabs_before + text.plain.count("\t")]
            text = expand_text_tabs_from_widths(text, widths)
        else:
            text.expand_tabs(TAB)
        strip = Strip(text.render(self.app.console), cell_length=text.cell_len)
        return strip.extend_cell_length(self.scrollable_content_region.width, base).apply_style(base)

    def _refresh_line(self, line: int) -> None:
        """Draw a display line's rows again (if it is in view)."""
        if self.is_wrapped and 0 <= line < len(self.lines):
            first = self.wrap.first_row[line]
            self.refresh_lines(first, len(self.wrap.breaks[line]) + 1)

    def _refresh_lines(self, first: int, last: int) -> None:
        """Draw display lines ``first``…``last`` again, or the whole view when that is most of it."""
        if not self.is_wrapped:
            return
        if last - first > self.size.height:
            self.refresh()
            return
        for line in range(max(0, first), min(last, len(self.lines) - 1) + 1):
            self._refresh_line(line)

    def on_focus(self, event: events.Focus) -> None:
        self._refresh_line(self._selection.end[0])  # the cursor is drawn only while the view has the focus

    def on_blur(self, event: events.Blur) -> None:
        self._refresh_line(self._selection.end[0])

    # --- selection and cursor ----------------------------------------------------------
    @property
    def selection(self) -> Selection:
        return self._selection

    @selection.setter
    def selection(self, selection: Selection) -> None:
        """Select (or place the cursor), keep the cursor in view and say so (:class:`SelectionChanged`)."""
        selection = Selection(self._clamp(selection.start), self._clamp(selection.end))
        old, self._selection = self._selection, selection
        if selection == old:
            self.scroll_cursor_visible()
            return
        for sel in (old, selection):
            (top, _c), (bottom, _d) = sorted(sel)
            self._refresh_lines(top, bottom)
        self.scroll_cursor_visible()
        self.post_message(self.SelectionChanged(selection))

    @property
    def cursor_location(self) -> Location:
        return self._selection.end

    def _clamp(self, location: Location) -> Location:
        line, column = location
        line = max(0, min(line, len(self.lines) - 1))
        return line, max(0, min(column, len(self.lines[line])))

    def move_cursor(
        self, location: Location, select: bool = False, center: bool = False, record_width: bool = True
    ) -> None:
        """Put the cursor at ``location`` (extending the selection if ``select``)."""
        self.selection = Selection(self._selection.start if select else location, location)
        if record_width and self.is_wrapped:
            self._last_x = self.wrap.offset_of(self.cursor_location)[0]
        if center:
            self.scroll_cursor_visible(center=True)

    def scroll_cursor_visible(self, center: bool = False, animate: bool = False) -> None:
        """Scroll as little as shows the cursor's row (to the middle if ``center``); nothing before the first
        layout (a zero-height view scrolled past the first turn's header)."""
        height = self.scrollable_content_region.height
        if not self.is_wrapped or not height:
            return
        y = self.row_of(self.cursor_location)
        top = int(self.scroll_offset.y)
        if center:
            target = max(0, y - height // 2)
        elif y < top:
            target = y
        elif y >= top + height:
            target = y - height + 1
        else:
            return
        self.scroll_to(y=target, animate=animate, force=True, immediate=True)

    def get_text_range(self, start: Location, end: Location) -> str:
        """The display text between two locations."""
        (r0, c0), (r1, c1) = sorted((start, end))
        if r0 == r1:
            return self.lines[r0][c0:c1]
        return "\n".join([self.lines[r0][c0:], *self.lines[r0 + 1 : r1], self.lines[r1][:c1]])

    @property
    def selected_text(self) -> str:
        return self.get_text_range(*self._selection)

    # --- selection in document offsets --------------------------------------------
    def doc_selection(self) -> tuple[int, int] | None:
        """The selected span in document offsets, or None when nothing is selected."""
        layout = self.layout_map
        if layout is None or self._selection.is_empty:
            return None
        a, b = sorted(self._selection)
        start, end = layout.to_doc(layout.offset(a)), layout.to_doc(layout.offset(b))
        return (start, end) if end > start else None

    def select_doc(self, start: int, end: int) -> None:
        """Select a document span (cursor at its end) and keep it in view."""
        layout = self.layout_map
        if layout is not None:
            self.selection = Selection(
                layout.location(layout.to_display(start)), layout.location(layout.to_display(end))
            )

    def cursor_doc(self) -> int:
        """Document offset under the cursor."""
        layout = self.layout_map
        return layout.to_doc(layout.offset(self.cursor_location)) if layout else 0

    # --- keys ----------------------------------------------------------------------
    def action_cursor_left(self, select: bool = False) -> None:
        if select or self._selection.is_empty:
            line, column = self.cursor_location
            target = (line, column - 1) if column else (line - 1, len(self.lines[line - 1])) if line else (0, 0)
        else:
            target = min(self._selection)
        self.move_cursor(target, select=select)

    def action_cursor_right(self, select: bool = False) -> None:
        if select or self._selection.is_empty:
            line, column = self.cursor_location
            if column < len(self.lines[line]):
                target = (line, column + 1)
            else:
                target = (line + 1, 0) if line < len(self.lines) - 1 else (line, column)
        else:
            target = max(self._selection)
        self.move_cursor(target, select=select)

    def action_cursor_up(self, select: bool = False) -> None:
        if self.is_wrapped:
            here = self.cursor_location
            self.move_cursor(
                self.wrap.above(here, max(self.wrap.row_x(here), self._last_x)), select=select, record_width=False
            )

    def action_cursor_down(self, select: bool = False) -> None:
        if self.is_wrapped:
            here = self.cursor_location
            self.move_cursor(
                self.wrap.below(here, max(self.wrap.row_x(here), self._last_x)), select=select, record_width=False
            )

    def action_cursor_line_start(self, select: bool = False) -> None:
        if self.is_wrapped:
            self.move_cursor(self.wrap.home(self.cursor_location), select=select)

    def action_cursor_line_end(self, select: bool = False) -> None:
        if self.is_wrapped:
            self.move_cursor(self.wrap.end(self.cursor_location), select=select)

    def action_cursor_word_left(self, select: bool = False) -> None:
        line, column = self.cursor_location
        if (line, column) == (0, 0):
            return
        if line and not column:
            target = (line - 1, len(self.lines[line - 1]))
        else:
            found = list(_WORD.finditer(self.lines[line][:column].rstrip()))
            target = (line, found[-1].start() if found else 0)
        self.move_cursor(target, select=select)

    def action_cursor_word_right(self, select: bool = False) -> None:
        line, column = self.cursor_location
        text = self.lines[line]
        if line == len(self.lines) - 1 and column == len(text):
            return
        if line < len(self.lines) - 1 and column == len(text):
            target = (line + 1, 0)
        else:
            rest = text[column:]
            skipped = len(rest) - len(rest.lstrip())
            found = _WORD.search(rest.lstrip())
            target = (line, column + found.start() + skipped if found else len(text))
        self.move_cursor(target, select=select)

    def _page(self, rows: int) -> None:
        if self.is_wrapped:
            x, y = self.wrap.offset_of(self.cursor_location)
            target = self.wrap.location_at(x, y + rows)
            self.scroll_relative(y=rows, animate=False)
            self.move_cursor(target)

    def action_cursor_page_up(self) -> None:
        self._page(-self.content_size.height)

    def action_cursor_page_down(self) -> None:
        self._page(self.content_size.height)

    def action_select_line(self) -> None:
        line = self.cursor_location[0]
        self.move_cursor((line, len(self.lines[line])), select=False)
        self.selection = Selection((line, 0), self.cursor_location)

    def action_select_all(self) -> None:
        self.move_cursor((len(self.lines) - 1, len(self.lines[-1])))
        self.selection = Selection((0, 0), self.cursor_location)

    def action_copy(self) -> None:
        """Copy the selected text to the clipboard (the terminal's, over SSH too); with none, pass the key on."""
        from textual.actions import SkipAction

        text = self.selected_text
        if not text:
            raise SkipAction()
        self.app.copy_to_clipboard(text)

    # --- mouse ---------------------------------------------------------------------
    def _location_at(self, event: events.MouseEvent) -> Location:
        gutter = self.gutter
        return self.wrap.location_at(event.x - gutter.left, event.y - gutter.top + int(self.scroll_offset.y))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Place the cursor where clicked and start selecting (the drag may leave the view: it scrolls)."""
        if not self.is_wrapped:
            return
        self.selection = Selection.cursor(self._location_at(event))
        self._selecting = True
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._selecting:
            self.selection = Selection(self._selection.start, self._location_at(event))

    def _end_selecting(self) -> None:
        if self._selecting:
            self._selecting = False
            self.release_mouse()
            self._last_x = self.wrap.offset_of(self.cursor_location)[0]

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self._end_selecting()

    def on_hide(self, event: events.Hide) -> None:
        self._end_selecting()
