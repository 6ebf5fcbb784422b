"""`evalbench check` on files that are not projects: one line saying which file and what is wrong."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from evalbench.cli import main


def check(path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(path)])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("notes.txt", b"Interviewer: What got in the way?\nP1: Time.\n", "is a text file"),
        ("empty.evb", b"", "is empty (0 bytes)"),
        ("random.evb", bytes(range(256)) * 8, "not an SQLite file"),
        ("theme-table.evb", b"PK\x03\x04" + b"\x00" * 200, "is a ZIP archive"),
        ("report.evb", b"%PDF-1.7\n" + b"\x00" * 50, "is a PDF"),
        ("cut.evb", b"SQLite format 3\x00" + b"\x01" * 20, "is cut short (36 bytes"),
    ],
)
def test_a_file_that_is_not_a_project_gets_one_line_naming_it(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    code, out = check(path)
    assert code == 1
    assert out.count("\n") == 1, out
    assert out.startswith(f"evalbench: {path}: ") and says in out
    assert path.read_bytes() == content, "check must not write the file"


def test_a_missing_file_and_a_folder(tmp_path):
    code, out = check(tmp_path / "nope.evb")
    assert code == 1 and out == f"evalbench: {tmp_path / 'nope.evb'}: no such file\n"
    code, out = check(tmp_path)
    assert code == 1 and out == f"evalbench: {tmp_path}: is a folder, not a project file\n"
    assert not (tmp_path / "nope.evb").exists()


def test_another_programs_sqlite_database_is_named_as_such(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()
    code, out = check(path)
    assert code == 1
    assert out == f"evalbench: {path}: is an SQLite database but not an evalbench project (it has no meta table)\n"


def test_a_project_cut_after_its_header_is_damaged_not_a_crash(tmp_path, project):
    project.close()
    data = project.path.read_bytes()
    cut = tmp_path / "cut.evb"
    cut.write_bytes(data[:4096])
    code, out = check(cut)
    assert code == 1 and out.count("\n") == 1
    assert out.startswith(f"evalbench: {cut}: ") and "evalbench recover" in out


def test_a_healthy_project_still_checks_ok(project):
    project.close()
    assert check(project.path) == (0, "study.evb: ok\n")


def test_recover_names_a_text_file_too(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just notes\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["recover", str(path), "-o", str(tmp_path / "new.evb")])
    assert result.exit_code == 1
    assert result.output == f"evalbench: {path}: is a text file, not an evalbench project\n"
    assert not (tmp_path / "new.evb").exists()


def test_the_message_is_one_line_on_stderr_from_the_real_program(tmp_path):
    path = tmp_path / "interview.txt"
    path.write_text("Q: hello\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "evalbench.cli", "check", str(path)], capture_output=True, text=True)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr == f"evalbench: {path}: is a text file, not an evalbench project\n"
