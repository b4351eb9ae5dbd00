"""A per-process batch worker on the running event loop: what arrives while a batch is handled
goes through together in the next one.

Used for answers and drawings (one database transaction per round trip) and for live guesses (one
forward pass per batch). An idle process pays nothing: a lone item is a batch of one. The worker
is (re)started on the running loop when needed, so tests that run several loops get a fresh one.
"""

from __future__ import annotations

import asyncio
from typing import Any


class BatchWorker:
    """Queue items with :meth:`put`; :meth:`handle` gets each batch of at most ``max_batch``."""

    max_batch = 500

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queue: asyncio.Queue[Any] | None = None
        self.worker: asyncio.Task[None] | None = None

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
        while True:
            batch = [await queue.get()]
            while not queue.empty() and len(batch) < self.max_batch:
                batch.append(queue.get_nowait())
            await self.handle(batch)
