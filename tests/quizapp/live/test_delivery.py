"""Issue 13, defects 1, 3 and 10 on both layers (Redis pub/sub and the embedded in-memory one):
every room message carries ``seq``; a client that missed one gets the state on ``sync``; a
process that missed one resyncs its sockets by itself; a student back after the end gets the
final state; the host socket's refusals are close code 4403 after accept."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.core.cache import cache

from config.asgi import application
from core import fanout
from quizapp import groups
from quizapp.live import session as live
from tests.quizapp.live.test_consumers import connect, join, make_game, receive_type
from tests.support import REPO

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["redis", pytest.param("memory", marks=pytest.mark.embedded)])
def layer(request, settings, monkeypatch):
    if request.param == "redis":
        request.getfixturevalue("redis_channel_layer")
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.QUIZ_TALLY_INTERVAL_S = 0.1
    monkeypatch.setattr(fanout, "PROBE_INTERVAL_S", 0.2)
    return request.param


async def drain(communicator: WebsocketCommunicator, quiet: float = 0.3) -> list[dict]:
    """Every message until the socket is quiet for ``quiet`` seconds."""
    received = []
    while True:
        try:
            received.append(await communicator.receive_json_from(timeout=quiet))
        except TimeoutError:
            return received


async def until(communicator: WebsocketCommunicator, wanted: str, timeout: float = 5) -> list[dict]:
    """Every message up to and including the first of type ``wanted``."""
    received: list[dict] = []
    async with asyncio.timeout(timeout):
        while not received or received[-1]["type"] != wanted:
            received.append(await communicator.receive_json_from(timeout=timeout))
    return received


async def test_every_room_message_carries_a_monotonic_seq_per_stream(layer):
    _teacher, _room, _session, cookie = await database_sync_to_async(make_game)()
    host = await connect("/ws/rooms/MODULABS/host/", cookie)
    first_state = await receive_type(host, "host_state")
    kim, _ = await join("MODULABS", "Kim")
    lee, _ = await join("MODULABS", "Lee")
    try:
        assert isinstance(first_state["seq"], int)
        await host.send_json_to({"type": "next"})
        kim_messages = await until(kim, "question")
        q1 = kim_messages[-1]["question"]["id"]
        await kim.send_json_to({"type": "answer", "question_id": q1, "choices": [0]})
        kim_messages += await until(kim, "answer_received")
        await asyncio.sleep(0.3)  # a tally goes out
        await host.send_json_to({"type": "reveal"})
        await host.send_json_to({"type": "lock"})
        await host.send_json_to({"type": "next"})
        await host.send_json_to({"type": "end"})
        kim_messages += await until(kim, "session_ended")
        host_messages = await until(host, "session_ended")
        room = [m for m in kim_messages if m["type"] in {"question", "reveal", "locked", "session_ended"}]
        assert [m["type"] for m in room][-4:] == ["reveal", "locked", "question", "session_ended"]
        kim_seqs = [m["seq"] for m in room]
        assert all(isinstance(s, int) and not isinstance(s, bool) for s in kim_seqs)
        assert kim_seqs == list(range(kim_seqs[0], kim_seqs[0] + len(kim_seqs))), "students count their own stream"
        host_room = [m for m in host_messages if "seq" in m]
        host_seqs = [m["seq"] for m in host_room]
        assert host_seqs == sorted(host_seqs)
        assert len(set(host_seqs)) == len(host_seqs)
        assert any(m["type"] == "tally" for m in host_room), "hosts-only tallies advance the hosts' stream"
        assert host_seqs[-1] > first_state["seq"]
        lee_seqs = [m["seq"] for m in await until(lee, "session_ended") if "seq" in m and m["type"] != "state"]
        assert lee_seqs[-len(kim_seqs) :] == kim_seqs, "the same room message has the same seq for every student"
    finally:
        for socket in (host, kim, lee):
            await socket.disconnect()


async def test_a_client_that_missed_a_seq_gets_the_state_on_sync(layer):
    _teacher, _room, _session, cookie = await database_sync_to_async(make_game)()
    host = await connect("/ws/rooms/MODULABS/host/", cookie)
    await receive_type(host, "host_state")
    kim, _ = await join("MODULABS", "Kim")
    try:
        await host.send_json_to({"type": "next"})
        question = await receive_type(kim, "question")
        # Kim "missed" that question: a client that sees a gap sends `sync` and gets the state.
        await kim.send_json_to({"type": "sync"})
        state = await receive_type(kim, "state")
        assert state["question"]["id"] == question["question"]["id"]
        assert state["seq"] >= question["seq"]
        await host.send_json_to({"type": "sync"})
        host_state = await receive_type(host, "host_state")
        assert host_state["question"]["id"] == question["question"]["id"]
        assert isinstance(host_state["seq"], int)
    finally:
        for socket in (host, kim):
            await socket.disconnect()


async def test_a_process_that_missed_a_message_resyncs_its_sockets(layer):
    """The counter moved past what this process delivered (a message lost on the way): within
    a few probe intervals every local socket is sent its state, unasked."""
    _teacher, _room, session, cookie = await database_sync_to_async(make_game)()
    host = await connect("/ws/rooms/MODULABS/host/", cookie)
    await receive_type(host, "host_state")
    kim, _ = await join("MODULABS", "Kim")
    try:
        await host.send_json_to({"type": "next"})
        await receive_type(kim, "question")
        await asyncio.sleep(0.5)  # a probe took the baseline
        for stream in (groups.STUDENTS, groups.HOSTS):
            await database_sync_to_async(cache.incr)(fanout.seq_key(groups.session_group(session.id), stream))
        state = await receive_type(kim, "state", timeout=5)
        assert state["question"] is not None
        assert (await receive_type(host, "host_state", timeout=5))["question"] is not None
    finally:
        for socket in (host, kim):
            await socket.disconnect()


async def test_a_student_back_after_the_end_gets_the_final_state(layer):
    teacher, _room, session, cookie = await database_sync_to_async(make_game)()
    host = await connect("/ws/rooms/MODULABS/host/", cookie)
    await receive_type(host, "host_state")
    kim, kim_token = await join("MODULABS", "Kim")
    try:
        await host.send_json_to({"type": "next"})
        q1 = (await receive_type(kim, "question"))["question"]["id"]
        await kim.send_json_to({"type": "answer", "question_id": q1, "choices": [0]})
        await receive_type(kim, "answer_received")
        await kim.disconnect()
        await database_sync_to_async(live.session_end)(session_id=session.id, user=teacher)

        kim = await connect("/ws/rooms/MODULABS/play/")
        await kim.send_json_to({"type": "hello", "token": kim_token})
        state = await receive_type(kim, "state")
        assert state["session"]["state"] == "ended"
        assert state["you"]["rank"] == 1
        assert state["you"]["score"] > 0
        assert state["top"][0]["nickname"] == "Kim"
        assert isinstance(state["seq"], int)
        await kim.send_json_to({"type": "answer", "question_id": q1, "choices": [1], "id": "late"})
        refused = await receive_type(kim, "error")
        assert (refused["code"], refused["ref"]) == ("session_ended", "late")
    finally:
        for socket in (host, kim):
            await socket.disconnect()


async def test_host_socket_refusals_are_4403_after_accept_and_foreign_origins_fail_the_handshake(layer):
    await database_sync_to_async(make_game)()
    anonymous = WebsocketCommunicator(
        application, "/ws/rooms/MODULABS/host/", headers=[(b"origin", b"http://localhost"), (b"host", b"localhost")]
    )
    connected, _ = await anonymous.connect(timeout=5)
    assert connected
    assert await anonymous.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    await anonymous.disconnect()
    foreign = WebsocketCommunicator(
        application, "/ws/rooms/MODULABS/host/", headers=[(b"origin", b"http://evil.example"), (b"host", b"localhost")]
    )
    connected, _ = await foreign.connect(timeout=5)
    assert not connected, "a foreign origin is refused at the handshake (HTTP 403)"
    await foreign.disconnect()


def test_the_protocol_doc_promises_what_the_code_does():
    text = " ".join((REPO / "docs" / "websocket-protocol.md").read_text(encoding="utf-8").split())
    assert "accepted and then closed with close code 4403" in text
    assert "## Delivery guarantee" in text
