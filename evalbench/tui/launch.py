"""Start the workbench on a project file (called by `evalbench open`, `evalbench PROJECT`, `demo`)."""

from __future__ import annotations


def run_app(project_path: str, *, coder: str | None = None) -> None:
    """Open ``project_path`` (remembering ``coder`` if given) and run the TUI until the user quits."""
    from evalbench.project import Project
    from evalbench.tui import settings as tui_settings
    from evalbench.tui.app import EvalbenchApp

    project = Project.open(project_path)
    try:
        if coder:
            project.set_coder(coder)
        settings = tui_settings.load()
        EvalbenchApp(project, settings=settings, light=_terminal_light(settings)).run()
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
