"""Agreement on a real project file: units, document and role rules, unused codes, disagreements."""

from __future__ import annotations

import pytest

from evalbench.analysis.reliability import cohen_kappa, krippendorff_alpha
from evalbench.errors import UserError
from tests.conftest import make_parsed

ROLES = {
    "Interviewer": ("interviewer", "label"),
    "Dr Patel": ("participant", "default"),
    "Ana": ("participant", "default"),
}


def turn(project, doc_name, seq):
    doc = project.document(doc_name, with_text=False)
    return next(t for t in project.turns(doc.id) if t.seq == seq)


def code_part(project, doc_name, seq, code, coder, *, head=None):
    """Code the first ``head`` characters of a turn (the whole turn if None)."""
    t = turn(project, doc_name, seq)
    end = t.end if head is None else t.start + head
    project.add_coding(t.document_id, t.start, end, code, coder=coder)


@pytest.fixture
def team(project):
    return build_team(project)


def build_team(project):
    """p01 and p03 coded by alex and sam; p02 only by alex."""
    project.add_document(
        make_parsed(
            "p03.txt",
            [
                ("Interviewer", "First question?"),
                ("Ana", "We never had time for reviews."),
                ("Interviewer", "Second?"),
                ("Ana", "Leadership kept cancelling the huddles."),
                ("Interviewer", "Third?"),
                ("Ana", "Our unit likes to learn from mistakes."),
                ("Interviewer", "Fourth?"),
                ("Ana", "The safety culture is strong here."),
                ("Interviewer", "Fifth?"),
                ("Ana", "Staff feel safe reporting errors now."),
                ("Interviewer", "Sixth?"),
                ("Ana", "Mostly it is about priorities and budgets."),
            ],
        ),
        ROLES,
    )
    pri, cul = "inner.priority", "inner.culture"
    # unit order: p01 turns 2, 4; p03 turns 2, 4, 6, 8, 10, 12
    for doc, seq in [("p01.txt", 2), ("p03.txt", 2), ("p03.txt", 4), ("p03.txt", 6)]:
        code_part(project, doc, seq, pri, "alex", head=5)
    for doc, seq in [("p01.txt", 2), ("p03.txt", 2), ("p03.txt", 4), ("p03.txt", 8)]:
        code_part(project, doc, seq, pri, "sam")
    for doc, seq in [("p01.txt", 4), ("p03.txt", 10)]:
        code_part(project, doc, seq, cul, "alex")
    for doc, seq in [("p01.txt", 4), ("p03.txt", 10), ("p03.txt", 12)]:
        code_part(project, doc, seq, cul, "sam", head=8)
    code_part(project, "p03.txt", 1, pri, "alex")  # an interviewer turn
    code_part(project, "p02.txt", 2, cul, "alex")  # p02 is not coded by sam
    return project


ALEX = {"inner.priority": [1, 0, 1, 1, 1, 0, 0, 0], "inner.culture": [0, 1, 0, 0, 0, 0, 1, 0]}
SAM = {"inner.priority": [1, 0, 1, 1, 0, 1, 0, 0], "inner.culture": [0, 1, 0, 0, 0, 0, 1, 1]}


def test_turn_agreement_matches_hand_built_decisions(team):
    report = team.agreement(["alex", "sam"])
    assert report.documents == ("p01.txt", "p03.txt")
    for code in ALEX:
        a, b = ALEX[code], SAM[code]
        row = report.code(code)
        assert row.n_units == 8
        assert row.percent == pytest.approx(100 * sum(x == y for x, y in zip(a, b)) / 8)
        assert row.kappa == pytest.approx(cohen_kappa(a, b))
        assert row.alpha == pytest.approx(krippendorff_alpha(list(zip(a, b))))
        assert row.n_applied == {"alex": sum(a), "sam": sum(b)}
        assert row.n_disagreements == sum(x != y for x, y in zip(a, b))
    a = ALEX["inner.priority"] + ALEX["inner.culture"]
    b = SAM["inner.priority"] + SAM["inner.culture"]
    assert report.overall.n_units == 16
    assert report.overall.kappa == pytest.approx(cohen_kappa(a, b))
    assert report.overall.alpha == pytest.approx(krippendorff_alpha(list(zip(a, b))))
    assert report.overall.percent == pytest.approx(100 * 13 / 16)  # 3 disagreements


def test_unused_code_has_no_statistic(team):
    row = team.agreement(["alex", "sam"]).code("inner")
    assert (row.n_units, row.percent, row.kappa, row.alpha) == (0, None, None, None)
    assert row.n_applied == {"alex": 0, "sam": 0}


def test_code_one_coder_never_used_has_kappa_zero(team):
    team.add_coding(turn(team, "p03.txt", 2).document_id, *_span(team, "p03.txt", 2), "inner", coder="alex")
    row = team.agreement(["alex", "sam"]).code("inner")
    assert row.n_units == 8 and row.kappa == 0.0
    assert row.alpha == pytest.approx((1 - 1) / (16 - 1))  # (1 - k) / (2N - k) with k = 1
    assert row.percent == pytest.approx(100 * 7 / 8)


