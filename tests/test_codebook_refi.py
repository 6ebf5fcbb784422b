"""REFI-QDA codebook exchange: valid .qdc files, round trips, other programs' codebooks, hostile XML."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from evalbench.codebook import CodebookError, load_codebook, make_codebook, save_codebook, template
from evalbench.codebook.refi import CODEBOOK_NS, code_guid, parse_description
from evalbench.errors import UserError
from evalbench.model import Code
from evalbench.xmlsafe import parse_xml, validation_errors

SHARED = Path(__file__).resolve().parents[2] / "shared"
XSD = SHARED / "refi-qda" / "Codebook-mrt2019.xsd"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"{SHARED} (REFI-QDA schemas and interop fixtures beside the repo) is absent"
)


def qdc_from_project(qdpx: Path, out: Path) -> Path:
    """Cut the <CodeBook> out of a .qdpx project into a stand-alone .qdc, as a user would."""
    from lxml import etree

    with zipfile.ZipFile(qdpx) as zf:
        root = parse_xml(zf.read("project.qde"), source=str(qdpx))
    ns = etree.QName(root).namespace
    book = root.find(f"{{{ns}}}CodeBook")
    text = etree.tostring(book, encoding="unicode").replace(ns, CODEBOOK_NS)
    out.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + text, encoding="utf-8")
    return out


@needs_shared
def test_cfir2_exports_a_qdc_valid_against_the_official_schema(tmp_path):
    out = tmp_path / "cfir2.qdc"
    save_codebook(template("cfir2"), out)
    root = parse_xml(out.read_bytes(), source=str(out))
    assert validation_errors(root, XSD) == []
    assert len(root.findall(f".//{{{CODEBOOK_NS}}}Code")) == 72


def test_qdc_round_trip_restores_ids_and_every_field(tmp_path):
    book = template("cfir2")
    out = tmp_path / "cfir2.qdc"
    save_codebook(book, out)
    back = load_codebook(out)
    assert back.codes == book.codes
    # exporting twice gives the same bytes (deterministic GUIDs)
    save_codebook(back, tmp_path / "again.qdc")
    assert (tmp_path / "again.qdc").read_bytes() == out.read_bytes()


def test_description_edited_in_another_program_wins_but_keeps_the_id():
    code = Code(id="x.y", name="Y", definition="Old text.", inclusion="When A.", keywords=("k1",))
    from evalbench.codebook.refi import code_fields, description_for

    desc = description_for(code).replace("Old text.", "New text from NVivo.", 1).replace("k1", "k1; k2", 1)
    fields = parse_description(desc, code_fields(code))
    assert fields["id"] == "x.y"
    assert fields["definition"] == "New text from NVivo."
    assert fields["inclusion"] == "When A." and fields["keywords"] == ["k1", "k2"]


def test_descriptions_other_programs_show_are_clean_and_our_fields_travel_beside_them(tmp_path):
    """No '[evalbench] {json}' line in any code memo; the exact fields sit in an <?evalbench?> instruction."""
    from lxml import etree

    code = Code(
        id="a.b",
        name="B",
        parent_id="a",
        definition="Text with\nInclusion: a line that looks like a label.",
        valence_applies=False,
        extra={"team": "north"},
    )
    book = make_codebook([Code(id="a", name="A"), code], source="x")
    save_codebook(book, tmp_path / "b.qdc")
    root = parse_xml((tmp_path / "b.qdc").read_bytes(), source="b.qdc")
    descriptions = [el.text or "" for el in root.iter(f"{{{CODEBOOK_NS}}}Description")]
    assert descriptions and not any("[evalbench]" in d or "{" in d for d in descriptions)
    assert [n.target for n in root.itersiblings() if isinstance(n, etree._ProcessingInstruction)] == ["evalbench"]
    assert load_codebook(tmp_path / "b.qdc").codes == book.codes
    # Another program that drops the instruction keeps the codes; IDs then come from the names.
    stripped = (tmp_path / "b.qdc").read_text(encoding="utf-8").split("<?evalbench")[0]
    (tmp_path / "c.qdc").write_text(stripped, encoding="utf-8")
    assert [c.id for c in load_codebook(tmp_path / "c.qdc").codes] == ["a", "a.b"]


def test_files_written_with_the_old_evalbench_line_still_read():
    old = (
        'Why it matters.\n\nKeywords: k1; k2\n\n[evalbench] {"id": "x.old", "definition": "Why it matters.", '
        '"inclusion": "", "exclusion": "", "examples": [], "keywords": ["k1", "k2"], "valence_applies": false}'
    )
    fields = parse_description(old)
    assert fields == {
        "definition": "Why it matters.",
        "inclusion": "",
        "exclusion": "",
        "examples": [],
        "keywords": ["k1", "k2"],
        "id": "x.old",
        "valence_applies": False,
    }
    deep = "Text.\n[evalbench] " + "[" * 500 + "]" * 500
    assert parse_description(deep) == {"definition": deep}


def test_foreign_description_is_the_definition():
    assert parse_description("Just a note\nwritten in MAXQDA") == {"definition": "Just a note\nwritten in MAXQDA"}


@needs_shared
@pytest.mark.parametrize(
    "name, count, first",
    [
        ("nvivo15-mac_codebook-project.qdpx", 262, "rq1_definition"),
        ("atlasti23_codes-project.qdpx", 3, "commits"),
    ],
)
def test_codebooks_from_other_programs_import(tmp_path, name, count, first):
    qdc = qdc_from_project(SHARED / "interop" / name, tmp_path / "theirs.qdc")
    book = load_codebook(qdc)
    assert len(book.codes) == count and book.codes[0].id == first
    assert len({c.id for c in book.codes}) == count
    # the project archive reads the same
    assert load_codebook(SHARED / "interop" / name).codes == book.codes
    # and the codes go back out under their original GUIDs
    from lxml import etree

    original = {el.get("guid") for el in etree.parse(str(qdc)).iter(f"{{{CODEBOOK_NS}}}Code")}
    assert {code_guid(c) for c in book.codes} == original
    save_codebook(book, tmp_path / "ours.qdc")
    assert validation_errors(parse_xml((tmp_path / "ours.qdc").read_bytes(), source="ours"), XSD) == []


@needs_shared
def test_nvivo_duplicate_names_under_different_parents_get_distinct_ids():
    book = load_codebook(SHARED / "interop" / "nvivo15-mac_codebook-project.qdpx")
    programming = [c.id for c in book.codes if c.name == "programming"]
    assert len(programming) == 2 and len(set(programming)) == 2
    assert "rq1_definition.competencies.programming" in programming


def test_qdc_from_other_tools_shapes(tmp_path):
    """MAXQDA-style 3-digit colours, QualCoder-style braces GUIDs, isCodable=false, nesting."""
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="{CODEBOOK_NS}" origin="MAXQDA 2022">
  <Codes>
    <Code guid="{{11111111-2222-3333-4444-555555555555}}" name="Barriers" isCodable="false" color="#f00">
      <Description>Things in the way</Description>
      <Code guid="21111111-2222-3333-4444-555555555555" name="No time!" isCodable="true"/>
      <Code guid="31111111-2222-3333-4444-555555555555" name="No time?" isCodable="1"/>
    </Code>
  </Codes>
</CodeBook>"""
    path = tmp_path / "maxqda.qdc"
    path.write_text(xml)
    book = load_codebook(path)
    assert [c.id for c in book.codes] == ["barriers", "barriers.no_time", "barriers.no_time_2"]
    top = book.codes[0]
    assert top.color == "#ff0000" and top.definition == "Things in the way"
    assert top.extra["refi_codable"] is False
    save_codebook(book, tmp_path / "out.qdc")
    again = load_codebook(tmp_path / "out.qdc")
    assert again.codes[0].extra == top.extra and code_guid(again.codes[0]) == code_guid(top)


