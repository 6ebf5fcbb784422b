"""A modal list to choose one thing from by typing part of its name: a theme, a category, a code, a valence.

Type to narrow the list (every word must appear, case ignored), ↑/↓ to move,
Enter to choose, Escape to cancel. Dismisses with the chosen option's id, or
None.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Choice:
    """One entry: ``id`` is what the prompt returns, ``label`` what it shows, ``words`` what typing matches."""

    id: str
    label: str | Text
    words: str = ""
    disabled: bool = False


def matching(choices: list[Choice], query: str) -> list[Choice]:
    """The choices every word of ``query`` appears in (case ignored)."""
    words = query.casefold().split()
    return [c for c in choices if all(w in (c.words or str(c.label)).casefold() for w in words)]


class ChoicePrompt(ModalScreen[str | None]):
    """Choose one of ``choices``; the first is highlighted unless ``highlight`` names another."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="choice.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="choice.down"),
        Binding("up", "move(-1)", "Up", show=False, id="choice.up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="choice.page-down"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="choice.page-up"),
    ]
    DEFAULT_CSS = """
    ChoicePrompt .choice { height: 80%; }
    ChoicePrompt #choice-list { height: 1fr; border: none; }
    """

    def __init__(self, title: str, choices: list[Choice], *, hint: str = "", highlight: str | None = None) -> None:
        super().__init__()
        self.title_text, self.choices, self.hint, self.highlight = title, choices, hint, highlight

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal prompt choice"):
            yield Label(self.title_text, classes="modal-title")
            yield Input(placeholder=self.hint or "type to narrow the list", id="choice-query")
            listing = OptionList(id="choice-list")
            listing.can_focus = False  # the keys stay in the query box
            yield listing
            yield Label("Enter to choose · ↑↓ move · Escape to cancel", classes="modal-hint")

    def on_mount(self) -> None:
        self._fill("")
        if self.highlight is not None:
            listing = self.query_one(OptionList)
            try:
                listing.highlighted = listing.get_option_index(self.highlight)
            except Exception:  # noqa: BLE001 - not listed: keep the first
                pass
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        shown = matching(self.choices, query)
        listing = self.query_one(OptionList)
        listing.set_options(
            [Option(c.label, id=c.id, disabled=c.disabled) for c in shown]
            or [Option(Text("nothing matches", style="dim"), disabled=True)]
        )
        first = next((i for i, c in enumerate(shown) if not c.disabled), None)
        listing.highlighted = first

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.query_one(OptionList).highlighted_option
        if option is not None and not option.disabled:
            self.dismiss(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        count = listing.option_count
        if not count:
            return
        index = (listing.highlighted or 0) + step
        index = max(0, min(count - 1, index))
        while 0 <= index < count and listing.get_option_at_index(index).disabled:
            index += 1 if step > 0 else -1
        if 0 <= index < count:
            listing.highlighted = index

    def action_cancel(self) -> None:
        self.dismiss(None)
