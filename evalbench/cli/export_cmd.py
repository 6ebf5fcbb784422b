"""The ``export`` command: Word, Excel, CSV, Markdown and REFI-QDA exports."""

from __future__ import annotations

import click

from evalbench.cli.common import open_project, project_argument


@click.command("export")
@project_argument
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx", "csv", "md", "qdpx"]),
              help="Output format (default: from the file name's extension).")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="File to write.")
@click.option("--by", metavar="role|site|ATTRIBUTE",
              help="docx: break participant counts down by this; xlsx/csv/md: add a matrix by it.")
@click.option("--coder", "only_coder", metavar="NAME",
              help="Use only this coder's codings and ratings (default: every coder's codings, "
                   "your ratings).")
@click.option("--ratings/--no-ratings", default=None,
              help="docx: include the construct × site rating table (default: when sites exist).")
@click.option("--codebook-appendix", is_flag=True, help="docx: append the codebook.")
def export_cmd(project: str, fmt: str | None, out: str, by: str | None, only_coder: str | None,
               ratings: bool | None, codebook_appendix: bool) -> None:
    """Export the analysis: Word theme table, Excel, CSV, Markdown or REFI-QDA.

    docx: methods paragraph, theme table (Domain | Construct | Barrier/Facilitator |
    n participants (roles) | exemplar quotes), construct × site ratings.
    xlsx/csv: one row per coded excerpt plus matrices, frequencies and codebook.
    md: a quick report. qdpx: a REFI-QDA project for other QDA tools.

    \b
    Example:
      evalbench export study.evb -o theme-table.docx --codebook-appendix
      evalbench export study.evb --format xlsx -o coding.xlsx --by site
      evalbench export study.evb -o alex.csv --coder alex
      evalbench export study.evb -o study.qdpx
    """
    from pathlib import Path

    fmt = fmt or Path(out).suffix.lower().lstrip(".")
    if fmt not in ("docx", "xlsx", "csv", "md", "qdpx"):
        raise click.UsageError("give --format (docx, xlsx, csv, md, qdpx) or an output file with that extension")
    options = {"ratings": ratings, "codebook": codebook_appendix} if fmt == "docx" else {}
    with open_project(project) as proj:
        written = proj.export(fmt, out, by=by, coder=only_coder, **options)
    click.echo(f"Wrote {written}")


COMMANDS = [export_cmd]
