"""Time accommodations (WCAG 2.2.1) in live play: asked for at join or given by the instructor
from the console; an accommodated student's answer is taken until their own deadline and scored
on their own time limit; the projector's deadline stays the class's."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone

from quizapp import errors
from quizapp.authoring.services import quiz_create
from quizapp.live import answers as live_answers
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Answer, Participant, QuizSession
from quizapp.rules import scoring
from tests.factories import InstructorFactory
from tests.quizapp.live.test_consumers import QUESTIONS, connect, make_game, receive_type

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT_MS = 20_000  # the quizzes' default time limit


async def join(code: str, nickname: str, *, more_time: bool = False):
    result = await database_sync_to_async(joining.participant_join)(
        code=code, nickname=nickname, address="127.0.0.1", more_time=more_time
    )
    student = await connect(f"/ws/rooms/{code.lower()}/play/")
    await student.send_json_to({"type": "hello", "token": result.token})
    state = await receive_type(student, "state")
    return student, result, state


def _rewind(session_id: int, seconds: float) -> None:
    """The question opened ``seconds`` ago (the class's 20 s are over, grace included)."""
    session = QuizSession.objects.get(id=session_id)
    assert session.question_opened_at is not None
    assert session.question_deadline is not None
    QuizSession.objects.filter(id=session_id).update(
        question_opened_at=session.question_opened_at - timedelta(seconds=seconds),
        question_deadline=session.question_deadline - timedelta(seconds=seconds),
    )


def _stored(participant_id: int) -> Answer:
    return Answer.objects.get(participant_id=participant_id)


async def test_accommodated_students_answer_after_the_class_deadline(redis_channel_layer, settings):
    settings.QUIZ_TALLY_INTERVAL_S = 0.1
    _teacher, _room, session, cookie = await database_sync_to_async(make_game)()
    host = await connect("/ws/rooms/MODULABS/host/", cookie)
    sockets = [host]
    try:
        await receive_type(host, "host_state")
        kim, kim_join, kim_state = await join("MODULABS", "Kim", more_time=True)  # "I need more time"
        lee, _lee_join, _ = await join("MODULABS", "Lee")
        park, park_join, _ = await join("MODULABS", "Park")
        sockets += [kim, lee, park]
        assert kim_state["you"]["time_factor"] == 2
        joined = (await receive_type(host, "participants_joined"))["participants"][0]  # Kim came first
        assert joined == {**joined, "nickname": "Kim", "time_factor": 2, "time_requested": True}

        # The instructor gives Park no time limit from the console's participant list.
        park_id = park_join.participant.id
        await host.send_json_to({"type": "accommodate", "participant_id": park_id, "factor": None})
        marked = await receive_type(host, "participant_accommodated")
        assert marked["participant"]["id"] == park_id
        assert marked["participant"]["time_factor"] is None
        told = await receive_type(park, "time_accommodation")
        assert told["time_factor"] is None
        assert told["question_id"] is None  # nothing open yet

        # Refusals are clear and change nothing.
        for bad in ({"factor": 3}, {"factor": True}, {"factor": 0}, {}, {"factor": "2"}):
            await host.send_json_to({"type": "accommodate", "participant_id": park_id, **bad})
            refusal = await receive_type(host, "error")
            assert refusal["code"] == "invalid_state"
            assert refusal["message"] == "A time accommodation is ×2, ×10, no time limit or none."
        await host.send_json_to({"type": "accommodate", "participant_id": 10**9, "factor": 2})
        assert (await receive_type(host, "error"))["code"] == "invalid_state"
        factor = await database_sync_to_async(lambda: Participant.objects.get(id=park_id).time_factor)()
        assert factor == scoring.NO_TIME_LIMIT

        await host.send_json_to({"type": "next"})
        kim_q = await receive_type(kim, "question")
        lee_q = await receive_type(lee, "question")
        park_q = await receive_type(park, "question")
        opened, class_deadline = kim_q["opened_at_ms"], kim_q["deadline_ms"]
        assert class_deadline - opened == LIMIT_MS, "the shared part (the projector's) is unchanged"
        assert kim_q["you"] == {"deadline_ms": opened + 2 * LIMIT_MS, "time_factor": 2}
        assert "you" not in lee_q
        assert park_q["you"] == {"deadline_ms": None, "time_factor": None}
        q1 = kim_q["question"]["id"]

        # 30 s later: the class's time is up, Kim's (40 s) and Park's (none) are not.
        await database_sync_to_async(_rewind)(session.id, 30)
        await lee.send_json_to({"type": "answer", "question_id": q1, "choices": [0]})
        assert (await receive_type(lee, "error"))["code"] == "too_late"
        await kim.send_json_to({"type": "answer", "question_id": q1, "choices": [0]})
        await receive_type(kim, "answer_received")
        await park.send_json_to({"type": "answer", "question_id": q1, "choices": [0]})
        await receive_type(park, "answer_received")

        # A reconnecting phone gets its own deadline back.
        await kim.send_json_to({"type": "sync"})
        resync = await receive_type(kim, "state")
        assert resync["deadline_ms"] == resync["opened_at_ms"] + 2 * LIMIT_MS
        assert resync["you"]["time_factor"] == 2

        kim_answer = await database_sync_to_async(_stored)(kim_join.participant.id)
        park_answer = await database_sync_to_async(_stored)(park_id)
        assert 30_000 <= kim_answer.response_ms < 35_000
        # Scored on their own limit: Kim at ~30 s of 40 s earns what 15 s of 20 s earns (~625).
        rules = scoring.ScoringRules()
        assert kim_answer.points == scoring.answer_points(
            correct=True, points=1000, response_ms=kim_answer.response_ms, time_limit_ms=2 * LIMIT_MS, rules=rules
        )
        assert 560 <= kim_answer.points <= 625
        # No limit: speed on the x10 limit (200 s), ~30 s of it.
        assert 900 <= park_answer.points <= 925

        # The reveal closes the question for everyone, accommodated or not.
        await host.send_json_to({"type": "reveal"})
        reveal = await receive_type(kim, "reveal")
        assert reveal["you"]["correct"] is True
        assert reveal["you"]["points"] == kim_answer.points
    finally:
        for socket in sockets:
            await socket.disconnect()


def _paced_game(code: str = "PACED1"):
    teacher = InstructorFactory.create(username="pacer", password="x-long-password-1")
    room = room_create(owner=teacher, code=code)
    quiz = quiz_create(owner=teacher, title="At your pace", questions=QUESTIONS)
    session = live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.STUDENT_PACED, user=teacher)
    Client().force_login(teacher)
    return teacher, session


