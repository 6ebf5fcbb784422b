"""The import report after an import from the workbench: the same lines ``evalbench import`` prints.

One line per file (speakers with their roles and turns, turns, words), each
WARNING line under its file, failures and skipped files, and the summary —
built by :func:`evalbench.ingest.report.report_lines`, so the workbench and the
command line never disagree. Warnings are shown in the warning colour and
counted in the title, so they cannot be missed; Escape, Enter or q closes.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from evalbench.ingest.report import ReportLine

#: Rich style per kind of report line.
STYLES = {"file": "", "warning": "bold yellow", "failed": "bold red", "skipped": "dim", "summary": "bold"}


def report_text(lines: list[ReportLine]) -> Text:
    """The report lines as one styled text (a single widget stays quick for thousands of files)."""
    text = Text()
    for i, line in enumerate(lines):
        if line.kind == "summary" and i:
            text.append("\n")
        text.append(line.text, style=STYLES.get(line.kind, ""))
        if i < len(lines) - 1:
            text.append("\n")
    return text


class ImportReportScreen(ModalScreen[None]):
    """Shows an import's report until Escape, Enter or q."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="import-report.close")]

    def __init__(self, lines: list[ReportLine]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        warnings = sum(1 for line in self.lines if line.kind == "warning")
        failed = sum(1 for line in self.lines if line.kind == "failed")
        title = "Import report"
        if warnings or failed:
            title += " — " + ", ".join(
                part
                for part in (
                    f"{warnings} WARNING{'S' * (warnings != 1)}" if warnings else "",
                    f"{failed} failed" if failed else "",
                )
                if part
            )
        with VerticalScroll(classes="modal import-report", id="import-report"):
            yield Label(title, classes="modal-title", id="import-report-title")
            yield Static(report_text(self.lines), id="import-report-lines")
            yield Label("Escape, Enter or q closes", classes="modal-hint")

    def action_close(self) -> None:
        self.dismiss(None)
