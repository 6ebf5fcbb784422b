"""Columns and lines laid out by priority and width (80×24 and 140×45), and no IDs where people read.

The pure fitting functions first, then the screens that use them, checked on
what they show.
"""

from __future__ import annotations

from textual.widgets import DataTable, OptionList, Static

from evalbench.tui.fit import Column, Part, coding_columns, fit_columns, fit_parts
from evalbench.tui.launch import make_app
from evalbench.tui.screens.agreement import AgreementScreen
from evalbench.tui.screens.consensus import ConsensusScreen
from evalbench.tui.widgets.title_bar import TitleBar
from tests.test_agreement_project import build_team

from .conftest import SIZE

DOC_COLUMNS = [
    Column("Document", 0, 35, 12, 26),
    Column("Participant", 2, 11, 5),
    Column("Role", 4, 14, 6, 12),
    Column("Site", 5, 28, 6, 16),
    Column("Words", 3, 5, 5),
    Column("Turns", 6, 5, 5),
    Column("% coded", 1, 7, 7),
    Column("Codings", 1, 7, 7),
    Column("Interviewer", 7, 14, 8, 16),
]


def test_columns_by_priority_whole_where_there_is_room():
    wide = fit_columns(DOC_COLUMNS, 150)
    assert wide == [c.ideal for c in DOC_COLUMNS]  # nothing cut while space is left over
    narrow = fit_columns(DOC_COLUMNS, 76)
    shown = [c.name for c, w in zip(DOC_COLUMNS, narrow, strict=True) if w]
    assert shown[:1] == ["Document"] and "% coded" in shown and "Codings" in shown
    assert "Interviewer" not in shown and "Turns" not in shown  # the least important give way
    assert sum(w for w in narrow if w) + 2 * (len(shown) - 1) <= 76


def test_status_parts_shorten_then_give_way_least_important_first():
    parts = [
        Part(3, "alex"),
        Part(0, "turn 4/46"),
        Part(2, "participant"),
        Part(1, "code applies to: whole turn", "whole turn"),
    ]
    assert fit_parts(parts, 200) == ["alex", "turn 4/46", "participant", "code applies to: whole turn"]
    assert fit_parts(parts, 40) == ["turn 4/46", "participant", "whole turn"]
    assert fit_parts(parts, 12) == ["turn 4/46"]


def test_the_transcript_keeps_a_readable_width():
    for width in (80, 100, 140, 200):
        for margin in (True, False):
            columns = coding_columns(width, margin)
            assert width - columns.side - columns.margin >= 44  # 40 columns of text, padding and scrollbar
            assert columns.side >= 28 and (columns.margin >= 8 if margin else columns.margin == 0)


async def test_documents_list_keeps_progress_columns_at_80_by_24(app, project):
    project.set_participant(1, "P01", {"role": "physician", "site": "Northfield General Hospital and Clinics"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert {"Document", "% coded", "Codings"} <= set(labels)
        summary = str(app.screen.query_one("#doc-summary", Static).render())
        assert len(summary) <= 78 and "0 of 3 participant turns" in summary
    wide = make_app(project)
    async with wide.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        table = wide.screen.query_one(DataTable)
        assert "Northfield General Hospital and Clinics" in [str(v) for v in table.get_row_at(0)]  # whole


async def test_code_browser_names_stay_on_one_line_with_their_counts(app, project):
    turn = project.turns(1)[1]
    project.add_coding(1, turn.start, turn.end, "inner.priority")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        listing = app.screen.query_one("#code-list", OptionList)
        lines = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert "  ■ Relative Priority 1" in lines and all("\n" not in line for line in lines)


async def test_analysis_gives_the_matrix_the_room_until_quotes_are_listed(app, project):
    project.set_participant(1, "P01", {"role": "physician", "site": "North"})
    turn = project.turns(1)[1]
    project.add_coding(1, turn.start, turn.end, "inner.priority", valence="barrier")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        quotes = app.screen.query_one("#quotes", OptionList)
        assert not quotes.display  # no empty box under the matrix
        await pilot.press("right", "enter")
        await pilot.pause()
        assert quotes.display and quotes.option_count == 1


async def test_agreement_and_consensus_have_the_common_title_and_no_ids_or_positions(app, project):
    build_team(project)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(AgreementScreen(["alex", "sam"]))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert screen.query_one(TitleBar) and not screen.query("Header")
        names = [
            str(row[0])
            for row in (screen.query_one(DataTable).get_row_at(i) for i in range(screen.query_one(DataTable).row_count))
        ]
        assert names and all("inner" not in n for n in names)  # names, not code IDs
        await pilot.press("enter")
        await pilot.pause()
        title = str(screen.query_one("#disagreements-title", Static).render())
        assert "inner" not in title
        await pilot.press("k")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        consensus = app.screen
        assert isinstance(consensus, ConsensusScreen) and consensus.query_one(TitleBar)
        detail = str(consensus.query_one("#consensus-detail", Static).render())
        listing = consensus.query_one(OptionList)
        first = str(listing.get_option_at_index(0).prompt)
        assert "[" not in detail.splitlines()[0] and "inner" not in first + detail  # no [start:end], no IDs
