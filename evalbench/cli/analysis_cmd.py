"""Analysis commands: bulk coding from a spreadsheet and matrices (exports are in export_cmd)."""

from __future__ import annotations

import click

from evalbench.cli.common import (
    coder_option,
    echo_json,
    json_option,
    open_project,
    project_argument,
)
from evalbench.errors import one_line

only_coder_option = click.option(
    "--coder", "only_coder", metavar="NAME", help="Use only this coder's codings (default: every coder's)."
)


@click.command("code")
@project_argument
@click.option(
    "--from-csv",
    "csv_path",
    required=True,
    type=click.Path(dir_okay=False, exists=True),
    help="Spreadsheet (CSV) of codings: document, quote|turn|start+end, code, and optional coder, valence, memo.",
)
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
        except BulkCodingError as exc:  # one line per problem, then the one-line error (evalbench.errors)
            for problem in exc.problems[1:]:
                click.echo(one_line(f"{click.format_filename(csv_path)}: {problem}"), err=True)
            raise
    click.echo(f"Added {added} coding(s) from {click.format_filename(csv_path)}")


@click.command("matrix")
@project_argument
@click.option(
    "--by",
    default="participant",
    show_default=True,
    metavar="participant|role|site|ATTRIBUTE",
    help="Columns: participants, or their role, site or any participants.csv attribute.",
)
@click.option(
    "--level",
    type=click.Choice(["construct", "domain", "code"]),
    default="construct",
    show_default=True,
    help="Rows: constructs (subconstructs counted in), domains, or every code.",
)
@click.option(
    "--count",
    "value",
    type=click.Choice(["codings", "participants"]),
    default="codings",
    show_default=True,
    help="What a cell counts.",
)
@only_coder_option
@click.option(
    "--themes",
    "themes",
    is_flag=True,
    help="Rows are the themes (cells count participants), from the coding `themes list` counts.",
)
@click.option("--all-coders", is_flag=True, help="With --themes: count every coder's codings, not reconciled.")
@json_option
def matrix_cmd(
    project: str, by: str, level: str, value: str, only_coder: str | None, themes: bool, all_coders: bool, as_json: bool
) -> None:
    """Print a code × participant (or role, site, attribute) matrix, or with --themes a thematic matrix.

    The thematic matrix has a row per theme and counts distinct participants;
    its coding follows the rule of `themes list`: `--coder NAME`, `--coder
    consensus`, `--all-coders`, or by default the only coder's, else the
    complete consensus coding.

    \b
    Example:
      evalbench matrix study.evb --by site
      evalbench matrix study.evb --by role --count participants --json
      evalbench matrix study.evb --by participant --coder alex --level domain
      evalbench matrix study.evb --themes --by site --coder consensus --json
    """
    if themes:
        theme_matrix(project, by, only_coder, all_coders, as_json)
        return
    if all_coders:
        raise click.UsageError("--all-coders goes with --themes (a code matrix counts every coder unless --coder)")
    with open_project(project) as proj:
        table = proj.matrix(by=by, coder=proj.known_coder(only_coder), level=level, value=value)
    if as_json:
        echo_json(
            [
                {"code_id": idx, **{k: (v if k == "code" else int(v)) for k, v in row.items()}}
                for idx, row in zip(table.index, table.to_dict("records"), strict=True)
            ]
        )
        return
    if table.empty:
        click.echo("No codings yet.", err=True)
        return
    click.echo(
        render_table(
            ["code", *[str(c) for c in table.columns[1:]]],
            [[row[0], *(str(int(v)) for v in row[1:])] for row in table.itertuples(index=False)],
        )
    )


def theme_matrix(project: str, by: str, only_coder: str | None, all_coders: bool, as_json: bool) -> None:
    """``matrix --themes``: themes × ``by``, participants per cell, grouped by category."""
    with open_project(project) as proj:
        choice = proj.themes.choose(only_coder, all_coders=all_coders)
        frame = proj.themes.matrix(choice, by=by)
    columns = [str(c) for c in frame.columns[2:]]
    if as_json:
        echo_json(
            [
                {
                    "category": row[0],
                    "theme": row[1],
                    "participants": {c: int(v) for c, v in zip(columns, row[2:], strict=True)},
                }
                for row in frame.itertuples(index=False)
            ]
        )
        return
    click.echo(f"Participants per {by}, counting {choice.description}.", err=True)
    if frame.empty:
        click.echo("No themes yet: `evalbench themes add` or `evalbench themes import`.", err=True)
        return
    rows, category = [], None
    for row in frame.itertuples(index=False):
        if row[0] != category:
            category = row[0]
            rows.append([category, *[""] * len(columns)])
        rows.append(["  " + row[1], *(str(int(v)) for v in row[2:])])
    click.echo(render_table(["theme", *columns], rows))


def render_table(header: list[str], rows: list[list[str]], *, first_width: int = 40) -> str:
    """Plain aligned columns: the first (names) left-aligned and cut, the rest right-aligned."""
    cut = [[(r[0] if len(r[0]) <= first_width else r[0][: first_width - 1] + "…"), *r[1:]] for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *cut, strict=True)]
    lines = []
    for row in [header, *cut]:
        cells = [str(row[0]).ljust(widths[0])] + [str(v).rjust(w) for v, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


COMMANDS = [code_cmd, matrix_cmd]
