"""Suggestions for the turn in view, "more like this", and retraining — all off the UI thread.

The suggestion service (``project.suggest``) keeps its pipeline, model and read
texts as state of the instance, and a Store belongs to one thread — so a fresh Textual
worker per turn (new thread, new connection, cold cache) costs seconds per turn
move. Instead one daemon thread owns its own connection for the app's
lifetime. It takes requests from a queue — suggestions for a turn (only the
newest pending one is served) and other calls on its project ("more like this",
which reuses the warm engine) — and hands results back on the UI thread with
``call_from_thread``. spaCy is loaded there, never on the UI thread.

Retraining happens by itself: after serving, when the queue is empty and the
coding has changed enough since the model was trained (:func:`changed_enough`),
a second daemon thread trains on its own connection while the first keeps
serving suggestions from the model it has. The engine picks up the new model
at its next request. A key press never waits for either thread, and nothing
says "model out of date": while a retrain runs the panel may say it is learning
from the latest coding, and that line goes when it ends.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Protocol

from evalbench.tui import heap

Callback = Callable[[int, list, bool, str | None], None]

#: Seconds the cursor rests on a turn before its suggestions are asked (j j j through ten turns ranks one).
SETTLE_SECONDS = 0.2

#: Changes to human codings and rejections since training that make a retrain worth it at once ...
RETRAIN_CHANGES = 5
#: ... or, with fewer changes, seconds the model may stay behind before it is retrained anyway.
RETRAIN_AFTER = 60.0


def changed_enough(project, since: float | None, now: float) -> bool:
    """Whether the model should be retrained: it is behind the coding, by enough or for long enough."""
    if not project.suggester_stale():
        return False
    changes = project.suggest.changes_since_training()
    if changes is None:  # a model from before these counts were kept
        return True
    return changes >= RETRAIN_CHANGES or (since is not None and now - since >= RETRAIN_AFTER)


class Suggestions(Protocol):
    """What the workbench asks of its suggestion thread (tests hand the app a stand-in with these)."""

    idle: threading.Event  #: set while no request is waiting or being served

    def request(self, turn_id: int, coder: str, callback: Callback) -> None:
        """Suggestions for one turn: ``callback(turn_id, found, retraining, error)`` on the UI thread."""

    def call(self, job: Callable, coder: str, callback: Callable[[object, str | None], None]) -> None:
        """Run ``job(project)`` off the UI thread; ``callback(result, error)`` on the UI thread."""

    def stop(self) -> None:
        """The app is closing: deliver nothing more."""


class SuggestionService:
    """Serve ``suggest_turn`` and calls on the project off the UI thread, and retrain when due."""

    def __init__(self, app) -> None:
        self.app = app
        self._requests: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._trainer: threading.Thread | None = None
        self._cancel_training = threading.Event()
        self.idle = threading.Event()
        self.idle.set()
        self.training = threading.Event()  #: set while a background retrain runs
        self._stopped = threading.Event()
        self._stale_since: float | None = None
        self.last_retrain: str | None = None  #: model version of the last background retrain
        self.auto_retrain = True
        self._last_turn: tuple | None = None  #: (turn id, coder, weak callback) asked last, re-served after a retrain

    def request(self, turn_id: int, coder: str, callback: Callback) -> None:
        """Suggestions for one turn: ``callback(turn_id, found, retraining, error)`` on the UI thread."""
        self._put(("turn", turn_id, coder, callback))

    def call(self, job: Callable, coder: str, callback: Callable[[object, str | None], None]) -> None:
        """Run ``job(project)`` on the service's project; ``callback(result, error)`` on the UI thread."""
        self._put(("call", job, coder, callback))

    def _put(self, item: tuple) -> None:
        self.idle.clear()
        self._requests.put(item)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="evalbench-suggestions", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._cancel_training.set()
        if self._thread is not None:
            self._requests.put(None)

    def _next(self, wait: float | None) -> list | None:
        """The pending requests to serve: every call, and the newest turn request; None to stop."""
        try:
            item = self._requests.get(timeout=wait)
        except queue.Empty:
            return []
        items = [item]
        while True:
            try:
                items.append(self._requests.get_nowait())
            except queue.Empty:
                break
        if any(i is None for i in items):
            return None
        turns = [i for i in items if i[0] == "turn"]
        return [i for i in items if i[0] == "call"] + turns[-1:]

    def _run(self) -> None:
        from evalbench.project import Project

        project = None
        settled = False
        try:
            while True:
                # While the model is behind, wake up now and then to see whether it is time to retrain.
                items = self._next(5.0 if self._stale_since is not None else None)
                if items is None:
                    return
                for item in items:
                    kind, payload, coder, callback = item
                    if project is None or project.coder != coder:
                        if project is not None:
                            project.close()
                        project = Project.open(self.app.project.path, coder=coder)
                    with heap.paused():  # the workbench's GC policy for its workers' bursts (heap.py)
                        args = (self._serve_turn if kind == "turn" else self._serve_call)(project, payload, callback)
                    self._deliver(callback, *args)
                    item = callback = args = None  # the callback's screen may close while this thread waits
                if project is not None and not self._stopped.is_set():
                    self._maybe_retrain(project)
                if self._requests.empty():
                    self.idle.set()
                if self._stopped.is_set():
                    return  # the app is closing: nobody to show results to
                if items and not settled:  # spaCy and the model are loaded now and stay for the session
                    settled = True
                    self._deliver(heap.settle)
        finally:
            if project is not None:
                project.close()
            self.idle.set()

    def _serve_turn(self, project, turn_id: int, callback: Callback) -> tuple:
        """The callback's arguments for one turn's suggestions."""
        self._last_turn = (turn_id, project.coder, _weak(callback))
        try:
            found, error = list(project.suggest_turn(turn_id, k=3)), None
        except Exception as exc:  # the panel says why; coding goes on
            found, error = [], str(exc)
        return turn_id, found, self.training.is_set(), error

    def _serve_call(self, project, job: Callable, callback) -> tuple:
        """The callback's arguments for one call on the project."""
        try:
            result, error = job(project), None
        except Exception as exc:  # the screen says why
            result, error = None, str(exc)
        return result, error

    def _deliver(self, callback, *args) -> None:
        """Run ``callback(*args)`` on the UI thread, unless the app has stopped the service (it is closing)."""
        if self._stopped.is_set():
            return
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:  # the app is not running (any more)
            self._stopped.set()

    # --- retraining ---------------------------------------------------------------
    def _maybe_retrain(self, project) -> None:
        if not self.auto_retrain or self.training.is_set():
            return
        try:
            now = time.monotonic()
            if not project.suggester_stale():
                self._stale_since = None
                return
            if self._stale_since is None:
                self._stale_since = now
            if changed_enough(project, self._stale_since, now):
                self._start_training()
        except Exception:  # a locked or damaged file: try again at the next request
            return

    def _start_training(self) -> None:
        self.training.set()
        self._stale_since = None
        self._trainer = threading.Thread(target=self._train, name="evalbench-retrain", daemon=True)
        self._trainer.start()

    def _train(self) -> None:
        from evalbench.project import Project

        try:
            with Project.open(self.app.project.path) as project:
                report = project.train_suggester(cancel=self._cancel_training)
                if not report.cancelled:
                    self.last_retrain = report.model_version
        except Exception:  # nothing to tell the coder: the old model keeps serving
            pass
        finally:
            self.training.clear()
            last, self._last_turn = self._last_turn, None
            callback = last[2]() if last else None
            if not self._stopped.is_set():
                if callback is not None:  # show the turn in view again, from the new model
                    self._put(("turn", last[0], last[1], callback))
                else:
                    self._put(("call", lambda project: None, self.app.project.coder, lambda *_: None))


def _weak(callback):
    """A weak reference to a screen's bound method (so that this thread never keeps a closed screen alive)."""
    import weakref

    try:
        return weakref.WeakMethod(callback)
    except TypeError:  # a plain function: nothing to keep alive
        return lambda: callback
