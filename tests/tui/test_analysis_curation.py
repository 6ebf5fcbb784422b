"""Curating the analysis from the keyboard: CFIR ratings, cell summaries and starred exemplar quotes.

Each test presses keys and then reads the project file through a fresh
connection, as a second process would.
"""

from __future__ import annotations

import docx
from textual.widgets import DataTable, OptionList, Static

from evalbench.project import Project
from evalbench.tui.screens.analysis import AnalysisScreen
from evalbench.tui.screens.code_browser import CodeBrowserScreen
from evalbench.tui.screens.prompt import LinePrompt, MemoPrompt

from .conftest import SIZE


def stored(project) -> Project:
    """The project file through a fresh connection, as the same coder (ratings and summaries are per coder)."""
    return Project.open(project.path, coder=project.coder)


def link_participants(project) -> None:
    project.set_participant(1, "P01", {"role": "physician", "site": "North"})
    project.set_participant(2, "P02", {"role": "nurse", "site": "South"})


def code_barriers(project) -> list[int]:
    """Relative Priority barriers: Dr Patel's turns 2 and 4 (P01) and Nurse Kim's turn 2 (P02)."""
    p01, p02 = project.turns(1), project.turns(2)
    return [
        project.add_coding(1, p01[1].start, p01[1].end, "inner.priority", valence="barrier"),
        project.add_coding(1, p01[3].start, p01[3].end, "inner.priority", valence="barrier"),
        project.add_coding(2, p02[1].start, p02[1].end, "inner.priority", valence="barrier"),
    ]


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_analysis(app, pilot, cell=("inner.priority", "P01")) -> tuple[AnalysisScreen, DataTable]:
    await pilot.press("f4")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, AnalysisScreen)
    table = screen.query_one("#matrix", DataTable)
    table.move_cursor(row=table.get_row_index(cell[0]), column=table.get_column_index(cell[1]))
    await pilot.pause()
    return screen, table


def my_rating(project, code_id="inner.priority", value="P01", scope="participant"):
    with stored(project) as fresh:
        found = [r for r in fresh.ratings(scope) if (r.code_id, r.scope_value) == (code_id, value)]
    return (found[0].rating, found[0].proposed, found[0].confirmed) if found else None


async def test_confirm_a_proposed_rating_then_set_others_and_undo_each(app, project):
    link_participants(project)
    code_barriers(project)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_analysis(app, pilot)
        await pilot.press("v")  # the ratings view
        await settle(app, pilot)
        cell = (table.get_row_index("inner.priority"), table.get_column_index("P01"))
        assert str(table.get_cell_at(cell)) == "-1?"  # 2 barriers, no explicit example: proposed -1
        assert "-1? proposed" in str(screen.query_one("#cell-info", Static).render())
        await pilot.press("y")
        await settle(app, pilot)
        assert my_rating(project) == ("-1", "-1", True)
        assert str(table.get_cell_at(cell)) == "-1✓" and table.cursor_coordinate == cell
        for key, rating in (
            ("2", "+2"),
            ("at", "-2"),
            ("exclamation_mark", "-1"),
            ("1", "+1"),
            ("0", "0"),
            ("x", "X"),
            ("m", "M"),
        ):
            await pilot.press(key)
            await settle(app, pilot)
            assert my_rating(project) == (rating, "-1", True), key
        await pilot.press("u")  # the app's undo, from this screen
        await settle(app, pilot)
        assert my_rating(project)[0] == "X"
        await pilot.press("ctrl+z", "ctrl+z")
        await settle(app, pilot)
        assert my_rating(project)[0] == "+1"
        assert str(table.get_cell_at(cell)) == "+1✓"
        await pilot.press("backspace")
        await settle(app, pilot)
        assert my_rating(project) is None
        assert str(table.get_cell_at(cell)) == "-1?"