def _span(project, doc, seq):
    t = turn(project, doc, seq)
    return t.start, t.end


def test_interviewer_turns_only_when_asked(team):
    default = team.agreement(["alex", "sam"]).code("inner.priority")
    both = team.agreement(["alex", "sam"], include_interviewer=True).code("inner.priority")
    assert default.n_units == 8
    assert both.n_units == 16  # p01 has 2 interviewer turns, p03 has 6
    assert both.n_disagreements == default.n_disagreements + 1


def test_three_coders_have_alpha_but_no_kappa(team):
    code_part(team, "p01.txt", 2, "inner.priority", "kim")
    code_part(team, "p03.txt", 2, "inner.priority", "kim")
    report = team.agreement(["alex", "sam", "kim"])
    assert report.overall.kappa is None and report.code("inner.priority").kappa is None
    # kim coded p01 and p03 too; turns where all three agree: p01/2, p03/2 yes; p03/4 alex+sam only
    row = report.code("inner.priority")
    kim = [1, 0, 1, 0, 0, 0, 0, 0]
    data = list(zip(ALEX["inner.priority"], SAM["inner.priority"], kim))
    assert row.alpha == pytest.approx(krippendorff_alpha(data))
    assert row.percent == pytest.approx(100 * sum(len(set(u)) == 1 for u in data) / 8)


def test_char_unit_matches_character_by_character_count(team):
    report = team.agreement(["alex", "sam"], unit="char")
    docs = [team.document(n) for n in ("p01.txt", "p03.txt")]
    chars = [(d, t) for d in docs for t in team.turns(d.id) if t.role == "participant"]
    positions = [(d.id, i) for d, t in chars for i in range(t.start, t.end)]
    for code in ("inner.priority", "inner.culture"):
        spans = {
            c: [(x.document_id, x.start, x.end) for x in team.codings(coder=c, code_id=code)] for c in ("alex", "sam")
        }
        vec = {c: [int(any(d == doc and s <= i < e for doc, s, e in spans[c])) for d, i in positions] for c in spans}
        row = report.code(code)
        assert row.n_units == len(positions)
        assert row.n_applied == {c: sum(v) for c, v in vec.items()}
        assert row.kappa == pytest.approx(cohen_kappa(vec["alex"], vec["sam"]))
        assert row.alpha == pytest.approx(krippendorff_alpha(list(zip(vec["alex"], vec["sam"]))))


def test_disagreements_name_unit_code_coders_and_text(team):
    found = team.disagreements(["alex", "sam"], code="inner.priority")
    assert [(d.document, d.turn) for d in found] == [("p03.txt", 6), ("p03.txt", 8)]
    first = found[0]
    assert first.applied_by == ("alex",) and first.not_applied_by == ("sam",)
    assert first.text == "Our unit likes to learn from mistakes."
    everything = team.disagreements(["alex", "sam"])
    assert {d.code for d in everything} == {"inner.priority", "inner.culture"}
    assert len(everything) == 3


def test_char_disagreements_are_runs_inside_turns(team):
    found = team.disagreements(["alex", "sam"], code="inner.priority", unit="char")
    # p01/2 and p03/2: alex coded the first 5 characters, sam the whole turn
    tails = [d for d in found if d.applied_by == ("sam",) and d.turn in (2, 4)]
    assert tails and all(len(d.text) == len(team.document_text(d.document_id)[d.start : d.end]) for d in tails)
    t = turn(team, "p03.txt", 2)
    assert any(d.document == "p03.txt" and (d.start, d.end) == (t.start + 5, t.end) for d in tails)


def test_bad_requests_are_one_line_user_errors(team):
    with pytest.raises(UserError, match="no coder 'nobody'"):
        team.agreement(["alex", "nobody"])
    with pytest.raises(UserError, match="at least two"):
        team.agreement(["alex"])
    with pytest.raises(UserError, match="unit must be"):
        team.agreement(["alex", "sam"], unit="word")


def test_no_shared_documents_reports_nothing(project):
    code_part(project, "p01.txt", 2, "inner.priority", "alex")
    code_part(project, "p02.txt", 2, "inner.priority", "sam")
    report = project.agreement(["alex", "sam"])
    assert report.documents == () and report.overall.n_units == 0
    assert report.overall.alpha is None and all(c.n_units == 0 for c in report.codes)


def test_worst_first_puts_unused_codes_last(team):
    order = [c.code for c in team.agreement(["alex", "sam"]).worst_first()]
    assert order[-1] == "inner"


def test_coders_may_be_one_comma_separated_string(team):
    assert team.agreement("alex, sam").to_json() == team.agreement(("alex", "sam")).to_json()
