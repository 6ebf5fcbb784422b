"""The Themes screen (F5) driven by keys, each change checked in the stored project (a fresh connection)."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from evalbench.project import Project
from evalbench.tui.launch import make_app
from evalbench.tui.screens.themes import ThemesScreen

from .conftest import SIZE, stored


def coded(project) -> dict[str, int]:
    """alex's codings on the small project: a barrier on p01 turn 2, a facilitator on p01 turn 4 and on p02."""
    project.set_participant(1, "P01", {"role": "physician", "site": "North"})
    project.set_participant(2, "P02", {"role": "nurse", "site": "South"})
    t1, t2 = project.turns(1), project.turns(2)
    return {
        "barrier": project.add_coding(1, t1[1].start, t1[1].end, "inner.priority", valence="barrier"),
        "culture1": project.add_coding(1, t1[3].start, t1[3].end, "inner.culture", valence="facilitator"),
        "culture2": project.add_coding(2, t2[1].start, t2[1].end, "inner.culture", valence="facilitator"),
    }


async def open_themes(app, pilot) -> ThemesScreen:
    await pilot.pause()
    await pilot.press("f5")
    await pilot.pause()
    assert isinstance(app.screen, ThemesScreen)
    return app.screen


def listed(screen, list_id: str) -> list[str]:
    listing = screen.query_one(f"#{list_id}", OptionList)
    return [str(listing.get_option_at_index(i).id) for i in range(listing.option_count)]


async def test_a_new_project_gets_a_preset_then_themes_rules_and_counts(app, project):
    ids = coded(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_themes(app, pilot)
        assert "No themes yet" in str(screen.query_one("#theme-list", OptionList).get_option_at_index(0).prompt)
        await pilot.press("P", "enter")  # Successes / Barriers / Lessons learned
        await pilot.pause()
        assert [c.name for c in stored(project).themes.categories()] == ["Successes", "Barriers", "Lessons learned"]
        await pilot.press("down", "n", *"No time", "enter")  # a theme in the highlighted category
        await pilot.pause()
        theme = stored(project).themes.theme("No time")
        assert theme.category == "Barriers" and screen.theme_id == theme.id
        await pilot.press("l", *"relat", "enter", *"bar", "enter")
        await pilot.pause()
        assert [(r.code_id, r.valence) for r in stored(project).themes.rules(theme.id)] == [
            ("inner.priority", "barrier")
        ]
        head = str(screen.query_one("#theme-head", Static).render())
        assert "1 participant: 1 physician · 1 interview · 1 coding" in head
        assert listed(screen, "theme-quotes") == [f"table:{ids['barrier']}"]
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*"On days off.", "ctrl+s")
        await pilot.pause()
        assert stored(project).themes.theme(theme.id).description == "On days off."
        assert "On days off." in str(screen.query_one("#theme-description", Static).render())
        await pilot.press("u")  # undo the description, then the rule
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        again = stored(project).themes
        assert again.theme(theme.id).description == "" and again.rules(theme.id) == []
        assert "0 participants" in str(screen.query_one("#theme-head", Static).render())


async def test_pick_order_exclude_and_reinclude_quotes(app, project):
    ids = coded(project)
    theme = project.themes.add("Safe culture", "Successes")
    project.themes.link(theme.id, "inner", "facilitator")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_themes(app, pilot)
        assert screen.theme_id == theme.id
        await pilot.press("enter")  # on a theme: to its quotes
        await pilot.pause()
        assert screen.focused.id == "theme-quotes"
        shown = listed(screen, "theme-quotes")
        assert sorted(shown) == sorted([f"table:{ids['culture1']}", f"table:{ids['culture2']}"])
        first, second = (int(key.split(":")[1]) for key in shown)
        await pilot.press("p", "down", "p")  # pick both, in list order
        await pilot.pause()
        assert stored(project).themes.exemplars(theme.id) == [first, second]
        await pilot.press("K")  # the second (highlighted) moves up
        await pilot.pause()
        assert stored(project).themes.exemplars(theme.id) == [second, first]
        assert listed(screen, "theme-quotes")[:2] == [f"table:{second}", f"table:{first}"]
        await pilot.press("home", "x")  # exclude it: it shows struck through at the end
        await pilot.pause()
        p = stored(project)
        row = p.themes.table(p.themes.choose())[0]
        assert row.codings == 1 and [q.coding_id for q in row.quotes] == [first]
        assert listed(screen, "theme-quotes")[-1] == f"excluded:{second}"
        await pilot.press("end", "x")  # the rules decide again
        await pilot.pause()
        assert stored(project).themes.hand_codings(theme.id) == []
        assert stored(project).themes.table(stored(project).themes.choose())[0].codings == 2


