"""Analysis commands: bulk coding from a spreadsheet, matrices and exports."""

from __future__ import annotations

import sys

import click

from evalbench.cli.common import coder_option, open_project, project_argument


@click.command("code")
@project_argument
@click.option("--from-csv", "csv_path", required=True, type=click.Path(dir_okay=False, exists=True),
              help="Spreadsheet (CSV) of codings: document, quote|turn|start+end, code, "
                   "and optional coder, valence, memo.")
@coder_option
def code_cmd(project: str, csv_path: str, coder: str | None) -> None:
    """Code excerpts in bulk from a CSV: every row lands, or none does.

    Columns: `document` (file name); the place: `quote` (an excerpt found in
    the transcript; whitespace and curly quotes need not match exactly),
    `turn` (turn number), or `start` and `end` (character offsets); `code`
    (an ID, a name, or `Parent / Name`); optional `coder` (default: --coder
    or the project's coder), `valence` (barrier, facilitator, mixed,
    neutral, none) and `memo`. Undo with `evalbench undo PROJECT`.

    \b
    Example:
      evalbench code study.evb --from-csv codings.csv
      # codings.csv:
      # document,quote,code,coder,valence
      # p01.txt,"no protected time",Relative Priority,alex,barrier
    """
    from evalbench.bulkcode import BulkCodingError

    with open_project(project) as proj:
        try:
            added = proj.code_from_csv(csv_path, coder=coder)
        except BulkCodingError as exc:
            for problem in exc.problems:
                click.echo(f"evalbench: {click.format_filename(csv_path)}: {problem}", err=True)
            click.echo("evalbench: nothing was coded", err=True)
            sys.exit(1)
    click.echo(f"Added {added} coding(s) from {click.format_filename(csv_path)}")


COMMANDS = [code_cmd]
