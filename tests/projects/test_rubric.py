"""The canvas rubric (projects/rubric.py): scores, weights, aggregation, quadrants, reasons,
recommendations and data evidence, with unit and property tests (no database, no Django)."""

import math
from statistics import fmean, pstdev

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from projects import rubric
from projects.rubric import (
    AXES,
    CRITERIA,
    CRITERIA_BY_KEY,
    FEASIBILITY,
    VALUE,
    DataEvidence,
    IdeaFacts,
    RubricError,
    axis_score,
    clean_scores,
    clean_weights,
    default_weights,
    enough_data_score,
    quadrant,
    rank_key,
    round_count,
    score_idea,
)

FAST = settings(max_examples=150, deadline=None)
KEYS = [c.key for c in CRITERIA]
FEASIBILITY_KEYS = [c.key for c in CRITERIA if c.axis == FEASIBILITY]
VALUE_KEYS = [c.key for c in CRITERIA if c.axis == VALUE]

score_values = st.integers(min_value=1, max_value=5)
full_scores = st.fixed_dictionaries(dict.fromkeys(KEYS, score_values))
partial_scores = st.dictionaries(st.sampled_from(KEYS), score_values, min_size=1)
weight_values = st.sampled_from([0.0, 0.5, 1.0, 2.0, 10.0]) | st.floats(min_value=0, max_value=10)


@st.composite
def weight_sets(draw):
    weights = {key: draw(weight_values) for key in KEYS}
    for axis_keys in (FEASIBILITY_KEYS, VALUE_KEYS):
        if not any(weights[k] > 0 for k in axis_keys):
            weights[draw(st.sampled_from(axis_keys))] = draw(st.floats(min_value=0.1, max_value=10))
    return weights


evidence_strategy = st.builds(
    DataEvidence,
    examples_on_hand=st.none() | st.integers(min_value=0, max_value=1_000_000),
    examples_needed=st.none() | st.floats(min_value=1, max_value=1e7),
    needed_low=st.none() | st.floats(min_value=1, max_value=1e7),
    needed_high=st.none() | st.floats(min_value=1, max_value=1e7),
    target_metric=st.floats(min_value=0.5, max_value=0.999),
    reachable=st.booleans(),
)


def neutral(**overrides):
    return dict.fromkeys(KEYS, 3) | overrides


# --------------------------------------------------------------------------- definitions


def test_every_criterion_has_a_known_axis_and_a_positive_default_weight():
    assert len(set(KEYS)) == len(KEYS)
    for c in CRITERIA:
        assert c.axis in AXES
        assert c.direction in (1, -1)
        assert 0 < c.default_weight <= rubric.MAX_WEIGHT
    assert {c.key for c in CRITERIA if c.direction < 0} == {"engineering_effort", "ethical_risk", "error_cost"}
    assert {c.key for c in CRITERIA if c.data_backed} == {"enough_data", "performance_reachable"}


def test_neutral_scores_give_fifty_and_extremes_give_zero_and_a_hundred():
    weights = default_weights()
    assert axis_score(neutral(), weights, FEASIBILITY) == pytest.approx(50)
    assert axis_score(neutral(), weights, VALUE) == pytest.approx(50)
    best = {c.key: 5 if c.direction > 0 else 1 for c in CRITERIA}
    worst = {c.key: 1 if c.direction > 0 else 5 for c in CRITERIA}
    for axis in AXES:
        assert axis_score(best, weights, axis) == pytest.approx(100)
        assert axis_score(worst, weights, axis) == pytest.approx(0)


def test_a_worked_example_matches_the_formula_in_the_docs():
    # Feasibility with default weights 2, 1.5, 2, 1.5, 1, 1 (sum 9):
    # one_second 5 -> 1, clear 4 -> .75, data 2 -> .25, perf 3 -> .5, effort 2 -> .75, risk 1 -> 1
    scores = {
        "one_second_task": 5,
        "clear_a_to_b": 4,
        "enough_data": 2,
        "performance_reachable": 3,
        "engineering_effort": 2,
        "ethical_risk": 1,
    }
    expected = 100 * (2 * 1 + 1.5 * 0.75 + 2 * 0.25 + 1.5 * 0.5 + 1 * 0.75 + 1 * 1) / 9
    assert axis_score(scores, default_weights(), FEASIBILITY) == pytest.approx(expected)
    assert axis_score(scores, default_weights(), VALUE) is None  # nothing scored on that axis


