"""A long job (import, export, retraining) in a thread worker, with progress and Cancel.

The job is an ordinary function ``job(project, progress, cancel)`` — the same
shape the core's long operations take — run on its own connection
(``project.reopen()``) because SQLite connections belong to one thread. The
modal shows a progress bar and stays responsive: Escape or the Cancel button
sets the ``cancel`` event and the job stops at its next check. The screen
dismisses with ``TaskResult``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, ProgressBar

from evalbench.errors import UserError, one_line
from evalbench.store.errors import user_error

Job = Callable[[Any, Callable[[int, int, str], None], threading.Event], Any]


@dataclass
class TaskResult:
    """How a job ended: ``value`` when it finished, ``error`` for a user error, or cancelled."""

    value: Any = None
    error: str | None = None
    cancelled: bool = False


class TaskScreen(ModalScreen[TaskResult]):
    """Run ``job`` in a thread worker and show its progress until it ends."""

    BINDINGS = [Binding("escape", "cancel_job", "Cancel", id="task.cancel-job")]

    def __init__(self, title: str, job: Job, project) -> None:
        super().__init__()
        self.title_text = title
        self.job = job
        self.project = project
        self.cancel_event = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal task"):
            yield Label(self.title_text, classes="modal-title")
            yield ProgressBar(id="task-progress", show_eta=False)
            yield Label("Starting…", id="task-message")
            yield Button("Cancel", id="task-cancel", variant="error")

    def on_mount(self) -> None:
        self.run_job()

    @work(thread=True, exit_on_error=False, group="task")
    def run_job(self) -> None:
        result = TaskResult()
        try:
            with self.project.reopen() as project:
                result.value = self.job(project, self._progress, self.cancel_event)
        except UserError as exc:
            result.error = str(exc)
        except Exception as exc:  # a busy or damaged file says so in words; a bug is shown, not a crash
            said = user_error(exc)
            if said is not None:
                result.error = str(said)
            else:
                result.error = f"evalbench hit a bug ({type(exc).__name__}: {one_line(exc, 200)}); please report it"
        result.cancelled = self.cancel_event.is_set() and result.error is None
        self.app.call_from_thread(self.dismiss, result)

    def _progress(self, done: int, total: int, message: str = "") -> None:
        self.app.call_from_thread(self._show_progress, done, total, message)

    def _show_progress(self, done: int, total: int, message: str) -> None:
        self.query_one(ProgressBar).update(total=total or None, progress=done)
        self.query_one("#task-message", Label).update(message or f"{done} of {total}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_cancel_job()

    def action_cancel_job(self) -> None:
        self.cancel_event.set()
        self.query_one("#task-message", Label).update("Cancelling…")
