"""`evalbench check` and `evalbench recover` on healthy, inconsistent and damaged files."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from click.testing import CliRunner

from evalbench.cli import main
from evalbench.project import Project
from tests.conftest import SMALL_CODES, make_parsed


def _big_project(path, n_docs=40):
    proj = Project.init(path, coder="alex")
    proj.add_codes(SMALL_CODES)
    for i in range(n_docs):
        turns = [
            ("Interviewer", f"Question {i} about the programme?"),
            ("P", f"Answer {i}: " + "competing priorities and protected time " * 40),
        ]
        doc_id = proj.add_document(make_parsed(f"doc{i:03}.txt", turns))
        t = proj.turns(doc_id)[1]
        proj.add_coding(doc_id, t.start, t.start + 50, "inner.priority", valence="barrier")
    proj.close()  # the last connection closing writes the WAL into the file


def test_check_passes_a_healthy_project(tmp_path):
    path = tmp_path / "ok.evb"
    _big_project(path, 3)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "ok.evb: ok" in result.output


def test_check_finds_out_of_bounds_codings_and_a_stale_index(tmp_path):
    path = tmp_path / "bad.evb"
    _big_project(path, 3)
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER codings_in_bounds_update")
    conn.execute('UPDATE codings SET "end" = 999999 WHERE id = 1')
    conn.execute("DELETE FROM turns WHERE id = 2")  # the index still lists it
    conn.commit()
    conn.close()
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "coding 1 (" in result.output and "lies outside doc000.txt" in result.output
    assert "search index" in result.output
    repaired = CliRunner().invoke(main, ["check", str(path), "--repair-index"])
    assert "search index" not in repaired.output.split("Rebuilt the full-text index.")[-1]


def _corrupt(path, offset_fraction=0.5, length=8192):
    data = bytearray(path.read_bytes())
    start = int(len(data) * offset_fraction) // 4096 * 4096
    data[start : start + length] = b"\xde\xad\xbe\xef" * (length // 4)
    path.write_bytes(bytes(data))


def test_a_damaged_file_gets_a_clear_error_is_never_written_and_can_be_recovered(tmp_path):
    path = tmp_path / "damaged.evb"
    _big_project(path)
    _corrupt(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    runner = CliRunner()
    stats = runner.invoke(main, ["stats", str(path)])
    assert stats.exit_code == 1
    assert "damaged" in stats.output and "Traceback" not in stats.output
    check = runner.invoke(main, ["check", str(path)])
    assert check.exit_code == 1

    out = tmp_path / "recovered.evb"
    rec = runner.invoke(main, ["recover", str(path), "-o", str(out)])
    assert rec.exit_code == 0, rec.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "the damaged file must not change"
    assert runner.invoke(main, ["check", str(out)]).exit_code == 0
    with Project.open(out) as proj:
        assert len(proj.codes()) == 3
        assert 0 < len(proj.documents()) <= 40
        assert proj.search("competing priorities")


def test_a_truncated_file_is_reported_not_overwritten(tmp_path):
    path = tmp_path / "cut.evb"
    _big_project(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    result = CliRunner().invoke(main, ["stats", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert path.read_bytes() == data[: len(data) // 3]


def test_recover_refuses_to_overwrite(tmp_path):
    path = tmp_path / "a.evb"
    _big_project(path, 1)
    result = CliRunner().invoke(main, ["recover", str(path), "-o", str(path)])
    assert result.exit_code == 1 and "already exists" in result.output


@pytest.mark.parametrize("content", [b"", b"not sqlite at all" * 100])
def test_check_on_something_that_is_not_a_project(tmp_path, content):
    path = tmp_path / "x.evb"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
