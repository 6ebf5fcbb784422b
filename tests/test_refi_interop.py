"""Importing .qdpx files written by other programs: NVivo and ATLAS.ti fixtures, plus the quirks they show."""

from __future__ import annotations

import io
import zipfile
from collections import Counter

import pytest

from evalbench.model import ImportReport
from evalbench.project import Project
from evalbench.xmlsafe import parse_xml, validation_errors

NS = "{urn:QDA-XML:project:1.0}"


def _interop(shared_dir, name):
    path = shared_dir / "interop" / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


def test_nvivo_project_codes_users_hierarchy(shared_dir, tmp_path):
    qdpx = _interop(shared_dir, "nvivo15-mac_codebook-project.qdpx")
    with Project.from_qdpx(tmp_path / "nv.evb", qdpx) as proj:
        codes = proj.codes()
        assert len(codes) == 262
        assert set(proj.coders()) == {"chrisp", "cp"}
        assert proj.name == "qc project"
        by_id = {c.id: c for c in codes}
        assert by_id["rq1_definition.concepts.abstraction"].parent_id == "rq1_definition.concepts"
        # NVivo repeats names under different parents: each keeps its own place in the tree.
        repeated = [n for n, k in Counter(c.name for c in codes).items() if k > 1]
        assert repeated
        for name in repeated:
            same = [c for c in codes if c.name == name]
            assert len({c.parent_id for c in same}) == len(same)
        assert len(proj.documents()) == 2
        assert proj.meta("imported_from").startswith("nvivo15-mac_codebook-project.qdpx (NVivo for Mac")


def test_nvivo_codes_keep_their_guids_when_exported_again(shared_dir, tmp_path):
    qdpx = _interop(shared_dir, "nvivo15-mac_codebook-project.qdpx")
    with zipfile.ZipFile(qdpx) as zf:
        original = {c.get("guid") for c in parse_xml(zf.read("project.qde"), source="x").iter(f"{NS}Code")}
    with Project.from_qdpx(tmp_path / "nv.evb", qdpx) as proj:
        proj.export_qdpx(tmp_path / "again.qdpx")
    with zipfile.ZipFile(tmp_path / "again.qdpx") as zf:
        root = parse_xml(zf.read("project.qde"), source="x")
    assert {c.get("guid") for c in root.iter(f"{NS}Code")} == original
    assert validation_errors(root, shared_dir / "refi-qda" / "Project-mrt2019.xsd") == []


def test_atlas_ti_codes_only_project(shared_dir, tmp_path):
    qdpx = _interop(shared_dir, "atlasti23_codes-project.qdpx")
    with Project.from_qdpx(tmp_path / "at.evb", qdpx) as proj:
        codes = proj.codes()
        assert [c.name for c in codes] == ["Commits", "2022-05-10T02:05:59Z 19e4dce", "2022-02-11T10:39:25Z cdbfd92"]
        assert codes[1].parent_id == codes[0].id == codes[2].parent_id
        assert set(proj.coders()) == {"Enric Llagostera", "ATLAS.ti"}
        assert proj.documents() == []


# --- synthetic exports with the quirks of other programs ------------------------------
U1, U2 = "{AAAAAAAA-1111-2222-3333-444444444444}", "bbbbbbbb-1111-2222-3333-444444444444"
C1, C2, C3 = (
    "C0000000-0000-0000-0000-000000000001",
    "c0000000-0000-0000-0000-000000000002",
    "C0000000-0000-0000-0000-000000000003",
)
S1, S2, S3, S4 = (f"5{i}000000-0000-0000-0000-000000000000" for i in range(4))
N1, N2, N3, N4 = (f"7{i}000000-0000-0000-0000-000000000000" for i in range(4))
V1, V2 = "90000000-0000-0000-0000-000000000001", "90000000-0000-0000-0000-000000000002"

TRANSCRIPT = (
    "Interview 7\r\n\r\nInterviewer: What got in the way?\r\n\r\n"
    "Respondent: Staffing. We never had cover for the huddle.\r\n\r\n"
    "Interviewer: And what helped?\r\n\r\nRespondent: Leaders who showed up.\r\n"
)
PROSE = "First paragraph about time.\n\nSecond paragraph about money."


