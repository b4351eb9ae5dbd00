"""Confidence calibration: Brier score, bins and verdicts (no database)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.rules.calibration import (
    Bin,
    Verdict,
    brier_score,
    calibration_bins,
    overconfidence,
    verdict,
)

FAST = settings(max_examples=60, deadline=None)

# Six answers, two at each confidence the UI offers.
EXAMPLE = [
    (1.0, True),  # (1.0 - 1)^2 = 0
    (1.0, False),  # (1.0 - 0)^2 = 1
    (0.75, True),  # 0.0625
    (0.75, True),  # 0.0625
    (0.5, False),  # 0.25
    (0.5, True),  # 0.25
]


def test_hand_computed_brier():
    # (0 + 1 + 0.0625 + 0.0625 + 0.25 + 0.25) / 6 = 1.625 / 6
    assert brier_score(EXAMPLE) == pytest.approx(1.625 / 6)
    assert brier_score(EXAMPLE) == pytest.approx(0.2708333333)


def test_hand_computed_bins():
    assert calibration_bins(EXAMPLE) == [
        Bin(low=0.5, high=0.625, count=2, mean_confidence=0.5, accuracy=0.5),
        Bin(low=0.625, high=0.875, count=2, mean_confidence=0.75, accuracy=1.0),
        Bin(low=0.875, high=1.0, count=2, mean_confidence=1.0, accuracy=0.5),
    ]
    gaps = [b.gap for b in calibration_bins(EXAMPLE)]
    assert gaps == [0.0, -0.25, 0.5]


def test_hand_computed_overconfidence_and_verdict():
    # mean confidence 4.5 / 6 = 0.75, accuracy 4 / 6
    assert overconfidence(EXAMPLE) == pytest.approx(0.75 - 4 / 6)
    assert verdict(EXAMPLE) == Verdict.OVERCONFIDENT == "overconfident"


def test_bin_edges_are_half_open_except_the_last():
    bins = calibration_bins([(0.625, True), (0.875, False), (1.0, True), (0.5, False)])
    assert [b.count for b in bins] == [1, 1, 2]


def test_empty_bins_are_reported():
    bins = calibration_bins([(1.0, True)])
    assert [(b.count, b.mean_confidence, b.accuracy, b.gap) for b in bins[:2]] == [(0, None, None, None)] * 2
    assert calibration_bins([]) == [
        Bin(low=lo, high=hi, count=0, mean_confidence=None, accuracy=None)
        for lo, hi in [(0.5, 0.625), (0.625, 0.875), (0.875, 1.0)]
    ]


def test_custom_edges_and_bad_input():
    assert [b.count for b in calibration_bins([(0.2, True), (0.9, False)], edges=(0.0, 0.5, 1.0))] == [1, 1]
    with pytest.raises(ValueError, match="outside"):
        calibration_bins([(0.3, True)])
    with pytest.raises(ValueError, match="increasing"):
        calibration_bins([], edges=(0.5, 0.5, 1.0))
    with pytest.raises(ValueError, match="no answers"):
        brier_score([])
    with pytest.raises(ValueError, match="outside"):
        overconfidence([(1.5, True)])


def test_verdicts():
    assert verdict([]) == Verdict.NOT_ENOUGH_DATA
    assert verdict([(1.0, False), (1.0, False)]) == Verdict.NOT_ENOUGH_DATA
    assert verdict([(1.0, False)] * 3) == Verdict.OVERCONFIDENT
    assert verdict([(0.5, True)] * 3) == Verdict.UNDERCONFIDENT
    assert verdict([(1.0, True)] * 3) == Verdict.CALIBRATED
    assert verdict([(0.5, True), (0.5, False)] * 2) == Verdict.CALIBRATED


def test_gap_exactly_at_tolerance_is_calibrated():
    # mean confidence 0.75, accuracy 0.7: gap 0.05 (0.04999... in floats)
    pairs = [(0.75, True)] * 7 + [(0.75, False)] * 3
    assert verdict(pairs) == Verdict.CALIBRATED
    assert verdict(pairs, tolerance=0.04) == Verdict.OVERCONFIDENT
    assert verdict([(0.75, True)] * 8 + [(0.75, False)] * 2) == Verdict.CALIBRATED  # gap -0.05


pairs_strategy = st.lists(
    st.tuples(st.sampled_from([0.5, 0.75, 1.0]) | st.floats(0.5, 1.0), st.booleans()),
    min_size=1,
    max_size=40,
)


@FAST
@given(pairs_strategy)
def test_properties(pairs):
    score = brier_score(pairs)
    assert 0.0 <= score <= 1.0
    bins = calibration_bins(pairs)
    assert sum(b.count for b in bins) == len(pairs)
    for b in bins:
        if b.count:
            assert b.low <= b.mean_confidence <= b.high
            assert 0.0 <= b.accuracy <= 1.0
    assert -0.5 - 1e-12 <= overconfidence(pairs) <= 1.0 + 1e-12
    expected = Verdict.NOT_ENOUGH_DATA if len(pairs) < 3 else None
    assert expected is None or verdict(pairs) == expected


@FAST
@given(st.lists(st.booleans(), min_size=1, max_size=40))
def test_always_fifty_percent_scores_a_quarter(outcomes):
    assert brier_score([(0.5, ok) for ok in outcomes]) == pytest.approx(0.25)
