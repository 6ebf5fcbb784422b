"""Building and starting the workbench: the one app factory the command line and the tests share.

:func:`make_app` takes every choice as an explicit parameter (settings, the
terminal's lightness, the suggestion thread, how long the cursor rests before
suggestions are asked), so nothing is patched onto an app after it is built
and nothing in the app probes for what a test might have set. :func:`run_app`
is what ``evalbench open``, ``evalbench PROJECT`` and ``evalbench demo`` call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalbench.tui.suggest_service import SETTLE_SECONDS

if TYPE_CHECKING:
    from evalbench.project import Project
    from evalbench.tui.app import EvalbenchApp
    from evalbench.tui.settings import Settings
    from evalbench.tui.suggest_service import Suggestions


def make_app(
    project: Project,
    *,
    settings: Settings | None = None,
    light: bool | None = None,
    suggestions: Suggestions | None = None,
    suggest_delay: float = SETTLE_SECONDS,
) -> EvalbenchApp:
    """The workbench on an open ``project``.

    Args:
        project: the open project (the caller closes it).
        settings: keymap, theme and margin; default: the user's config file.
        light: whether the terminal is light, when neither the settings nor the
            environment say (None: unknown; :func:`run_app` asks the terminal).
        suggestions: the suggestion thread; default: the app's own, on its own
            connection (tests pass a stand-in that answers at once).
        suggest_delay: seconds the cursor rests on a turn before its
            suggestions are asked (0: at once, as tests want).
    """
    from evalbench.tui import settings as tui_settings
    from evalbench.tui.app import EvalbenchApp

    return EvalbenchApp(
        project,
        settings=settings if settings is not None else tui_settings.load(),
        light=light,
        suggestions=suggestions,
        suggest_delay=suggest_delay,
    )


def run_app(project: Project) -> None:
    """Run the workbench on ``project`` until the user quits, then close the project."""
    from evalbench.tui import settings as tui_settings

    try:
        settings = tui_settings.load()
        make_app(project, settings=settings, light=_terminal_light(settings)).run()
    finally:
        project.close()


def _terminal_light(settings) -> bool | None:
    """Whether the terminal is light, when no theme is set or remembered: from the environment, else asked."""
    if settings.theme is not None:
        return None
    from evalbench.tui import settings as tui_settings
    from evalbench.tui.terminal_colors import is_light, query_background

    light = tui_settings.terminal_is_light()
    if light is None:
        rgb = query_background()
        light = is_light(rgb) if rgb is not None else None
    return light
