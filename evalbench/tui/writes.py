"""The workbench's changes to the project file: a short wait, a clear word and a retry when another program writes.

Every change a key or a prompt makes (apply, remove, recode, valence, star,
memos, undo and redo, suggestions, theme edits, ratings, consensus decisions,
speaker roles, the coder) goes through :meth:`Writes.run` on the UI thread.
SQLite lets one writer at a time; the project's other connections wait up to
5 s for the lock, which on the screen's thread froze the workbench for 5 s
and then (for some keys) crashed it. Here the screen's connection waits at
most :attr:`Writes.WAIT` — enough for the workbench's own threads, which hold
the lock for at most ~50 ms (measured: retraining's model save 51 ms, the
suggestion thread's writes 0.1 ms median, 46 ms at most) — and a change that
still finds the file busy is kept, in order with any made after it, and
retried every :attr:`Writes.RETRY` seconds without waiting at all, so the
screen never stops. The coder is told once that changes are waiting and
again when they are saved; after :attr:`Writes.GIVE_UP` seconds of a busy
file the waiting changes are dropped and named, to be made again.

A change is a function that makes it (raising :class:`~evalbench.errors.UserError`
when it cannot be made, which is said as it is) and, optionally, what to do
with its result once it is saved (shown only if the screen that asked is
still there).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evalbench.errors import ProjectBusyError, UserError


@dataclass
class Change:
    """One change asked for: how to make it, what to do after, in words, and who asked."""

    make: Callable[[], Any]
    then: Callable[[Any], None] | None
    what: str
    owner: Any


class Writes:
    """Runs the workbench's changes against its project (see the module notes)."""

    WAIT = 0.25  #: seconds a change waits for another writer's lock before it is kept for later
    RETRY = 0.5  #: seconds between retries of kept changes (each retry does not wait at all)
    GIVE_UP = 60.0  #: seconds of a busy file after which kept changes are dropped, named

    def __init__(self, app) -> None:
        self.app = app
        self._kept: deque[Change] = deque()
        self._since: float | None = None
        self._timer = None
        self._saved_late = 0

    @property
    def project(self):
        return self.app.project

    def start(self) -> None:
        """Wait at most :attr:`WAIT` for another writer (the project's other connections keep their 5 s)."""
        self.project.store.set_busy_timeout(self.WAIT)

    @property
    def waiting(self) -> int:
        """How many changes are kept until the file is free."""
        return len(self._kept)

    def run(
        self,
        make: Callable[[], Any],
        then: Callable[[Any], None] | None = None,
        *,
        what: str = "your change",
        owner: Any = None,
    ) -> None:
        """Make a change now, or keep it for when the file is free; ``then(result)`` once it is made."""
        change = Change(make, then, what, owner if owner is not None else self.app.screen)
        if self._kept:  # changes are waiting: this one goes after them, in the order they were asked
            self._kept.append(change)
            return
        if not self._attempt(change):
            self._keep(change)

    def attempt_quietly(self, make: Callable[[], Any]) -> bool:
        """Make a change that is worth no message (the reading position): now, without waiting, or not at all."""
        if self._kept:
            return False
        self.project.store.set_busy_timeout(0)
        try:
            make()
        except UserError:
            return False
        finally:
            self.project.store.set_busy_timeout(self.WAIT)
        return True

    # --- making and keeping ------------------------------------------------------
    def _attempt(self, change: Change) -> bool:
        """Make the change; False when the file is busy (it is then not made at all)."""
        try:
            result = change.make()
        except ProjectBusyError:
            return False
        except UserError as exc:  # a reason a retry would not change: said, and the change is done with
            self.app.notify(str(exc), severity="error", timeout=8)
            return True
        if change.then is not None and change.owner.is_attached:
            change.then(result)
        return True

    def _keep(self, change: Change) -> None:
        self._kept.append(change)
        self._since = time.monotonic()
        self._saved_late = 0
        self.app.notify(
            f"{self.project.path.name} is busy: another program is writing to it. "
            f"{change.what[:1].upper()}{change.what[1:]} and what you do next are kept and saved as "
            "soon as it is free.",
            title="Waiting to save",
            severity="warning",
            timeout=8,
        )
        if self._timer is None:
            self._timer = self.app.set_interval(self.RETRY, self.retry)

    def retry(self) -> None:
        """Make the kept changes, oldest first, while the file is free; give up after :attr:`GIVE_UP`.

        A timer calls it every :attr:`RETRY` seconds while changes are kept.
        """
        if not self._kept:
            return
        self.project.store.set_busy_timeout(0)
        try:
            while self._kept:
                change = self._kept[0]
                if not self._attempt(change):
                    break
                self._kept.popleft()
                self._saved_late += 1
        finally:
            self.project.store.set_busy_timeout(self.WAIT)
        if not self._kept:
            self._stop()
            self.app.notify(
                f"Saved {self._saved_late} change(s) that waited for the other program.", title="Saved", timeout=5
            )
        elif self._since is not None and time.monotonic() - self._since >= self.GIVE_UP:
            lost = [c.what for c in self._kept]
            self._kept.clear()
            self._stop()
            self.app.notify(
                f"Not saved: {self.project.path.name} stayed busy for {self.GIVE_UP:.0f} s. "
                f"Make these again when the other program is done: {'; '.join(lost)}.",
                title="Not saved",
                severity="error",
                timeout=30,
            )

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._since = None
