"""A drawing round's training progress, relayed to the whole room.

The training job runs in a Celery worker and writes its progress to its row (``mlcore``). Students
have no account, so they cannot watch mlcore's job sockets; instead the web process whose host
started the training (and any host socket that connects while it runs) watches the row and
publishes each newer revision to the room through :mod:`core.fanout`. Polling the row works the
same on the embedded default (where the worker's in-memory layer reaches no one) and on Redis.
Screens keep the newest ``revision`` they saw, so two watchers overlapping cost a duplicate
message, never a wrong one.
"""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from django.utils import translation

from core import fanout
from quizapp import groups, messages

logger = logging.getLogger(__name__)
POLL_INTERVAL_S = 0.5
_watching: dict[int, asyncio.Task] = {}


def ensure_watch(round_id: int) -> None:
    """Start watching the round's training in this process unless it already is."""
    task = _watching.get(round_id)
    if task is None or task.done():
        _watching[round_id] = asyncio.get_running_loop().create_task(_watch(round_id))


def _revision(round_id: int) -> tuple[int, int, bool] | None:
    from mlcore.models import FINISHED_STATES
    from quizapp.models import DrawingRound

    row = (
        DrawingRound.objects.filter(id=round_id, training_job__isnull=False)
        .values_list("training_job_id", "training_job__revision", "training_job__state")
        .first()
    )
    if row is None:
        return None
    job_id, revision, state = row
    return job_id, revision, state in FINISHED_STATES


def _message(round_id: int) -> tuple[int, str]:
    from quizapp.drawing_selectors import training_message
    from quizapp.models import DrawingRound

    round_ = DrawingRound.objects.select_related("question", "training_job", "session__quiz").get(id=round_id)
    with translation.override(round_.session.quiz.language):
        return round_.session_id, messages.dumps(training_message(round_))


async def _watch(round_id: int) -> None:
    seen: tuple[int, int] | None = None
    try:
        while True:
            state = await database_sync_to_async(_revision)(round_id)
            if state is None:
                return
            job_id, revision, finished = state
            if (job_id, revision) != seen:
                seen = (job_id, revision)
                session_id, text = await database_sync_to_async(_message)(round_id)
                await fanout.publish(groups.session_group(session_id), text)
            if finished:
                return
            await asyncio.sleep(POLL_INTERVAL_S)
    except Exception:  # never kill the socket that started it; a reconnecting host starts a new watch
        logger.exception("quiz: relaying training of drawing round %s stopped", round_id)
    finally:
        if _watching.get(round_id) is asyncio.current_task():
            _watching.pop(round_id, None)
