"""The workbench keeps the garbage collector off the keypress path without keeping garbage."""

from __future__ import annotations

import asyncio
import gc
import weakref

from evalbench.tui.screens.coding import CodingScreen
from evalbench.tui.widgets.transcript import Transcript

from .conftest import SIZE, open_first_document


async def test_the_heap_is_frozen_while_the_app_runs_and_handed_back_when_it_exits(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


async def test_a_closed_coding_view_is_settled_and_nothing_keeps_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        assert isinstance(app.screen, CodingScreen)
        transcript = weakref.ref(app.screen.query_one(Transcript))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CodingScreen)
        frozen = gc.get_freeze_count()
        await asyncio.sleep(1.3)  # the app settles its heap a second after a coding view closes
        await pilot.pause()
        assert gc.get_freeze_count() != frozen
        # Whatever is frozen is collected at the next settle: only strong references could keep
        # the view (Textual's theme watcher did, and the suggestion thread's last callback).
        gc.unfreeze()
        gc.collect()
        assert transcript() is None


def test_pauses_nest_across_threads_and_settling_still_collects():
    import threading

    from evalbench.tui import heap

    assert gc.isenabled()
    entered, leave = threading.Event(), threading.Event()

    def worker() -> None:
        with heap.paused():
            entered.set()
            leave.wait(10)

    thread = threading.Thread(target=worker)
    thread.start()
    entered.wait(10)
    with heap.paused():
        assert not gc.isenabled()
        ref = weakref.ref(_Box())  # a cycle only a collection frees
        heap.settle()  # the UI thread settles while a worker's pause is on
        assert ref() is None
    assert not gc.isenabled()  # the worker's pause still holds
    leave.set()
    thread.join(10)
    assert gc.isenabled()
    heap.release()


class _Box:
    def __init__(self) -> None:
        self.me = self
