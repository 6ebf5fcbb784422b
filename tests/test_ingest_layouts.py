"""Every layout family in tests/fixtures/layouts lands with the speakers, roles and turns written down by hand.

All fixtures go into ONE project, as a study's files would, so a name or a
letter recurring across files cannot pull roles away from what each file says.
The property tests render random interviews in each text layout and check that
every utterance lands, whole and in order, in exactly one turn of its speaker.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalbench.ingest import parse_file
from evalbench.project import Project

LAYOUTS = Path(__file__).resolve().parent / "fixtures" / "layouts"
EXPECTED = {
    k: v
    for k, v in json.loads((LAYOUTS / "expected.json").read_text(encoding="utf-8")).items()
    if not k.startswith("_")
}


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """All layout fixtures imported into one project: (report, {name: (speakers, turns, words)})."""
    path = tmp_path_factory.mktemp("layouts") / "layouts.evb"
    with Project.init(path, coder="tester") as proj:
        report = proj.import_paths([LAYOUTS / name for name in EXPECTED])
        docs = {d.name: d for d in proj.documents()}
        found = {
            name: ({s.label: s.role for s in proj.speakers(d.id)}, proj.turns(d.id), d.words)
            for name, d in docs.items()
        }
    return report, found


def test_every_fixture_imports(study):
    report, found = study
    assert report.failed == [] and report.skipped == []
    assert set(found) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_speakers_roles_and_turns(study, name):
    report, found = study
    want = EXPECTED[name]
    speakers, turns, words = found[name]
    assert {("null" if k is None else k): v for k, v in speakers.items()} == want["speakers"]
    assert len(turns) == want["turns"]
    if want.get("timed"):
        assert all(t.time for t in turns), [t.time for t in turns]
    if "min_words" in want:
        assert words >= want["min_words"]
    line = next(f for f in report.files if f.name == name)
    expected_warnings = want.get("warnings", [])
    assert len(line.warnings) == len(expected_warnings), line.warnings
    for text, warning in zip(expected_warnings, line.warnings):
        assert text in warning


def test_the_same_interview_in_two_formats_gets_the_same_roles(tmp_path):
    """The participant's name recurs (two files of one interview) but she never asks the questions."""
    exchange = [
        ("Dana Whitfield", "What got in the way?"),
        ("Hannah Osei", "Staffing, mostly."),
        ("Dana Whitfield", "And what helped?"),
        ("Hannah Osei", "The huddles. They kept us honest."),
    ]
    (tmp_path / "p01.txt").write_text("\n".join(f"{w}: {s}" for w, s in exchange), encoding="utf-8")
    cues = [
        f"{i}\n00:00:{i * 5:02d}.000 --> 00:00:{i * 5 + 4:02d}.000\n<v {w}>{s}</v>\n"
        for i, (w, s) in enumerate(exchange, 1)
    ]
    (tmp_path / "p01.vtt").write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")
    (tmp_path / "p02.txt").write_text("Dana Whitfield: How was it?\nArjun Mehta: Fine, thanks.\n", encoding="utf-8")
    with Project.init(tmp_path / "s.evb") as proj:
        proj.import_paths([tmp_path])
        roles = {(proj.document(s.document_id, with_text=False).name, s.label): s.role for s in proj.speakers()}
    assert roles[("p01.txt", "Hannah Osei")] == roles[("p01.vtt", "Hannah Osei")] == "participant"
    assert roles[("p01.txt", "Dana Whitfield")] == roles[("p01.vtt", "Dana Whitfield")] == "interviewer"


def test_a_study_of_lettered_informants_keeps_a_participant_in_every_document(tmp_path):
    """The issue's study: `I = interviewer; Y = informant` above I:/Y: paragraphs in ten documents."""
    for i in range(10):
        (tmp_path / f"int{i:02d}.txt").write_text(
            f"Interview {i}\nI = interviewer; Y = informant\n\nI: What changed on ward {i}?\n\n"
            f"Y: The huddles moved.\n\nI: Why?\n\nY: Night staff could come. Would you have done it?\n",
            encoding="utf-8",
        )
    with Project.init(tmp_path / "s.evb") as proj:
        proj.import_paths([tmp_path])
        by_doc: dict[int, set[str]] = {}
        for s in proj.speakers():
            by_doc.setdefault(s.document_id, set()).add(f"{s.label}:{s.role}")
    assert len(by_doc) == 10
    assert all(roles == {"I:interviewer", "Y:participant"} for roles in by_doc.values())


# --- properties: every character of speech lands in exactly one turn -------------------------

NAMES = [
    "Jane Doe (she/her)",
    "Pat Lee (PI)",
    "O'Brien, Pat",
    "Dr. A. Okafor",
    "J.S.",
    "Speaker 1",
    "SPEAKER_00",
    "Interviewer",
    "Respondent",
    "Mara Quinn",
    "Ravi Shah",
    "P03",
    "王医生",
]
WORDS = [
    "the",
    "we",
    "reviews",
    "huddle",
    "at",
    "10:30",
    "ratio",
    "3:1",
    "(two days)",
    "[laughs]",
    "e.g.",
    "note: this",
    "time,",
    "mostly",
    "worked",
    "why?",
    "staff",
    "ok",
    "and",
    "so",
    "ward",
    "—",
    "Monday",
]
UTTERANCE = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(lambda ws: " ".join(ws) + ".")


def _clock(i: int) -> str:
    return f"00:{i // 60:02d}:{i % 60:02d}"


