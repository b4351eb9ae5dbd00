"""Coalesced tallies for the instructor: a few updates a second, however fast answers come.

Each web process buffers the answers its batch queue stored and, at most every
``QUIZ_TALLY_INTERVAL_S``, sends the hosts one ``tally`` with the counts (read from the
database, so every process reports the truth) and the new cells of the results grid.
"""

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from core import fanout
from core.ws_protocol import message
from quizapp import groups, messages
from quizapp.selectors import answer_cell, current_tally

_pending: dict[int, list[dict[str, Any]]] = {}
_scheduled: set[int] = set()


def answers_stored(receipts: list[Any]) -> None:
    """The store path's hook (:mod:`quizapp.live.batching`): each stored answer reaches the hosts'
    tally within one interval."""
    for receipt in receipts:
        note_answer(receipt.answer.session_id, answer_cell(receipt.answer))


def note_answer(session_id: int, cell: dict[str, Any]) -> None:
    """Record a stored answer; the hosts hear of it within one interval."""
    _pending.setdefault(session_id, []).append(cell)
    if session_id not in _scheduled:
        _scheduled.add(session_id)
        asyncio.get_running_loop().call_later(
            settings.QUIZ_TALLY_INTERVAL_S, lambda: asyncio.ensure_future(_flush(session_id))
        )


async def _flush(session_id: int) -> None:
    _scheduled.discard(session_id)
    cells = _pending.pop(session_id, [])
    counts = await database_sync_to_async(current_tally)(session_id)
    payload = message("tally", **(counts or {}), cells=cells)
    await fanout.publish(groups.session_group(session_id), messages.dumps(payload), audience="hosts")