async def test_rename_move_merge_split_and_delete_then_undo(app, project):
    coded(project)
    service = project.themes
    service.apply_preset("successes-barriers-lessons")
    time = service.add("No time", "Barriers")
    service.link(time.id, "inner.priority", "barrier")
    load = service.add("Workload", "Barriers", description="Too much else.")
    service.link(load.id, "inner.culture")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_themes(app, pilot)
        assert screen.theme_id == time.id
        await pilot.press("r", "ctrl+u", *"Time", "enter")
        await pilot.pause()
        assert stored(project).themes.theme(time.id).name == "Time"
        await pilot.press("J")  # down, below Workload
        await pilot.pause()
        assert [t.name for t in stored(project).themes.list()] == ["Workload", "Time"]
        await pilot.press("m", *"less", "enter")
        await pilot.pause()
        assert stored(project).themes.theme(time.id).category == "Lessons learned"
        screen.theme_id = load.id
        screen.reload()
        await pilot.press("M", *"time", "enter")  # Workload merges into No protected time
        await pilot.pause()
        merged = stored(project).themes
        assert [t.name for t in merged.list()] == ["Time"]
        assert sorted(r.code_id for r in merged.rules(time.id)) == ["inner.culture", "inner.priority"]
        assert screen.theme_id == time.id
        await pilot.press("tab", "down")  # to the rules, the second one (Culture)
        await pilot.pause()
        assert screen.focused.id == "theme-rules"
        await pilot.press("S", *"Blame", "enter")
        await pilot.pause()
        split = stored(project).themes.theme("Blame")
        assert [r.code_id for r in stored(project).themes.rules(split.id)] == ["inner.culture"]
        await pilot.press("shift+tab")
        await pilot.pause()
        await pilot.press("d")  # delete the highlighted theme (the new one)
        await pilot.pause()
        assert [t.name for t in stored(project).themes.list()] == ["Time"]
        await pilot.press("u")
        await pilot.pause()
        assert [t.name for t in stored(project).themes.list()] == ["Time", "Blame"]


async def test_which_coding_is_counted_shows_and_changes(demo):
    project = Project.open(demo, coder="alex")
    app = make_app(project, suggest_delay=0)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_themes(app, pilot)
        bar = screen.query_one("#themes-bar", Static)
        assert "Counting alex's coding · 2 coders, no complete consensus: c chooses" in str(bar.render())
        first = screen.theme_id
        expected = project.themes.row(project.themes.choose("alex"), first)
        assert f"{expected.participants} participants" in str(screen.query_one("#theme-head", Static).render())
        await pilot.press("c")  # from the rule to alex's coding, chosen (no more note)
        await pilot.pause()
        assert screen.choice.coder == "alex" and "c changes" in str(bar.render())
        await pilot.press("c")
        await pilot.pause()
        assert screen.choice.coder == "sam"
        await pilot.press("c")
        await pilot.pause()
        assert screen.choice.all_coders and "every coder's coding (alex, sam)" in str(bar.render())
        count = project.themes.row(project.themes.choose(all_coders=True), first).codings
        assert f"{count} codings" in str(screen.query_one("#theme-head", Static).render())
    project.close()


async def test_the_code_browser_sends_an_excerpt_to_a_theme_and_the_themes_screen_counts_it(app, project):
    ids = coded(project)
    theme = project.themes.add("Leaders showed up", "Successes")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        app.screen.show_code("inner.culture")
        await pilot.pause()
        excerpts = app.screen.query_one("#excerpt-list", OptionList)
        excerpts.focus()
        excerpts.highlighted = [excerpts.get_option_at_index(i).id for i in range(excerpts.option_count)].index(
            str(ids["culture1"])
        )
        await pilot.press("T")
        await pilot.pause()
        await pilot.press(*"leaders", "enter")
        await pilot.pause()
        hand = stored(project).themes.hand_codings(theme.id)
        assert [(h.coding_id, h.included) for h in hand] == [(ids["culture1"], True)]
        await pilot.press("T", *"leaders", "enter")  # again: the theme already holds it, nothing changes
        await pilot.pause()
        assert len(stored(project).themes.hand_codings(theme.id)) == 1
        screen = await open_themes(app, pilot)
        assert "1 participant: 1 physician" in str(screen.query_one("#theme-head", Static).render())


async def test_the_analysis_screen_shows_themes_by_site_and_the_quotes_behind_a_cell(app, project):
    from textual.coordinate import Coordinate
    from textual.widgets import DataTable

    ids = coded(project)
    culture = project.themes.add("Safe culture", "Successes")
    project.themes.link(culture.id, "inner.culture", "facilitator")
    project.themes.add("Nothing yet", "Barriers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("s", "t")  # by site, themes in the rows
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == ["Theme", "North", "South"]
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["Safe culture", "Nothing yet"]
        assert [str(v) for v in table.get_row_at(0)[1:]] == ["1", "1"]
        assert "Themes × site · alex's coding" in str(app.screen.query_one("#analysis-bar", Static).render())
        table.cursor_coordinate = Coordinate(0, 2)
        await pilot.press("enter")
        await pilot.pause()
        quotes = app.screen.query_one("#quotes", OptionList)
        assert [quotes.get_option_at_index(i).id for i in range(quotes.option_count)] == [str(ids["culture2"])]
        await pilot.press("t")  # back to the codes
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(table.columns[next(iter(table.columns))].label) == "Code"


async def test_the_coding_view_sends_the_active_coding_to_a_new_theme(app, project):
    from .conftest import open_first_document

    project.themes.apply_preset("facilitators-barriers")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_document(pilot)
        await pilot.press("j", "c", *"priority", "enter")
        await pilot.pause()
        coding = stored(project).codings()[0].id
        await pilot.press("T")
        await pilot.pause()
        await pilot.press("enter")  # the first entry: New theme…
        await pilot.pause()
        await pilot.press(*"barr", "enter")  # in Barriers
        await pilot.pause()
        await pilot.press(*"No time", "enter")
        await pilot.pause()
        theme = stored(project).themes.theme("No time")
        assert theme.category == "Barriers"
        assert [(h.coding_id, h.included) for h in stored(project).themes.hand_codings(theme.id)] == [(coding, True)]
