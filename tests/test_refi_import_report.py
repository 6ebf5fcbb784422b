"""REFI-QDA import never loses a part silently, and our exports keep code memos clean for other programs."""

from __future__ import annotations

import json
import zipfile

import pytest

from evalbench.model import Code, ImportReport
from evalbench.project import Project
from evalbench.xmlsafe import parse_xml, validation_errors
from tests.conftest import file_sql, make_parsed

NS = "urn:QDA-XML:project:1.0"
U = "AAAAAAAA-1111-2222-3333-444444444444"


def guid(n: int) -> str:
    return f"{n:08d}-0000-0000-0000-000000000000"


def archive(path, sources: str, members: dict[str, bytes] | None = None, notes: str = "", refs: str = "") -> None:
    qde = (
        f'<Project xmlns="{NS}" name="study" creatingUserGUID="{U}"><Users><User guid="{U}" name="Ana"/></Users>'
        f"<Sources>{sources}</Sources>{notes}{refs}</Project>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
        for name, data in (members or {}).items():
            zf.writestr(name, data)


def imported(tmp_path, qdpx) -> tuple[Project, ImportReport]:
    report = ImportReport()
    return Project.from_qdpx(tmp_path / "x.evb", qdpx, report=report), report


def test_every_missing_or_unreadable_source_is_named(tmp_path):
    sources = "".join(
        f'<TextSource guid="{guid(i)}" name="Interview {i}" plainTextPath="internal://{guid(i)}.txt"/>'
        for i in range(6)
    )
    sources += f'<TextSource guid="{guid(7)}" name="Binary one" plainTextPath="internal://{guid(7)}.txt"/>'
    sources += f'<TextSource guid="{guid(8)}" name="Wide one" plainTextPath="internal://{guid(8)}.txt"/>'
    sources += f'<PDFSource guid="{guid(9)}" name="scan.pdf" path="internal://{guid(9)}.pdf"/>'
    sources += (
        f'<PDFSource guid="{guid(10)}" name="notes.pdf" path="internal://{guid(10)}.pdf">'
        f'<PDFSelection guid="{guid(11)}" page="1" firstX="0" firstY="0" secondX="9" secondY="9"/>'
        f'<Representation guid="{guid(12)}" plainTextPath="internal://{guid(12)}.txt"/></PDFSource>'
    )
    sources += f'<AudioSource guid="{guid(13)}" name="call.m4a" path="internal://{guid(13)}.m4a"/>'
    qdpx = tmp_path / "study.qdpx"
    archive(
        qdpx,
        sources,
        {
            f"sources/{guid(0)}.txt": b"Interviewer: Hello?\nR: Hi.",
            f"sources/{guid(7)}.txt": b"PK\x03\x04\x00\x00\x14\x00binary\x00",
            f"sources/{guid(8)}.txt": "Interviewer: Hola?\nR: Sí.".encode("utf-16-le"),
            f"sources/{guid(12)}.txt": b"Notes from the PDF.",
        },
    )
    proj, report = imported(tmp_path, qdpx)
    with proj:
        assert sorted(d.name for d in proj.documents()) == ["Interview 0", "Wide one", "notes.pdf"]
        assert "Sí." in proj.document_text(proj.document("Wide one").id)
    text = "\n".join(report.warnings)
    for i in range(1, 6):
        assert (
            f"source 'Interview {i}' skipped with its codings: its text internal://{guid(i)}.txt is not in "
            "study.qdpx" in text
        )
    assert (
        f"source 'Binary one' skipped with its codings: its text sources/{guid(7)}.txt in study.qdpx: binary file"
    ) in text
    assert "source 'scan.pdf' skipped: a PDF without a text transcript or representation" in text
    assert "source 'call.m4a' skipped: an audio recording" in text
    assert "source 'notes.pdf': 1 selection(s) of page areas have no place in its text" in text
    assert all("\n" not in w for w in report.warnings)


def test_separate_notes_stay_separate_memos(tmp_path):
    src = guid(1)
    notes = (
        "<Notes>"
        + "".join(
            f'<Note guid="{guid(20 + i)}" name="{name}" creatingUser="{U}"><PlainTextContent>{text}</PlainTextContent>'
            "</Note>"
            for i, (name, text) in enumerate(
                [
                    ("Research questions", "RQ1 and RQ2."),
                    ("Sampling", "Purposive, 12 sites."),
                    ("Sampling", "Second wave added."),
                    ("On P1", "Noisy ward."),
                    ("On P1 again", "Ask about nights."),
                ]
            )
        )
        + "</Notes>"
    )
    sources = (
        f'<TextSource guid="{src}" name="P1"><PlainTextContent>I: Hi?\nR: Hello.</PlainTextContent>'
        f'<NoteRef targetGUID="{guid(23)}"/><NoteRef targetGUID="{guid(24)}"/></TextSource>'
    )
    qdpx = tmp_path / "notes.qdpx"
    archive(qdpx, sources, notes=notes, refs=f'<NoteRef targetGUID="{guid(20)}"/>')
    proj, report = imported(tmp_path, qdpx)
    with proj:
        memos = {
            (t, k): text
            for t, k, text in file_sql(
                proj.path, "SELECT target_type, target_id, text FROM memos WHERE target_type = 'project'"
            )
        }
        assert memos == {
            ("project", "Research questions"): "RQ1 and RQ2.",
            ("project", "Sampling"): "Purposive, 12 sites.",
            ("project", "Sampling (2)"): "Second wave added.",
        }
        doc = proj.document("P1")
        assert proj.memo("document", doc.id, "Ana") == "On P1\nNoisy ward.\n\nOn P1 again\nAsk about nights."
    assert "2 notes by Ana on document P1 joined into one memo" in " ".join(report.warnings)


def test_separate_project_memos_survive_our_own_round_trip(tmp_path):
    with Project.init(tmp_path / "a.evb", coder="alex") as proj:
        proj.add_document(make_parsed("p1.txt", [("I", "Hi?"), ("R", "Hello.")]))
        proj.set_memo("project", "", "Main memo.")
        with proj.action("memo") as act:
            act.insert(
                "memos",
                {
                    "target_type": "project",
                    "target_id": "Sampling",
                    "coder": "alex",
                    "text": "Purposive.",
                    "created_at": "2026-01-01T00:00:00Z",
                    "updated_at": "2026-01-01T00:00:00Z",
                },
            )
        proj.export_qdpx(tmp_path / "a.qdpx")
    with Project.from_qdpx(tmp_path / "b.evb", tmp_path / "a.qdpx") as back:
        assert back.memo("project", "", "alex") == "Main memo."
        assert back.memo("project", "Sampling", "alex") == "Purposive."


@pytest.fixture
def rich_codes(tmp_path):
    proj = Project.init(tmp_path / "codes.evb", coder="alex")
    proj.add_codes(
        [
            Code(
                id="inner",
                name="Inner Setting",
                definition="The setting.\nInclusion: looks like a label",
                keywords=("culture",),
                extra={"cfir": "2.0"},
            ),
            Code(
                id="inner.priority",
                name="Relative Priority",
                parent_id="inner",
                valence_applies=False,
                examples=("We had other fires to fight.",),
            ),
        ]
    )
    proj.add_document(make_parsed("p1.txt", [("I", "Why?"), ("R", "Other fires.")]))
    yield proj
    proj.close()


def test_our_qdpx_keeps_descriptions_clean_and_carries_the_fields_in_its_own_member(rich_codes, tmp_path, shared_dir):
    out = tmp_path / "codes.qdpx"
    rich_codes.export_qdpx(out)
    with zipfile.ZipFile(out) as zf:
        root = parse_xml(zf.read("project.qde"), source="project.qde")
        ext = json.loads(zf.read("evalbench.json"))
    descriptions = [el.text or "" for el in root.iter(f"{{{NS}}}Description")]
    assert descriptions and not any("[evalbench]" in d for d in descriptions)
    assert {f["id"] for f in ext["codes"].values()} == {"inner", "inner.priority"}
    assert validation_errors(root, shared_dir / "refi-qda" / "Project-mrt2019.xsd") == []
    with Project.from_qdpx(tmp_path / "back.evb", out) as back:
        assert back.codes() == rich_codes.codes()


def test_a_description_edited_in_another_program_wins_and_the_id_stays(rich_codes, tmp_path):
    out = tmp_path / "codes.qdpx"
    rich_codes.export_qdpx(out)
    edited = tmp_path / "edited.qdpx"
    with zipfile.ZipFile(out) as zin, zipfile.ZipFile(edited, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "project.qde":
                data = data.replace(b"We had other fires to fight.", b"Fires everywhere.")
            zout.writestr(item, data)
    report = ImportReport()
    with Project.from_qdpx(tmp_path / "e.evb", edited, report=report) as back:
        code = back.code("inner.priority")
        assert code.examples == ("Fires everywhere.",) and code.valence_applies is False
    assert any("does not match project.qde" in w for w in report.warnings)


def test_an_old_export_with_the_evalbench_line_still_reads(tmp_path):
    line = json.dumps(
        {
            "id": "barriers.time",
            "definition": "No time.",
            "inclusion": "",
            "exclusion": "",
            "examples": [],
            "keywords": ["time"],
        }
    )
    codebook = (
        f'<CodeBook><Codes><Code guid="{guid(5)}" name="Time" isCodable="true"><Description>No time.\n\n'
        f"Keywords: time\n\n[evalbench] {line}</Description></Code></Codes></CodeBook>"
    )
    qdpx = tmp_path / "old.qdpx"
    with zipfile.ZipFile(qdpx, "w") as zf:
        zf.writestr("project.qde", f'<Project xmlns="{NS}" name="old">{codebook}</Project>')
    with Project.from_qdpx(tmp_path / "old.evb", qdpx) as proj:
        [code] = proj.codes()
        assert (code.id, code.definition, code.keywords) == ("barriers.time", "No time.", ("time",))


def test_lone_surrogates_in_our_member_are_replaced_and_reported(rich_codes, tmp_path):
    out = tmp_path / "codes.qdpx"
    rich_codes.export_qdpx(out)
    odd = tmp_path / "odd.qdpx"
    with zipfile.ZipFile(out) as zin, zipfile.ZipFile(odd, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "evalbench.json":
                data = data.replace(b'"cfir":"2.0"', b'"cfir":"2.\\ud800"')
            zout.writestr(item, data)
    report = ImportReport()
    with Project.from_qdpx(tmp_path / "o.evb", odd, report=report) as back:
        assert back.code("inner").extra == {"cfir": "2.\ufffd"}
    assert any("1 character(s) that cannot be stored were replaced" in w for w in report.warnings)


def test_a_codebook_read_from_our_qdpx_keeps_every_id_and_field(rich_codes, tmp_path):
    from evalbench.codebook import load_codebook

    rich_codes.export_qdpx(tmp_path / "codes.qdpx")
    assert list(load_codebook(tmp_path / "codes.qdpx").codes) == rich_codes.codes()
