"""The coding view's frame: column widths, the margin, the status line, and where the coder is.

A mixin for :class:`~evalbench.tui.screens.coding.CodingScreen`. The side
column and the coding-stripes margin take widths that suit the terminal
(:func:`evalbench.tui.fit.coding_columns`); the status and key-hint lines are
fitted to what is left; the cursor's place is written to the project a moment
after it rests and when the view closes, so the transcript reopens there.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Static

from evalbench.errors import UserError
from evalbench.tui.fit import coding_columns
from evalbench.tui.screens.coding_status import key_hints, status_line, status_parts
from evalbench.tui.widgets.code_margin import CodeMargin
from evalbench.tui.widgets.transcript import Transcript

#: Seconds the cursor rests before the reading position is written (and always when the view closes).
POSITION_SECONDS = 1.5


class FrameMixin:
    """Columns, margin toggle (``M``), status line and reading position."""

    margin_on = True
    _position: int | None = None
    _position_saved: int | None = None
    _position_timer = None

    def on_resize(self, event: events.Resize) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Side column and margin widths for this terminal: the transcript keeps a readable width."""
        width = self.size.width
        if not width:
            return
        columns = coding_columns(width, self.margin_on)
        self.query_one("#side").styles.width = columns.side
        margin = self.query_one(CodeMargin)
        margin.display = self.margin_on
        if self.margin_on:
            margin.styles.width = columns.margin
        self._show_status()
        self.query_one("#keys-hint", Static).update(key_hints(width - 2, self.app.key_of), layout=False)

    # --- where the coder is ---------------------------------------------------------
    def _moved(self) -> None:
        """Note the cursor's document offset; write it once the cursor rests."""
        self._position = self.query_one(Transcript).cursor_doc()
        if self._position_timer is not None:
            self._position_timer.stop()
        self._position_timer = self.set_timer(POSITION_SECONDS, self._save_position)

    def _save_position(self) -> None:
        if self._position_timer is not None:
            self._position_timer.stop()
            self._position_timer = None
        if self._position is None or self._position == self._position_saved:
            return
        try:
            self.project.set_reading_position(self.document_id, self._position)
        except UserError:
            return  # another program holds the file: the position is not worth an error
        self._position_saved = self._position

    def _show_status(self) -> None:
        t = self.turn
        sel = self.query_one(Transcript).doc_selection()
        words = len((self.doc.text or "")[sel[0]:sel[1]].split()) if sel else None
        parts = status_parts(coder=self.project.coder, turn=t.seq, turns=len(self.layout_map.blocks), role=t.role,
                             selected_words=words, turn_memo=bool(self.project.memo("turn", t.id)),
                             other_coder=self.other_coder, margin=self.margin_on)
        columns = coding_columns(self.size.width or 120, self.margin_on)
        width = max(20, (self.size.width or 120) - columns.side - 3)
        self.query_one("#status", Static).update(status_line(parts, width), layout=False)

    # --- margin ---------------------------------------------------------------------
    def action_margin(self) -> None:
        """Show or hide the coding stripes beside the transcript (remembered for next time)."""
        self.margin_on = not self.margin_on
        self.app.margin_default = self.margin_on
        self.app.remember(margin=self.margin_on)
        self._fit_columns()
        self.query_one(CodeMargin).changed()
