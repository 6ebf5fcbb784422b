"""The user's settings: a keymap and a theme from the config file, what the workbench remembers,
and a light or dark terminal followed."""

from __future__ import annotations

import json

from textual.widgets import Static

from evalbench.tui import colors
from evalbench.tui.launch import make_app
from evalbench.tui.screens.help import HelpScreen
from evalbench.tui.settings import Settings, config_path, load, state_path, terminal_is_light
from evalbench.tui.terminal_colors import is_light, parse_reply

from .conftest import SIZE, open_first_document


def write_config(text: str) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


async def test_a_keymap_in_the_config_file_rebinds_keys_and_the_help_shows_them(project):
    write_config('[keymap]\n"coding.next-turn" = "x,down"\n[keymap.coding]\ncode = "ctrl+k"\n')
    app = make_app(project, suggest_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert app.screen.turn.seq == 2
        await pilot.press("j")  # no longer bound
        await pilot.pause()
        assert app.screen.turn.seq == 2
        hints = str(app.screen.query_one("#keys-hint", Static).render())
        assert hints.startswith("x k turn  ctrl+k code")
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        tables = [w.content for w in app.screen.query(Static)]
        coding = next(t for t in tables if getattr(t, "title", "") == "Coding")
        rows = list(zip(*(list(c.cells) for c in coding.columns), strict=True))
        assert ("x, ↓", "Next turn", "coding.next-turn") in rows


async def test_mistakes_in_the_config_file_are_reported_and_the_defaults_kept(project):
    write_config('theme = "no-such-theme"\n[keymap]\n"coding.nxt-turn" = "x"\n')
    app = make_app(project)
    seen = []
    app.notify = lambda message, *a, **k: seen.append(str(message))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
    assert any("'coding.nxt-turn'" in m for m in seen) and any("'no-such-theme'" in m for m in seen)
    write_config("[keymap\n")
    assert load().problems and load().keymap == {}


async def test_a_light_terminal_gets_a_light_theme_and_readable_code_colours(project):
    app = make_app(project, settings=Settings(), light=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light" and colors.theme_is_light()
        swatch = colors.code_colors(project.codes())["inner.culture"]
        assert colors.contrast(colors._rgb(swatch), colors._rgb(app.current_theme.background)) >= 3
    dark = make_app(project, settings=Settings(), light=False)
    async with dark.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert dark.theme == "textual-dark" and not colors.theme_is_light()


async def test_a_theme_chosen_in_the_palette_is_remembered(project):
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        app.theme = "nord"  # what the palette's Theme command does
        await pilot.pause()
        assert app.screen.code_palette  # the coding view redrew its codes for the new background
    assert json.loads(state_path().read_text())["theme"] == "nord"
    again = make_app(project)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"
    write_config('theme = "textual-light"\n')  # the config file wins over what was remembered
    assert load().theme == "textual-light"


def test_the_terminal_says_whether_it_is_light():
    assert terminal_is_light({"COLORFGBG": "0;15"}) is True
    assert terminal_is_light({"COLORFGBG": "15;0"}) is False
    assert terminal_is_light({"COLORFGBG": "15;default;0"}) is False
    assert terminal_is_light({}) is None
    assert terminal_is_light({"EVALBENCH_THEME": "light", "COLORFGBG": "15;0"}) is True
    assert parse_reply(b"\x1b]11;rgb:ffff/ffff/dddd\x1b\\\x1b[?62;c") == (255, 255, 221)
    assert parse_reply(b"\x1b[?62;c") is None
    assert is_light((255, 255, 221)) and not is_light((30, 30, 30))


def test_every_binding_has_an_id_and_the_guide_lists_it():
    from pathlib import Path

    from textual.binding import Binding

    from evalbench.tui.app import screen_classes
    from evalbench.tui.keys import binding_ids

    classes = screen_classes()
    nameless = [
        f"{cls.__name__}: {b.key}"
        for cls in classes
        for b in vars(cls)["BINDINGS"]
        if isinstance(b, Binding) and not b.id
    ]
    assert not nameless, f"bindings without an id: {nameless}"
    guide = (Path(__file__).resolve().parents[2] / "docs" / "guide.md").read_text(encoding="utf-8")
    lines = {line.split("`")[1]: line for line in guide.splitlines() if line.startswith("- `") and "`: " in line}
    missing = [
        i
        for i in binding_ids(classes)
        if i.split(".", 1)[1] not in lines.get(i.split(".", 1)[0] + ".", "").split(": ", 1)[-1].split(", ")
    ]
    assert not missing, f"binding ids not in docs/guide.md's list: {missing}"
