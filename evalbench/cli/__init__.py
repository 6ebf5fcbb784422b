"""The ``evalbench`` command line: a thin layer over :class:`evalbench.project.Project`.

Each command group lives in its own module and is listed in ``COMMAND_MODULES``;
a module exposes ``COMMANDS``, a list of click commands. Heavy libraries are
imported inside the commands so that ``evalbench --help`` starts fast.
"""

from __future__ import annotations

import importlib
import sqlite3
import sys

import click

from evalbench import __version__
from evalbench.errors import UserError

COMMAND_MODULES = (
    "evalbench.cli.project_cmd",
    "evalbench.cli.import_cmd",
    "evalbench.cli.check_cmd",
    "evalbench.cli.analysis_cmd",
    "evalbench.cli.export_cmd",
    "evalbench.cli.team_cmd",
    "evalbench.cli.codebook_cmd",
    "evalbench.cli.suggest_cmd",
    "evalbench.cli.curate_cmd",
    "evalbench.cli.ratings_cmd",
    "evalbench.cli.cooccurrence_cmd",
    "evalbench.cli.speakers_cmd",
)


class EvalbenchGroup(click.Group):
    """The top-level group.

    ``evalbench FILE`` is short for ``evalbench open FILE``, and a UserError
    becomes one line on stderr with exit status 1 instead of a traceback.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["open", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(f"evalbench: {exc}", err=True)
            sys.exit(1)
        except sqlite3.DatabaseError as exc:
            click.echo(f"evalbench: the project file is damaged ({exc}); run `evalbench check` "
                       "and `evalbench recover`", err=True)
            sys.exit(1)


@click.group(cls=EvalbenchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evalbench")
def main() -> None:
    """Code interview transcripts against a CFIR codebook and export theme tables.

    `evalbench PROJECT` opens a project in the terminal workbench.

    \b
    Example:
      evalbench init study.evb --codebook cfir2
      evalbench import study.evb interviews/ --participants participants.csv
      evalbench study.evb --coder alex
    """


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        for command in module.COMMANDS:
            main.add_command(command)


_register()
