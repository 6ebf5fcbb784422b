"""Small modal prompts: one line of text (coder name, a path) and a multi-line memo."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea


class LinePrompt(ModalScreen[str | None]):
    """Ask for one line of text; Enter accepts, Escape cancels (None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text, self.initial, self.hint = title, value, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal prompt"):
            yield Label(self.title_text, classes="modal-title")
            yield Input(self.initial, placeholder=self.hint)
            yield Label("Enter to accept · Escape to cancel", classes="modal-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MemoPrompt(ModalScreen[str | None]):
    """Edit a memo; Ctrl+S saves (an empty memo deletes it), Escape cancels."""

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__()
        self.title_text, self.initial = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal memo"):
            yield Label(self.title_text, classes="modal-title")
            area = TextArea(self.initial, soft_wrap=True, id="memo-text")
            area.cursor_blink = False
            yield area
            yield Label("Ctrl+S to save (empty deletes) · Escape to cancel", classes="modal-hint")

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
