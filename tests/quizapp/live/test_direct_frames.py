"""Students under the real server (uvicorn, as ``manage.py serve`` runs it) get the room's question
and reveal as frames written straight to the connection (core.ws_direct), their state through the
ASGI path, their answers' acks written directly by the lane (core.ws_server), and lose nothing."""

import pytest
from asgiref.sync import sync_to_async

from quizapp.live import consumers
from quizapp.live import join as joining
from tests.quizapp.live.live_room import Socket, make_game, wait_all

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]


async def test_the_question_and_the_reveal_take_the_direct_path(live_server_asgi, monkeypatch):
    written: list[bytes] = []
    real = consumers.direct_writer

    def counting(send):
        writer = real(send)
        if writer is None:
            return None

        def write(frame: bytes) -> bool:
            done = writer(frame)
            if done:
                written.append(frame)
            return done

        return write

    monkeypatch.setattr(consumers, "direct_writer", counting)
    _session, cookie, question_ids = await sync_to_async(make_game)("DIRECT")
    base = live_server_asgi.url.replace("http", "ws") + "/ws/rooms/direct"
    host = await Socket.open(f"{base}/host/", cookie)
    students = []
    for n in range(3):
        joined = await sync_to_async(joining.participant_join)(code="DIRECT", nickname=f"Kim{n}", address=f"10.1.0.{n}")
        student = await Socket.open(f"{base}/play/")
        await student.send({"type": "hello", "token": joined.token})
        students.append(student)
    try:
        await wait_all(students, lambda s: s.of_type("state"), 10, "state on hello")
        await host.send({"type": "next"})
        first = question_ids[0]
        await wait_all(students, lambda s: s.has_question(first), 10, "the question")
        for n, student in enumerate(students):
            await student.send({"type": "answer", "question_id": first, "choices": [n % 2], "id": f"a{n}"})
        await wait_all(students, lambda s: s.of_type("answer_received"), 10, "the acks")
        await host.send({"type": "reveal"})
        await wait_all(students, lambda s: s.of_type("reveal"), 10, "the reveal")
        for n, student in enumerate(students):
            (reveal,) = student.of_type("reveal")
            assert reveal["you"]["answered"] is True
            assert reveal["you"]["correct"] is (n % 2 == 0)
            assert reveal["distribution"] == [2, 1]
            assert [m["id"] for m in student.of_type("answer_received")] == [f"a{n}"]
        assert not any(b'"type":"state"' in f for f in written), "a socket's own reply keeps the ASGI path"
        assert sum(b'"type":"question"' in f for f in written) == 3, "the broadcast, written directly to each"
        assert sum(b'"type":"answer_received"' in f for f in written) == 3, "the lane's acks"
        assert sum(b'"type":"reveal"' in f for f in written) == 3, "each reveal with its personal part"
    finally:
        for socket in [*students, host]:
            await socket.close()
