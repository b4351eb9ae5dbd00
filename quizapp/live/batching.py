"""Answers (and drawings) from many sockets, written in batches: one transaction for what arrived meanwhile.

With 2,000 students answering in the same two seconds, one write per answer queues up behind
the database; a batch per round trip keeps acknowledgements fast. An idle room pays nothing:
a lone answer is written at once as a batch of one. What was stored is handed on (``on_stored``):
answers schedule the instructor's tally here, on the store path, not in the socket.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async

from core.batching import BatchWorker
from quizapp import errors
from quizapp.drawing.services import drawings_submit
from quizapp.live import tally
from quizapp.live.answers import answers_submit

logger = logging.getLogger(__name__)


class BatchQueue(BatchWorker):
    """``store(requests) -> outcomes`` (a receipt or a QuizError each, in order) run on batches."""

    max_batch = 500

    def __init__(
        self,
        store: Callable[[list[Any]], list[Any]],
        not_stored: type[errors.QuizError],
        on_stored: Callable[[list[Any]], None] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.not_stored = not_stored
        self.on_stored = on_stored

    async def submit(self, request: Any) -> Any:
        """The receipt once stored; raises the QuizError that refused it."""
        future = asyncio.get_running_loop().create_future()
        self.put((request, future))
        return await future

    async def handle(self, batch: list[Any]) -> None:
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
        stored = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
        if stored and self.on_stored is not None:
            self.on_stored(stored)


answer_queue = BatchQueue(answers_submit, errors.NotStored, on_stored=tally.answers_stored)
drawing_queue = BatchQueue(drawings_submit, errors.DrawingNotStored)
