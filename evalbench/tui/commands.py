"""Everything the command palette (ctrl+p) offers: every action, jumps to documents and codes,
the ratings view and each document's speaker roles."""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import SystemCommand

from evalbench.codebook.labels import code_labels
from evalbench.tui.messages import BrowseCode, OpenDocument

ACTIONS = (
    ("Documents", "List every transcript (F2)", "documents"),
    ("Code browser", "Every excerpt of a code, across documents (F3)", "browse_codes"),
    ("Analysis", "Code × participant/role/site matrix, exports (F4)", "analysis"),
    ("Themes", "The findings: categories, themes, their counts and quotes (F5)", "themes"),
    ("Import transcripts…", "Add interview files or a folder to the project", "import_files"),
    ("Export…", "Write the findings and the coding to a file: {formats}", "export"),
    ("Switch coder…", "Code as someone else (remembered for this project)", "switch_coder"),
    ("Retrain suggestions", "Learn from the codings so far (runs in the background)", "retrain"),
    ("Agreement", "Compare two coders' codings", "agreement"),
    ("Consensus", "Resolve disagreements between coders", "consensus"),
    ("Undo", "Undo your last change (ctrl+z)", "undo"),
    ("Redo", "Redo your last undone change (ctrl+y)", "redo"),
    ("Help", "Every key binding, as your keymap sets them (?)", "help"),
)


def palette_commands(app) -> Iterator[SystemCommand]:
    """The evalbench commands; documents and codes appear when you type."""
    from evalbench.export import registry

    formats = " ".join(registry.suffixes())  # the export registry is the one list of formats
    for title, help_text, action in ACTIONS:
        yield SystemCommand(title, help_text.format(formats=formats), lambda a=action: app.run_action(a))
    yield SystemCommand(
        "Construct ratings",
        "Confirm or set CFIR ratings per participant or site (F4, then v)",
        lambda: show_ratings(app),
    )
    project = app.project
    for doc in project.documents():
        who = f" — {doc.participant}" if doc.participant else ""
        yield SystemCommand(
            f"Open {doc.name}{who}",
            "Jump to this document",
            lambda d=doc.id: app.post_message(OpenDocument(d)),
            discover=False,
        )
        yield SystemCommand(
            f"Speaker roles of {doc.name}{who}",
            "Correct who is the interviewer",
            lambda d=doc.id: show_speakers(app, d),
            discover=False,
        )
    codes = project.codes()
    labels = code_labels(codes)
    for code in codes:
        yield SystemCommand(
            f"Code {labels.get(code.id, code.name)}",
            "Browse this code's excerpts",
            lambda c=code.id: app.post_message(BrowseCode(c)),
            discover=False,
        )


async def show_ratings(app) -> None:
    """The analysis screen in its ratings view."""
    await app.switch_mode("analysis")
    if getattr(app.screen, "view", "ratings") != "ratings":
        app.screen.action_view()


def show_speakers(app, document_id: int) -> None:
    from evalbench.tui.screens.speaker_roles import SpeakerRolesScreen

    app.push_screen(SpeakerRolesScreen(document_id))
