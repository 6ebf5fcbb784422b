"""The methods paragraph takes its agreement and AI-assistance figures as plain data."""

from __future__ import annotations

import sqlite3

from evalbench.export.summary import Agreement, Assistance, StudySummary, assistance_of
from tests.test_analysis_tables import study  # noqa: F401  (fixture)


def summary(**changes) -> StudySummary:
    base = dict(
        interviews=14,
        participants=13,
        roles=[("physician", 4), ("nurse", 3)],
        sites=["A", "B"],
        coders=["consensus"],
        coding="the consensus coding of alex and sam",
        codings=657,
        codes_used=59,
        codebook_size=72,
        uncoded=2,
    )
    return StudySummary(**{**base, **changes})


def test_the_paragraph_names_the_coding_and_the_uncoded_transcripts():
    text = summary().text
    assert text.startswith(
        "The analysis covers 14 coded interviews with 13 participants (4 physician, 3 nurse) "
        "at two sites (A, B). Two further transcripts in the project have no codings"
    )
    assert "The tables count the consensus coding of alex and sam: 657 codings of 59 of the 72 codes" in text


def test_agreement_and_assistance_slots():
    agreement = Agreement(
        coders=("alex", "sam"),
        documents=12,
        unit="turn",
        percent=91.24,
        kappa=0.712,
        mean_kappa=0.65,
        low_codes=("Need", "Teaming"),
        ac1=0.88,
        alpha=0.70,
    )
    assistance = Assistance(
        accepted=120, total=657, by_coder=(("alex", 80), ("sam", 40)), models=("evalbench suggester 2 (spaCy 3.8)",)
    )
    text = summary(agreement=agreement, assistance=assistance).text
    assert (
        "Before reconciliation, intercoder agreement between alex and sam over 12 transcripts (participant "
        "turns as units): percent agreement 91.2%, Cohen's κ = 0.71 (pooled), mean per-code κ = 0.65 (two codes "
        "below 0.40: Need and Teaming), Gwet's AC1 = 0.88, Krippendorff's α = 0.70."
    ) in text
    many = Agreement(("alex", "sam"), 3, "turn", mean_kappa=0.3, low_codes=tuple("ABCDEFG"))
    assert "mean per-code κ = 0.30 (seven codes below 0.40: A, B, C, D, E and 2 more)" in summary(agreement=many).text
    assert (
        "120 of the 657 codings (18%) began as code suggestions from evalbench, made by evalbench suggester 2 "
        "(spaCy 3.8) running offline, each reviewed and accepted by a coder (accepted by alex: 80, sam: 40). "
        "Every coding was made or accepted by a person."
    ) in text
    rules = summary(assistance=Assistance(0, 657, rule_codings=12)).text
    assert "12 coding(s) were applied by keyword rules without review." in rules
    assert "Before reconciliation" not in summary(agreement=agreement, all_coders=True).text
    assert "suggestions" not in summary(assistance=Assistance(0, 657)).text


def test_accepted_suggestions_are_counted_from_the_codings_origin(study):  # noqa: F811
    first = study.codings(coder="alex")[0]
    with sqlite3.connect(study.path) as other:  # another program's write, as the file sees it
        other.execute("UPDATE codings SET origin = 'suggestion' WHERE id = ?", (first.id,))
    other.close()
    frame, _tree = study.codings_frame("alex")
    found = assistance_of(frame, study.store)  # the suggestions area's disclosure, models and all
    assert found == Assistance(1, len(study.codings(coder="alex")), (("alex", 1),), unknown_model=1)
    assert assistance_of(frame.iloc[0:0], study.store) == Assistance(0, 0)
