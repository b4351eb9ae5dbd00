"""A whole game over real WebSockets through the ASGI application: join, lobby, question,
answers (double, late, wrong room, malformed), reveal, next, end; reconnect mid-question."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from config.asgi import application
from quizapp import errors
from quizapp.authoring.services import quiz_create
from quizapp.live import answers as live_answers
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Answer, QuizSession
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "true_false",
        "prompt": "Pedestrian detection?",
        "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
        "explanation": "One second of thought, lots of data.",
    },
    {
        "kind": "multiple_choice",
        "prompt": "Which are A -> B?",
        "options": [{"text": "spam", "correct": True}, {"text": "empathy"}, {"text": "translation", "correct": True}],
    },
    {"kind": "short_answer", "prompt": "고양이 in English?", "accepted_answers": ["cat"]},
]


@pytest.fixture(params=["redis", pytest.param("memory", marks=pytest.mark.embedded)])
def layer(request, settings):
    if request.param == "redis":
        request.getfixturevalue("redis_channel_layer")
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.QUIZ_TALLY_INTERVAL_S = 0.1
    return request.param


def make_game(code: str = "MODULABS"):
    teacher = InstructorFactory.create(username="teacher", password="x-long-password-1")
    room = room_create(owner=teacher, code=code)
    quiz = quiz_create(owner=teacher, title="Lecture quiz", questions=QUESTIONS)
    session = live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    client = Client()
    client.force_login(teacher)
    return teacher, room, session, client.cookies["sessionid"].value


async def connect(path: str, cookie: str | None = None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"accept-language", b"en")]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    return communicator


async def receive_type(communicator: WebsocketCommunicator, wanted: str, timeout: float = 5) -> dict:
    """The next message of a type, skipping others (tallies, joins) in between."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        assert remaining > 0, f"no {wanted} message in {timeout} s"
        payload = await communicator.receive_json_from(timeout=remaining)
        if payload["type"] == wanted:
            return payload


async def join(code: str, nickname: str) -> tuple[WebsocketCommunicator, str]:
    result = await database_sync_to_async(joining.participant_join)(code=code, nickname=nickname, address="127.0.0.1")
    student = await connect(f"/ws/rooms/{code.lower()}/play/")
    await student.send_json_to({"type": "hello", "token": result.token})
    state = await receive_type(student, "state")
    assert state["you"]["nickname"] == nickname
    return student, result.token


async def test_the_console_hears_of_joins_gathered(layer):
    """Joins close together reach the console in fewer messages than joins, none left out, each once."""
    _teacher, _room, _session, cookie = await database_sync_to_async(make_game)()
    host = await connect("/ws/rooms/MODULABS/host/", cookie)
    students = []
    try:
        await receive_type(host, "host_state")
        names = [f"Student{i}" for i in range(6)]
        for name in names:
            students.append((await join("MODULABS", name))[0])
        heard: list[str] = []
        messages = 0
        while len(heard) < len(names):
            heard += [p["nickname"] for p in (await receive_type(host, "participants_joined"))["participants"]]
            messages += 1
        assert sorted(heard) == sorted(names)
        assert messages < len(names)
    finally:
        for socket in [host, *students]:
            await socket.disconnect()


