"""The ``evalbench`` command line: a thin layer over :class:`evalbench.project.Project`.

Each command group lives in its own module and is listed in ``COMMAND_MODULES``;
a module exposes ``COMMANDS``, a list of click commands. Heavy libraries are
imported inside the commands so that ``evalbench --help`` starts fast.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import NoReturn

import click

from evalbench import __version__
from evalbench.errors import UserError, one_line
from evalbench.offline import spacy_without_cli
from evalbench.store.errors import user_error

spacy_without_cli()  # every command, the workbench included: spaCy loads without its socket-making CLI
# Libraries log what they tolerate in a broken file (pypdf: "EOF marker not found"); with no handler
# Python prints those records raw on stderr. The file's problem reaches the user as one evalbench line.
logging.getLogger().addHandler(logging.NullHandler())

COMMAND_MODULES = (
    "evalbench.cli.project_cmd",
    "evalbench.cli.import_cmd",
    "evalbench.cli.check_cmd",
    "evalbench.cli.analysis_cmd",
    "evalbench.cli.themes_cmd",
    "evalbench.cli.export_cmd",
    "evalbench.cli.team_cmd",
    "evalbench.cli.codebook_cmd",
    "evalbench.cli.suggest_cmd",
    "evalbench.cli.similar_cmd",
    "evalbench.cli.curate_cmd",
    "evalbench.cli.ratings_cmd",
    "evalbench.cli.cooccurrence_cmd",
    "evalbench.cli.speakers_cmd",
)


class EvalbenchGroup(click.Group):
    """The top-level group.

    ``evalbench FILE`` is short for ``evalbench open FILE``. A UserError, a
    damaged project, or the environment failing (disk full, no permission)
    becomes one line on stderr with exit status 1 instead of a traceback;
    every such line goes through :func:`evalbench.errors.one_line`. Any other
    exception is a bug and keeps its traceback.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = storable_args(args)
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["open", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            _fail(str(exc))
        except BrokenPipeError:  # `evalbench … | head`: the reader left; nothing to report
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
            sys.exit(1)
        except OSError as exc:  # the environment, not a bug: a full disk, no permission, a read-only folder
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc}")
        except MemoryError:
            _fail("not enough memory for this input; it is probably far larger than the file it came from")
        except Exception as exc:
            # SQLite failing mid-command (a busy or damaged file, a row another process stored first), in the
            # store's words (evalbench.store.errors); anything else is a bug and keeps its traceback.
            error = user_error(exc)
            if error is None:
                raise
            _fail(str(error))


def storable_args(args: list[str]) -> list[str]:
    """Command-line arguments whose bytes were not UTF-8, read as cp1252 (else latin-1), with a warning.

    Python hands such bytes over as lone surrogates (``\\udcff``), which no
    project file can store: a code renamed from a latin-1 terminal crashed
    SQLite. An argument naming an existing file is kept as it is, so that
    file can still be opened. ``$EVALBENCH_CODER`` is treated the same way.
    """
    from evalbench.textsafe import has_surrogates

    out = []
    for n, arg in enumerate(args, 1):
        if has_surrogates(arg) and not os.path.exists(arg):
            raw = os.fsencode(arg)
            try:
                fixed = raw.decode("cp1252")
            except UnicodeDecodeError:
                fixed = raw.decode("latin-1")
            click.echo(one_line(f"warning: argument {n} is not UTF-8 text; read as {fixed!r}"), err=True)
            arg = fixed
        out.append(arg)
    coder = os.environ.get("EVALBENCH_CODER")
    if coder and has_surrogates(coder):
        os.environ["EVALBENCH_CODER"] = os.fsencode(coder).decode("latin-1")
    return out


def _fail(message: str) -> NoReturn:
    """The one way a command fails for a user's reason: one printable line on stderr, exit status 1."""
    click.echo(f"evalbench: {one_line(message)}", err=True)
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
    for name in COMMAND_MODULES:  # a module that fails to import is a bug: it fails here, loudly
        module = importlib.import_module(name)
        for command in module.COMMANDS:
            main.add_command(command)


_register()
