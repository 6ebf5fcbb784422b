"""The transcript layout: display/document offset maps, sentences, words, selection growth."""

from __future__ import annotations

from evalbench.model import Turn
from evalbench.tui.layout import TranscriptLayout, extend

TEXT = "Interviewer: What helped?\n\nDr Patel: Leaders came. Time was protected! It worked."
TURNS = [
    Turn(1, 1, 1, "Interviewer", "interviewer", 13, 25),
    Turn(2, 1, 2, "Dr Patel", "participant", 37, len(TEXT), "00:01:02"),
]


def test_display_shows_headers_and_maps_offsets_both_ways():
    layout = TranscriptLayout(TEXT, TURNS)
    assert layout.display.splitlines()[0] == "#1  Interviewer · interviewer"
    assert "#2  Dr Patel · participant · 00:01:02" in layout.display
    for doc_offset in (13, 20, 37, 50, len(TEXT)):
        back = layout.to_doc(layout.to_display(doc_offset))
        assert back == doc_offset
    start = layout.to_display(37)
    assert layout.display[start : start + 7] == "Leaders"
    # a position in a header belongs to the start of that turn's content
    assert layout.to_doc(layout.offset((layout.blocks[1].header_line, 3))) == 37


def test_span_across_turns_is_painted_per_turn_without_headers():
    layout = TranscriptLayout(TEXT, TURNS)
    spans = layout.display_spans(20, 45)
    assert [layout.display[s:e] for s, e in spans] == ["lped?", "Leaders "]


def test_sentences_and_words_of_a_turn():
    layout = TranscriptLayout(TEXT, TURNS)
    assert [TEXT[s:e] for s, e in layout.sentences(1)] == ["Leaders came.", "Time was protected!", "It worked."]
    assert [TEXT[s:e] for s, e in layout.words(1)][:2] == ["Leaders", "came."]


def test_extend_grows_and_shrinks_by_unit():
    layout = TranscriptLayout(TEXT, TURNS)
    words = layout.words(1)
    first = extend(words, 37, None, True)
    assert TEXT[slice(*first)] == "Leaders"
    grown = extend(words, *first, True)
    assert TEXT[slice(*grown)] == "Leaders came."
    assert extend(words, *grown, False) == first
    assert extend(words, *first, False) == first  # never shrinks below one word


def test_document_without_turns_is_one_block():
    layout = TranscriptLayout("just text", [])
    assert layout.to_doc(layout.to_display(4)) == 4
    assert len(layout.blocks) == 1


def test_find_searches_turn_text_only_ignoring_case_and_spacing_and_wraps():
    layout = TranscriptLayout(TEXT, TURNS)
    start, end, wrapped = layout.find("time   WAS", 0)
    assert TEXT[start:end] == "Time was" and not wrapped
    assert layout.find("dr patel", 0) is None  # a speaker label is not turn text
    again = layout.find("e", end)  # the next one after the last match
    assert again[0] >= end and not again[2]
    start2, _end2, wrapped2 = layout.find("helped", 40)  # past it: wraps to the top
    assert TEXT[start2 : start2 + 6] == "helped" and wrapped2
    assert layout.find("   ", 0) is None and layout.find("nowhere", 0) is None
