"""AI-assistance disclosure and agreement figures for a methods section, from the codings themselves."""

from __future__ import annotations

from evalbench.suggest.disclosure import agreement_disclosure, ai_assistance


def participant_turn(project, contains: str):
    for turn in project.turns():
        if turn.role == "participant" and contains in project.document_text(turn.document_id)[turn.start : turn.end]:
            return turn
    raise AssertionError(contains)


def test_accepted_suggestions_are_counted_by_coder_and_model(project):
    turn = participant_turn(project, "competing priorities")
    s = next(x for x in project.suggest_turn(turn.id) if x.code_id == "inner.priority")
    project.accept_suggestion(s.id)
    other = participant_turn(project, "culture of learning")
    project.add_coding(other.document_id, other.start, other.end, "inner.culture")
    found = ai_assistance(project.store)
    assert (found.total, found.accepted, found.by_coder, found.rule_codings) == (2, 1, (("alex", 1),), 0)
    assert found.used and found.all_by_person
    (model,) = found.models
    assert (model.model, model.version, model.codings) == (s.model, s.model_version, 1)
    assert model.label.startswith("tfidf-logistic + codebook-keywords (blank:en), evalbench ")
    assert "spacy" in model.label and "rules" not in model.label
    sentence = found.sentence
    assert sentence.startswith("1 of 2 codings (50%) began as code suggestions made offline by evalbench")
    assert "(alex 1)" in sentence and sentence.endswith("Every coding was made or accepted by a person.")
    # only the codings named, and only a coder's
    assert (
        ai_assistance(project.store, coding_ids=[c.id for c in project.codings() if c.origin == "manual"]).accepted == 0
    )
    assert ai_assistance(project.store, coders=["sam"]).total == 0


def test_rule_codings_mean_not_every_coding_was_made_by_a_person(project):
    turn = participant_turn(project, "culture of learning")
    project.add_coding(turn.document_id, turn.start, turn.end, "inner.culture", origin="rule")
    found = ai_assistance(project.store)
    assert not found.used and not found.all_by_person and found.rule_codings == 1
    assert "applied by keyword rules without review" in found.sentence


def test_agreement_disclosure_names_low_codes_and_prevalence(project):
    from tests.test_agreement_project import build_team

    build_team(project)
    report = project.agreement(["alex", "sam"])
    d = agreement_disclosure(report, {"inner.priority": "Relative Priority", "inner.culture": "Culture"})
    assert d.kappa == report.overall.kappa and d.ac1 == report.overall.ac1
    assert d.mean_kappa == report.overall.mean_kappa
    low = [c for c in report.codes if c.kappa is not None and c.kappa < 0.4]
    assert len(d.low_codes) == len(low) == report.overall.codes_below
    assert set(d.prevalence) == {"Relative Priority", "Culture"}
    assert "mean per-code κ" in d.sentence and "Gwet's AC1" in d.sentence