async def test_a_whole_game(layer):
    _teacher, _room, session, cookie = await database_sync_to_async(make_game)()
    host = await connect("/ws/rooms/MODULABS/host/", cookie)
    sockets = [host]
    try:
        lobby = await receive_type(host, "host_state")
        assert lobby["session"]["state"] == "lobby"

        kim, kim_token = await join("MODULABS", "Kim")
        lee, _ = await join("m0dulabs", "Lee")  # a look-alike code reaches the same room
        sockets += [kim, lee]
        joined = await receive_type(host, "participants_joined")
        assert {p["nickname"] for p in joined["participants"]} <= {"Kim", "Lee"}

        # Host events only from the owner: a student socket cannot drive the game.
        await kim.send_json_to({"type": "next"})
        assert (await receive_type(kim, "error"))["code"] in {"invalid_state", "unknown_type"}

        await host.send_json_to({"type": "next"})
        question = await receive_type(kim, "question")
        assert question["question"]["prompt"] == "Pedestrian detection?"
        assert question["question"]["options"] == ["가능", "불가능"]
        assert "correct" not in str(question), "the correct answer never reaches students before the reveal"
        assert question["deadline_ms"] > question["opened_at_ms"]
        q1 = question["question"]["id"]
        await receive_type(lee, "question")

        await kim.send_json_to({"type": "answer", "question_id": q1, "choices": [0], "id": "a1"})
        ack = await receive_type(kim, "answer_received")
        assert ack["id"] == "a1"
        assert "result" not in ack, "instructor-paced: no verdict before the reveal"
        await kim.send_json_to({"type": "answer", "question_id": q1, "choices": [1], "id": "a2"})
        double = await receive_type(kim, "error")
        assert (double["code"], double["ref"]) == ("already_answered", "a2")
        for bad in ([7], "zero", [0, 0], True, None):
            await lee.send_json_to({"type": "answer", "question_id": q1, "choices": bad})
            assert (await receive_type(lee, "error"))["code"] == "invalid_answer"
        await lee.send_json_to({"type": "answer", "question_id": q1 + 1, "choices": [0]})
        assert (await receive_type(lee, "error"))["code"] == "question_not_open"
        await lee.send_to(text_data="{not json")
        assert (await receive_type(lee, "error"))["code"] == "malformed_json"
        await lee.send_json_to({"type": "answer", "question_id": q1, "choices": [1]})
        await receive_type(lee, "answer_received")

        tally = await receive_type(host, "tally")
        while tally["answered"] < 2:
            tally = await receive_type(host, "tally")
        assert tally["distribution"] == [1, 1]

        # Reconnect mid-question: a reload restores the question, the own answer and the score.
        await kim.disconnect()
        sockets.remove(kim)
        kim = await connect("/ws/rooms/MODULABS/play/")
        sockets.append(kim)
        await kim.send_json_to({"type": "hello", "token": kim_token})
        restored = await receive_type(kim, "state")
        assert restored["question"]["id"] == q1
        assert restored["answer"]["choices"] == [0]
        assert restored["reveal"] is None

        await host.send_json_to({"type": "reveal"})
        reveal = await receive_type(kim, "reveal")
        assert reveal["correct_choices"] == [0]
        assert reveal["distribution"] == [1, 1]
        assert reveal["explanation"] == "One second of thought, lots of data."
        assert reveal["you"]["correct"] is True
        assert 500 <= reveal["you"]["points"] <= 1000
        assert reveal["you"]["rank"] == 1
        lee_reveal = await receive_type(lee, "reveal")
        assert lee_reveal["you"] == {**lee_reveal["you"], "correct": False, "points": 0, "rank": 2}

        # After the reveal the question is closed.
        await lee.send_json_to({"type": "answer", "question_id": q1, "choices": [0]})
        assert (await receive_type(lee, "error"))["code"] in {"question_not_open", "already_answered"}

        await host.send_json_to({"type": "next"})
        q2 = (await receive_type(kim, "question"))["question"]
        assert q2["multiple"] is True
        # A late answer: the deadline has passed (grace included).
        await database_sync_to_async(QuizSession.objects.filter(id=session.id).update)(
            question_deadline=timezone.now() - timedelta(seconds=5)
        )
        await kim.send_json_to({"type": "answer", "question_id": q2["id"], "choices": [0, 2]})
        late = await receive_type(kim, "error")
        assert late["code"] == "too_late"
        assert late["message"] == "Time is up: the answer came after the time limit."

        await host.send_json_to({"type": "next"})  # reveals q2 and opens q3
        q3 = (await receive_type(kim, "question"))["question"]
        assert q3["kind"] == "short_answer"
        assert q3["options"] == []
        await kim.send_json_to({"type": "answer", "question_id": q3["id"], "text": "  CAT "})
        await receive_type(kim, "answer_received")

        await host.send_json_to({"type": "end"})
        ended = await receive_type(kim, "session_ended")
        assert ended["you"]["rank"] == 1
        assert ended["top"][0]["nickname"] == "Kim"
        stored = Answer.objects.order_by("id").values_list("correct", flat=True)
        answers = await database_sync_to_async(lambda: list(stored))()
        assert answers == [True, False, True], "double, late and invalid answers stored nothing"
    finally:
        for socket in sockets:
            await socket.disconnect()