def render(layout: str, turns: list[tuple[str, str]]) -> tuple[str, str]:
    """A transcript of ``turns`` in a text layout, and its file extension."""
    if layout == "inline":
        return "\n".join(f"{w}: {s}" for w, s in turns), "txt"
    if layout == "rev":
        return "\n\n".join(f"{w} ({_clock(i)}):\n{s}" for i, (w, s) in enumerate(turns)), "txt"
    if layout == "time_first":
        return "\n".join(f"[{_clock(i)}] {w}: {s}" for i, (w, s) in enumerate(turns)), "txt"
    if layout == "header_time_first":
        return "\n\n".join(f"{_clock(i)} {w}\n{s}" for i, (w, s) in enumerate(turns)), "txt"
    if layout == "otter":
        return "\n\n".join(f"{w}  {i // 60}:{i % 60:02d}\n{s}" for i, (w, s) in enumerate(turns)), "txt"
    if layout == "bold":
        return "\n\n".join(f"**{w}:** {s}" for w, s in turns), "md"
    if layout == "bracket":
        return "\n".join(f"[{w}]: {s}" for w, s in turns), "txt"
    if layout == "table":
        return "| Speaker | Text |\n|---|---|\n" + "\n".join(f"| {w} | {s} |" for w, s in turns), "md"
    if layout == "tsv":
        return "\n".join(f"{_clock(i)}\t{w}\t{s}" for i, (w, s) in enumerate(turns)), "txt"
    if layout == "vtt":
        return "WEBVTT\n\n" + "\n".join(
            f"{_clock(i)}.000 --> {_clock(i)}.900\n{w}: {s}\n" for i, (w, s) in enumerate(turns)
        ), "vtt"
    if layout == "json":
        segs = [{"start": float(i), "end": i + 0.9, "text": s, "speaker": w} for i, (w, s) in enumerate(turns)]
        return json.dumps({"segments": segs}), "json"
    raise AssertionError(layout)


def merged(turns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for who, said in turns:
        if out and out[-1][0] == who:
            out[-1] = (who, out[-1][1] + " " + said)
        else:
            out.append((who, said))
    return out


def _same_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@st.composite
def interviews(draw):
    people = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=4, unique=True))
    n = draw(st.integers(min_value=2, max_value=10))
    order = [people[i % 2] for i in range(n)]  # two main speakers take turns, so each recurs
    for i in draw(st.lists(st.integers(0, n - 1), max_size=3)):
        order[i] = draw(st.sampled_from(people))
    return [(who, draw(UTTERANCE)) for who in order]


LAYOUT_NAMES = [
    "inline",
    "rev",
    "time_first",
    "header_time_first",
    "otter",
    "bold",
    "bracket",
    "table",
    "tsv",
    "vtt",
    "json",
]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(layout=st.sampled_from(LAYOUT_NAMES), turns=interviews())
def test_every_utterance_lands_whole_in_one_turn_of_its_speaker(tmp_path, layout, turns):
    text, ext = render(layout, turns)
    path = tmp_path / f"t.{ext}"
    path.write_text(text, encoding="utf-8")
    doc = parse_file(path)
    got = [(t.speaker, _same_text(doc.text[t.start : t.end])) for t in doc.turns]
    assert got == [(w, _same_text(s)) for w, s in merged(turns)]
    ends = [(t.start, t.end) for t in doc.turns]
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:]))  # no character in two turns


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(turns=interviews(), table=st.booleans())
def test_word_paragraphs_and_tables_keep_every_utterance(tmp_path, turns, table):
    import docx

    document = docx.Document()
    document.add_paragraph("Interview transcript")
    if table:
        grid = document.add_table(rows=0, cols=2)
        if len({who for who, _ in turns}) == len(turns) > 2:
            # No name repeats: without a header this could as well be a table of findings.
            header = grid.add_row()
            header.cells[0].text, header.cells[1].text = "Speaker", "Text"
        for who, said in turns:
            row = grid.add_row()
            row.cells[0].text, row.cells[1].text = who, said
    else:
        for who, said in turns:
            paragraph = document.add_paragraph()
            paragraph.add_run(who).bold = True
            paragraph.add_run(f"\n{said}")
    document.save(tmp_path / "t.docx")
    doc = parse_file(tmp_path / "t.docx")
    got = [(t.speaker, _same_text(doc.text[t.start : t.end])) for t in doc.turns]
    assert got == [(w, _same_text(s)) for w, s in merged(turns)]


PROSE_STARTS = ["Look:", "So:", "Honestly:", "Well,", "Note:", "At 10:30", "The", "We", "Monday:", "Then"]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    paragraphs=st.lists(st.tuples(st.sampled_from(PROSE_STARTS), UTTERANCE), min_size=1, max_size=8),
    ext=st.sampled_from(["txt", "md", "srt"]),
)
def test_sentences_with_a_colon_are_never_speakers(tmp_path, paragraphs, ext):
    lines = [f"{start} {said}" for start, said in paragraphs]
    if ext == "srt":
        text = "\n".join(f"{i}\n00:00:{i:02d},000 --> 00:00:{i:02d},900\n{line}\n" for i, line in enumerate(lines, 1))
    else:
        text = "\n\n".join(lines)
    path = tmp_path / f"p.{ext}"
    path.write_text(text, encoding="utf-8")
    doc = parse_file(path)
    assert {t.speaker for t in doc.turns} == {None}
    assert [_same_text(doc.text[t.start : t.end]) for t in doc.turns] == [_same_text(line) for line in lines]
