"""Answers (and drawings) from many sockets, written in batches: one transaction for what arrived meanwhile.

With 2,000 students answering in the same two seconds, one write per answer queues up behind
the database; a batch per round trip keeps acknowledgements fast. An idle room pays nothing:
a lone answer is written at once as a batch of one.
"""

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async

from quizapp import errors
from quizapp.services.drawings import drawings_submit
from quizapp.services.live import answers_submit

logger = logging.getLogger(__name__)
MAX_BATCH = 500


class BatchQueue:
    """``store(requests) -> outcomes`` (a receipt or a QuizError each, in order) run on batches."""

    def __init__(self, store: Callable[[list[Any]], list[Any]], not_stored: type[errors.QuizError]) -> None:
        self.store = store
        self.not_stored = not_stored
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queue: asyncio.Queue | None = None
        self.worker: asyncio.Task | None = None

    def _ensure_worker(self) -> asyncio.Queue:
        loop = asyncio.get_running_loop()
        if self.loop is not loop or self.worker is None or self.worker.done():
            self.loop, self.queue = loop, asyncio.Queue()
            self.worker = loop.create_task(self._run(self.queue))
        return self.queue

    async def submit(self, request: Any) -> Any:
        """The receipt once stored; raises the QuizError that refused it."""
        future = asyncio.get_running_loop().create_future()
        self._ensure_worker().put_nowait((request, future))
        return await future

    async def _run(self, queue: asyncio.Queue) -> None:
        while True:
            batch = [await queue.get()]
            while not queue.empty() and len(batch) < MAX_BATCH:
                batch.append(queue.get_nowait())
            try:
                outcomes = await database_sync_to_async(self.store)([request for request, _ in batch])
            except Exception:  # the database failed: every waiter hears it, the queue lives on
                logger.exception("batch of %d could not be stored", len(batch))
                outcomes = [self.not_stored() for _ in batch]
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)


answer_queue = BatchQueue(answers_submit, errors.NotStored)
drawing_queue = BatchQueue(drawings_submit, errors.DrawingNotStored)
