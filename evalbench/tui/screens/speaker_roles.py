"""Correct who is the interviewer: the speakers of one document with their roles, switchable by key.

Role detection (see ``evalbench.ingest.roles``) can get a speaker wrong — two
people who ask as many questions as each other, a participant who appears in
two interviews. A role set here is stored with ``role_source`` 'user'
(``Project.set_speaker_role``), survives later imports, and is one undoable
action. Participant turns are what suggestions, matrices and agreement look
at, so the documents table's percentages change with it.
"""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from evalbench.ingest.roles import describe_role_source

ROLE_STYLE = {"interviewer": "dim", "participant": "bold"}


class SpeakerRolesScreen(ModalScreen[None]):
    """The speakers of one document; Enter switches the highlighted one's role."""

    BINDINGS = [
        Binding("enter,space", "switch", "Switch role", id="speakers.switch"),
        Binding("i", "set_role('interviewer')", "Interviewer", id="speakers.interviewer"),
        Binding("p", "set_role('participant')", "Participant", id="speakers.participant"),
        Binding("u,ctrl+z", "app.undo", "Undo", id="speakers.undo"),  # a modal hides the app's own keys
        Binding("U,ctrl+y", "app.redo", "Redo", id="speakers.redo"),
        Binding("escape", "close", "Close", id="speakers.close"),
    ]
    DEFAULT_CSS = """
    SpeakerRolesScreen #speaker-list { height: auto; max-height: 16; border: none; }
    """

    def __init__(self, document_id: int) -> None:
        super().__init__()
        self.document_id = document_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal speakers"):
            yield Label("", id="speakers-title", classes="modal-title")
            yield OptionList(id="speaker-list")
            yield Label(
                "enter switches interviewer ↔ participant · i / p set it · u undoes · escape closes",
                classes="modal-hint",
            )

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    def reload(self) -> None:
        """List the speakers (called again after a change and after undo)."""
        project = self.app.project
        doc = project.document(self.document_id, with_text=False)
        self.speakers = project.speakers(self.document_id)
        turns = Counter(t.speaker for t in project.turns(self.document_id))
        self.query_one("#speakers-title", Label).update(
            f"Speakers of {doc.name}" + (f" ({doc.participant})" if doc.participant else "")
        )
        listing = self.query_one(OptionList)
        keep = listing.highlighted
        width = max([len(s.label or "(no name)") for s in self.speakers] + [8])
        options = []
        for s in self.speakers:
            text = Text(f"{(s.label or '(no name)'):<{width}}  ", style="bold")
            text.append(f"{s.role:<11}", style=ROLE_STYLE.get(s.role, ""))
            n = turns.get(s.label, 0)
            text.append(f"  {n} turn{'s' if n != 1 else ''} · {describe_role_source(s.role_source)}", style="dim")
            options.append(Option(text, id=str(s.id)))
        listing.set_options(options or [Option("This document has no speaker turns.", disabled=True)])
        if options:
            listing.highlighted = min(keep or 0, len(options) - 1)

    def _highlighted(self):
        index = self.query_one(OptionList).highlighted
        return self.speakers[index] if index is not None and index < len(self.speakers) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_switch()

    def action_switch(self) -> None:
        speaker = self._highlighted()
        if speaker is not None:
            self.action_set_role("participant" if speaker.role == "interviewer" else "interviewer")

    def action_set_role(self, role: str) -> None:
        speaker = self._highlighted()
        if speaker is None:
            return
        name = speaker.label or "the unnamed speaker"

        def done(_result) -> None:
            self.notify(f"{name[:1].upper()}{name[1:]} is now {role} (u undoes)")
            self.reload()

        self.app.writes.run(
            lambda: self.app.project.set_speaker_role(speaker.id, role), done, what=f"{name} as {role}", owner=self
        )

    def action_close(self) -> None:
        self.dismiss(None)
