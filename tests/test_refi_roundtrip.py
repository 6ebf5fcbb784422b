"""REFI-QDA .qdpx export: valid against the official schema, deterministic, and read back whole."""

from __future__ import annotations

import json
import zipfile

import pytest

from evalbench.model import ImportReport
from evalbench.project import Project
from evalbench.xmlsafe import parse_xml, validation_errors
from tests.conftest import make_parsed

NS = "{urn:QDA-XML:project:1.0}"


@pytest.fixture
def rich(project):
    """The two-interview project plus what a real study has: valence, memos, coders, cases, odd text."""
    p01 = project.document("p01.txt")
    p02 = project.document("p02.txt")
    doc3 = project.add_document(
        make_parsed(
            "p03 ünïcode.txt",
            [
                ("Interviewer", "Anything else?"),
                ("Ms Okafor", "Music 𝄞 helped — the café ☕ huddles built trust. «Quoted» too."),
            ],
        ),
        {"Interviewer": ("interviewer", "label")},
    )
    text1 = project.document_text(p01.id)
    s = text1.index("competing priorities")
    project.add_coding(
        p01.id,
        s,
        s + len("competing priorities"),
        "inner.priority",
        valence="barrier",
        memo="Clear barrier; quote in table.",
    )
    c = text1.index("The culture of learning")
    project.add_coding(p01.id, c, c + 60, "inner.culture", valence="facilitator", origin="suggestion")
    project.add_coding(p01.id, c, c + 60, "inner.culture", valence="mixed", coder="sam")
    text3 = project.document_text(doc3)
    m = text3.index("Music")
    cafe = text3.index("huddles")
    project.add_coding(doc3, m, cafe + len("huddles"), "inner.culture", valence="neutral", coder="sam")
    starred = project.add_coding(p02.id, 0, 10, "inner", coder="alex")
    project.update_coding(starred, starred=True)
    project.set_participant(p01.id, "P01", {"role": "physician", "site": "North"})
    project.set_participant(p02.id, "P02", {"role": "nurse", "site": "South"})
    project.set_participant(None, "P09", {"role": "leader"})
    project.set_memo("project", "", "Pilot coding round 1.")
    project.set_memo("document", p01.id, "Recorded on a noisy ward.")
    project.set_memo("code", "inner.culture", "Split into psychological safety?")
    turn = project.turns(p01.id)[1]
    project.set_memo("turn", turn.id, "Follow up on protected time.")
    project.set_memo("cell", "P01|inner.culture", "Strong facilitator overall.")
    return project


def _qde(path):
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


def test_export_is_valid_against_the_refi_qda_project_schema(rich, tmp_path, shared_dir):
    out = tmp_path / "study.qdpx"
    counts = rich.export_qdpx(out)
    root = parse_xml(_qde(out), source="project.qde")
    assert validation_errors(root, shared_dir / "refi-qda" / "Project-mrt2019.xsd") == []
    assert counts.sources == 3 and counts.codings == 5
    assert {u.get("name") for u in root.iter(f"{NS}User")} == {"alex", "sam"}
    assert len(list(root.iter(f"{NS}Case"))) == 3


def test_plain_text_files_and_positions_are_code_points_into_utf8_text(rich, tmp_path):
    out = tmp_path / "study.qdpx"
    rich.export_qdpx(out)
    root = parse_xml(_qde(out), source="project.qde")
    with zipfile.ZipFile(out) as zf:
        for src in root.iter(f"{NS}TextSource"):
            path = src.get("plainTextPath")
            assert path == f"internal://{src.get('guid')}.txt"
            text = zf.read("sources/" + path.removeprefix("internal://")).decode("utf-8")
            doc = rich.document(src.get("name"))
            assert text == doc.text
            for sel in src.iter(f"{NS}PlainTextSelection"):
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                assert 0 <= start < end <= len(text)
    doc3 = rich.document("p03 ünïcode.txt")
    coding = rich.codings(document_id=doc3.id)[0]
    assert doc3.text[coding.start : coding.end].startswith("Music 𝄞")


