"""Agreement and consensus screens, driven by keys and checked against the project file."""

from __future__ import annotations

from textual.widgets import DataTable, OptionList

from evalbench.tui.screens.agreement import AgreementScreen
from evalbench.tui.screens.coding import CodingScreen
from evalbench.tui.screens.consensus import ConsensusScreen
from tests.test_agreement_project import build_team

from .conftest import SIZE, stored


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def decisions(project) -> list[tuple[str, int, str]]:
    with stored(project) as fresh:
        return [(d.document, d.turn, d.decision) for d in fresh.disagreements(["alex", "sam"]) if d.decision]


async def test_agreement_table_worst_first_and_enter_lists_disagreements(app, project):
    build_team(project)
    report = project.agreement(["alex", "sam"])
    worst_first = [c.code for c in report.worst_first() if c.n_units]
    async with app.run_test(size=SIZE) as pilot:
        app.action_agreement()  # what the palette and the analysis screen's `a` key run
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen) and screen.coders == ["alex", "sam"]
        table = screen.query_one(DataTable)
        assert [str(k.value) for k in table.rows] == worst_first  # unused code "inner" left out
        await pilot.press("enter")
        await pilot.pause()
        listing = screen.query_one("#disagreements", OptionList)
        assert screen.code_id == worst_first[0]
        assert listing.option_count == report.code(worst_first[0]).n_disagreements
        assert app.focused is listing
        await pilot.press("enter")
        await pilot.pause()
        first = project.disagreements(["alex", "sam"], code=worst_first[0])[0]
        assert isinstance(app.screen, CodingScreen)
        assert (app.screen.document_id, app.screen.start_offset) == (first.document_id, first.start)


async def test_char_units_toggle_recomputes(app, project):
    build_team(project)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(AgreementScreen(["alex", "sam"]))
        await settle(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        assert app.screen.report.unit == "char"
        assert app.screen.report.overall.n_units == project.agreement(["alex", "sam"], unit="char").overall.n_units


async def test_consensus_keys_store_decisions_and_undo_takes_one_back(app, project):
    build_team(project)
    first, second = project.disagreements(["alex", "sam"])[:2]
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ConsensusScreen(["alex", "sam"]))
        await settle(app, pilot)
        assert app.screen.query_one(OptionList).option_count == 3
        await pilot.press("a")  # keep alex's coding of the first
        await pilot.pause()
        await pilot.press("n")  # cursor moved on: neither for the second
        await pilot.pause()
        assert decisions(project) == [(first.document, first.turn, "keep_a"), (second.document, second.turn, "neither")]
        with stored(project) as fresh:
            kept = [(c.document_id, c.code_id) for c in fresh.codings(coder="consensus")]
        assert kept == ([(first.document_id, first.code)] if "alex" in first.applied_by else [])
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert decisions(project) == [(first.document, first.turn, "keep_a")]


async def test_consensus_on_one_code_from_the_agreement_screen(app, project):
    build_team(project)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(AgreementScreen(["alex", "sam"]))
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        code = app.screen.code_id
        await pilot.press("k")
        await settle(app, pilot)
        assert isinstance(app.screen, ConsensusScreen) and app.screen.code == code
        await pilot.press("c")
        await pilot.pause()
    with stored(project) as fresh:
        both = fresh.codings(coder="consensus")
    assert both and {c.code_id for c in both} == {code}


async def test_g_copies_agreed_codings_to_consensus(app, project):
    build_team(project)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ConsensusScreen(["alex", "sam"]))
        await settle(app, pilot)
        await pilot.press("g")
        await pilot.pause()
    with stored(project) as fresh:
        assert len(fresh.codings(coder="consensus")) == 5


async def test_decisions_show_in_the_list_after_consensus(app, project):
    build_team(project)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(AgreementScreen(["alex", "sam"]))
        await settle(app, pilot)
        await pilot.press("enter", "k")
        await settle(app, pilot)
        await pilot.press("b", "escape")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        assert screen.shown[0].decision == "keep_b"
