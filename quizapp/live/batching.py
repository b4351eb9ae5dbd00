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
from django.conf import settings

from core import fanout
from core.batching import BatchWorker
from quizapp import errors, groups
from quizapp.drawing.services import DrawingReceipt, drawings_store
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
        threads_setting: str = "",
        interval_setting: str = "",
    ) -> None:
        super().__init__()
        self.store = store
        self.not_stored = not_stored
        self.on_stored = on_stored
        self.threads_setting = threads_setting
        self.interval_setting = interval_setting

    def concurrency(self) -> int:
        """Batches stored at once: the setting named by ``threads_setting`` (else one)."""
        return int(getattr(settings, self.threads_setting, 1)) if self.threads_setting else 1

    def min_interval_s(self) -> float:
        """The least time between two batches: the setting named by ``interval_setting``, in ms (else none)."""
        return float(getattr(settings, self.interval_setting, 0)) / 1000 if self.interval_setting else 0.0

    async def submit(self, request: Any) -> Any:
        """The receipt once stored; raises the QuizError that refused it."""
        return await self.enqueue(request)

    def enqueue(self, request: Any) -> asyncio.Future[Any]:
        """:meth:`submit` without a coroutine: the future gets the receipt or the refusal (for a
        caller that is not a task: the protocol's read of a frame, core.ws_server)."""
        future = asyncio.get_running_loop().create_future()
        self.put((request, future))
        return future

    async def handle(self, batch: list[Any]) -> None:
        try:
            # One batch at a time: Django's database thread, as every other call of the socket. Several:
            # a thread (and a pooled connection) each, so their round trips overlap.
            store = database_sync_to_async(self.store, thread_sensitive=self.concurrency() == 1)
            outcomes = await store([request for request, _ in batch])
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


def wall_after_acks(receipts: list[DrawingReceipt]) -> None:
    """The hosts' wall hears of a stored batch after its students' acknowledgements are on their way
    (:attr:`DrawingReceipt.wall`): 500 sentences at once are acknowledged without waiting for the
    projector's messages, and the database thread does not wait for the event loop to publish them."""
    for receipt in receipts:
        for session_id, text in receipt.wall:
            task = asyncio.ensure_future(fanout.publish(groups.session_group(session_id), text, audience=groups.HOSTS))
            _publishing.add(task)
            task.add_done_callback(_publishing.discard)


#: Wall messages being published (a reference each, so none is collected half-way).
_publishing: set[asyncio.Future[bool]] = set()

answer_queue = BatchQueue(
    answers_submit,
    errors.NotStored,
    on_stored=tally.answers_stored,
    threads_setting="QUIZ_ANSWER_STORE_THREADS",
    interval_setting="QUIZ_ANSWER_BATCH_INTERVAL_MS",
)
drawing_queue = BatchQueue(drawings_store, errors.DrawingNotStored, on_stored=wall_after_acks)
