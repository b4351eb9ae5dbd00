"""Scoring rules: speed points, streaks, polls and the leaderboard (no database)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.rules.scoring import (
    AnswerOutcome,
    ScoringRules,
    answer_points,
    leaderboard,
    score_sequence,
    streak_bonus,
)

FAST = settings(max_examples=60, deadline=None)
DEFAULT = ScoringRules()

question_points = st.sampled_from([0, 1000, 2000]) | st.integers(min_value=0, max_value=5000)
time_limits = st.integers(min_value=1, max_value=240_000)
rules_strategy = st.builds(
    ScoringRules,
    speed_points=st.booleans(),
    streaks=st.booleans(),
    streak_step=st.integers(min_value=0, max_value=300),
    streak_cap=st.integers(min_value=0, max_value=1000),
)
outcomes = st.builds(
    AnswerOutcome,
    points=question_points,
    time_limit_ms=time_limits,
    answered=st.booleans(),
    correct=st.booleans(),
    response_ms=st.integers(min_value=-5_000, max_value=300_000),
    poll=st.booleans(),
)


def points(*, correct=True, pts=1000, ms=0, limit=20_000, rules=DEFAULT):
    return answer_points(correct=correct, points=pts, response_ms=ms, time_limit_ms=limit, rules=rules)


@pytest.mark.parametrize(
    ("pts", "ms", "expected"),
    [
        (1000, 0, 1000),
        (1000, 5_000, 875),
        (1000, 10_000, 750),
        (1000, 20_000, 500),
        (2000, 10_000, 1500),
        (2000, 20_000, 1000),
        (1001, 20_000, 501),  # 500.5 rounds half up
        (0, 0, 0),
    ],
)
def test_documented_examples(pts, ms, expected):
    assert points(pts=pts, ms=ms) == expected


def test_wrong_answer_scores_nothing():
    assert points(correct=False, ms=0) == 0


def test_response_time_is_clamped():
    assert points(ms=-3_000) == 1000
    assert points(ms=90_000) == 500


def test_untimed_question_gives_full_points():
    assert points(ms=12_345, limit=0) == 1000


def test_negative_points_are_refused():
    with pytest.raises(ValueError, match="negative"):
        points(pts=-1)


def test_speed_points_switched_off():
    rules = ScoringRules(speed_points=False)
    assert points(ms=19_999, rules=rules) == 1000
    assert points(correct=False, rules=rules) == 0


@FAST
@given(pts=question_points, limit=time_limits, ms=st.integers(-10_000, 300_000), correct=st.booleans())
def test_points_are_bounded(pts, limit, ms, correct):
    earned = points(correct=correct, pts=pts, ms=ms, limit=limit)
    assert 0 <= earned <= pts
    if correct and pts:
        assert earned >= pts // 2  # a correct answer always earns at least half


@FAST
@given(pts=question_points, limit=time_limits, a=st.integers(-1_000, 300_000), b=st.integers(-1_000, 300_000))
def test_points_never_increase_with_response_time(pts, limit, a, b):
    fast, slow = min(a, b), max(a, b)
    assert points(pts=pts, ms=fast, limit=limit) >= points(pts=pts, ms=slow, limit=limit)


@FAST
@given(pts=question_points, limit=time_limits)
def test_full_points_at_zero_and_half_at_the_limit(pts, limit):
    assert points(pts=pts, ms=0, limit=limit) == pts
    assert points(pts=pts, ms=limit, limit=limit) == (pts + 1) // 2  # exactly half, odd halves round up


@pytest.mark.parametrize(
    ("streak_before", "expected"),
    [(0, (0, 1)), (1, (100, 2)), (2, (200, 3)), (4, (400, 5)), (5, (500, 6)), (6, (500, 7)), (40, (500, 41))],
)
def test_streak_bonus_steps_and_cap(streak_before, expected):
    assert streak_bonus(streak_before, True, DEFAULT) == expected


def test_wrong_answer_resets_streak():
    assert streak_bonus(7, False, DEFAULT) == (0, 0)


def test_streaks_switched_off_still_count_but_pay_nothing():
    assert streak_bonus(3, True, ScoringRules(streaks=False)) == (0, 4)


def test_sequence_example():
    q = {"points": 1000, "time_limit_ms": 20_000}
    answers = [
        AnswerOutcome(**q, correct=True, response_ms=0),  # 1000, streak 1
        AnswerOutcome(**q, correct=True, response_ms=10_000),  # 750 + 100, streak 2
        AnswerOutcome(poll=True, answered=False),  # poll: nothing, streak kept
        AnswerOutcome(points=0, time_limit_ms=20_000, correct=False),  # no-points question: streak kept
        AnswerOutcome(points=2000, time_limit_ms=20_000, correct=True, response_ms=20_000),  # 1000 + 200
        AnswerOutcome(**q, answered=False, correct=True),  # missing: 0, streak reset
        AnswerOutcome(**q, correct=True, response_ms=0),  # 1000, streak 1
    ]
    scored = score_sequence(answers, DEFAULT)
    assert [(s.base, s.streak_bonus, s.streak) for s in scored] == [
        (1000, 0, 1),
        (750, 100, 2),
        (0, 0, 2),
        (0, 0, 2),
        (1000, 200, 3),
        (0, 0, 0),
        (1000, 0, 1),
    ]
    assert [s.running_total for s in scored] == [1000, 1850, 1850, 1850, 3050, 3050, 4050]
    assert scored[4].points == 1200


@FAST
@given(answers=st.lists(outcomes, max_size=25), rules=rules_strategy)
def test_sequence_properties(answers, rules):
    scored = score_sequence(answers, rules)
    assert len(scored) == len(answers)
    streak = 0
    total = 0
    for answer, result in zip(answers, scored, strict=True):
        assert result.base >= 0
        assert result.streak_bonus >= 0
        assert result.points <= answer.points + rules.streak_cap
        if answer.poll or answer.points == 0:
            assert result.points == 0
            assert result.streak == streak  # neither builds nor breaks
        elif answer.answered and answer.correct:
            assert result.streak == streak + 1
            assert result.base > 0
        else:
            assert result.streak == 0  # reset exactly on a wrong or missing answer
            assert result.points == 0
        if not rules.streaks:
            assert result.streak_bonus == 0
        if not rules.speed_points:
            assert result.base in (0, answer.points)
        streak = result.streak
        total += result.points
        assert result.running_total == total


@FAST
@given(answers=st.lists(outcomes, max_size=25))
def test_switching_features_off_never_raises_a_score(answers):
    """Speed points only ever take away, streaks only ever add."""
    full = score_sequence(answers, DEFAULT)
    no_speed = score_sequence(answers, ScoringRules(speed_points=False))
    no_streak = score_sequence(answers, ScoringRules(streaks=False))
    for a, b, c in zip(full, no_speed, no_streak, strict=True):
        assert a.base <= b.base
        assert c.points <= a.points
        assert c.streak == a.streak


def test_leaderboard_competition_ranking():
    rows = leaderboard({"ann": 900, "bo": 1200, "cy": 1200, "di": 300})
    assert [(r.key, r.rank, r.score) for r in rows] == [
        ("bo", 1, 1200),
        ("cy", 1, 1200),
        ("ann", 3, 900),
        ("di", 4, 300),
    ]
    assert all(r.previous_rank is None and r.rank_change is None for r in rows)
    assert [r.score_change for r in rows] == [1200, 1200, 900, 300]


def test_leaderboard_changes():
    previous = {"ann": 900, "bo": 400, "cy": 400, "gone": 100}
    rows = {r.key: r for r in leaderboard({"ann": 1000, "bo": 1500, "cy": 400, "new": 800}, previous)}
    assert rows["bo"].rank == 1
    assert rows["bo"].previous_rank == 2
    assert rows["bo"].rank_change == 1
    assert rows["bo"].score_change == 1100
    assert (rows["ann"].rank, rows["ann"].rank_change) == (2, -1)
    assert (rows["cy"].rank, rows["cy"].previous_rank, rows["cy"].rank_change) == (4, 2, -2)
    assert (rows["new"].previous_rank, rows["new"].rank_change, rows["new"].score_change) == (None, None, 800)
    assert "gone" not in rows


def test_previous_rank_is_the_rank_that_was_shown():
    """Someone who left still held their place on the previous board."""
    rows = leaderboard({"bo": 10}, {"gone": 50, "bo": 10})
    assert (rows[0].previous_rank, rows[0].rank, rows[0].rank_change) == (2, 1, 1)


@FAST
@given(st.dictionaries(st.text(max_size=3), st.integers(0, 5), max_size=12))
def test_leaderboard_ranks_are_competition_ranks(totals):
    rows = leaderboard(totals)
    assert [r.score for r in rows] == sorted(totals.values(), reverse=True)
    for row in rows:
        assert row.rank == 1 + sum(1 for score in totals.values() if score > row.score)
