"""Everything the command palette (ctrl+p) offers: every action, and jumps to documents and codes."""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import SystemCommand

from evalbench.tui.messages import BrowseCode, OpenDocument

ACTIONS = (
    ("Documents", "List every transcript (F2)", "documents"),
    ("Code browser", "Every excerpt of a code, across documents (F3)", "browse_codes"),
    ("Analysis", "Code × participant/role/site matrix, exports (F4)", "analysis"),
    ("Import transcripts…", "Add interview files or a folder to the project", "import_files"),
    ("Export…", "Write the coding to Word, xlsx, csv, Markdown or REFI-QDA", "export"),
    ("Switch coder…", "Code as someone else (remembered for this project)", "switch_coder"),
    ("Retrain suggestions", "Learn from the codings so far (runs in the background)", "retrain"),
    ("Agreement", "Compare two coders' codings", "agreement"),
    ("Consensus", "Resolve disagreements between coders", "consensus"),
    ("Undo", "Undo your last change (ctrl+z)", "undo"),
    ("Redo", "Redo your last undone change (ctrl+y)", "redo"),
    ("Help", "Every key binding (?)", "help"),
)


def palette_commands(app) -> Iterator[SystemCommand]:
    """The evalbench commands; documents and codes appear when you type."""
    for title, help_text, action in ACTIONS:
        yield SystemCommand(title, help_text, lambda a=action: app.run_action(a))
    project = app.project
    for doc in project.documents():
        who = f" — {doc.participant}" if doc.participant else ""
        yield SystemCommand(f"Open {doc.name}{who}", "Jump to this document",
                            lambda d=doc.id: app.post_message(OpenDocument(d)), discover=False)
    for code in project.codes():
        yield SystemCommand(f"Code {code.name} ({code.id})", "Browse this code's excerpts",
                            lambda c=code.id: app.post_message(BrowseCode(c)), discover=False)