async def test_host_socket_is_for_the_owner_only(layer):
    """Anonymous and foreign sockets are accepted, then closed with 4403 (the protocol doc)."""
    await database_sync_to_async(make_game)()
    anonymous = WebsocketCommunicator(
        application, "/ws/rooms/MODULABS/host/", headers=[(b"origin", b"http://localhost"), (b"host", b"localhost")]
    )
    connected, _ = await anonymous.connect(timeout=5)
    assert connected
    assert await anonymous.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    await anonymous.disconnect()

    def other_cookie():
        other = InstructorFactory.create(username="other")
        client = Client()
        client.force_login(other)
        return client.cookies["sessionid"].value

    intruder = WebsocketCommunicator(
        application,
        "/ws/rooms/MODULABS/host/",
        headers=[
            (b"origin", b"http://localhost"),
            (b"host", b"localhost"),
            (b"cookie", f"sessionid={await database_sync_to_async(other_cookie)()}".encode()),
        ],
    )
    connected, _ = await intruder.connect(timeout=5)
    assert connected
    assert await intruder.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    await intruder.disconnect()


async def test_wrong_room_token_and_removed_student(layer):
    teacher, _room, _session, cookie = await database_sync_to_async(make_game)()
    other_room = await database_sync_to_async(room_create)(owner=teacher, code="OTHER9")
    host = await connect("/ws/rooms/MODULABS/host/", cookie)
    await receive_type(host, "host_state")
    kim, token = await join("MODULABS", "Kim")
    wrong = await connect(f"/ws/rooms/{other_room.code}/play/")
    try:
        await wrong.send_json_to({"type": "hello", "token": token})
        assert (await receive_type(wrong, "error"))["code"] == "bad_token"
        await wrong.send_json_to({"type": "hello", "token": "forged"})
        assert (await receive_type(wrong, "error"))["code"] == "bad_token"

        participant_id = (await receive_type(host, "participants_joined"))["participants"][0]["id"]
        await host.send_json_to({"type": "remove", "participant_id": participant_id, "ban": True})
        assert (await receive_type(kim, "removed"))["banned"] is True
        with pytest.raises(errors.Banned):
            await database_sync_to_async(joining.participant_join)(code="MODULABS", nickname="kim", address="127.0.0.2")
    finally:
        for socket in (host, kim, wrong):
            await socket.disconnect()


async def test_student_paced_session(layer):
    def setup():
        teacher = InstructorFactory.create(username="teacher2")
        room = room_create(owner=teacher, code="PACED1")
        quiz = quiz_create(owner=teacher, title="At your pace", questions=QUESTIONS[:2])
        return live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.STUDENT_PACED, user=teacher)

    await database_sync_to_async(setup)()
    student, token = await join("PACED1", "Solo")
    try:
        # The first question opens for this student on hello; answering gives the verdict at once.
        await student.send_json_to({"type": "hello", "token": token})
        state = await receive_type(student, "state")
        first = state["question"]
        assert first["index"] == 0
        assert state["deadline_ms"] is not None
        await student.send_json_to({"type": "next"})
        assert (await receive_type(student, "error"))["code"] == "not_finished"
        await student.send_json_to({"type": "answer", "question_id": first["id"], "choices": [0]})
        ack = await receive_type(student, "answer_received")
        assert ack["result"]["correct"] is True
        assert ack["result"]["explanation"] == "One second of thought, lots of data."
        await student.send_json_to({"type": "next"})
        second = (await receive_type(student, "state"))["question"]
        assert second["index"] == 1
        await student.send_json_to({"type": "answer", "question_id": second["id"], "choices": [1]})
        assert (await receive_type(student, "answer_received"))["result"]["correct"] is False
        await student.send_json_to({"type": "next"})
        assert (await receive_type(student, "state"))["finished"] is True
    finally:
        await student.disconnect()


async def test_locked_room_refuses_newcomers(layer):
    _teacher, _room, _session, cookie = await database_sync_to_async(make_game)()
    host = await connect("/ws/rooms/MODULABS/host/", cookie)
    try:
        await receive_type(host, "host_state")
        await host.send_json_to({"type": "lock"})
        assert (await receive_type(host, "locked"))["locked"] is True
        with pytest.raises(errors.RoomLocked):
            await database_sync_to_async(joining.participant_join)(
                code="MODULABS", nickname="Late", address="127.0.0.1"
            )
        await host.send_json_to({"type": "unlock"})
        await receive_type(host, "locked")
        result = await database_sync_to_async(joining.participant_join)(
            code="MODULABS", nickname="Late", address="127.0.0.1"
        )
        assert result.token
        with pytest.raises(errors.NicknameTaken):
            await database_sync_to_async(joining.participant_join)(
                code="MODULABS", nickname="ＬＡＴＥ", address="127.0.0.1"
            )
    finally:
        await host.disconnect()


