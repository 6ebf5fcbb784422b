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


def test_recurring_name_across_three_documents_is_the_interviewer():
    docs = {
        "p1": [("Dana Whitfield", ["Thanks."]), ("Hannah Osei", ["Why would we?", "Really?"])],
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
    assert roles[("p1", "Dana")] == ("interviewer", "recurring")
    assert roles[("p1b", "Hannah")] == ("participant", "default")


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
