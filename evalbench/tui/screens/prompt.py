"""Small modal prompts: one line of text (coder name, a path), a multi-line memo, yes or no, the import form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea

from evalbench.errors import UserError


class LinePrompt(ModalScreen[str | None]):
    """Ask for one line of text; Enter accepts, Escape cancels (None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

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
    """Edit a memo; Ctrl+S saves (an empty memo deletes it), Escape cancels — asking first if you typed."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="memo.save"),
        Binding("escape", "cancel", "Cancel (asks before discarding changes)", id="memo.cancel"),
    ]

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__()
        self.title_text, self.initial = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal memo"):
            yield Label(self.title_text, classes="modal-title")
            area = TextArea(self.initial, soft_wrap=True, id="memo-text")
            area.cursor_blink = False
            yield area
            yield Label("ctrl+s save (empty deletes) · escape cancel", classes="modal-hint")

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        """Close without saving; when something was typed, ask first (one stray key lost whole memos)."""
        if self.query_one(TextArea).text.strip() == self.initial.strip():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)
            else:
                self.query_one(TextArea).focus()

        self.app.push_screen(
            ConfirmPrompt("Discard your changes to this memo?", "y discard · n or escape: back to the memo"), answered
        )


class ConfirmPrompt(ModalScreen[bool]):
    """A yes-or-no question: ``y`` answers yes; ``n`` or Escape answers no."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, hint: str = "y yes · n or escape no") -> None:
        super().__init__()
        self.question, self.hint = question, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal confirm"):
            yield Label(self.question, classes="modal-title")
            yield Label(self.hint, classes="modal-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


@dataclass(frozen=True)
class ImportRequest:
    """What the import form asks for: paths (shell-quoted), a participants CSV and an encoding."""

    paths: str
    participants: str = ""
    encoding: str = ""


class ImportPrompt(ModalScreen[ImportRequest | None]):
    """Ask for files or folders, an optional participants CSV and an optional text encoding.

    The same three things ``evalbench import PATHS --participants CSV --encoding ENC``
    takes. Enter in any field imports; Tab moves between fields; Escape cancels.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="import.cancel")]
    DEFAULT_CSS = """
    ImportPrompt .field-label { color: $text-muted; padding: 1 0 0 0; }
    ImportPrompt .field-label.first { padding: 0; }
    """

    def __init__(self, check: Callable[[ImportRequest], object] | None = None) -> None:
        """``check`` raises UserError for a form that cannot be imported; the form then stays open."""
        super().__init__()
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal prompt import"):
            yield Label("Import transcripts", classes="modal-title")
            yield Label("Files or folders (separate with spaces; quote names with spaces)", classes="field-label first")
            yield Input(placeholder="interviews/ or p01.docx p02.vtt", id="import-paths")
            yield Label(
                "Participants CSV (optional: study IDs and attributes such as role and site)", classes="field-label"
            )
            yield Input(placeholder="participants.csv", id="import-participants")
            yield Label("Encoding of .txt/.md/.vtt/.srt files (optional; default: detect)", classes="field-label")
            yield Input(placeholder="cp1252, utf-8, latin-1 …", id="import-encoding")
            yield Label("Enter to import · Tab next field · Escape to cancel", classes="modal-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        values = {
            name: self.query_one(f"#import-{name}", Input).value.strip()
            for name in ("paths", "participants", "encoding")
        }
        if not values["paths"] and not values["participants"]:
            self.notify("Type files or folders to import (or a participants CSV).", severity="warning")
            return
        request = ImportRequest(**values)
        if self.check is not None:
            try:
                self.check(request)
            except UserError as exc:
                self.notify(str(exc), severity="error")
                return
        self.dismiss(request)

    def action_cancel(self) -> None:
        self.dismiss(None)
