"""Reliability statistics against published worked examples and their defining properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalbench.analysis.reliability import (
    alpha_from_coincidences,
    binary_tables,
    cohen_kappa,
    kappa_from_table,
    krippendorff_alpha,
    percent_agreement,
)

N = None
# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C:
# four observers, twelve units, values 1-5, missing data. Rows are units.
KRIPPENDORFF_C = [
    [1, 1, N, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 3],
    [3, 3, 3, 3],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [4, 4, 4, 4],
    [1, 1, 2, 1],
    [2, 2, 2, 2],
    [N, 5, 5, 5],
    [N, N, 1, 1],
    [N, 3, N, N],
]
# Same paper, section A: binary data, two observers, ten units.
KRIPPENDORFF_A = ([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0])


def test_krippendorff_nominal_example_with_missing_data():
    assert krippendorff_alpha(KRIPPENDORFF_C) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_binary_two_observer_example():
    a, b = KRIPPENDORFF_A
    assert krippendorff_alpha(list(zip(a, b))) == pytest.approx(0.095, abs=5e-4)


def test_cohen_1960_three_category_example():
    # Cohen (1960), Table 1: 200 items, proportions .44 .07 .09 / .05 .20 .05 / .01 .03 .06;
    # p_o = .70, p_c = .41, kappa = .49.
    table = np.array([[88, 14, 18], [10, 40, 10], [2, 6, 12]])
    assert float(kappa_from_table(table)) == pytest.approx(0.4915, abs=1e-4)
    a = [r for r in range(3) for c in range(3) for _ in range(table[r, c])]
    b = [c for r in range(3) for c in range(3) for _ in range(table[r, c])]
    assert cohen_kappa(a, b) == pytest.approx(0.4915, abs=1e-4)


def test_textbook_two_by_two_kappa():
    # 50 grant proposals: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> p_o .7, p_e .5, kappa .4
    assert float(kappa_from_table(np.array([[20, 5], [10, 15]]))) == pytest.approx(0.4)


def test_one_coder_never_applies_gives_kappa_zero_and_negative_alpha():
    a = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    b = [0] * 10
    assert cohen_kappa(a, b) == 0.0
    # alpha = (1 - k) / (2N - k) with k = 2 applications, N = 10 units
    assert krippendorff_alpha(list(zip(a, b))) == pytest.approx((1 - 2) / (20 - 2))


def test_no_variation_is_undefined_not_perfect():
    assert math.isnan(cohen_kappa([1, 1, 1], [1, 1, 1]))
    assert math.isnan(krippendorff_alpha([[0, 0], [0, 0]]))


def test_binary_tables_match_generic_computation():
    a, b = KRIPPENDORFF_A
    hist = np.array([sum(x + y == j for x, y in zip(a, b)) for j in range(3)])
    coinc, table = binary_tables(hist, np.array([sum(a), sum(b)]))
    assert float(alpha_from_coincidences(coinc)) == pytest.approx(krippendorff_alpha(list(zip(a, b))))
    assert float(kappa_from_table(table)) == pytest.approx(cohen_kappa(a, b))


binary_matrix = st.integers(2, 4).flatmap(
    lambda m: st.lists(st.lists(st.integers(0, 1), min_size=m, max_size=m), min_size=2, max_size=30)
)
nominal_pair = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=2, max_size=40)


@settings(max_examples=150, deadline=None)
@given(binary_matrix)
def test_vectorised_binary_path_equals_generic_alpha(rows):
    m = len(rows[0])
    data = np.array(rows)
    k = data.sum(axis=1)
    hist = np.array([(k == j).sum() for j in range(m + 1)])
    coinc, table = binary_tables(hist, data.sum(axis=0))
    expected = krippendorff_alpha(rows)
    got = float(alpha_from_coincidences(coinc))
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)
    if m == 2:
        expected_k = cohen_kappa(data[:, 0], data[:, 1])
        got_k = float(kappa_from_table(table))
        assert (math.isnan(got_k) and math.isnan(expected_k)) or got_k == pytest.approx(expected_k)


@settings(max_examples=150, deadline=None)
@given(nominal_pair)
def test_symmetry_in_coders(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    for f in (lambda x, y: cohen_kappa(x, y), lambda x, y: krippendorff_alpha(list(zip(x, y)))):
        one, other = f(a, b), f(b, a)
        assert (math.isnan(one) and math.isnan(other)) or one == pytest.approx(other)


@settings(max_examples=150, deadline=None)
@given(nominal_pair)
def test_bounds(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    kappa, alpha = cohen_kappa(a, b), krippendorff_alpha(list(zip(a, b)))
    assert math.isnan(kappa) or -1.0 - 1e-9 <= kappa <= 1.0 + 1e-9
    assert math.isnan(alpha) or alpha <= 1.0 + 1e-9
    assert 0.0 <= percent_agreement(list(zip(a, b))) <= 1.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=2, max_size=40), st.integers(2, 4))
def test_perfect_agreement_is_one_when_defined(values, m):
    rows = [[v] * m for v in values]
    assert percent_agreement(rows) == 1.0
    alpha = krippendorff_alpha(rows)
    if len(set(values)) > 1:
        assert alpha == pytest.approx(1.0)
        assert cohen_kappa(values, values) == pytest.approx(1.0)
    else:
        assert math.isnan(alpha)


@settings(max_examples=100, deadline=None)
@given(nominal_pair, st.randoms(use_true_random=False))
def test_permuting_units_changes_nothing(pairs, rnd):
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    for f in (lambda p: cohen_kappa([x for x, _ in p], [y for _, y in p]), krippendorff_alpha):
        one, other = f(pairs), f(shuffled)
        assert (math.isnan(one) and math.isnan(other)) or one == pytest.approx(other)
