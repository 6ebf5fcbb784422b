"""The transcript's fast wrapping gives exactly Textual's own line breaks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.document._document import Document
from textual.document._wrapped_document import WrappedDocument

from evalbench.tui.widgets.transcript_wrap import TranscriptWrap, plain_wrap_offsets

# Words, runs of spaces, very long words, tabs, wide (CJK) and combining characters.
pieces = st.sampled_from(["a", "word", "  ", " ", "supercalifragilistic", "\t", "漢字", "é", "e\u0301",
                          "—", ".", "x" * 45])
lines = st.lists(pieces, max_size=30).map("".join)
texts = st.lists(lines, min_size=1, max_size=6).map("\n".join)


def tables(doc: WrappedDocument) -> tuple:
    return (doc._wrap_offsets, doc._offset_to_line_info, doc._line_index_to_offsets, doc._tab_width_cache,
            doc.height)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(min_value=0, max_value=40), st.sampled_from([2, 4, 8]))
def test_same_breaks_as_textual(text, width, tab):
    document = Document(text)
    ours = TranscriptWrap(document, width=width, tab_width=tab)
    theirs = WrappedDocument(document, width=width, tab_width=tab)
    assert tables(ours) == tables(theirs)


def test_a_plain_line_breaks_between_words_and_folds_a_long_word():
    line = "We had no protected time " + "x" * 25
    assert plain_wrap_offsets(line, 10) == [10, 20, 25, 35, 45]
    wrapped = TranscriptWrap(Document(line), width=10)
    assert [line[a:b] for a, b in zip([0, *wrapped._wrap_offsets[0]], [*wrapped._wrap_offsets[0], len(line)],
                                      strict=True)] == ["We had no ", "protected ", "time ",
                                                        "x" * 10, "x" * 10, "x" * 5]
