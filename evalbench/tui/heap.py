"""Keep the cyclic garbage collector's full passes off the keypress path.

A coding session holds a large, long-lived heap: Textual's widget tree, the
project's codes and layout, and once suggestions start spaCy's vocabulary and
the trained model. Python's collector rescans all of it on every oldest-generation
pass, which landed inside first paints and key presses (measured: a 116 ms pass
during one first paint; median first paint 485 ms → 247 ms CPU with the heap
frozen). :func:`settle` collects once, at a quiet moment, then moves what
survives out of the collector's view (``gc.freeze``); :func:`release` hands it
back when the app exits, so nothing frozen outlives the app.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect garbage now, then freeze the survivors: they are long-lived."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def release() -> None:
    """Return frozen objects to the collector (the app is closing)."""
    gc.unfreeze()
