"""Consensus: walk the disagreements between coders and resolve each one.

Each disagreement (a unit and a code some coders applied and others did not)
is resolved with one key into the ``consensus`` coder's coding: ``a`` keeps
coder A's coding, ``b`` coder B's, ``c`` both, ``n`` neither. The decision is
stored by :meth:`Project.resolve_disagreement` (one undoable action; ctrl+z
takes it back) and the cursor moves on to the next unresolved one. Enter opens
the unit in the coding view to read around it; ``g`` gives the consensus coder
every turn and code the coders agreed on, so the consensus coding is complete.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from evalbench.codebook.labels import code_labels
from evalbench.team.report_files import clip
from evalbench.tui.messages import OpenDocument
from evalbench.tui.widgets.title_bar import TitleBar

DECISION_WORDS = {"keep_a": "kept A", "keep_b": "kept B", "both": "kept both", "neither": "kept neither"}


class ConsensusScreen(Screen):
    """The disagreements of two coders (optionally on one code), resolved one key at a time."""

    DEFAULT_CSS = """
    ConsensusScreen #consensus-bar { height: auto; padding: 0 1; }
    ConsensusScreen #consensus-list { height: 1fr; border: none; }
    ConsensusScreen #consensus-detail { height: auto; max-height: 14; padding: 0 1; border-top: solid $panel; }
    """

    BINDINGS = [
        Binding("a", "decide('keep_a')", "Keep A", id="consensus.keep-a"),
        Binding("b", "decide('keep_b')", "Keep B", id="consensus.keep-b"),
        Binding("c", "decide('both')", "Both", id="consensus.both"),
        Binding("n", "decide('neither')", "Neither", id="consensus.neither"),
        Binding("g", "adopt_agreed", "Copy agreed", id="consensus.adopt-agreed"),
        Binding("escape", "app.pop_screen", "Back", id="consensus.back"),
    ]

    def __init__(
        self,
        coders: list[str] | None = None,
        *,
        code: str | None = None,
        unit: str = "turn",
        include_interviewer: bool = False,
    ) -> None:
        super().__init__()
        self.labels: dict[str, str] = {}
        self.whose: dict[int, str] = {}
        self.coders = list(coders) if coders else None
        self.code = code
        self.unit = unit
        self.include_interviewer = include_interviewer
        self.items: list = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("Loading disagreements…", id="consensus-bar")
        yield OptionList(id="consensus-list")
        yield Static("", id="consensus-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Consensus"
        if self.coders is None:
            self.coders = self.app.project.team_coders()[:2]
        if len(self.coders) < 2:
            self.query_one("#consensus-bar", Static).update("Consensus needs codings by at least two coders.")
            return
        self.labels = code_labels(self.app.project.codes())
        self.whose = {d.id: d.participant for d in self.app.project.documents() if d.participant}
        self.sub_title = f"A = {self.coders[0]}, B = {self.coders[1]}" + (
            f" · {self.labels.get(self.code, self.code)}" if self.code else ""
        )
        self._load(list(self.coders), self.code, self.unit, self.include_interviewer)
        self.query_one(OptionList).focus()

    @work(thread=True, exclusive=True, group="consensus", exit_on_error=False)
    def _load(self, coders, code, unit, include_interviewer) -> None:
        from evalbench.errors import UserError

        try:
            with self.app.project.reopen() as project:
                items = project.disagreements(coders, code=code, unit=unit, include_interviewer=include_interviewer)
        except UserError as exc:
            self.app.call_from_thread(self.query_one("#consensus-bar", Static).update, str(exc))
            return
        self.app.call_from_thread(self._fill, items)

    def _fill(self, items: list) -> None:
        self.items = items
        listing = self.query_one(OptionList)
        listing.set_options([Option(self._prompt(d), id=str(i)) for i, d in enumerate(items)])
        first = next((i for i, d in enumerate(items) if not d.decision), 0)
        if items:
            listing.highlighted = first
        self._status()

    def _prompt(self, d) -> Text:
        text = Text()
        text.append("✓ " if d.decision else "• ", style="green" if d.decision else "yellow")
        text.append(self._where(d), style="bold")
        text.append(f"  {self.labels.get(d.code, d.code)}", style="cyan")
        text.append(f"  applied by {', '.join(d.applied_by)}", style="dim")
        if d.decision:
            text.append(f"  {DECISION_WORDS[d.decision]}", style="green")
        return text

    def _status(self) -> None:
        done = sum(1 for d in self.items if d.decision)
        a, b = self.coders[0], self.coders[1]
        self.query_one("#consensus-bar", Static).update(
            f"{len(self.items)} disagreement(s), {done} resolved · a keep {a} · b keep {b} · c both · "
            "n neither · g copy agreed codings · Enter open in coding view · ctrl+z undo"
        )
        self._detail()

    @property
    def current(self):
        index = self.query_one(OptionList).highlighted
        return self.items[index] if index is not None and 0 <= index < len(self.items) else None

    def _detail(self) -> None:
        d = self.current
        panel = self.query_one("#consensus-detail", Static)
        if d is None:
            panel.update("No disagreements to resolve." if not self.items else "")
            return
        text = Text(f"{self._where(d)} · {self.labels.get(d.code, d.code)}\n", style="bold")
        text.append(f"A {d.coders[0]}: {'applied' if d.coders[0] in d.applied_by else 'not applied'} · ")
        text.append(f"B {d.coders[1]}: {'applied' if d.coders[1] in d.applied_by else 'not applied'}")
        if d.decision:
            text.append(f" · decided: {DECISION_WORDS[d.decision]}", style="green")
        text.append("\n“" + clip(d.text, 700) + "”")
        panel.update(text)

    def _where(self, d) -> str:
        """'P03 · nfg_03_cmo.docx turn 12': who and where, in words (no character positions)."""
        who = self.whose.get(d.document_id)
        return f"{who} · {d.document} turn {d.turn}" if who else f"{d.document} turn {d.turn}"

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._detail()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        d = self.current
        if d is not None:
            self.post_message(OpenDocument(d.document_id, d.start))

    def action_decide(self, decision: str) -> None:
        d = self.current
        if d is None:
            return
        self.app.writes.run(
            lambda: self.app.project.resolve_disagreement(d, decision),
            lambda _result: self._decided(d, decision),
            what=f"the decision ({decision})",
            owner=self,
        )

    def _decided(self, d, decision: str) -> None:
        """Show a decision that was saved, and move to the next undecided disagreement."""
        if d not in self.items:  # saved after the list was read again: it shows the decision already
            return
        index = self.items.index(d)
        self.items[index] = replace(d, decision=decision)
        listing = self.query_one(OptionList)
        listing.replace_option_prompt_at_index(index, self._prompt(self.items[index]))
        later = [i for i in range(index + 1, len(self.items)) if not self.items[i].decision]
        if later:
            listing.highlighted = later[0]
        self._status()

    def action_adopt_agreed(self) -> None:
        """Give the consensus coder every turn and code both coders applied (one undoable action)."""

        def done(added: int) -> None:
            self.app.notify(
                f"Copied {added} agreed coding(s) to the consensus coder"
                if added
                else "The consensus coder already has every agreed coding"
            )

        self.app.writes.run(
            lambda: self.app.project.adopt_agreed(self.coders, include_interviewer=self.include_interviewer),
            done,
            what="adopting the agreed codings",
            owner=self,
        )

    def reload(self) -> None:
        """Called by the app after undo/redo: re-read the decisions."""
        if self.coders and len(self.coders) >= 2:
            self._load(list(self.coders), self.code, self.unit, self.include_interviewer)
