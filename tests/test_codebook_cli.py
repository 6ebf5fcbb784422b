"""`evalbench codebook ...` through click's CliRunner, on real files in tmp_path."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from evalbench.cli import main
from evalbench.codebook import load_codebook


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == code, (result.output, result.exception)
    return result


BASE = """\
evalbench_codebook: 1
name: Team
codes:
- id: barriers
  name: Barriers
- id: barriers.time
  parent: barriers
  name: Time
  definition: Not enough time.
  keywords: [no time]
- id: barriers.money
  parent: barriers
  name: Money
- id: helps
  name: Facilitators
"""


def variant(tmp_path, name: str, *edits: tuple[str, str]):
    text = BASE
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text)
    return path


def test_new_validate_list(tmp_path):
    out = tmp_path / "cb.yaml"
    assert "72 codes" in run("codebook", "new", "--template", "cfir2", "-o", out).output
    assert "OK, 72 codes, 3 level(s)" in run("codebook", "validate", out).output
    rows = json.loads(run("codebook", "list", out, "--json").output)
    assert rows[0] == {"id": "cfir2.innovation", "parent": None, "name": "Innovation", "depth": 0}
    assert {
        "id": "cfir2.inner.culture.learning",
        "parent": "cfir2.inner.culture",
        "name": "Learning-Centeredness",
        "depth": 2,
    } in rows
    run("codebook", "new", "-o", out, code=1)  # refuses to overwrite
    run("codebook", "new", "-o", out, "--force")


def test_validate_reports_file_line_and_column(tmp_path):
    bad = variant(tmp_path, "bad.yaml", ("  parent: barriers\n  name: Money", "  parent: nowhere\n  name: Money"))
    result = run("codebook", "validate", bad, code=1)
    assert f"{bad}:12:3: code 'barriers.money' has unknown parent 'nowhere'" in result.output


@pytest.mark.parametrize("fmt", ["yaml", "json", "qdc", "docx", "md"])
def test_export_from_file_and_project(tmp_path, fmt):
    src = variant(tmp_path, "cb.yaml")
    out = tmp_path / f"out.{fmt}"
    run("codebook", "export", src, "--format", fmt, "-o", out)
    assert out.stat().st_size > 0
    if fmt in ("yaml", "json", "qdc"):
        assert [c.id for c in load_codebook(out).codes] == ["barriers", "barriers.time", "barriers.money", "helps"]
    project = tmp_path / "s.evb"
    run("init", project, "--codebook", src)
    out2 = tmp_path / f"proj.{fmt}"
    run("codebook", "export", project, "-o", out2)
    if fmt in ("yaml", "json", "qdc"):
        assert load_codebook(out2).codes == load_codebook(out).codes


def test_import_qdc_to_yaml(tmp_path):
    run("codebook", "new", "-o", tmp_path / "cb.qdc")
    run("codebook", "import", tmp_path / "cb.qdc", "-o", tmp_path / "back.yaml")
    assert "No differences" in run("codebook", "diff", "cfir2", tmp_path / "back.yaml").output


def test_import_other_programs_codebook(shared_dir, tmp_path):
    qdpx = shared_dir / "interop" / "nvivo15-mac_codebook-project.qdpx"
    assert "262 codes" in run("codebook", "import", qdpx, "-o", tmp_path / "nvivo.yaml").output
    assert "OK, 262 codes" in run("codebook", "validate", tmp_path / "nvivo.yaml").output


def test_hostile_qdc_writes_nothing(tmp_path):
    evil = tmp_path / "evil.qdc"
    evil.write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>')
    result = run("codebook", "import", evil, "-o", tmp_path / "out.yaml", code=1)
    assert "evil.qdc:2:14: refusing XML with an entity declaration" in result.output
    assert not (tmp_path / "out.yaml").exists()


def test_diff_reports_added_removed_renamed_moved_changed(tmp_path):
    a = variant(tmp_path, "a.yaml")
    b = variant(
        tmp_path,
        "b.yaml",
        ("  name: Time\n", "  name: Lack of time\n"),
        ("  parent: barriers\n  name: Money", "  parent: helps\n  name: Money"),
        ("  definition: Not enough time.", "  definition: Too little time."),
        (
            "- id: helps\n  name: Facilitators\n",
            "- id: helps\n  name: Facilitators\n- id: helps.leaders\n  parent: helps\n  name: Leaders\n",
        ),
    )
    data = json.loads(run("codebook", "diff", a, b, "--json").output)
    assert [x["id"] for x in data["added"]] == ["helps.leaders"]
    assert data["removed"] == []
    assert data["renamed"] == [{"id": "barriers.time", "from": "Time", "to": "Lack of time"}]
    assert data["moved"] == [{"id": "barriers.money", "from": "barriers", "to": "helps"}]
    assert data["changed"][0]["fields"] == {"definition": {"from": "Not enough time.", "to": "Too little time."}}
    text = run("codebook", "diff", b, a).output
    assert "- helps.leaders  Leaders (removed)" in text


def test_merge_without_conflicts(tmp_path):
    base = variant(tmp_path, "base.yaml")
    ours = variant(
        tmp_path,
        "ours.yaml",
        ("  name: Time\n", "  name: Lack of time\n"),
        ("  keywords: [no time]", "  keywords: [no time, too busy]"),
    )
    theirs = variant(
        tmp_path,
        "theirs.yaml",
        ("  definition: Not enough time.", "  definition: Too little time."),
        ("  keywords: [no time]", "  keywords: [no time, bandwidth]"),
        ("- id: helps\n  name: Facilitators\n", ""),
    )
    out = tmp_path / "merged.yaml"
    run("codebook", "merge", base, ours, theirs, "-o", out)
    book = load_codebook(out)
    time = book.get("barriers.time")
    assert (time.name, time.definition) == ("Lack of time", "Too little time.")
    assert time.keywords == ("no time", "too busy", "bandwidth")
    assert book.get("helps") is None  # deleted by theirs, untouched by ours


def test_merge_conflicts_are_listed_marked_and_exit_non_zero(tmp_path):
    base = variant(tmp_path, "base.yaml")
    ours = variant(
        tmp_path,
        "ours.yaml",
        ("  name: Time\n", "  name: Lack of time\n"),
        ("- id: helps\n  name: Facilitators\n", "- id: helps\n  name: Enablers\n"),
    )
    theirs = variant(
        tmp_path,
        "theirs.yaml",
        ("  name: Time\n", "  name: Time pressure\n"),
        ("- id: helps\n  name: Facilitators\n", ""),
    )
    out = tmp_path / "merged.yaml"
    result = run("codebook", "merge", base, ours, theirs, "-o", out, "--json", code=1)
    report = json.loads(result.stdout)
    kinds = {(c["id"], c["field"]) for c in report["conflicts"]}
    assert kinds == {("barriers.time", "name"), ("helps", "deleted")}
    text = out.read_text()
    assert "# MERGE CONFLICT barriers.time: name changed on both sides" in text
    book = load_codebook(out)  # still loadable, holding ours, nothing dropped
    assert book.get("barriers.time").name == "Lack of time" and book.get("helps").name == "Enablers"
    assert "unresolved merge conflict" in run("codebook", "validate", out, code=1).output


def test_merge_repairs_a_parent_deleted_under_a_new_child(tmp_path):
    base = variant(tmp_path, "base.yaml")
    ours = variant(tmp_path, "ours.yaml", ("- id: helps\n  name: Facilitators\n", ""))
    theirs = variant(
        tmp_path,
        "theirs.yaml",
        (
            "- id: helps\n  name: Facilitators\n",
            "- id: helps\n  name: Facilitators\n- id: helps.x\n  parent: helps\n  name: X\n",
        ),
    )
    result = run("codebook", "merge", base, ours, theirs, "-o", tmp_path / "m.yaml", code=1)
    assert "helps: deleted by ours but helps.x still sits under it; kept" in result.output
    assert load_codebook(tmp_path / "m.yaml").get("helps.x").parent_id == "helps"


def test_project_commands(tmp_path):
    project = tmp_path / "s.evb"
    run("init", project, "--codebook", "cfir2")
    run(
        "codebook",
        "add",
        project,
        "local.huddles",
        "Safety huddles",
        "--parent",
        "cfir2.process",
        "--keyword",
        "huddle",
        "--definition",
        "Daily safety huddles.",
    )
    run("codebook", "rename", project, "local.huddles", "Huddles")
    run("codebook", "move", project, "local.huddles", "--to", "cfir2.process.doing")
    run("codebook", "edit", project, "local.huddles", "--add-keyword", "morning report")
    run("codebook", "move", project, "local.huddles", code=1)  # neither --to nor --top
    rows = {r["id"]: r for r in json.loads(run("codebook", "list", project, "--json").output)}
    assert rows["local.huddles"] == {
        "id": "local.huddles",
        "parent": "cfir2.process.doing",
        "name": "Huddles",
        "depth": 2,
    }
    run(
        "codebook",
        "split",
        project,
        "local.huddles",
        "--into",
        "local.am:Morning huddles",
        "--into",
        "local.pm:Evening huddles",
        "--as-children",
    )
    run("codebook", "merge-codes", project, "local.am", "local.pm", "--into", "local.huddles")
    run("codebook", "split", project, "local.huddles", "--into", "bad", code=1)
    shared = tmp_path / "team.yaml"
    run("codebook", "push", project, shared)
    assert load_codebook(shared).get("local.huddles").keywords == ("huddle", "morning report")
    text = shared.read_text().replace("  name: Huddles\n", "  name: Team huddles\n")
    shared.write_text(text)
    dry = json.loads(run("codebook", "pull", project, shared, "--dry-run", "--json").output)
    assert dry["renamed"] == [{"id": "local.huddles", "from": "Huddles", "to": "Team huddles"}]
    assert "renamed 'Huddles' -> 'Team huddles'" in run("codebook", "pull", project, shared).output
    assert "already matches" in run("codebook", "pull", project, shared).output


def test_every_codebook_command_has_an_example():
    from evalbench.cli.codebook_cmd import codebook

    for name, cmd in codebook.commands.items():
        assert "Example:" in (cmd.help or ""), name


def test_bad_input_writes_nothing(tmp_path):
    bad = variant(tmp_path, "bad.yaml", ("- id: helps\n", "- id: barriers\n"))
    out = tmp_path / "out.qdc"
    result = run("codebook", "export", bad, "-o", out, code=1)
    assert "bad.yaml:14:3: duplicate code ID 'barriers' (first defined on line 4)" in result.output
    assert not out.exists()
    result = run("codebook", "export", variant(tmp_path, "ok.yaml"), "-o", tmp_path / "nope" / "x.md", code=1)
    assert "does not exist" in result.output
    project = tmp_path / "s.evb"
    run("init", project, "--codebook", "cfir2")
    before = run("codebook", "list", project, "--json").output
    run("codebook", "pull", project, bad, code=1)
    assert run("codebook", "list", project, "--json").output == before
