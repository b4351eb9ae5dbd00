"""An ordering question's pure rules: items, the phones' shuffle, answers and partial credit."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.rules import ordering
from quizapp.rules.scoring import ScoringRules

FAST = settings(max_examples=80, deadline=None)
LECTURE = ["Collect data (A → B)", "Train a model", "Check it on new data", "Use it in the product"]

sizes = st.integers(min_value=ordering.MIN_ITEMS, max_value=ordering.MAX_ITEMS)
points = st.sampled_from([0, 1000, 2000]) | st.integers(min_value=0, max_value=5000)
limits = st.integers(min_value=1, max_value=240_000)
rules = st.builds(ScoringRules, speed_points=st.booleans(), streaks=st.booleans())


def test_the_lectures_items_and_shuffle():
    assert ordering.clean_items(LECTURE) == LECTURE
    assert ordering.clean_items([{"text": "  a  b ", "correct": False}, "c", "d"]) == ["a b", "c", "d"]
    shuffled = ordering.phone_order(4, seed=17)
    assert sorted(shuffled) == [0, 1, 2, 3]
    assert shuffled != [0, 1, 2, 3]
    assert ordering.phone_order(4, seed=17) == shuffled, "every phone and every reconnect: the same shuffle"


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ("a, b, c", "ordering_items"),
        (None, "ordering_items"),
        (["a", "b"], "ordering_count"),
        (["a", "b", "c", "d", "e", "f", "g"], "ordering_count"),
        (["a", " ", "c"], "ordering_blank"),
        (["a", None, "c"], "ordering_blank"),
        (["a", 3, "c"], "ordering_blank"),
        (["a", "B", "b "], "ordering_duplicate"),
        (["a", "x" * 121, "c"], "ordering_length"),
    ],
)
def test_bad_items_are_refused_with_their_code(items, code):
    with pytest.raises(ordering.OrderingRefused) as refused:
        ordering.clean_items(items)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "order",
    [None, "0,1,2", [0, 1], [0, 1, 2, 3], [0, 0, 1], [0, 1, 3], [-1, 0, 1], ["0", "1", "2"], [True, 0, 2], [0.0, 1, 2]],
)
def test_anything_but_a_permutation_of_the_ids_is_refused(order):
    with pytest.raises(ordering.OrderingRefused):
        ordering.check_order(order, 3)


@FAST
@given(sizes, st.integers())
def test_the_phones_shuffle_is_a_permutation_and_never_the_answer(count, seed):
    shuffled = ordering.phone_order(count, seed)
    assert sorted(shuffled) == list(range(count))
    assert shuffled != list(range(count))
    assert ordering.check_order(shuffled, count) == shuffled


@FAST
@given(sizes, points, st.data())
def test_the_exact_order_scores_full_and_any_other_less(count, stake, data):
    exact = list(range(count))
    other = data.draw(st.permutations(exact).filter(lambda p: p != exact))
    assert ordering.partial_points(exact, stake) == stake
    assert ordering.partial_points(other, stake) < max(stake, 1)
    assert ordering.partial_points(other, stake) * 2 < max(stake, 1), "partial credit is under half"
    no_speed = ScoringRules(speed_points=False)
    full = ordering.order_points(exact, points=stake, response_ms=0, time_limit_ms=20_000, rules=no_speed)
    assert full == stake


@FAST
@given(sizes, points, limits, rules, st.data())
def test_scores_are_monotone_in_correctness_never_negative_and_an_exact_order_always_wins(
    count, stake, limit, rule, data
):
    a = data.draw(st.permutations(range(count)))
    b = data.draw(st.permutations(range(count)))
    t = data.draw(st.integers(min_value=-1000, max_value=limit + 1000))
    score_a = ordering.order_points(a, points=stake, response_ms=t, time_limit_ms=limit, rules=rule)
    score_b = ordering.order_points(b, points=stake, response_ms=t, time_limit_ms=limit, rules=rule)
    assert score_a >= 0
    assert score_b >= 0
    assert score_a <= stake
    if ordering.in_place(a) >= ordering.in_place(b):
        assert score_a >= score_b
    # an exact order at the very limit still beats (or ties at 0) any other order at once
    slowest_exact = ordering.order_points(
        list(range(count)), points=stake, response_ms=limit, time_limit_ms=limit, rules=rule
    )
    if a != list(range(count)):
        fastest = ordering.order_points(a, points=stake, response_ms=0, time_limit_ms=limit, rules=rule)
        assert fastest < slowest_exact or stake == 0


def test_partial_credit_for_the_items_in_place():
    # 4 items, 2 in place: 1000 × 2 / 8 = 250 before speed
    assert ordering.in_place([0, 1, 3, 2]) == 2
    assert ordering.partial_points([0, 1, 3, 2], 1000) == 250
    assert ordering.partial_points([1, 0, 3, 2], 1000) == 0
    assert (
        ordering.order_points([0, 1, 3, 2], points=1000, response_ms=20_000, time_limit_ms=20_000, rules=ScoringRules())
        == 125
    )


def test_tally_and_per_position_counts():
    rows = [([0, 1, 2], 3), ([0, 2, 1], 2), ([1, 2, 0], 1)]
    assert ordering.tally(rows).as_dict() == {"exact": 3, "partial": 2, "wrong": 1}
    assert ordering.position_counts(rows, 3) == [5, 3, 3]


def test_every_permutation_of_four_is_scored_by_its_items_in_place():
    for order in itertools.permutations(range(4)):
        k = ordering.in_place(order)
        assert ordering.partial_points(order, 1000) == (1000 if k == 4 else 1000 * k // 8)
