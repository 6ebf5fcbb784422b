"""SVG snapshots of the main screens at 80×24 and 140×45 (update with --snapshot-update).

Textual is pinned (8.2.8) so these change only when evalbench's layout does.
The coding view is shown with its coding-stripes margin and another coder's
codings, the picker mid-search, the analysis matrix once its worker is done.
"""

from __future__ import annotations

import pytest

from evalbench.tui.app import EvalbenchApp
from evalbench.tui.launch import make_app
from evalbench.tui.settings import Settings

from .conftest import FakeSuggestions

SIZES = pytest.mark.parametrize("size", [(80, 24), (140, 45)], ids=["80x24", "140x45"])


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
    return make_app(project, settings=Settings(margin=True), suggestions=FakeSuggestions(project), suggest_delay=0)


@SIZES
def test_documents_screen(snap_compare, coded_app, size):
    assert snap_compare(coded_app, terminal_size=size)


@SIZES
def test_coding_screen_with_margin(snap_compare, coded_app, size):
    assert snap_compare(coded_app, press=["enter", "j", "v"], terminal_size=size)


@SIZES
def test_code_picker(snap_compare, coded_app, size):
    assert snap_compare(coded_app, press=["enter", "j", "c", *"cult"], terminal_size=size)


@SIZES
def test_analysis_screen(snap_compare, coded_app, size):
    async def wait(pilot):
        await pilot.press("f4")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(coded_app, run_before=wait, terminal_size=size)


def test_help_screen(snap_compare, coded_app):
    assert snap_compare(coded_app, press=["question_mark"], terminal_size=(140, 45))
