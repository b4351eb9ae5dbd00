"""Answers through the socket's lane (core.ws_server) under the real server: taken from the protocol's
read of the frame, acknowledged once stored, in the socket's order, refused in its language."""

import asyncio
import json
import time

import pytest
from asgiref.sync import sync_to_async

from quizapp.live import batching, consumers
from quizapp.live import join as joining
from quizapp.models import Answer
from tests.quizapp.live.live_room import Socket, make_game, wait_all

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]


@pytest.fixture
def lane_calls(monkeypatch):
    """Every message the lane was offered, with whether it took it."""
    calls: list[tuple[str, bool]] = []
    real = consumers.StudentConsumer.answer_at_once

    def spying(self, text: str) -> bool:
        took = real(self, text)
        try:
            kind = json.loads(text)["type"]
        except ValueError:
            kind = "unreadable"
        calls.append((kind, took))
        return took

    monkeypatch.setattr(consumers.StudentConsumer, "answer_at_once", spying)
    return calls


def _store_slowly(monkeypatch) -> None:
    """Each batch of answers takes 0.3 s longer: what arrives meanwhile finds the answer in hand."""
    real_store = batching.answer_queue.store

    def slow_store(requests):
        time.sleep(0.3)
        return real_store(requests)

    monkeypatch.setattr(batching.answer_queue, "store", slow_store)


async def _room(server, code: str, students: int, language: str | None = None):
    _session, cookie, question_ids = await sync_to_async(make_game)(code)
    base = server.url.replace("http", "ws") + f"/ws/rooms/{code.lower()}"
    host = await Socket.open(f"{base}/host/", cookie)
    sockets = []
    for n in range(students):
        joined = await sync_to_async(joining.participant_join)(code=code, nickname=f"Lee{n}", address=f"10.2.0.{n}")
        socket = await Socket.open(f"{base}/play/", language=language)
        await socket.send({"type": "hello", "token": joined.token})
        sockets.append(socket)
    await wait_all(sockets, lambda s: s.of_type("state"), 10, "state on hello")
    await host.send({"type": "next"})
    await wait_all(sockets, lambda s: s.has_question(question_ids[0]), 10, "the question")
    return host, sockets, question_ids


async def test_answers_are_taken_by_the_lane_stored_once_and_acknowledged(live_server_asgi, lane_calls):
    host, students, question_ids = await _room(live_server_asgi, "LANE1", 4)
    lane_calls.clear()  # the hellos were offered too (and declined: not joined yet)
    try:
        for n, student in enumerate(students):
            await student.send({"type": "answer", "question_id": question_ids[0], "choices": [n % 2], "id": f"a{n}"})
        await wait_all(students, lambda s: s.of_type("answer_received"), 10, "the acks")
        for n, student in enumerate(students):
            (ack,) = student.of_type("answer_received")
            assert ack == {"v": 1, "type": "answer_received", "question_id": question_ids[0], "id": f"a{n}"}
        assert lane_calls == [("answer", True)] * 4
        stored = await sync_to_async(lambda: sorted(Answer.objects.values_list("choices", flat=True)))()
        assert stored == [[0], [0], [1], [1]]
        await host.send({"type": "reveal"})
        await wait_all(students, lambda s: s.of_type("reveal"), 10, "the reveal")
        assert [s.of_type("reveal")[0]["you"]["correct"] for s in students] == [True, False, True, False]
    finally:
        for socket in [*students, host]:
            await socket.close()


async def test_a_message_behind_an_answer_being_stored_is_answered_after_it(live_server_asgi, lane_calls, monkeypatch):
    """The lane took the answer; the ping and a second answer arrive while it is stored: they wait for
    its acknowledgement (the ASGI path), and the second answer is refused as a double."""
    _store_slowly(monkeypatch)
    host, (student,), question_ids = await _room(live_server_asgi, "LANE2", 1)
    lane_calls.clear()
    try:
        await student.send({"type": "answer", "question_id": question_ids[0], "choices": [0], "id": "first"})
        await student.send({"type": "ping", "id": "p"})
        await student.send({"type": "answer", "question_id": question_ids[0], "choices": [1], "id": "second"})
        await student.wait_for(lambda: student.of_type("error"), 10, "the double's refusal")
        replies = [(m["type"], m.get("id") or m.get("ref")) for m in student.messages if m["type"] != "state"]
        replies = [r for r in replies if r[0] in ("answer_received", "pong", "error")]
        assert replies == [("answer_received", "first"), ("pong", "p"), ("error", "second")]
        assert student.of_type("error")[0]["code"] == "already_answered"
        assert lane_calls[0] == ("answer", True)
        assert all(not took for _type, took in lane_calls[1:]), "a busy socket's messages take the ASGI path"
        assert await sync_to_async(Answer.objects.count)() == 1
    finally:
        await student.close()
        await host.close()


