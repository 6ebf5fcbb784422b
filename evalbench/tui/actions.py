"""App-wide actions that ask for input or run long jobs: coder, import, export, retrain, screenshot;
and undo labels said in the user's words.
"""

from __future__ import annotations

import codecs
import os
import re
import shlex
from pathlib import Path

from evalbench.errors import UserError
from evalbench.tui.screens.prompt import ImportPrompt, ImportRequest, LinePrompt
from evalbench.tui.screens.task import TaskResult, TaskScreen


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

        def done(_result) -> None:
            app.notify(f"Now coding as {app.project.coder}")
            app.refresh_screen()

        app.writes.run(lambda: app.project.set_coder(name), done, what=f"coding as {name.strip()}", owner=app)

    others = ", ".join(c for c in app.project.coders() if c != app.project.coder)
    app.push_screen(
        LinePrompt(
            "Code as (your codings are kept apart from other coders')",
            app.project.coder,
            f"coders so far: {others or 'none'}",
        ),
        chosen,
    )


def import_files(app) -> None:
    """Ask for files or folders, a participants CSV and an encoding (as ``evalbench import``), then import."""

    def chosen(request: ImportRequest | None) -> None:
        if request is None:
            return
        try:
            paths, participants, encoding = check_import(request)
        except UserError as exc:
            app.notify(str(exc), severity="error")
            return

        def job(project, progress, cancel):
            return project.import_paths(
                paths, participants_csv=participants, encoding=encoding, progress=progress, cancel=cancel
            )

        def finished(result: TaskResult | None) -> None:
            # Cancel stops after the file under way: what landed is reported like any import.
            app.refresh_screen()  # the screen below shows the new documents when the report closes
            if result is not None and result.error:
                app.notify(f"Importing transcripts: {result.error}", severity="error", timeout=10)
            elif result is not None and result.value is not None:
                from evalbench.ingest.report import report_lines
                from evalbench.tui.screens.import_report import ImportReportScreen

                lines = report_lines(result.value, app.project.path.name, len(app.project.documents()))
                app.push_screen(ImportReportScreen(lines))
            else:
                app.notify("Importing transcripts: cancelled", severity="warning")

        app.push_screen(TaskScreen("Importing transcripts", job, app.project), finished)

    app.push_screen(ImportPrompt(check_import), chosen)


def check_import(request: ImportRequest) -> tuple[list[Path], Path | None, str | None]:
    """The paths, participants CSV and encoding of an import form, or a UserError naming what is wrong."""
    try:
        paths = [Path(p).expanduser() for p in shlex.split(request.paths)]
    except ValueError as exc:  # an unclosed quote
        raise UserError(f"files to import: {exc}") from None
    participants = Path(request.participants).expanduser() if request.participants else None
    for path in [*paths, *([participants] if participants else [])]:
        if not path.exists():
            raise UserError(f"{path}: no such file or folder")
    if participants is not None and not participants.is_file():
        raise UserError(f"{participants}: the participants CSV must be a file")
    encoding = request.encoding or None
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UserError(f"unknown encoding {encoding!r} (try utf-8, cp1252 or latin-1)") from None
    return paths, participants, encoding


def export(app, default: str = "evalbench-export.xlsx", **options) -> None:
    """Ask where and how to export (the export form); the format follows the file extension."""
    from evalbench.tui.screens.export_prompt import ExportPrompt, plan_export

    def chosen(plan) -> None:
        if plan is None:
            return

        def job(project, progress, cancel):
            return project.write_export(
                plan.fmt,
                plan.out,
                coder=plan.coder,
                all_coders=plan.all_coders,
                progress=progress,
                cancel=cancel,
                **plan.options,
            )

        def done(result) -> None:
            for warning in result.warnings:
                app.notify(warning, severity="warning", timeout=10)
            more = f" and {len(result.files) - 1} more file(s)" if len(result.files) > 1 else ""
            app.notify(f"Wrote {result.path}{more} ({result.coding})", timeout=8)

        run_task(app, f"Exporting {plan.out.name}", job, done)

    def check(request):
        """The form's plan, once the project can say which coding it counts (else the form stays open)."""
        plan = plan_export(request, options)
        app.project.themes.choose(plan.coder, all_coders=plan.all_coders)
        return plan

    app.push_screen(ExportPrompt(default, options, check), chosen)


def retrain(app) -> None:
    def job(project, progress, cancel):
        return project.train_suggester(progress=progress, cancel=cancel)

    run_task(app, "Retraining suggestions", job, lambda _v: app.notify("Suggestions retrained"))


def screenshot(app, filename: str | None = None, path: str | None = None, time_format: str | None = None) -> str | None:
    """Save an SVG of the screen (in ``path``, else the current folder, else home) and say where it went."""
    from datetime import datetime

    stamp = datetime.now().strftime(time_format or "%Y-%m-%dT%H_%M_%S")
    title = re.sub(r"[^\w.-]+", "_", app.title or "evalbench")
    name = filename or f"{title}_{stamp}.svg"
    folders = [Path(path).expanduser()] if path else [Path.cwd(), Path.home()]
    problem = ""
    for folder in folders:
        if not os.access(folder, os.W_OK):
            problem = f"{folder}: not writable"
            continue
        try:
            saved = app.save_screenshot(name, str(folder))
        except OSError as exc:
            problem = f"{folder / name}: {exc.strerror or exc}"
            continue
        app.notify(f"Saved {Path(saved).resolve()}", title="Screenshot", timeout=8)
        return saved
    app.notify(f"Screenshot not saved — {problem}", title="Screenshot", severity="error", timeout=10)
    return None


#: Label shapes written before labels were in the user's words, with the code IDs they held.
_LEGACY_CODES = [
    re.compile(p)
    for p in (
        r"^Code (?P<id>\S+)$",
        r"^Rate (?P<id>\S+) for ",
        r"^Consensus [a-z ]+ on (?P<id>\S+) \(",
        r"^(?:Accept|Reject) suggestion(?P<num> #\d+)?: (?P<id>\S+)$",
    )
]
_LEGACY_CODING = re.compile(r"^(?:Change [a-z_, ]+ of|Remove|Memo on) coding (?P<num>\d+)$")


def in_words(project, label: str) -> str:
    """An undo label as people read it.

    New labels are written in the user's words already; labels stored by an
    older evalbench (``Change memo of coding 659``, ``Code cfir2.inner.culture``,
    ``Accept suggestion #4: cfir2.individuals.motivation``) still sit in the undo
    logs of existing projects, so the code and coding IDs in those shapes (and
    only there: a passage quoted in a label may hold any word) are named here.
    """
    coding = _LEGACY_CODING.match(label)
    codes = [m for m in (p.search(label) for p in _LEGACY_CODES) if m]
    if coding is None and not codes:
        return label
    from evalbench.codebook.labels import code_labels
    from evalbench.store.describe import first_words

    labels = code_labels(project.codes())
    if coding is not None:
        try:
            c = project.coding(int(coding.group("num")))
            doc = project.document(c.document_id, with_text=False)
            quote = first_words(project.document_text(c.document_id)[c.start : c.end])
            words = f"{labels.get(c.code_id, c.code_id)}, {doc.participant or doc.name} {quote}"
        except UserError:
            words = "a coding"  # removed since: nothing left to name it by
        return label[: coding.start("num") - len("coding ")] + words
    match = codes[0]
    if match.group("id") not in labels:
        return label
    start, end = match.span("id")
    label = label[:start] + labels[match.group("id")] + label[end:]
    if "num" in match.groupdict() and match.group("num"):
        label = label.replace(match.group("num"), "", 1)
    return label
