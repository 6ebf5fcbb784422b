"""Codebook rules and valence cues: word variants match, evidence is the words as written."""

from __future__ import annotations

import pytest

from evalbench.model import Code
from evalbench.suggest.normalise import normalise
from evalbench.suggest.valence import coder_prior, cue_counts, suggest_valence


@pytest.mark.parametrize(
    "variants",
    [
        ("leader", "leaders", "Leadership", "LEADERS", "leader's"),
        ("support", "supported", "supporting", "supports"),
        ("huddle", "huddles", "Huddled"),
        ("policy", "policies"),
        ("plan", "planning", "planned"),
        ("easy", "easier"),
    ],
)
def test_variants_share_one_key(variants):
    assert len({normalise(w) for w in variants}) == 1


def test_unrelated_words_stay_apart():
    assert normalise("leader") != normalise("lead")
    assert normalise("process") == "process"  # no plural 's' stripped from -ss
    assert normalise("focus") == "focus"


@pytest.fixture(scope="module")
def matcher():
    from evalbench.suggest.nlp import load_pipeline
    from evalbench.suggest.rules import RuleMatcher

    codes = [
        Code("lead", "Leaders", keywords=("leader", "protected time")),
        Code("huddle", "Huddles", keywords=("safety huddle",)),
        Code("none", "No keywords"),
    ]
    return RuleMatcher(codes, load_pipeline())


def test_rules_match_lemma_variants_with_evidence_as_written(matcher):
    hits = matcher.match("Our Leadership backed it, and the leaders gave us Protected Times for it.")
    assert set(hits) == {"lead"}
    assert hits["lead"].evidence == ("Leadership", "Protected Times")
    assert hits["lead"].spans[0] == (4, 14)


def test_phrase_needs_all_its_words_in_order(matcher):
    assert "huddle" not in matcher.match("The huddle was about safety.")
    assert matcher.match("Daily safety huddles helped.")["huddle"].evidence == ("safety huddles",)


def test_more_and_longer_matches_score_higher(matcher):
    one = matcher.match("The leader came.")["lead"].score
    phrase = matcher.match("We had protected time.")["lead"].score
    both = matcher.match("The leader gave protected time.")["lead"].score
    assert one < phrase < both < 1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("We had no protected time for the case reviews.", "barrier"),
        ("There was a lack of staff.", "barrier"),
        ("Having the champion there made it easier.", "facilitator"),
        ("The coaching helped a lot.", "facilitator"),
        ("Honestly it didn't help.", "barrier"),
        ("That was not a problem for us.", "facilitator"),
        ("The pharmacist helped, but the workload was overwhelming.", "mixed"),
        ("The meeting is on Tuesdays.", None),
    ],
)
def test_valence_from_cues(text, expected):
    assert suggest_valence(text) == expected


def test_valence_reads_the_sentence_with_the_evidence():
    text = "The leaders were great and supportive. We had no protected time."
    at_leaders = (4, 11)
    assert suggest_valence(text, [at_leaders]) == "facilitator"
    assert suggest_valence(text, [(text.index("protected"), len(text) - 1)]) == "barrier"
    assert cue_counts(text) == (1, 1.5)  # generic praise ("great") counts half


def test_valence_falls_back_to_the_coders_habit():
    from collections import Counter

    assert suggest_valence("The meeting is on Tuesdays.", history=Counter(barrier=4, facilitator=1)) == "barrier"
    assert coder_prior(Counter(barrier=1, facilitator=1)) is None
    assert coder_prior(Counter(barrier=2)) is None  # too few to call it a habit


GENERIC_TURNS = [f"The patient in bed {i} waited for the scan." for i in range(18)] + [
    "The patient was discussed at the safety huddle.",
    "We moved the huddle to the morning.",
]
GENERIC_CODES = [
    Code("a.recipients", "Patients", keywords=("patient",)),
    Code("b.huddles", "Huddles", keywords=("huddle",)),
]


def test_keyword_in_most_turns_is_down_weighted():
    from evalbench.suggest.features import read_texts
    from evalbench.suggest.nlp import load_pipeline
    from evalbench.suggest.rules import RuleMatcher, df_factor, keyword_df, keyword_df_from, scores_from

    pipeline = load_pipeline()
    matcher = RuleMatcher(GENERIC_CODES, pipeline)
    df = keyword_df(matcher, GENERIC_TURNS)
    assert df == {"patient": 0.95, "huddl": 0.1}
    assert keyword_df_from([w.matches for w in read_texts(pipeline, GENERIC_TURNS, matcher)]) == df
    assert df_factor(0.05) == 1.0 and df_factor(0.1) == pytest.approx(0.769, abs=1e-3)
    (turn,) = read_texts(pipeline, ["The patient was discussed at the safety huddle."], matcher)
    plain = scores_from(turn.matches, {})
    assert plain["a.recipients"] == plain["b.huddles"]
    weighted = scores_from(turn.matches, df)
    assert weighted["a.recipients"] < 0.05 < weighted["b.huddles"]


def test_training_stores_the_projects_keyword_frequencies(tmp_path):
    from evalbench.project import Project
    from tests.conftest import make_parsed

    with Project.init(tmp_path / "generic.evb", coder="alex") as project:
        project.add_codes(GENERIC_CODES)
        turns = [pair for t in GENERIC_TURNS for pair in (("Interviewer", "And then?"), ("Kim", t))]
        project.add_document(
            make_parsed("p.txt", turns), {"Kim": ("participant", "label"), "Interviewer": ("interviewer", "label")}
        )
        project.train_suggester()
        assert project.suggest.model_info().info["keyword_df"]["patient"] == 0.95
        turn = [t for t in project.turns() if t.role == "participant"][-2]
        found = project.suggest_turn(turn.id)
    rules = {s.code_id: s.score for s in found if "rules" in s.source}
    assert "b.huddles" in rules
    assert rules.get("a.recipients", 0) < rules["b.huddles"]
