"""Another program writing to the project never freezes or crashes the workbench: changes wait, then save.

Each test holds the project's write lock from a second connection
(``BEGIN IMMEDIATE``, as another evalbench's import or bulk coding does),
makes a change by keys, checks that it is neither lost nor yet in the file and
that the workbench still answers keys, then frees the file, lets the
workbench retry (what its timer does every half second) and checks the
change landed, in the order the changes were asked. One test holds the lock
from a real second process.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import contextmanager

import pytest
from textual.widgets import DataTable, OptionList

from evalbench.tui.screens.analysis import AnalysisScreen
from evalbench.tui.screens.consensus import ConsensusScreen
from evalbench.tui.screens.speaker_roles import SpeakerRolesScreen
from evalbench.tui.screens.themes import ThemesScreen
from tests.test_agreement_project import build_team

from .conftest import SIZE, open_first_document, stored
from .test_coding import wait_for_suggestions
from .test_coding_view import said

PATEL_2 = "Honestly, competing priorities. We had no protected time for the case reviews."


@contextmanager
def busy(project):
    """Hold the project's write lock from a second connection while the block runs."""
    conn = sqlite3.connect(project.path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def codings(project) -> list[tuple]:
    with stored(project) as fresh:
        text = fresh.document_text(1)
        return [(text[c.start : c.end], c.code_id, c.valence, c.starred, c.memo) for c in fresh.codings()]


@pytest.fixture
def app(app):
    """The workbench, waiting a twentieth of a second for the lock instead of a quarter (the tests hold it
    on purpose; how long a wait is worth is measured, see evalbench/tui/writes.py)."""
    app.writes.WAIT = 0.05
    return app


async def freed(app, pilot) -> None:
    """The file is free again: the workbench retries what it kept."""
    app.writes.retry()
    await pilot.pause()


async def test_coding_view_changes_wait_for_a_busy_file_then_save_in_order(app, project):
    async with app.run_test(size=SIZE) as pilot:
        seen = said(app)
        await open_first_document(pilot)
        await pilot.press("j")
        with busy(project):
            await pilot.press("c", *"priority", "enter")  # apply
            await pilot.pause()
            assert codings(project) == []
            assert "is busy" in seen[-1] and "kept" in seen[-1]
            await pilot.press("j", "k")  # the workbench still answers keys
            assert app.screen.turn.seq == 2 and app.writes.waiting == 1
        await freed(app, pilot)
        assert codings(project) == [(PATEL_2, "inner.priority", "none", False, "")]
        assert seen[-1] == "Saved 1 change(s) that waited for the other program."
        steps = [  # (keys while the file is busy, what the file holds once it is free)
            (("b", "f"), (PATEL_2, "inner.priority", "facilitator", False, "")),  # two changes, kept in order
            (("r", *"culture", "enter"), (PATEL_2, "inner.culture", "facilitator", False, "")),  # recode
            (("asterisk",), (PATEL_2, "inner.culture", "facilitator", True, "")),  # star
            (("o", *"key quote", "ctrl+s"), (PATEL_2, "inner.culture", "facilitator", True, "key quote")),  # memo
            (("u",), (PATEL_2, "inner.culture", "facilitator", True, "")),  # undo
            (("U",), (PATEL_2, "inner.culture", "facilitator", True, "key quote")),  # redo
            (("d",), None),  # remove
        ]
        for keys, held in steps:
            before = codings(project)
            with busy(project):
                await pilot.press(*keys)
                await pilot.pause()
                assert codings(project) == before, keys
            await freed(app, pilot)
            assert codings(project) == ([held] if held else []), keys
        assert app.writes.waiting == 0


async def test_accepting_and_rejecting_suggestions_wait_for_a_busy_file(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        await wait_for_suggestions(app, pilot)
        offered = [s.code_id for s in app.screen.suggestions]
        with busy(project):
            await pilot.press(str(offered.index("inner.priority") + 1))
            await pilot.pause()
            assert codings(project) == []
        await freed(app, pilot)
        await wait_for_suggestions(app, pilot)
        rest = app.screen.suggestions
        assert [c[1] for c in codings(project)] == ["inner.priority"]
        if rest:
            with busy(project):
                await pilot.press("exclamation_mark")
                await pilot.pause()
            await freed(app, pilot)
            with stored(project) as fresh:
                assert rest[0].code_id not in [s.code_id for s in fresh.suggest_turn(app.screen.turn.id)]


async def test_a_theme_edit_waits_for_a_busy_file(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ThemesScreen)
        with busy(project):
            await pilot.press("P", "enter")  # the categories preset
            await pilot.pause()
            assert stored(project).themes.categories() == []
        await freed(app, pilot)
        assert [c.name for c in stored(project).themes.categories()] == ["Successes", "Barriers", "Lessons learned"]


async def test_a_rating_waits_for_a_busy_file(app, project):
    project.set_participant(1, "P01", {"role": "physician", "site": "North"})
    turns = project.turns(1)
    project.add_coding(1, turns[1].start, turns[1].end, "inner.priority", valence="barrier")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("v")  # the ratings view
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, AnalysisScreen)
        table = app.screen.query_one("#matrix", DataTable)
        table.move_cursor(row=table.get_row_index("inner.priority"), column=table.get_column_index("P01"))
        with busy(project):
            await pilot.press("y")  # confirm the proposed rating
            await pilot.pause()
            assert stored(project).ratings("participant") == []
        await freed(app, pilot)
        assert [r.code_id for r in stored(project).ratings("participant")] == ["inner.priority"]


async def test_a_consensus_decision_waits_for_a_busy_file(app, project):
    build_team(project)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ConsensusScreen(["alex", "sam"]))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        with busy(project):
            await pilot.press("n")  # neither coder's coding
            await pilot.pause()
            assert not any(d.decision for d in stored(project).disagreements(["alex", "sam"]))
        await freed(app, pilot)
        assert [d.decision for d in stored(project).disagreements(["alex", "sam"]) if d.decision] == ["neither"]
        assert "neither" in str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)


