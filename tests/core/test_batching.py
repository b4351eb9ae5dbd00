"""core.batching: batches of what arrived meanwhile, one at a time or several at once."""

import asyncio

import pytest

from core.batching import BatchWorker

pytestmark = pytest.mark.embedded


class Recorder(BatchWorker):
    def __init__(self, slots: int, fail_first: bool = False) -> None:
        super().__init__()
        self.slots, self.fail_first = slots, fail_first
        self.active = self.peak = 0
        self.batches: list[list[int]] = []

    def concurrency(self) -> int:
        return self.slots

    async def handle(self, batch: list[int]) -> None:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            if self.fail_first and not self.batches:
                self.batches.append(batch)
                raise RuntimeError("a handler bug")
            await asyncio.sleep(0.05)
            self.batches.append(batch)
        finally:
            self.active -= 1


async def _feed(worker: Recorder, items: range) -> None:
    for item in items:
        worker.put(item)
        await asyncio.sleep(0.01)


async def _until_all(worker: Recorder, count: int) -> None:
    for _ in range(200):
        if sum(len(b) for b in worker.batches) == count and worker.active == 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"only {worker.batches} handled")


async def test_one_slot_handles_one_batch_at_a_time_with_what_arrived_meanwhile():
    worker = Recorder(slots=1)
    await _feed(worker, range(6))
    await _until_all(worker, 6)
    assert worker.peak == 1
    assert worker.batches[0] == [0]
    assert len(worker.batches) < 6, "items that arrived while a batch was handled went together"
    assert sorted(i for b in worker.batches for i in b) == list(range(6))


async def test_several_slots_handle_batches_side_by_side_and_none_is_lost():
    worker = Recorder(slots=3)
    await _feed(worker, range(6))
    await _until_all(worker, 6)
    assert worker.peak == 3
    assert sorted(i for b in worker.batches for i in b) == list(range(6))


async def test_a_failing_batch_does_not_stop_the_queue(caplog):
    worker = Recorder(slots=2, fail_first=True)
    worker.put(1)
    await asyncio.sleep(0.02)
    worker.put(2)
    await _until_all(worker, 2)
    assert worker.batches == [[1], [2]]
    assert "batch of 1 failed" in caplog.text


class Paced(Recorder):
    def __init__(self, slots: int, interval_s: float) -> None:
        super().__init__(slots)
        self.interval_s = interval_s
        self.started: list[float] = []

    def min_interval_s(self) -> float:
        return self.interval_s

    async def handle(self, batch: list[int]) -> None:
        self.started.append(asyncio.get_running_loop().time())
        await super().handle(batch)


async def test_with_a_minimum_interval_a_busy_stream_goes_in_fewer_batches_and_none_is_lost():
    worker = Paced(slots=3, interval_s=0.2)
    await _feed(worker, range(20))  # one item every 10 ms for 200 ms
    await _until_all(worker, 20)
    assert sorted(i for b in worker.batches for i in b) == list(range(20))
    assert len(worker.batches) <= 3, worker.batches
    gaps = [later - earlier for earlier, later in zip(worker.started, worker.started[1:], strict=False)]
    assert all(gap >= 0.19 for gap in gaps), gaps


async def test_with_a_minimum_interval_a_lone_item_goes_at_once_and_the_next_waits_out_the_rest():
    worker = Paced(slots=1, interval_s=5.0)
    worker.put(1)
    await _until_all(worker, 1)  # within two seconds: the first batch does not wait out the interval
    worker.put(2)
    await asyncio.sleep(0.3)
    assert worker.batches == [[1]], "an item right after a batch waits for the interval"
