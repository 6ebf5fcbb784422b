"""Documents, code browser, analysis, help, palette actions and long jobs, driven by keys."""

from __future__ import annotations

import threading
import time

from textual.widgets import DataTable, OptionList

from evalbench.tui.screens.code_browser import CodeBrowserScreen
from evalbench.tui.screens.coding import CodingScreen
from evalbench.tui.screens.help import HelpScreen
from evalbench.tui.screens.task import TaskScreen

from .conftest import SIZE, stored


def link_participants(project) -> None:
    project.set_participant(1, "P01", {"role": "physician", "site": "North"})
    project.set_participant(2, "P02", {"role": "nurse", "site": "South"})


async def test_documents_table_shows_progress_and_filters_by_attribute(app, project):
    link_participants(project)
    turns = project.turns(1)
    project.add_coding(1, turns[1].start, turns[1].end, "inner.priority")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        first = table.get_row_at(0)
        assert first[:4] == ["p01.txt", "P01", "physician", "North"]
        assert str(first[6]).strip() == "50%" and str(first[7]).strip() == "1"  # 1 of 2 participant turns, 1 coding
        await pilot.press("slash", *"role=nurse", "enter")
        await pilot.pause()
        assert table.row_count == 1 and table.get_row_at(0)[0] == "p02.txt"
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 2
        await pilot.press("s", "R")  # sort by participant, descending
        await pilot.pause()
        assert table.get_row_at(0)[1] == "P02"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen) and app.screen.document_id == 2


async def test_code_browser_lists_excerpts_and_jumps_to_one(app, project):
    link_participants(project)
    turn = project.turns(2)[1]
    project.add_coding(2, turn.start, turn.end, "inner.culture", valence="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodeBrowserScreen)
        screen.show_code("inner")  # a parent lists its children's excerpts too
        await pilot.pause()
        excerpts = screen.query_one("#excerpt-list", OptionList)
        assert excerpts.option_count == 1
        assert "leaders showed up" in str(excerpts.get_option_at_index(0).prompt)
        excerpts.focus()
        excerpts.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.document_id == 2 and app.screen.turn.seq == 2


async def test_analysis_matrix_cell_lists_quotes_and_opens_one(app, project):
    link_participants(project)
    turns = project.turns(1)
    project.add_coding(1, turns[1].start, turns[1].end, "inner.priority", valence="barrier")
    project.add_coding(1, turns[3].start, turns[3].end, "inner.priority", valence="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#matrix", DataTable)
        assert table.row_count >= 1
        row = table.get_row_index("inner.priority")  # construct level
        cell = table.get_cell_at((row, table.get_column_index("P01")))
        assert "1▼" in str(cell) and "1▲" in str(cell)
        table.move_cursor(row=row, column=table.get_column_index("P01"))
        await pilot.press("enter")
        await pilot.pause()
        quotes = app.screen.query_one("#quotes", OptionList)
        assert quotes.option_count == 2
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen) and app.screen.document_id == 1


async def test_help_lists_every_coding_binding(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(b.description for _title, bindings in app.screen.sections for b in bindings)
        for words in ("Next uncoded", "Barrier", "Accept 1", "Reject 1", "Memo", "Other coder", "Undo"):
            assert words in shown
        titles = [title for title, _bindings in app.screen.sections]
        assert titles[:5] == ["Everywhere", "Documents", "Coding", "Code browser", "Analysis"]
        assert {"Agreement", "Consensus"} <= set(titles)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_switch_coder_is_remembered_in_the_project(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"sam", "enter")
        await pilot.pause()
    assert project.coder == "sam"
    with stored(project) as fresh:
        assert fresh.coder == "sam"


async def test_palette_offers_every_action_and_jumps_to_documents(app):
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in (
            "Import transcripts…",
            "Export…",
            "Switch coder…",
            "Retrain suggestions",
            "Code browser",
            "Analysis",
            "Open p02.txt",
        ):
            assert title in titles
        opener = next(c for c in app.get_system_commands(app.screen) if c.title == "Open p02.txt")
        opener.callback()
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen) and app.screen.document_id == 2


async def test_long_job_shows_progress_and_can_be_cancelled(app, project):
    started = threading.Event()

    def job(proj, progress, cancel):
        for i in range(1000):
            progress(i, 1000, f"step {i}")
            started.set()
            if cancel.is_set():
                return "stopped"
            time.sleep(0.01)
        return "finished"

    results = []
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(TaskScreen("Busy", job, project), results.append)
        await pilot.pause()
        started.wait(5)
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert results and results[0].cancelled and results[0].value == "stopped"


async def test_a_failed_job_is_said_in_words_a_busy_file_as_busy_and_a_bug_as_a_bug(app, project):
    import sqlite3

    def busy(proj, progress, cancel):
        raise sqlite3.OperationalError("database is locked")

    def bug(proj, progress, cancel):
        raise ValueError("an internal slip")

    results = []
    async with app.run_test(size=SIZE) as pilot:
        for job in (busy, bug):
            app.push_screen(TaskScreen("Busy", job, project), results.append)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
    assert "busy" in results[0].error and "OperationalError" not in results[0].error
    assert results[1].error.startswith("evalbench hit a bug (ValueError: an internal slip)")


async def test_import_from_the_palette_runs_in_a_worker(app, project, tmp_path):
    (tmp_path / "p03.txt").write_text("Interviewer: Hello?\n\nP03: We had no time at all.\n", encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await app.run_action("import_files")
        await pilot.pause()
        await pilot.press(*str(tmp_path / "p03.txt"), "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("escape")  # the import report
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 3
    with stored(project) as fresh:
        assert "p03.txt" in [d.name for d in fresh.documents()]


async def test_analysis_opens_agreement_and_exports(app, project, tmp_path):
    link_participants(project)
    turns = project.turns(1)
    project.add_coding(1, turns[1].start, turns[1].end, "inner.priority", valence="barrier")
    project.add_coding(1, turns[1].start, turns[1].end, "inner.priority", valence="barrier", coder="sam")
    out = tmp_path / "matrix.xlsx"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *str(out), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not out.exists()  # two coders, no consensus: the form says to choose and stays open
        await pilot.press("tab", "tab", *"all", "enter")  # the form's "which coding" field: every coder's
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert out.exists() and out.stat().st_size > 0
        await pilot.press("a")
        await pilot.pause()
        assert type(app.screen).__name__ == "AgreementScreen"


def test_open_remembers_the_coder(project, monkeypatch):
    from click.testing import CliRunner

    from evalbench.cli import main
    from evalbench.tui.app import EvalbenchApp

    seen = []
    monkeypatch.setattr(EvalbenchApp, "run", lambda self: seen.append(self.project.coder))
    runner = CliRunner()
    assert runner.invoke(main, ["open", str(project.path), "--coder", "robin"]).exit_code == 0
    assert runner.invoke(main, ["open", str(project.path)]).exit_code == 0
    assert seen == ["robin", "robin"]


async def test_palette_jump_to_a_code_lists_its_excerpts(app, project):
    turn = project.turns(1)[1]
    project.add_coding(1, turn.start, turn.end, "inner.priority")
    async with app.run_test(size=SIZE) as pilot:
        jump = next(c for c in app.get_system_commands(app.screen) if c.title.startswith("Code Relative Priority"))
        jump.callback()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CodeBrowserScreen)
        assert app.screen.query_one("#excerpt-list", OptionList).option_count == 1
