"""Choosing from a list inside the Themes screen: a code for a rule, its valence, a category, a theme.

It opens over the theme's details rather than as a modal screen, and it never
takes the focus: while it is open the Themes screen hands it every key. A
modal's dismissal restyles and redraws the whole screen beneath (55 ms CPU on
the Themes screen at 140x45), and a focus change restyles the widgets around
it, so the chooser costs one pane's repaint instead (the coding view's code
picker does the same, for the same measured reason). Type to narrow the list
(every word must appear, case ignored), ↑/↓ to move, Enter to choose, Escape
to cancel; it posts :class:`ThemeChooser.Chosen`.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from evalbench.tui.screens.choice_prompt import Choice, matching

MOVES = {"down": 1, "up": -1, "pagedown": 10, "pageup": -10}


class ThemeChooser(Vertical):
    """One list to choose from; the Themes screen opens it with :meth:`ask` and hands it keys."""

    can_focus = False

    class Chosen(Message):
        """The user chose ``value`` (an option id), or cancelled (None)."""

        def __init__(self, value: str | None) -> None:
            super().__init__()
            self.value = value

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.choices: list[Choice] = []
        self.query_text = ""
        self.hint = ""

    def compose(self) -> ComposeResult:
        yield Label("", id="chooser-title", classes="modal-title")
        yield Static(id="chooser-query")
        listing = OptionList(id="chooser-list")
        listing.can_focus = False  # clicks still choose; keys come through take_key
        yield listing
        yield Label("enter choose · ↑↓ move · esc cancel", classes="modal-hint")

    @property
    def is_open(self) -> bool:
        return bool(self.display)

    def ask(self, title: str, choices: list[Choice], *, hint: str = "", highlight: str | None = None) -> None:
        """Show the list with an empty query (``highlight``: the option to start on)."""
        self.choices, self.hint = choices, hint or "type to narrow the list"
        self.query_one("#chooser-title", Label).update(title)
        self._set_query("")
        if highlight is not None:
            ids = [c.id for c in choices]
            if highlight in ids:
                self.query_one(OptionList).highlighted = ids.index(highlight)
        self.display = True

    def take_key(self, key: str, character: str | None) -> None:
        """Act on one key press while open: edit the query, move, choose or cancel."""
        if key == "escape":
            self._close(None)
        elif key == "enter":
            option = self.query_one(OptionList).highlighted_option
            if option is not None and not option.disabled:
                self._close(option.id)
        elif key in MOVES:
            listing = self.query_one(OptionList)
            if listing.option_count:
                listing.highlighted = max(0, min(listing.option_count - 1, (listing.highlighted or 0) + MOVES[key]))
        elif key in ("backspace", "ctrl+h"):
            self._set_query(self.query_text[:-1])
        elif key in ("ctrl+u", "ctrl+w"):
            self._set_query("")
        elif character is not None and character.isprintable():
            self._set_query(self.query_text + character)

    def paste(self, text: str) -> None:
        self._set_query(self.query_text + " ".join(text.split()))

    def _set_query(self, text: str) -> None:
        self.query_text = text
        shown = Text("› ", style="bold")
        shown.append(text or self.hint, style="" if text else "dim")
        if text:
            shown.append("▏", style="bold")
        self.query_one("#chooser-query", Static).update(shown)
        found = matching(self.choices, text)
        listing = self.query_one(OptionList)
        listing.set_options(
            [Option(c.label, id=c.id, disabled=c.disabled) for c in found] or [Option("nothing matches", disabled=True)]
        )
        listing.highlighted = next((i for i, c in enumerate(found) if not c.disabled), None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._close(event.option.id)

    def _close(self, value: str | None) -> None:
        self.display = False
        self.post_message(self.Chosen(value))