async def test_ratings_by_site_and_none_by_role_reach_the_word_table(app, project, tmp_path):
    link_participants(project)
    code_barriers(project)
    out = tmp_path / "ratings.docx"
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_analysis(app, pilot)
        await pilot.press("r")  # by role: ratings are per participant or site
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert my_rating(project) is None
        assert any("per construct" in n.message for n in app._notifications)
        await pilot.press("s")
        await settle(app, pilot)
        table.move_cursor(row=table.get_row_index("inner.priority"), column=table.get_column_index("North"))
        await pilot.press("y")
        await settle(app, pilot)
        assert my_rating(project, value="North", scope="site") == ("-1", "-1", True)
        assert my_rating(project) is None  # the participant's rating is a separate decision
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *str(out), "enter")
        await settle(app, pilot)
    from tests.export_read import numbered_tables

    groups = numbered_tables(docx.Document(str(out)))[2]  # Table 2: construct × site ratings
    header = groups[0][1]
    row = next(r for _, _, rows in groups for r in rows if r[0] == "Relative Priority")
    assert dict(zip(header, row, strict=True)) == {"Construct": "Relative Priority", "North": "+2", "South": "−1*"}


async def test_a_construct_coded_without_valence_shows_no_proposal_and_y_does_not_rate_it(app, project):
    link_participants(project)
    turn = project.turns(1)[3]
    project.add_coding(1, turn.start, turn.end, "inner.culture")  # no valence
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_analysis(app, pilot, cell=("inner.culture", "P01"))
        await pilot.press("v")
        await settle(app, pilot)
        cell = (table.get_row_index("inner.culture"), table.get_column_index("P01"))
        assert str(table.get_cell_at(cell)) == "–"  # as the Word table shows it; never "0?" nor "M"
        info = str(screen.query_one("#cell-info", Static).render())
        assert "none proposed" in info and "no rating: no valence coded" in info
        await pilot.press("y")
        await settle(app, pilot)
        assert my_rating(project, code_id="inner.culture") is None
        assert any("No rating proposed here" in n.message for n in app._notifications)
        await pilot.press("0")  # the analyst's own judgement: neutral
        await settle(app, pilot)
        assert my_rating(project, code_id="inner.culture") == ("0", None, True)
        assert str(table.get_cell_at(cell)) == "0✓"
        assert "0 set by you; no proposal" in str(screen.query_one("#cell-info", Static).render())


async def test_write_a_cell_summary_and_undo_it(app, project):
    link_participants(project)
    code_barriers(project)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_analysis(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, MemoPrompt)
        await pilot.press(*"No protected time", "ctrl+s")
        await settle(app, pilot)
        with stored(project) as fresh:
            assert fresh.cell_summary("P01", "inner.priority") == "No protected time"
        cell = (table.get_row_index("inner.priority"), table.get_column_index("P01"))
        assert str(table.get_cell_at(cell)).endswith("✎")
        assert "No protected time" in str(screen.query_one("#cell-info", Static).render())
        await pilot.press("o")  # editing shows the summary so far
        await pilot.pause()
        assert app.screen.query_one("#memo-text").text == "No protected time"
        await pilot.press("escape")
        await pilot.press("u")
        await settle(app, pilot)
        with stored(project) as fresh:
            assert fresh.cell_summary("P01", "inner.priority") == ""
        assert not str(table.get_cell_at(cell)).endswith("✎")


