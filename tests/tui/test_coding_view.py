"""Issue 16 in the coding view: the right code every time, codes in the margin, nothing lost by a stray key.

Each test drives the workbench with keys and asserts on a fresh connection to
the project file or on what the screen says.
"""

from __future__ import annotations

from textual.widgets import Static

from evalbench.model import Code
from evalbench.tui.screens.coding import CodingScreen
from evalbench.tui.screens.documents import DocumentsScreen
from evalbench.tui.screens.prompt import ConfirmPrompt, MemoPrompt
from evalbench.tui.widgets.code_margin import CodeMargin
from evalbench.tui.widgets.codebook_tree import CodebookTree
from evalbench.tui.widgets.turn_codes import TurnCodes

from .conftest import SIZE, open_first_document, stored

TWINS = [
    Code("assess", "Assessing Needs"),
    Code("assess.deliverers", "Innovation Deliverers", parent_id="assess"),
    Code("engage", "Engaging"),
    Code("engage.deliverers", "Innovation Deliverers", parent_id="engage"),
    Code("engage.design", "Innovation Design", parent_id="engage"),
    Code("engage.source", "Innovation Source", parent_id="engage", keywords=("designed by", "design")),
]


def codings(project) -> list[tuple[str, str, str]]:
    with stored(project) as fresh:
        text = fresh.document_text(1)
        return [(text[c.start : c.end], c.code_id, c.coder) for c in fresh.codings()]


def said(app) -> list[str]:
    """Every notification the app showed, by wrapping its notify."""
    seen: list[str] = []
    real = app.notify

    def notify(message, *args, **kwargs):
        seen.append(str(message))
        return real(message, *args, **kwargs)

    app.notify = notify
    return seen


def picker_lines(app) -> list[str]:
    """The code picker's listed lines, as text."""
    listing = app.screen.query_one("#picker-list")
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def test_the_name_typed_is_applied_not_a_keyword_hit(app, project):
    project.add_codes(TWINS)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j", "c", *"innovation design", "enter")
        await pilot.pause()
    assert codings(project)[0][1] == "engage.design"


async def test_same_named_codes_are_told_apart_wherever_they_are_named(app, project):
    project.add_codes(TWINS)
    turn = project.turns(1)[1]
    project.add_coding(1, turn.start, turn.end, "engage.deliverers", valence="facilitator")
    async with app.run_test(size=(140, 45)) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        panel = app.screen.query_one(TurnCodes)
        assert "Engaging › Innovation Deliverers" in str(panel.render())
        await pilot.press("c", *"innovation deliverers")
        await pilot.pause()
        listing = picker_lines(app)
        assert {"■ Assessing Needs › Innovation Deliverers", "■ Engaging › Innovation Deliverers"} <= set(listing)
        assert not any("deliverers" in line for line in listing)  # no code IDs


async def test_undo_says_what_it_undid_in_the_users_words(app, project):
    async with app.run_test(size=SIZE) as pilot:
        seen = said(app)
        await open_first_document(pilot)
        await pilot.press("j", "c", *"priority", "enter", "o", *"no time", "ctrl+s")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
    undid = next(m for m in seen if m.startswith("Undid"))
    assert undid == "Undid: Memo on Relative Priority, p01.txt “Honestly, competing priorities…”"  # no IDs


