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
binary one or one that is not UTF-8 takes the ASGI path (uvicorn refuses the last). Whole small text
frames that arrive at a frame boundary are read by the protocol itself for the lane, without
``websockets`` (:meth:`LaneProtocol.data_received`). The app keeps the
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
from websockets.frames import apply_mask  # websockets' C speedup where it is built
from websockets.protocol import State

#: Takes one whole text message now (True) or leaves it to the ASGI path (False).
Lane = Callable[[str], bool]

#: uvicorn's ``--ws`` value for this protocol.
PROTOCOL_PATH = "core.ws_server:LaneProtocol"

#: The first byte of a whole, uncompressed text frame (FIN, no RSV bits, opcode 1).
_WHOLE_TEXT = 0x81
#: A client frame's mask key, after its header (RFC 6455 5.3).
_MASK_SIZE = 4


class LaneProtocol(WebSocketsSansIOProtocol):
    """uvicorn's ``websockets-sansio`` protocol that offers each whole text message to the socket's lane first."""

    lane: Lane | None = None

    def data_received(self, data: bytes) -> None:
        """Whole small text frames at the start of ``data`` go to the lane read here; the rest, from
        the first frame this does not read, goes through ``websockets`` as before.

        ``websockets`` took 5 µs of Python to parse an answer's frame where these few lines take
        under 1 (docs/operations.md). Read here only at a frame boundary of an open connection
        (nothing buffered, no fragmented message under way, nothing queued, no close sent), and
        only unfragmented, uncompressed, masked text frames within the size limit: anything else,
        a control frame included, is left to ``websockets``, which keeps its state for the next."""
        lane = self.lane
        if lane is not None and self._lane_may_read():
            offset = self._read_for_lane(data, lane)
            if offset:
                data = data[offset:]
        if data:
            super().data_received(data)

    def _lane_may_read(self) -> bool:
        conn = self.conn
        return (
            conn.state is State.OPEN
            and conn.current_size is None
            and conn.parser_exc is None
            and not conn.reader.buffer
            and not self.close_sent
            and self.queue.empty()
        )

    def _read_for_lane(self, data: bytes, lane: Lane) -> int:
        """Offer the whole text frames at the start of ``data`` to ``lane``; how many bytes were read."""
        size = len(data)
        limit = self.conn.max_message_size
        offset = 0
        while size - offset >= 2 + _MASK_SIZE and data[offset] == _WHOLE_TEXT:
            second = data[offset + 1]
            length = second & 0x7F
            start = offset + 2
            if not second & 0x80 or length == 127:  # unmasked (refused by websockets) or huge
                break
            if length == 126:
                length = int.from_bytes(data[start : start + 2], "big")
                start += 2
            end = start + _MASK_SIZE + length
            if end > size or (limit is not None and length > limit):
                break  # not all here yet, or too big: websockets buffers or refuses it
            payload = apply_mask(data[start + _MASK_SIZE : end], data[start : start + _MASK_SIZE])
            try:
                text = payload.decode()
            except UnicodeDecodeError:
                break  # uvicorn closes the connection (1007)
            offset = end
            if not lane(text):  # to the ASGI path, as uvicorn queues a message; what follows waits behind it
                self.curr_msg_data_type = "text"
                self.frames = [payload]
                WebSocketsSansIOProtocol.send_receive_event_to_app(self)
                break
            if self.lane is not lane or not self._lane_may_read():
                break
        return offset

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