def _at_question(participant: Participant, seconds_ago: float) -> Participant:
    live.student_advance(participant_id=participant.id)
    Participant.objects.filter(id=participant.id).update(
        question_opened_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    return Participant.objects.get(id=participant.id)


def test_student_paced_own_deadline(redis_channel_layer):
    teacher, session = _paced_game()
    slow = joining.participant_join(code="PACED1", nickname="Slow", address="10.0.0.2").participant
    plain = joining.participant_join(code="PACED1", nickname="Plain", address="10.0.0.3").participant
    free = joining.participant_join(code="PACED1", nickname="Free", address="10.0.0.4").participant
    live.participant_accommodate(session_id=session.id, user=teacher, participant_id=slow.id, factor=10)
    live.participant_accommodate(
        session_id=session.id, user=teacher, participant_id=free.id, factor=scoring.NO_TIME_LIMIT
    )
    question = session.quiz.questions.order_by("position").first()
    for participant in (slow, plain, free):
        _at_question(participant, 100)  # 100 s into a 20 s question

    with pytest.raises(errors.TooLate):
        live_answers.answer_submit(participant_id=plain.id, question_id=question.id, choices=[0])
    receipt = live_answers.answer_submit(participant_id=slow.id, question_id=question.id, choices=[0])
    assert receipt.immediate_result["correct"] is True
    # 100 s of a 200 s own limit scores as 10 s of 20 s: 750 (a second's drift at most).
    assert 745 <= receipt.answer.points <= 750

    # No time limit: never too late, and no question holds them: they move on when they choose.
    Participant.objects.filter(id=free.id).update(question_opened_at=timezone.now() - timedelta(hours=2))
    moved, _next = live.student_advance(participant_id=free.id)
    assert moved.current_index == 1
    # The teacher takes the accommodation back: the standard limit applies again.
    live.participant_accommodate(session_id=session.id, user=teacher, participant_id=slow.id, factor=1)
    assert Participant.objects.get(id=slow.id).time_factor == 1


def test_join_api_takes_the_request():
    teacher = InstructorFactory.create(username="apiteacher", password="x-long-password-1")
    room = room_create(owner=teacher, code="ASKMORE")
    quiz = quiz_create(owner=teacher, title="q", questions=QUESTIONS)
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    response = Client().post(
        "/api/rooms/ASKMORE/join/", {"nickname": "Mina", "more_time": True}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    mina = Participant.objects.get(nickname="Mina")
    assert (mina.time_factor, mina.time_requested) == (joining.REQUESTED_FACTOR, True)
    bad = Client().post(
        "/api/rooms/ASKMORE/join/", {"nickname": "Jun", "more_time": "lots"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert not Participant.objects.filter(nickname="Jun").exists()
