"""CFIR rating proposals follow the documented rules; the user's rating is stored and undoable."""

from __future__ import annotations

import pandas as pd
import pytest

from evalbench.analysis.ratings import NO_VALENCE, propose
from evalbench.errors import UserError
from evalbench.model import Code
from tests.test_analysis_tables import study  # noqa: F401  (fixture)

LONG = "a concrete example with enough words to count as an explicit description of what happened here"


def rows(*specs):
    """Codings of one construct: (participant, valence, text, turn[, starred])."""
    records = []
    for i, spec in enumerate(specs):
        person, valence, text, turn, *star = spec
        records.append(
            {
                "participant": person,
                "valence": valence,
                "text": text,
                "words": len(text.split()),
                "starred": bool(star and star[0]),
                "document_id": hash(person) % 100,
                "turn": turn,
                "coding_id": i,
            }
        )
    return pd.DataFrame.from_records(
        records, columns=["participant", "valence", "text", "words", "starred", "document_id", "turn", "coding_id"]
    )


def test_missing_neutral_and_mixed():
    assert propose(rows(), "site")[0] == "M"
    assert propose(rows(("P1", "neutral", LONG, 2), ("P2", "none", LONG, 3)), "site") == (
        "0",
        "1 coding(s) marked neutral, none marked barrier or facilitator",
    )
    assert propose(rows(("P1", "mixed", LONG, 2)), "site")[0] == "X"


def test_a_construct_coded_without_valence_gets_no_rating_not_neutral_nor_missing():
    """Discussed (so not M, which is for a construct nobody spoke about) but no valence judged (so not 0)."""
    rating, why = propose(rows(("P1", "none", LONG, 2), ("P2", "none", LONG, 5)), "site")
    assert rating is None
    assert why.startswith(NO_VALENCE) and "2 coding(s) without a valence" in why
    # one valenced coding is enough to rate from; the unvalenced ones neither help nor hurt
    assert propose(rows(("P1", "none", LONG, 2), ("P2", "barrier", "short", 5)), "site")[0] == "-1"


def test_no_rating_without_valence_reaches_the_project_and_its_stored_proposal(study):  # noqa: F811
    study.add_codes([Code(id="inner.structure", name="Structural Characteristics", parent_id="inner")])
    doc = study.document("p03.txt")
    start = study.document_text(doc.id).index("The huddles")
    study.add_coding(doc.id, start, start + 30, "inner.structure", coder="alex")  # no valence
    table = study.propose_ratings("site")
    row = table[(table.code_id == "inner.structure") & (table.scope_value == "South")].iloc[0]
    assert row["proposed"] is None and row["rationale"].startswith(NO_VALENCE)
    assert table[(table.code_id == "inner.structure") & (table.scope_value == "North")].iloc[0]["proposed"] == "M"
    study.set_rating("inner.structure", "site", "South", "0", rationale="descriptive only")
    (stored,) = study.ratings("site")
    assert (stored.rating, stored.proposed) == ("0", None)  # the analyst's call, beside "no proposal"


def test_strong_rating_needs_explicit_examples_from_two_participants():
    two = rows(("P1", "barrier", LONG, 2), ("P2", "barrier", LONG, 4))
    assert propose(two, "site") == (
        "-2",
        "2 barrier and 0 facilitator codings from 2 participant(s); explicit barrier examples from 2 participant(s)",
    )
    one_person = rows(("P1", "barrier", LONG, 2), ("P1", "barrier", LONG, 6))
    assert propose(one_person, "site")[0] == "-1"
    passing = rows(("P1", "facilitator", "it helped", 2), ("P2", "facilitator", "good", 4))
    assert propose(passing, "site")[0] == "+1"
    starred = rows(("P1", "facilitator", "it helped", 2, True), ("P2", "facilitator", "good", 4, True))
    assert propose(starred, "site")[0] == "+2"


def test_opposing_statements_weaken_or_balance():
    weakened = rows(
        ("P1", "facilitator", LONG, 2),
        ("P2", "facilitator", LONG, 4),
        ("P3", "facilitator", LONG, 4),
        ("P3", "barrier", LONG, 6),
    )
    assert propose(weakened, "site")[0] == "+1"
    two_to_one = rows(("P1", "facilitator", LONG, 2), ("P2", "barrier", LONG, 4), ("P3", "barrier", LONG, 4))
    assert propose(two_to_one, "site")[0] == "-1"
    balanced = rows(
        ("P1", "facilitator", LONG, 2),
        ("P4", "facilitator", LONG, 2),
        ("P2", "barrier", LONG, 4),
        ("P3", "barrier", LONG, 4),
        ("P3", "barrier", LONG, 5),
    )
    assert propose(balanced, "site")[0] == "X"


def test_participant_scope_counts_explicit_examples_in_different_turns():
    same_turn = rows(("P1", "barrier", LONG, 2), ("P1", "barrier", LONG, 2))
    assert propose(same_turn, "participant")[0] == "-1"
    two_turns = rows(("P1", "barrier", LONG, 2), ("P1", "barrier", LONG, 8))
    assert propose(two_turns, "participant")[0] == "-2"


def test_proposals_cover_every_construct_and_site(study):  # noqa: F811
    table = study.propose_ratings("site")
    got = {(r.code_id, r.scope_value): r.proposed for r in table.itertuples()}
    # North: P01 "competing priorities" x2 coders + a 7-word excerpt: passing mentions from one person
    assert got[("inner.priority", "North")] == "-1"
    assert got[("inner.priority", "South")] == "-1"
    assert got[("inner.culture", "South")] == "+1"
    assert set(got) == {(c, s) for c in ("inner.priority", "inner.culture") for s in ("North", "South")}
    assert set(table["rating"]) == {None}


def test_set_rating_stores_the_users_choice_beside_the_proposal_and_undoes(study):  # noqa: F811
    study.set_rating("inner.priority", "site", "North", "-2", rationale="Every nurse mentioned it.")
    (stored,) = study.ratings("site")
    assert (stored.rating, stored.proposed, stored.confirmed) == ("-2", "-1", True)
    assert stored.rationale == "Every nurse mentioned it."
    table = study.propose_ratings("site")
    row = table[(table.code_id == "inner.priority") & (table.scope_value == "North")].iloc[0]
    assert (row["proposed"], row["rating"], row["confirmed"]) == ("-1", "-2", True)
    study.set_rating("inner.priority", "site", "North", "X")
    assert study.ratings("site")[0].rating == "X"
    assert study.undo().startswith("Rate Relative Priority")
    assert study.ratings("site")[0].rating == "-2"
    study.undo()
    assert study.ratings("site") == []
    with pytest.raises(UserError, match="rating must be one of"):
        study.set_rating("inner.priority", "site", "North", "+3")