def test_valence_travels_as_codes_other_programs_can_query(rich, tmp_path):
    out = tmp_path / "study.qdpx"
    rich.export_qdpx(out)
    root = parse_xml(_qde(out), source="project.qde")
    group = next(c for c in root.iter(f"{NS}Code") if c.get("name") == "Valence")
    assert group.get("isCodable") == "false"
    names = {c.get("guid"): c.get("name") for c in group.iter(f"{NS}Code") if c is not group}
    assert set(names.values()) == {"Barrier", "Facilitator", "Mixed", "Neutral"}
    barrier_refs = [r for r in root.iter(f"{NS}CodeRef") if names.get(r.get("targetGUID")) == "Barrier"]
    assert len(barrier_refs) == 1


def test_exporting_twice_is_byte_identical(rich, tmp_path):
    a, b = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    rich.export_qdpx(a)
    rich.export_qdpx(b)
    assert a.read_bytes() == b.read_bytes()


def test_a_change_keeps_every_other_guid(rich, tmp_path):
    before, after = tmp_path / "before.qdpx", tmp_path / "after.qdpx"
    rich.export_qdpx(before)
    doc = rich.document("p02.txt")
    rich.add_coding(doc.id, 2, 8, "inner.priority")
    rich.export_qdpx(after)
    guids = [{e.get("guid") for e in parse_xml(_qde(p), source="x").iter() if e.get("guid")} for p in (before, after)]
    assert guids[0] < guids[1]
    assert len(guids[1] - guids[0]) == 2  # one selection and its coding


def test_export_of_one_coder(rich, tmp_path):
    out = tmp_path / "sam.qdpx"
    counts = rich.export_qdpx(out, coder="sam")
    root = parse_xml(_qde(out), source="x")
    assert counts.codings == 2
    assert [u.get("name") for u in root.iter(f"{NS}User")] == ["sam"]


def test_round_trip_gives_back_documents_codes_codings_participants_and_memos(rich, tmp_path):
    out = tmp_path / "study.qdpx"
    rich.export_qdpx(out)
    report = ImportReport()
    with Project.from_qdpx(tmp_path / "copy.evb", out, report=report) as back:
        assert report.warnings == []
        assert [
            (d.name, d.text, d.sha256, d.format, d.participant, d.attributes) for d in back.documents(with_text=True)
        ] == [(d.name, d.text, d.sha256, d.format, d.participant, d.attributes) for d in rich.documents(with_text=True)]

        def code_fields(p):
            return [
                (
                    c.id,
                    c.name,
                    c.parent_id,
                    c.definition,
                    c.inclusion,
                    c.exclusion,
                    c.examples,
                    c.keywords,
                    c.color,
                    c.valence_applies,
                )
                for c in p.codes()
            ]

        assert code_fields(back) == code_fields(rich)

        def coding_fields(p):
            names = {d.id: d.name for d in p.documents()}
            return sorted(
                (
                    names[c.document_id],
                    c.start,
                    c.end,
                    c.code_id,
                    c.coder,
                    c.valence,
                    c.memo,
                    c.origin,
                    c.starred,
                    c.created_at,
                )
                for c in p.codings()
            )

        assert coding_fields(back) == coding_fields(rich)
        assert back.participants() == rich.participants()
        assert [(t.seq, t.speaker, t.role, t.start, t.end) for t in back.turns()] == [
            (t.seq, t.speaker, t.role, t.start, t.end) for t in rich.turns()
        ]
        assert back.memo("project", "", "alex") == "Pilot coding round 1."
        assert back.memo("code", "inner.culture", "alex") == "Split into psychological safety?"
        assert back.memo("document", back.document("p01.txt").id, "alex") == "Recorded on a noisy ward."
        turn = back.turns(back.document("p01.txt").id)[1]
        assert back.memo("turn", turn.id, "alex") == "Follow up on protected time."
        assert back.memo("cell", "P01|inner.culture", "alex") == "Strong facilitator overall."
        assert set(back.coders()) == {"alex", "sam"}


