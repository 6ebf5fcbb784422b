"""Coding by keyboard (and mouse) in the coding view, asserted on what the project file holds."""

from __future__ import annotations

from evalbench.tui.screens.coding import CodingScreen
from evalbench.tui.widgets.code_picker import CodePicker
from evalbench.tui.widgets.transcript import Transcript
from evalbench.tui.widgets.turn_codes import TurnCodes

from .conftest import SIZE, open_first_document, stored

PATEL_2 = "Honestly, competing priorities. We had no protected time for the case reviews."


def coded_texts(project) -> list[tuple[str, str, str, str]]:
    with stored(project) as fresh:
        text = fresh.document_text(1)
        return [(text[c.start : c.end], c.code_id, c.valence, c.coder) for c in fresh.codings()]


async def pick(pilot, query: str) -> None:
    await pilot.press("c")
    await pilot.press(*query)
    await pilot.press("enter")
    await pilot.pause()


async def test_code_a_whole_turn_and_set_valence(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("j")  # to Dr Patel's first turn
        await pick(pilot, "priority")
        await pilot.press("b")
        await pilot.pause()
    assert coded_texts(project) == [(PATEL_2, "inner.priority", "barrier", "alex")]


async def test_valence_key_again_clears_it_and_keys_cover_all_valences(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        await pick(pilot, "inner.culture")
        seen = []
        for key in ("f", "m", "n", "n"):
            await pilot.press(key)
            await pilot.pause()
            seen.append(coded_texts(project)[0][2])
    assert seen == ["facilitator", "mixed", "neutral", "none"]


async def test_select_by_words_and_sentences_before_coding(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j", "w", "w")
        await pick(pilot, "culture")
        await pilot.press("s", "s", "S")  # one sentence from the cursor, grown then shrunk back
        await pick(pilot, "priority")
    assert [t[0] for t in coded_texts(project)] == ["Honestly, competing", "Honestly, competing priorities."]


async def test_mouse_selection_is_coded(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        transcript = app.screen.query_one(Transcript)
        row = transcript.layout_map.blocks[1].first_line  # "Honestly, competing priorities. ..."
        await pilot.mouse_down(transcript, offset=(1 + 10, row))
        await pilot.hover(transcript, offset=(1 + 30, row))
        await pilot.mouse_up(transcript, offset=(1 + 30, row))
        await pilot.pause()
        await pick(pilot, "priority")
    assert coded_texts(project) == [(PATEL_2[10:30], "inner.priority", "none", "alex")]


async def test_next_uncoded_participant_turn_skips_coded_and_interviewer_turns(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("g")
        assert app.screen.turn.seq == 2
        await pick(pilot, "priority")
        await pilot.press("g")
        assert app.screen.turn.seq == 4
        await pick(pilot, "culture")
    assert [t[1] for t in coded_texts(project)] == ["inner.priority", "inner.culture"]


async def test_move_by_sentence_then_code_from_cursor(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j", "right_parenthesis", "s")
        await pick(pilot, "priority")
    assert coded_texts(project)[0][0] == "We had no protected time for the case reviews."


async def test_recode_and_remove(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        await pick(pilot, "priority")
        await pilot.press("r", *"culture", "enter")
        await pilot.pause()
        assert [t[1] for t in coded_texts(project)] == ["inner.culture"]
        await pilot.press("d")
        await pilot.pause()
    assert coded_texts(project) == []


async def test_undo_and_redo_survive_a_restart(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        await pick(pilot, "priority")
    assert len(coded_texts(project)) == 1
    from evalbench.project import Project
    from evalbench.tui.launch import make_app

    with Project.open(project.path, coder="alex") as reopened:
        again = make_app(reopened)
        async with again.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert coded_texts(project) == []
            await open_first_document(pilot)
            await pilot.press("ctrl+y")
            await pilot.pause()
            assert len(coded_texts(project)) == 1
            await pilot.press("u")  # the coding view's own undo key
            await pilot.pause()
    assert coded_texts(project) == []


async def test_memos_on_coding_turn_and_code(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        await pick(pilot, "priority")
        await pilot.press("o", *"key quote", "ctrl+s")
        await pilot.pause()
        await pilot.press("O", *"sarcastic tone", "ctrl+s")
        await pilot.pause()
        await pilot.press("C", *"watch for workload", "ctrl+s")
        await pilot.pause()
        turn_id = app.screen.turn.id
    with stored(project) as fresh:
        assert fresh.codings()[0].memo == "key quote"
        assert fresh.memo("turn", turn_id, coder="alex") == "sarcastic tone"
        assert fresh.memo("code", "inner.priority", coder="alex") == "watch for workload"


async def test_other_coders_codings_shown_beside_yours_but_not_editable(app, project):
    turn = project.turns(1)[1]
    project.add_coding(1, turn.start, turn.end, "inner.culture", coder="sam", valence="facilitator")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        panel = app.screen.query_one(TurnCodes)
        assert panel.rows == []
        await pilot.press("v")
        await pilot.pause()
        assert app.screen.other_coder == "sam"
        assert [(r.name, r.mine) for r in panel.rows] == [("Culture", False)]
        await pilot.press("b")  # valence keys act on your own codings only
        await pilot.pause()
    with stored(project) as fresh:
        assert [(c.coder, c.valence) for c in fresh.codings()] == [("sam", "facilitator")]


async def test_enter_on_codebook_code_applies_it(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        tree = app.screen.query_one("#codebook")
        tree.focus()
        tree.focus_code("inner.culture")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert [t[1] for t in coded_texts(project)] == ["inner.culture"]


async def test_suggestions_panel_says_they_are_for_participant_turns(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)  # turn 1: the interviewer's
        text = str(app.screen.query_one("#suggestions").render())
        assert "offered on participant turns" in text


async def wait_for_suggestions(app, pilot) -> None:
    import asyncio

    await pilot.pause()
    await asyncio.to_thread(app.suggestions.idle.wait, 120)
    await pilot.pause()


async def test_accept_and_reject_suggestions_with_one_key(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        await wait_for_suggestions(app, pilot)
        offered = [s.code_id for s in app.screen.suggestions]
        assert "inner.priority" in offered  # the codebook keyword "competing priorities"
        turn_id = app.screen.turn.id
        await pilot.press(str(offered.index("inner.priority") + 1))
        await wait_for_suggestions(app, pilot)
        rest = [s.code_id for s in app.screen.suggestions]
        assert "inner.priority" not in rest
        if rest:
            await pilot.press("exclamation_mark")
            await wait_for_suggestions(app, pilot)
    with stored(project) as fresh:
        coded = fresh.codings()
        assert [(c.code_id, c.origin) for c in coded] == [("inner.priority", "suggestion")]
        if rest:
            fresh.set_coder("alex")
            assert rest[0] not in [s.code_id for s in fresh.suggest_turn(turn_id)]


async def test_picker_opens_beside_the_transcript_and_takes_every_typed_key(app, project):
    """Keys bound in the coding view (j, b, 1, d …) are query text while the picker is open."""
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j", "c")
        picker = app.screen.query_one("#picker")
        assert picker.display and app.screen.query_one(Transcript).region.width > 0  # transcript still shown
        await pilot.press(*"jbd1")
        assert app.screen.query_one(CodePicker).query == "jbd1"
        assert app.screen.block == 1 and coded_texts(project) == []  # no turn move, no coding
        await pilot.press(*["backspace"] * 4, *"relative")
        await pilot.press("enter")
        await pilot.pause()
        assert not picker.display
        assert app.focused is app.screen.query_one(Transcript)  # the picker never took the focus
    assert coded_texts(project) == [(PATEL_2, "inner.priority", "none", "alex")]


async def test_escape_closes_the_picker_without_coding_or_leaving_the_view(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j", "c", *"cult", "escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert not app.screen.query_one("#picker").display
        await pilot.press("j")  # keys reach the coding view again
        await pilot.pause()
        assert app.screen.block == 2
        await pilot.press("c", "down")
        assert app.screen.query_one(CodePicker).query == ""  # a fresh query, every code listed
        listing = app.screen.query_one("#picker-list")
        assert listing.option_count == 3
        second = listing.highlighted_option.id
        await pilot.press("enter")
        await pilot.pause()
    assert [t[1] for t in coded_texts(project)] == [second]


async def test_star_the_active_coding_as_an_exemplar_quote(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        await pick(pilot, "priority")
        await pilot.press("asterisk")
        await pilot.pause()
        with stored(project) as fresh:
            assert [c.starred for c in fresh.codings()] == [True]
        assert "★" in str(app.screen.query_one(TurnCodes).render())
        await pilot.press("u")  # the star is one undoable action
        await pilot.pause()
    with stored(project) as fresh:
        assert [c.starred for c in fresh.codings()] == [False]


async def test_a_click_on_a_code_in_the_picker_applies_it(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j", "c", *"relative")
        await pilot.click("#picker-list", offset=(4, 0))
        await pilot.pause()
        assert not app.screen.query_one(CodePicker).display
    assert [t[1] for t in coded_texts(project)] == ["inner.priority"]


async def test_find_a_phrase_then_code_exactly_it(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("slash", *"PROTECTED time", "enter")
        await pilot.pause()
        assert app.screen.block == 1  # the view moved to Dr Patel's turn with the match
        await pick(pilot, "relative")
        await pilot.press("slash", *"felt", "enter")  # the prompt offers the last search; a new one
        await pilot.pause()
        assert app.screen.block == 3
        await pilot.press("ctrl+n")  # no further match: wraps to the first
        await pilot.pause()
        assert app.screen.block == 3
    assert coded_texts(project) == [("protected time", "inner.priority", "none", "alex")]


async def test_recent_codes_head_the_picker_and_dot_repeats_the_last_code(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        await pick(pilot, "culture")
        await pilot.press("c")  # nothing typed: the code just used is the first entry, marked recent
        listing = app.screen.query_one("#picker-list")
        assert listing.highlighted_option.id == "recent:inner.culture"
        assert "recent" in str(listing.highlighted_option.prompt)
        await pilot.press("down", "enter")  # below the recent rows, the whole tree from its root
        await pilot.pause()
        await pilot.press("j", "j", "full_stop")  # Dr Patel's second turn gets the last code again
        await pilot.pause()
    with stored(project) as fresh:
        by_turn = {(c.start, c.code_id) for c in fresh.codings()}
        turns = fresh.turns(1)
    assert by_turn == {(turns[1].start, "inner.culture"), (turns[1].start, "inner"), (turns[3].start, "inner")}
