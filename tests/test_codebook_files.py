"""Codebook YAML/JSON files: round trips that keep comments, and errors that point at the line."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from evalbench.codebook import CodebookError, load_codebook, make_codebook, save_codebook, template
from evalbench.codebook.files import CODE_KEYS, TOP_KEYS
from evalbench.model import Code

SMALL = """\
# Team codebook -- edit with care
evalbench_codebook: 1
name: Barriers study
codes:
- id: barriers          # top level
  name: Barriers
  color: '#aa0000'
- id: barriers.time
  parent: barriers
  name: No time
  definition: Not enough time to do the work.
  keywords: [no time, too busy]
"""


def write(tmp_path: Path, text: str, name: str = "book.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_round_trip_keeps_comments_and_only_changes_what_changed(tmp_path):
    path = write(tmp_path, SMALL)
    book = load_codebook(path)
    time = book.get("barriers.time")
    book = make_codebook(
        [
            book.get("barriers"),
            replace(time, name="Lack of time"),
            Code(id="barriers.staff", parent_id="barriers", name="Staffing"),
        ],
        meta=book.meta,
        document=book.document,
    )
    save_codebook(book, path)
    text = path.read_text()
    assert text.startswith("# Team codebook -- edit with care\n")
    assert "- id: barriers          # top level\n" in text
    assert "  name: Lack of time\n" in text and "No time" not in text
    again = load_codebook(path)
    assert [c.id for c in again.codes] == ["barriers", "barriers.time", "barriers.staff"]
    assert again.get("barriers.time").keywords == ("no time", "too busy")


def test_template_saves_byte_for_byte(tmp_path):
    src = Path(__import__("evalbench.codebook", fromlist=["x"]).__file__).parent / "templates" / "cfir2.yaml"
    out = tmp_path / "cfir2.yaml"
    save_codebook(template("cfir2"), out)
    assert out.read_bytes() == src.read_bytes()


def test_json_round_trip_keeps_every_field(tmp_path):
    book = template("cfir2")
    out = tmp_path / "cfir2.json"
    save_codebook(book, out)
    data = json.loads(out.read_text())
    assert data["evalbench_codebook"] == 1 and len(data["codes"]) == 72
    assert load_codebook(out).codes == book.codes
    # and from JSON back to YAML
    save_codebook(load_codebook(out), tmp_path / "back.yaml")
    assert load_codebook(tmp_path / "back.yaml").codes == book.codes


def test_extra_and_valence_survive(tmp_path):
    book = make_codebook(
        [Code(id="memo", name="Memo-worthy", valence_applies=False, extra={"owner": "alex", "n": [1, 2]})]
    )
    for suffix in ("yaml", "json"):
        save_codebook(book, tmp_path / f"b.{suffix}")
        got = load_codebook(tmp_path / f"b.{suffix}").codes[0]
        assert got.valence_applies is False and got.extra == {"owner": "alex", "n": [1, 2]}


@pytest.mark.parametrize(
    "text, line, col, words",
    [
        ("codes:\n- id: a\n  name: A: b\n", 3, 10, "invalid YAML"),
        ("codes:\n- id: a\n  name: A\n- id: a\n  name: B\n", 4, 3, "duplicate code ID 'a'"),
        ("codes:\n- id: a\n  name: A\n  parent: zz\n", 4, 3, "unknown parent 'zz'"),
        ("codes:\n- id: a\n  name: A\n  parent: b\n- id: b\n  name: B\n  parent: a\n", 4, 3, "parent cycle"),
        ("codes:\n- id: a\n  name: A\n  colour: '#ffffff'\n", 4, 3, "unknown key 'colour'"),
        ("codes:\n- id: a\n  name: A\ncodez: []\n", 4, 1, "unknown key 'codez'"),
        ("codes:\n- id: a\n  name: A\n  name: B\n", 4, 3, "invalid YAML"),
        ("codes:\n- id: a b\n  name: A\n", 2, 3, "no spaces"),
        ("codes:\n- id: a\n", 2, 3, "has no name"),
        ("codes:\n- id: a\n  name: A\n  valence_applies: maybe\n", 4, 3, "true or false"),
        ("codes:\n- id: a\n  name: A\n  color: red\n", 4, 3, "#RRGGBB"),
    ],
)
def test_bad_yaml_names_file_line_and_column(tmp_path, text, line, col, words):
    path = write(tmp_path, text)
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:{col}: "), message
    assert words in message


def test_bad_json_names_line_and_column(tmp_path):
    path = write(tmp_path, '{"codes": [\n  {"id": "a",}\n]}', "b.json")
    with pytest.raises(CodebookError, match=r"b\.json:2:\d+: invalid JSON"):
        load_codebook(path)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(CodebookError, match="no such file"):
        load_codebook(tmp_path / "nope.yaml")
    with pytest.raises(CodebookError, match="unknown codebook format"):
        save_codebook(template("cfir2"), tmp_path / "x.txt")
    assert not (tmp_path / "x.txt").exists()


def test_json_schema_documents_exactly_the_keys_the_loader_accepts():
    schema = json.loads((Path(__file__).resolve().parents[1] / "docs" / "codebook.schema.json").read_text())
    assert set(schema["properties"]) == set(TOP_KEYS)
    assert schema["additionalProperties"] is False
    code = schema["$defs"]["code"]
    assert set(code["properties"]) == set(CODE_KEYS) and code["additionalProperties"] is False
    assert set(code["required"]) == {"id", "name"}


def test_yaml_alias_bomb_in_extra_is_refused_quickly(tmp_path):
    rows = ["codes:", "- id: x", "  name: X", "  extra:", "    a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    prev = "a"
    for name in "bcdefghi":
        rows.append(f"    {name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = name
    path = write(tmp_path, "\n".join(rows) + "\n")
    with pytest.raises(CodebookError, match=r"book\.yaml: expands to more than 10 times its own size"):
        load_codebook(path)


SECTIONS = """\
codes:
- id: a
  name: A
  keywords: [one]   # eol stays
- id: a.last
  parent: a
  name: Last of A
  examples:
  - An example.

# ---- section B
- id: b
  name: B
"""


@pytest.mark.parametrize("change", ["delete", "move", "drop-examples"])
def test_section_comments_stay_before_their_section(tmp_path, change):
    path = write(tmp_path, SECTIONS)
    book = load_codebook(path)
    a, last, b = book.codes
    codes = {
        "delete": [a, b],
        "move": [a, b, replace(last, parent_id="b")],
        "drop-examples": [a, replace(last, examples=()), b],
    }[change]
    save_codebook(make_codebook(codes, document=book.document), path)
    text = path.read_text()
    assert "\n# ---- section B\n- id: b\n" in text, text
    assert "keywords: [one]   # eol stays\n" in text
    assert [c.id for c in load_codebook(path).codes] == [c.id for c in make_codebook(codes).tree_order()]
