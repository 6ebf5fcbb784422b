"""The help screen (?): every key binding of the app and of each screen, as the keys in force.

Keys rebound in the user's config file show as rebound; each binding's id (what
the config file's ``[keymap]`` names) is listed beside it, dimmed.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from evalbench.tui import keys
from evalbench.tui.settings import config_path_shown

NOTES = {
    "Documents": [
        ("enter", "open the highlighted document"),
        (
            "i, then enter or space",
            "speaker roles: switch the highlighted speaker between interviewer "
            "and participant (i / p set it, u undoes)",
        ),
    ],
    "Analysis": [("enter", "on a cell: list its quotes; on a quote: open it in the coding view")],
    "Coding": [
        ("mouse drag, shift+arrows", "select text to code"),
        ("enter on a codebook code", "apply that code to the selection or turn"),
    ],
}


def _keys(binding: Binding) -> str:
    """A binding's own (default) keys as printed: ``d, delete``."""
    return ", ".join(keys.display(k) for k in binding.key.split(","))


def _rows(title: str, bindings: list[Binding], keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    rows = [(keys.shown(b, keymap), b.description or b.action, b.id or "") for b in bindings]
    return rows + [(k, what, "") for k, what in NOTES.get(title, [])]


def binding_table(
    title: str,
    bindings: list[Binding],
    key_width: int | None = None,
    keymap: dict[str, str] | None = None,
    ids: bool = True,
) -> Table:
    """One section's keys in force; ``key_width`` lines its columns up with the other sections'.

    ``ids``: a third column with each binding's id (what the config file's keymap names).
    """
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        show_header=False,
        box=None,
        padding=(0, 2) if ids else (0, 1),
    )
    table.add_column(style="bold cyan", min_width=key_width, max_width=key_width)
    table.add_column(ratio=3)
    if ids:
        table.add_column(style="dim", no_wrap=True, overflow="ellipsis", ratio=2)
    for shown, what, binding_id in _rows(title, bindings, keymap or {}):
        table.add_row(shown, what, *([binding_id] if ids else []))
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the bindings of every screen; Escape or ? closes it."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help.close")]

    def __init__(self, sections: list[tuple[str, list[Binding]]], keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal help", id="help"):
            ids = self.app.size.width >= 110  # in a narrow terminal the descriptions need the room
            head = Text("evalbench — keys  (Escape closes; ctrl+p finds any command)", style="bold")
            head.append(
                f"\nRebind keys by their id{' (right)' if ids else ' (shown when wider; see the guide)'}"
                f" in {config_path_shown()}, [keymap]" + (" — your keymap is in force" if self.keymap else ""),
                style="dim",
            )
            yield Static(head)
            width = min(
                16,
                max(
                    len(shown)
                    for title, bindings in self.sections
                    for shown, _what, _id in _rows(title, bindings, self.keymap)
                ),
            )
            for title, bindings in self.sections:
                yield Static(binding_table(title, bindings, width, self.keymap, ids))

    def action_close(self) -> None:
        self.dismiss(None)
