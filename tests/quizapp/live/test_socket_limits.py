"""Hostile frames on the live sockets (issue 13, defect 5): numbers no column can hold are refused
at the envelope with ``value_out_of_range`` (nothing reaches the database, no traceback), and a
flood from one socket is refused cheaply with ``rate_limited``, then closed with 4429, while the
socket's pings and the rest of the room are still answered."""

import json
import logging

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from core.frame_limits import BUDGETS, CLOSE_RATE_LIMITED, REFUSALS_BEFORE_CLOSE
from quizapp.live import session as live
from quizapp.models import Answer
from tests.quizapp.live.test_consumers import connect, join, make_game, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["redis", pytest.param("memory", marks=pytest.mark.embedded)])
def layer(request, settings):
    if request.param == "redis":
        request.getfixturevalue("redis_channel_layer")
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.QUIZ_TALLY_INTERVAL_S = 0.1
    return request.param


async def open_question():
    teacher, _room, session, _cookie = await database_sync_to_async(make_game)()
    await database_sync_to_async(live.session_next)(session_id=session.id, user=teacher)
    question = await database_sync_to_async(lambda: session.quiz.questions.order_by("position").first())()
    return session, question


async def frames_until(communicator: WebsocketCommunicator, wanted: str, timeout: float = 10) -> list[dict]:
    """Every message up to and including the first of type ``wanted``."""
    seen: list[dict] = []
    while True:
        output = await communicator.receive_output(timeout=timeout)
        assert output["type"] == "websocket.send", output
        payload = json.loads(output["text"])
        seen.append(payload)
        if payload["type"] == wanted:
            return seen


async def closed_with(communicator: WebsocketCommunicator, timeout: float = 10) -> tuple[int, list[dict]]:
    """Read to the close frame: its code and the messages before it."""
    seen: list[dict] = []
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code"), seen
        seen.append(json.loads(output["text"]))


def ours(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    """What this app logged: a library's leftovers from an earlier test (channels_redis's receive task
    against a Redis another test killed, an asyncio task of a closed loop) are not about this socket."""
    return [r for r in records if r.name.split(".")[0] in {"quizapp", "core", "django"}]


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"question_id": 18446744073709551616, "choices": [0]}, "question_id"),
        ({"question_id": 2**63, "choices": [0]}, "question_id"),
        ({"question_id": 0, "choices": [0]}, "question_id"),
        ({"question_id": -5, "choices": [0]}, "question_id"),
        ({"choices": [10**30]}, "choices"),
        ({"choices": [-1]}, "choices"),
        ({"choices": list(range(65))}, "choices"),
    ],
)
async def test_numbers_out_of_range_are_refused_at_the_envelope(layer, caplog, frame, field):
    _session, question = await open_question()
    frame = {"type": "answer", "id": "a1", **frame}
    frame.setdefault("question_id", question.id)
    student, _token = await join("MODULABS", "Kim")
    try:
        with caplog.at_level(logging.WARNING):
            for _ in range(5):
                await student.send_json_to(frame)
                error = await receive_type(student, "error")
                assert (error["code"], error["ref"]) == ("value_out_of_range", "a1")
                assert field in error["message"]
            # The socket is fine, and a proper answer is still stored once.
            await student.send_json_to({"type": "answer", "question_id": question.id, "choices": [0], "id": "ok"})
            assert (await receive_type(student, "answer_received"))["id"] == "ok"
        assert await database_sync_to_async(Answer.objects.count)() == 1
        assert not [r for r in ours(caplog.records) if r.levelno >= logging.ERROR or r.exc_info]
    finally:
        await student.disconnect()


async def test_nan_and_infinity_are_not_json(layer):
    _session, question = await open_question()
    student, _token = await join("MODULABS", "Kim")
    try:
        for constant in ("NaN", "Infinity", "-Infinity"):
            text = f'{{"type": "answer", "question_id": {question.id}, "choices": [0], "confidence": {constant}}}'
            await student.send_to(text_data=text)
            assert (await receive_type(student, "error"))["code"] == "malformed_json"
        assert await database_sync_to_async(Answer.objects.count)() == 0
    finally:
        await student.disconnect()


async def test_a_flood_is_refused_and_pings_still_answered(layer, caplog):
    """More answers than the budget: the extra ones get rate_limited at once, the ping its pong."""
    _session, question = await open_question()
    student, _token = await join("MODULABS", "Kim")
    flood = 3 * BUDGETS["answer"].burst
    try:
        with caplog.at_level(logging.WARNING):
            for index in range(flood):
                await student.send_json_to({"type": "answer", "question_id": question.id, "choices": [0], "id": index})
            await student.send_json_to({"type": "ping", "id": "after"})
            seen = await frames_until(student, "pong")
        assert seen[-1]["id"] == "after"
        replies = seen[:-1]
        codes = [m.get("code", m["type"]) for m in replies]
        assert len(replies) == flood  # every frame answered, none dropped
        assert codes.count("answer_received") == 1
        assert codes.count("rate_limited") >= flood - BUDGETS["answer"].burst - 5
        assert set(codes) <= {"answer_received", "already_answered", "rate_limited"}
        assert await database_sync_to_async(Answer.objects.count)() == 1
        # One log line for the limit, not one per refused frame.
        assert len([r for r in caplog.records if "refused" in r.getMessage()]) == 1
        assert not [r for r in ours(caplog.records) if r.exc_info]
    finally:
        await student.disconnect()


async def test_past_the_bound_the_socket_is_closed_and_the_room_goes_on(layer, caplog):
    """1,000 answer frames: refusals, then too_many_messages and close code 4429. Another student's
    ping is answered right after, and the flooder can come back with its token."""
    _session, question = await open_question()
    flooder, token = await join("MODULABS", "Kim")
    other, _ = await join("MODULABS", "Lee")
    try:
        with caplog.at_level(logging.WARNING):
            for index in range(1000):
                await flooder.send_json_to({"type": "answer", "question_id": question.id, "choices": [0], "id": index})
            code, seen = await closed_with(flooder)
        assert code == CLOSE_RATE_LIMITED
        codes = [m.get("code", m["type"]) for m in seen]
        assert codes[-1] == "too_many_messages"
        assert codes.count("rate_limited") >= REFUSALS_BEFORE_CLOSE
        assert len(seen) < 1000  # closed before reading the whole flood
        assert await database_sync_to_async(Answer.objects.count)() == 1
        assert len([r for r in caplog.records if r.name == "core.frame_limits"]) == 2  # refused, closed
        assert not [r for r in ours(caplog.records) if r.exc_info]

        await other.send_json_to({"type": "ping", "id": "still-here"})
        assert (await receive_type(other, "pong"))["id"] == "still-here"

        back = await connect("/ws/rooms/modulabs/play/")
        await back.send_json_to({"type": "hello", "token": token})
        state = await receive_type(back, "state")
        assert state["answer"]["choices"] == [0]
        await back.send_json_to({"type": "ping", "id": 1})
        assert (await receive_type(back, "pong"))["id"] == 1
        await back.disconnect()
    finally:
        await flooder.disconnect()
        await other.disconnect()


async def test_a_flood_of_garbage_is_limited_too(layer):
    _session, _question = await open_question()
    student, _token = await join("MODULABS", "Kim")
    try:
        for _ in range(BUDGETS["other"].burst + 10):
            await student.send_to(text_data="{not json")
        await student.send_json_to({"type": "ping", "id": "p"})
        seen = await frames_until(student, "pong")
        codes = [m.get("code") for m in seen[:-1]]
        assert "malformed_json" in codes
        assert "rate_limited" in codes
    finally:
        await student.disconnect()
