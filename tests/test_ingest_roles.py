"""Speaker roles: role-word labels, names recurring across interviews, who asks the questions."""

from __future__ import annotations

import pytest

from evalbench.ingest import detect_roles, role_from_label


@pytest.mark.parametrize(
    "label",
    ["Interviewer", "I", "Q", "Int", "Int.", "Moderator", "Facilitator", "Researcher", "Host", "interviewer 2"],
)
def test_interviewer_labels(label):
    assert role_from_label(label) == "interviewer"


@pytest.mark.parametrize("label", ["R", "A", "Respondent", "Participant", "Participant 3", "Interviewee", "P03", "P3"])
def test_participant_labels(label):
    assert role_from_label(label) == "participant"


@pytest.mark.parametrize("label", ["Dr Patel", "Speaker 1", "Priya", None, ""])
def test_names_are_not_role_words(label):
    assert role_from_label(label) is None


def test_label_roles_win():
    roles = detect_roles({"a": [("I", ["Hello?"]), ("R", ["Why do you ask?", "Is that right?"])]})
    assert roles == {("a", "I"): ("interviewer", "label"), ("a", "R"): ("participant", "label")}


def test_recurring_name_is_the_interviewer_where_the_document_itself_says_nothing():
    docs = {
        "p1": [("Dana Whitfield", ["Thanks."]), ("Hannah Osei", ["Yes.", "Really."])],
        "p2": [("Dana Whitfield", ["Go on."]), ("Arjun Mehta", ["Fine."])],
        "p3": [("Jess M", ["Yes."]), ("Sam Lee", ["What?"])],
    }
    roles = detect_roles(docs)
    assert roles[("p1", "Dana Whitfield")] == ("interviewer", "recurring")
    assert roles[("p2", "Dana Whitfield")] == ("interviewer", "recurring")
    assert roles[("p1", "Hannah Osei")] == ("participant", "default")
    # No recurring name in p3: the one who asks more questions leads.
    assert roles[("p3", "Sam Lee")] == ("interviewer", "detected")
    assert roles[("p3", "Jess M")] == ("participant", "detected")


def test_who_asks_the_questions_beats_a_recurring_name():
    """The same interview imported twice (two formats): its participant recurs but never asks."""
    interview = [
        ("Dana Whitfield", ["What got in the way?", "And then?"]),
        ("Hannah Osei", ["Staffing, mostly.", "We found cover."]),
    ]
    docs = {
        "p1.docx": interview,
        "p1.vtt": interview,
        "p2": [("Dana Whitfield", ["How was it?"]), ("Arjun Mehta", ["Fine."])],
    }
    roles = detect_roles(docs)
    for key in ("p1.docx", "p1.vtt"):
        assert roles[(key, "Dana Whitfield")] == ("interviewer", "detected")
        assert roles[(key, "Hannah Osei")] == ("participant", "detected")


def test_letters_recurring_across_a_study_are_not_names():
    """Informants labelled by letter: the letter recurs in every interview, the person does not."""
    docs = {f"d{i}": [("I", ["Tell me more."]), ("Y", ["It was hard.", "We coped."])] for i in range(6)}
    roles = detect_roles(docs)
    assert all(roles[(f"d{i}", "Y")] == ("participant", "default") for i in range(6))
    assert all(roles[(f"d{i}", "I")] == ("interviewer", "label") for i in range(6))


def test_a_legend_decides_and_every_document_keeps_a_participant():
    docs = {f"d{i}": [("X", ["So?"]), ("Y", ["Well.", "Yes."])] for i in range(4)}
    legend = {"x": "participant", "y": "interviewer"}
    roles = detect_roles(docs, {key: legend for key in docs})
    assert roles[("d0", "X")] == ("participant", "label") and roles[("d0", "Y")] == ("interviewer", "label")
    both = detect_roles({"a": [("Interviewer", ["Hi?"]), ("Moderator", ["Hello?"])]})
    assert sorted(role for role, _ in both.values()) == ["interviewer", "participant"]


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Dana Whitfield (Interviewer)", "interviewer"),
        ("Interviewer (Dana)", "interviewer"),
        ("Participant B", "participant"),
        ("Key informant", "participant"),
        ("Pat Lee (PI)", None),
        ("Mode", None),
    ],
)
def test_roles_in_parentheses_and_with_letters(label, role):
    assert role_from_label(label) == role


def test_recurrence_needs_three_documents():
    docs = {
        "p1": [("Dana", ["Ok."]), ("Hannah", ["Why?", "How?"])],
        "p2": [("Dana", ["Ok."]), ("Arjun", ["Why?"])],
    }
    roles = detect_roles(docs)
    assert roles[("p1", "Hannah")] == ("interviewer", "detected")
    assert roles[("p1", "Dana")] == ("participant", "detected")


def test_generic_speaker_labels_never_recur():
    docs = {k: [("Speaker 1", ["So what happened?"]), ("Speaker 2", ["Stuff."])] for k in ("a", "b", "c")}
    roles = detect_roles(docs)
    assert roles[("a", "Speaker 1")] == ("interviewer", "detected")
    assert roles[("a", "Speaker 2")] == ("participant", "detected")


def test_participant_interviewed_twice_is_not_made_interviewer():
    docs = {
        "p1": [("Dana", ["What helped?"]), ("Hannah", ["Huddles."])],
        "p1b": [("Dana", ["And later?"]), ("Hannah", ["Still huddles."])],
        "p2": [("Dana", ["What helped?"]), ("Arjun", ["Time."])],
    }
    roles = detect_roles(docs)
    assert roles[("p1", "Dana")] == ("interviewer", "detected")
    assert roles[("p1b", "Hannah")] == ("participant", "detected")


def test_default_when_nothing_tells_and_unlabelled_prose():
    roles = detect_roles({"a": [("Ann", ["Yes."]), ("Bob", ["No."])], "b": [(None, ["Prose."])]})
    assert roles[("a", "Ann")] == ("participant", "default")
    assert roles[("b", None)] == ("participant", "default")


def test_focus_group_needs_a_clear_moderator():
    docs = {
        "fg": [
            ("Lee", ["Who starts?", "Why?", "And you?", "Anything else?"]),
            ("Ann", ["Me.", "Is that ok?"]),
            ("Bob", ["Yes."]),
        ]
    }
    roles = detect_roles(docs)
    assert roles[("fg", "Lee")] == ("interviewer", "detected")
    assert roles[("fg", "Ann")] == ("participant", "default")
