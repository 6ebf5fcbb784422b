"""Correcting a speaker's role from the documents screen: stored as set by hand, undoable, shown everywhere."""

from __future__ import annotations

from textual.widgets import DataTable, OptionList

from evalbench.tui.screens.coding import CodingScreen
from evalbench.tui.screens.documents import COLUMNS
from evalbench.tui.screens.speaker_roles import SpeakerRolesScreen

from .conftest import SIZE, stored

PCT, WHO = COLUMNS.index("% coded"), COLUMNS.index("Interviewer")


def speaker(project, label: str):
    return next(s for s in project.speakers(1) if s.label == label)


async def test_switching_a_speaker_to_interviewer_changes_the_table_and_the_coding_view(app, project):
    turns = project.turns(1)
    project.add_coding(1, turns[1].start, turns[1].end, "inner.priority")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[PCT]).strip() == "50%" and table.get_row_at(0)[WHO] == "Interviewer"
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, SpeakerRolesScreen)
        listing = app.screen.query_one(OptionList)
        assert "Dr Patel" in str(listing.get_option_at_index(1).prompt)
        await pilot.press("down", "enter")  # Dr Patel: participant -> interviewer
        await pilot.pause()
        assert "interviewer" in str(listing.get_option_at_index(1).prompt)
        with stored(project) as fresh:
            changed = speaker(fresh, "Dr Patel")
            assert (changed.role, changed.role_source) == ("interviewer", "user")
        await pilot.press("escape")
        await pilot.pause()
        row = table.get_row_at(0)
        assert str(row[PCT]).strip() == "0%"  # no participant turns left to code
        assert row[WHO].startswith("Interviewer, Dr")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert [b.turn.role for b in app.screen.layout_map.blocks] == ["interviewer"] * 4


async def test_a_role_change_is_undone_with_ctrl_z_and_set_back_with_p(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i", "down", "i")  # Dr Patel -> interviewer
        await pilot.pause()
        assert speaker(project, "Dr Patel").role == "interviewer"
        await pilot.press("ctrl+z")
        await pilot.pause()
        restored = speaker(project, "Dr Patel")
        assert (restored.role, restored.role_source) == ("participant", "default")
        assert "participant" in str(app.screen.query_one(OptionList).get_option_at_index(1).prompt)
        await pilot.press("up", "p")  # the interviewer was a participant after all
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(DataTable).get_row_at(0)[WHO].plain == "none"
    with stored(project) as fresh:
        assert speaker(fresh, "Interviewer").role == "participant"
        assert speaker(fresh, "Interviewer").role_source == "user"


async def test_palette_opens_a_documents_speaker_roles(app, project):
    async with app.run_test(size=SIZE) as pilot:
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Speaker roles of p02.txt")
        command.callback()
        await pilot.pause()
        assert isinstance(app.screen, SpeakerRolesScreen) and app.screen.document_id == 2
        await pilot.press("i")  # the first speaker, Interviewer, stays interviewer but now by hand
        await pilot.pause()
    with stored(project) as fresh:
        first = fresh.speakers(2)[0]
        assert (first.label, first.role, first.role_source) == ("Interviewer", "interviewer", "user")
