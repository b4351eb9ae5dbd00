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

Nothing is lost silently (docs/adr/0008-a-broadcast-is-never-silently-lost.md): every message
carries a ``seq`` per group and *stream* (an audience registered with :func:`register_streams`),
allocated from a counter in the cache, so a client that sees a gap asks for the state. Each
process probes its own layer subscription every :data:`PROBE_INTERVAL_S`; when it is lost, the
local sockets hear ``link`` ``up: false``; when it is back, the groups are subscribed again and
every local socket is sent its current state (:attr:`LocalSocket.on_resync`). The same happens
for a group whose counter moved past what this process delivered (a message lost on the way),
and a publish that cannot reach the layer logs once per outage instead of raising.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import uuid
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync, sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer

from core.process_cache import process_cache
from core.ws_direct import FrameWriter, text_frame

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
    #: Sends this socket its whole current state (after a lost subscription or a lost message).
    on_resync: Callable[[], Awaitable[None]] | None = None
    #: Writes a whole frame now if the socket can take it (core.ws_direct); None: the ASGI path only.
    write_frame: FrameWriter | None = None
    outbox: deque = field(default_factory=deque)
    writer: asyncio.Task | None = None
    closed: bool = False

    def stop(self) -> None:
        self.closed = True
        self.outbox.clear()
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None

    def offer(self, text: str, frame: bytes | None = None) -> None:
        """Send ``text`` (``frame``: its frame, when the caller built it once for many sockets)."""
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
        if self.write_frame is not None and self.write_frame(text_frame(text) if frame is None else frame):
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


#: How often each process checks its layer subscription and the groups' counters, and how long
#: a probe may take before the subscription counts as lost.
PROBE_INTERVAL_S = 1.0
PROBE_TIMEOUT_S = 2.0
#: Probes in a row that only came back late (no error) before the subscription counts as lost. A
#: process busy writing a question to thousands of sockets answers its own probe late; taking that
#: for a lost link resynced every socket of the room at its busiest moment (docs/operations.md,
#: "Sizing"). A refused connection (Redis down) counts at once.
SLOW_PROBES_BEFORE_DOWN = 3
#: A sequence counter lives this long after its last creation (a session is shorter).
SEQ_TTL_S = 7 * 24 * 3600

_streams: list[str] = []


def register_streams(*names: str) -> None:
    """Audiences whose sockets count a ``seq`` of their own; a message to everyone advances each."""
    for name in names:
        if name not in _streams:
            _streams.append(name)


def _streams_for(audience: str) -> list[str]:
    if audience == EVERYONE:
        return list(_streams)
    return [audience] if audience in _streams else []


def seq_key(group: str, stream: str) -> str:
    """The cache key of a stream's counter."""
    return f"fanout:seq:{group}:{stream}"


def _next_seq(group: str, stream: str) -> int:
    key = seq_key(group, stream)
    try:
        return process_cache().incr(key)
    except ValueError:
        # A new counter, or one lost with its Redis: it starts at the clock (ms), so it never goes
        # below a number already sent, and clients that held the old one see a gap and resync.
        process_cache().add(key, int(time.time() * 1000), timeout=SEQ_TTL_S)
        return process_cache().incr(key)


def _allocate(group: str, streams: list[str]) -> dict[str, int]:
    return {stream: _next_seq(group, stream) for stream in streams}


def current_seq(group: str, stream: str) -> int:
    """The last ``seq`` allocated on a stream (a state read after this is current to it)."""
    key = seq_key(group, stream)
    value = process_cache().get(key)
    if value is None:
        process_cache().add(key, int(time.time() * 1000), timeout=SEQ_TTL_S)
        value = process_cache().get(key, 0)
    return int(value)


@dataclass
class OutageLog:
    """Logs a failing publish once per outage, and its end."""

    down: bool = False

    def failed(self, what: str) -> None:
        if not self.down:
            self.down = True
            logger.warning("fanout: %s failed; room messages are not reaching the layer", what, exc_info=True)

    def ok(self) -> None:
        if self.down:
            self.down = False
            logger.warning("fanout: the layer takes messages again")