async def test_a_speaker_role_and_the_coder_wait_for_a_busy_file(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, SpeakerRolesScreen)
        with busy(project):
            await pilot.press("down", "enter")  # Dr Patel: participant -> interviewer
            await pilot.pause()
            assert {s.label: s.role for s in stored(project).speakers(1)}["Dr Patel"] == "participant"
        await freed(app, pilot)
        assert {s.label: s.role for s in stored(project).speakers(1)}["Dr Patel"] == "interviewer"
        await pilot.press("escape")
        await pilot.pause()
        with busy(project):
            await pilot.press("ctrl+o", "ctrl+a", "ctrl+k", *"sam", "enter")
            await pilot.pause()
            assert stored(project).coder == "alex"
        await freed(app, pilot)
    assert project.coder == "sam" and stored(project).coder == "sam"


async def test_changes_kept_too_long_are_named_and_dropped(app, project):
    async with app.run_test(size=SIZE) as pilot:
        seen = said(app)
        await open_first_document(pilot)
        app.writes.GIVE_UP = 0
        with busy(project):
            await pilot.press("j", "c", *"priority", "enter")
            await pilot.pause()
            await freed(app, pilot)  # still busy: given up
            assert app.writes.waiting == 0
        assert seen[-1].startswith("Not saved:") and "Relative Priority on turn 2" in seen[-1]
        await freed(app, pilot)
    assert codings(project) == []


async def test_a_second_process_holding_the_file(app, project):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "conn.execute('BEGIN IMMEDIATE')\nprint('holding', flush=True)\nsys.stdin.readline()\n"
            "conn.execute('ROLLBACK')\n",
            str(project.path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        async with app.run_test(size=SIZE) as pilot:
            await open_first_document(pilot)
            await pilot.press("j", "c", *"priority", "enter", "j")
            await pilot.pause()
            assert codings(project) == [] and app.screen.turn.seq == 3
            holder.communicate("\n", timeout=30)
            await freed(app, pilot)
            assert codings(project) == [(PATEL_2, "inner.priority", "none", False, "")]
    finally:
        if holder.poll() is None:
            holder.kill()