def test_skipped_criteria_are_left_out_not_counted_as_zero():
    weights = default_weights()
    assert axis_score({"one_second_task": 5}, weights, FEASIBILITY) == pytest.approx(100)
    assert clean_scores({"one_second_task": 4, "clear_a_to_b": None, "frequency": ""}) == {"one_second_task": 4}


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ({"nope": 3}, "unknown_criterion"),
        ({"one_second_task": 0}, "bad_score"),
        ({"one_second_task": 6}, "bad_score"),
        ({"one_second_task": 2.5}, "bad_score"),
        ({"one_second_task": "4"}, "bad_score"),
        ({"one_second_task": True}, "bad_score"),
        ({"one_second_task": float("nan")}, "bad_score"),
        ({}, "no_scores"),
        ({"one_second_task": None}, "no_scores"),
    ],
)
def test_bad_scores_are_refused_with_a_code(raw, code):
    with pytest.raises(RubricError) as caught:
        clean_scores(raw)
    assert caught.value.code == code


def test_whole_floats_are_accepted_as_scores():
    assert clean_scores({"frequency": 4.0}) == {"frequency": 4}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ({"nope": 1}, "unknown_criterion"),
        ({"frequency": -1}, "bad_weight"),
        ({"frequency": 10.5}, "bad_weight"),
        ({"frequency": "2"}, "bad_weight"),
        ({"frequency": float("inf")}, "bad_weight"),
        ({"frequency": False}, "bad_weight"),
        (dict.fromkeys(VALUE_KEYS, 0), "zero_weights"),
    ],
)
def test_bad_weights_are_refused_with_a_code(raw, code):
    with pytest.raises(RubricError) as caught:
        clean_weights(raw)
    assert caught.value.code == code


def test_missing_weights_get_their_defaults():
    weights = clean_weights({"frequency": 4})
    assert weights["frequency"] == 4.0
    assert weights["business_impact"] == CRITERIA_BY_KEY["business_impact"].default_weight
    assert clean_weights(None) == default_weights()


# --------------------------------------------------------------------------- properties of one evaluator


@FAST
@given(scores=partial_scores, weights=weight_sets())
def test_axis_scores_stay_between_0_and_100(scores, weights):
    for axis in AXES:
        value = axis_score(scores, weights, axis)
        assert value is None or 0 <= value <= 100


@FAST
@given(scores=full_scores, weights=weight_sets(), key=st.sampled_from(KEYS))
def test_raising_a_criterion_moves_its_axis_only_in_its_direction(scores, weights, key):
    assume(scores[key] < 5)
    criterion = CRITERIA_BY_KEY[key]
    before = axis_score(scores, weights, criterion.axis)
    after = axis_score({**scores, key: scores[key] + 1}, weights, criterion.axis)
    if criterion.direction > 0:
        assert after >= before - 1e-9  # effort, risk and error cost excepted: higher is better
    else:
        assert after <= before + 1e-9  # higher effort, risk or error cost never raises the score
    other = next(a for a in AXES if a != criterion.axis)
    assert axis_score({**scores, key: scores[key] + 1}, weights, other) == axis_score(scores, weights, other)


@FAST
@given(scores=full_scores, weights=weight_sets(), key=st.sampled_from(KEYS), new=score_values)
def test_a_criterion_with_zero_weight_has_no_influence(scores, weights, key, new):
    axis = CRITERIA_BY_KEY[key].axis
    weights = {**weights, key: 0.0}
    assume(any(weights[c.key] > 0 for c in CRITERIA if c.axis == axis))
    assert axis_score({**scores, key: new}, weights, axis) == pytest.approx(axis_score(scores, weights, axis))


@FAST
@given(scores=full_scores, weights=weight_sets(), key=st.sampled_from(KEYS))
def test_doubling_a_weight_moves_the_score_towards_that_criterion(scores, weights, key):
    criterion = CRITERIA_BY_KEY[key]
    assume(weights[key] > 0 and weights[key] * 2 <= rubric.MAX_WEIGHT)
    target = 100 * rubric.goodness(criterion, scores[key])
    before = axis_score(scores, weights, criterion.axis)
    after = axis_score(scores, {**weights, key: weights[key] * 2}, criterion.axis)
    assert abs(after - target) <= abs(before - target) + 1e-9
    # ...and on the same side of it: it never overshoots.
    assert (after - target) * (before - target) >= -1e-9


