"""'More like this' in the workbench, and suggestions that retrain by themselves in the background."""

from __future__ import annotations

import asyncio

from evalbench.model import Code
from evalbench.project import Project
from evalbench.tui.launch import make_app
from evalbench.tui.screens.similar import SimilarScreen
from tests.conftest import make_parsed

from .conftest import SIZE, stored

CODES = [
    Code("res", "Available Resources", keywords=("protected time",)),
    Code("lead", "High-Level Leaders", keywords=("executive",)),
]
ROLES = {"Interviewer": ("interviewer", "label"), "Kim": ("participant", "label"), "Lee": ("participant", "label")}


def build(path) -> Project:
    project = Project.init(path, coder="alex")
    project.add_codes(CODES)
    for i, who in enumerate(("Kim", "Lee", "Kim")):
        project.add_document(
            make_parsed(
                f"p{i}.txt",
                [
                    ("Interviewer", "What got in the way?"),
                    (who, f"We never had protected time for the reviews, nurses least of all ({i})."),
                    ("Interviewer", "And leadership?"),
                    (who, f"The executive sponsor came to every meeting and cleared the way ({i})."),
                    ("Interviewer", "Anything else?"),
                    (who, f"The weather was nice that spring ({i})."),
                ],
            ),
            ROLES,
        )
    return project


async def settle(app, pilot) -> None:
    await pilot.pause()
    await asyncio.to_thread(app.suggestions.idle.wait, 120)
    await pilot.pause()


async def test_more_like_this_lists_the_like_turns_and_codes_them_in_a_row(tmp_path):
    project = build(tmp_path / "s.evb")
    turn = next(t for t in project.turns() if t.role == "participant")
    origin = project.add_coding(turn.document_id, turn.start, turn.end, "res", valence="barrier")
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(SimilarScreen(origin))
        for _ in range(200):  # the list arrives from the suggestion thread
            await settle(app, pilot)
            if app.screen.items:
                break
        screen = app.screen
        texts = [s.text for s in screen.items]
        assert len(texts) >= 2
        assert all("protected time" in t for t in texts[:2])  # the other two interviews' like turns first
        assert turn.id not in {s.turn_id for s in screen.items}  # not the coding's own turn
        bar = str(screen.query_one("#similar-bar").render())
        assert "c code it (barrier)" in bar
        await pilot.press("c")  # code the first, the cursor moves on
        await pilot.press("x")  # skip the second
        await pilot.pause()
        assert [screen.state.get(s.turn_id) for s in screen.items[:2]] == ["coded", "skipped"]
        assert "like the passage" in str(screen.query_one("#similar-detail").render())
        first = screen.items[0]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SimilarScreen)
    with stored(project) as fresh:
        added = [c for c in fresh.codings() if c.id != origin]
        assert [(c.code_id, c.valence, c.start, c.end) for c in added] == [("res", "barrier", first.start, first.end)]


async def test_suggestions_retrain_in_the_background_when_the_coding_changed_enough(tmp_path):
    from evalbench.tui.suggest_service import RETRAIN_CHANGES

    project = build(tmp_path / "r.evb")
    participant = [t for t in project.turns() if t.role == "participant"]
    before = project.train_suggester().model_version
    for t in participant[:RETRAIN_CHANGES]:  # enough new coding to be worth a retrain
        project.add_coding(
            t.document_id,
            t.start,
            t.end,
            "lead" if "executive" in project.document_text(t.document_id)[t.start : t.end] else "res",
        )
    assert project.suggester_stale()
    app = make_app(project)
    shown = []
    async with app.run_test(size=SIZE) as pilot:
        app.suggestions.request(participant[-1].id, "alex", lambda *args: shown.append(args))
        await settle(app, pilot)
        for _ in range(600):  # the retrain runs in its own thread; the turn is shown again after it
            if not app.suggestions.training.is_set() and app.suggestions.last_retrain:
                break
            await asyncio.sleep(0.05)
        await settle(app, pilot)
    assert app.suggestions.last_retrain and app.suggestions.last_retrain != before
    assert len(shown) >= 2 and shown[-1][2] is False  # shown again, no "learning…" line any more
    with stored(project) as fresh:
        assert not fresh.suggester_stale()


async def test_L_in_the_coding_view_opens_more_like_this_for_the_active_coding(tmp_path):
    project = build(tmp_path / "l.evb")
    turn = next(t for t in project.turns() if t.role == "participant")
    project.add_coding(turn.document_id, turn.start, turn.end, "res")
    app = make_app(project, suggest_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the first document, at its first turn
        await pilot.pause()
        await pilot.press("j")  # the coded participant turn
        await pilot.pause()
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, SimilarScreen)
        assert app.screen.origin.code_id == "res"
        assert "Available Resources" in app.screen.sub_title
