"""The room broadcast path: one message per process reaches every local socket; a slow socket
delays only itself and is closed when it falls too far behind."""

import asyncio
import json
import re

import pytest

from core import fanout

pytestmark = pytest.mark.embedded


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 10000}}
    }


class Phone:
    def __init__(self, *, stuck: bool = False) -> None:
        self.received: list[str] = []
        self.stuck = asyncio.Event() if stuck else None

    async def send_text(self, text: str) -> None:
        if self.stuck is not None:
            await self.stuck.wait()  # a client that stopped reading: the write never completes
        self.received.append(text)


def without_seq(texts: list[str]) -> list[str]:
    """The texts as sent, less the ``seq`` the fan-out appends (tested in test_fanout_seq.py)."""
    return [re.sub(r',"seq":\d+}$', "}", text) for text in texts]


async def wait_until(condition, timeout: float = 5) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def test_publish_reaches_everyone_once_with_personal_parts():
    phones = [Phone() for _ in range(50)]
    sockets = [fanout.LocalSocket(p.send_text, "students", str(i)) for i, p in enumerate(phones)]
    host = Phone()
    for socket in sockets:
        await fanout.join("room.1", socket)
    await fanout.join("room.1", fanout.LocalSocket(host.send_text, "hosts"))
    await fanout.publish("room.1", '{"type":"reveal"}', personal={"3": '{"rank":1}'})
    await wait_until(lambda: all(p.received for p in phones) and host.received)
    assert without_seq(phones[0].received) == ['{"type":"reveal"}']
    assert without_seq(phones[3].received) == ['{"type":"reveal","you":{"rank":1}}']
    assert all(isinstance(json.loads(p.received[0])["seq"], int) for p in phones)
    await fanout.publish("room.1", '{"type":"tally"}', audience="hosts")
    await wait_until(lambda: len(host.received) == 2)
    assert all(len(p.received) == 1 for p in phones), "hosts-only messages reach only hosts"
    for socket in sockets:
        await fanout.leave("room.1", socket)
    assert fanout.local_count("room.1") == 1


async def test_a_stuck_phone_delays_only_itself_and_is_closed_when_far_behind():
    closed = asyncio.Event()

    async def on_overflow() -> None:
        closed.set()

    stuck, fine = Phone(stuck=True), Phone()
    stuck_socket = fanout.LocalSocket(stuck.send_text, "students", "1", on_overflow=on_overflow)
    await fanout.join("room.2", stuck_socket)
    await fanout.join("room.2", fanout.LocalSocket(fine.send_text, "students", "2"))
    for n in range(fanout.OUTBOX_LIMIT + 5):
        await fanout.publish("room.2", f'{{"n":{n}}}')
    await wait_until(lambda: len(fine.received) == fanout.OUTBOX_LIMIT + 5)
    await asyncio.wait_for(closed.wait(), 5)
    assert stuck.received == []


async def test_a_slow_phone_keeps_its_order():
    slow = Phone(stuck=True)
    await fanout.join("room.3", fanout.LocalSocket(slow.send_text, "students", "1"))
    for n in range(5):
        await fanout.publish("room.3", f'{{"n":{n}}}')
    await asyncio.sleep(0.1)
    slow.stuck.set()
    await wait_until(lambda: len(slow.received) == 5)
    assert without_seq(slow.received) == [f'{{"n":{n}}}' for n in range(5)]


@pytest.mark.parametrize(
    ("outcomes", "link_up"),
    [
        (["slow", "slow"], True),  # a busy process answers its own probe late: not an outage yet
        (["slow", "slow", "ok", "slow", "slow"], True),  # an answer in time starts the count again
        (["slow", "slow", "slow"], False),  # three late probes in a row: the subscription is lost
        (["failed"], False),  # the layer refused the probe (Redis down): lost at once
    ],
)
async def test_only_a_refused_probe_or_several_late_ones_count_as_a_lost_link(monkeypatch, outcomes, link_up):
    """A false "lost" resyncs every socket of the room at its busiest moment (docs/operations.md)."""
    phone = Phone()
    await fanout.join("room.probe", fanout.LocalSocket(phone.send_text, "students"))
    answers = iter(outcomes)

    async def probe(layer, channel) -> str:
        return next(answers)

    monkeypatch.setattr(fanout, "_probe", probe)
    for _ in outcomes:
        await fanout._watch_once(None, "fanout.test")
    assert fanout.link_up() is link_up
    assert ('{"v":1,"type":"link","up":false}' in phone.received) is not link_up


@pytest.mark.parametrize("lost", [False, True])
async def test_a_link_back_resyncs_only_rooms_that_missed_a_message(monkeypatch, lost):
    """After a link that was only slow, nothing was lost: the sockets hear ``link`` up and no state
    storm follows. A message published meanwhile (the counter moved on) still resyncs the room."""
    from django.core.cache import cache

    fanout.register_streams("students")
    group = f"room.back.{lost}"
    phone, resyncs = Phone(), []

    async def resync() -> None:
        resyncs.append(1)

    await fanout.join(group, fanout.LocalSocket(phone.send_text, "students", on_resync=resync))
    await fanout.publish(group, '{"type":"question"}')
    await wait_until(lambda: len(phone.received) == 1)
    answers = iter(["failed", "ok"])

    async def probe(layer, channel) -> str:
        return next(answers)

    monkeypatch.setattr(fanout, "_probe", probe)
    hub = fanout._current()
    await fanout._watch_once(hub.layer, hub.channel)
    assert fanout.link_up() is False
    if lost:  # published while this process was cut off: it never arrived here
        cache.incr(fanout.seq_key(group, "students"))
    await fanout._watch_once(hub.layer, hub.channel)
    assert fanout.link_up() is True
    assert phone.received[-1] == '{"v":1,"type":"link","up":true}'
    assert resyncs == ([1] if lost else [])


async def test_publishes_side_by_side_leave_in_the_order_of_their_numbers(monkeypatch):
    """A publish whose send is slow (its layer round trip) holds back the one numbered after it:
    a console saw 501, 503, 502 and resynced for a gap it did not have."""
    phone = Phone()
    socket = fanout.LocalSocket(phone.send_text, "hosts")
    await fanout.join("room.order", socket)
    real_send = fanout._send

    async def slow_first(group, text, *args):
        if '"first"' in text:
            await asyncio.sleep(0.1)
        return await real_send(group, text, *args)

    monkeypatch.setattr(fanout, "_send", slow_first)
    try:
        first = asyncio.ensure_future(fanout.publish("room.order", '{"type":"first"}', audience="hosts"))
        await asyncio.sleep(0.02)  # the first has its number and is sending
        await fanout.publish("room.order", '{"type":"second"}', audience="hosts")
        await first
        await wait_until(lambda: len(phone.received) == 2)
        received = [json.loads(text) for text in phone.received]
        assert [m["type"] for m in received] == ["first", "second"]
    finally:
        await fanout.leave("room.order", socket)
