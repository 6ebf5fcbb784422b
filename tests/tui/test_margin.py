"""Coding stripes laid out: lanes that keep their place, one name a row, yours first, the rest counted."""

from __future__ import annotations

from evalbench.tui.widgets.code_margin import Stripe, assign_lanes, row_codes

ORDER = {"a": 0, "b": 1, "c": 2}
A, B, C, THEIRS = ("a", True), ("b", True), ("c", True), ("a", False)


def test_a_stripe_keeps_its_lane_and_stripes_starting_together_are_named_one_a_row():
    rows = assign_lanes([[], [B, A], [A, B], [B], [B, C], []], lanes=2, order=ORDER)
    assert [r.lanes for r in rows] == [
        (None, None),
        (Stripe(*A), Stripe(*B)),
        (Stripe(*A), Stripe(*B)),
        (None, Stripe(*B)),
        (Stripe(*C), Stripe(*B)),
        (None, None),
    ]
    assert [r.labels for r in rows] == [(), (Stripe(*A),), (Stripe(*B),), (), (Stripe(*C),), ()]
    wide = assign_lanes([[A, B], [A, B]], lanes=2, order=ORDER, names={"a": "Alpha", "b": "Beta"}, room=12)
    assert [r.labels for r in wide] == [(Stripe(*A), Stripe(*B)), ()]  # both names fit on the row they start


def test_yours_come_first_and_what_does_not_fit_is_counted():
    rows = assign_lanes([[THEIRS, A, B, C]], lanes=2, order=ORDER)
    assert rows[0].lanes == (Stripe(*A), Stripe(*B)) and rows[0].hidden == 2


def test_a_row_takes_the_codes_covering_its_columns():
    line_codes = {3: [(0, 10, "a", True), (12, 30, "b", True), (40, 50, "c", False)]}
    assert row_codes(line_codes, 3, 0, 20) == [("a", True), ("b", True)]
    assert row_codes(line_codes, 3, 20, 40) == [("b", True)]
    assert row_codes(line_codes, 4, 0, 20) == []
