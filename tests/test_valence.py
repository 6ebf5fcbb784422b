"""Suggested valence: negation, absence and cue weights, on sentences written for this test.

The sentences are our own (not from the sample transcripts), labelled by hand
the way a CFIR coder would mark the passage, so that the cue logic is checked
on text it was not tuned on.
"""

from __future__ import annotations

from collections import Counter

import pytest

from evalbench.suggest.valence import cue_counts, suggest_valence

B, F, M = "barrier", "facilitator", "mixed"

LABELLED = [
    # absence and negation read as barriers
    ("Nobody gave us any time to prepare the cases.", B),
    ("We had no protected time for the audits.", B),
    ("I never had a deputy to hand things over to.", B),
    ("There were not enough nurses on the ward to run the pilot.", B),
    ("The lack of a shared drive meant we emailed spreadsheets around.", B),
    ("We couldn't get the lab to send us the results.", B),
    ("We ran the sessions without any administrative help.", B),
    ("Without a budget line, the coordinator post disappeared.", B),
    ("No one from pharmacy ever came to the meetings.", B),
    ("We didn't have a data analyst.", B),
    ("The training wasn't helpful for the night staff.", B),
    ("Management was not supportive at first.", B),
    ("The new form was less useful than the old one.", B),
    ("They never gave us feedback on the reports we sent.", B),
    ("Nothing happened after we submitted the proposal.", B),
    ("We were unable to recruit a second site.", B),
    ("Frankly, the workload was overwhelming.", B),
    ("The approval process got in the way every single time.", B),
    ("There was too much paperwork for a ten-minute clinic.", B),
    ("It was a good idea, but nobody gave us the time to do it.", B),
    ("We haven't yet had time to train the locums.", B),
    # facilitators, including negated barriers
    ("The practice manager supported us from day one.", F),
    ("Having a champion on every shift made it easier.", F),
    ("Honestly, cost was not a problem for us.", F),
    ("We never had any pushback from the consultants.", F),
    ("Nobody complained about the extra step.", F),
    ("We couldn't have done it without the informatics team.", F),
    ("There were no barriers to getting the kit.", F),
    ("The coaching calls were really valuable.", F),
    ("We had enough staff to cover the huddles.", F),
    ("The dashboard made a real difference to how we talked about cases.", F),
    ("Once the surgeons were on board, it took off.", F),
    ("The buy-in from the ward sisters was there from the start.", F),
    # both
    ("The coach was helpful, but the reporting burden was heavy.", M),
    ("The software worked, although nobody gave us training on it.", M),
    ("Leadership was supportive, but we did not have the money.", M),
    # nothing to go on
    ("The meeting is on Tuesdays at noon.", None),
    ("No, I don't think so.", None),
    ("We met monthly and reviewed two cases each time.", None),
    ("I don't know, maybe twelve people came.", None),
]


@pytest.mark.parametrize("text, expected", LABELLED)
def test_labelled_sentence(text, expected):
    assert suggest_valence(text) == expected


def test_negation_stops_at_the_clause():
    # "no" answers the question; it does not negate "helped" in the next clause
    assert suggest_valence("No. The coaching helped.") == F
    assert suggest_valence("Not at all, but the coaching helped.") == F


def test_generic_praise_weighs_less_than_absence():
    barrier, facilitator = cue_counts("It was a good review. Nobody gave us time for it.")
    assert barrier > facilitator > 0


def test_a_clear_cue_beats_the_coders_habit_but_mixed_cues_do_not():
    habit = Counter(facilitator=5)
    assert suggest_valence("Nobody gave us time for that.", history=habit) == B
    assert suggest_valence("The coach was helpful, but the burden was heavy.", history=habit) == F
    assert suggest_valence("It was a good review.", history=Counter(barrier=4)) == B


def test_the_keyword_sentence_is_read_before_the_whole_turn():
    text = "The leaders were great, really supportive. We had no protected time."
    leaders = (text.index("leaders"), text.index("leaders") + 7)
    assert suggest_valence(text, [leaders]) == F
    assert suggest_valence(text, [(text.index("protected"), len(text) - 1)]) == B
    # a keyword in a sentence without cues: the whole turn decides
    text = "We talked about the rota. Nobody gave us time, and there was no admin support."
    assert suggest_valence(text, [(text.index("rota"), text.index("rota") + 4)]) == B


def test_demo_turn_is_suggested_as_a_barrier(demo):
    """The demo turn ("Nobody gave us time…") that was suggested as a facilitator of Opportunity."""
    from evalbench.project import Project

    with Project.open(demo, coder="newcoder") as project:  # no habits: the cues decide
        doc = project.document("nfg_01_hospitalist.txt")
        turn = next(t for t in project.turns(doc.id) if "Nobody gave us time" in doc.text[t.start : t.end])
        found = project.suggest_turn(turn.id)
    assert found
    assert {s.valence for s in found} <= {B, M, None}
    assert B in {s.valence for s in found}


def test_valence_agreement_with_the_coders(project):
    from evalbench.suggest.evaluate import valence_agreement

    doc = project.document("p01.txt")
    text = doc.text

    def span(words: str) -> tuple[int, int]:
        start = text.index(words)
        return start, start + len(words)

    project.add_coding(doc.id, *span("We had no protected time for the case reviews."), "inner.priority", valence=B)
    project.add_coding(doc.id, *span("People felt safe to talk about errors."), "inner.culture", valence=F)
    project.add_coding(doc.id, *span("The culture of learning."), "inner.culture", valence=F)  # no cue
    project.add_coding(doc.id, *span("Honestly, competing priorities."), "inner.priority", valence="neutral")
    result = valence_agreement(project.store)
    assert result["codings"] == 3  # neutral codings are not scored
    assert result["passage"] == {"accuracy": round(2 / 3, 4), "covered": round(2 / 3, 4), "accuracy_covered": 1.0}
    # the culture turn reads facilitator as a whole ("safe")
    assert result["turn"]["accuracy"] == 1.0
    assert result["confusion"]["facilitator->none"] == 1
