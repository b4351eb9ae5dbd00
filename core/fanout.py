"""Room broadcasts that scale: one channel-layer message per *process*, not per socket.

A plain Channels ``group_send`` makes every consumer receive the message through its own
channel and serialise it again: 10-30x slower than the socket limit, and O(N²) on the
in-memory layer (``shared/ANCHORS.md``). Here each process keeps a local registry of its
sockets per group and subscribes **one** channel of its own to the group. A publish is a
single ``group_send`` of the already-serialised text; each process receives it once and
writes it to its local sockets directly.

A message may carry ``personal`` parts: ``{member_key: json_fragment}``, spliced into the
shared text as ``"you": ...`` for that member only (own score and rank after a reveal),
so per-student data costs one small string each, not one serialisation each.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

#: Who a message is for: every socket of the group, or one audience (``"students"``,
#: ``"hosts"``) or one member (``"member:<key>"``).
EVERYONE = "*"

SendText = Callable[[str], Awaitable[None]]


#: Messages a socket may have waiting; a client that falls further behind is closed (it
#: reconnects and gets the whole state again) instead of holding up the room.
OUTBOX_LIMIT = 256


@dataclass(eq=False)
class LocalSocket:
    """One local socket. A broadcast is written at once when the socket can take it (no task,
    no queue: the common case); a socket that makes the write wait gets a task of its own that
    finishes it and drains a bounded outbox, so a slow phone delays only itself."""

    send_text: SendText
    audience: str
    key: str = ""
    on_overflow: Callable[[], Awaitable[None]] | None = None
    outbox: deque = field(default_factory=deque)
    writer: asyncio.Task | None = None
    closed: bool = False

    def stop(self) -> None:
        self.closed = True
        self.outbox.clear()
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None

    def offer(self, text: str) -> None:
        if self.closed:
            return
        if self.writer is not None:  # busy: keep the order, within bounds
            if len(self.outbox) >= OUTBOX_LIMIT:
                logger.warning("fanout: a socket fell %d messages behind; closing it", OUTBOX_LIMIT)
                self.stop()
                if self.on_overflow is not None:
                    asyncio.get_running_loop().create_task(self.on_overflow())
                return
            self.outbox.append(text)
            return
        sending = self.send_text(text)
        try:
            waiting_on = sending.send(None)  # runs the write up to its first real wait, if any
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - a closed socket; its consumer leaves the group
            self.stop()
            return
        self.writer = asyncio.get_running_loop().create_task(self._finish(sending, waiting_on))

    async def _finish(self, sending: Any, waiting_on: Any) -> None:
        try:
            await _resume(sending, waiting_on)
            while self.outbox and not self.closed:
                await self.send_text(self.outbox.popleft())
        except asyncio.CancelledError:
            sending.close()
            raise
        except Exception:  # closed under us
            logger.debug("fanout: write failed", exc_info=True)
            self.closed = True
        finally:
            self.writer = None


async def _resume(coroutine: Any, waiting_on: Any) -> None:
    """Carry on a coroutine that was started by hand and is waiting on ``waiting_on``
    (what a Task would do; Python 3.12's eager tasks do the same)."""
    while True:
        if waiting_on is None:  # a bare yield: "let others run"
            await asyncio.sleep(0)
        else:
            waiting_on._asyncio_future_blocking = False  # noqa: SLF001 - as Task.__step does before waiting
            await waiting_on
        try:
            waiting_on = coroutine.send(None)
        except StopIteration:
            return


@dataclass
class _ProcessHub:
    loop: asyncio.AbstractEventLoop | None = None
    channel: str | None = None
    listener: asyncio.Task | None = None
    ready: asyncio.Event | None = None
    groups: dict[str, set[LocalSocket]] = field(default_factory=dict)
    #: Set once the process's channel is in the layer's group.
    subscribed: dict[str, asyncio.Event] = field(default_factory=dict)


_hub = _ProcessHub()


async def _ensure_listener() -> _ProcessHub:
    """Start this process's listener on the running loop (again, if the loop changed: tests)."""
    loop = asyncio.get_running_loop()
    if _hub.loop is not loop:
        _hub.loop, _hub.ready, _hub.groups, _hub.subscribed = loop, asyncio.Event(), {}, {}
        layer = get_channel_layer()
        _hub.channel = await layer.new_channel("fanout.")
        _hub.listener = loop.create_task(_listen(layer, _hub.channel))
        _hub.ready.set()
    await _hub.ready.wait()
    return _hub


async def _listen(layer: Any, channel: str) -> None:
    while True:
        try:
            message = await layer.receive(channel)
        except asyncio.CancelledError:
            raise
        except Exception:  # a layer hiccup must not end the process's broadcasts
            logger.exception("fanout: receive failed; retrying")
            await asyncio.sleep(0.5)
            continue
        try:
            await deliver_locally(message)
        except Exception:
            logger.exception("fanout: delivery failed")


async def join(group: str, socket: LocalSocket) -> None:
    """Add a local socket; when this returns, publishes to the group reach it."""
    hub = await _ensure_listener()
    hub.groups.setdefault(group, set()).add(socket)
    subscribed = hub.subscribed.get(group)
    if subscribed is None:
        subscribed = hub.subscribed[group] = asyncio.Event()
        await get_channel_layer().group_add(group, hub.channel)
        subscribed.set()
    await subscribed.wait()


async def leave(group: str, socket: LocalSocket) -> None:
    socket.stop()
    members = _hub.groups.get(group)
    if members is None:
        return
    members.discard(socket)
    if not members and _hub.loop is asyncio.get_running_loop() and _hub.subscribed.get(group, None):
        del _hub.groups[group]
        if _hub.subscribed.pop(group).is_set():
            await get_channel_layer().group_discard(group, _hub.channel)


def local_count(group: str) -> int:
    return len(_hub.groups.get(group, ()))


def _wants(socket: LocalSocket, audience: str) -> bool:
    if audience == EVERYONE:
        return True
    if audience.startswith("member:"):
        return socket.key == audience[7:]
    return socket.audience == audience


async def deliver_locally(message: dict[str, Any]) -> None:
    members = _hub.groups.get(message["group"])
    if not members:
        return
    text: str = message["text"]
    audience: str = message.get("audience", EVERYONE)
    personal: dict[str, str] = message.get("personal") or {}
    base = text[:-1]  # the shared object without its closing brace
    for socket in list(members):
        if _wants(socket, audience):
            part = personal.get(socket.key) if personal else None
            socket.offer(f'{base},"you":{part}}}' if part is not None else text)


async def publish(group: str, text: str, *, audience: str = EVERYONE, personal: dict[str, str] | None = None) -> None:
    """Send pre-serialised JSON ``text`` (an object) to the group's sockets in every process."""
    await get_channel_layer().group_send(
        group,
        {"type": "fanout.message", "group": group, "text": text, "audience": audience, "personal": personal or {}},
    )


def publish_sync(group: str, text: str, *, audience: str = EVERYONE, personal: dict[str, str] | None = None) -> None:
    """:func:`publish` from synchronous code (services, after their transaction commits)."""
    async_to_sync(publish)(group, text, audience=audience, personal=personal)
