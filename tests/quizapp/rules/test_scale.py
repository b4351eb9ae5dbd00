"""A scale question's pure rules: settings, statements, ratings, the per-statement statistics."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.rules import scale

LIKERT = {"min": 1, "max": 5, "low_label": "Strongly disagree", "high_label": "Strongly agree"}


def test_settings_and_their_defaults():
    settings = scale.clean_settings(LIKERT)
    assert settings.points == [1, 2, 3, 4, 5]
    assert settings.as_dict() == LIKERT
    assert scale.clean_settings({"min": 0, "max": 10.0}).points == list(range(11))
    assert scale.clean_settings(None).as_dict() == {"min": 1, "max": 5, "low_label": "", "high_label": ""}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ({"min": 1, "max": 7}, "scale_range"),
        ({"min": 0, "max": 5}, "scale_range"),
        ({"min": True, "max": 5}, "scale_range"),
        ({"min": "1", "max": "5"}, "scale_range"),
        ({"min": 1, "max": 5, "low_label": "x" * 41}, "scale_label"),
        ({"min": 1, "max": 5, "high_label": 5}, "scale_label"),
        ("1-5", "scale_settings"),
    ],
)
def test_bad_settings_are_refused_with_their_code(raw, code):
    with pytest.raises(scale.ScaleRefused) as refused:
        scale.clean_settings(raw)
    assert refused.value.code == code


def test_statements():
    assert scale.clean_statements([{"text": " AI  helps "}, "AI worries me"]) == ["AI helps", "AI worries me"]
    for raw, code in [
        ([], "scale_statements"),
        (["s"] * 9, "scale_statements"),
        ([f"s{i}" for i in range(9)], "scale_statements"),
        (["ok", "  "], "scale_statement_empty"),
        (["ok", 5], "scale_statement_empty"),
        (["x" * 201], "scale_statement_long"),
        (["AI helps", "ai  HELPS"], "scale_statement_twice"),
        ("AI helps", "scale_statements"),
    ]:
        with pytest.raises(scale.ScaleRefused) as refused:
            scale.clean_statements(raw)
        assert refused.value.code == code, raw


def test_ratings_one_whole_number_per_statement():
    settings = scale.clean_settings(LIKERT)
    assert scale.check_ratings(settings, 3, [1, 3.0, 5]) == [1, 3, 5]
    for bad, code in [
        ([1, 2], "scale_count"),
        ([1, 2, 3, 4], "scale_count"),
        ([1, 2, 6], "scale_value"),
        ([0, 2, 3], "scale_value"),
        ([1, 2, 3.5], "scale_value"),
        ([1, "2", 3], "scale_value"),
        ([1, True, 3], "scale_value"),
        ([1, None, 3], "scale_value"),
        ([1, float("nan"), 3], "scale_value"),
        ("1,2,3", "scale_ratings"),
        (None, "scale_ratings"),
    ]:
        with pytest.raises(scale.ScaleRefused) as refused:
            scale.check_ratings(settings, 3, bad)
        assert refused.value.code == code, bad


def test_aggregate_a_small_class():
    settings = scale.clean_settings(LIKERT)
    stats = scale.aggregate(settings, 2, [[5, 1], [4, 1], [3, 1], [4, 2.0], "bad", [9, 9, 9]])
    assert [s.n for s in stats] == [4, 4]
    assert stats[0].mean == 4
    assert stats[0].distribution == [0, 0, 1, 2, 1]
    assert stats[0].sd == pytest.approx(statistics.pstdev([5, 4, 3, 4]))
    assert stats[1].as_dict() == {"n": 4, "mean": 1.25, "sd": 0.43, "distribution": [3, 1, 0, 0, 0]}
    empty = scale.aggregate(settings, 1, [])[0]
    assert empty.as_dict() == {"n": 0, "mean": None, "sd": None, "distribution": [0, 0, 0, 0, 0]}


ranges = st.sampled_from(scale.RANGES)


@st.composite
def classes(draw):
    low, high = draw(ranges)
    statements = draw(st.integers(1, scale.MAX_STATEMENTS))
    answers = draw(st.lists(st.lists(st.integers(low, high), min_size=statements, max_size=statements), max_size=60))
    return scale.clean_settings({"min": low, "max": high}), statements, answers


@given(classes())
def test_every_answer_is_counted_and_the_mean_stays_on_the_scale(spec):
    settings, statements, answers = spec
    stats = scale.aggregate(settings, statements, answers)
    assert len(stats) == statements
    for index, one in enumerate(stats):
        assert one.n == len(answers)
        assert sum(one.distribution) == one.n
        assert len(one.distribution) == len(settings.points)
        if one.n:
            assert one.mean is not None
            assert one.sd is not None
            assert settings.minimum - 1e-9 <= one.mean <= settings.maximum + 1e-9
            assert 0 <= one.sd <= (settings.maximum - settings.minimum) / 2 + 1e-9
            column = [a[index] for a in answers]
            assert one.mean == pytest.approx(statistics.fmean(column))
            assert one.sd == pytest.approx(statistics.pstdev(column), abs=1e-9)
        else:
            assert one.mean is None
            assert one.sd is None


@given(classes(), st.randoms())
def test_the_order_of_answers_does_not_matter(spec, random):
    settings, statements, answers = spec
    shuffled = list(answers)
    random.shuffle(shuffled)
    before = [s.as_dict() for s in scale.aggregate(settings, statements, answers)]
    after = [s.as_dict() for s in scale.aggregate(settings, statements, shuffled)]
    assert before == after


@given(classes())
def test_every_valid_answer_passes_and_a_float_of_it_too(spec):
    settings, statements, answers = spec
    for ratings in answers[:5]:
        assert scale.check_ratings(settings, statements, ratings) == ratings
        assert scale.check_ratings(settings, statements, [float(r) for r in ratings]) == ratings
        assert all(math.isfinite(r) for r in ratings)
