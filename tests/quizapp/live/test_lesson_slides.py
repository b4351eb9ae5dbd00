"""Lessons: slides between questions, over real WebSockets and the services. A slide is shown to
the projector and the phones (title, safe HTML with MathML, a compact version), never answered or
scored; back moves over slides only; a reconnecting phone lands on the current slide; the
instructor's notes reach the console page and nothing else; grids, reports and "question N of M"
leave slides out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.test import Client

from quizapp.authoring.services import quiz_create
from quizapp.live import session as live
from quizapp.live import state as live_state
from quizapp.live.rooms import room_create
from quizapp.models import Answer, Participant, QuizSession
from quizapp.reporting.load import session_report
from quizapp.selectors import results_grid
from tests.factories import InstructorFactory
from tests.quizapp.live.test_consumers import connect, join, layer, receive_type  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

NOTE_A = "SECRET-NOTE-A: ask who has used a chatbot"
NOTE_Q = "SECRET-NOTE-Q: the answer is possible"
LESSON: list[dict[str, Any]] = [
    {
        "kind": "slide",
        "prompt": "로지스틱 함수",
        "body": r"The sigmoid: $\frac{1}{1+e^{x}}$ and $$\int \frac{1}{x}\,dx = \ln|x| + C$$",
        "layout": "title_body",
        "notes": NOTE_A,
    },
    {"kind": "slide", "prompt": "Supervised learning", "body": "Input **A** → output **B**", "layout": "body_image"},
    {
        "kind": "true_false",
        "prompt": "Pedestrian detection?",
        "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
        "notes": NOTE_Q,
    },
    {"kind": "slide", "prompt": "What ML does well", "body": "The one-second rule.", "layout": "title"},
]


def make_lesson(code: str = "LESSON", mode: str = QuizSession.Mode.INSTRUCTOR_PACED):
    teacher = InstructorFactory.create(username="teacher", password="x-long-password-1")
    room = room_create(owner=teacher, code=code)
    quiz = quiz_create(owner=teacher, title="Lesson", questions=LESSON)
    session = live.session_start(room=room, quiz=quiz, mode=mode, user=teacher)
    client = Client()
    client.force_login(teacher)
    return teacher, session, client


async def receive_recording(communicator: WebsocketCommunicator, wanted: str, seen: list[str]) -> dict:
    """The next message of a type; every frame received on the way is kept in ``seen``."""
    while True:
        text = await communicator.receive_from(timeout=5)
        seen.append(text)
        payload = json.loads(text)
        if payload["type"] == wanted:
            return payload


async def test_a_lesson_slide_question_slide_with_back_and_a_reconnecting_phone(layer):  # noqa: F811
    _teacher, _session, client = await database_sync_to_async(make_lesson)()
    cookie = client.cookies["sessionid"].value
    host = await connect("/ws/rooms/LESSON/host/", cookie)
    sockets = [host]
    phone_frames: list[str] = []
    host_frames: list[str] = []
    try:
        await receive_type(host, "host_state")
        kim, kim_token = await join("LESSON", "Kim")
        sockets.append(kim)

        await host.send_json_to({"type": "next"})
        slide = (await receive_recording(kim, "slide", phone_frames))["slide"]
        assert slide["title"] == "로지스틱 함수"
        assert slide["item_index"] == 0
        assert slide["items"] == 4
        assert slide["body_html"].count("<math") == 2
        assert slide["layout"] == "title_body"
        assert "<math" not in slide["short"]
        assert (await receive_recording(host, "slide", host_frames))["session"]["state"] == "slide"

        # Back from the first slide: nothing before it.
        await host.send_json_to({"type": "back"})
        assert (await receive_recording(host, "error", host_frames))["code"] == "back_not_here"

        # A student cannot answer a slide.
        await kim.send_json_to({"type": "answer", "question_id": slide["id"], "choices": [0]})
        assert (await receive_recording(kim, "error", phone_frames))["code"] == "question_not_open"

        await host.send_json_to({"type": "next"})
        assert (await receive_recording(kim, "slide", phone_frames))["slide"]["title"] == "Supervised learning"
        await host.send_json_to({"type": "back"})
        back = (await receive_recording(kim, "slide", phone_frames))["slide"]
        assert back["title"] == "로지스틱 함수"
        assert back["item_index"] == 0
        await host.send_json_to({"type": "next"})
        await receive_recording(kim, "slide", phone_frames)

        # Slide -> question: "question 1 of 1", the third item of four.
        await host.send_json_to({"type": "next"})
        question = (await receive_recording(kim, "question", phone_frames))["question"]
        assert (question["index"], question["total"]) == (0, 1)
        assert (question["item_index"], question["items"]) == (2, 4)
        # Back from a question is refused: it would reopen or hide a question.
        await host.send_json_to({"type": "back"})
        assert (await receive_recording(host, "error", host_frames))["code"] == "back_not_here"
        await kim.send_json_to({"type": "answer", "question_id": question["id"], "choices": [0]})
        await receive_recording(kim, "answer_received", phone_frames)

        # Next reveals the question, then shows the last slide.
        await host.send_json_to({"type": "next"})
        reveal = await receive_recording(kim, "reveal", phone_frames)
        assert reveal["you"]["correct"] is True
        assert reveal["you"]["points"] > 0
        last = (await receive_recording(kim, "slide", phone_frames))["slide"]
        assert last["title"] == "What ML does well"
        assert last["layout"] == "title"
        # Back from the last slide onto the question is refused too.
        await host.send_json_to({"type": "back"})
        assert (await receive_recording(host, "error", host_frames))["code"] == "back_not_here"

        # A reconnecting phone lands on the current slide.
        await kim.disconnect()
        sockets.remove(kim)
        again = await connect("/ws/rooms/lesson/play/")
        sockets.append(again)
        await again.send_json_to({"type": "hello", "token": kim_token})
        state = await receive_recording(again, "state", phone_frames)
        assert state["slide"]["title"] == "What ML does well"
        assert state["question"] is None
        assert state["reveal"] is None
        assert state["you"]["score"] > 0

        # The console/projector socket's state carries the slide too.
        await host.send_json_to({"type": "sync"})
        host_state = await receive_recording(host, "host_state", host_frames)
        assert host_state["slide"]["title"] == "What ML does well"
        assert host_state["question"] is None
        assert len(host_state["grid"]["questions"]) == 1  # slides are not columns

        await host.send_json_to({"type": "next"})
        ended = await receive_recording(again, "session_ended", phone_frames)
        assert ended["top"][0]["nickname"] == "Kim"
    finally:
        for socket in sockets:
            await socket.disconnect()
    # The instructor's notes never travelled on a socket (the projector shares the host's).
    for frame in phone_frames + host_frames:
        assert "SECRET-NOTE" not in frame
        assert '"notes"' not in frame


def test_notes_are_on_the_console_page_only(settings):
    _teacher, _session, client = make_lesson(code="NOTES")
    console = client.get("/rooms/NOTES/console/")
    assert console.status_code == 200
    assert NOTE_A in console.content.decode()
    assert NOTE_Q in console.content.decode()
    projector = client.get("/rooms/NOTES/projector/")
    assert projector.status_code == 200
    assert "SECRET-NOTE" not in projector.content.decode()
    play = Client().get("/r/NOTES/")
    assert "SECRET-NOTE" not in play.content.decode()


def test_slides_are_not_scored_counted_or_reported():
    teacher, session, _client = make_lesson(code="SCORE")
    kim = Participant.objects.create(session=session, nickname="Kim", nickname_key="kim")
    live.session_next(session_id=session.id, user=teacher)  # slide
    session.refresh_from_db()
    assert session.state == QuizSession.State.SLIDE
    assert session.question_deadline is None
    live.session_next(session_id=session.id, user=teacher)  # slide
    live.session_next(session_id=session.id, user=teacher)  # question
    session.refresh_from_db()
    assert session.state == QuizSession.State.QUESTION
    live.session_next(session_id=session.id, user=teacher)  # reveal + last slide
    session.refresh_from_db()
    assert session.state == QuizSession.State.SLIDE
    assert session.current_index == 3
    kim.refresh_from_db()
    assert kim.streak == 0  # the unanswered question broke it; the slides did nothing
    grid = results_grid(session)
    assert [q["kind"] for q in grid["questions"]] == ["true_false"]
    assert all(len(row["cells"]) == 1 for row in grid["rows"])
    report = session_report(session)
    assert [q.kind for q in report.questions] == ["true_false"]
    assert report.questions[0].number == 1
    student = live_state.student_state(kim)
    assert student["slide"]["title"] == "What ML does well"
    assert student["question"] is None
    live.session_next(session_id=session.id, user=teacher)
    session.refresh_from_db()
    assert session.ended_at is not None


def test_student_paced_lessons_walk_over_slides():
    _teacher, session, _client = make_lesson(code="PACED", mode=QuizSession.Mode.STUDENT_PACED)
    kim = Participant.objects.create(session=session, nickname="Kim", nickname_key="kim")
    kim, item = live.student_advance(participant_id=kim.id)
    assert item is not None
    assert item.is_slide
    assert live_state.student_state(kim)["slide"]["item_index"] == 0
    # A slide needs no answer: the student moves on at once, twice, to the question.
    kim, item = live.student_advance(participant_id=kim.id)
    kim, item = live.student_advance(participant_id=kim.id)
    assert item is not None
    assert item.kind == "true_false"
    question = live_state.student_state(kim)["question"]
    assert (question["index"], question["total"], question["item_index"]) == (0, 1, 2)
    assert Answer.objects.count() == 0


def test_a_canvas_activity_is_a_slide_whose_phones_offer_the_idea_form():
    from projects import services as projects

    teacher = InstructorFactory.create(username="teacher", password="x-long-password-1")
    room = room_create(owner=teacher, code="CANVAS")
    quiz = quiz_create(
        owner=teacher,
        title="Projects",
        questions=[{"kind": "canvas", "prompt": "Your AI project", "body": "A → B: what would you build?"}],
    )
    session = live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    kim = Participant.objects.create(session=session, nickname="Kim", nickname_key="kim")
    live.session_next(session_id=session.id, user=teacher)
    kim = Participant.objects.select_related("session__quiz", "session__room").get(id=kim.id)
    item = live_state.student_state(kim)["slide"]
    assert item["kind"] == "canvas"
    assert item["title"] == "Your AI project"
    assert quiz.questions.get().points == 0
    assert results_grid(session)["questions"] == []
    # Without a workspace the phone says so; with one that takes ideas, it links the idea form.
    page = Client().get("/r/CANVAS/").content.decode()
    assert 'data-testid="canvas-activity"' in page
    assert 'data-testid="canvas-idea-link"' not in page
    workspace = projects.workspace_create(user=teacher, name="Workshop", kind="workshop")
    workspace.room = room
    workspace.save()
    page = Client().get("/r/CANVAS/").content.decode()
    assert 'data-testid="canvas-idea-link"' in page
    assert 'href="/projects/submit/CANVAS/"' in page or "/submit/CANVAS/" in page
