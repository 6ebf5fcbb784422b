"""Codebook operations on a real project file: undoable, and codings never lost."""

from __future__ import annotations

import pytest

from evalbench.codebook import load_codebook, make_codebook, save_codebook
from evalbench.errors import UserError
from evalbench.model import Code
from evalbench.project import Project


def code_span(project, doc_name: str, phrase: str) -> tuple[int, int, int]:
    doc = project.document(doc_name)
    start = doc.text.index(phrase)
    return doc.id, start, start + len(phrase)


@pytest.fixture
def coded(project):
    """The conftest project with a local code and three codings."""
    project.add_code(Code(id="local", name="Local themes"))
    project.add_code(Code(id="local.no_time", name="No time", parent_id="local"))
    d, s, e = code_span(project, "p01.txt", "no protected time")
    project.add_coding(d, s, e, "local.no_time", valence="barrier", memo="strong")
    project.add_coding(d, s, e, "inner.priority", valence="barrier")
    d2, s2, e2 = code_span(project, "p01.txt", "competing priorities")
    project.add_coding(d2, s2, e2, "local.no_time", valence="barrier", origin="suggestion")
    return project


def test_add_rename_move_edit_are_each_undoable(project):
    project.add_code(Code(id="local", name="Local"))
    assert project.code("local").position == 1  # after 'inner'
    project.rename_code("inner.culture", "Culture & climate")
    project.move_code("inner.culture", "local")
    project.update_code("inner.priority", keywords=["bandwidth", "competing priorities"])
    assert project.code("inner.culture").parent_id == "local"
    assert project.code("inner.culture").name == "Culture & climate"
    assert project.undo() and project.code("inner.priority").keywords == ("competing priorities",)
    assert project.undo() and project.code("inner.culture").parent_id == "inner"
    assert project.undo() and project.code("inner.culture").name == "Culture"


def test_bad_edits_are_refused_and_change_nothing(project):
    before = project.codes()
    with pytest.raises(UserError, match="already exists"):
        project.add_code(Code(id="inner", name="Again"))
    with pytest.raises(UserError, match="no parent code"):
        project.add_code(Code(id="x", name="X", parent_id="nope"))
    with pytest.raises(UserError, match="under itself or its own descendant"):
        project.move_code("inner", "inner.culture")
    with pytest.raises(UserError, match="#RRGGBB"):
        project.update_code("inner", color="blue")
    assert project.codes() == before


def test_merge_moves_codings_keeps_provenance_and_folds_duplicates(coded):
    counts = coded.merge_codes(["local.no_time"], "inner.priority")
    assert counts["codings"] == 1 and counts["folded"] == 1
    codings = coded.codings(code_id="inner.priority")
    assert len(codings) == 2
    by_memo = {c.origin: c for c in codings}
    assert '[merged from local.no_time "No time"]' in by_memo["suggestion"].memo
    assert "strong" in by_memo["manual"].memo and "merged from local.no_time" in by_memo["manual"].memo
    assert by_memo["suggestion"].valence == "barrier"  # valence and origin untouched
    with pytest.raises(UserError):
        coded.code("local.no_time")
    assert coded.code("inner.priority").extra["merged_from"][0]["id"] == "local.no_time"
    # one undo brings everything back
    assert coded.undo().startswith("Merge")
    assert len(coded.codings(code_id="local.no_time")) == 2
    assert coded.code("local.no_time").name == "No time"


def test_merge_moves_child_codes_and_refuses_merging_into_a_descendant(coded):
    with pytest.raises(UserError, match="descendant"):
        coded.merge_codes(["local"], "local.no_time")
    coded.merge_codes(["local"], "inner")
    assert coded.code("local.no_time").parent_id == "inner"


def test_remove_refuses_a_used_code(coded):
    with pytest.raises(UserError, match="2 coding"):
        coded.remove_code("local.no_time")
    with pytest.raises(UserError, match="child codes"):
        coded.remove_code("local")


def test_split_creates_siblings_and_can_move_codings(coded):
    made = coded.split_code(
        "local.no_time",
        [("local.no_staff_time", "No staff time"), ("local.no_protected", "No protected time")],
        codings_to="local.no_protected",
    )
    assert [c.parent_id for c in made] == ["local", "local"]
    assert len(coded.codings(code_id="local.no_protected")) == 2
    assert coded.codings(code_id="local.no_time") == []
    assert coded.code("local.no_protected").extra == {"split_from": "local.no_time"}
    assert "[split from local.no_time" in coded.codings(code_id="local.no_protected")[0].memo


def test_pull_adds_updates_and_keeps_used_codes(coded, tmp_path):
    shared = make_codebook(
        [
            Code(id="inner", name="Inner Setting"),
            Code(
                id="inner.priority",
                name="Relative Priority",
                parent_id="inner",
                definition="Now with a definition",
                keywords=("competing priorities", "bandwidth"),
            ),
            Code(id="inner.new", name="Brand new", parent_id="inner"),
        ],
        meta={"name": "Team book", "version": "3"},
    )
    path = tmp_path / "team.yaml"
    save_codebook(shared, path)
    dry = coded.pull_codebook(path, dry_run=True)
    assert coded.codes() and not any(c.id == "inner.new" for c in coded.codes())
    report = coded.pull_codebook(path)
    assert report.to_json() == dry.to_json()
    assert [c.id for c in report.diff.added] == ["inner.new"]
    assert report.removed == ["inner.culture"]  # unused: deleted
    assert report.kept == {"local.no_time": "2 coding(s)", "local": "parent of kept code local.no_time"}
    assert coded.code("inner.priority").definition == "Now with a definition"
    assert len(coded.codings(code_id="local.no_time")) == 2
    assert coded.codebook().meta["version"] == "3"
    coded.undo()
    assert coded.code("inner.culture").name == "Culture"


def test_push_keeps_the_files_comments(coded, tmp_path):
    path = tmp_path / "team.yaml"
    coded.push_codebook(path)
    path.write_text("# our shared codebook\n" + path.read_text())
    coded.rename_code("inner.culture", "Culture and climate")
    changes = coded.push_codebook(path)
    assert [c.id for c in changes.renamed] == ["inner.culture"]
    assert path.read_text().startswith("# our shared codebook\n")
    assert load_codebook(path).get("inner.culture").name == "Culture and climate"


def test_project_init_from_a_codebook_file_and_template(tmp_path):
    from evalbench.codebook import load_codebook_source

    proj = Project.init(tmp_path / "s.evb")
    with proj:
        proj.add_codes(load_codebook_source("cfir2"))
        assert len(proj.codes()) == 72
        assert proj.codebook().get("cfir2.inner.culture.learning").name == "Learning-Centeredness"
