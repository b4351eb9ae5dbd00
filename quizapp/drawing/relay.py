"""A drawing round's jobs (training, the learning curve), relayed to the room.

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
from mlcore.models import FINISHED_STATES
from quizapp import groups, messages
from quizapp.drawing import guesses
from quizapp.drawing import selectors as drawing_selectors
from quizapp.models import DrawingRound

logger = logging.getLogger(__name__)
POLL_INTERVAL_S = 0.5
#: What each watched job is: the round's field, the message builder and who hears it.
WATCHED = {
    "training": ("training_job", "training_message", fanout.EVERYONE),
    "curve": ("curve_job", "curve_message", groups.HOSTS),
}
_watching: dict[tuple[int, str], asyncio.Task] = {}


def ensure_watch(round_id: int, kind: str = "training") -> None:
    """Start watching the round's ``kind`` job in this process unless it already is."""
    key = (round_id, kind)
    task = _watching.get(key)
    if task is None or task.done():
        _watching[key] = asyncio.get_running_loop().create_task(_watch(round_id, kind))


def _revision(round_id: int, kind: str) -> tuple[int, int, bool] | None:
    field = WATCHED[kind][0]
    row = (
        DrawingRound.objects.filter(id=round_id, **{f"{field}__isnull": False})
        .values_list(f"{field}_id", f"{field}__revision", f"{field}__state")
        .first()
    )
    if row is None:
        return None
    job_id, revision, state = row
    return job_id, revision, state in FINISHED_STATES


def _message(round_id: int, kind: str) -> tuple[int, str]:
    build = getattr(drawing_selectors, WATCHED[kind][1])
    round_ = DrawingRound.objects.select_related("question", "training_job", "curve_job", "session__quiz").get(
        id=round_id
    )
    with translation.override(round_.session.quiz.language):
        return round_.session_id, messages.dumps(build(round_))


async def _watch(round_id: int, kind: str) -> None:
    seen: tuple[int, int] | None = None
    audience = WATCHED[kind][2]
    preloading: asyncio.Future[None] | None = None
    try:
        while True:
            state = await database_sync_to_async(_revision)(round_id, kind)
            if state is None:
                return
            job_id, revision, finished = state
            if (job_id, revision) != seen:
                seen = (job_id, revision)
                session_id, text = await database_sync_to_async(_message)(round_id, kind)
                await fanout.publish(groups.session_group(session_id), text, audience=audience)
            if finished:
                if kind == "training":
                    await guesses.prewarm(round_id)
                return
            if kind == "training" and preloading is None:
                preloading = asyncio.ensure_future(guesses.preload(round_id))
            await asyncio.sleep(POLL_INTERVAL_S)
    except Exception:  # never kill the socket that started it; a reconnecting host starts a new watch
        logger.exception("quiz: relaying the %s job of drawing round %s stopped", kind, round_id)
    finally:
        if _watching.get((round_id, kind)) is asyncio.current_task():
            _watching.pop((round_id, kind), None)