def test_extension_is_ignored_when_another_program_rewrote_project_qde(rich, tmp_path):
    out = tmp_path / "study.qdpx"
    rich.export_qdpx(out)
    edited = tmp_path / "edited.qdpx"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(edited, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "project.qde":
                data = data.replace(b'name="study"', b'name="study (edited)"')
            dst.writestr(name, data)
    report = ImportReport()
    with Project.from_qdpx(tmp_path / "copy.evb", edited, report=report) as back:
        assert back.name == "study (edited)"
        assert any("does not match" in w for w in report.warnings)
        # Turns are re-derived from the text and the speaker labels are found again.
        assert [t.speaker for t in back.turns(back.document("p01.txt").id)] == [
            "Interviewer",
            "Dr Patel",
            "Interviewer",
            "Dr Patel",
        ]
        assert {c.valence for c in back.codings()} == {"barrier", "facilitator", "mixed", "neutral", "none"}
        assert {c.origin for c in back.codings()} == {"import"}


def test_extension_member_holds_what_refi_has_no_place_for(rich, tmp_path):
    out = tmp_path / "study.qdpx"
    rich.export_qdpx(out)
    with zipfile.ZipFile(out) as zf:
        ext = json.loads(zf.read("evalbench.json"))
    assert ext["format"] == "evalbench-qdpx-extension"
    assert all("turns" in s and "sha256" in s for s in ext["sources"].values())
    assert {"origin": "suggestion"} in ext["selections"].values()
    assert {"target_type": "cell", "target_id": "P01|inner.culture"} in ext["notes"].values()


def test_export_is_cancellable_and_writes_nothing(rich, tmp_path):
    import threading

    from evalbench.errors import UserError

    cancel = threading.Event()
    cancel.set()
    with pytest.raises(UserError, match="cancelled"):
        rich.export_qdpx(tmp_path / "x.qdpx", cancel=cancel)
    assert list(tmp_path.glob("*.qdpx*")) == [] and list(tmp_path.glob(".x.qdpx*")) == []


def test_export_reports_progress(rich, tmp_path):
    seen = []
    rich.export_qdpx(tmp_path / "x.qdpx", progress=lambda done, total, msg: seen.append((done, total)))
    # two steps per document: its selections into project.qde, then its text into sources/
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_same_span_and_code_twice_with_different_valence_survives(project, tmp_path):
    doc = project.document("p01.txt")
    project.add_coding(doc.id, 0, 12, "inner", valence="barrier")
    project.add_coding(doc.id, 0, 12, "inner", valence="facilitator", memo="second reading")
    project.export_qdpx(tmp_path / "dup.qdpx")
    with Project.from_qdpx(tmp_path / "dup.evb", tmp_path / "dup.qdpx") as back:
        assert sorted((c.valence, c.memo) for c in back.codings()) == [
            ("barrier", ""),
            ("facilitator", "second reading"),
        ]


def test_extension_values_are_checked_even_when_it_matches(project, tmp_path):
    """evalbench.json is trusted only as far as its values make sense (a bad role is ignored)."""
    out = tmp_path / "study.qdpx"
    project.export_qdpx(out)
    with zipfile.ZipFile(out) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    ext = json.loads(members["evalbench.json"])
    for source in ext["sources"].values():
        source["roles"] = {label: ["boss", "guessed"] for label in source["roles"]}
    members["evalbench.json"] = json.dumps(ext).encode()
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with Project.from_qdpx(tmp_path / "bad.evb", bad) as back:
        assert {t.role for t in back.turns()} == {"interviewer", "participant"}


def test_control_characters_xml_cannot_hold_are_dropped_not_fatal(tmp_path, shared_dir):
    from evalbench.model import Code

    proj = Project.init(tmp_path / "ctl.evb", coder="alex")
    proj.add_codes([Code(id="a", name="Form\x0cfeed", definition="pasted\x0b from a PDF")])
    doc = proj.add_document(make_parsed("p\x01.txt", [("R", "Text with a form feed\x0c inside.")]))
    proj.set_participant(doc, "P\x02", {"site": "No\x03rth"})
    proj.add_coding(doc, 3, 9, "a", memo="memo\x07 with a bell")
    proj.export_qdpx(tmp_path / "ctl.qdpx")
    root = parse_xml(_qde(tmp_path / "ctl.qdpx"), source="project.qde")
    assert validation_errors(root, shared_dir / "refi-qda" / "Project-mrt2019.xsd") == []
    with Project.from_qdpx(tmp_path / "back.evb", tmp_path / "ctl.qdpx") as back:
        assert back.codes()[0].name == "Formfeed"
        assert back.codings()[0].memo == "memo with a bell"
        assert back.documents(with_text=True)[0].text == proj.documents(with_text=True)[0].text
    proj.close()
