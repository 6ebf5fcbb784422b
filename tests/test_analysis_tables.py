"""Frequencies, matrices, quotes, co-occurrence and the rapid matrix against a hand-counted study.

The study (``build_study``): three interviews, three participants, two sites.

=====  ===========  =====  ===  =====================================  ========================  =====
 row   participant  role   site  excerpt (turn)                         code                      coder
=====  ===========  =====  ===  =====================================  ========================  =====
  1    P01          phys.  N    "competing priorities" (2)             inner.priority barrier     alex
  2    P01          phys.  N    "no protected time … reviews" (2)      inner.priority barrier     alex
  3    P01          phys.  N    "The culture of learning" (4)          inner.culture.learning fac alex
  4    P02          nurse  N    "Our leaders showed up …" (2)          inner.culture facilitator  alex
  5    P03          nurse  S    "The huddles kept slipping …" (2)      inner.priority barrier     alex
  6    P03          nurse  S    "people wanted to learn …" (2)         inner.culture facilitator  alex
  7    P01          phys.  N    "competing priorities" (2)             inner.priority barrier     sam
=====  ===========  =====  ===  =====================================  ========================  =====
"""

from __future__ import annotations

import pytest

from evalbench.errors import UserError
from evalbench.model import Code
from evalbench.project import Project
from tests.conftest import SMALL_CODES, make_parsed

ROLES = {
    "Interviewer": ("interviewer", "label"),
    "Dr Patel": ("participant", "default"),
    "Nurse Kim": ("participant", "default"),
    "Mr Lee": ("participant", "default"),
}
P03_TURN = (
    "The huddles kept slipping because the unit was short staffed, yet people wanted to learn "
    "from every missed diagnosis and said so at each meeting we held."
)


def build_study(tmp_path) -> Project:
    """The hand-counted study of the module docstring, as a real project file."""
    proj = Project.init(tmp_path / "study.evb", coder="alex")
    proj.add_codes(
        [*SMALL_CODES, Code(id="inner.culture.learning", name="Learning-Centredness", parent_id="inner.culture")]
    )
    d1 = proj.add_document(
        make_parsed(
            "p01.txt",
            [
                ("Interviewer", "What got in the way?"),
                ("Dr Patel", "Honestly, competing priorities. We had no protected time for the case reviews."),
                ("Interviewer", "And what helped?"),
                ("Dr Patel", "The culture of learning. People felt safe to talk about errors."),
            ],
        ),
        ROLES,
    )
    d2 = proj.add_document(
        make_parsed(
            "p02.txt",
            [
                ("Interviewer", "Tell me about leadership support."),
                ("Nurse Kim", "Our leaders showed up to every session, and that made it easier."),
            ],
        ),
        ROLES,
    )
    d3 = proj.add_document(
        make_parsed(
            "p03.txt",
            [
                ("Interviewer", "How did it go on your unit?"),
                ("Mr Lee", P03_TURN),
            ],
        ),
        ROLES,
    )
    proj.set_participant(d1, "P01", {"role": "physician", "site": "North"})
    proj.set_participant(d2, "P02", {"role": "nurse", "site": "North"})
    proj.set_participant(d3, "P03", {"role": "nurse", "site": "South"})

    def span(doc_id, words):
        text = proj.document_text(doc_id)
        start = text.index(words)
        return {"document_id": doc_id, "start": start, "end": start + len(words)}

    proj.add_codings(
        [
            {**span(d1, "competing priorities"), "code_id": "inner.priority", "valence": "barrier"},
            {**span(d1, "no protected time for the case reviews"), "code_id": "inner.priority", "valence": "barrier"},
            {**span(d1, "The culture of learning"), "code_id": "inner.culture.learning", "valence": "facilitator"},
            {
                **span(d2, "Our leaders showed up to every session"),
                "code_id": "inner.culture",
                "valence": "facilitator",
            },
            {
                **span(d3, "The huddles kept slipping because the unit was short staffed"),
                "code_id": "inner.priority",
                "valence": "barrier",
            },
            {
                **span(d3, "people wanted to learn from every missed diagnosis and said so at each meeting we held."),
                "code_id": "inner.culture",
                "valence": "facilitator",
            },
            {**span(d1, "competing priorities"), "code_id": "inner.priority", "valence": "barrier", "coder": "sam"},
        ],
        label="study codings",
    )
    return proj


@pytest.fixture
def study(tmp_path):
    proj = build_study(tmp_path)
    yield proj
    proj.close()


def cells(table) -> dict:
    """{code_id: {column: number}} without the name column."""
    return {
        cid: {k: int(v) for k, v in row.items() if k != "code"}
        for cid, row in zip(table.index, table.to_dict("records"), strict=True)
    }


def test_matrix_by_participant_rolls_subconstructs_into_constructs(study):
    table = study.matrix(by="participant")
    assert list(table.columns) == ["code", "P01", "P02", "P03"]
    assert table.loc["inner.culture", "code"] == "Culture"
    assert cells(table) == {
        "inner.priority": {"P01": 3, "P02": 0, "P03": 1},
        "inner.culture": {"P01": 1, "P02": 1, "P03": 1},
    }


