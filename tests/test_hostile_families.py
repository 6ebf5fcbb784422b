"""Issue 18's families of hostile input, generated, so that each stays fixed at its root.

Deep nesting (YAML block and flow, JSON, parent chains), alias expansion,
escaped surrogates, integers too long to print, codings sheets with huge cells
and hostile headers, damaged or unreadable archive members, and any message
text: each input loads, or is refused with one printable line -- never a
``RecursionError``, a raw exception name or an unstorable string.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import unicodedata
import zipfile
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalbench.codebook import CodebookError, load_codebook, make_codebook
from evalbench.codebook.model import MAX_DEPTH
from evalbench.errors import MAX_MESSAGE, UserError, one_line
from evalbench.model import Code
from evalbench.safeparse import EXPANSION, load_json
from evalbench.textsafe import clean_text
from tests.conftest import examples

SETTINGS = dict(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], derandomize=True
)
_names = count()
_HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _file(tmp_path, suffix: str, text: str):
    path = tmp_path / f"case{next(_names)}{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def assert_one_line(error: BaseException) -> str:
    """A message a terminal shows as it is: one line, printable, not too long, no exception class names."""
    text = str(error)
    assert text.strip() and "\n" not in text and "\r" not in text, repr(text)
    assert not [c for c in text if unicodedata.category(c) in _HIDDEN], repr(text)
    assert len(text) <= MAX_MESSAGE, len(text)
    assert "Error" not in text.replace("UserError", ""), text
    return text


def _storable(value) -> None:
    """SQLite stores every string of ``value`` (it refuses surrogates with UnicodeEncodeError)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("SELECT ?", (json.dumps(value, ensure_ascii=False),))
    conn.close()


def _load(path):
    try:
        return load_codebook(path)
    except UserError as exc:
        assert_one_line(exc)
        return exc


# --- nesting ------------------------------------------------------------------------------------
def _nested(style: str, depth: int) -> tuple[str, str]:
    head = "evalbench_codebook: 1\ncodes:\n- id: a\n  name: A\n  extra:\n"
    if style == "block":
        return ".yaml", head + "".join(
            "    " + "  " * i + f"k{i}:\n" for i in range(depth)
        ) + "    " + "  " * depth + "leaf\n"
    if style == "flow":
        return ".yaml", head.replace("  extra:\n", "  extra: {x: ") + "[" * depth + "1" + "]" * depth + "}\n"
    return ".json", (
        '{"evalbench_codebook": 1, "codes": [{"id": "a", "name": "A", "extra": {"x": '
        + "[" * depth
        + "]" * depth
        + "}}]}"
    )


@settings(max_examples=examples(120), **SETTINGS)
@given(
    style=st.sampled_from(["block", "flow", "json"]),
    depth=st.one_of(st.integers(1, 80), st.integers(80, 1200), st.sampled_from([5_000, 100_000])),
)
def test_nesting_of_any_depth_loads_or_is_refused_in_one_line(tmp_path, style, depth):
    if style == "block":
        depth = min(depth, 1200)  # a block of 100,000 indented levels is 10 GB of spaces; flow and JSON show the rest
    suffix, text = _nested(style, depth)
    found = _load(_file(tmp_path, suffix, text))
    if depth + 4 <= MAX_DEPTH:  # codes list, code, extra and its key are levels too
        assert not isinstance(found, Exception), found
    elif depth > MAX_DEPTH:
        assert isinstance(found, CodebookError) and "levels deep" in str(found)


@settings(max_examples=examples(60), **SETTINGS)
@given(
    length=st.one_of(st.integers(1, 70), st.integers(70, 1500)),
    cycle=st.booleans(),
    shuffle=st.randoms(use_true_random=False),
)
def test_parent_chains_of_any_length_are_walked_iteratively(length, cycle, shuffle):
    codes = [
        Code(id=f"c{i}", name=f"C{i}", parent_id=f"c{i - 1}" if i else (f"c{length - 1}" if cycle else None))
        for i in range(length)
    ]
    shuffle.shuffle(codes)
    try:
        book = make_codebook(codes)
    except CodebookError as exc:
        text = assert_one_line(exc)
        assert ("cycle" in text) if cycle else ("levels" in text)
        assert cycle or length - 1 > MAX_DEPTH
        return
    assert not cycle and length - 1 <= MAX_DEPTH
    assert [c.id for c in book.tree_order()] == [f"c{i}" for i in range(length)]
    assert max(book.depths().values()) == length - 1


