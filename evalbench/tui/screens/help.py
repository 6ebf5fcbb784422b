"""The help screen (?): every key binding of the app and of each screen."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

NOTES = {
    "Documents": [("enter", "open the highlighted document"),
                  ("i, then enter or space", "speaker roles: switch the highlighted speaker between interviewer "
                                             "and participant (i / p set it, u undoes)")],
    "Analysis": [("enter", "on a cell: list its quotes; on a quote: open it in the coding view")],
    "Coding": [("mouse drag, shift+arrows", "select text to code"),
               ("enter on a codebook code", "apply that code to the selection or turn")],
}


def _keys(binding: Binding) -> str:
    names = {"right_parenthesis": ")", "left_parenthesis": "(", "exclamation_mark": "!",
             "at": "@", "number_sign": "#", "question_mark": "?", "slash": "/",
             "right_square_bracket": "]", "left_square_bracket": "[", "asterisk": "*",
             "full_stop": "."}
    return ", ".join(names.get(k, k) for k in binding.key.split(","))


def _rows(title: str, bindings: list[Binding]) -> list[tuple[str, str]]:
    return [(_keys(b), b.description or b.action) for b in bindings] + NOTES.get(title, [])


def binding_table(title: str, bindings: list[Binding], key_width: int | None = None) -> Table:
    """One section's keys; ``key_width`` lines its columns up with the other sections'."""
    table = Table(title=title, title_justify="left", title_style="bold", show_header=False,
                  box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True, min_width=key_width, max_width=key_width)
    table.add_column()
    for keys, what in _rows(title, bindings):
        table.add_row(keys, what)
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the bindings of every screen; Escape or ? closes it."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal help", id="help"):
            yield Static(Text("evalbench — keys  (Escape closes; ctrl+p finds any command)", style="bold"))
            width = min(24, max(len(keys) for title, bindings in self.sections
                                for keys, _what in _rows(title, bindings)))
            for title, bindings in self.sections:
                yield Static(binding_table(title, bindings, width))

    def action_close(self) -> None:
        self.dismiss(None)
