"""SVG snapshots of the main screens at a fixed size (update with --snapshot-update)."""

from __future__ import annotations

import pytest

from evalbench.tui.app import EvalbenchApp

from .conftest import SIZE, FakeSuggestions


@pytest.fixture
def coded_app(project) -> EvalbenchApp:
    """Two participants with codings of two coders, so every screen has something to show."""
    project.set_participant(1, "P01", {"role": "physician", "site": "North"})
    project.set_participant(2, "P02", {"role": "nurse", "site": "South"})
    t1, t2 = project.turns(1), project.turns(2)
    project.add_coding(1, t1[1].start, t1[1].start + 31, "inner.priority", valence="barrier")
    project.add_coding(1, t1[1].start + 10, t1[1].end, "inner.culture", valence="mixed")
    project.add_coding(1, t1[3].start, t1[3].end, "inner.culture", valence="facilitator", coder="sam")
    project.add_coding(2, t2[1].start, t2[1].end, "inner.culture", valence="facilitator")
    app = EvalbenchApp(project)
    app.suggestions = FakeSuggestions(project)
    app.suggest_delay = 0
    return app


def test_documents_screen(snap_compare, coded_app):
    assert snap_compare(coded_app, terminal_size=SIZE)


def test_coding_screen(snap_compare, coded_app):
    assert snap_compare(coded_app, press=["enter", "j", "v"], terminal_size=SIZE)


def test_code_picker(snap_compare, coded_app):
    assert snap_compare(coded_app, press=["enter", "j", "c", *"cult"], terminal_size=SIZE)


def test_analysis_screen(snap_compare, coded_app):
    async def wait(pilot):
        await pilot.press("f4")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(coded_app, run_before=wait, terminal_size=SIZE)


def test_help_screen(snap_compare, coded_app):
    assert snap_compare(coded_app, press=["question_mark"], terminal_size=SIZE)
