""" "More like this": from a coding, the participant turns most like it, to code them in a row.

Opened from the coding view on the coding under the cursor. The list comes
from the app's suggestion thread (:class:`~evalbench.tui.suggest_service.SuggestionService`),
which keeps the similarity index and the model warm, so the screen never waits
on the UI thread. ``c`` codes the highlighted turn with the same code and
valence (``b`` ``f`` ``m`` ``n`` with another valence), ``x`` skips it, and the
cursor moves on to the next one not yet decided; every coding is one undoable
action (ctrl+z). Enter opens the turn in the coding view.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from evalbench.store.describe import first_words
from evalbench.team.report_files import clip
from evalbench.tui.messages import OpenDocument
from evalbench.tui.widgets.title_bar import TitleBar

#: Turns listed.
LIMIT = 30
DONE = {"coded": "✓ coded", "skipped": "– skipped"}


class SimilarScreen(Screen):
    """The turns most like one coding, coded or skipped one key at a time."""

    DEFAULT_CSS = """
    SimilarScreen #similar-bar { height: auto; padding: 0 1; }
    SimilarScreen #similar-list { height: 1fr; border: none; }
    SimilarScreen #similar-detail { height: auto; max-height: 12; padding: 0 1; border-top: solid $panel; }
    """

    BINDINGS = [
        Binding("c", "code", "Code it", id="similar.code"),
        Binding("b", "code('barrier')", "Code: barrier", show=False, id="similar.barrier"),
        Binding("f", "code('facilitator')", "Code: facilitator", show=False, id="similar.facilitator"),
        Binding("m", "code('mixed')", "Code: mixed", show=False, id="similar.mixed"),
        Binding("n", "code('neutral')", "Code: neutral", show=False, id="similar.neutral"),
        Binding("x", "skip", "Skip", id="similar.skip"),
        Binding("escape", "app.pop_screen", "Back", id="similar.back"),
    ]

    def __init__(self, coding_id: int) -> None:
        super().__init__()
        self.coding_id = coding_id
        self.items: list = []
        self.state: dict[int, str] = {}  #: turn id -> 'coded' / 'skipped'

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("Finding turns like this one…", id="similar-bar")
        yield OptionList(id="similar-list")
        yield Static("", id="similar-detail")
        yield Footer()

    def on_mount(self) -> None:
        project = self.app.project
        self.origin = project.coding(self.coding_id)
        self.title = "More like this"
        self.sub_title = project.coding_words(self.coding_id)
        coding_id = self.coding_id
        self.app.suggestions.call(lambda p: p.similar(coding_id, limit=LIMIT), project.coder, self._fill)
        self.query_one(OptionList).focus()

    def _fill(self, found, error: str | None) -> None:
        if not self.is_attached:
            return
        if error:
            self.query_one("#similar-bar", Static).update(f"Could not find similar turns: {error}")
            return
        self.items = list(found or [])
        listing = self.query_one(OptionList)
        listing.set_options([Option(self._prompt(s), id=str(i)) for i, s in enumerate(self.items)])
        if self.items:
            listing.highlighted = 0
        self._status()

    def _prompt(self, s) -> Text:
        done = self.state.get(s.turn_id)
        text = Text()
        text.append(f"{DONE[done]:<9} " if done else f"{s.score:4.2f}      ", style="green" if done else "cyan")
        where = f"{s.who} turn {s.seq}"
        text.append(where, style="bold")
        room = max(20, self.app.size.width - len(where) - 26)  # one line per turn, however narrow
        text.append(f"  {first_words(s.text, words=16, chars=room)}", style="dim" if done else "")
        return text

    def _status(self) -> None:
        coded = sum(1 for v in self.state.values() if v == "coded")
        head = (
            f"{len(self.items)} turn(s) like it"
            if self.items
            else "No uncoded participant turn shares its words or fits its code."
        )
        self.query_one("#similar-bar", Static).update(
            f"{head}, {coded} coded here · c code it ({self.origin.valence}) · b f m n with that valence · "
            "x skip · Enter open in coding view · ctrl+z undo"
        )
        self._detail()

    @property
    def current(self):
        index = self.query_one(OptionList).highlighted
        return self.items[index] if index is not None and 0 <= index < len(self.items) else None

    def _detail(self) -> None:
        s = self.current
        panel = self.query_one("#similar-detail", Static)
        if s is None:
            panel.update("")
            return
        text = Text(f"{s.who} · {s.document} turn {s.seq}", style="bold")
        text.append(f"  like the passage {s.similarity:.2f} · fits the code {s.fit:.2f}", style="dim")
        if s.shared:
            text.append("\nshared words: " + ", ".join(s.shared), style="cyan")
        text.append("\n“" + clip(s.text, 600) + "”")
        panel.update(text)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._detail()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        s = self.current
        if s is not None:
            self.post_message(OpenDocument(s.document_id, s.start))

    def action_code(self, valence: str | None = None) -> None:
        """Code the highlighted turn with the coding's code (one undoable action) and move on."""
        s = self.current
        if s is None or self.state.get(s.turn_id) == "coded":
            return
        self.app.writes.run(
            lambda: self.app.project.add_coding(
                s.document_id, s.start, s.end, self.origin.code_id, valence=valence or self.origin.valence
            ),
            lambda _new: self._mark(s, "coded"),
            what="coding a turn like this",
            owner=self,
        )

    def action_skip(self) -> None:
        s = self.current
        if s is not None:
            self._mark(s, "skipped")

    def _mark(self, s, state: str) -> None:
        self.state[s.turn_id] = state
        index = self.items.index(s)
        listing = self.query_one(OptionList)
        listing.replace_option_prompt_at_index(index, self._prompt(s))
        later = [i for i in range(index + 1, len(self.items)) if self.items[i].turn_id not in self.state]
        if later:
            listing.highlighted = later[0]
        self._status()

    def reload(self) -> None:
        """Called by the app after undo/redo: forget what was marked coded (the coding may be gone)."""
        project = self.app.project
        for s in self.items:
            if self.state.get(s.turn_id) != "coded":
                continue
            mine = project.codings(document_id=s.document_id, coder=project.coder, code_id=self.origin.code_id)
            if not any(c.start < s.end and c.end > s.start for c in mine):
                self.state.pop(s.turn_id)
        if self.items:
            listing = self.query_one(OptionList)
            for i, s in enumerate(self.items):
                listing.replace_option_prompt_at_index(i, self._prompt(s))
            self._status()