@FAST
@given(scores=full_scores, factor=st.floats(min_value=0.1, max_value=5))
def test_scaling_every_weight_changes_nothing(scores, factor):
    weights = default_weights()
    scaled = {k: min(rubric.MAX_WEIGHT, w * factor) for k, w in weights.items()}
    assume(all(w * factor <= rubric.MAX_WEIGHT for w in weights.values()))
    for axis in AXES:
        assert axis_score(scores, scaled, axis) == pytest.approx(axis_score(scores, weights, axis))


# --------------------------------------------------------------------------- many evaluators


@FAST
@given(evaluations=st.lists(full_scores, min_size=1, max_size=6), weights=weight_sets())
def test_aggregate_is_the_mean_and_population_spread_of_the_evaluators(evaluations, weights):
    result = score_idea(evaluations, weights=weights)
    for axis, stat in ((FEASIBILITY, result.feasibility), (VALUE, result.value)):
        each = [axis_score(e, weights, axis) for e in evaluations]
        assert stat.count == len(evaluations)
        assert stat.mean == pytest.approx(fmean(each))
        assert stat.spread == pytest.approx(pstdev(each), abs=1e-9)
        assert 0 <= stat.mean <= 100
    for key, stat in result.criteria.items():
        assert stat.mean == pytest.approx(fmean([e[key] for e in evaluations]))
        assert stat.spread == pytest.approx(pstdev([e[key] for e in evaluations]), abs=1e-9)
    assert result.quadrant == quadrant(result.feasibility.mean, result.value.mean)
    assert result.priority == pytest.approx(math.sqrt(result.feasibility.mean * result.value.mean))
    assert 0 <= result.effort <= 100


@FAST
@given(evaluations=st.lists(partial_scores, min_size=1, max_size=5), weights=weight_sets())
def test_partial_evaluations_stay_in_range_and_count_only_who_scored(evaluations, weights):
    result = score_idea(evaluations, weights=weights)
    for key, stat in result.criteria.items():
        assert stat.count == sum(1 for e in evaluations if key in e)
        assert 1 <= stat.mean <= 5
    for stat in (result.feasibility, result.value):
        assert stat is None or 0 <= stat.mean <= 100
    assert result.scored == (result.feasibility is not None and result.value is not None)


@FAST
@given(evaluations=st.lists(full_scores, min_size=1, max_size=4), key=st.sampled_from(KEYS))
def test_the_aggregate_is_monotone_in_each_criterion(evaluations, key):
    assume(evaluations[0][key] < 5)
    criterion = CRITERIA_BY_KEY[key]
    raised = [{**evaluations[0], key: evaluations[0][key] + 1}, *evaluations[1:]]
    before = getattr(score_idea(evaluations), criterion.axis).mean
    after = getattr(score_idea(raised), criterion.axis).mean
    assert (after - before) * criterion.direction >= -1e-9


def test_two_evaluators_thirty_points_apart_are_flagged():
    low = neutral(business_impact=1, pain_severity=1, frequency=2)
    high = neutral(business_impact=5, pain_severity=4, frequency=4)
    result = score_idea([low, high])
    assert result.value.spread >= rubric.AXIS_SPREAD_FLAG
    assert result.flagged
    assert VALUE in result.disagreements
    assert "business_impact" in result.disagreements
    assert result.recommendations[0].code == "discuss_disagreement"
    assert result.recommendations[0].params["topics"] == list(result.disagreements)


def test_one_criterion_three_apart_is_flagged_but_not_one_two_apart():
    assert score_idea([neutral(frequency=1), neutral(frequency=4)]).disagreements == ("frequency",)
    assert not score_idea([neutral(frequency=2), neutral(frequency=4)]).flagged


def test_a_disagreement_on_a_switched_off_criterion_is_not_flagged():
    weights = {"frequency": 0}
    assert not score_idea([neutral(frequency=1), neutral(frequency=5)], weights=weights).flagged


