"""Slider questions end to end over real WebSockets and the REST API: the lecture's "how long do
S&P companies live today?" (15 years, ± 3). Students send numbers; bad numbers are refused; the
reveal shows the histogram and the true value; scores follow the margin; the builder's API keeps the
settings and refuses bad ones; a quiz file round-trips them."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from rest_framework.test import APIClient

from quizapp.authoring.services import quiz_create, quiz_export, quiz_import
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Answer, Question, QuizSession
from tests.factories import InstructorFactory
from tests.quizapp.live.test_consumers import connect, join, layer, receive_type  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

SLIDER = {
    "kind": "slider",
    "prompt": "1920년대 S&P 기업의 평균 수명은 67년. 오늘날은?",
    "numeric": {"min": 0, "max": 100, "step": 1, "answer": 15, "margin": 3, "unit": "년"},
    "time_limit_s": 60,
    "explanation": "오늘날은 약 15년: 기술이 산업을 빠르게 바꿉니다.",
}


def make_slider_game():
    from django.test import Client

    teacher = InstructorFactory.create(username="teacher", password="x-long-password-1")
    room = room_create(owner=teacher, code="SLIDER")
    quiz = quiz_create(owner=teacher, title="Slider", questions=[SLIDER])
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    client = Client()
    client.force_login(teacher)
    return client.cookies["sessionid"].value


async def test_students_answer_a_slider_and_the_reveal_shows_the_histogram(layer):  # noqa: F811
    cookie = await database_sync_to_async(make_slider_game)()
    host = await connect("/ws/rooms/SLIDER/host/", cookie)
    sockets = [host]
    try:
        await receive_type(host, "host_state")
        students = []
        for i in range(5):
            socket, _token = await join("SLIDER", f"guess{i}")
            students.append(socket)
        sockets += students
        await host.send_json_to({"type": "next"})
        for socket in students:
            opened = (await receive_type(socket, "question"))["question"]
        assert opened["kind"] == "slider"
        assert opened["slider"] == {"min": 0, "max": 100, "step": 1, "unit": "년"}
        assert "answer" not in opened["slider"]
        assert len(opened["options"]) == 10  # the histogram's bins
        question_id = opened["id"]

        kim = students[0]
        for bad in (True, "15", None, -5, 101, 15.5, [15]):
            await kim.send_json_to({"type": "answer", "question_id": question_id, "value": bad})
            assert (await receive_type(kim, "error"))["code"] == "invalid_answer", bad
        for socket, value in zip(students, (15, 17, 12, 40, 99), strict=True):
            await socket.send_json_to({"type": "answer", "question_id": question_id, "value": value})
            await receive_type(socket, "answer_received")
        await host.send_json_to({"type": "reveal"})
        reveal = await receive_type(kim, "reveal")
        assert reveal["accepted_answers"] == ["15 년 (± 3)"]
        assert reveal["slider_answer"]["answer"] == 15
        assert reveal["correct_choices"] == [1]  # the bin 11-21 holds 15
        assert reveal["distribution"][:4] == [0, 3, 0, 1]
        assert reveal["distribution"][-1] == 1
        assert reveal["you"]["correct"] is True
    finally:
        for socket in sockets:
            await socket.disconnect()
    stored = await database_sync_to_async(lambda: sorted(Answer.objects.values_list("text", "correct")))()
    assert stored == [("12", True), ("15", True), ("17", True), ("40", False), ("99", False)]


def test_the_builder_api_keeps_slider_settings_and_refuses_bad_ones(transactional_db):
    teacher = InstructorFactory.create(username="builder", password="x-long-password-1")
    api = APIClient()
    api.force_authenticate(teacher)
    created = api.post("/api/quizzes/", {"title": "Numbers", "questions": [SLIDER]}, format="json")
    assert created.status_code == 201, created.content
    question = created.json()["questions"][0]
    assert question["numeric"] == {"min": 0, "max": 100, "step": 1, "answer": 15, "margin": 3, "unit": "년"}
    refused = api.post(
        f"/api/quizzes/{created.json()['id']}/questions/",
        {**SLIDER, "numeric": {**SLIDER["numeric"], "answer": 150}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 422
    message = refused.json()["error"]["message"]
    assert "between its minimum and maximum" in message or "최솟값과 최댓값 사이" in message
    assert Question.objects.count() == 1


def test_a_quiz_file_round_trips_a_slider(transactional_db):
    teacher = InstructorFactory.create(username="porter", password="x-long-password-1")
    quiz = quiz_create(owner=teacher, title="Numbers", questions=[SLIDER])
    again = quiz_import(owner=teacher, data=quiz_export(quiz))
    question = again.questions.get()
    assert question.kind == "slider"
    assert question.numeric == quiz.questions.get().numeric
    assert [o["correct"] for o in question.options].count(True) == 1
