"""Choosing a code in the coding view: the side-column picker and the keys it takes.

A mixin for :class:`~evalbench.tui.screens.coding.CodingScreen`. The picker is
built on first use (so it costs nothing in the view's first paint) and never
takes the focus: while it is open the screen hands it every key and paste, so
the view's own keys wait and the transcript keeps its cursor.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events

from evalbench.tui.widgets.code_picker import CodePicker


class PickingMixin:
    """``pick_code(title, then)``, the key routing while the picker is open, and repeating the last code."""

    _picker: CodePicker | None = None
    _then_pick: Callable[[str], None] | None = None

    def action_repeat_code(self) -> None:
        """Apply the code you applied last (in any document) to the selection or turn."""
        recent = self.project.recent_codes(1)
        if not recent:
            self.notify("No code applied yet — press c to choose one.", severity="warning")
            return
        self.apply_code(recent[0])

    async def pick_code(self, title: str, then: Callable[[str], None]) -> None:
        """Open the picker in the side column; ``then(code_id)`` runs when a code is chosen."""
        self._then_pick = then
        if self._picker is None:
            self._picker = CodePicker(id="picker")
            await self.query_one("#side").mount(self._picker)
        self._picker.open(
            title, self.codes, self.code_palette, self.depth, self.project.recent_codes(), labels=self.labels
        )

    def _open_picker(self) -> CodePicker | None:
        picker = self._picker
        return picker if picker is not None and picker.is_open else None

    def on_key(self, event: events.Key) -> None:
        picker = self._open_picker()
        if picker is not None:
            event.stop()
            event.prevent_default()
            picker.take_key(event.key, event.character)

    def on_paste(self, event: events.Paste) -> None:
        picker = self._open_picker()
        if picker is not None:
            event.stop()
            picker.paste(event.text)

    def on_code_picker_picked(self, event: CodePicker.Picked) -> None:
        then, self._then_pick = self._then_pick, None
        if event.code_id and then is not None:
            then(event.code_id)
