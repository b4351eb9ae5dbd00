"""A class of students and their instructor over real WebSockets, doing what the browser's JS does.

A :class:`Student` joins over HTTP, keeps its token, says ``hello`` on every (re)connect, answers each
question once, resends an answer refused with ``not_stored``, reconnects with its token when its socket
closes (to the next web process when its own refuses the connection), and asks for the state again
(``hello``) when it sees a gap in the room's ``seq`` numbers. It counts a question as received when a
``question`` for it or a ``state`` showing it arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
import time
from dataclasses import dataclass, field
from typing import Any

import websockets
from websockets.typing import Origin

from bench.harness import http_post_json

ORIGIN = Origin("http://127.0.0.1")

#: Frames of the room a student acts on; the rest it only counts.
ACK_BY_STATE = "state"


@dataclass(eq=False)
class Student:
    index: int
    code: str
    ports: list[int]
    token: str = ""
    participant_id: int = 0
    ws: Any = None
    connects: int = 0
    received: dict[int, float] = field(default_factory=dict)
    sent: set[int] = field(default_factory=set)
    sends: int = 0  # frames, resends included
    acked: dict[int, str] = field(default_factory=dict)  # question -> what acknowledged it
    refusals: list[str] = field(default_factory=list)
    resyncs: int = 0
    last_seq: int | None = None
    open_question: int | None = None
    ended: bool = False
    identities: set[int] = field(default_factory=set)
    scores_seen: list[int] = field(default_factory=list)
    _port_index: int = 0
    _task: asyncio.Task | None = None

    @property
    def choice(self) -> int:
        return self.index % 2  # half right (option 0 is right), half wrong

    async def join(self) -> None:
        body_in = {"nickname": f"s{self.index}", "device_id": f"d{self.index}"}
        status, body = await http_post_json(self.ports[0], f"/api/rooms/{self.code}/join/", body_in)
        if status not in (200, 201):
            raise RuntimeError(f"join failed: {status} {body}")
        self.token = body["token"]
        self.participant_id = body["participant"]["id"]

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self.ended = True
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def drop(self) -> None:
        """The network drops this socket (the client reconnects by itself)."""
        if self.ws is not None:
            with contextlib.suppress(Exception):
                self.ws.transport.abort()

    async def _run(self) -> None:
        backoff = 0.2
        while not self.ended:
            port = self.ports[self._port_index % len(self.ports)]
            try:
                async with websockets.connect(
                    f"ws://127.0.0.1:{port}/ws/rooms/{self.code}/play/",
                    origin=ORIGIN,
                    open_timeout=10,
                    ping_interval=None,
                    max_queue=None,
                ) as ws:
                    self.ws = ws
                    self.connects += 1
                    self.last_seq = None
                    backoff = 0.2
                    await self._send({"type": "hello", "token": self.token})
                    async for raw in ws:
                        await self._on(json.loads(raw))
            except (OSError, websockets.ConnectionClosed, websockets.InvalidHandshake, TimeoutError):
                self._port_index += 1  # the phone's next try; a dead process sends it to the other one
            if self.ended:
                return
            await asyncio.sleep(backoff + random.uniform(0, 0.3))
            backoff = min(backoff * 2, 2.0)

    async def _send(self, frame: dict[str, Any]) -> None:
        with contextlib.suppress(websockets.ConnectionClosed, AttributeError):
            await self.ws.send(json.dumps(frame))

    def _note_received(self, question_id: int) -> None:
        self.received.setdefault(question_id, time.monotonic())

    async def _on(self, msg: dict[str, Any]) -> None:
        seq = msg.get("seq")
        if isinstance(seq, int):
            if self.last_seq is not None and seq > self.last_seq + 1:
                self.resyncs += 1
                await self._send({"type": "hello", "token": self.token})
            self.last_seq = max(seq, self.last_seq or 0)
        kind = msg.get("type")
        if kind == "state":
            await self._on_state(msg)
        elif kind == "question":
            question_id = msg["question"]["id"]
            self._note_received(question_id)
            self.open_question = question_id
            self._answer_soon(question_id)
        elif kind == "answer_received":
            self.acked.setdefault(msg["question_id"], "answer_received")
        elif kind == "reveal":
            self.open_question = None
            you = msg.get("you") or {}
            if "score" in you:
                self.scores_seen.append(you["score"])
        elif kind == "error":
            await self._on_error(msg)
        elif kind == "session_ended":
            self.ended = True

    async def _on_state(self, msg: dict[str, Any]) -> None:
        you = msg.get("you") or {}
        if "id" in you:
            self.identities.add(you["id"])
        if "score" in you:
            self.scores_seen.append(you["score"])
        question = msg.get("question") or {}
        session = msg.get("session") or {}
        question_id = question.get("id")
        if question_id is None:
            return
        self._note_received(question_id)
        if msg.get("answer"):
            if question_id in self.sent:
                self.acked.setdefault(question_id, ACK_BY_STATE)  # stored, and the ack was lost with the socket
            return
        if session.get("state") == "question":
            self.open_question = question_id
            if question_id in self.sent and question_id not in self.acked:
                await self._answer(question_id)  # sent into a socket that died: send it again
            else:
                self._answer_soon(question_id)

    async def _on_error(self, msg: dict[str, Any]) -> None:
        code = msg.get("code", "")
        self.refusals.append(code)
        ref = msg.get("ref")
        question_id = int(ref[1:]) if isinstance(ref, str) and ref[1:].isdigit() else self.open_question
        if code == "not_stored" and question_id is not None and question_id not in self.acked:
            await asyncio.sleep(0.3 + random.uniform(0, 0.3))
            await self._answer(question_id)  # what the phone does: "please send it again"
        elif code == "already_answered" and question_id is not None and question_id in self.sent:
            self.acked.setdefault(question_id, "already_answered")

    def _answer_soon(self, question_id: int) -> None:
        if question_id in self.sent:
            return
        self.sent.add(question_id)
        delay = random.uniform(0.05, 1.0)
        asyncio.get_running_loop().call_later(delay, lambda: asyncio.ensure_future(self._answer(question_id)))

    async def _answer(self, question_id: int) -> None:
        if question_id in self.acked or self.ended:
            return
        self.sends += 1
        await self._send(
            {"type": "answer", "question_id": question_id, "choices": [self.choice], "id": f"q{question_id}"}
        )


class Host:
    """The instructor's console socket (session cookie), reconnecting like console.js."""

    def __init__(self, code: str, cookie: str, ports: list[int]) -> None:
        self.code, self.cookie, self.ports = code, cookie, ports
        self.ws: Any = None
        self.messages: list[dict[str, Any]] = []
        self.readers: set[asyncio.Task] = set()

    async def connect(self) -> None:
        last: Exception | None = None
        for port in self.ports * 20:
            try:
                self.ws = await websockets.connect(
                    f"ws://127.0.0.1:{port}/ws/rooms/{self.code}/host/",
                    origin=ORIGIN,
                    additional_headers={"Cookie": f"sessionid={self.cookie}"},
                    open_timeout=10,
                    ping_interval=None,
                    max_queue=None,
                )
                reader = asyncio.create_task(self._read(self.ws))
                self.readers.add(reader)
                reader.add_done_callback(self.readers.discard)
                return
            except (OSError, websockets.InvalidHandshake, TimeoutError) as exc:
                last = exc
                await asyncio.sleep(0.3)
        raise RuntimeError(f"the host socket could not connect: {last!r}")

    async def _read(self, ws: Any) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in ws:
                self.messages.append(json.loads(raw))

    async def send(self, frame: dict[str, Any]) -> None:
        for _attempt in range(3):
            try:
                await self.ws.send(json.dumps(frame))
                return
            except (websockets.ConnectionClosed, AttributeError):
                await self.connect()
        raise RuntimeError(f"the host could not send {frame}")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