_publishing = OutageLog()


@dataclass
class _ProcessHub:
    loop: asyncio.AbstractEventLoop | None = None
    layer: Any = None
    channel: str | None = None
    listener: asyncio.Task | None = None
    watchdog: asyncio.Task | None = None
    ready: asyncio.Event | None = None
    groups: dict[str, set[LocalSocket]] = field(default_factory=dict)
    #: Set once the process's channel is in the layer's group.
    subscribed: dict[str, asyncio.Event] = field(default_factory=dict)
    #: The highest ``seq`` this process delivered, per (group, stream).
    delivered: dict[tuple[str, str], int] = field(default_factory=dict)
    #: Counters seen ahead of ``delivered`` at the last check (a second look decides).
    ahead: dict[tuple[str, str], int] = field(default_factory=dict)
    link_up: bool = True
    slow_probes: int = 0
    probe_token: str = ""
    probe_back: asyncio.Event | None = None


#: One hub per event loop (a process has one; tests run several loops, each with its own sockets).
_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _ProcessHub] = weakref.WeakKeyDictionary()


def _current() -> _ProcessHub:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return _ProcessHub()
    return _hubs.get(loop) or _ProcessHub()


async def detach(hub: _ProcessHub | None = None) -> None:
    """Stop a loop's hub and close its layer's connections (the layer is being replaced: a settings
    change in tests). Without it a channels_redis layer whose Redis is gone keeps its own receive
    task retrying, and logging, for as long as the loop runs."""
    if hub is None:
        hub = _hubs.get(asyncio.get_running_loop())
    if hub is None:
        return
    for task in (hub.listener, hub.watchdog):
        if task is not None:
            task.cancel()
    if hub.loop is not None and _hubs.get(hub.loop) is hub:
        del _hubs[hub.loop]
    flush = getattr(hub.layer, "flush", None)
    if flush is not None and not isinstance(hub.layer, InMemoryChannelLayer):
        try:
            await asyncio.wait_for(flush(), timeout=2)
        except Exception:  # its server is gone: nothing left to close cleanly
            logger.debug("fanout: closing the replaced layer failed", exc_info=True)


async def _ensure_listener() -> _ProcessHub:
    """Start this process's listener on the running loop (again, if the layer changed: tests)."""
    loop = asyncio.get_running_loop()
    layer = get_channel_layer()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        if hub is not None:
            await detach(hub)
        ready = asyncio.Event()
        hub = _hubs[loop] = _ProcessHub(loop=loop, layer=layer, ready=ready, probe_back=asyncio.Event())
        hub.channel = await layer.new_channel("fanout.")
        hub.listener = loop.create_task(_listen(layer, hub.channel))
        hub.watchdog = loop.create_task(_watch(layer, hub.channel))
        ready.set()
    if hub.ready is not None:
        await hub.ready.wait()
    return hub


async def _listen(layer: Any, channel: str) -> None:
    hub = _current()
    while True:
        try:
            message = await layer.receive(channel)
        except asyncio.CancelledError:
            raise
        except Exception:  # a layer hiccup must not end the process's broadcasts
            logger.exception("fanout: receive failed; retrying")
            await asyncio.sleep(0.5)
            continue
        if message.get("type") == "fanout.probe":
            if message.get("token") == hub.probe_token and hub.probe_back is not None:
                hub.probe_back.set()
            continue
        try:
            await deliver_locally(message)
        except Exception:
            logger.exception("fanout: delivery failed")


# --- the watchdog: a lost subscription or message ends in a resync ---------------------------------


async def _watch(layer: Any, channel: str) -> None:
    while True:
        await asyncio.sleep(PROBE_INTERVAL_S)
        try:
            await _watch_once(layer, channel)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("fanout: watchdog check failed")