def test_one_evaluator_is_never_flagged_and_is_asked_for_a_second_opinion():
    result = score_idea([neutral(business_impact=1)])
    assert not result.flagged
    assert result.recommendations[-1].code == "ask_another_evaluator"


def test_an_idea_nobody_scored_has_no_place_and_ranks_last():
    result = score_idea([])
    assert (result.feasibility, result.value, result.quadrant, result.priority) == (None, None, None, None)
    assert not result.scored
    assert [r.code for r in result.recommendations] == ["score_it"]
    scored = score_idea([neutral(business_impact=1, one_second_task=1)])
    assert sorted([result, scored], key=rank_key) == [scored, result]


# --------------------------------------------------------------------------- quadrants and ranking


@pytest.mark.parametrize(
    ("f", "v", "expected"),
    [
        (80, 80, "do_now"),
        (50, 50, "do_now"),  # on the lines counts as high
        (49.9, 50, "invest"),
        (20, 90, "invest"),
        (90, 49.9, "quick_win"),
        (10, 10, "drop"),
    ],
)
def test_quadrants(f, v, expected):
    assert quadrant(f, v) == expected


def test_ranking_prefers_the_balanced_idea_over_a_lopsided_one():
    balanced = score_idea([neutral(one_second_task=5, business_impact=5)])
    lopsided = score_idea(
        [
            {
                **dict.fromkeys(FEASIBILITY_KEYS, 5),
                "engineering_effort": 1,
                "ethical_risk": 1,
                **dict.fromkeys(VALUE_KEYS, 1),
            }
        ]
    )
    assert lopsided.feasibility.mean == pytest.approx(100)
    assert balanced.priority > lopsided.priority
    assert sorted([lopsided, balanced], key=rank_key)[0] is balanced


# --------------------------------------------------------------------------- reasons and effort


def test_reasons_name_the_criteria_that_moved_the_score_most():
    result = score_idea([neutral(one_second_task=5, ethical_risk=5, frequency=4)])
    first, second, third = result.reasons
    assert first.criterion == "one_second_task"
    assert first.points > 0
    assert first.axis == FEASIBILITY
    # 2 / 9 of the axis, 50 points above neutral
    assert first.points == pytest.approx(2 / 9 * 50)
    assert second.criterion == "ethical_risk"
    assert second.points < 0
    assert third.criterion == "frequency"
    assert third.axis == VALUE


def test_neutral_criteria_are_no_reason():
    assert score_idea([neutral()]).reasons == ()


def test_effort_grows_with_engineering_effort_and_missing_data():
    easy = score_idea([neutral(engineering_effort=1, enough_data=5)]).effort
    hard = score_idea([neutral(engineering_effort=5, enough_data=1)]).effort
    assert easy == pytest.approx(0)
    assert hard == pytest.approx(100)
    assert score_idea([{"frequency": 3}]).effort is None


# --------------------------------------------------------------------------- recommendations


def codes(result):
    return [r.code for r in result.recommendations]


def test_a_job_not_a_task_is_scoped_down_to_the_task_named_on_the_canvas():
    result = score_idea(
        [neutral(one_second_task=1, clear_a_to_b=2)], facts=IdeaFacts(task_scope="  refund requests only ")
    )
    rec = next(r for r in result.recommendations if r.code == "scope_to_task")
    assert rec.params == {"task": "refund requests only"}


def test_an_uncertain_one_second_task_gets_a_one_second_test_unless_it_was_done():
    assert "run_one_second_test" in codes(score_idea([neutral()]))
    assert "run_one_second_test" not in codes(score_idea([neutral()], facts=IdeaFacts(one_second_test="yes")))
    assert "scope_to_task" in codes(score_idea([neutral()], facts=IdeaFacts(one_second_test="no")))
    assert "run_one_second_test" not in codes(score_idea([neutral(one_second_task=5)]))


def test_risk_error_cost_and_thin_data_get_their_advice():
    result = score_idea([neutral(ethical_risk=5, error_cost=4, enough_data=2)])
    assert {"review_risks", "keep_human_in_loop", "measure_data_need"} <= set(codes(result))


@pytest.mark.parametrize(
    ("scores", "advice"),
    [
        (neutral(one_second_task=5, business_impact=5), "start_pilot"),
        (neutral(one_second_task=1, enough_data=1, business_impact=5), "invest_in_data"),
        (neutral(one_second_task=5, business_impact=1), "quick_win"),
        (neutral(one_second_task=1, business_impact=1), "park_it"),
    ],
)
def test_each_quadrant_gets_its_next_step(scores, advice):
    assert advice in codes(score_idea([scores]))