def _foreign_qde(sel_start: int, sel_end: int) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="maxqda study" origin="MAXQDA 2022" creatingUserGUID="{U1}">
  <Users><User guid="{U1}" name="Ana"/><User guid="{U2}" id="BK"/></Users>
  <CodeBook><Codes>
    <Code guid="{C1}" name="Barriers" isCodable="true">
      <Description>Things in the way.</Description>
      <NoteRef targetGUID="{N3}"/>
      <Code guid="{C2}" name="Staffing" isCodable="true" color="#f00"/>
    </Code>
    <Code guid="{C3}" name="Staffing" isCodable="true"/>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{V1}" name="Age" typeOfVariable="Integer"/>
    <Variable guid="{V2}" name="Manager" typeOfVariable="Boolean"/>
  </Variables>
  <Cases>
    <Case guid="{{D0000000-0000-0000-0000-000000000001}}" name="Nurse 7">
      <VariableValue><VariableRef targetGUID="{V1}"/><IntegerValue>41</IntegerValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{V2}"/><BooleanValue>false</BooleanValue></VariableValue>
      <SourceRef targetGUID="{S1.upper()}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{S1}" name="Nurse 7" plainTextPath="relative://transcripts/nurse7.txt">
      <SomethingNew flavour="unknown"/>
      <PlainTextSelection guid="E0000000-0000-0000-0000-000000000001" startPosition="{sel_start}"
          endPosition="{sel_end}" creatingUser="{U2}">
        <Coding guid="E1000000-0000-0000-0000-000000000001"><CodeRef targetGUID="{C2}"/></Coding>
        <Coding guid="E2000000-0000-0000-0000-000000000001"><CodeRef targetGUID="{C3}"/></Coding>
        <NoteRef targetGUID="{N1}"/>
      </PlainTextSelection>
      <PlainTextSelection guid="E0000000-0000-0000-0000-000000000002" startPosition="0" endPosition="99999">
        <Coding guid="E1000000-0000-0000-0000-000000000002"><CodeRef targetGUID="{C2}"/></Coding>
      </PlainTextSelection>
      <NoteRef targetGUID="{N2}"/>
    </TextSource>
    <TextSource guid="{S2}" name="Inline memo source">
      <PlainTextContent>{PROSE}</PlainTextContent>
      <Coding guid="E3000000-0000-0000-0000-000000000001" creatingUser="{U1}"><CodeRef targetGUID="{C1}"/></Coding>
    </TextSource>
    <TextSource guid="{S3}" name="Word only" richTextPath="internal://{S3}.docx"/>
    <PictureSource guid="{S4}" name="Whiteboard photo" path="internal://{S4}.png"/>
  </Sources>
  <Notes>
    <Note guid="{N1}" name="on staffing" creatingUser="{U1}">
      <PlainTextContent>Ask about agency staff.</PlainTextContent></Note>
    <Note guid="{N2}" name="about the interview" creatingUser="{U2}" plainTextPath="internal://{N2}.txt"/>
    <Note guid="{N3}" name="code note" creatingUser="{U1}">
      <PlainTextContent>Merge with Resources?</PlainTextContent></Note>
    <Note guid="{N4}" name="loose thought" creatingUser="{U1}">
      <PlainTextContent>Check the site list.</PlainTextContent></Note>
  </Notes>
