"""bench.harness.CpuBudget: the CPU per unit of work the room benchmark reports by process group."""

import os
import sys

import pytest

from bench.harness import CpuBudget, pids_named, process_cpu_ms

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _spin(rounds: int) -> int:
    total = 0
    for i in range(rounds):
        total += i * i
    return total


def test_a_span_counts_the_cpu_its_group_spent_per_unit():
    budget = CpuBudget(lambda: {"client": [os.getpid()]})
    budget.start()
    _spin(3_000_000)
    budget.stop(units=10)

    per_unit = budget.per_unit_us()
    assert per_unit["client"] > 1_000  # tens of ms of spinning, over 10 units
    assert per_unit["total"] == per_unit["client"]


def test_spans_add_up_and_an_unstarted_stop_counts_nothing():
    budget = CpuBudget(lambda: {"client": [os.getpid()]})
    budget.stop(units=5)
    assert budget.per_unit_us() == {}
    for _ in range(2):
        budget.start()
        _spin(500_000)
        budget.stop(units=1)
    assert budget.units == 2
    assert budget.spent["client"] > 0


def test_a_process_that_is_gone_counts_nothing():
    assert process_cpu_ms(2**22 + 12345) == 0.0
    assert os.getpid() not in pids_named("no-such-command-")
