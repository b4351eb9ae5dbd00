"""bench/room_load.py: answer acks grouped by the half-second of their question in which they were sent."""

import pytest

from bench.room_load import Student, acks_by_half_second

pytestmark = pytest.mark.embedded


def test_acks_fall_into_the_half_second_of_their_own_question():
    early, late = Student(0), Student(1)
    # two questions, opened at t=1,000 ms and t=10,000 ms
    early.ack_sent, early.acks = [1_100.0, 10_200.0], [300.0, 500.0]
    late.ack_sent, late.acks = [2_400.0, 10_400.0], [40.0, 700.0]
    assert acks_by_half_second([early, late], [1_000.0, 10_000.0]) == [700.0, 0.0, 40.0]


def test_no_acks_no_slots():
    assert acks_by_half_second([Student(0)], [5.0]) == []
