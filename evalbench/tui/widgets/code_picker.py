"""The fuzzy code picker: type part of a name, ID or keyword, Enter applies the code.

It opens inside the coding view's side column, in place of the panels, rather
than as a modal screen: the passage being coded stays in sight while you choose,
and closing it repaints one column instead of the whole screen (a modal's
dismissal restyled and redrew every widget: 60–73 ms CPU per applied code on a
20,000-word transcript).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from evalbench.model import Code
from evalbench.tui.code_search import matched_keyword, search

PLACEHOLDER = "name, ID or keyword (e.g. priority, inner.culture, protected time)"


class CodePicker(Vertical):
    """Pick one code; posts :class:`CodePicker.Picked` with its ID, or None on Escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]

    class Picked(Message):
        """The user chose a code (``code_id``) or cancelled (None)."""

        def __init__(self, code_id: str | None) -> None:
            super().__init__()
            self.code_id = code_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.codes: list[Code] = []
        self.code_palette: dict[str, str] = {}
        self.depth: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Label("Apply code", id="picker-title", classes="modal-title")
        yield Input(placeholder=PLACEHOLDER, id="picker-query")
        yield OptionList(id="picker-list")
        yield Label("Enter apply · ↑↓ move · Esc cancel", classes="modal-hint")

    def open(self, title: str, codes: list[Code], colors: dict[str, str], depth: dict[str, int]) -> None:
        """Show the picker listing every code, focused on an empty query."""
        self.codes, self.code_palette, self.depth = codes, colors, depth
        self.query_one("#picker-title", Label).update(title)
        query = self.query_one(Input)
        with query.prevent(Input.Changed):
            query.value = ""
        self._fill("")
        self.display = True
        query.focus()

    @property
    def is_open(self) -> bool:
        return bool(self.display)

    def _fill(self, query: str) -> None:
        found = search(query, self.codes)
        options = []
        for code in found:
            text = Text("  " * (self.depth.get(code.id, 0) if not query else 0), no_wrap=True, overflow="ellipsis")
            text.append("■ ", style=self.code_palette.get(code.id, "white"))
            text.append(code.name, style="bold")
            text.append(f"  {code.id}", style="dim")
            keyword = matched_keyword(query, code) if query else None
            if keyword:
                text.append(f"  keyword: {keyword}", style="italic cyan")
            options.append(Option(text, id=code.id))
        listing = self.query_one(OptionList)
        listing.set_options(options)
        if options:
            listing.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.query_one(OptionList).highlighted_option
        self._close(option.id if option else None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._close(event.option.id)

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if listing.option_count:
            current = listing.highlighted or 0
            listing.highlighted = max(0, min(listing.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self._close(None)

    def _close(self, code_id: str | None) -> None:
        self.display = False
        self.post_message(self.Picked(code_id))