async def _watch_once(layer: Any, channel: str) -> None:
    hub = _current()
    outcome = await _probe(layer, channel)
    if outcome == "slow" and hub.link_up:
        hub.slow_probes += 1
        if hub.slow_probes < SLOW_PROBES_BEFORE_DOWN:
            return
    if outcome != "ok":
        hub.slow_probes = 0
        if hub.link_up:
            hub.link_up = False
            logger.warning("fanout: this process lost its channel-layer subscription; retrying")
            _notify_link(up=False)
        return
    hub.slow_probes = 0
    if not hub.link_up:
        for group, subscribed in list(hub.subscribed.items()):
            if subscribed.is_set():
                await layer.group_add(group, channel)
        hub.link_up = True
        behind = await _groups_behind()
        logger.warning(
            "fanout: channel-layer subscription back; resyncing %d of %d groups", len(behind), len(hub.groups)
        )
        _notify_link(up=True)
        await _resync(behind)
        return
    await _check_counters()


async def _groups_behind() -> list[str]:
    """The groups that may have lost a message while the link was down: a stream's counter gone
    (Redis restarted), unknown here, or past what this process delivered. A link that was only slow
    lost nothing, and resyncing every socket of a busy room is what made it slower (docs/operations.md)."""
    hub = _current()
    keys = _local_streams()
    try:
        counters = await sync_to_async(_read_counters, thread_sensitive=False)(keys) if keys else {}
    except Exception:  # noqa: BLE001 - the cache is down: resync everything, as before
        return list(hub.groups)
    behind = {group for group in hub.groups if group not in {g for g, _stream in keys}}  # nothing to compare
    for key, counter in counters.items():
        delivered = hub.delivered.get(key)
        if counter is None or delivered is None or int(counter) > delivered:
            behind.add(key[0])
    return [group for group in hub.groups if group in behind]


async def _probe(layer: Any, channel: str) -> str:
    """``"ok"`` when a message this process sends to its own channel comes back in time, ``"slow"``
    when it does not (a lost subscription, or only a busy process), ``"failed"`` when it cannot be sent."""
    hub = _current()
    if hub.probe_back is None:
        return "ok"
    hub.probe_token = uuid.uuid4().hex
    hub.probe_back.clear()
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_S):
            await layer.send(channel, {"type": "fanout.probe", "token": hub.probe_token})
            await hub.probe_back.wait()
    except asyncio.CancelledError:
        raise
    except TimeoutError:
        return "slow"
    except Exception:  # noqa: BLE001 - a refused connection: the link is down
        return "failed"
    return "ok"


def _notify_link(*, up: bool) -> None:
    hub = _current()
    text = '{"v":1,"type":"link","up":%s}' % ("true" if up else "false")
    for members in list(hub.groups.values()):
        for socket in list(members):
            socket.offer(text)


def _local_streams() -> list[tuple[str, str]]:
    hub = _current()
    return sorted(
        {(group, s.audience) for group, members in hub.groups.items() for s in members if s.audience in _streams}
    )


def _read_counters(keys: list[tuple[str, str]]) -> dict[tuple[str, str], int | None]:
    values = process_cache().get_many([seq_key(g, s) for g, s in keys])
    return {(g, s): values.get(seq_key(g, s)) for g, s in keys}


async def _check_counters() -> None:
    """A group whose counter stays ahead of what this process delivered lost a message here."""
    hub = _current()
    keys = _local_streams()
    if not keys:
        return
    try:
        counters = await sync_to_async(_read_counters, thread_sensitive=False)(keys)
    except Exception:  # noqa: BLE001 - the cache is down: the probe or the next check will tell
        return
    behind: set[str] = set()
    for key, counter in counters.items():
        delivered = hub.delivered.get(key)
        if delivered is None:
            if counter is not None:
                hub.delivered[key] = int(counter)
            continue
        if counter is None:  # the counter was lost (its Redis restarted): whatever went, resync
            behind.add(key[0])
            continue
        earlier = hub.ahead.pop(key, None)
        if earlier is not None and delivered < earlier:
            behind.add(key[0])
        elif int(counter) > delivered:
            hub.ahead[key] = int(counter)
    if behind:
        logger.warning("fanout: %d groups missed messages here; resyncing their sockets", len(behind))
        await _resync(sorted(behind))