async def test_a_refusal_through_the_lane_is_in_the_sockets_language(live_server_asgi, lane_calls):
    host, (student,), question_ids = await _room(live_server_asgi, "LANE3", 1, language="ko")
    lane_calls.clear()
    try:
        await student.send({"type": "answer", "question_id": question_ids[1], "choices": [0], "id": 7})
        await student.wait_for(lambda: student.of_type("error"), 10, "the refusal")
        (error,) = student.of_type("error")
        assert error["code"] == "question_not_open"
        assert error["ref"] == 7
        assert any("\uac00" <= ch <= "\ud7a3" for ch in error["message"]), error["message"]
        assert lane_calls == [("answer", True)]
    finally:
        await student.close()
        await host.close()


async def test_what_the_lane_declines_gets_the_asgi_paths_answer(live_server_asgi, lane_calls):
    """Unreadable JSON, another type, a question id that is not a number: refused as before."""
    host, (student,), _question_ids = await _room(live_server_asgi, "LANE4", 1)
    lane_calls.clear()
    try:
        await student.connection.send("{not json")
        await student.send({"type": "answer", "question_id": "one", "id": "x"})
        await student.send({"type": "sync"})
        await student.wait_for(lambda: len(student.of_type("error")) == 2, 10, "two refusals")
        await student.wait_for(lambda: len(student.of_type("state")) == 2, 10, "the state again")
        assert [e["code"] for e in student.of_type("error")] == ["malformed_json", "invalid_answer"]
        # (a frame behind a queued one is not offered at all: the queue was not empty)
        assert lane_calls[0] == ("unreadable", False)
        assert not any(took for _type, took in lane_calls)
    finally:
        await student.close()
        await host.close()


async def test_a_socket_that_closes_with_an_answer_in_the_batch_loses_nothing(live_server_asgi, monkeypatch):
    stored = asyncio.Event()
    _store_slowly(monkeypatch)
    host, (student,), question_ids = await _room(live_server_asgi, "LANE5", 1)
    try:
        await student.send({"type": "answer", "question_id": question_ids[0], "choices": [0], "id": "gone"})
        await asyncio.sleep(0.05)
        await student.close()
        for _ in range(50):
            if await sync_to_async(Answer.objects.count)() == 1:
                stored.set()
                break
            await asyncio.sleep(0.1)
        assert stored.is_set(), "the answer the lane took was stored though its socket closed"
    finally:
        await host.close()


async def test_a_message_waiting_for_the_lanes_replies_keeps_newer_frames_off_the_lane():
    """The consumer took a message from the queue while a lane reply was still out: until it has
    handled that message, a newer answer must not take the lane past it."""
    from core.frame_limits import FrameLimiter

    consumer = consumers.StudentConsumer()
    consumer.participant_id, consumer.session_id = 1, 1
    consumer.limiter = FrameLimiter()
    consumer.language = "en"
    consumer.lane_replies = 1  # a reply of the lane's still being stored
    queue: asyncio.Queue = asyncio.Queue()
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    scope = {"type": "websocket", "path": "/ws/rooms/X/play/", "headers": [], "url_route": {"kwargs": {"code": "X"}}}
    loop_task = asyncio.ensure_future(consumer(scope, queue.get, send))
    queue.put_nowait({"type": "websocket.receive", "text": json.dumps({"type": "ping", "id": "p"})})
    for _ in range(5):
        await asyncio.sleep(0)
    assert consumer.busy, "waiting for the lane's reply counts as busy"
    newer = json.dumps({"type": "answer", "question_id": 5, "choices": [0], "id": "b"})
    assert consumer.answer_at_once(newer) is False
    consumer._lane_written()  # the reply went out: the ping is answered next
    for _ in range(5):
        await asyncio.sleep(0)
    assert [json.loads(m["text"])["type"] for m in sent] == ["pong"]
    assert not consumer.busy
    loop_task.cancel()
