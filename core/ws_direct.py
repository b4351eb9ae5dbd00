"""Text frames written straight to the connection: the fan-out's hot path.

A message a room sends to 5,000 sockets of one process went, per socket, through two coroutines,
an ASGI message dict, uvicorn's ``send`` (an ``Event.wait``, its checks, ``str.encode``) and the
``websockets`` protocol's frame builder before reaching the transport. A text frame from a server
is two to ten bytes of header and the UTF-8 text (RFC 6455 section 5.2: FIN, opcode 1, no mask), so
a broadcast builds it once and writes the same bytes to every socket that can take them now.

Only under uvicorn's ``websockets-sansio`` protocol (or core.ws_server's, which ``manage.py serve``,
docker-compose.yml and the benchmarks run) and only without extensions (per-message deflate is off there: it would have
to compress each frame). Anywhere else (another server, a test communicator, a wrapped ``send``)
:func:`direct_writer` answers None and the socket keeps the ASGI path. A writer refuses (False)
whenever the ASGI path would wait or refuse: the transport paused for a slow phone (the caller
then takes the ASGI path, which waits for it, so the order holds), a close sent or received, the
connection lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

#: Writes one whole frame now and says True, or writes nothing and says False.
FrameWriter = Callable[[bytes], bool]

_FIN_TEXT = 0x81


def text_frame(text: str) -> bytes:
    """The unmasked, unfragmented text frame a server sends for ``text``."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        return bytes((_FIN_TEXT, size)) + payload
    if size < 1 << 16:
        return bytes((_FIN_TEXT, 126)) + size.to_bytes(2, "big") + payload
    return bytes((_FIN_TEXT, 127)) + size.to_bytes(8, "big") + payload


def direct_writer(send: Any) -> FrameWriter | None:
    """A frame writer for the accepted socket behind ASGI ``send``, or None where there is none."""
    protocol = getattr(send, "__self__", None)
    if not isinstance(protocol, WebSocketsSansIOProtocol) or getattr(send, "__name__", "") != "send":
        return None
    conn = protocol.conn
    if not protocol.handshake_complete or conn.extensions or conn.state is not State.OPEN:
        return None
    writable = protocol.writable
    open_state = State.OPEN  # a local: this runs once per socket per message

    def write(frame: bytes) -> bool:
        if protocol.disconnected or protocol.close_sent or not writable.is_set() or conn.state is not open_state:
            return False
        protocol.transport.write(frame)
        return True

    return write
