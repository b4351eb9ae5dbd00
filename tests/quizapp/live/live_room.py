"""Helpers for the live-room fault tests: a Redis of the test's own, a game, and socket clients
that keep everything they receive."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from typing import Any, cast

import pytest
import redis
from django.contrib.auth.models import User
from django.test import Client
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from core import fanout
from quizapp.authoring.services import quiz_create
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import QuizSession
from tests.factories import InstructorFactory
from tests.support import free_port, unavailable


class RedisServer:
    """A redis-server of the test's own on a spare port (no persistence), to kill and restart."""

    def __init__(self) -> None:
        if shutil.which("redis-server") is None:
            unavailable("redis-server is not installed")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return self
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the test's redis-server did not start") from None
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@contextlib.contextmanager
def own_redis(settings: Any) -> Iterator[RedisServer]:
    """The channel layer (pub/sub) and the cache on a Redis of this test: the production shape."""
    server = RedisServer().start()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [server.url], "prefix": f"a2bfault{server.port}"},
        }
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url}}
    try:
        yield server
    finally:
        detach_other_loops()
        server.kill()


def detach_other_loops() -> None:
    """Close the fan-out hubs that the live server's loop (another thread) built on this test's layer,
    so their Redis connections do not outlive the Redis this test is about to stop."""
    try:
        here = asyncio.get_running_loop()
    except RuntimeError:
        here = None
    for loop, hub in list(fanout._hubs.items()):
        if loop is not here and loop.is_running():
            asyncio.run_coroutine_threadsafe(fanout.detach(hub), loop).result(timeout=10)


QUESTIONS = [
    {
        "kind": "true_false",
        "prompt": f"Question {n}?",
        "options": [{"text": "yes", "correct": True}, {"text": "no", "correct": False}],
    }
    for n in range(1, 5)
]


def make_game(code: str = "FAULTS") -> tuple[QuizSession, str, list[int]]:
    """A live instructor-paced session; the owner's session cookie; its questions' ids."""
    teacher = cast(User, InstructorFactory(username=f"teacher-{code.lower()}", password="x-long-password-1"))
    room = room_create(owner=teacher, code=code)
    quiz = quiz_create(owner=teacher, title="Fault quiz", questions=QUESTIONS)
    session = live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    client = Client()
    client.force_login(teacher)
    return (
        session,
        client.cookies["sessionid"].value,
        list(quiz.questions.order_by("position").values_list("id", flat=True)),
    )


class Socket:
    """A real WebSocket client that records every message (with the time it arrived)."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.messages: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()
        self.reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(cls, url: str, cookie: str | None = None, language: str | None = None) -> Socket:
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        if language:
            headers["Accept-Language"] = language
        connection = await connect(url, origin=Origin("http://127.0.0.1"), additional_headers=headers, open_timeout=5)
        return cls(connection)

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.connection:
                self.messages.append(json.loads(raw))
                self.arrived.set()

    async def send(self, payload: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(payload))

    def has_question(self, question_id: int) -> bool:
        """Received question ``question_id``: as ``question``, or as a state with it open."""
        for m in self.messages:
            if m["type"] == "question" and m["question"]["id"] == question_id:
                return True
            if m["type"] in ("state", "host_state") and (m.get("question") or {}).get("id") == question_id:
                return True
        return False

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == kind]

    async def wait_for(self, condition: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"{what}: not within {timeout} s; last messages {self.messages[-3:]}")
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), min(left, 0.2))

    async def close(self) -> None:
        await self.connection.close()
        self.reader.cancel()


async def wait_all(sockets: list[Socket], condition: Any, timeout: float, what: str) -> float:
    """Wait until ``condition(socket)`` holds for every socket; the seconds it took."""
    started = time.monotonic()
    for socket in sockets:
        left = timeout - (time.monotonic() - started)
        await socket.wait_for(lambda s=socket: condition(s), max(left, 0.01), what)
    return time.monotonic() - started
