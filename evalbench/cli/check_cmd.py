"""Integrity commands: check a project, recover what can be read from a damaged one."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.argument("project", type=click.Path())
@click.option("--repair-index", is_flag=True, help="Rebuild the full-text index if it is out of step.")
def check(project: str, repair_index: bool) -> None:
    """Verify a project: SQLite integrity, codings inside their documents, no orphans, search index in sync.

    Exits 0 when the project is healthy, 1 when problems were found or the
    file is not an evalbench project at all (the line says why).

    \b
    Example:
      evalbench check study.evb
    """
    from evalbench.store import integrity

    path = Path(project)
    found = integrity.check_file(path, repair_index=repair_index)
    if found.rebuilt_index:
        click.echo("Rebuilt the full-text index.")
    problems = found.problems
    for p in problems:
        click.echo(f"{path.name}: {p.check}: {p.detail}", err=True)
    if problems:
        click.echo(
            f"{path.name}: {len(problems)} problem(s); `evalbench recover {path} -o NEW.evb` "
            "copies out what can be read",
            err=True,
        )
        sys.exit(1)
    click.echo(f"{path.name}: ok")


@click.command()
@click.argument("damaged", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="New project file to write what can be read into.",
)
def recover(damaged: str, output: str) -> None:
    """Copy every readable row of a damaged project into a new project file.

    The damaged file is only read, never written.

    \b
    Example:
      evalbench recover study.evb -o study-recovered.evb
    """
    from evalbench.store import integrity

    report = integrity.recover(Path(damaged), Path(output))
    for table, (copied, lost) in report.items():
        if copied or lost:
            note = "unreadable" if lost < 0 else (f"{lost} lost" if lost else "")
            click.echo(f"{table:<24} {copied:>8} copied  {note}")
    click.echo(f"Recovered into {output}; run `evalbench check {output}`")


COMMANDS = [check, recover]
