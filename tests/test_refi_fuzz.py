"""Property tests: whatever a .qdpx holds, reading it ends in data or one UserError, never a crash."""

from __future__ import annotations

import io
import uuid
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalbench.codebook.refi import EVALBENCH_NS
from evalbench.errors import UserError
from evalbench.model import ImportReport
from evalbench.project import Project
from evalbench.refi.common import guid
from evalbench.refi.qdpx_read import read_qdpx
from evalbench.refi.sourcetext import SourceText, derive_turns

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

VALID = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" creatingUserGUID="11111111-1111-1111-1111-111111111111">
<Users><User guid="11111111-1111-1111-1111-111111111111" name="u"/></Users>
<CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="c" isCodable="true">
<Code guid="33333333-3333-3333-3333-333333333333" name="c" isCodable="true"/></Code></Codes></CodeBook>
<Sources><TextSource guid="44444444-4444-4444-4444-444444444444" name="s"
 plainTextPath="internal://44444444-4444-4444-4444-444444444444.txt">
<PlainTextSelection guid="55555555-5555-5555-5555-555555555555" startPosition="0" endPosition="5">
<Coding guid="66666666-6666-6666-6666-666666666666"><CodeRef targetGUID="33333333-3333-3333-3333-333333333333"/>
</Coding></PlainTextSelection></TextSource></Sources></Project>"""
TEXT = "I: Hello there\r\nR: Hi, staffing was short.\r\n"


def _archive(qde: bytes, text: bytes = TEXT.encode()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/44444444-4444-4444-4444-444444444444.txt", text)
    return buf.getvalue()


def _read(tmp_path, data: bytes):
    path = tmp_path / "fuzz.qdpx"
    path.write_bytes(data)
    try:
        return read_qdpx(path)
    except UserError as exc:
        assert "\n" not in str(exc) and "fuzz.qdpx" in str(exc)
        return None


def test_the_valid_seed_imports(tmp_path):
    data = _read(tmp_path, _archive(VALID.encode()))
    assert [c.code_id for c in data.codings] == ["c.c"]


@FUZZ
@given(st.data())
def test_mutated_archives_never_crash(tmp_path, data):
    raw = bytearray(_archive(VALID.encode()))
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    _read(tmp_path, bytes(raw))


@FUZZ
@given(st.data())
def test_mutated_project_xml_never_crashes(tmp_path, data):
    qde = bytearray(VALID.encode())
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(qde) - 1))
        qde[at : at + data.draw(st.integers(0, 4))] = data.draw(st.binary(max_size=6))
    _read(tmp_path, _archive(bytes(qde)))


_attr = st.one_of(
    st.integers(-10, 200).map(str),
    st.text(max_size=12),
    st.uuids().map(str),
    st.sampled_from(["", "{}", "true", "#zzz", "#FFF"]),
)


@FUZZ
@given(start=_attr, end=_attr, code=_attr, user=_attr, name=_attr, color=_attr, text=st.text(max_size=80))
def test_odd_attribute_values_import_or_fail_cleanly(tmp_path, start, end, code, user, name, color, text):
    from xml.sax.saxutils import quoteattr

    qde = (
        VALID.replace('startPosition="0"', f"startPosition={quoteattr(start)}")
        .replace('endPosition="5"', f"endPosition={quoteattr(end)}")
        .replace(
            '<CodeRef targetGUID="33333333-3333-3333-3333-333333333333"/>', f"<CodeRef targetGUID={quoteattr(code)}/>"
        )
        .replace(
            '<User guid="11111111-1111-1111-1111-111111111111" name="u"/>',
            f'<User guid="11111111-1111-1111-1111-111111111111" name={quoteattr(user)}/>',
        )
        .replace('name="c" isCodable="true">', f'name={quoteattr(name)} isCodable="true" color={quoteattr(color)}>')
    )
    try:
        qde.encode()
    except UnicodeEncodeError:
        return
    path = tmp_path / "odd.qdpx"
    path.write_bytes(_archive(qde.encode(), text.encode("utf-8", "surrogatepass")))
    target = tmp_path / "odd.evb"
    for leftover in tmp_path.glob("odd.evb*"):
        leftover.unlink()
    try:
        Project.from_qdpx(target, path, report=ImportReport()).close()
    except UserError as exc:
        assert "\n" not in str(exc)
        assert not target.exists()


@given(
    st.lists(st.sampled_from(["a", "é", "𝄞", " ", "\n", "\r\n", "\r", "\ufeff", "I: ", "R: "]), max_size=60),
    st.integers(0, 200),
    st.integers(0, 200),
)
def test_positions_map_onto_the_normalised_text(parts, a, b):
    raw = "".join(parts)
    src = SourceText(raw)
    assert "\r" not in src.text
    a, b = sorted((min(a, len(raw)), min(b, len(raw))))
    if (a and raw[a - 1 : a + 1] == "\r\n") or (b and raw[b - 1 : b + 1] == "\r\n"):
        return  # a position between \r and \n has no exact counterpart
    expected = raw[a:b].replace("\r\n", "\n").replace("\r", "\n")
    if a == 0:
        expected = expected.removeprefix("\ufeff")
    assert src.text[src.offset(a) : src.offset(b)] == expected
    for t in derive_turns(src.text):
        assert 0 <= t.start <= t.end <= len(src.text)


def test_fast_guid_is_uuid5():
    for key in ["", "alex", "ünïcode 𝄞", "a" * 500]:
        assert guid("user", key) == str(uuid.uuid5(EVALBENCH_NS, f"user:{key}"))
