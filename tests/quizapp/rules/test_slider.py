"""A slider question's pure rules: settings, answers on the step, the margin, the histogram bins."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.rules import slider

LECTURE = {"min": 0, "max": 100, "step": 1, "answer": 15, "margin": 3, "unit": "years"}


def test_the_lectures_question():
    settings = slider.clean_settings(LECTURE)
    assert settings.public() == {"min": 0, "max": 100, "step": 1, "unit": "years"}
    assert "answer" not in settings.public()
    assert settings.answer_text() == "15 years (± 3)"
    assert [settings.is_correct(v) for v in (11, 12, 15, 18, 19)] == [False, True, True, True, False]
    assert len(settings.bins()) == 10
    assert settings.bin_labels()[0] == "0–10 years"
    assert settings.bin_of(15) == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"min": 100}, "slider_range"),
        ({"max": "lots"}, "slider_range"),
        ({"step": 0}, "slider_step"),
        ({"step": 0.0001}, "slider_step"),
        ({"answer": 101}, "slider_answer"),
        ({"answer": 15.5}, "slider_answer"),
        ({"answer": True}, "slider_answer"),
        ({"margin": -1}, "slider_margin"),
        ({"min": float("nan")}, "slider_range"),
        ({"max": 1e13}, "slider_range"),
    ],
)
def test_bad_settings_are_refused_with_their_code(change, code):
    with pytest.raises(slider.SliderRefused) as refused:
        slider.clean_settings({**LECTURE, **change})
    assert refused.value.code == code


@pytest.mark.parametrize("value", [True, "15", None, -1, 101, 15.5, float("inf"), [15]])
def test_bad_answers_are_refused(value):
    with pytest.raises(slider.SliderRefused):
        slider.check_value(slider.clean_settings(LECTURE), value)


ranges = st.tuples(
    st.integers(min_value=-1000, max_value=1000),
    st.integers(min_value=1, max_value=5000),
    st.sampled_from([1, 2, 5, 0.5, 0.1, 10]),
)


@given(ranges, st.data())
def test_every_position_is_in_exactly_one_bin_and_the_margin_decides(spec, data):
    low, width, step = spec
    high = low + width * step
    positions = round((high - low) / step)
    answer = low + data.draw(st.integers(0, positions)) * step
    margin = data.draw(st.integers(0, min(5, positions))) * step
    settings = slider.clean_settings({"min": low, "max": high, "step": step, "answer": answer, "margin": margin})
    bins = settings.bins()
    assert 1 <= len(bins) <= slider.MAX_BINS
    assert bins[0][0] == low
    assert abs(bins[-1][1] - high) < step / 2
    value = low + data.draw(st.integers(0, positions)) * step
    assert slider.check_value(settings, value) == pytest.approx(value)
    index = settings.bin_of(value)
    low_edge, high_edge = bins[index]
    assert low_edge - step / 2 <= value <= high_edge + step / 2
    assert settings.is_correct(value) == (abs(value - answer) <= margin + step * 1e-9)
    assert len(settings.bin_labels()) == len(bins)