async def test_peer_instruction_revote(layer):
    _teacher, _room, _session, cookie = await database_sync_to_async(make_game)()
    host = await connect("/ws/rooms/MODULABS/host/", cookie)
    kim, _ = await join("MODULABS", "Kim")
    lee, _ = await join("MODULABS", "Lee")
    try:
        await receive_type(host, "host_state")
        await host.send_json_to({"type": "revote"})
        assert (await receive_type(host, "error"))["code"] == "invalid_state", "no re-vote before a reveal"
        await host.send_json_to({"type": "next"})
        q1 = (await receive_type(kim, "question"))["question"]["id"]
        await kim.send_json_to({"type": "answer", "question_id": q1, "choices": [1]})
        await lee.send_json_to({"type": "answer", "question_id": q1, "choices": [1]})
        await receive_type(kim, "answer_received")
        await receive_type(lee, "answer_received")
        await host.send_json_to({"type": "reveal"})
        first = await receive_type(kim, "reveal")
        assert first["vote"] == 1
        assert first["you"]["correct"] is False

        # After discussion the same question opens again; the first answer does not block it.
        await host.send_json_to({"type": "revote"})
        again = await receive_type(kim, "question")
        assert (again["question"]["id"], again["vote"]) == (q1, 2)
        await kim.send_json_to({"type": "answer", "question_id": q1, "choices": [0]})
        await receive_type(kim, "answer_received")
        await kim.send_json_to({"type": "answer", "question_id": q1, "choices": [0]})
        assert (await receive_type(kim, "error"))["code"] == "already_answered"
        await host.send_json_to({"type": "reveal"})
        second = await receive_type(kim, "reveal")
        assert second["vote"] == 2
        assert second["shift"] == {"before": 0.0, "after": 100.0}
        assert second["you"]["correct"] is True
        assert second["you"]["points"] == 0, "a second vote scores nothing"
        await host.send_json_to({"type": "revote"})
        assert (await receive_type(host, "error"))["code"] == "invalid_state", "one re-vote per question"
    finally:
        for socket in (host, kim, lee):
            await socket.disconnect()


async def test_friendly_nicknames_are_handed_out(layer):
    def setup():
        teacher = InstructorFactory.create(username="teacher3")
        room = room_create(owner=teacher, code="KIDS01")
        quiz = quiz_create(owner=teacher, title="Young class", questions=QUESTIONS[:1], language="ko")
        live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=teacher, friendly_nicknames=True)
        return [
            joining.participant_join(code="KIDS01", nickname="rude word", address="127.0.0.1").participant.nickname
            for _ in range(30)
        ]

    names = await database_sync_to_async(setup)()
    assert "rude word" not in names, "the typed nickname is ignored"
    assert len(set(names)) == 30, "every friendly nickname is unique in the room"


async def test_team_mode_balances_and_scores_by_the_mean(layer):
    def setup():
        teacher = InstructorFactory.create(username="teacher4")
        room = room_create(owner=teacher, code="TEAMS1")
        quiz = quiz_create(owner=teacher, title="Teams", questions=QUESTIONS[:1])
        session = live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=teacher, team_count=2)
        joined = [joining.participant_join(code="TEAMS1", nickname=f"p{i}", address="127.0.0.1") for i in range(5)]
        live.session_next(session_id=session.id, user=teacher)
        question = quiz.questions.get()
        # Team 0 gets p0, p2, p4 (three members); team 1 gets p1, p3 (two).
        teams_of = {j.participant.nickname: j.participant.team for j in joined}
        for j in joined:
            if j.participant.nickname in {"p0", "p1"}:
                live_answers.answer_submit(participant_id=j.participant.id, question_id=question.id, choices=[0])
        live.session_reveal(session_id=session.id, user=teacher)
        from quizapp.selectors import team_standings

        return teams_of, team_standings(QuizSession.objects.get(id=session.id)), joined

    teams_of, standings, joined = await database_sync_to_async(setup)()
    assert sorted(teams_of.values()) == [0, 0, 0, 1, 1], "balanced: sizes differ by at most one"
    scores = {j.participant.nickname: j.participant for j in joined}
    del scores
    by_team = {row["team"]: row for row in standings}
    assert by_team[0]["members"] == 3
    assert by_team[1]["members"] == 2
    # One correct answer in each team: the smaller team's mean is higher, and its rocket further.
    assert by_team[1]["score"] > by_team[0]["score"] > 0
    assert by_team[1]["progress"] == 0.5
    assert by_team[0]["progress"] == round(1 / 3, 4)


