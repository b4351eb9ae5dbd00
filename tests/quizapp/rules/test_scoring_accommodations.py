"""Time accommodations (WCAG 2.2.1): own deadlines and speed points on one's own limit (no database)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.rules.scoring import (
    NO_TIME_LIMIT,
    TIME_FACTORS,
    AnswerOutcome,
    ScoringRules,
    answer_points,
    own_time_limit_ms,
    score_sequence,
    speed_time_limit_ms,
)

FAST = settings(max_examples=80, deadline=None)
DEFAULT = ScoringRules()
question_points = st.integers(min_value=0, max_value=5000)
time_limits = st.integers(min_value=1, max_value=240_000)
factors = st.sampled_from(TIME_FACTORS)
finite_factors = st.sampled_from([f for f in TIME_FACTORS if f != NO_TIME_LIMIT])


def own_points(*, pts: int, ms: int, limit: int, factor: int, correct: bool = True) -> int:
    return answer_points(
        correct=correct,
        points=pts,
        response_ms=ms,
        time_limit_ms=speed_time_limit_ms(limit, factor),
        rules=DEFAULT,
    )


def test_documented_examples():
    assert own_time_limit_ms(20_000, 1) == 20_000
    assert own_time_limit_ms(20_000, 2) == 40_000
    assert own_time_limit_ms(20_000, 10) == 200_000
    assert own_time_limit_ms(20_000, NO_TIME_LIMIT) is None
    # A x2 student answering in 20 s of a 20 s question scores what a classmate does in 10 s.
    assert own_points(pts=1000, ms=20_000, limit=20_000, factor=2) == 750
    assert own_points(pts=1000, ms=10_000, limit=20_000, factor=1) == 750
    # No limit: speed on the x10 limit, half points at its end or later, never below.
    assert own_points(pts=1000, ms=200_000, limit=20_000, factor=NO_TIME_LIMIT) == 500
    assert own_points(pts=1000, ms=900_000, limit=20_000, factor=NO_TIME_LIMIT) == 500


def test_untimed_question_stays_untimed():
    assert own_time_limit_ms(0, 10) is None
    assert speed_time_limit_ms(0, 2) == 0


@pytest.mark.parametrize("factor", [3, -1, 5])
def test_unknown_factor_is_refused(factor):
    with pytest.raises(ValueError, match="time factor"):
        own_time_limit_ms(20_000, factor)
    with pytest.raises(ValueError, match="time factor"):
        speed_time_limit_ms(20_000, factor)


@FAST
@given(pts=question_points, limit=time_limits, ms=st.integers(0, 240_000), factor=finite_factors)
def test_same_share_of_own_time_same_points(pts, limit, ms, factor):
    """Answering at ``factor`` times the time on a ``factor`` times longer limit scores the same."""
    assert own_points(pts=pts, ms=ms * factor, limit=limit, factor=factor) == own_points(
        pts=pts, ms=ms, limit=limit, factor=1
    )


@FAST
@given(pts=question_points, limit=time_limits, ms=st.integers(-1_000, 3_000_000), factor=factors)
def test_accommodation_never_costs_points(pts, limit, ms, factor):
    """At the same response time, more time never scores less, and never more than instant."""
    own = own_points(pts=pts, ms=ms, limit=limit, factor=factor)
    assert own >= own_points(pts=pts, ms=ms, limit=limit, factor=1)
    assert own <= pts
    assert own >= (pts + 1) // 2  # half (rounded up) at or past the limit: the floor for everyone


@FAST
@given(limit=time_limits, factor=factors, ms=st.integers(0, 3_000_000))
def test_own_deadline_is_at_least_the_class_one(limit, factor, ms):
    own = own_time_limit_ms(limit, factor)
    if own is None:
        assert factor == NO_TIME_LIMIT
    else:
        assert own >= limit
        assert own == limit * factor
        # accepted within one's own limit means accepted for every wider factor too
        if ms <= limit:
            assert ms <= own


@FAST
@given(
    pts=question_points,
    limit=time_limits,
    ms=st.integers(0, 240_000),
    factor=finite_factors,
    correct=st.booleans(),
)
def test_sequence_scores_on_own_limit(pts, limit, ms, factor, correct):
    slow = score_sequence(
        [AnswerOutcome(points=pts, time_limit_ms=limit, response_ms=ms * factor, correct=correct, time_factor=factor)],
        DEFAULT,
    )
    standard = score_sequence(
        [AnswerOutcome(points=pts, time_limit_ms=limit, response_ms=ms, correct=correct)], DEFAULT
    )
    assert slow == standard
