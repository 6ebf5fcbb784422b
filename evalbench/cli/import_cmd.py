"""``evalbench import``: transcripts and folders into a project."""

from __future__ import annotations

import sys

import click

from evalbench.cli.common import open_project, project_argument


@click.command("import")
@project_argument
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--participants",
    "participants_csv",
    type=click.Path(dir_okay=False),
    help="CSV with a participant column, a document column (file name) and attribute columns (role, site, ...).",
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
def import_cmd(
    project: str, paths: tuple[str, ...], participants_csv: str | None, encoding: str | None, max_size: float
) -> None:
    """Import transcripts (.txt .md .docx .vtt .srt .odt .rtf .pdf) into PROJECT.

    Folders are searched recursively. A file already in the project (same
    bytes) is skipped; a file that cannot be read is reported on stderr as
    `name: reason` and the rest still import, with exit status 1.

    \b
    Example:
      evalbench import study.evb interviews/ --participants participants.csv
      evalbench import study.evb P07.docx P08.vtt --encoding cp1252
    """
    from pathlib import Path

    show_bar = any(Path(p).is_dir() for p in paths)
    bar = None

    def progress(done: int, total: int, message: str) -> None:
        nonlocal bar
        if not show_bar:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Importing", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    with open_project(project) as proj:
        try:
            report = proj.import_paths(
                list(paths),
                participants_csv=participants_csv,
                encoding=encoding,
                max_bytes=int(max_size * 1_000_000),
                progress=progress,
            )
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
        n_docs = len(proj.documents())
    for name, reason in report.skipped:
        click.echo(f"{name}: skipped, {reason}", err=True)
    for name, reason in report.failed:
        click.echo(f"{name}: {reason}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    parts = [f"{len(report.skipped)} skipped"] if report.skipped else []
    if report.failed:
        parts.append(f"{len(report.failed)} failed")
    extra = f" ({', '.join(parts)})" if parts else ""
    click.echo(f"Imported {len(report.imported)} file(s) into {project}{extra}; {n_docs} document(s) in the project.")
    if report.failed:
        sys.exit(1)


COMMANDS = [import_cmd]
