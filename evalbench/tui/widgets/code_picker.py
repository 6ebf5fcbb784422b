"""The fuzzy code picker: type part of a name, ID or keyword, Enter applies the code."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from evalbench.model import Code
from evalbench.tui.code_search import matched_keyword, search


class CodePicker(ModalScreen[str | None]):
    """Pick one code; dismisses with its ID, or None on Escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("up", "move(-1)", show=False, priority=True),
        Binding("pagedown", "move(10)", show=False, priority=True),
        Binding("pageup", "move(-10)", show=False, priority=True),
    ]

    def __init__(self, codes: list[Code], title: str = "Apply code", colors: dict[str, str] | None = None,
                 depth: dict[str, int] | None = None) -> None:
        super().__init__()
        self.codes = codes
        self.title_text = title
        self.code_palette = colors or {}
        self.depth = depth or {}

    def compose(self) -> ComposeResult:
        with Vertical(id="picker", classes="modal"):
            yield Label(self.title_text, classes="modal-title")
            yield Input(placeholder="name, ID or keyword (e.g. priority, inner.culture, protected time)",
                        id="picker-query")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self._fill("")

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
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        option = self.query_one(OptionList).highlighted_option
        self.dismiss(option.id if option else None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if listing.option_count:
            current = listing.highlighted or 0
            listing.highlighted = max(0, min(listing.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)
