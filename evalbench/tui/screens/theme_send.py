"""Send a coding to a theme, from wherever it is read (the coding view's ``T``, the code browser's ``T``).

A list of the themes (type to narrow it) says which ones already hold the
coding — by a rule, added by hand, or excluded — and offers a new theme. The
chosen theme gets the coding added by hand (one undoable action); a theme whose
rules already take it in is left as it is, and one that excluded it takes it
back.
"""

from __future__ import annotations

from rich.text import Text

from evalbench.errors import UserError
from evalbench.tui.screens.choice_prompt import Choice, ChoicePrompt
from evalbench.tui.screens.prompt import LinePrompt

NEW = "\0new"
MARKS = {"rule": ("✓ by its rules", "green"), "added": ("+ added by hand", "green"), "excluded": ("✗ excluded", "red")}


def send_to_theme(screen, coding_id: int) -> None:
    """Ask which theme (or a new one) and add the coding to it."""
    project = screen.app.project
    service = project.themes
    try:
        coding = project.coding(coding_id)
        how = service.themes_of(service.choose(coding.coder), coding_id)
    except UserError as exc:
        screen.notify(str(exc), severity="error")
        return
    choices = [Choice(NEW, Text("New theme…", style="italic"), "new theme")]
    for theme in service.list():
        label = Text(f"{theme.category} / ", style="dim")
        label.append(theme.name)
        if theme.id in how:
            mark, style = MARKS[how[theme.id]]
            label.append(f"  {mark}", style=style)
        choices.append(Choice(str(theme.id), label, f"{theme.category} {theme.name}"))

    def chosen(value: str | None) -> None:
        if value == NEW:
            _new_theme(screen, coding_id)
        elif value:
            _add(screen, int(value), coding_id, how.get(int(value)))

    screen.app.push_screen(
        ChoicePrompt("Send this coding to the theme", choices, hint="type part of a theme's name"), chosen
    )


def _add(screen, theme_id: int, coding_id: int, how: str | None) -> None:
    service = screen.app.project.themes
    theme = service.theme(theme_id)
    if how in ("rule", "added"):
        screen.notify(f"{theme.name} already holds it ({MARKS[how][0]})")
        return

    def add() -> None:
        if how == "excluded":
            service.follow_rules(theme_id, [coding_id])
            if theme_id not in service.themes_of(service.choose(screen.app.project.coding(coding_id).coder), coding_id):
                service.include(theme_id, [coding_id])
        else:
            service.include(theme_id, [coding_id])

    screen.app.writes.run(
        add,
        lambda _r: screen.notify(f"Added to theme {theme.name} (u undoes; F5 shows the themes)"),
        what=f"adding to the theme {theme.name}",
        owner=screen,
    )


def _new_theme(screen, coding_id: int) -> None:
    service = screen.app.project.themes
    categories = service.categories()

    def named(name: str | None, category: int | str | None = None) -> None:
        if not name or not name.strip():
            return

        def add():
            theme = service.add(name, category if category is not None else categories[0].id)
            service.include(theme.id, [coding_id])
            return theme

        screen.app.writes.run(
            add,
            lambda theme: screen.notify(
                f"New theme {theme.name} in {theme.category}, with this coding (u undoes each)"
            ),
            what=f"the new theme {name.strip()}",
            owner=screen,
        )

    if not categories:
        screen.app.push_screen(
            LinePrompt("New theme (in a new category Themes; F5 renames it)"), lambda name: named(name, "Themes")
        )
        return

    def category_chosen(value: str | None) -> None:
        if value:
            screen.app.push_screen(LinePrompt("New theme"), lambda name: named(name, int(value)))

    screen.app.push_screen(
        ChoicePrompt("New theme in the category", [Choice(str(c.id), c.name) for c in categories]), category_chosen
    )