def test_matrix_for_one_coder_and_at_code_level(study):
    assert cells(study.matrix(by="participant", coder="alex"))["inner.priority"] == {"P01": 2, "P02": 0, "P03": 1}
    by_code = cells(study.matrix(by="participant", level="code"))
    assert by_code["inner.culture"] == {"P01": 0, "P02": 1, "P03": 1}
    assert by_code["inner.culture.learning"] == {"P01": 1, "P02": 0, "P03": 0}
    assert cells(study.matrix(by="participant", level="domain")) == {"inner": {"P01": 4, "P02": 1, "P03": 2}}


def test_matrix_by_site_and_role(study):
    assert cells(study.matrix(by="site", value="participants")) == {
        "inner.priority": {"North": 1, "South": 1},
        "inner.culture": {"North": 2, "South": 1},
    }
    assert cells(study.matrix(by="role")) == {
        "inner.priority": {"nurse": 1, "physician": 3},
        "inner.culture": {"nurse": 2, "physician": 1},
    }


def test_role_falls_back_to_the_speaker_role_without_a_role_attribute(project):
    text = project.document_text(1)
    start = text.index("competing priorities")
    project.add_coding(1, start, start + 20, "inner.priority", valence="barrier")
    assert cells(project.matrix(by="role")) == {"inner.priority": {"participant": 1}}
    with pytest.raises(UserError, match="no participant has a 'site' attribute"):
        project.matrix(by="site")


def test_frequencies_count_codings_documents_participants_and_valence(study):
    table = study.frequencies(by="site")
    got = cells(table)
    assert got["inner.priority"] == {
        "codings": 4,
        "documents": 2,
        "participants": 2,
        "barrier": 4,
        "facilitator": 0,
        "mixed": 0,
        "neutral": 0,
        "none": 0,
        "site=North": 1,
        "site=South": 1,
    }
    assert got["inner.culture"]["participants"] == 2
    assert got["inner.culture.learning"]["facilitator"] == 1
    assert "inner" not in got
    assert "inner" in cells(study.frequencies(all_codes=True))


def test_matrix_quotes_are_the_excerpts_behind_a_cell(study):
    quotes = study.matrix_quotes("inner.culture", by="site", value="North")
    assert [(q.participant, q.text, q.code_id) for q in quotes] == [
        ("P01", "The culture of learning", "inner.culture.learning"),
        ("P02", "Our leaders showed up to every session", "inner.culture"),
    ]
    assert quotes[0].turn == 4 and quotes[0].role == "physician" and quotes[0].speaker == "Dr Patel"


def test_cooccurrence_counts_participant_turns_coded_with_both(study):
    got = cells(study.cooccurrence())
    assert got["inner.priority"]["inner.culture"] == 1  # P03's turn 2 only
    assert got["inner.priority"]["inner.priority"] == 2  # P01 turn 2, P03 turn 2
    assert got["inner.culture.learning"]["inner.priority"] == 0
    rolled = cells(study.cooccurrence(level="construct"))
    assert rolled["inner.culture"]["inner.culture"] == 3


def test_rapid_matrix_shows_summaries_and_what_is_left(study):
    study.set_cell_summary("P01", "inner", "Time is the barrier; culture helps.")
    table = study.rapid_matrix(level="domain")
    assert list(table.index) == ["P01", "P02", "P03"]
    assert table.loc["P01", "inner"] == "Time is the barrier; culture helps."
    assert table.loc["P03", "inner"] == "[2 quotes]"
    assert study.cell_summary("P01", "inner").startswith("Time")
    study.undo()
    assert study.rapid_matrix(level="domain").loc["P01", "inner"] == "[4 quotes]"


def test_exemplars_put_starred_first_and_spread_across_participants(study):
    starred = next(c for c in study.codings() if c.code_id == "inner.culture")
    study.star_coding(starred.id)
    quotes = study.exemplar_quotes("inner.culture", n=3)
    assert quotes[0].coding_id == starred.id and quotes[0].starred
    assert {q.participant for q in quotes} == {"P01", "P02", "P03"}
    priority = study.exemplar_quotes("inner.priority", n=3)
    # alex's and sam's "competing priorities" are the same words: only one is proposed
    assert [q.text for q in priority].count("competing priorities") <= 1
    assert priority[0].participant != priority[1].participant


def test_matrix_lists_participants_not_yet_coded(study):
    doc = study.add_document(make_parsed("p04.txt", [("Interviewer", "Hello?"), ("Mr Lee", "Nothing to add.")]), ROLES)
    study.set_participant(doc, "P04", {"role": "pharmacist", "site": "East"})
    assert list(study.matrix(by="participant").columns) == ["code", "P01", "P02", "P03", "P04"]
    assert cells(study.matrix(by="site"))["inner.priority"] == {"East": 0, "North": 3, "South": 1}


def test_a_coding_starting_on_the_speaker_name_belongs_to_that_turn(study):
    text = study.document_text(3)
    start = text.index("Mr Lee: ")
    study.add_coding(3, start, start + 20, "inner.priority", valence="barrier")
    (quote,) = [q for q in study.matrix_quotes("inner.priority", "participant", "P03") if q.text.startswith("Mr Lee")]
    assert (quote.turn, quote.speaker) == (2, "Mr Lee")


def test_rapid_cell_gives_the_summary_and_its_quotes(study):
    study.set_cell_summary("P03", "inner", "Short staffing vs. wish to learn.")
    summary, quotes = study.rapid_cell("P03", "inner")
    assert summary == "Short staffing vs. wish to learn."
    assert [q.code_id for q in quotes] == ["inner.priority", "inner.culture"]