</Project>"""


def _docx_bytes(paragraphs):
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@pytest.fixture
def foreign(tmp_path):
    """A .qdpx like MAXQDA/QualCoder write: CRLF text, braces, relative paths, no plain text for one source."""
    start = TRANSCRIPT.index("Staffing.")
    end = TRANSCRIPT.index("huddle.") + len("huddle.")
    path = tmp_path / "maxqda.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", _foreign_qde(start, end))
        zf.writestr("sources/nurse7.txt", TRANSCRIPT.encode("utf-8"))
        zf.writestr(f"sources/{N2}.txt", b"Good rapport.\r\nShort on time.")
        zf.writestr(f"sources/{S3}.docx", _docx_bytes(["Interviewer: Hello?", "P4: Hi, thanks."]))
        zf.writestr(f"sources/{S4}.png", b"\x89PNG not really")
    return path


def test_foreign_project_imports_with_its_quirks(foreign, tmp_path):
    report = ImportReport()
    with Project.from_qdpx(tmp_path / "f.evb", foreign, report=report) as proj:
        assert proj.name == "maxqda study"
        names = {d.name: d for d in proj.documents(with_text=True)}
        assert set(names) == {"Nurse 7", "Inline memo source", "Word only"}
        nurse = names["Nurse 7"]
        assert "\r" not in nurse.text
        codings = proj.codings(document_id=nurse.id)
        assert len(codings) == 2  # the out-of-range selection is skipped with a warning
        assert {nurse.text[c.start : c.end] for c in codings} == {"Staffing. We never had cover for the huddle."}
        assert {c.code_id for c in codings} == {"barriers.staffing", "staffing"}
        assert {c.coder for c in codings} == {"BK"}
        assert {c.origin for c in codings} == {"import"}
        assert {c.memo for c in codings} == {"Ask about agency staff."}
        whole = proj.codings(document_id=names["Inline memo source"].id)
        assert [(c.start, c.end, c.code_id, c.coder) for c in whole] == [(0, len(PROSE), "barriers", "Ana")]
        # Speaker turns are found in the imported text; prose becomes one turn per paragraph.
        turns = proj.turns(nurse.id)
        assert [t.speaker for t in turns] == ["Interviewer", "Respondent", "Interviewer", "Respondent"]
        assert [t.role for t in turns] == ["interviewer", "participant"] * 2
        assert nurse.text[turns[1].start : turns[1].end] == "Staffing. We never had cover for the huddle."
        assert len(proj.turns(names["Inline memo source"].id)) == 2
        assert "P4: Hi, thanks." in names["Word only"].text
        assert nurse.participant == "Nurse 7"
        assert nurse.attributes == {"Age": "41", "Manager": "false"}
        by_id = {c.id: c for c in proj.codes()}
        assert by_id["barriers"].definition == "Things in the way."
        assert by_id["barriers.staffing"].color == "#ff0000"
        assert proj.memo("document", nurse.id, "BK") == "Good rapport.\nShort on time."
        assert proj.memo("code", "barriers", "Ana") == "Merge with Resources?"
        assert proj.memo("project", "", "Ana") == "loose thought\nCheck the site list."
        assert set(proj.coders()) == {"Ana", "BK"}
    text = " | ".join(report.warnings)
    assert "outside the text" in text
    assert "source 'Whiteboard photo' skipped: a picture without a text" in text
    assert "Word file" in text


def test_foreign_project_round_trips_through_our_export(foreign, tmp_path, shared_dir):
    with Project.from_qdpx(tmp_path / "f.evb", foreign) as proj:
        proj.export_qdpx(tmp_path / "again.qdpx")
        before = sorted((c.start, c.end, c.code_id, c.coder, c.memo) for c in proj.codings())
    with zipfile.ZipFile(tmp_path / "again.qdpx") as zf:
        root = parse_xml(zf.read("project.qde"), source="x")
    assert validation_errors(root, shared_dir / "refi-qda" / "Project-mrt2019.xsd") == []
    with Project.from_qdpx(tmp_path / "g.evb", tmp_path / "again.qdpx") as back:
        assert sorted((c.start, c.end, c.code_id, c.coder, c.memo) for c in back.codings()) == before


def test_project_without_namespace_or_optional_parts(tmp_path):
    path = tmp_path / "bare.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "project.qde",
            '<Project name="bare"><CodeBook><Codes>'
            '<Code guid="00000000-0000-0000-0000-0000000000aa" name="Only" isCodable="true"/>'
            "</Codes></CodeBook></Project>",
        )
    with Project.from_qdpx(tmp_path / "bare.evb", path) as proj:
        assert [c.name for c in proj.codes()] == ["Only"]


def test_audio_transcripts_and_document_variables(tmp_path):
    """MAXQDA-style: an interview recording with its transcript, coded via sync points; variables on sources."""
    text = "Interviewer: How was the huddle?\nNurse: Rushed, every single time.\n"
    a, b = text.index("Rushed"), text.index("time.") + len("time.")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="media">
  <Users><User guid="{U1}" name="Ana"/></Users>
  <CodeBook><Codes><Code guid="{C1}" name="Pressure" isCodable="true"/></Codes></CodeBook>
  <Variables><Variable guid="{V1}" name="Role" typeOfVariable="Text"/></Variables>
  <Sources>
    <AudioSource guid="{S1}" name="P12 recording" path="internal://{S1}.m4a">
      <Transcript guid="{S2}" plainTextPath="internal://{S2}.txt">
        <SyncPoint guid="{N1}" timeStamp="0" position="{a}"/>
        <SyncPoint guid="{N2}" timeStamp="4000" position="{b}"/>
        <TranscriptSelection guid="{N3}" fromSyncPoint="{N1}" toSyncPoint="{N2}" creatingUser="{U1}">
          <Coding guid="{N4}"><CodeRef targetGUID="{C1}"/></Coding>
        </TranscriptSelection>
      </Transcript>
    </AudioSource>
    <TextSource guid="{S3}" name="P13.docx">
      <PlainTextContent>Just text.</PlainTextContent>
      <VariableValue><VariableRef targetGUID="{V1}"/><TextValue>pharmacist</TextValue></VariableValue>
    </TextSource>
  </Sources>
</Project>"""
    path = tmp_path / "media.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr(f"sources/{S2}.txt", text)
    with Project.from_qdpx(tmp_path / "m.evb", path) as proj:
        docs = {d.name: d for d in proj.documents(with_text=True)}
        assert set(docs) == {"P12 recording transcript", "P13.docx"}
        rec = docs["P12 recording transcript"]
        assert rec.metadata["media"] == "P12 recording"
        [coding] = proj.codings(document_id=rec.id)
        assert rec.text[coding.start : coding.end] == "Rushed, every single time."
        assert coding.coder == "Ana"
        assert docs["P13.docx"].participant == "P13"
        assert docs["P13.docx"].attributes == {"Role": "pharmacist"}


