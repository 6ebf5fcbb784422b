"""Start the workbench on a project file (called by `evalbench open`, `evalbench PROJECT`, `demo`)."""

from __future__ import annotations


def run_app(project_path: str, *, coder: str | None = None) -> None:
    """Open ``project_path`` (remembering ``coder`` if given) and run the TUI until the user quits."""
    from evalbench.project import Project
    from evalbench.tui.app import EvalbenchApp

    project = Project.open(project_path)
    try:
        if coder:
            project.set_coder(coder)
        EvalbenchApp(project).run()
    finally:
        project.close()
