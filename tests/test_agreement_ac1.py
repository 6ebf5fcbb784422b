"""Gwet's AC1 against a published worked example and a reference implementation, and the figures that sit
beside pooled kappa so that it cannot mislead: mean per-code kappa, codes below 0.4, prevalence, negative alpha."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalbench.analysis.reliability import ac1_from_hist, gwet_ac1
from evalbench.team.report_files import fmt
from tests.test_agreement_stats import KRIPPENDORFF_C


def test_ac1_of_krippendorffs_twelve_units_as_gwet_analyses_them():
    # Gwet's Handbook of Inter-Rater Reliability (and his irrCAC package) analyse Krippendorff's
    # 4-rater, 12-unit data: p_a = 0.8182 (9 of the 11 units rated twice or more, by pairs),
    # p_e = 0.1903 (5 categories), AC1 = 0.7754.
    assert gwet_ac1(KRIPPENDORFF_C) == pytest.approx(0.77544, abs=5e-5)


# (both applied, only A, only B, neither) -> AC1 computed with the irrCAC reference implementation
# (Python package irrCAC 0.4, CAC(...).gwet()), independently of this code.
REFERENCE_2X2 = {(118, 5, 2, 0): 0.94078, (40, 9, 6, 45): 0.70075, (3, 0, 0, 97): 1.0, (0, 4, 0, 96): 0.95837}


@pytest.mark.parametrize("cells,expected", REFERENCE_2X2.items())
def test_two_coder_ac1_equals_the_reference_implementation(cells, expected):
    both, only_a, only_b, neither = cells
    hist = [neither, only_a + only_b, both]
    assert float(ac1_from_hist(hist)) == pytest.approx(expected, abs=5e-5)
    rows = [(1, 1)] * both + [(1, 0)] * only_a + [(0, 1)] * only_b + [(0, 0)] * neither
    assert gwet_ac1(rows) == pytest.approx(expected, abs=5e-5)


def test_three_coder_ac1_equals_the_reference_implementation():
    # 5 units all three applied, 3 units two, 4 units one, 38 none: irrCAC gives 0.87077.
    assert float(ac1_from_hist([38, 4, 3, 5])) == pytest.approx(0.87077, abs=5e-5)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=3, max_size=3), min_size=1, max_size=30))
def test_binary_path_equals_the_general_formula(rows):
    hist = [0, 0, 0, 0]
    for r in rows:
        hist[sum(r)] += 1
    general = gwet_ac1([[int(v) for v in r] for r in rows])
    fast = float(ac1_from_hist(hist))
    if general != general:  # NaN: one category only
        assert fast == 1.0 or fast != fast
    else:
        assert fast == pytest.approx(general, abs=1e-9)


def test_small_negative_values_are_shown_negative_not_zero():
    assert fmt(-0.0043) == "-0.004"
    assert fmt(-0.0002) == "-0.0002"
    assert fmt(0.0) == "0.00" and fmt(0.123) == "0.12" and fmt(None) == "—"


def test_mean_per_code_kappa_does_not_rise_with_a_code_applied_everywhere(project):
    """Pooled kappa is lifted by a code both coders put on every turn; the mean per-code kappa is not."""
    from evalbench.model import Code
    from tests.test_agreement_project import build_team

    build_team(project)
    report = project.agreement(["alex", "sam"])
    before = report.overall
    compared = {project.document(name, with_text=False).id for name in report.documents}
    project.add_codes([Code("everywhere", "Everything")])
    for coder in ("alex", "sam"):
        for turn in [t for t in project.turns() if t.role == "participant" and t.document_id in compared]:
            project.add_coding(turn.document_id, turn.start, turn.end, "everywhere", coder=coder)
    after = project.agreement(["alex", "sam"]).overall
    assert after.kappa > before.kappa  # pooled kappa flatters
    assert after.mean_kappa == pytest.approx(before.mean_kappa)  # the new code's kappa is undefined: not counted
    assert after.codes_rated == before.codes_rated
    assert before.codes_below == sum(
        1 for c in project.agreement(["alex", "sam"]).codes if c.kappa is not None and c.kappa < 0.4
    )
