"""Scale (rating) questions end to end over real WebSockets and the REST API: the class rates three
statements about AI at work on 1-5. Bad frames are refused with a message that says what fits; the
tally carries each statement's live mean, spread and distribution; the reveal carries them too; no
points are given; a second answer is refused; the builder's API keeps the settings and refuses bad
ones (422, translated); a quiz file round-trips them; GIFT, Aiken and Kahoot exports skip them."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from rest_framework.test import APIClient

from quizapp.authoring.formats import aiken, gift, kahoot
from quizapp.authoring.services import quiz_create, quiz_export, quiz_import
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Answer, Participant, Question, QuizSession
from tests.factories import InstructorFactory
from tests.quizapp.live.test_consumers import connect, join, layer, receive_type  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

STATEMENTS = ["AI will change my job", "I trust AI's answers", "I want to learn to build models"]
SCALE = {
    "kind": "scale",
    "prompt": "AI와 나의 일: 얼마나 동의하나요?",
    "options": [{"text": s} for s in STATEMENTS],
    "scale": {"min": 1, "max": 5, "low_label": "Strongly disagree", "high_label": "Strongly agree"},
    "time_limit_s": 60,
    "points": 1000,
}


def make_scale_game():
    from django.test import Client

    teacher = InstructorFactory.create(username="teacher", password="x-long-password-1")
    room = room_create(owner=teacher, code="SCALES")
    quiz = quiz_create(owner=teacher, title="Scales", questions=[SCALE])
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    client = Client()
    client.force_login(teacher)
    return client.cookies["sessionid"].value


async def test_students_rate_statements_and_the_host_sees_means_and_spread(layer):  # noqa: F811
    cookie = await database_sync_to_async(make_scale_game)()
    host = await connect("/ws/rooms/SCALES/host/", cookie)
    sockets = [host]
    try:
        await receive_type(host, "host_state")
        students = []
        for i in range(4):
            socket, _token = await join("SCALES", f"rater{i}")
            students.append(socket)
        sockets += students
        await host.send_json_to({"type": "next"})
        for socket in students:
            opened = (await receive_type(socket, "question"))["question"]
        assert opened["kind"] == "scale"
        assert opened["options"] == STATEMENTS
        assert opened["scale"] == SCALE["scale"]
        assert opened["points"] == 0  # an opinion scores nothing
        question_id = opened["id"]

        kim = students[0]
        bad_frames = [
            [4, 4],  # too few
            [4, 4, 4, 4],  # too many
            [4, 6, 4],  # off the scale
            [0, 4, 4],
            [4, "4", 4],  # a string
            [4, 3.5, 4],  # not a whole number
            [4, True, 4],  # a boolean
            [4, None, 4],
            "4,4,4",
            None,
        ]
        for bad in bad_frames:
            await kim.send_json_to({"type": "answer", "question_id": question_id, "ratings": bad})
            error = await receive_type(kim, "error")
            assert error["code"] == "invalid_answer", bad
            assert "3 statements" in error["message"], error
            assert "1 to 5" in error["message"], error
        await kim.send_json_to({"type": "answer", "question_id": question_id, "choices": [0]})
        assert (await receive_type(kim, "error"))["code"] == "invalid_answer"

        ratings = ([5, 2, 4], [4, 2.0, 5], [3, 1, 5], [4, 3, 2])  # 2.0: a JSON float that is whole
        for socket, given in zip(students, ratings, strict=True):
            await socket.send_json_to({"type": "answer", "question_id": question_id, "ratings": given, "id": "a"})
            received = await receive_type(socket, "answer_received")
            assert received["question_id"] == question_id
        await kim.send_json_to({"type": "answer", "question_id": question_id, "ratings": [1, 1, 1]})
        assert (await receive_type(kim, "error"))["code"] == "already_answered"

        tally = await receive_type(host, "tally")
        while tally["answered"] < 4:
            tally = await receive_type(host, "tally")
        assert tally["distribution"] == [4, 4, 4]
        first, second, third = tally["scale_stats"]
        assert first == {"n": 4, "mean": 4.0, "sd": 0.71, "distribution": [0, 0, 1, 2, 1]}
        assert second["mean"] == 2.0
        assert second["distribution"] == [1, 2, 1, 0, 0]
        assert third["mean"] == 4.0
        assert third["sd"] == 1.22
        assert {cell["participant_id"] for cell in tally["cells"]}
        assert all(cell["ratings"] in ([5, 2, 4], [4, 2, 5], [3, 1, 5], [4, 3, 2]) for cell in tally["cells"])

        await host.send_json_to({"type": "reveal"})
        reveal = await receive_type(kim, "reveal")
        assert reveal["scale_stats"] == [first, second, third]
        assert reveal["correct_choices"] == []
        assert reveal["you"]["correct"] is None
        assert reveal["you"]["points"] == 0
        host_reveal = await receive_type(host, "reveal")
        assert host_reveal["scale_stats"][0]["mean"] == 4.0

        late, _token = await join("SCALES", "late")
        sockets.append(late)
        await late.send_json_to({"type": "answer", "question_id": question_id, "ratings": [3, 3, 3]})
        assert (await receive_type(late, "error"))["code"] == "question_not_open"
    finally:
        for socket in sockets:
            await socket.disconnect()

    def stored():
        return (
            sorted(Answer.objects.values_list("ratings", "text", "correct", "points")),
            sorted(Participant.objects.values_list("score", flat=True)),
        )

    answers, scores = await database_sync_to_async(stored)()
    assert answers == [
        ([3, 1, 5], "3 · 1 · 5", None, 0),
        ([4, 2, 5], "4 · 2 · 5", None, 0),
        ([4, 3, 2], "4 · 3 · 2", None, 0),
        ([5, 2, 4], "5 · 2 · 4", None, 0),
    ]
    assert set(scores) == {0}


def test_the_builder_api_keeps_scale_settings_and_refuses_bad_ones(transactional_db):
    teacher = InstructorFactory.create(username="builder", password="x-long-password-1")
    api = APIClient()
    api.force_authenticate(teacher)
    created = api.post("/api/quizzes/", {"title": "Opinions", "questions": [SCALE]}, format="json")
    assert created.status_code == 201, created.content
    question = created.json()["questions"][0]
    assert question["scale"] == SCALE["scale"]
    assert question["numeric"] is None
    assert [o["text"] for o in question["options"]] == STATEMENTS
    assert question["points"] == 0
    quiz_id = created.json()["id"]
    cases = [
        ({"scale": {"min": 1, "max": 7}}, "1 to 5 or from 0 to 10", "1~5 또는 0~10"),
        ({"scale": {"min": 1, "max": 5, "low_label": "x" * 41}}, "at most 40 characters", "40자"),
        ({"options": [{"text": "Same"}, {"text": "same"}]}, "are the same", "같습니다"),
        ({"options": [{"text": f"s{i}"} for i in range(9)]}, "1 to 8 statements", "1~8개"),
        ({"options": []}, "1 to 8 statements", "1~8개"),
    ]
    for change, english, korean in cases:
        for language, expected in (("en", english), ("ko", korean)):
            refused = api.post(
                f"/api/quizzes/{quiz_id}/questions/", {**SCALE, **change}, format="json", HTTP_ACCEPT_LANGUAGE=language
            )
            assert refused.status_code == 422, (change, refused.content)
            assert expected in refused.json()["error"]["message"], (language, refused.json())
    assert Question.objects.count() == 1
    patched = api.patch(
        f"/api/questions/{question['id']}/",
        {"scale": {"min": 0, "max": 10, "high_label": "Very likely"}},
        format="json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["scale"] == {"min": 0, "max": 10, "low_label": "", "high_label": "Very likely"}


def test_a_quiz_file_round_trips_a_scale_and_other_formats_skip_it(transactional_db):
    teacher = InstructorFactory.create(username="porter", password="x-long-password-1")
    quiz = quiz_create(owner=teacher, title="Opinions", questions=[SCALE])
    exported = quiz_export(quiz)
    assert exported["questions"][0]["numeric"] == SCALE["scale"]
    again = quiz_import(owner=teacher, data=exported)
    question = again.questions.get()
    original = quiz.questions.get()
    assert (question.kind, question.numeric, question.options) == ("scale", original.numeric, original.options)
    for text, skipped in (gift.export(exported["questions"])[:2], aiken.export(exported["questions"])):
        assert [item.kind for item in skipped] == ["scale"]
        assert STATEMENTS[0] not in text
    _sheet, skipped = kahoot.export(exported["questions"])
    assert [item.kind for item in skipped] == ["scale"]
