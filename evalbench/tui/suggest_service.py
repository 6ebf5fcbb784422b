"""Suggestions for the turn in view, from one long-lived background thread.

The suggestion engine caches its pipeline and model per ``Project`` object, and
a SQLite connection belongs to one thread — so a fresh Textual worker per turn
(new thread, new connection, cold cache) costs seconds per turn move. Instead
one daemon thread owns its own connection for the app's lifetime, takes turn
requests from a queue (only the newest pending request is served), and hands
results back on the UI thread with ``call_from_thread``. spaCy is loaded there,
never on the UI thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from evalbench.tui import heap

Callback = Callable[[int, list, bool, str | None], None]


class SuggestionService:
    """Serve ``suggest_turn`` off the UI thread; ``callback(turn_id, found, stale, error)``."""

    def __init__(self, app) -> None:
        self.app = app
        self._requests: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self.idle = threading.Event()
        self.idle.set()
        self._stopped = threading.Event()

    def request(self, turn_id: int, coder: str, callback: Callback) -> None:
        self.idle.clear()
        self._requests.put((turn_id, coder, callback))
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="evalbench-suggestions", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._requests.put(None)

    def _newest(self):
        item = self._requests.get()
        while item is not None:
            try:
                later = self._requests.get_nowait()
            except queue.Empty:
                break
            item = later
        return item

    def _run(self) -> None:
        from evalbench.project import Project

        project = None
        settled = False
        try:
            while True:
                item = self._newest()
                if item is None:
                    return
                turn_id, coder, callback = item
                if project is None or project.coder != coder:
                    if project is not None:
                        project.close()
                    project = Project.open(self.app.project.path, coder=coder)
                try:
                    found, stale, error = list(project.suggest_turn(turn_id, k=3)), \
                        bool(project.suggester_stale()), None
                except Exception as exc:  # the panel says why; coding goes on
                    found, stale, error = [], False, str(exc)
                if self._requests.empty():
                    self.idle.set()
                if self._stopped.is_set() or not getattr(self.app, "_running", False):
                    return  # the app is closing: nobody to show results to
                self.app.call_from_thread(callback, turn_id, found, stale, error)
                item = callback = None  # the callback's screen may close while this thread waits
                if not settled:  # spaCy and the model are loaded now and stay for the session
                    settled = True
                    self.app.call_from_thread(heap.settle)
        finally:
            if project is not None:
                project.close()
            self.idle.set()