async def test_escape_in_a_memo_asks_before_discarding_it(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j", "c", *"priority", "enter", "o", *"first thoughts", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmPrompt)
        await pilot.press("n")  # keep editing: nothing lost
        await pilot.pause()
        assert isinstance(app.screen, MemoPrompt)
        await pilot.press(*" kept", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        with stored(project) as fresh:
            assert fresh.codings()[0].memo == "first thoughts kept"
        await pilot.press("o", *" more", "escape", "y")  # discard on purpose
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("o", "escape")  # nothing typed: closes without asking
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
    with stored(project) as fresh:
        assert fresh.codings()[0].memo == "first thoughts kept"


async def test_f2_reaches_the_documents_list_from_the_coding_view(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)


async def test_enter_codes_a_selection_and_with_none_moves_on(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.turn.seq == 2 and codings(project) == []  # nothing selected: the next turn
        await pilot.press("w", "enter", *"priority", "enter")
        await pilot.pause()
    assert codings(project) == [("Honestly,", "inner.priority", "alex")]


async def test_a_click_in_the_codebook_reads_a_code_and_a_double_click_applies_it(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        tree = app.screen.query_one(CodebookTree)
        node = next(n for n in tree.root.children[0].children if n.data == "inner.priority")
        row = node.line - int(tree.scroll_offset.y)
        await pilot.click(tree, offset=(6, row))
        await pilot.pause()
        assert tree.focused_code == "inner.priority" and codings(project) == []
        row = node.line - int(tree.scroll_offset.y)  # the tree may have scrolled to show it
        await pilot.click(tree, offset=(6, row), times=2)
        await pilot.pause()
    assert [c[1] for c in codings(project)] == ["inner.priority"]


async def test_a_transcript_reopens_where_its_coder_left_off(app, project):
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j", "j", "j")
        await pilot.press("escape")  # back to the list
        await pilot.pause()
        with stored(project) as fresh:
            assert fresh.turn_at(1, fresh.reading_position(1)).seq == 4
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.turn.seq == 4
    project.set_coder("sam")  # another coder starts at the top
    with stored(project) as fresh:
        assert fresh.reading_position(1) is None


async def test_the_margin_names_the_codes_beside_their_lines_and_one_key_hides_it(app, project):
    turn = project.turns(1)[1]
    project.add_coding(1, turn.start, turn.end, "inner.priority", valence="barrier")
    project.add_coding(1, turn.start, turn.end, "inner.culture", coder="sam")
    async with app.run_test(size=(140, 45)) as pilot:
        await open_first_document(pilot)
        margin = app.screen.query_one(CodeMargin)
        rows = [margin.render_line(y).text for y in range(6)]
        assert any("Relative Pri" in r for r in rows) and not any("Culture" in r for r in rows)
        await pilot.press("v")  # sam's codings too: after yours, dimmed
        await pilot.pause()
        lanes = [r.lanes for r in margin._visible_rows() if any(r.lanes)]
        assert [(s.code_id, s.mine) for s in lanes[0] if s] == [("inner.priority", True), ("inner.culture", False)]
        await pilot.press("M")
        await pilot.pause()
        assert not margin.display and "margin off" in str(app.screen.query_one("#status", Static).render())


async def test_the_coding_view_fits_80_by_24(app, project):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_document(pilot)
        await pilot.press("j")
        status = str(app.screen.query_one("#status", Static).render())
        assert "turn 2/4" in status and "whole turn" in status and "…" not in status
        hints = str(app.screen.query_one("#keys-hint", Static).render())
        assert "j k turn" in hints and "c code" in hints and hints.rstrip().endswith("? help")
        transcript = app.screen.query_one("#transcript")
        assert transcript.size.width >= 40  # the text keeps a readable width


async def test_the_palettes_screenshot_is_saved_where_it_says(app, project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        seen = said(app)
        await pilot.pause()
        app.deliver_screenshot()  # what the palette's Screenshot command calls
        await pilot.pause()
    saved = list(tmp_path.glob("*.svg"))
    assert len(saved) == 1 and saved[0].read_text().startswith("<svg")
    assert seen == [f"Saved {saved[0].resolve()}"]


async def test_undo_labels_stored_by_an_older_evalbench_are_said_in_words_too(app, project):
    turn = project.turns(1)[1]
    cid = project.add_coding(1, turn.start, turn.end, "inner.priority")
    with project.action(f"Change memo of coding {cid}") as act:  # the label format before issue 16
        act.update("codings", {"id": cid}, {"memo": "old"})
    with project.action("Accept suggestion #4: inner.culture") as act:
        act.update("codings", {"id": cid}, {"valence": "barrier"})
    async with app.run_test(size=SIZE) as pilot:
        seen = said(app)
        await pilot.pause()
        await pilot.press("ctrl+z", "ctrl+z")
        await pilot.pause()
    assert seen == [
        "Undid: Accept suggestion: Culture",
        "Undid: Change memo of Relative Priority, p01.txt “Honestly, competing priorities…”",
    ]