def test_qc_style_line_selections(tmp_path):
    """qc writes one selection per coded line (newline included), several coders' codings in it."""
    lines = ["I: What got in the way?\n", "P: Staffing, mostly.\n", "I: And what helped?\n", "P: Our manager.\n"]
    text = "".join(lines)
    starts = [sum(len(x) for x in lines[:i]) for i in range(len(lines))]
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 origin="qc 2.1.0" name="qc project"><Users><User name="chris" guid="{U2}"/><User name="dana" guid="{V2}"/></Users>
<CodeBook><Codes><Code name="staffing" guid="{C1}" isCodable="true"/>
<Code name="leadership" guid="{C2}" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource plainTextPath="internal://{S1}.md" guid="{S1}" name="interviews/p1.md">
<PlainTextSelection guid="{N1}" name="line:1" startPosition="{starts[1]}" endPosition="{starts[2]}">
<Coding guid="{N2}" creatingUser="{U2}"><CodeRef targetGUID="{C1}"/></Coding>
<Coding guid="{N3}" creatingUser="{V2}"><CodeRef targetGUID="{C1}"/></Coding></PlainTextSelection>
<PlainTextSelection guid="{N4}" name="line:3" startPosition="{starts[3]}" endPosition="{len(text)}">
<Coding guid="{V1}" creatingUser="{V2}"><CodeRef targetGUID="{C2}"/></Coding></PlainTextSelection>
</TextSource></Sources></Project>"""
    path = tmp_path / "qc.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr(f"sources/{S1}.md", text)
    with Project.from_qdpx(tmp_path / "qc.evb", path) as proj:
        doc = proj.document("interviews/p1.md")
        doc_text = proj.document_text(doc.id)
        assert doc_text == text
        got = sorted((doc_text[c.start : c.end], c.code_id, c.coder) for c in proj.codings())
        assert got == [
            ("P: Our manager.\n", "leadership", "dana"),
            ("P: Staffing, mostly.\n", "staffing", "chris"),
            ("P: Staffing, mostly.\n", "staffing", "dana"),
        ]
        assert [t.speaker for t in proj.turns(doc.id)] == ["I", "P", "I", "P"]
        assert [t.role for t in proj.turns(doc.id)] == ["interviewer", "participant"] * 2
