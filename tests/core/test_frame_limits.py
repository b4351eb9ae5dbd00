"""Per-socket frame budgets and the envelope's number ranges (no sockets, no database)."""

import logging

import pytest

from core.frame_limits import Budget, FrameLimiter
from core.ws_protocol import MAX_ID, ProtocolError, parse_frame


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def limiter(clock: Clock, **kwargs) -> FrameLimiter:
    budgets = {"answer": Budget(per_second=2, burst=3), "ping": Budget(per_second=1, burst=2), "other": Budget(1, 1)}
    return FrameLimiter(name="test", budgets=budgets, clock=clock, **kwargs)


def test_a_burst_then_the_rate():
    clock = Clock()
    frames = limiter(clock)
    assert [frames.allow("answer") for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5  # one answer's worth at 2 a second
    assert [frames.allow("answer") for _ in range(2)] == [True, False]
    clock.now += 60
    assert [frames.allow("answer") for _ in range(4)] == [True, True, True, False]  # never above the burst


def test_kinds_have_their_own_budgets():
    clock = Clock()
    frames = limiter(clock)
    while frames.allow("answer"):
        pass
    assert frames.allow("ping")
    assert frames.allow("hello")  # "other"
    assert not frames.allow(None)  # unreadable frames are "other" too


def test_refusals_close_the_socket_past_the_bound_and_are_forgiven_slowly():
    clock = Clock()
    frames = limiter(clock, refusals_before_close=3, refusals_forgiven_per_s=1)
    assert [frames.refused() for _ in range(4)] == [False, False, False, True]
    clock.now += 2
    assert [frames.refused() for _ in range(3)] == [False, False, True]


def test_one_log_line_per_limit(caplog):
    clock = Clock()
    frames = limiter(clock, refusals_before_close=1)
    with caplog.at_level(logging.WARNING, logger="core.frame_limits"):
        for _ in range(50):
            frames.allow("answer")
            frames.refused()
    assert len(caplog.records) == 2


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "answer", "question_id": 18446744073709551616}',
        f'{{"type": "answer", "question_id": {MAX_ID + 1}}}',
        '{"type": "answer", "question_id": 0}',
        '{"type": "remove", "participant_id": -1}',
        '{"type": "drawing_hide", "drawing_id": 99999999999999999999}',
        '{"type": "answer", "choices": [64]}',
        '{"type": "answer", "choices": 100000000000000000000}',
        '{"type": "train", "doodles_per_class": 1000000000}',
    ],
)
def test_numbers_out_of_range(text):
    with pytest.raises(ProtocolError) as caught:
        parse_frame(text)
    assert caught.value.code == "value_out_of_range"


def test_the_id_of_a_refused_frame_is_kept_for_the_error():
    with pytest.raises(ProtocolError) as caught:
        parse_frame('{"type": "answer", "question_id": -1, "id": "q1"}')
    assert caught.value.ref == "q1"


@pytest.mark.parametrize(
    "text",
    [
        f'{{"type": "answer", "question_id": {MAX_ID}, "choices": [0, 63], "confidence": 0.75}}',
        '{"type": "answer", "question_id": "17", "choices": ["a"]}',  # wrong types: the endpoint's code
        '{"type": "answer", "question_id": 1, "confidence": null}',
        '{"type": "train", "doodles_per_class": 300}',
    ],
)
def test_numbers_in_range_pass(text):
    assert parse_frame(text)["type"]


def test_nan_is_not_json():
    with pytest.raises(ProtocolError) as caught:
        parse_frame('{"type": "answer", "confidence": NaN}')
    assert caught.value.code == "malformed_json"