# --- alias expansion ------------------------------------------------------------------------
@settings(max_examples=examples(80), **SETTINGS)
@given(leaf=st.integers(1, 3000), width=st.integers(1, 30), levels=st.integers(1, 6), codes=st.integers(0, 60))
def test_yaml_aliases_expand_to_at_most_ten_times_the_file(tmp_path, leaf, width, levels, codes):
    rows = [
        "codes:",
        "- id: a",
        "  name: A",
        "  definition: &d " + "w" * leaf,
        "  extra:",
        "    l0: &l0 [" + ", ".join(["*d"] * width) + "]",
    ]
    rows += [f"    l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels)]
    rows += [line for i in range(codes) for line in (f"- id: c{i}", f"  name: C{i}", "  definition: *d")]
    text = "\n".join(rows) + "\n"
    found = _load(_file(tmp_path, ".yaml", text))
    if isinstance(found, Exception):
        assert "expands to more than" in str(found)
        return
    written = json.dumps([[c.definition, c.extra] for c in found.codes])
    assert len(written) <= 2 * (EXPANSION * len(text) + 1_000_000)


# --- surrogates and numbers -------------------------------------------------------------------
_ESCAPES = st.lists(
    st.sampled_from(["\\ud800", "\\udfff", "\\ud83d\\ude00", "\\ud83d", "x", "\\u00e9", " "]), min_size=1, max_size=6
).map("".join)


@settings(max_examples=examples(120), **SETTINGS)
@given(
    escaped=_ESCAPES,
    where=st.sampled_from(["name", "definition", "keywords", "extra", "extra key", "meta"]),
    fmt=st.sampled_from([".yaml", ".json"]),
)
def test_escaped_surrogates_become_storable_text_and_are_reported(tmp_path, escaped, where, fmt):
    value = f'"{escaped} ok"'
    code = {
        "name": f'"name": {value}',
        "definition": f'"name": "A", "definition": {value}',
        "keywords": f'"name": "A", "keywords": [{value}]',
        "extra": f'"name": "A", "extra": {{"k": {value}}}',
        "extra key": f'"name": "A", "extra": {{{value}: 1}}',
        "meta": '"name": "A"',
    }[where]
    meta = f', "description": {value}' if where == "meta" else ""
    text = '{"evalbench_codebook": 1' + meta + ', "codes": [{"id": "a", ' + code + "}]}"
    book = _load(_file(tmp_path, fmt, text))
    assert not isinstance(book, Exception), book
    _storable([book.meta, [(c.name, c.definition, c.keywords, c.extra) for c in book.codes]])
    decoded = json.loads(value)
    lone = clean_text(decoded)[1]
    assert bool(lone) == any("cannot be stored" in w for w in book.warnings), book.warnings
    shown = json.dumps(
        [book.meta, [(c.name, c.definition, c.keywords, c.extra) for c in book.codes]], ensure_ascii=False
    )
    assert clean_text(decoded)[0].strip() in shown  # pairs became the characters they encode


@settings(max_examples=examples(60), **SETTINGS)
@given(
    number=st.sampled_from(["1" + "0" * 5000, "0x" + "f" * 5000, "0o" + "7" * 6000, "-" + "9" * 4400]),
    where=st.sampled_from(["name", "extra", "keywords", "id"]),
    fmt=st.sampled_from([".yaml", ".json"]),
)
def test_numbers_too_long_to_print_are_refused_in_one_line(tmp_path, number, where, fmt):
    if fmt == ".json" and not number.lstrip("-").isdigit():
        number = "9" * 5000
    body = {
        "name": f"name: {number}",
        "extra": f"name: A\n  extra: {{n: {number}}}",
        "keywords": f"name: A\n  keywords: [{number}]",
        "id": "name: A\n  id2: 1",
    }[where]
    text = (
        f"codes:\n- id: a\n  {body}\n"
        if fmt == ".yaml"
        else '{"codes": [{"id": "a", "name": "A", "extra": {"n": ' + number + "}}]}"
    )
    found = _load(_file(tmp_path, fmt, text))
    if not isinstance(found, Exception):
        _storable([(c.name, c.keywords, c.extra) for c in found.codes])


def test_json_nesting_is_measured_outside_strings():
    assert load_json('{"a": "[[[[[[", "b": [[1]]}', "x.json").data == {"a": "[[[[[[", "b": [[1]]}
    with pytest.raises(UserError, match="nested more than 64 levels deep"):
        load_json("[" * 65 + "]" * 65, "x.json")


# --- codings sheets -------------------------------------------------------------------------------
_HEADER_TWISTS = st.sampled_from(["", "\n", "\r\n", "\x1b[31m", "\x00", "\u202e", "\u2028", " ", "x" * 3000])


@settings(max_examples=examples(60), **SETTINGS)
@given(
    twist=_HEADER_TWISTS,
    which=st.integers(0, 3),
    cell=st.sampled_from([10, 131_072, 131_073, 400_000]),
    column=st.sampled_from(["quote", "memo", "code", "document"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_codings_sheets_with_huge_cells_and_odd_headers_land_whole_or_not_at_all(
    project, tmp_path, twist, which, cell, column, delimiter
):
    header = ["document", "quote", "code", "memo"]
    header[which] = header[which] + twist
    row = {"document": "p01.txt", "quote": "competing priorities", "code": "inner.priority", "memo": "ok"}
    row[column] = row[column] + " " + "y" * cell
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows([header, [row[h] for h in ("document", "quote", "code", "memo")]])
    path = tmp_path / f"sheet{next(_names)}.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    before = len(project.codings())
    try:
        added = project.code_from_csv(path)
    except UserError as exc:
        assert_one_line(exc)
        assert len(project.codings()) == before
        return
    assert len(project.codings()) == before + added


# --- archives ---------------------------------------------------------------------------------
def _archive(method: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        z.writestr(
            "project.qde",
            '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0">'
            + "<CodeBook><Codes/></CodeBook>"
            + " " * 4000
            + "</Project>",
        )
    return out.getvalue()


@settings(max_examples=examples(120), **SETTINGS)
@given(
    method=st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2, zipfile.ZIP_STORED]),
    how=st.sampled_from(["flip", "encrypted", "method", "cut"]),
    at=st.integers(0, 10**6),
    reader=st.sampled_from(["codebook", "project"]),
)
def test_damaged_or_unreadable_members_are_one_line_naming_archive_and_member(tmp_path, method, how, at, reader):
    from evalbench.refi.qdpx_read import read_qdpx

    data = bytearray(_archive(method))
    local = 30 + len("project.qde")
    central = data.rfind(b"PK\x01\x02")
    if how == "flip":
        data[local + at % 60] ^= 0xFF
    elif how == "encrypted":
        data[6] |= 1
        data[central + 8] |= 1
    elif how == "method":
        data[8:10] = data[central + 10 : central + 12] = (99 if at % 2 else 12).to_bytes(2, "little")
    else:
        data = data[: at % len(data)]
    path = tmp_path / f"odd{next(_names)}.qdpx"
    path.write_bytes(bytes(data))
    try:
        load_codebook(path) if reader == "codebook" else read_qdpx(path)
    except UserError as exc:
        text = assert_one_line(exc)
        assert path.name in text
        if how in ("encrypted", "method"):
            assert "'project.qde'" in text


# --- any message ------------------------------------------------------------------------------------
@settings(max_examples=examples(400), **SETTINGS)
@given(text=st.text(min_size=1, max_size=3000))
def test_every_error_message_is_one_printable_shortened_line(text):
    error = UserError(f"file.csv: {text}")
    assert_one_line(error) if "Error" not in text else None
    shown = str(error)
    assert "\n" not in shown and len(shown) <= MAX_MESSAGE
    assert not [c for c in shown if unicodedata.category(c) in _HIDDEN]
    assert one_line(shown) == shown  # formatting twice changes nothing
