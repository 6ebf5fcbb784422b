"""``evalbench import``: transcripts and folders into a project, with a report line per file."""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager

import click

from evalbench.cli.common import open_project, project_argument

#: Exit status after Ctrl+C, as shells report a process stopped by SIGINT.
INTERRUPTED = 130


@click.command("import")
@project_argument
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--participants",
    "participants_csv",
    type=click.Path(dir_okay=False),
    help="CSV with a participant column, a document column (file name; also 'file', 'filename', "
    "'transcript') and attribute columns (role, site, ...).",
)
@click.option(
    "--encoding", metavar="ENC", help="Text encoding of .txt/.md/.vtt/.srt files (default: detect: BOM, UTF-8, cp1252)."
)
@click.option(
    "--max-size",
    "max_size",
    type=click.FloatRange(min=0, min_open=True),
    default=50,
    show_default=True,
    metavar="MB",
    help="Skip files larger than this many megabytes.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Treat warnings as errors: a file whose structure looks wrong is not imported, and any "
    "warning makes the exit status 1.",
)
@click.option(
    "--dry-run",
    "dry_run",
    is_flag=True,
    help="Read and check everything and print the report, but write nothing to the project.",
)
def import_cmd(
    project: str,
    paths: tuple[str, ...],
    participants_csv: str | None,
    encoding: str | None,
    max_size: float,
    strict: bool,
    dry_run: bool,
) -> None:
    """Import transcripts (.txt .md .docx .vtt .srt .json .odt .rtf .pdf) into PROJECT.

    Folders are searched recursively. Every import ends with a report: one
    line per file (speakers with their roles and turns, turns, words), and a
    WARNING line for a file whose structure looks wrong (one huge turn, no
    participant, text outside any turn, a speaker label inside a turn, a part
    not imported). A file already in the project (same bytes) is skipped; a
    file that cannot be read is reported as `name: reason` and the rest still
    import, with exit status 1. Ctrl+C stops after the current file and says
    how many files remain; running the same import again finishes the job.

    \b
    Example:
      evalbench import study.evb interviews/ --participants participants.csv
      evalbench import study.evb P07.docx P08.vtt --encoding cp1252
      evalbench import study.evb interviews/ --dry-run
    """
    from pathlib import Path

    from evalbench.ingest.report import report_lines

    show_bar = any(Path(p).is_dir() for p in paths) and sys.stderr.isatty()  # a log gets the report alone
    bar = None

    def progress(done: int, total: int, message: str) -> None:
        nonlocal bar
        if not show_bar:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Importing", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    cancel = threading.Event()
    with open_project(project) as proj, _stop_after_current_file(cancel):
        try:
            report = proj.import_paths(
                list(paths),
                participants_csv=participants_csv,
                encoding=encoding,
                max_bytes=int(max_size * 1_000_000),
                strict=strict,
                dry_run=dry_run,
                progress=progress,
                cancel=cancel,
            )
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
        n_docs = len(proj.documents())
    for line in report_lines(report, project, None if dry_run else n_docs):
        if line.kind == "file":
            click.echo(line.text)
        elif line.kind == "summary":
            click.echo(line.text)
        elif line.kind == "warning":
            click.secho(line.text, err=True, fg="yellow", bold=True)
        else:
            click.echo(line.text, err=True)
    if report.interrupted:
        sys.exit(INTERRUPTED)
    if report.failed or strict and (report.warnings or report.file_warnings):
        sys.exit(1)


@contextmanager
def _stop_after_current_file(cancel: threading.Event):
    """Ctrl+C sets ``cancel`` (the import stops after the file under way); a second Ctrl+C stops at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupted(signum, frame) -> None:
        if cancel.is_set():
            signal.default_int_handler(signum, frame)  # the file under way rolls back
        cancel.set()
        click.echo("\nStopping after the current file (Ctrl+C again to stop at once)...", err=True)

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


COMMANDS = [import_cmd]
