"""Who is coding: --coder > $EVALBENCH_CODER > the coder remembered in the project > login name.

A project file passes between team members, so the name it remembers must not
override the one a person set for themselves.
"""

from __future__ import annotations

import getpass
import os
import subprocess
import sys

from click.testing import CliRunner

from evalbench.cli import main
from evalbench.project import Project

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shared_file(tmp_path):
    """A project Sam last opened (so it remembers sam), now on Alex's machine."""
    path = tmp_path / "team.evb"
    Project.init(path, coder="sam").close()
    return path


def test_the_environment_beats_the_name_the_file_remembers(tmp_path, monkeypatch):
    path = shared_file(tmp_path)
    monkeypatch.setenv("EVALBENCH_CODER", "alex")
    with Project.open(path) as proj:
        assert proj.coder == "alex"


def test_coder_option_beats_the_environment_and_is_remembered(tmp_path, monkeypatch):
    path = shared_file(tmp_path)
    monkeypatch.setenv("EVALBENCH_CODER", "alex")
    with Project.open(path, coder="robin") as proj:
        assert proj.coder == "robin"
    CliRunner().invoke(main, ["undo", str(path), "--coder", "robin"])
    monkeypatch.delenv("EVALBENCH_CODER")
    with Project.open(path) as proj:
        assert proj.coder == "robin"


def test_the_remembered_name_decides_only_without_environment(tmp_path, monkeypatch):
    path = shared_file(tmp_path)
    monkeypatch.delenv("EVALBENCH_CODER")
    with Project.open(path) as proj:
        assert proj.coder == "sam"
    monkeypatch.setenv("EVALBENCH_CODER", "")  # set but empty counts as unset
    with Project.open(path) as proj:
        assert proj.coder == "sam"


def test_the_login_name_is_the_last_resort(tmp_path, monkeypatch):
    monkeypatch.delenv("EVALBENCH_CODER")
    monkeypatch.setattr(getpass, "getuser", lambda: "kim")
    path = tmp_path / "fresh.evb"
    Project.init(path).close()
    with Project.open(path) as proj:
        assert proj.coder == "kim"


def test_commands_without_coder_act_for_the_environments_coder(tmp_path, monkeypatch, project):
    """A change made with $EVALBENCH_CODER=alex in a file that remembers sam is alex's to undo."""
    turn = project.turns(1)[1]
    coding = project.add_coding(1, turn.start, turn.end, "inner.priority")
    project.set_coder("sam")
    project.close()
    monkeypatch.setenv("EVALBENCH_CODER", "alex")
    runner = CliRunner()
    assert runner.invoke(main, ["star", str(project.path), str(coding)]).exit_code == 0
    assert runner.invoke(main, ["undo", str(project.path), "--coder", "sam"]).output == "Nothing to undo\n"
    monkeypatch.delenv("EVALBENCH_CODER")
    # without the environment the file's remembered coder (still sam) is used: nothing of sam's to undo
    assert runner.invoke(main, ["undo", str(project.path)]).output == "Nothing to undo\n"
    assert runner.invoke(main, ["undo", str(project.path), "--coder", "alex"]).output.startswith("Undid: Star ")


def test_the_real_program_reads_the_environment(tmp_path):
    path = shared_file(tmp_path)
    env = {**os.environ, "EVALBENCH_CODER": "alex", "PYTHONPATH": REPO}
    code = "import sys; from evalbench.project import Project; p = Project.open(sys.argv[1]); print(p.coder); p.close()"
    out = subprocess.run([sys.executable, "-c", code, str(path)], env=env, capture_output=True, text=True, check=True)
    assert out.stdout == "alex\n"
