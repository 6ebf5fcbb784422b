"""The coding view's frame: column widths, the margin, the status line, and where the coder is.

A mixin for :class:`~evalbench.tui.screens.coding.CodingScreen`. The side
column and the coding-stripes margin take widths that suit the terminal
(:func:`evalbench.tui.fit.coding_columns`); the status and key-hint lines are
fitted to what is left; the cursor's place is written to the project every two
seconds while it changes and when the view closes, so the transcript reopens there.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Static

from evalbench.tui.fit import coding_columns
from evalbench.tui.screens.coding_status import key_hints, status_line, status_parts
from evalbench.tui.widgets.code_margin import CodeMargin
from evalbench.tui.widgets.transcript import Transcript

#: How often the reading position is written if it changed (and always when the view closes).
POSITION_SECONDS = 2.0


class FrameMixin:
    """Columns, margin toggle (``M``), status line and reading position."""

    margin_on = True
    _position: int | None = None
    _position_saved: int | None = None
    _position_timer = None

    _fitted: tuple[int, bool] | None = None

    def on_resize(self, event: events.Resize) -> None:
        self._fit_columns(event.size.width)
        self.call_after_refresh(self.query_one(CodeMargin).changed)  # once the transcript has re-wrapped

    def _fit_columns(self, width: int | None = None) -> None:
        """Side column and margin widths for this terminal: the transcript keeps a readable width.

        Set only when they change: a new transcript width re-wraps the whole
        text (~50 ms on a 20,000-word transcript).
        """
        width = width or self.size.width or self.app.size.width
        if not width:
            return
        if self._fitted != (width, self.margin_on):
            self._fitted = (width, self.margin_on)
            columns = coding_columns(width, self.margin_on)
            self.query_one("#side").styles.width = columns.side
            margin = self.query_one(CodeMargin)
            margin.display = self.margin_on
            if self.margin_on:
                margin.styles.width = columns.margin
            self.query_one("#keys-hint", Static).update(key_hints(width - 2, self.app.key_of), layout=False)
        if getattr(self, "layout_map", None) is not None:
            self._show_status()

    # --- where the coder is ---------------------------------------------------------
    def _moved(self) -> None:
        """Note the cursor's document offset (written by :meth:`_save_position`, off the key path)."""
        self._position = self.query_one(Transcript).cursor_doc()
        if self._position_timer is None:  # one timer for the view's life: a timer per key press cost a task each
            self._position_timer = self.set_interval(POSITION_SECONDS, self._save_position)

    def _save_position(self) -> None:
        """Write where the cursor is, if it moved since the last write."""
        position = self._position
        if position is None or position == self._position_saved:
            return
        # Not worth a wait or a message: while another program holds the file, the next tick tries again.
        if self.app.writes.attempt_quietly(lambda: self.project.set_reading_position(self.document_id, position)):
            self._position_saved = position

    _status: tuple | None = None

    def _show_status(self) -> None:
        """The status line, redrawn only when something it says changed (it is asked on every key)."""
        t = self.turn
        sel = self.query_one(Transcript).doc_selection()
        words = len((self.doc.text or "")[sel[0] : sel[1]].split()) if sel else None
        width = self.size.width or self.app.size.width or 120
        said = (t.seq, words, self.memo_of("turn", t.id), self.other_coder, self.margin_on, width, self.project.coder)
        if said == self._status:
            return
        self._status = said
        parts = status_parts(
            coder=self.project.coder,
            turn=t.seq,
            turns=len(self.layout_map.blocks),
            role=t.role,
            selected_words=words,
            turn_memo=bool(said[2]),
            other_coder=self.other_coder,
            margin=self.margin_on,
        )
        room = max(20, width - coding_columns(width, self.margin_on).side - 3)
        self.query_one("#status", Static).update(status_line(parts, room), layout=False)

    # --- margin ---------------------------------------------------------------------
    def action_margin(self) -> None:
        """Show or hide the coding stripes beside the transcript (remembered for next time)."""
        self.margin_on = not self.margin_on
        self.app.margin_default = self.margin_on
        self.app.remember(margin=self.margin_on)
        self._fit_columns()
        self.call_after_refresh(self.query_one(CodeMargin).changed)