class SlowReader:
    """A phone that stops reading: a raw socket with a tiny receive buffer, the handshake and ``hello``,
    then nothing read. The server must close it after its outbox bound, without holding the room up."""

    def __init__(self, port: int, code: str, token: str) -> None:
        self.port, self.code, self.token = port, code, token
        self.sock: socket.socket | None = None

    def open(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        # A small segment size (as on a real network, not loopback's 64 KiB): the server's kernel then
        # sizes its send buffer for it, so the outbox bound is reached after kilobytes, not megabytes.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
        sock.settimeout(10)
        sock.connect(("127.0.0.1", self.port))
        sock.sendall(
            f"GET /ws/rooms/{self.code}/play/ HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            "Origin: http://127.0.0.1\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(1)
            if not chunk:
                raise RuntimeError("the slow reader's handshake was refused")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"the slow reader's handshake failed: {head[:200]!r}")
        sock.sendall(_masked_text(json.dumps({"type": "hello", "token": self.token}).encode()))
        self.sock = sock

    def closed_by_server(self, timeout: float) -> bool:
        """Read what is left; True when the server closed the connection (EOF or reset)."""
        assert self.sock is not None
        self.sock.settimeout(1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if not self.sock.recv(65536):
                    return True
            except TimeoutError:
                continue
            except ConnectionResetError:
                return True
        return False

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()


def _masked_text(payload: bytes) -> bytes:
    mask = bytes(random.getrandbits(8) for _ in range(4))
    length = len(payload)
    size = bytes([0x80 | length]) if length < 126 else bytes([0x80 | 126]) + length.to_bytes(2, "big")
    header = bytes([0x81]) + size
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