async def test_confidence_and_the_calibration_verdict_at_the_end(layer):
    def setup():
        teacher = InstructorFactory.create(username="teacher5")
        room = room_create(owner=teacher, code="CONF01")
        quiz = quiz_create(owner=teacher, title="Sure?", questions=QUESTIONS, ask_confidence=True)
        session = live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=teacher)
        client = Client()
        client.force_login(teacher)
        return session, client.cookies["sessionid"].value

    _session, cookie = await database_sync_to_async(setup)()
    host = await connect("/ws/rooms/CONF01/host/", cookie)
    kim, _ = await join("CONF01", "Kim")
    try:
        await receive_type(host, "host_state")
        answers = [{"choices": [0]}, {"choices": [1]}, {"text": "dog"}]  # right, wrong, wrong
        for answer in answers:
            await host.send_json_to({"type": "next"})
            question = (await receive_type(kim, "question"))["question"]
            await kim.send_json_to({"type": "answer", "question_id": question["id"], "confidence": 2, **answer})
            assert (await receive_type(kim, "error"))["code"] == "invalid_answer", "confidence is 0.5 to 1"
            await kim.send_json_to({"type": "answer", "question_id": question["id"], "confidence": 1.0, **answer})
            await receive_type(kim, "answer_received")
        await host.send_json_to({"type": "end"})
        ended = await receive_type(kim, "session_ended")
        assert ended["you"]["calibration"] == {
            "verdict": "overconfident",
            "brier": round((0 + 1 + 1) / 3, 3),
            "mean_confidence": 1.0,
            "accuracy": round(1 / 3, 3),
            "answers": 3,
        }
    finally:
        await host.disconnect()
        await kim.disconnect()


async def test_a_team_can_be_chosen_at_join(layer):
    def setup():
        teacher = InstructorFactory.create(username="teacher6")
        room = room_create(owner=teacher, code="TEAMS2", max_participants=3)
        quiz = quiz_create(owner=teacher, title="Teams", questions=QUESTIONS[:1])
        live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=teacher, team_count=3)
        chosen = joining.participant_join(code="TEAMS2", nickname="a", address="127.0.0.1", team=2).participant.team
        invalid = joining.participant_join(code="TEAMS2", nickname="b", address="127.0.0.1", team=9).participant.team
        joining.participant_join(code="TEAMS2", nickname="c", address="127.0.0.1")
        with pytest.raises(errors.RoomFull):
            joining.participant_join(code="TEAMS2", nickname="d", address="127.0.0.1")
        return chosen, invalid

    chosen, invalid = await database_sync_to_async(setup)()
    assert chosen == 2
    assert invalid == 0, "an unknown team falls back to the smallest one"


async def test_a_frame_does_not_wait_for_the_database_thread(layer, monkeypatch):
    """Channels closes old connections on the database thread before every message; the quiz's
    sockets skip that hop (their database calls close them), so an answer or a ping is not queued
    behind the answer batches (docs/operations.md, "Sizing")."""
    _teacher, _room, session, cookie = await database_sync_to_async(make_game)()
    hops = []

    async def counted() -> None:
        hops.append(1)

    monkeypatch.setattr("channels.consumer.aclose_old_connections", counted)
    host = await connect("/ws/rooms/MODULABS/host/", cookie)
    kim, _token = await join("MODULABS", "Kim")
    try:
        await receive_type(host, "host_state")
        await host.send_json_to({"type": "next"})
        q1 = (await receive_type(kim, "question"))["question"]["id"]
        await kim.send_json_to({"type": "ping", "id": 1})
        assert (await receive_type(kim, "pong"))["id"] == 1
        await kim.send_json_to({"type": "answer", "question_id": q1, "choices": [0], "id": "a1"})
        assert (await receive_type(kim, "answer_received"))["id"] == "a1"
        assert await database_sync_to_async(Answer.objects.filter(session=session).count)() == 1
        assert hops == [], "no frame of a quiz socket hops through the database thread before its handler"
    finally:
        await host.disconnect()
        await kim.disconnect()


async def test_a_closed_socket_is_freed_without_the_cycle_collector(layer):
    """A class leaving at once must not leave its sockets for a full collection (it stopped a web
    process for ~0.2 ms per socket): nothing of a closed student socket is cyclic garbage."""
    import gc

    from quizapp.live.consumers import StudentConsumer

    _teacher, _room, _session, _cookie = await database_sync_to_async(make_game)()
    student, _token = await join("MODULABS", "Kim")
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        await student.disconnect()
        await asyncio.sleep(0.1)
        gc.collect()
        assert not [obj for obj in gc.garbage if isinstance(obj, StudentConsumer)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
