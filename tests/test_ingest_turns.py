"""Speaker-turn layouts in plain-text transcripts, read from real files."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalbench.ingest import parse_file
from evalbench.ingest.document import build_document
from evalbench.ingest.turns import parse_text


def turns_of(tmp_path, text: str, name: str = "t.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = parse_file(path)
    return doc, [(t.speaker, t.time, doc.text[t.start : t.end]) for t in doc.turns]


def test_name_colon_layout_with_title_line_and_continuation(tmp_path):
    doc, turns = turns_of(
        tmp_path,
        "Learning Lab interview, site A\n\n"
        "Interviewer: What got in the way?\n"
        "Dr Patel: Time, mostly.\n\n"
        "We had no protected time.\n",
    )
    assert turns == [
        ("Interviewer", None, "What got in the way?"),
        ("Dr Patel", None, "Time, mostly.\nWe had no protected time."),
    ]
    assert doc.text.startswith("Learning Lab interview, site A\n\nInterviewer: What got")


def test_consecutive_blocks_by_same_speaker_merge_keeping_first_time(tmp_path):
    _, turns = turns_of(
        tmp_path,
        "[00:01:02] Interviewer: First question?\n"
        "[00:01:10] Dr Patel: Part one.\n"
        "[00:01:30] Dr Patel: Part two.\n"
        "[00:02:00] Interviewer: Next?\n",
    )
    assert turns == [
        ("Interviewer", "00:01:02", "First question?"),
        ("Dr Patel", "00:01:10", "Part one.\nPart two."),
        ("Interviewer", "00:02:00", "Next?"),
    ]


def test_timestamp_after_name(tmp_path):
    _, turns = turns_of(tmp_path, "Dr Patel (00:01:02): Hello.\nInterviewer [1:02:03]: Hi?\n")
    assert turns == [("Dr Patel", "00:01:02", "Hello."), ("Interviewer", "01:02:03", "Hi?")]


def test_otter_header_lines(tmp_path):
    _, turns = turns_of(
        tmp_path,
        "Jane Smith  0:12\nThanks for joining. How was it?\n\n"
        "Speaker 2  1:05\nGood.\nReally good.\n\n"
        "Jane Smith  2:40\nGreat.\n",
    )
    assert turns == [
        ("Jane Smith", "00:00:12", "Thanks for joining. How was it?"),
        ("Speaker 2", "00:01:05", "Good.\nReally good."),
        ("Jane Smith", "00:02:40", "Great."),
    ]


def test_zoom_saved_chat_style_headers(tmp_path):
    _, turns = turns_of(tmp_path, "[Dana Whitfield] 10:02:33\nHello?\n\n[Priya N] 10:02:40\nHi.\n")
    assert turns == [("Dana Whitfield", "10:02:33", "Hello?"), ("Priya N", "10:02:40", "Hi.")]


def test_abbreviated_labels(tmp_path):
    _, ir = turns_of(tmp_path, "I: How did it start?\nR: Slowly.\nI: Why?\nR: No time.\n", "ir.txt")
    assert [s for s, _, _ in ir] == ["I", "R", "I", "R"]
    _, qa = turns_of(tmp_path, "Q: How did it start?\n\nA: Slowly.\n", "qa.txt")
    assert qa == [("Q", None, "How did it start?"), ("A", None, "Slowly.")]
    _, numbered = turns_of(tmp_path, "Interviewer: Hi?\nParticipant 3: Hello.\nP3: Again.\n", "p.txt")
    assert [s for s, _, _ in numbered] == ["Interviewer", "Participant 3", "P3"]


def test_label_alone_on_its_line(tmp_path):
    _, turns = turns_of(tmp_path, "Interviewer:\nWhat helped?\n\nDr Patel:\nThe huddles.\n")
    assert turns == [("Interviewer", None, "What helped?"), ("Dr Patel", None, "The huddles.")]


def test_markdown_bold_labels(tmp_path):
    _, turns = turns_of(tmp_path, "# Interview 4\n\n**Interviewer:** Hi?\n\n**Dr Patel**: Hello.\n", "m.md")
    assert turns == [("Interviewer", None, "Hi?"), ("Dr Patel", None, "Hello.")]


def test_markdown_headings_are_not_turns(tmp_path):
    doc, turns = turns_of(tmp_path, "# Interview 7\n\nFirst paragraph.\n\n## Part two\n\nSecond.\n", "prose.md")
    assert turns == [(None, None, "First paragraph."), (None, None, "## Part two"), (None, None, "Second.")]
    assert doc.text.startswith("# Interview 7\n\nFirst paragraph.")


def test_false_positives_stay_inside_turns(tmp_path):
    _, turns = turns_of(
        tmp_path,
        "Interviewer: When did you meet?\n"
        "Dr Patel: We met at 10:30 every Tuesday.\n"
        "Note: the huddle moved later.\n"
        "For example: the ED case.\n"
        "the ratio was 3:1 at best\n"
        "Interviewer: And then?\n"
        "Dr Patel: See http://example.org for details.\n"
        "Example: the sepsis review.\n"
        "Interviewer: Thanks?\n"
        "Dr Patel: Sure.\n",
    )
    assert [s for s, _, _ in turns] == ["Interviewer", "Dr Patel"] * 3
    assert turns[1][2] == (
        "We met at 10:30 every Tuesday.\nNote: the huddle moved later.\nFor example: the ED case.\n"
        "the ratio was 3:1 at best"
    )
    assert "Example: the sepsis review." in turns[3][2]


def test_one_off_capitalised_word_inside_an_answer_is_not_a_speaker(tmp_path):
    _, turns = turns_of(
        tmp_path,
        "Interviewer: Q1?\nDr Patel: A1.\nInterviewer: Q2?\nDr Patel: A2.\nBottomline: it worked.\n"
        "Interviewer: Q3?\nDr Patel: A3.\n",
    )
    assert [s for s, _, _ in turns] == ["Interviewer", "Dr Patel"] * 3
    assert turns[3][2] == "A2.\nBottomline: it worked."


def test_unlabelled_prose_is_one_turn_per_paragraph(tmp_path):
    doc, turns = turns_of(tmp_path, "First paragraph\nwraps here.\n\nSecond paragraph.\n")
    assert turns == [(None, None, "First paragraph\nwraps here."), (None, None, "Second paragraph.")]
    assert doc.text == "First paragraph\nwraps here.\n\nSecond paragraph."


def test_turn_offsets_cover_content_only(tmp_path):
    doc, _ = turns_of(tmp_path, "[00:00:05] Interviewer: Hello?\nDr Patel: Hi.\n")
    assert doc.text == "[00:00:05] Interviewer: Hello?\n\nDr Patel: Hi."
    first = doc.turns[0]
    assert doc.text[first.start : first.end] == "Hello?"
    assert doc.text[: first.start].endswith("Interviewer: ")


_LINES = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "Interviewer: hi?",
            "I:",
            "R: yes",
            "[00:01:02] Dr Patel: ok",
            "Jane Smith  0:12",
            "Dr X (1:02): so",
            "",
            "**Q:** why",
            "Note: x",
            "00:00:07",
            "  Name : ",
            "\u00a0\u2028",
            "A:B: C:",
        ]
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINES, max_size=25))
def test_parser_never_raises_and_spans_are_sound(lines):
    preamble, blocks = parse_text("\n".join(lines))
    doc = build_document(name="h.txt", path="h.txt", fmt="txt", sha256="0", preamble=preamble, blocks=blocks)
    last_end = 0
    for turn in doc.turns:
        assert 0 <= last_end <= turn.start <= turn.end <= len(doc.text)
        last_end = turn.end
        assert doc.text[turn.start : turn.end].strip()


def test_key_value_header_block_is_front_matter_not_turns(tmp_path):
    doc, turns = turns_of(
        tmp_path,
        "Participant ID: P03\nInterviewer: Dana Whitfield\nMode: Zoom\n\n"
        "Interviewer: Thanks for coming. Shall we start?\nDr Patel: Yes.\nInterviewer: Good?\nDr Patel: Fine.\n",
    )
    assert [s for s, _, _ in turns] == ["Interviewer", "Dr Patel"] * 2
    assert doc.text[: doc.turns[0].start] == (
        "Participant ID: P03\nInterviewer: Dana Whitfield\nMode: Zoom\n\nInterviewer: "
    )


def test_short_opening_exchange_is_not_mistaken_for_a_header(tmp_path):
    _, turns = turns_of(tmp_path, "Interviewer: Hi\nDr Patel: Hello there\nInterviewer: So?\nDr Patel: Fine.\n")
    assert [s for s, _, _ in turns] == ["Interviewer", "Dr Patel"] * 2


def test_names_in_scripts_without_case(tmp_path):
    _, turns = turns_of(tmp_path, "Interviewer: 你好?\n王医生: 很好。\n")
    assert [s for s, _, _ in turns] == ["Interviewer", "王医生"]
