"""Any codebook text survives YAML, JSON and REFI-QDA .qdc round trips (property tests)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalbench.codebook import load_codebook, make_codebook, save_codebook
from evalbench.codebook.refi import xml_text
from evalbench.model import Code

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40).map(str.strip)
NAMES = TEXT.filter(lambda t: any(ch.isalnum() for ch in t))
ROWS = st.lists(
    st.tuples(
        NAMES,
        TEXT,
        TEXT,
        st.lists(TEXT.filter(bool), max_size=3),
        st.lists(TEXT, max_size=2),
        st.booleans(),
        st.dictionaries(TEXT.map(lambda k: "k" + k), st.integers() | TEXT, max_size=2),
    ),
    min_size=1,
    max_size=4,
)


def _book(rows):
    return make_codebook(
        [
            Code(
                id=f"c{i}",
                name=n,
                definition=d,
                inclusion=inc,
                keywords=tuple(k),
                examples=tuple(e),
                valence_applies=v,
                extra=x,
            )
            for i, (n, d, inc, k, e, v, x) in enumerate(rows)
        ]
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_yaml_and_json_keep_every_character(tmp_path, rows):
    book = _book(rows)
    for suffix in ("yaml", "json"):
        path = tmp_path / f"b.{suffix}"
        save_codebook(book, path)
        assert load_codebook(path).codes == book.codes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_qdc_keeps_everything_xml_can_hold(tmp_path, rows):
    """XML cannot hold control characters and turns CR into LF; everything else comes back."""

    def clean(t: str) -> str:
        return xml_text(t).replace("\r\n", "\n").replace("\r", "\n")

    book = _book(rows)
    path = tmp_path / "b.qdc"
    save_codebook(book, path)
    got = [
        (c.id, c.name, c.definition, c.inclusion, c.keywords, c.examples, c.valence_applies, c.extra)
        for c in load_codebook(path).codes
    ]
    want = [
        (
            c.id,
            xml_text(c.name).strip(),
            clean(c.definition).strip(),
            clean(c.inclusion).strip(),
            tuple(clean(k) for k in c.keywords),
            tuple(clean(e) for e in c.examples),
            c.valence_applies,
            c.extra,
        )
        for c in book.codes
    ]
    assert got == want


def test_keywords_with_commas_and_yaml_punctuation_stay_whole(tmp_path):
    odd = ("?0", "a, b", "key: value", "#hash", "[x]", "- dash", "null", "24/7", " padded ", "line\u2028sep")
    path = tmp_path / "b.yaml"
    save_codebook(make_codebook([Code(id="a", name="A", keywords=odd)]), path)
    assert load_codebook(path).codes[0].keywords == odd
    assert "keywords: [" in path.read_text()  # still one line


COMMENTED = """\
# Shared codebook -- keep this comment
evalbench_codebook: 1
codes:
- id: a   # first
  name: A
  keywords: [one, two]
- id: a.b
  parent: a
  name: B
  examples:
  - An example.
# a section comment
- id: c
  name: C
  definition: Something.
"""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, 2),
            NAMES,
            TEXT,
            st.lists(TEXT.filter(bool), max_size=3),
            st.lists(TEXT, max_size=2),
            st.sampled_from([None, "#abcdef"]),
        ),
        max_size=4,
    )
)
def test_editing_a_commented_yaml_file_in_place_keeps_comments_and_values(tmp_path, edits):
    from dataclasses import replace

    path = tmp_path / "b.yaml"
    path.write_text(COMMENTED)
    book = load_codebook(path)
    codes = list(book.codes)
    for i, name, definition, keywords, examples, color in edits:
        codes[i] = replace(
            codes[i], name=name, definition=definition, keywords=tuple(keywords), examples=tuple(examples), color=color
        )
    edited = make_codebook(codes, meta=book.meta, document=book.document)
    save_codebook(edited, path)
    text = path.read_text()
    assert text.startswith("# Shared codebook -- keep this comment\n")
    assert "- id: a   # first\n" in text and "# a section comment\n" in text
    assert load_codebook(path).codes == edited.codes
