"""The workbench's garbage-collection policy: full passes kept off the key path, and out of workers' bursts.

A coding session holds a large, long-lived heap: Textual's widget tree, the
project's codes and layout, and once suggestions start spaCy's vocabulary and
the trained model. Python's collector rescans all of it on every oldest-generation
pass, which landed inside first paints and key presses (measured: a 116 ms pass
during one first paint; median first paint 485 ms → 247 ms CPU with the heap
frozen). :func:`settle` collects once, at a quiet moment, then moves what
survives out of the collector's view (``gc.freeze``); :func:`release` hands it
back when the app exits, so nothing frozen outlives the app.

The suggestion thread runs each job (a turn's suggestions, "more like this")
inside :func:`paused`: ranking allocates many short-lived objects but no
reference cycles, so collector passes during it find nothing (they cost ~15 %
of ranking 20,000 turns when the engine measured it). The policy is the
workbench's, decided here for its own process; the core does not switch the
collector for the process it runs in (the command line decides for its own).

Both run on one process-wide collector, so they are kept consistent: pauses
nest across threads (the collector comes back when the last pause ends, and
only if it was on when the first began), and :func:`settle` still collects
while a pause is on (an explicit collection runs whatever the pause).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_enabled = False


def settle() -> None:
    """Collect garbage now, then freeze the survivors: they are long-lived."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def release() -> None:
    """Return frozen objects to the collector (the app is closing)."""
    gc.unfreeze()


@contextmanager
def paused() -> Iterator[None]:
    """Switch automatic collection off while a worker's burst of allocation runs (any thread, nested)."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
