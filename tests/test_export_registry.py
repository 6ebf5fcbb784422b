"""One export-format registry: a format registered there is offered by `evalbench export`, its
options are checked, and the docs show every built-in format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evalbench.export import registry
from tests.conftest import run_cli

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide.md"


def write_tally(job: registry.ExportJob) -> None:
    """A format only a test has: one line per counted coding's code, as plain text."""
    steps = job.steps(1)
    steps("tallying")
    job.files[job.out] = "".join(f"{code}\n" for code in job.ctx.frame["code_id"])


@pytest.fixture
def fake_format():
    """``tally`` (.tally), registered for one test and removed after it."""
    fmt = registry.register(
        registry.ExportFormat(
            "tally", ".tally", "one line per coding (a test's format)", frozenset({"quotes"}), write_tally
        )
    )
    yield fmt
    registry.unregister("tally")


def format_choices(help_text: str) -> list[str]:
    """The choices `--format` lists in `evalbench export --help`."""
    match = re.search(r"--format \[([^\]]+)\]", help_text)
    assert match, help_text
    return match.group(1).split("|")


def test_a_registered_format_is_offered_written_and_checked(fake_format, project, tmp_path):
    turns = project.turns(1)
    project.add_coding(1, turns[1].start, turns[1].end, "inner.priority", valence="barrier")
    project.add_coding(1, turns[3].start, turns[3].end, "inner.culture", valence="facilitator")
    assert format_choices(run_cli("export", "--help").output) == ["docx", "xlsx", "csv", "md", "qdpx", "tally"]

    by_suffix = run_cli("export", project.path, "-o", tmp_path / "codes.tally")
    assert f"Wrote {tmp_path / 'codes.tally'}" in by_suffix.output
    assert (tmp_path / "codes.tally").read_text().split() == ["inner.priority", "inner.culture"]
    run_cli("export", project.path, "--format", "tally", "-o", tmp_path / "named.txt", "--quotes", "1")
    assert (tmp_path / "named.txt").read_text() == (tmp_path / "codes.tally").read_text()

    refused = run_cli("export", project.path, "-o", tmp_path / "x.tally", "--paper", "a4", ok=False)
    assert refused.exit_code != 0 and "--paper: not used by a .tally export (it applies to .docx)" in refused.output
    assert not (tmp_path / "x.tally").exists()


def test_a_writer_reports_progress_and_leaves_no_temporary_file(fake_format, project, tmp_path):
    seen = []
    result = project.write_export("tally", tmp_path / "t.tally", progress=lambda *step: seen.append(step))
    assert seen == [(0, 1, "tallying"), (1, 1, "done")]  # "done" once the file is written
    assert result.files == [tmp_path / "t.tally"] and (tmp_path / "t.tally").read_text() == ""
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]  # no temporary file left


def test_an_unregistered_format_is_gone(project, tmp_path):
    registry.register(registry.ExportFormat("tally", ".tally", "gone soon", frozenset(), write_tally))
    registry.unregister("tally")
    assert "tally" not in format_choices(run_cli("export", "--help").output)
    result = run_cli("export", project.path, "-o", tmp_path / "x.tally", ok=False)
    assert result.exit_code == 2 and "give --format (docx, xlsx, csv, md, qdpx)" in result.output


def test_a_suffix_belongs_to_one_format():
    with pytest.raises(ValueError, match="suffix .docx already belongs to 'docx'"):
        registry.register(registry.ExportFormat("word", ".docx", "", frozenset(), write_tally))
    assert registry.for_path("Report.DOCX").name == "docx" and registry.for_path("x.pdf") is None


@pytest.mark.parametrize("fmt", registry.formats(), ids=lambda f: f.name)
def test_the_guide_shows_every_format(fmt):
    """Each built-in format is in the guide's export examples and has a bullet saying what it holds."""
    text = GUIDE.read_text(encoding="utf-8")
    assert re.search(rf"^evalbench export \S+ .*-o \S+{re.escape(fmt.suffix)}\b", text, re.M), (
        f"docs/guide.md shows no `evalbench export … -o FILE{fmt.suffix}`"
    )
    assert re.search(rf"^- \*\*[^*]*\({re.escape(fmt.suffix)}\)\*\*", text, re.M), (
        f"docs/guide.md has no '- **… ({fmt.suffix})**' bullet under Exports"
    )
