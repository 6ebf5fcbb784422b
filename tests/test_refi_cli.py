"""The command line around .qdpx: `evalbench init --from` and `evalbench export --format qdpx`."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner

from evalbench.cli import main
from evalbench.project import Project


@pytest.fixture
def runner():
    try:
        return CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2 always keeps stderr apart
        return CliRunner()


def test_init_from_qdpx_builds_the_project(runner, project, tmp_path):
    project.add_coding(project.document("p01.txt").id, 0, 10, "inner", valence="barrier")
    qdpx = tmp_path / "study.qdpx"
    project.export_qdpx(qdpx)
    result = runner.invoke(main, ["init", str(tmp_path / "copy.evb"), "--from", str(qdpx)])
    assert result.exit_code == 0, result.output + result.stderr
    assert "2 documents, 3 codes, 1 codings" in result.output
    with Project.open(tmp_path / "copy.evb") as copy:
        assert [(c.start, c.end, c.code_id, c.valence) for c in copy.codings()] == [(0, 10, "inner", "barrier")]


def test_init_from_nvivo_fixture(runner, shared_dir, tmp_path):
    qdpx = shared_dir / "interop" / "nvivo15-mac_codebook-project.qdpx"
    result = runner.invoke(main, ["init", str(tmp_path / "nv.evb"), "--from", str(qdpx), "--coder", "kim"])
    assert result.exit_code == 0, result.stderr
    assert "262 codes" in result.output and "chrisp, cp" in result.output


def test_init_from_hostile_archive_is_one_line_and_leaves_nothing(runner, tmp_path):
    evil = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("project.qde", '<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>')
        zf.writestr("../outside.txt", "pwned")
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "study.evb"
    result = runner.invoke(main, ["init", str(target), "--from", str(evil)])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("evalbench: evil.qdpx: member '../outside.txt' climbs out")
    assert list((tmp_path / "out").iterdir()) == []
    assert not (tmp_path / "outside.txt").exists()


def test_init_from_and_codebook_conflict(runner, tmp_path):
    result = runner.invoke(main, ["init", str(tmp_path / "a.evb"), "--from", "x.qdpx", "--codebook", "cfir2"])
    assert result.exit_code == 1 and "cannot be combined" in result.stderr
    assert not (tmp_path / "a.evb").exists()


def test_export_command_writes_qdpx_through_the_project(runner, project, tmp_path, shared_dir):
    out = tmp_path / "via-cli.qdpx"
    result = runner.invoke(main, ["export", str(project.path), "--format", "qdpx", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    direct = tmp_path / "direct.qdpx"
    project.export_qdpx(direct)
    with zipfile.ZipFile(out) as a, zipfile.ZipFile(direct) as b:
        assert a.read("project.qde") == b.read("project.qde")


def test_init_from_big_archive_shows_reading_and_storing_progress(runner, project, tmp_path, monkeypatch):
    import evalbench.cli.project_cmd as project_cmd

    monkeypatch.setattr(project_cmd, "QDPX_PROGRESS_BYTES", 0)
    qdpx = tmp_path / "study.qdpx"
    project.export_qdpx(qdpx)
    result = runner.invoke(main, ["init", str(tmp_path / "copy.evb"), "--from", str(qdpx)])
    assert result.exit_code == 0, result.stderr
    assert "Reading" in result.stderr and "Storing" in result.stderr
    assert result.stdout.startswith("Created ")
