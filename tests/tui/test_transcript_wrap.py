"""The transcript wraps, maps cells and moves its cursor exactly as the TextArea it replaced.

Textual's own wrapped document and navigator (its public ``text_area``
exports) are the reference: every break, tab width, cell ↔ location mapping
and vertical/home/end move of :class:`WrapTable` must equal theirs on random
text with tabs, wide and combining characters and over-long words.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets.text_area import Document, DocumentNavigator, WrappedDocument

from evalbench.tui.widgets.transcript_wrap import WrapTable, plain_wrap_offsets

# Words, runs of spaces, very long words, tabs, wide (CJK) and combining characters.
pieces = st.sampled_from(
    ["a", "word", "  ", " ", "supercalifragilistic", "\t", "漢字", "é", "e\u0301", "—", ".", "x" * 45]
)
lines = st.lists(pieces, max_size=30).map("".join)
texts = st.lists(lines, min_size=1, max_size=6).map("\n".join)


@settings(max_examples=80, deadline=None)
@given(texts, st.integers(min_value=1, max_value=40), st.sampled_from([2, 4, 8]))
def test_same_rows_cells_and_moves_as_textual(text, width, tab):
    document = Document(text)
    theirs = WrappedDocument(document, width=width, tab_width=tab)
    ours = WrapTable(document.lines, width, tab)
    assert ours.height == theirs.height
    for line in range(document.line_count):
        assert ours.breaks[line] == theirs.get_offsets(line)
        assert ours.tab_widths[line] == theirs.get_tab_widths(line)
    navigator = DocumentNavigator(theirs)
    for line, text_line in enumerate(document.lines):
        for column in range(len(text_line) + 1):
            location = (line, column)
            assert ours.offset_of(location) == tuple(theirs.location_to_offset(location))
            assert ours.home(location) == navigator.get_location_home(location, smart_home=True)
            assert ours.end(location) == navigator.get_location_end(location)
            for x in (0, 3, 17):
                navigator.last_x_offset = x
                aim = max(ours.row_x(location), x)
                assert ours.above(location, aim) == navigator.get_location_above(location)
                assert ours.below(location, aim) == navigator.get_location_below(location)
    for y in range(-1, ours.height + 2):
        for x in (-1, 0, 1, 5, width - 1, width + 3):
            assert ours.location_at(x, y) == theirs.offset_to_location((x, y))


def test_a_plain_line_breaks_between_words_and_folds_a_long_word():
    line = "We had no protected time " + "x" * 25
    assert plain_wrap_offsets(line, 10) == [10, 20, 25, 35, 45]
    table = WrapTable([line], 10)
    assert [line[a:b] for _l, a, b in map(table.row_span, range(table.height))] == [
        "We had no ",
        "protected ",
        "time ",
        "x" * 10,
        "x" * 10,
        "x" * 5,
    ]
    assert table.row_span(table.height) is None
