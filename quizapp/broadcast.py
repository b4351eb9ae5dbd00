"""The write path's broadcast: a service that changed the room publishes once its transaction commits.

Every write of the live quiz (session controls, joins, drawings) calls :func:`after_commit`
inside its transaction, so the room never hears of a change that rolled back, and no consumer
sends to the room by itself.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core import fanout
from core.ws_protocol import message
from quizapp import groups, messages

#: Joins reach the console gathered: one ``participants_joined`` per process and window.
JOINED_WINDOW_S = 0.2
_joined = fanout.Gathered(
    lambda participants: messages.dumps(message("participants_joined", participants=participants)),
    audience=groups.HOSTS,
    window_s=JOINED_WINDOW_S,
)


def participant_joined_after_commit(session_id: int, participant: dict[str, Any]) -> None:
    """Tell the session's hosts of a new participant (``messages.participant_public``) once the
    join commits, gathered with the others who join within :data:`JOINED_WINDOW_S`."""
    group = groups.session_group(session_id)
    transaction.on_commit(lambda: _joined.add(group, participant))


def after_commit(
    session_id: int,
    payload: dict[str, Any],
    *,
    audience: str = fanout.EVERYONE,
    personal: dict[str, str] | None = None,
) -> None:
    """Serialise ``payload`` now and publish it to the session's room when the transaction commits."""
    text = messages.dumps(payload)
    group = groups.session_group(session_id)
    transaction.on_commit(lambda: fanout.publish_sync(group, text, audience=audience, personal=personal))
