"""The ``export`` command: Word, Excel, CSV, Markdown and REFI-QDA exports.

The formats come from :mod:`evalbench.export.registry` (``--format``'s choices
are read from it whenever help is shown or the command runs), so a new format
needs no edit here unless it brings a new option.
"""

from __future__ import annotations

from typing import Any

import click

from evalbench.cli.common import open_project, project_argument
from evalbench.export import registry


class FormatChoice(click.Choice):
    """``--format``'s choices: the formats registered when the help is shown or the command runs."""

    def __init__(self) -> None:
        super().__init__((), case_sensitive=False)

    @property  # click keeps choices as a plain attribute; here it follows the registry
    def choices(self) -> tuple[str, ...]:
        return tuple(registry.names())

    @choices.setter
    def choices(self, _value: Any) -> None:
        """Click's constructor assigns the (empty) tuple it was given; the registry is the answer."""


#: CLI parameter -> ReportOptions field, for the options a user gave explicitly.
_REPORT_OPTIONS = {
    "layout": "layout",
    "by": "by",
    "mixed": "mixed",
    "min_participants": "min_participants",
    "quotes": "quotes",
    "paper": "paper",
    "fold_subconstructs": "fold_subconstructs",
    "figures": "figures",
    "figures_dir": "figures_dir",
    "cfir": "cfir",
    "matrix_by": "matrix",
    "ratings": "ratings",
    "codebook_appendix": "codebook",
}


@click.command("export")
@project_argument
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(dir_okay=False),
    help="File to write; the format follows its extension.",
)
@click.option("--format", "fmt", type=FormatChoice(), help="Output format (default: from the file name's extension).")
@click.option(
    "--layout",
    type=click.Choice(["constructs", "themes"]),
    help="docx/md: the findings table by CFIR construct (default) or by theme.",
)
@click.option(
    "--coder",
    "only_coder",
    metavar="NAME",
    help="Count this coder's codings (`consensus` for the consensus coding). Default: the only "
    "coder's, else the consensus coding when complete, else an error naming the choices.",
)
@click.option("--all-coders", is_flag=True, help="Count every coder's codings, not reconciled.")
@click.option(
    "--by",
    metavar="role|site|ATTRIBUTE",
    help="Break participant counts down by this (default: role); xlsx/csv: add a matrix by it.",
)
@click.option(
    "--mixed/--no-mixed", default=None, help="docx/md: include rows of excerpts coded as mixed (default: include)."
)
@click.option(
    "--min-participants",
    type=click.IntRange(min=1),
    metavar="N",
    help="docx/md: leave out rows with fewer than N participants (default: 1).",
)
@click.option("--quotes", type=click.IntRange(0, 20), metavar="N", help="Exemplar quotes per row (default: 2).")
@click.option("--paper", type=click.Choice(["letter", "a4"]), help="docx: paper size (default: letter).")
@click.option(
    "--fold-subconstructs",
    is_flag=True,
    default=None,
    help="docx/md: count subconstructs towards their construct instead of giving them rows.",
)
@click.option("--cfir", is_flag=True, default=None, help="docx/md, themes layout: add the CFIR mapping column.")
@click.option(
    "--matrix",
    "matrix_by",
    metavar="site|role|participant|ATTRIBUTE",
    help="Add the matrix of the table's rows × this (participant counts); xlsx/csv: the thematic matrix by this.",
)
@click.option(
    "--figures/--no-figures",
    default=None,
    help="docx: embed the figures (rating heatmap, participants by role, co-occurrence; default: yes).",
)
@click.option(
    "--figures-dir",
    type=click.Path(file_okay=False, exists=True),
    metavar="DIR",
    help="docx/md/xlsx: also write each figure as PNG and SVG into DIR.",
)
@click.option(
    "--ratings/--no-ratings",
    default=None,
    help="docx/md: include the construct × site rating table (default: when sites exist).",
)
@click.option("--codebook-appendix", is_flag=True, default=None, help="docx: append the codebook.")
@click.pass_context
def export_cmd(
    ctx: click.Context, project: str, out: str, fmt: str | None, only_coder: str | None, all_coders: bool, **params
) -> None:
    """Export the findings: Word report, Excel, CSV, Markdown or REFI-QDA.

    docx: methods paragraph, findings table (by construct, or `--layout
    themes`: Theme | Description | n participants (roles) | exemplar quotes),
    optional matrix, construct × site ratings, figures. xlsx/csv: one row per
    coded excerpt, themes, matrices, frequencies, ratings and codebook
    (every file written is listed). md: the report as Markdown. qdpx: a
    REFI-QDA project for other QDA programs.

    \b
    Example:
      evalbench export study.evb -o findings.docx --layout themes --matrix site
      evalbench export study.evb -o table1.docx --no-mixed --min-participants 3 --paper a4
      evalbench export study.evb -o report.docx --figures-dir figures/ --coder consensus
      evalbench export study.evb --format xlsx -o coding.xlsx --by site
      evalbench export study.evb -o alex.csv --coder alex
      evalbench export study.evb -o study.qdpx --all-coders
    """
    from pathlib import Path

    from click.core import ParameterSource

    kind = registry.get(fmt) if fmt else registry.for_path(out)
    if kind is None:
        raise click.UsageError(f"give --format ({', '.join(registry.names())}) or an output file with that extension")
    options: dict[str, Any] = {
        field: (Path(params[name]) if name == "figures_dir" else params[name])
        for name, field in _REPORT_OPTIONS.items()
        if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE and params[name] is not None
    }
    with open_project(project) as proj:
        result = proj.write_export(kind.name, out, coder=only_coder, all_coders=all_coders, **options)
    for warning in result.warnings:
        click.echo(f"evalbench: warning: {warning}", err=True)
    if result.coding:
        click.echo(f"Counting {result.coding}")
    for path in result.files:
        click.echo(f"Wrote {path}")


COMMANDS = [export_cmd]