async def _resync(groups: list[str]) -> None:
    """Send every local socket of ``groups`` its current state."""
    hub = _current()
    for group in groups:
        for g, s in [k for k in hub.delivered if k[0] == group]:
            hub.ahead.pop((g, s), None)
            del hub.delivered[(g, s)]  # the next check takes the counter as the new baseline
        sockets = [s for s in hub.groups.get(group, ()) if s.on_resync is not None and not s.closed]
        results = await asyncio.gather(*(s.on_resync() for s in sockets if s.on_resync), return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                logger.warning("fanout: a resync failed: %r", result)


def link_up() -> bool:
    """Whether this process's layer subscription works (as of the last probe)."""
    hub = _current()
    return hub.link_up


# --- membership and delivery ----------------------------------------------------------------


async def join(group: str, socket: LocalSocket) -> None:
    """Add a local socket; when this returns, publishes to the group reach it."""
    hub = await _ensure_listener()
    hub.groups.setdefault(group, set()).add(socket)
    subscribed = hub.subscribed.get(group)
    if subscribed is None:
        subscribed = hub.subscribed[group] = asyncio.Event()
        try:
            await get_channel_layer().group_add(group, hub.channel)
        except Exception:  # noqa: BLE001 - the layer is down: the watchdog subscribes it again
            logger.warning("fanout: could not subscribe %s; the watchdog retries", group)
            hub.link_up = False
        subscribed.set()
    await subscribed.wait()


async def leave(group: str, socket: LocalSocket) -> None:
    hub = _current()
    socket.stop()
    members = hub.groups.get(group)
    if members is None:
        return
    members.discard(socket)
    if not members and hub.loop is asyncio.get_running_loop() and hub.subscribed.get(group, None):
        del hub.groups[group]
        for key in [k for k in hub.delivered if k[0] == group]:
            del hub.delivered[key]
        if hub.subscribed.pop(group).is_set():
            try:
                await get_channel_layer().group_discard(group, hub.channel)
            except Exception:  # the layer is down; nothing to unsubscribe from
                logger.debug("fanout: group_discard failed", exc_info=True)


def local_count(group: str) -> int:
    hub = _current()
    return len(hub.groups.get(group, ()))


def _wants(socket: LocalSocket, audience: str) -> bool:
    if audience == EVERYONE:
        return True
    if audience.startswith("member:"):
        return socket.key == audience[7:]
    return socket.audience == audience


async def deliver_locally(message: dict[str, Any]) -> None:
    hub = _current()
    group: str = message["group"]
    seqs: dict[str, int] = message.get("seqs") or {}
    for stream, seq in seqs.items():
        if seq > hub.delivered.get((group, stream), 0):
            hub.delivered[(group, stream)] = seq
    members = hub.groups.get(group)
    if not members:
        return
    text: str = message["text"]
    audience: str = message.get("audience", EVERYONE)
    personal: dict[str, str] = message.get("personal") or {}
    base = text[:-1]  # the shared object without its closing brace
    # Per stream: the text every socket without a personal part gets, and its frame (built once).
    shared: dict[str, tuple[str, bytes]] = {}
    for socket in list(members):
        if _wants(socket, audience):
            # A message for one member does not advance the stream: it carries the last number.
            seq = seqs.get(socket.audience, hub.delivered.get((group, socket.audience), 0))
            part = personal.get(socket.key) if personal else None
            if part is not None:
                socket.offer(f'{base},"you":{part},"seq":{seq}}}')
                continue
            same = shared.get(socket.audience)
            if same is None:
                same_text = f'{base},"seq":{seq}}}'
                same = shared[socket.audience] = (same_text, text_frame(same_text))
            socket.offer(*same)


async def publish(group: str, text: str, *, audience: str = EVERYONE, personal: dict[str, str] | None = None) -> bool:
    """Send pre-serialised JSON ``text`` (an object) to the group's sockets in every process.

    Never raises for a layer or cache outage: it logs once per outage and answers False (the
    sockets resync once the layer is back, see the module's docstring)."""
    # A process's messages take their numbers and leave in one order: two publishes side by side
    # (the console's gathered joins on the loop, a question from the database thread) could take
    # 502 and 503 and reach the layer as 503, 502, and a console then resynced for a gap it did not have.
    async with _publishing_order():
        try:
            seqs = await sync_to_async(_allocate, thread_sensitive=False)(group, _streams_for(audience))
        except Exception:  # noqa: BLE001 - the counters' cache is down
            _publishing.failed("allocating a seq")
            return False
        return await _send(group, text, audience, personal, seqs)


_publishing_orders: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _publishing_order() -> asyncio.Lock:
    """The running loop's lock over numbering and sending (every publish of a process runs on its loop)."""
    loop = asyncio.get_running_loop()
    lock = _publishing_orders.get(loop)
    if lock is None:
        lock = _publishing_orders[loop] = asyncio.Lock()
    return lock


async def _send(group: str, text: str, audience: str, personal: dict[str, str] | None, seqs: dict[str, int]) -> bool:
    message = {"type": "fanout.message", "group": group, "text": text, "audience": audience, "personal": personal or {}}
    message["seqs"] = seqs
    try:
        await get_channel_layer().group_send(group, message)
    except Exception:  # noqa: BLE001 - the layer is down: logged once, the sockets resync later
        _publishing.failed("publishing")
        return False
    _publishing.ok()
    return True


def publish_sync(group: str, text: str, *, audience: str = EVERYONE, personal: dict[str, str] | None = None) -> bool:
    """:func:`publish` from synchronous code (services, after their transaction commits): on the
    process's loop when this thread works for one (so in order with its other publishes)."""
    return async_to_sync(publish)(group, text, audience=audience, personal=personal)


def _loop_of_this_thread() -> asyncio.AbstractEventLoop | None:
    """The running event loop this code can hand work to: its own, or, in one of its worker threads
    (``sync_to_async``, core/pooled_http.py), the loop that thread works for (as ``async_to_sync`` finds it)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    threadlocal = SyncToAsync.threadlocal
    if getattr(threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


class Gathered:
    """Items for a group gathered for ``window_s`` and published as one message (``text_for(items)``).

    For notices many writers make at once: a class of 10,000 joining sends the console a few
    messages a second instead of one per student, and pays one ``seq`` and one layer publish per
    window instead of per join (docs/operations.md, "Joins"). Gathering needs the process's event
    loop; code without one (a WSGI server, a shell) publishes each item at once."""

    def __init__(self, text_for: Callable[[list[Any]], str], *, audience: str, window_s: float) -> None:
        self._text_for = text_for
        self._audience = audience
        self._window_s = window_s
        self._waiting: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, list[Any]]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()
        self._flushes: set[asyncio.Task[bool]] = set()

    def add(self, group: str, item: Any) -> None:
        loop = _loop_of_this_thread()
        if loop is None:
            publish_sync(group, self._text_for([item]), audience=self._audience)
            return
        with self._lock:
            items = self._waiting.setdefault(loop, {}).setdefault(group, [])
            items.append(item)
            if len(items) > 1:
                return  # the first item's flush takes this one too
        try:
            loop.call_soon_threadsafe(loop.call_later, self._window_s, self._flush, loop, group)
        except RuntimeError:  # the loop closed meanwhile: publish what waited here
            with self._lock:
                items = self._waiting.get(loop, {}).pop(group, [])
            if items:
                publish_sync(group, self._text_for(items), audience=self._audience)

    def _flush(self, loop: asyncio.AbstractEventLoop, group: str) -> None:
        with self._lock:
            items = self._waiting.get(loop, {}).pop(group, [])
        if items:
            task = loop.create_task(publish(group, self._text_for(items), audience=self._audience))
            self._flushes.add(task)
            task.add_done_callback(self._flushes.discard)
