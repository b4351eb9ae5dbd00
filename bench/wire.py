"""A lean WebSocket client for the load benchmarks: thousands of phones in one client process.

The ``websockets`` client costs about 60 µs of the client's CPU per message received (its frame
reader, a queue, a task woken per message); at 10,000 students on two cores that is most of a core
during a fan-out, so the benchmark's own client, not the server, set the tail (the bare server's
p99 at 10,000 was ~700 ms). This one parses frames in ``data_received`` and hands each text
message to a callback: a handful of microseconds. It speaks just what the benchmark needs (RFC 6455
text frames, unfragmented from the server, masked from the client, close), checks the handshake's
``101`` and its ``Sec-WebSocket-Accept``, and refuses anything else loudly.

Every benchmark socket (the app's and the bare baseline's) uses the same client, so the ratios
compare servers, not clients.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import struct
from collections.abc import Callable

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WireError(RuntimeError):
    """The server did something this client does not speak (or refused the handshake)."""


class WireSocket(asyncio.Protocol):
    """One client socket; ``on_text(str)`` is called for every text message, in order."""

    def __init__(self, on_text: Callable[[str], None]) -> None:
        self.on_text = on_text
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.handshake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.key = base64.b64encode(os.urandom(16))
        self.open = False

    # --- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.open:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            del self.buffer[: end + 4]
            self._check_handshake(head)
            if not self.open:
                return
        self._read_frames()

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if not self.handshake.done():
            self.handshake.set_exception(exc or WireError("closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(None)

    # --- the protocol ---------------------------------------------------------------------------

    def _check_handshake(self, head: str) -> None:
        status_line, *header_lines = head.split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        expected = base64.b64encode(hashlib.sha1(self.key + _GUID).digest()).decode()  # noqa: S324 - RFC 6455
        if not status_line.startswith("HTTP/1.1 101") or headers.get("sec-websocket-accept") != expected:
            self.handshake.set_exception(WireError(f"handshake refused: {status_line}"))
            if self.transport is not None:
                self.transport.close()
            return
        self.open = True
        self.handshake.set_result(None)

    def _read_frames(self) -> None:
        buffer = self.buffer
        offset = 0
        while (frame := _next_frame(buffer, offset)) is not None:
            first, start, length = frame
            opcode = first & 0x0F
            if not first & 0x80:
                raise WireError("fragmented messages are not expected from the server")
            payload = bytes(buffer[start : start + length])
            offset = start + length
            if opcode == 0x1:
                self.on_text(payload.decode())
            elif opcode == 0x8:  # close: answer it and let the server end the connection
                self._write_frame(0x8, payload[:2])
            elif opcode == 0x9:  # ping
                self._write_frame(0xA, payload)
            elif opcode not in (0x2, 0xA):
                raise WireError(f"unexpected opcode {opcode}")
        if offset:
            del buffer[:offset]

    def _write_frame(self, opcode: int, payload: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        # A zero mask key: the payload goes as it is (servers must accept any key; the bench's
        # frames are its own, so there is no cache to poison on loopback).
        self.transport.write(header + b"\x00\x00\x00\x00" + payload)

    # --- the benchmark's side ---------------------------------------------------------------------

    def send(self, text: str) -> None:
        """Queue one text message (written at once; the kernel buffers it)."""
        self._write_frame(0x1, text.encode())

    async def close(self) -> None:
        """Send a close frame and wait (a little) for the server to end the connection."""
        if self.transport is None:
            return
        self._write_frame(0x8, struct.pack("!H", 1000))
        try:
            await asyncio.wait_for(asyncio.shield(self.closed), 5)
        except TimeoutError:
            self.transport.close()


def _next_frame(buffer: bytearray, offset: int) -> tuple[int, int, int] | None:
    """(first byte, payload start, payload length) of the whole frame at ``offset``, or None while
    it has not all arrived."""
    size = len(buffer)
    if size - offset < 2:
        return None
    first, second = buffer[offset], buffer[offset + 1]
    if second & 0x80:
        raise WireError("a server frame must not be masked")
    length = second & 0x7F
    start = offset + 2
    if length == 126:
        if size - start < 2:
            return None
        (length,) = struct.unpack_from("!H", buffer, start)
        start += 2
    elif length == 127:
        if size - start < 8:
            return None
        (length,) = struct.unpack_from("!Q", buffer, start)
        start += 8
    if size - start < length:
        return None
    return first, start, length


async def connect(
    port: int,
    path: str,
    on_text: Callable[[str], None],
    *,
    origin: str | None = None,
    headers: dict[str, str] | None = None,
    timeout_s: float = 120,
) -> WireSocket:
    """Open ``ws://127.0.0.1:<port><path>``; returns once the server accepted the handshake."""
    loop = asyncio.get_running_loop()
    _, socket = await asyncio.wait_for(
        loop.create_connection(lambda: WireSocket(on_text), "127.0.0.1", port), timeout_s
    )
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    if origin:
        extra += f"Origin: {origin}\r\n"
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {socket.key.decode()}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
    )
    assert socket.transport is not None
    socket.transport.write(request.encode())
    await asyncio.wait_for(socket.handshake, timeout_s)
    return socket
