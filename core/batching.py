"""A per-process batch worker on the running event loop: what arrives while a batch is handled
goes through together in the next one.

Used for answers and drawings (one database transaction per round trip) and for live guesses (one
forward pass per batch). An idle process pays nothing: a lone item is a batch of one. The worker
is (re)started on the running loop when needed, so tests that run several loops get a fresh one.

With :meth:`concurrency` above one, up to that many batches are handled at once: the next batch
starts while the last waits on its database round trips (answers on PostgreSQL, where each batch
has a connection of its own); what arrives meanwhile waits only for a free slot.

With :meth:`min_interval_s` above zero, batches start at most that often: a batch that would start
sooner after the last one waits out the rest of the interval and takes what arrived meanwhile. Each
batch of answers has a fixed cost (a thread hop, a transaction and its reads: a few ms of a web
process's CPU and about one of PostgreSQL's on the bench machine), which a class of 1,000 paid for
every one or two answers; a lone item in a quiet worker finds the last batch long past and goes at once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

logger = logging.getLogger(__name__)


class BatchWorker:
    """Queue items with :meth:`put`; :meth:`handle` gets each batch of at most ``max_batch``."""

    max_batch = 500

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queue: asyncio.Queue[Any] | None = None
        self.worker: asyncio.Task[None] | None = None
        #: Batches being handled (a reference each, so none is collected half-way).
        self.running: set[asyncio.Task[None]] = set()

    def concurrency(self) -> int:
        """How many batches may be handled at once (read when the worker starts)."""
        return 1

    def min_interval_s(self) -> float:
        """The least time between the starts of two batches (read when the worker starts; 0: none)."""
        return 0.0

    def ensure_queue(self) -> asyncio.Queue[Any]:
        """The running loop's queue, with its worker started."""
        loop = asyncio.get_running_loop()
        if self.loop is not loop or self.queue is None or self.worker is None or self.worker.done():
            self.loop, self.queue = loop, asyncio.Queue()
            self.worker = loop.create_task(self._run(self.queue))
        return self.queue

    def put(self, item: Any) -> None:
        self.ensure_queue().put_nowait(item)

    def waiting(self) -> int:
        return self.ensure_queue().qsize()

    async def handle(self, batch: list[Any]) -> None:
        raise NotImplementedError

    async def _run(self, queue: asyncio.Queue[Any]) -> None:
        concurrency = max(1, self.concurrency())
        interval = max(0.0, self.min_interval_s())
        slots = asyncio.Semaphore(concurrency)
        loop = asyncio.get_running_loop()
        last_start = -interval
        while True:
            await slots.acquire()  # a free slot first: the batch then takes all that waited meanwhile
            try:
                batch = [await queue.get()]
                wait = last_start + interval - loop.time()
                if wait > 0:  # busy: the rest of the interval gathers more for this batch
                    await asyncio.sleep(wait)
            except BaseException:
                slots.release()
                raise
            last_start = loop.time()
            while not queue.empty() and len(batch) < self.max_batch:
                batch.append(queue.get_nowait())
            if concurrency == 1:  # in this task: the batch is taken up in the same step it is collected
                await self._handle_in_slot(batch, slots)
                continue
            task = loop.create_task(self._handle_in_slot(batch, slots))
            self.running.add(task)
            task.add_done_callback(self.running.discard)

    async def _handle_in_slot(self, batch: list[Any], slots: asyncio.Semaphore) -> None:
        try:
            await self.handle(batch)
        except Exception:  # a bug in a handler must not stop the queue: later items still get theirs
            logger.exception("batch of %d failed", len(batch))
        finally:
            slots.release()