HOSTILE = {
    "billion_laughs": b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol "lol">\n'
    b'  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
    b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="x" name="&lol2;" '
    b'isCodable="true"/></Codes></CodeBook>',
    "external_entity": b'<?xml version="1.0"?>\n<!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="x" name="&xxe;" '
    b'isCodable="true"/></Codes></CodeBook>',
    "external_dtd": b'<!DOCTYPE CodeBook SYSTEM "http://example.invalid/evil.dtd">\n<CodeBook/>',
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_qdc_is_refused_and_nothing_is_written(tmp_path, kind):
    path = tmp_path / "evil.qdc"
    path.write_bytes(HOSTILE[kind])
    with pytest.raises(UserError, match=r"evil\.qdc:\d+:\d+: refusing XML with"):
        load_codebook(path)


def test_entity_declaration_line_is_reported(tmp_path):
    path = tmp_path / "evil.qdc"
    path.write_bytes(HOSTILE["billion_laughs"])
    with pytest.raises(UserError, match=r"evil\.qdc:3:3: refusing XML with an entity declaration"):
        load_codebook(path)


def test_malformed_and_wrong_xml(tmp_path):
    path = tmp_path / "bad.qdc"
    path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n</CodeBook>')
    with pytest.raises(UserError, match=r"bad\.qdc:3:\d+: not well-formed XML"):
        load_codebook(path)
    path.write_text("<html><body/></html>")
    with pytest.raises(CodebookError, match="not a REFI-QDA codebook"):
        load_codebook(path)


def test_empty_codebook_is_not_written_as_qdc(tmp_path):
    with pytest.raises(CodebookError, match="at least one code"):
        save_codebook(make_codebook([]), tmp_path / "empty.qdc")
    assert not (tmp_path / "empty.qdc").exists()


@needs_shared
def test_validate_names_the_first_schema_violation():
    from evalbench.xmlsafe import validate

    root = parse_xml(
        f'<CodeBook xmlns="{CODEBOOK_NS}">\n<Codes>\n<Code name="a" isCodable="true"/></Codes></CodeBook>'.encode(),
        source="x.qdc",
    )
    with pytest.raises(UserError, match=r"x\.qdc: not valid against Codebook-mrt2019\.xsd: line 3: .*guid"):
        validate(root, XSD, source="x.qdc")


QUALCODER = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook origin="QualCoder 3.5">
<Codes>
<Code guid="5a0c2c3e-1111-4e55-9a53-2f7f0c3b9e61" name="Barriers" isCodable="false">
<Description>Category of barriers</Description>
<Code guid="5a0c2c3e-2222-4e55-9a53-2f7f0c3b9e61" name="Staffing" isCodable="true" color="#F0A0A0" />
</Code>
</Codes>
</CodeBook>"""

TAGUETTE = (
    '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
    'origin="Taguette 1.4.1"><Codes><Code guid="0E0C6A57-5F1B-5B47-8E51-7B8D9A3A0C11" '
    'name="interesting" isCodable="true"/><Code guid="1E0C6A57-5F1B-5B47-8E51-7B8D9A3A0C11" '
    'name="barriers.time" isCodable="true"/></Codes><Sets/></CodeBook>'
)


@pytest.mark.parametrize(
    "text, ids, names",
    [
        (QUALCODER, ["barriers", "barriers.staffing"], ["Barriers", "Staffing"]),  # no namespace, categories
        (TAGUETTE, ["interesting", "barriers_time"], ["interesting", "barriers.time"]),  # flat tag paths
    ],
)
def test_qualcoder_and_taguette_shapes_import_and_go_back_out(tmp_path, text, ids, names):
    path = tmp_path / "theirs.qdc"
    path.write_text(text)
    book = load_codebook(path)
    assert [c.id for c in book.codes] == ids and [c.name for c in book.codes] == names
    out = tmp_path / "ours.qdc"
    save_codebook(book, out)
    from lxml import etree

    guids = [el.get("guid") for el in etree.parse(str(path)).iter("{*}Code")]
    assert [code_guid(c) for c in load_codebook(out).codes] == guids
    if XSD.exists():
        assert validation_errors(parse_xml(out.read_bytes(), source="ours"), XSD) == []