async def test_star_a_quote_from_the_analysis_cell_and_undo_it(app, project):
    link_participants(project)
    ids = code_barriers(project)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_analysis(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        quotes = screen.query_one("#quotes", OptionList)
        assert quotes.option_count == 2 and app.focused is quotes
        await pilot.press("down", "asterisk")
        await settle(app, pilot)
        with stored(project) as fresh:
            assert [fresh.coding(i).starred for i in ids] == [False, True, False]
        assert str(quotes.get_option_at_index(1).prompt).startswith("★ P01")
        assert quotes.highlighted == 1  # the list keeps its place
        await pilot.press("u")
        await settle(app, pilot)
        with stored(project) as fresh:
            assert not fresh.coding(ids[1]).starred
        assert "★" not in str(quotes.get_option_at_index(1).prompt)


def theme_quotes(path) -> str:
    """The exemplar-quotes cell of the Relative Priority row of the Word export's theme table."""
    from tests.export_read import numbered_tables

    rows = [r for _, _, group in numbered_tables(docx.Document(str(path)))[1] for r in group]
    return next(r for r in rows if r[0] == "Relative Priority")[3]


async def test_star_from_the_code_browser_puts_that_quote_first_in_the_word_export(app, project, tmp_path):
    link_participants(project)
    ids = code_barriers(project)
    before = theme_quotes(project.export("docx", tmp_path / "before.docx"))
    assert "culture of learning" not in before  # 11 words: too short to be proposed
    out = tmp_path / "after.docx"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodeBrowserScreen)
        screen.show_code("inner.priority")
        await pilot.pause()
        excerpts = screen.query_one("#excerpt-list", OptionList)
        prompts = [str(excerpts.get_option_at_index(i).prompt) for i in range(excerpts.option_count)]
        target = next(i for i, p in enumerate(prompts) if "culture of learning" in p)
        excerpts.focus()
        excerpts.highlighted = target
        await pilot.press("asterisk")
        await pilot.pause()
        with stored(project) as fresh:
            assert [fresh.coding(i).starred for i in ids] == [False, True, False]
        assert str(excerpts.get_option_at_index(target).prompt).startswith("★")
        await pilot.press("u")
        await pilot.pause()
        with stored(project) as fresh:
            assert not fresh.coding(ids[1]).starred
        assert not str(excerpts.get_option_at_index(target).prompt).startswith("★")
        await pilot.press("U")  # redo: starred again
        await pilot.pause()
        assert str(excerpts.get_option_at_index(target).prompt).startswith("★")
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *str(out), "enter")
        await settle(app, pilot)
    after = theme_quotes(out)
    assert after.startswith("“The culture of learning.")
    assert after.index("(P01)") < after.index("(P02)")


async def test_palette_opens_the_ratings_view(app, project):
    link_participants(project)
    code_barriers(project)
    async with app.run_test(size=SIZE) as pilot:
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Construct ratings")
        await command.callback()
        await settle(app, pilot)
        assert isinstance(app.screen, AnalysisScreen) and app.screen.view == "ratings"
        table = app.screen.query_one("#matrix", DataTable)
        cell = (table.get_row_index("inner.priority"), table.get_column_index("P02"))
        assert str(table.get_cell_at(cell)) == "-1?"


async def test_regrouping_forgets_the_listed_quotes(app, project):
    link_participants(project)
    code_barriers(project)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_analysis(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#quotes", OptionList).option_count == 2
        await pilot.press("r")
        await settle(app, pilot)
        assert screen.query_one("#quotes", OptionList).option_count == 0
        assert screen.quote_cell is None


async def test_with_only_your_codings_the_proposal_you_confirm_is_yours(app, project):
    link_participants(project)
    code_barriers(project)
    turns = project.turns(1)
    for turn in (turns[1], turns[3], turns[3]):  # sam hears facilitators: all coders together balance out
        project.add_coding(1, turn.start, turn.end, "inner.priority", valence="facilitator", coder="sam")
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_analysis(app, pilot)
        assert screen.ratings[("inner.priority", "P01")].proposed == "X"
        await pilot.press("c")  # your codings only
        await settle(app, pilot)
        table.move_cursor(row=table.get_row_index("inner.priority"), column=table.get_column_index("P01"))
        assert screen.ratings[("inner.priority", "P01")].proposed == "-1"
        await pilot.press("y")
        await settle(app, pilot)
    assert my_rating(project) == ("-1", "-1", True)


async def test_say_why_a_rating_differs_from_the_proposal(app, project):
    link_participants(project)
    code_barriers(project)
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await open_analysis(app, pilot)
        await pilot.press("w")  # nothing rated yet: nothing to explain
        await pilot.pause()
        assert not isinstance(app.screen, LinePrompt)
        await pilot.press("2", "w")
        await pilot.pause()
        assert isinstance(app.screen, LinePrompt)
        await pilot.press(*"leaders protected time", "enter")
        await settle(app, pilot)
        assert "(yours: leaders protected time)" in str(screen.query_one("#cell-info", Static).render())
    with stored(project) as fresh:
        rating = next(r for r in fresh.ratings("participant") if r.scope_value == "P01")
    assert (rating.rating, rating.proposed, rating.rationale) == ("+2", "-1", "leaders protected time")
