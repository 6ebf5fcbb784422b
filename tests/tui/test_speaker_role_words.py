"""The speaker-roles screen says why a speaker has their role in the same words as `evalbench speakers`."""

from __future__ import annotations

from textual.widgets import OptionList

from evalbench.ingest.roles import ROLE_SOURCES
from evalbench.tui.launch import make_app
from evalbench.tui.screens.speaker_roles import SpeakerRolesScreen
from tests.test_speaker_role_sources import every_source_project

from .conftest import SIZE


async def test_each_speaker_shows_the_shared_words_for_its_role_source(tmp_path):
    project = every_source_project(tmp_path / "study.evb")
    speakers = project.speakers(1)
    assert {s.role_source for s in speakers} == set(ROLE_SOURCES)
    app = make_app(project, suggest_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(SpeakerRolesScreen(1))
        await pilot.pause()
        listing = app.screen.query_one(OptionList)
        for i, speaker in enumerate(speakers):
            prompt = str(listing.get_option_at_index(i).prompt)
            assert prompt.startswith(speaker.label) and prompt.endswith(ROLE_SOURCES[speaker.role_source])
    project.close()
