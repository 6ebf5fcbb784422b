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
             "right_square_bracket": "]", "left_square_bracket": "[", "asterisk": "*"}
    return ", ".join(names.get(k, k) for k in binding.key.split(","))


def binding_table(title: str, bindings: list[Binding]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", show_header=False,
                  box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for b in bindings:
        table.add_row(_keys(b), b.description or b.action)
    for keys, what in NOTES.get(title, []):
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
            for title, bindings in self.sections:
                yield Static(binding_table(title, bindings))

    def action_close(self) -> None:
        self.dismiss(None)
