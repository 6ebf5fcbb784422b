"""The command line as a newcomer meets it: every command explains itself with an example, fast."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from evalbench.cli import main


def _commands(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    missing = []
    for path, _cmd in _commands(main):
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        if "Example" not in result.output or "evalbench " not in result.output.split("Example")[-1]:
            missing.append(" ".join(path))
    assert missing == [], f"commands without an example in --help: {missing}"


def test_help_starts_without_loading_heavy_libraries():
    code = (
        "import sys; from click.testing import CliRunner; from evalbench.cli import main; "
        "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0, r.output; "
        "heavy = [m for m in ('spacy', 'pandas', 'docx', 'openpyxl', 'textual', 'lxml', 'numpy') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"`evalbench --help` imported {out.stdout.strip()}"


def test_a_user_error_is_one_line_and_exit_1(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "evalbench.cli", "stats", str(tmp_path / "nope.evb")], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "nope.evb" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_command_module_that_cannot_be_imported_stops_the_command_line(monkeypatch):
    """A listed command module that is missing is a bug: `evalbench` fails at once instead of losing commands."""
    from evalbench import cli

    monkeypatch.setattr(cli, "COMMAND_MODULES", ("evalbench.cli.no_such_cmd",))
    with pytest.raises(ModuleNotFoundError, match="no_such_cmd"):
        cli._register()
