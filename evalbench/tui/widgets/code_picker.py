"""The fuzzy code picker: type part of a name, ID or keyword, Enter applies the code.

It opens inside the coding view's side column, over the panels, rather than as
a modal screen, and it never takes the keyboard focus: the coding view hands it
the keys while it is open. So the passage being coded stays in sight and keeps
its cursor, and closing the picker repaints one column. (A modal's dismissal
restyled and redrew every widget, and each focus change restyled the widgets
around it: 60–73 ms CPU per applied code on a 20,000-word transcript.)
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from evalbench.model import Code
from evalbench.tui.code_search import Entry, entries, matched_keyword, search

PLACEHOLDER = "type a code's name (or a keyword)"
MOVES = {"down": 1, "up": -1, "pagedown": 10, "pageup": -10}
RECENT = "recent:"  # option IDs of the recent-codes rows, which repeat codes listed below them


class CodePicker(Vertical):
    """Pick one code; posts :class:`CodePicker.Picked` with its ID, or None when cancelled."""

    can_focus = False

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
        self.labels: dict[str, str] = {}
        self.recent: list[Code] = []
        self.query = ""
        self._entries: list[Entry] = []
        self._entry_by_id: dict[str, Entry] = {}
        self._entries_of: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Label("Apply code", id="picker-title", classes="modal-title")
        yield Static(id="picker-query")
        listing = OptionList(id="picker-list")
        listing.can_focus = False  # clicks still choose; keys come through take_key
        yield listing
        yield Label("enter apply · ↑↓ move · esc cancel", classes="modal-hint")

    def open(
        self,
        title: str,
        codes: list[Code],
        colors: dict[str, str],
        depth: dict[str, int],
        recent: list[str] = (),
        labels: dict[str, str] | None = None,
    ) -> None:
        """Show the picker with an empty query: the ``recent`` codes first, then every code.

        ``labels`` are the codes' distinguishing labels (``Engaging › Innovation Deliverers``).
        """
        self.codes, self.code_palette, self.depth = codes, colors, depth
        if self._entries_of != (id(codes), len(codes)) or labels is not None and labels is not self.labels:
            self.labels = labels if labels is not None else {}
            self._entries = entries(codes, labels)
            self._entry_by_id = {e.code.id: e for e in self._entries}
            self._entries_of = (id(codes), len(codes))
        by_id = {code.id: code for code in codes}
        self.recent = [by_id[r] for r in recent if r in by_id]
        self.query_one("#picker-title", Label).update(title)
        self._set_query("")
        self.display = True

    @property
    def is_open(self) -> bool:
        return bool(self.display)

    def take_key(self, key: str, character: str | None) -> None:
        """Act on one key press while open: edit the query, move, apply or cancel."""
        if key == "escape":
            self._close(None)
        elif key == "enter":
            option = self.query_one(OptionList).highlighted_option
            if option is None or option.disabled:  # nothing matches: keep the query to correct it
                self.app.bell()
                return
            self._close(option.id)
        elif key in MOVES:
            self._move(MOVES[key])
        elif key in ("backspace", "ctrl+h"):
            self._set_query(self.query[:-1])
        elif key in ("ctrl+u", "ctrl+w"):
            self._set_query("")
        elif character is not None and character.isprintable():
            self._set_query(self.query + character)

    def paste(self, text: str) -> None:
        self._set_query(self.query + " ".join(text.split()))

    def _set_query(self, query: str) -> None:
        self.query = query
        shown = Text("› ", style="bold")
        shown.append(query or PLACEHOLDER, style="" if query else "dim")
        if query:
            shown.append("▏", style="bold")
        self.query_one("#picker-query", Static).update(shown)
        self._fill(query)

    def _fill(self, query: str) -> None:
        options: list[Option | None] = []
        if not query and self.recent:  # the codes you just used, ready at the top
            options += [self._option(code, "", RECENT + code.id, "recent") for code in self.recent]
            options.append(None)  # a separator line
        found = search(query, self._entries)
        options += [self._option(code, query, code.id) for code in found]
        if query and not found:
            options.append(
                Option(Text("No code matches — backspace to change the search", style="dim italic"), disabled=True)
            )
        listing = self.query_one(OptionList)
        listing.set_options(options)
        if options:
            listing.highlighted = 0

    def _option(self, code: Code, query: str, option_id: str, note: str = "") -> Option:
        """One code: its swatch and name; found by a search, also what tells it apart and why it matched."""
        indent = self.depth.get(code.id, 0) if not query and not note else 0
        text = Text("  " * indent, no_wrap=True, overflow="ellipsis")
        text.append("■ ", style=self.code_palette.get(code.id, "white"))
        label = self.labels.get(code.id, code.name)
        if indent == 0 and label != code.name and label.endswith(code.name):  # same-named codes: say whose
            text.append(label[: -len(code.name)], style="dim")
        text.append(code.name, style="bold")
        entry = self._entry_by_id.get(code.id) if query else None
        keyword = matched_keyword(query, entry) if entry is not None else None
        if keyword or note:
            text.append(f"  {note or 'keyword: ' + keyword}", style="italic cyan")
        return Option(text, id=option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._close(event.option.id)

    def _move(self, step: int) -> None:
        listing = self.query_one(OptionList)
        if listing.option_count:
            current = listing.highlighted or 0
            listing.highlighted = max(0, min(listing.option_count - 1, current + step))

    def _close(self, option_id: str | None) -> None:
        self.display = False
        self.post_message(self.Picked(option_id.removeprefix(RECENT) if option_id else None))
