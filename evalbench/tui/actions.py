"""App-wide actions that ask for input and may run long jobs: coder, import, export, retrain.

Each checks that the project offers the feature (other parts of evalbench are
still landing) and says so plainly when it does not — the UI never fakes data.
"""

from __future__ import annotations

import importlib
import shlex
from pathlib import Path

from evalbench.errors import UserError
from evalbench.tui.screens.prompt import LinePrompt
from evalbench.tui.screens.task import TaskResult, TaskScreen

EXPORT_FORMATS = {".docx": "docx", ".xlsx": "xlsx", ".csv": "csv", ".md": "md", ".qdpx": "qdpx"}


def unavailable(app, what: str) -> None:
    app.notify(f"{what} is not available in this version of evalbench.", severity="warning")


def run_task(app, title: str, job, done) -> None:
    """Run ``job(project, progress, cancel)`` in a worker, then call ``done(value)`` on success."""
    def finished(result: TaskResult | None) -> None:
        if result is None or result.cancelled:
            app.notify(f"{title}: cancelled", severity="warning")
        elif result.error:
            app.notify(f"{title}: {result.error}", severity="error", timeout=10)
        else:
            done(result.value)
        app.refresh_screen()

    app.push_screen(TaskScreen(title, job, app.project), finished)


def switch_coder(app) -> None:
    def chosen(name: str | None) -> None:
        if not name or not name.strip():
            return
        try:
            app.project.set_coder(name)
        except UserError as exc:
            app.notify(str(exc), severity="error")
            return
        app.notify(f"Now coding as {app.project.coder}")
        app.refresh_screen()

    others = ", ".join(c for c in app.project.coders() if c != app.project.coder)
    app.push_screen(LinePrompt("Code as (your codings are kept apart from other coders')",
                               app.project.coder, f"coders so far: {others or 'none'}"), chosen)


def import_files(app) -> None:
    if not hasattr(app.project, "import_paths"):
        unavailable(app, "Import")
        return

    def chosen(value: str | None) -> None:
        if not value or not value.strip():
            return
        paths = [Path(p).expanduser() for p in shlex.split(value)]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            app.notify(f"{missing[0]}: no such file or folder", severity="error")
            return

        def job(project, progress, cancel):
            return project.import_paths(paths, progress=progress, cancel=cancel)

        def done(report) -> None:
            failed = getattr(report, "failed", [])
            app.notify(f"Imported {len(getattr(report, 'imported', []))}, skipped "
                       f"{len(getattr(report, 'skipped', []))}, failed {len(failed)}"
                       + (f": {failed[0][0]}: {failed[0][1]}" if failed else ""),
                       severity="error" if failed else "information", timeout=8)

        run_task(app, "Importing transcripts", job, done)

    app.push_screen(LinePrompt("Import files or folders (separate with spaces; quote names with spaces)",
                               placeholder="interviews/ or p01.docx p02.vtt"), chosen)


def export(app, default: str = "evalbench-export.xlsx", **options) -> None:
    """Ask where to export; the format follows the file extension."""
    if not hasattr(app.project, "export"):
        unavailable(app, "Export")
        return

    def chosen(value: str | None) -> None:
        if not value or not value.strip():
            return
        out = Path(value.strip()).expanduser()
        fmt = EXPORT_FORMATS.get(out.suffix.lower())
        if fmt is None:
            app.notify(f"{out}: use one of {', '.join(EXPORT_FORMATS)}", severity="error")
            return

        def job(project, progress, cancel):
            return project.export(fmt, out, progress=progress, cancel=cancel, **options)

        run_task(app, f"Exporting {out.name}", job, lambda _v: app.notify(f"Wrote {out}", timeout=8))

    app.push_screen(LinePrompt("Export to (.docx, .xlsx, .csv, .md or .qdpx)", default), chosen)


def retrain(app) -> None:
    if not hasattr(app.project, "train_suggester"):
        unavailable(app, "Suggestion training")
        return

    def job(project, progress, cancel):
        return project.train_suggester(progress=progress, cancel=cancel)

    run_task(app, "Retraining suggestions", job, lambda _v: app.notify("Suggestions retrained"))


def open_team_screen(app, name: str) -> None:
    """Open the team engineer's agreement or consensus screen once it exists."""
    try:
        module = importlib.import_module(f"evalbench.tui.screens.{name}")
    except ModuleNotFoundError:
        unavailable(app, name.capitalize())
        return
    screen_cls = next((getattr(module, n) for n in dir(module)
                       if n.endswith("Screen") and getattr(getattr(module, n), "__module__", "") == module.__name__),
                      None)
    if screen_cls is None:
        unavailable(app, name.capitalize())
        return
    app.push_screen(screen_cls())
