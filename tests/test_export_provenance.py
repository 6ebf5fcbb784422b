"""Issue 14: exports say which codings began as suggestions, from which model, and who accepted them.

One small project, built once: alex accepts one real suggestion (the model's
name and version are kept on the coding) and codes one turn by hand; sam
codes by hand. Every format is read back the way a reader would.
"""

from __future__ import annotations

import csv

import docx
import openpyxl
import pytest

from evalbench.project import Project
from tests.conftest import SMALL_CODES, file_sql, make_parsed


def participant_turn(project, contains: str):
    return next(
        t
        for t in project.turns()
        if t.role == "participant" and contains in project.document_text(t.document_id)[t.start : t.end]
    )


@pytest.fixture(scope="module")
def assisted(tmp_path_factory):
    """(project path, the accepted suggestion, the exports folder)."""
    folder = tmp_path_factory.mktemp("provenance")
    with Project.init(folder / "study.evb", coder="alex") as proj:
        proj.add_codes(SMALL_CODES)
        roles = {"Interviewer": ("interviewer", "label"), "Dr Patel": ("participant", "default")}
        doc = proj.add_document(
            make_parsed(
                "p01.txt",
                [
                    ("Interviewer", "What got in the way?"),
                    ("Dr Patel", "Honestly, competing priorities. We had no protected time for the case reviews."),
                    ("Interviewer", "And what helped?"),
                    ("Dr Patel", "The culture of learning. People felt safe to talk about errors."),
                ],
            ),
            roles,
        )
        proj.set_participant(doc, "P01", {"role": "physician", "site": "North"})
        turn = participant_turn(proj, "competing priorities")
        suggestion = next(s for s in proj.suggest_turn(turn.id) if s.code_id == "inner.priority")
        accepted = proj.accept_suggestion(suggestion.id)
        other = participant_turn(proj, "culture of learning")
        proj.add_coding(doc, other.start, other.end, "inner.culture", valence="facilitator")
        proj.add_coding(doc, other.start, other.end, "inner.culture", valence="facilitator", coder="sam")
        for fmt in ("csv", "xlsx", "docx", "md"):
            options = {"figures": False} if fmt == "docx" else {}
            proj.write_export(fmt, folder / f"a.{fmt}", all_coders=True, **options)
    return folder / "study.evb", suggestion, accepted, folder


def test_csv_and_xlsx_excerpts_carry_the_suggesting_model_and_version(assisted):
    path, suggestion, accepted, folder = assisted
    with open(folder / "a.csv", encoding="utf-8-sig", newline="") as fh:
        from_csv = list(csv.DictReader(fh))
    sheet = openpyxl.load_workbook(folder / "a.xlsx")["Excerpts"]
    values = list(sheet.iter_rows(values_only=True))
    from_xlsx = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    for rows, empty in ((from_csv, ""), (from_xlsx, None)):
        by_id = {int(r["coding_id"]): r for r in rows}
        assert len(by_id) == 3
        mine = by_id.pop(accepted)
        assert (mine["origin"], mine["coder"]) == ("suggestion", "alex")
        assert (mine["suggestion_model"], mine["suggestion_model_version"]) == (
            suggestion.model,
            suggestion.model_version,
        )
        assert suggestion.model and "evalbench" in suggestion.model_version
        assert [(r["origin"], r["suggestion_model"], r["suggestion_model_version"]) for r in by_id.values()] == [
            ("manual", empty, empty)
        ] * 2
    readme = [
        " ".join(str(v) for v in r if v)
        for r in openpyxl.load_workbook(folder / "a.xlsx")["README"].iter_rows(values_only=True)
    ]
    assert any(line.startswith("Excerpts") and "suggesting model's name and version" in line for line in readme)
    disclosed = next(line for line in readme if line.startswith("AI assistance: "))
    assert disclosed.startswith(
        f"AI assistance: 1 of 3 codings (33%) began as code suggestions made offline by evalbench ({suggestion.model}"
    )
    assert "(alex 1)" in disclosed and disclosed.endswith("Every coding was made or accepted by a person.")


def test_word_and_markdown_methods_say_how_many_were_accepted_by_whom_from_which_model(assisted):
    path, suggestion, _accepted, folder = assisted
    from evalbench.suggest.disclosure import ModelUse

    label = ModelUse(suggestion.model, suggestion.model_version, 1).label
    expected = (
        f"1 of the 3 codings (33%) began as code suggestions from evalbench, made by {label} running "
        "offline, each reviewed and accepted by a coder (accepted by alex: 1). Every coding was made or "
        "accepted by a person."
    )
    word = "\n".join(p.text for p in docx.Document(str(folder / "a.docx")).paragraphs)
    markdown = (folder / "a.md").read_text(encoding="utf-8")
    assert expected in word and expected in markdown


def test_a_coding_accepted_before_models_were_recorded_is_said_so(assisted, tmp_path):
    path, _suggestion, accepted, _folder = assisted
    import shutil

    copy = shutil.copy(path, tmp_path / "old.evb")
    file_sql(copy, "UPDATE codings SET suggest_model = NULL, suggest_model_version = NULL WHERE id = ?", (accepted,))
    with Project.open(copy) as proj:
        proj.write_export("md", tmp_path / "old.md", all_coders=True)
    text = (tmp_path / "old.md").read_text(encoding="utf-8")
    assert (
        "1 of the 3 codings (33%) began as code suggestions from evalbench, by a model whose name and version "
        "were not recorded, each reviewed and accepted by a coder (accepted by alex: 1)."
    ) in text
