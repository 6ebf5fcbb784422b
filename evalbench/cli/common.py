"""Pieces every command module shares: opening a project, options, JSON output."""

from __future__ import annotations

import json

import click

from evalbench.project import Project

project_argument = click.argument("project", type=click.Path(dir_okay=False))
coder_option = click.option(
    "--coder",
    help="Coder name (default: $EVALBENCH_CODER, else the coder remembered in the project, else your login name).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def open_project(path: str, coder: str | None = None) -> Project:
    """Open PROJECT, remembering ``coder`` when one is given."""
    project = Project.open(path)
    if coder:
        project.set_coder(coder)
    return project


def echo_json(value) -> None:
    """Print ``value`` as indented JSON (non-ASCII kept as is)."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


class DefaultGroup(click.Group):
    """A group whose first subcommand runs when the arguments name none of them.

    So ``evalbench ratings study.evb`` means ``evalbench ratings show study.evb``
    while ``evalbench ratings set …`` still reaches ``set``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [next(iter(self.commands)), *args]
        return super().parse_args(ctx, args)
