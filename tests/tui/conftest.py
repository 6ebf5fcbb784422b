"""Pilot helpers: the app on a real project file in tmp_path, at a fixed terminal size."""

from __future__ import annotations

import asyncio
import inspect
import threading

import pytest

from evalbench.model import Suggestion
from evalbench.project import Project
from evalbench.tui.app import EvalbenchApp
from evalbench.tui.launch import make_app

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _coder_from_the_project(_isolated_env, monkeypatch):
    """Workbench tests run as the coder the project remembers (alex), as a user with no
    $EVALBENCH_CODER would: when set, $EVALBENCH_CODER wins over the remembered coder."""
    monkeypatch.delenv("EVALBENCH_CODER", raising=False)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests in a fresh event loop (no asyncio plugin needed)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
        return True
    return None


class FakeSuggestions:
    """Stands in for the suggestion thread: the same three suggestions for every turn, at once."""

    def __init__(self, project) -> None:
        self.project = project
        self.idle = threading.Event()
        self.idle.set()

    def request(self, turn_id, coder, callback) -> None:
        turn = next(t for t in self.project.turns() if t.id == turn_id)
        found = [
            Suggestion(
                id=-i,
                document_id=turn.document_id,
                turn_id=turn_id,
                start=turn.start,
                end=turn.end,
                code_id=code,
                score=score,
                valence=valence,
                evidence=evidence,
                source="model",
                model="fake",
                model_version="1",
            )
            for i, (code, score, valence, evidence) in enumerate(
                [
                    ("inner.priority", 0.82, "barrier", ("competing priorities", "no time")),
                    ("inner.culture", 0.41, "facilitator", ("learning",)),
                    ("inner", 0.12, None, ()),
                ],
                1,
            )
        ]
        callback(turn_id, found, False, None)

    def call(self, job, coder, callback) -> None:
        callback(job(self.project), None)

    def stop(self) -> None:
        pass


@pytest.fixture
def app(project) -> EvalbenchApp:
    """The workbench on the shared two-interview project (coder alex); suggestions asked at once."""
    return make_app(project, suggest_delay=0)


def stored(project) -> Project:
    """The project as a second process would see it: a fresh connection to the same file."""
    return Project.open(project.path)


async def open_first_document(pilot) -> None:
    """From the documents screen, open the first document (p01.txt) in the coding view."""
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
