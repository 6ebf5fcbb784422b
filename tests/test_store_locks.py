"""A second connection in the same process must not drop the first one's file locks.

POSIX releases every lock a process holds on a file when the process closes
*any* descriptor of it. Opening the project file with plain ``open()`` to read
its header, while the workbench already had it open, let a command run in
another terminal (``evalbench stats``) believe it was the last user, checkpoint
and delete the WAL and shared-memory files under the running workbench — whose
later writes then went to a deleted file. The workbench opens a second
connection for every worker (import, export, the analysis matrix), so this is
the everyday case.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from evalbench.errors import ProjectError
from evalbench.project import Project

from .conftest import SMALL_CODES


def test_another_process_leaves_the_wal_of_a_project_open_twice_here(tmp_path):
    path = tmp_path / "study.evb"
    Project.init(path, coder="alex").close()
    main = Project.open(path, coder="alex")
    try:
        main.add_codes(SMALL_CODES)
        with main.reopen() as worker:  # what every TUI worker does
            assert len(worker.codes()) == 3
        wal = path.with_name(path.name + "-wal")
        assert wal.exists()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from evalbench.project import Project; Project.open(sys.argv[1]).close()",
                str(path),
            ],
            check=True,
            timeout=60,
        )
        assert wal.exists(), "another process deleted the WAL of a project still open here"
        main.set_memo("code", "inner", "written after the other process closed")
    finally:
        main.close()
    with Project.open(path, coder="alex") as fresh:
        assert fresh.memo("code", "inner") == "written after the other process closed"


def test_a_file_that_is_not_sqlite_is_still_refused_with_one_line(tmp_path):
    path = tmp_path / "notes.evb"
    path.write_bytes(b"Interviewer: hello\n" * 100)
    with pytest.raises(ProjectError, match="not an evalbench project"):
        Project.open(path)
    assert path.read_bytes() == b"Interviewer: hello\n" * 100