# --------------------------------------------------------------------------- data evidence


def evidence(**kw):
    base = {
        "examples_on_hand": 500,
        "examples_needed": 4000.0,
        "needed_low": 3000.0,
        "needed_high": 6000.0,
        "target_metric": 0.9,
        "reachable": True,
    }
    return DataEvidence(**(base | kw))


@pytest.mark.parametrize(
    ("on_hand", "needed", "expected"),
    [(0, 100, 1), (10, 100, 1), (1, 100, 1), (100, 100, 5), (500, 100, 5), (10**-0.5 * 100, 100, 3), (5, 0, 5)],
)
def test_enough_data_from_the_measured_ratio(on_hand, needed, expected):
    assert enough_data_score(on_hand, needed) == pytest.approx(expected)


@FAST
@given(on_hand=st.integers(0, 10**6), more=st.integers(0, 10**6), needed=st.floats(1, 1e7))
def test_more_data_on_hand_never_lowers_the_data_score(on_hand, more, needed):
    assert enough_data_score(on_hand + more, needed) >= enough_data_score(on_hand, needed) - 1e-12
    assert 1 <= enough_data_score(on_hand, needed) <= 5


def test_evidence_replaces_what_evaluators_said_about_the_data():
    optimist = neutral(enough_data=5, performance_reachable=5)
    pessimist = neutral(enough_data=1, performance_reachable=1)
    measured = evidence(examples_on_hand=4000)  # everything needed is on hand
    a, b = score_idea([optimist], evidence=measured), score_idea([pessimist], evidence=measured)
    assert a.feasibility.mean == pytest.approx(b.feasibility.mean)
    assert a.data_backed
    assert b.data_backed
    assert a.criteria["enough_data"].mean == 5
    assert a.criteria["performance_reachable"].mean == 5
    assert not score_idea([optimist]).data_backed


def test_an_unreachable_target_scores_the_data_criteria_lowest_and_says_rethink():
    result = score_idea([neutral(enough_data=5, performance_reachable=5)], evidence=evidence(reachable=False))
    assert result.criteria["enough_data"].mean == 1
    assert result.criteria["performance_reachable"].mean == 1
    rec = next(r for r in result.recommendations if r.code == "rethink_target")
    assert rec.params == {"target": 0.9}


def test_collect_about_n_examples_first_with_its_band_and_months():
    result = score_idea([neutral()], evidence=evidence(), facts=IdeaFacts(examples_per_month=700))
    rec = next(r for r in result.recommendations if r.code == "collect_examples")
    assert rec.params == {"count": 3500, "low": 2500, "high": 5500, "months": 5, "target": 0.9}
    assert "measure_data_need" not in codes(result)


def test_unknown_data_on_hand_leaves_enough_data_with_the_evaluators():
    result = score_idea([neutral(enough_data=4)], evidence=evidence(examples_on_hand=None))
    assert result.criteria["enough_data"].mean == 4
    assert result.criteria["performance_reachable"].mean == 5
    reason_keys = {r.criterion for r in result.reasons if r.data_backed}
    assert reason_keys <= {"performance_reachable"}


@FAST
@given(evaluations=st.lists(partial_scores, min_size=1, max_size=4), measured=evidence_strategy)
def test_with_evidence_scores_stay_in_range_and_ignore_the_evaluators_data_scores(evaluations, measured):
    result = score_idea(evaluations, evidence=measured)
    assert result.data_backed
    for key, value in rubric.evidence_scores(measured).items():
        assert result.criteria[key].mean == pytest.approx(value)
        assert result.criteria[key].spread == 0
    for stat in (result.feasibility, result.value):
        assert stat is None or 0 <= stat.mean <= 100


def test_evidence_without_evaluations_scores_nothing():
    result = score_idea([], evidence=evidence())
    assert not result.scored
    assert not result.data_backed


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 0), (0.4, 1), (7, 7), (4321, 4300), (3456.7, 3500), (98765, 99000)]
)
def test_counts_are_rounded_to_two_significant_figures(value, expected):
    assert round_count(value) == expected
