"""Coalesced tallies for the instructor: a few updates a second, however fast answers come.

Each web process buffers the answers its batch queue stored and, at most every
``QUIZ_TALLY_INTERVAL_S``, sends the hosts one ``tally`` with the counts (read from the
database, so every process reports the truth) and the new cells of the results grid.

A flush that cannot read or publish (Redis or the database down) keeps its cells, logs once
per outage and tries again with a growing delay (up to :data:`RETRY_MAX_S`), so the hosts get a
correct tally once the outage ends.
"""

import asyncio
import logging
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from core import fanout
from core.ws_protocol import message
from quizapp import groups, messages
from quizapp.selectors import answer_cell, current_tally

logger = logging.getLogger(__name__)

#: The longest wait between two tries of a failing flush, and how many tries before the cells
#: are given up (the hosts' next ``host_state`` has the whole grid anyway).
RETRY_MAX_S = 5.0
RETRY_LIMIT = 120

_pending: dict[int, list[dict[str, Any]]] = {}
_scheduled: set[int] = set()
_failures: dict[int, int] = {}
_tasks: set[asyncio.Task] = set()


def answers_stored(receipts: list[Any]) -> None:
    """The store path's hook (:mod:`quizapp.live.batching`): each stored answer reaches the hosts'
    tally within one interval."""
    for receipt in receipts:
        note_answer(receipt.answer.session_id, answer_cell(receipt.answer))


def note_answer(session_id: int, cell: dict[str, Any]) -> None:
    """Record a stored answer; the hosts hear of it within one interval."""
    _pending.setdefault(session_id, []).append(cell)
    _schedule(session_id, settings.QUIZ_TALLY_INTERVAL_S)


def refresh(session_id: int) -> None:
    """A fresh tally within one interval though no answer came (a word hidden on a word cloud):
    a tally read before that change and sent after it is corrected at once."""
    _schedule(session_id, settings.QUIZ_TALLY_INTERVAL_S)


def _schedule(session_id: int, delay: float) -> None:
    if session_id in _scheduled:
        return
    _scheduled.add(session_id)
    loop = asyncio.get_running_loop()
    loop.call_later(delay, _start_flush, session_id)


def _start_flush(session_id: int) -> None:
    task = asyncio.get_running_loop().create_task(_flush(session_id))
    _tasks.add(task)  # held until done: a flush is never garbage-collected half-way
    task.add_done_callback(_tasks.discard)


def retry_delay(failures: int) -> float:
    """Backoff after ``failures`` failed flushes in a row: 0.5 s, 1 s, 2 s … up to RETRY_MAX_S."""
    return min(RETRY_MAX_S, 0.5 * 2 ** max(0, failures - 1))


async def _flush(session_id: int) -> None:
    _scheduled.discard(session_id)
    cells = _pending.pop(session_id, [])
    try:
        counts = await database_sync_to_async(current_tally)(session_id)
        payload = message("tally", **(counts or {}), cells=cells)
        sent = await fanout.publish(groups.session_group(session_id), messages.dumps(payload), audience=groups.HOSTS)
    except Exception:
        sent = False
        if not _failures.get(session_id):
            logger.warning("tally: session %s could not be sent; retrying", session_id, exc_info=True)
    if sent:
        if _failures.pop(session_id, 0):
            logger.warning("tally: session %s sent again", session_id)
        return
    failures = _failures[session_id] = _failures.get(session_id, 0) + 1
    if failures == 1:
        logger.warning("tally: session %s could not be published; retrying with backoff", session_id)
    if failures > RETRY_LIMIT:
        logger.error("tally: session %s given up after %d tries", session_id, failures)
        _failures.pop(session_id, None)
        return
    _pending[session_id] = cells + _pending.get(session_id, [])
    _schedule(session_id, retry_delay(failures))
