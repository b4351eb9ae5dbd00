"""bench.harness.acks_by_half_second: acks by the half-second of their question in which they were sent."""

import pytest

from bench.harness import acks_by_half_second

pytestmark = pytest.mark.embedded


def test_acks_fall_into_the_half_second_of_their_own_question():
    # two questions, opened at t=1,000 ms and t=10,000 ms; (sent at, ack latency)
    acks = [(1_100.0, 300.0), (10_200.0, 500.0), (2_400.0, 40.0), (10_400.0, 700.0)]
    assert acks_by_half_second(acks, [1_000.0, 10_000.0]) == [700.0, 0.0, 40.0]


def test_no_acks_no_slots():
    assert acks_by_half_second([], [5.0]) == []
