"""Generated hostile input: thousands of random-but-plausible files, and random bytes.

Transcripts, codebooks (YAML/JSON/.qdc) and REFI-QDA .qdpx archives arrive
from other people and other programs. Whatever they hold, evalbench must
either read them or refuse them with a one-line ``UserError`` -- never crash
with a traceback, and never leave a half-built project behind.

The speaker-turn splitter itself has its own property test in
``test_ingest_turns.py``; here the whole file readers are driven, per format.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalbench.codebook import load_codebook
from evalbench.codebook.files import CODE_KEYS, TOP_KEYS
from evalbench.errors import UserError
from evalbench.ingest import parse_file
from evalbench.project import Project
from evalbench.refi.common import EXTENSION_FORMAT, EXTENSION_MEMBER, VALENCE_CODES, VALENCE_GROUP
from evalbench.refi.qdpx_read import read_qdpx
from tests.conftest import examples

#: Function-scoped tmp_path is shared by all examples of one test; each example writes fresh names.
SETTINGS = dict(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], derandomize=True
)

_counter = iter(range(10**9))


def _fresh(folder: Path, suffix: str) -> Path:
    return folder / f"case{next(_counter)}{suffix}"


def _survives(fn, *args, **kwargs):
    """Run ``fn``: success, or a one-line UserError. Anything else fails the test (a real bug)."""
    try:
        return fn(*args, **kwargs)
    except UserError as exc:
        assert str(exc).strip(), "a UserError must say what is wrong"
        assert "\n" not in str(exc).strip(), f"error is not one line: {exc!r}"
        return None


# --- shared strategies ------------------------------------------------------------------------
_XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"), max_size=40)
_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_IDS = st.sampled_from(["a", "a.b", "a.b.c", "b", "B", "x y", "", "a..b", "1", "cfir2.inner", "é"])
_JUNK_BYTES = st.binary(max_size=300)


# --- transcripts: every plain-text format through the real file reader ----------------------------
_TRANSCRIPT_LINE = st.one_of(
    st.text(max_size=50),
    st.sampled_from(
        [
            "WEBVTT",
            "WEBVTT - Zoom",
            "",
            "1",
            "2",
            "00:00:01.000 --> 00:00:04.000",
            "00:00:01,000 --> 00:00:04,000",
            "00:00:05.000 --> 00:00:02.000",
            "99:99:99.999 --> 00:00:00.000",
            "<v Dr Patel>We had no time</v>",
            "<v>",
            "Interviewer: and then?",
            "P01: yes",
            "NOTE hello",
            "Dr Patel: 00:01 so",
            "[00:01:02] Nurse Kim: ok",
            "**Q:** why?",
            "Speaker 1 (0:00)",
            "-->",
            "Title: Interview 3",
            "Date: 2024-01-01",
            "STYLE",
            "::cue { color: red }",
            "\ufeff",
            "\x00",
        ]
    ),
)


@settings(max_examples=examples(400), **SETTINGS)
@given(
    suffix=st.sampled_from([".txt", ".md", ".vtt", ".srt"]),
    lines=st.lists(_TRANSCRIPT_LINE, max_size=30),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_transcript_files_parse_or_fail_in_one_line(tmp_path, suffix, lines, newline, encoding):
    path = _fresh(tmp_path, suffix)
    path.write_bytes(newline.join(lines).encode(encoding, errors="replace"))
    doc = _survives(parse_file, path)
    if doc is not None:
        assert doc.turns
        last = 0
        for turn in doc.turns:
            assert last <= turn.start <= turn.end <= len(doc.text)
            last = turn.end


@settings(max_examples=examples(300), **SETTINGS)
@given(
    suffix=st.sampled_from([".txt", ".vtt", ".srt", ".docx", ".odt", ".rtf", ".pdf"]),
    head=st.sampled_from(
        [
            b"",
            b"PK\x03\x04",
            b"{\\rtf1 ",
            b"%PDF-1.4\n",
            b"WEBVTT\n\n",
            b"\xef\xbb\xbf",
            b"\xff\xfe",
            b"1\n00:00:01,000 --> 00:00:02,000\n",
        ]
    ),
    body=_JUNK_BYTES,
)
def test_random_bytes_in_any_transcript_format_fail_in_one_line(tmp_path, suffix, head, body):
    path = _fresh(tmp_path, suffix)
    path.write_bytes(head + body)
    _survives(parse_file, path)


# --- codebooks: YAML and JSON text ------------------------------------------------------------
def _code_item():
    plausible = {
        "id": _IDS,
        "parent": st.none() | _IDS,
        "name": st.text(max_size=10),
        "definition": st.text(max_size=10),
        "examples": st.lists(st.text(max_size=5), max_size=2),
        "keywords": st.lists(st.text(max_size=5), max_size=2),
        "color": st.sampled_from(["#ff0000", "#abc", "red", "", "#GGGGGG"]),
        "valence_applies": st.booleans(),
    }
    keys = st.lists(st.sampled_from([*CODE_KEYS, "junk"]), unique=True, max_size=6)
    return keys.flatmap(
        lambda ks: st.fixed_dictionaries({k: st.one_of(plausible.get(k, _JSONISH), _JSONISH) for k in ks})
    )


_CODEBOOK_DATA = st.one_of(
    _JSONISH,
    st.fixed_dictionaries(
        {"evalbench_codebook": st.sampled_from([1, 1, 2, "1", None]), "codes": st.lists(_code_item(), max_size=6)},
        optional={k: _JSONISH for k in TOP_KEYS if k not in ("evalbench_codebook", "codes")},
    ),
)

_YAML_SNIPPETS = st.sampled_from(
    [
        "evalbench_codebook: 1\ncodes:\n  - id: a\n    name: A\n",
        "codes: &x [*x]\n",
        "a: &a [1]\nb: [*a, *a]\n",
        "codes:\n  - id: a\n    id: b\n",
        "!!python/object:os.system {}\n",
        "codes: !!binary aGVsbG8=\n",
        "%YAML 1.1\n---\ncodes: []\n",
        "codes:\n- {id: a, extra: {x: &e [1,2], y: [*e, *e, *e]}}\n",
        "---\n...\n---\n",
        "\t- tab\n",
        "codes:\n  - id: a\n    parent: a\n",
        "codes:\n  - id: a\n    parent: b\n  - id: b\n    parent: a\n",
        "<<: *undefined\n",
        "? [a, b]\n: c\n",
    ]
)


@settings(max_examples=examples(500), **SETTINGS)
@given(data=_CODEBOOK_DATA, suffix=st.sampled_from([".yaml", ".json"]))
def test_codebook_data_of_any_shape_loads_or_fails_in_one_line(tmp_path, data, suffix):
    path = _fresh(tmp_path, suffix)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")  # JSON is YAML too
    book = _survives(load_codebook, path)
    if book is not None:
        ids = [c.id for c in book.codes]
        assert len(ids) == len(set(ids))
        seen: set[str] = set()
        for code in book.codes:  # parents before children, no dangling parent
            assert code.parent_id is None or code.parent_id in seen
            seen.add(code.id)


@settings(max_examples=examples(300), **SETTINGS)
@given(
    parts=st.lists(st.one_of(_YAML_SNIPPETS, st.text(max_size=40)), min_size=1, max_size=4),
    suffix=st.sampled_from([".yaml", ".yml", ".json"]),
)
def test_codebook_text_of_any_kind_loads_or_fails_in_one_line(tmp_path, parts, suffix):
    path = _fresh(tmp_path, suffix)
    path.write_text("".join(parts), encoding="utf-8")
    _survives(load_codebook, path)


@settings(max_examples=examples(150), **SETTINGS)
@given(raw=_JUNK_BYTES, suffix=st.sampled_from([".yaml", ".json", ".qdc", ".qdpx"]))
def test_codebook_random_bytes_fail_in_one_line(tmp_path, raw, suffix):
    path = _fresh(tmp_path, suffix)
    path.write_bytes(raw)
    _survives(load_codebook, path)


# --- REFI-QDA XML ---------------------------------------------------------------------------------
_GUIDS = st.sampled_from(
    [
        "00000000-0000-0000-0000-000000000001",
        "00000000-0000-0000-0000-000000000002",
        "{00000000-0000-0000-0000-000000000003}",
        "ABCDEF00-0000-0000-0000-000000000004",
        "not-a-guid",
        "",
        # our own valence codes and group, so that the importer's special cases are exercised
        VALENCE_GROUP,
        VALENCE_CODES["barrier"][0],
        VALENCE_CODES["mixed"][0].upper(),
    ]
)
_DESCRIPTIONS = st.one_of(
    _XML_TEXT,
    _JSONISH.map(lambda v: "[evalbench] " + json.dumps(v)),
    st.fixed_dictionaries(
        {},
        optional={
            k: _JSONISH
            for k in ("id", "definition", "inclusion", "exclusion", "examples", "keywords", "valence_applies", "extra")
        },
    ).map(lambda d: "Some text\n\nInclusion: x\n\n[evalbench] " + json.dumps(d)),
)


def _attr(name: str, value) -> str:
    return "" if value is None else f" {name}={quoteattr(str(value))}"


@st.composite
def _code_xml(draw, depth: int = 0) -> str:
    attrs = (
        _attr("guid", draw(st.none() | _GUIDS))
        + _attr("name", draw(st.none() | _XML_TEXT))
        + _attr("isCodable", draw(st.sampled_from([None, "true", "false", "0", "yes"])))
        + _attr("color", draw(st.sampled_from([None, "#FF0000", "#abc", "blue", ""])))
    )
    desc = draw(st.none() | _DESCRIPTIONS)
    inner = f"<Description>{escape(desc)}</Description>" if desc is not None else ""
    if depth < 2:
        inner += "".join(draw(st.lists(_code_xml(depth + 1), max_size=3)))
    inner += "".join(f'<NoteRef targetGUID="{g}"/>' for g in draw(st.lists(_GUIDS, max_size=1)))
    return f"<Code{attrs}>{inner}</Code>"


def _codebook_xml(draw, ns: str) -> str:
    codes = "".join(draw(st.lists(_code_xml(), max_size=5)))
    return f'<CodeBook xmlns="{ns}"><Codes>{codes}</Codes></CodeBook>'


@settings(max_examples=examples(250), **SETTINGS)
@given(data=st.data())
def test_qdc_codebooks_load_or_fail_in_one_line(tmp_path, data):
    ns = data.draw(st.sampled_from(["urn:QDA-XML:codebook:1.0", "urn:QDA-XML:project:1.0", ""]))
    xml = data.draw(
        st.one_of(
            st.just(None).map(lambda _: _codebook_xml(data.draw, ns)),
            st.sampled_from(
                [
                    "<CodeBook/>",
                    "<Other/>",
                    "<CodeBook><Codes/></CodeBook>",
                    "",
                    '<!DOCTYPE x [<!ENTITY a "b">]><CodeBook/>',
                ]
            ),
        )
    )
    decl = data.draw(st.sampled_from(['<?xml version="1.0" encoding="utf-8"?>', "", "\ufeff"]))
    path = _fresh(tmp_path, ".qdc")
    path.write_text(decl + xml, encoding="utf-8")
    book = _survives(load_codebook, path)
    if book is not None:
        assert len({c.id for c in book.codes}) == len(book.codes)


# --- REFI-QDA .qdpx archives ------------------------------------------------------------------
_POSITIONS = st.one_of(st.integers(-3, 60), st.sampled_from(["", "x", "10.5", "99999999999999999999"]))


@st.composite
def _qdpx_members(draw) -> list[tuple[str, bytes]]:
    """A plausible project.qde (users, codes, sources, selections, notes, cases) and its members."""
    members: list[tuple[str, bytes]] = []
    users = "".join(
        f"<User{_attr('guid', g)}{_attr('name', n)}/>"
        for g, n in draw(st.lists(st.tuples(_GUIDS, st.none() | _XML_TEXT), max_size=2))
    )
    variables = "".join(
        f'<Variable guid="{g}" name={quoteattr(n)} typeOfVariable="Text"/>'
        for g, n in draw(st.lists(st.tuples(_GUIDS, _XML_TEXT), max_size=2))
    )
    sources = []
    for i in range(draw(st.integers(0, 3))):
        text = draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
        where = draw(st.sampled_from(["inline", "member", "missing", "docx", "none"]))
        attrs = _attr("guid", draw(_GUIDS)) + _attr("name", draw(st.none() | _XML_TEXT))
        body = ""
        if where == "inline":
            body = (
                f"<PlainTextContent>{escape(''.join(c for c in text if c.isprintable() or c == chr(10)))}"
                "</PlainTextContent>"
            )
        elif where == "member":
            name = draw(st.sampled_from([f"s{i}.txt", f"s{i}.TXT", "dup.txt"]))
            attrs += _attr("plainTextPath", draw(st.sampled_from(["internal://", "relative://", ""])) + name)
            members.append(
                (
                    f"sources/{name}",
                    draw(
                        st.sampled_from(
                            [
                                text.encode("utf-8"),
                                text.encode("utf-16"),
                                b"\x00\x01\x02",
                                b"",
                                text.encode("cp1252", "replace"),
                            ]
                        )
                    ),
                )
            )
        elif where == "missing":
            attrs += _attr("plainTextPath", "internal://nowhere.txt")
        elif where == "docx":
            attrs += _attr("richTextPath", f"internal://r{i}.docx")
            members.append((f"sources/r{i}.docx", draw(_JUNK_BYTES)))
        for _ in range(draw(st.integers(0, 4))):
            codings = "".join(
                f"<Coding{_attr('guid', g)}{_attr('creatingUser', u)}><CodeRef{_attr('targetGUID', t)}/></Coding>"
                for g, u, t in draw(st.lists(st.tuples(_GUIDS, st.none() | _GUIDS, st.none() | _GUIDS), max_size=2))
            )
            notes = "".join(f'<NoteRef targetGUID="{g}"/>' for g in draw(st.lists(_GUIDS, max_size=1)))
            body += (
                f"<PlainTextSelection{_attr('guid', draw(_GUIDS))}"
                f"{_attr('startPosition', draw(_POSITIONS))}{_attr('endPosition', draw(_POSITIONS))}"
                f"{_attr('creatingUser', draw(st.none() | _GUIDS))}>{codings}{notes}</PlainTextSelection>"
            )
        for g, v in draw(st.lists(st.tuples(_GUIDS, _XML_TEXT), max_size=1)):
            body += f'<VariableValue><VariableRef targetGUID="{g}"/><TextValue>{escape(v)}</TextValue></VariableValue>'
        kind = draw(st.sampled_from(["TextSource", "TextSource", "PictureSource", "PDFSource"]))
        sources.append(f"<{kind}{attrs}>{body}</{kind}>")
    notes = "".join(
        f"<Note{_attr('guid', g)}{_attr('name', n)}><PlainTextContent>{escape(t)}</PlainTextContent></Note>"
        for g, n, t in draw(st.lists(st.tuples(_GUIDS, st.none() | _XML_TEXT, _XML_TEXT), max_size=2))
    )
    cases = "".join(
        f'<Case{_attr("guid", g)}{_attr("name", n)}><SourceRef targetGUID="{s}"/></Case>'
        for g, n, s in draw(st.lists(st.tuples(_GUIDS, st.none() | _XML_TEXT, _GUIDS), max_size=2))
    )
    codebook = _codebook_xml(draw, "urn:QDA-XML:project:1.0")
    qde = (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0"'
        f"{_attr('name', draw(st.none() | _XML_TEXT))}{_attr('creatingUserGUID', draw(st.none() | _GUIDS))}>"
        f"<Users>{users}</Users>{codebook}<Variables>{variables}</Variables>"
        f"<Cases>{cases}</Cases><Sources>{''.join(sources)}</Sources><Notes>{notes}</Notes>"
        f'<NoteRef targetGUID="{draw(_GUIDS)}"/></Project>'
    ).encode()
    members.insert(0, ("project.qde", qde))
    if draw(st.booleans()):  # our own extension, written together with this qde (or not)
        ext = draw(
            st.fixed_dictionaries(
                {
                    "format": st.just(EXTENSION_FORMAT),
                    "qde_sha256": st.sampled_from([hashlib.sha256(qde).hexdigest(), "0" * 64]),
                },
                optional={
                    "sources": _JSONISH
                    | st.dictionaries(
                        _GUIDS,
                        st.fixed_dictionaries(
                            {},
                            optional={
                                "sha256": _JSONISH,
                                "format": _JSONISH,
                                "path": _JSONISH,
                                "metadata": _JSONISH,
                                "turns": _JSONISH
                                | st.lists(
                                    st.lists(
                                        st.integers(-2, 70) | st.none() | st.text(max_size=3), min_size=4, max_size=4
                                    ),
                                    max_size=3,
                                ),
                                "roles": _JSONISH,
                            },
                        ),
                        max_size=2,
                    ),
                    "selections": _JSONISH | st.dictionaries(_GUIDS, _JSONISH, max_size=2),
                    "notes": _JSONISH | st.dictionaries(_GUIDS, _JSONISH, max_size=2),
                },
            )
        )
        members.append((EXTENSION_MEMBER, json.dumps(ext).encode()))
    return members


def _write_zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        seen = set()
        for name, payload in members:
            if name not in seen:
                seen.add(name)
                zf.writestr(name, payload)
    return path


@settings(max_examples=examples(300), **SETTINGS)
@given(members=_qdpx_members())
def test_qdpx_archives_read_or_fail_in_one_line(tmp_path, members):
    qdpx = _write_zip(_fresh(tmp_path, ".qdpx"), members)
    _survives(read_qdpx, qdpx)
    _survives(load_codebook, qdpx)


@settings(max_examples=examples(100), **SETTINGS)
@given(members=_qdpx_members())
def test_qdpx_archives_become_a_whole_project_or_none(tmp_path, members):
    qdpx = _write_zip(_fresh(tmp_path, ".qdpx"), members)
    target = _fresh(tmp_path, ".evb")
    proj = _survives(Project.from_qdpx, target, qdpx)
    if proj is None:
        assert not target.exists(), "a refused import left a project file behind"
        assert not list(tmp_path.glob(f".{target.name}.importing-*"))
        return
    with proj:
        for doc in proj.documents():
            text = proj.document_text(doc.id)
            for coding in proj.codings(document_id=doc.id):
                assert 0 <= coding.start < coding.end <= len(text)


@settings(max_examples=examples(150), **SETTINGS)
@given(raw=_JUNK_BYTES, zipped=st.booleans())
def test_qdpx_of_random_bytes_fails_in_one_line(tmp_path, raw, zipped):
    qdpx = _fresh(tmp_path, ".qdpx")
    if zipped:
        _write_zip(qdpx, [("project.qde", raw)])
    else:
        qdpx.write_bytes(raw)
    assert _survives(Project.from_qdpx, _fresh(tmp_path, ".evb"), qdpx) is None


@pytest.mark.parametrize("cut", [10, 100, 0.5, -22])
def test_truncated_real_export_fails_in_one_line(tmp_path, project, cut):
    """A .qdpx cut off in transfer (e-mail, USB stick) is refused, never half-imported."""
    full = tmp_path / "full.qdpx"
    project.export_qdpx(full)
    data = full.read_bytes()
    n = int(len(data) * cut) if isinstance(cut, float) else cut
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(data[:n])
    target = tmp_path / "copy.evb"
    with pytest.raises(UserError):
        Project.from_qdpx(target, broken)
    assert not target.exists()
