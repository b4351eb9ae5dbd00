"""The web process's WebSocket protocol: uvicorn's sans-I/O one, with a lane for frames a socket takes at once.

Under ASGI every text frame is queued for the socket's task: uvicorn puts it on the connection's
queue and pauses reading (two ``epoll_ctl`` calls), the task wakes, Channels dispatches it, and
the task sleeps again on its reply's future; the reply goes back through uvicorn's ``send`` and the
``websockets`` frame builder. For a class of 10,000 answering in two seconds that was a share of
every answer's cost with nothing to show for it (docs/operations.md).

A socket's app may open a *lane* (:func:`open_lane`): a function the protocol calls with each whole
text message as it arrives, before queueing it. When it takes the message (True) nothing is queued
and the app answers later by writing frames directly (core.ws_direct); when it declines (False) the
message takes the ASGI path as before. The lane is asked only while the connection's queue is empty
(a message behind a queued one waits its turn) and never after a close; a fragmented message, a
binary one or one that is not UTF-8 takes the ASGI path (uvicorn refuses the last). The app keeps the
order of its replies itself (quizapp.live.consumers: a lane's reply still being stored holds back
the next queued message).

``manage.py serve``, docker-compose.yml and the benchmarks run uvicorn with
``--ws core.ws_server:LaneProtocol``; under any other server :func:`open_lane` answers False and
every message takes the ASGI path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

#: Takes one whole text message now (True) or leaves it to the ASGI path (False).
Lane = Callable[[str], bool]

#: uvicorn's ``--ws`` value for this protocol.
PROTOCOL_PATH = "core.ws_server:LaneProtocol"


class LaneProtocol(WebSocketsSansIOProtocol):
    """uvicorn's ``websockets-sansio`` protocol that offers each whole text message to the socket's lane first."""

    lane: Lane | None = None

    def send_receive_event_to_app(self) -> None:
        lane = self.lane
        if (
            lane is not None
            and self.curr_msg_data_type == "text"
            and len(self.frames) == 1
            and not self.close_sent
            and self.queue.empty()
        ):
            try:
                text = bytes(self.frames[0]).decode()
            except UnicodeDecodeError:
                pass  # uvicorn's own path closes the connection (1007)
            else:
                if lane(text):
                    self.frames = []
                    return
        super().send_receive_event_to_app()


def _protocol_of(send: Any) -> LaneProtocol | None:
    protocol = getattr(send, "__self__", None)
    if not isinstance(protocol, LaneProtocol) or getattr(send, "__name__", "") != "send":
        return None
    return protocol


def open_lane(send: Any, lane: Lane) -> bool:
    """Offer the text messages of the connection behind ASGI ``send`` to ``lane`` first; False
    where the server has no lane (another server, a test communicator, a wrapped ``send``)."""
    protocol = _protocol_of(send)
    if protocol is None:
        return False
    protocol.lane = lane
    return True


def close_lane(send: Any) -> None:
    """Stop offering messages to the lane (and drop the protocol's reference to it: the lane is a
    bound method of the socket's consumer, whose own references lead back to the protocol)."""
    protocol = _protocol_of(send)
    if protocol is not None:
        protocol.lane = None
