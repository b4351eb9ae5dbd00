"""Ordering (puzzle) questions end to end over real WebSockets, the REST API, quiz files and the
report: the lecture's supervised-learning steps, in order. Phones get the items shuffled (never
in the right order) without the answer; bad orders are refused; exact, partly right and wrong
orders score as docs/scoring.md says; the tally and the reveal count exact / partial answers and
per-position right answers; the builder's API keeps the items and refuses bad ones; JSON and GIFT
files round-trip them; the report grid and CSV show each student's order and points."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from rest_framework.test import APIClient

from quizapp.authoring.formats import aiken, gift, kahoot
from quizapp.authoring.services import quiz_create, quiz_export, quiz_import
from quizapp.live import answers as live_answers
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Answer, Participant, Question, QuizSession
from quizapp.rules import ordering
from tests.factories import InstructorFactory
from tests.quizapp.live.test_consumers import connect, join, layer, receive_type  # noqa: F401 - fixture
from tests.quizapp.reporting.test_reports import play

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = ["데이터 모으기 (A → B)", "모델 학습", "새 데이터로 확인", "제품에 쓰기"]
ORDERING = {
    "kind": "ordering",
    "prompt": "지도 학습 프로젝트의 순서는?",
    "options": [{"text": t} for t in ITEMS],
    "time_limit_s": 60,
    "explanation": "데이터가 먼저, 배포는 마지막.",
}


def make_ordering_game():
    from django.test import Client

    teacher = InstructorFactory.create(username="teacher", password="x-long-password-1")
    room = room_create(owner=teacher, code="ORDERS")
    quiz = quiz_create(owner=teacher, title="Ordering", questions=[ORDERING])
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    client = Client()
    client.force_login(teacher)
    return client.cookies["sessionid"].value


async def test_students_order_items_and_the_reveal_shows_the_right_order(layer):  # noqa: F811
    cookie = await database_sync_to_async(make_ordering_game)()
    host = await connect("/ws/rooms/ORDERS/host/", cookie)
    sockets = [host]
    try:
        await receive_type(host, "host_state")
        students = []
        for name in ("exact", "partial", "wrong", "partial2"):
            socket, _token = await join("ORDERS", name)
            students.append(socket)
        sockets += students
        late, _token = await join("ORDERS", "late")
        sockets.append(late)
        await host.send_json_to({"type": "next"})
        for socket in students:
            opened = (await receive_type(socket, "question"))["question"]
        assert opened["kind"] == "ordering"
        assert opened["options"] == [], "the items come shuffled in `ordering`, never in their order"
        items = opened["ordering"]["items"]
        assert sorted(item["text"] for item in items) == sorted(ITEMS)
        shown = [item["id"] for item in items]
        assert sorted(shown) == [0, 1, 2, 3]
        assert shown != [0, 1, 2, 3], "never already in the right order"
        assert [ITEMS[i] for i in shown] == [item["text"] for item in items], "an id is the item's right place"
        assert "correct" not in str(opened)
        assert "ordering_answer" not in str(opened)
        question_id = opened["id"]

        first = students[0]
        for bad in (
            "0,1,2,3",  # a string
            ["0", "1", "2", "3"],  # strings
            [0, 0, 1, 2],  # a duplicate id
            [0, 1, 2],  # wrong length
            [0, 1, 2, 3, 3],  # wrong length, duplicated
            [0, 1, 2, 4],  # not an id
            [True, 0, 2, 3],  # a boolean
            [0.5, 1, 2, 3],
            {"0": 1},
            None,  # no order at all
        ):
            await first.send_json_to({"type": "answer", "question_id": question_id, "order": bad, "id": "bad"})
            refused = await receive_type(first, "error")
            assert refused["code"] == "invalid_answer", bad
            assert refused["message"], "a translated message comes with the code"
        await first.send_json_to({"type": "answer", "question_id": question_id, "choices": [0]})
        assert (await receive_type(first, "error"))["code"] == "invalid_answer", "choices are not an order"

        orders = ([0, 1, 2, 3], [0, 1, 3, 2], [1, 0, 3, 2], [0, 2, 1, 3])
        for socket, order in zip(students, orders, strict=True):
            await socket.send_json_to({"type": "answer", "question_id": question_id, "order": order, "id": "o"})
            await receive_type(socket, "answer_received")
        await first.send_json_to({"type": "answer", "question_id": question_id, "order": [0, 1, 2, 3], "id": "o2"})
        assert (await receive_type(first, "error"))["code"] == "already_answered"

        tally = await receive_type(host, "tally")
        while tally.get("answered") != 4:
            tally = await receive_type(host, "tally")
        assert tally["ordering"] == {"exact": 1, "partial": 2, "wrong": 1}
        assert tally["distribution"] == [3, 2, 1, 2]

        await host.send_json_to({"type": "reveal"})
        reveal = await receive_type(first, "reveal")
        assert reveal["ordering_answer"]["items"] == [{"id": i, "text": t} for i, t in enumerate(ITEMS)]
        assert reveal["accepted_answers"] == [" → ".join(ITEMS)]
        assert reveal["distribution"] == [3, 2, 1, 2], "per position: answers with the right item there"
        assert reveal["ordering"] == {"exact": 1, "partial": 2, "wrong": 1}
        assert reveal["answered"] == 4
        assert reveal["you"]["correct"] is True
        partial = await receive_type(students[1], "reveal")
        assert partial["you"]["correct"] is False
        assert partial["you"]["points"] > 0
        wrong = await receive_type(students[2], "reveal")
        assert wrong["you"]["correct"] is False
        assert wrong["you"]["points"] == 0
        host_reveal = await receive_type(host, "reveal")
        assert host_reveal["ordering"]["exact"] == 1
        late_reveal = await receive_type(late, "reveal")
        assert late_reveal["you"]["answered"] is False
        await late.send_json_to({"type": "answer", "question_id": question_id, "order": [0, 1, 2, 3], "id": "late"})
        assert (await receive_type(late, "error"))["code"] == "question_not_open", "a late order is refused"
    finally:
        for socket in sockets:
            await socket.disconnect()

    def stored():
        return {
            a.participant.nickname: (a.choices, a.correct, a.points)
            for a in Answer.objects.select_related("participant")
        }

    rows = await database_sync_to_async(stored)()
    assert "late" not in rows
    assert rows["exact"][:2] == ([0, 1, 2, 3], True)
    assert rows["partial"][:2] == ([0, 1, 3, 2], False)
    assert rows["wrong"] == ([1, 0, 3, 2], False, 0)
    assert rows["exact"][2] > 500, "the exact order scores like a right answer"
    assert 0 < rows["partial"][2] <= 250, "2 of 4 in place: at most 1000 × 2 / 8"
    assert 0 < rows["partial2"][2] <= 250


def test_scoring_follows_the_rules_with_speed_and_streaks(transactional_db):
    """Through the real answer path: the stored points are the pure rule's, a partial order ends a
    streak and a missing answer scores nothing."""
    teacher = InstructorFactory.create(username="streaks", password="x-long-password-1")
    session = play(
        teacher,
        questions=[ORDERING, ORDERING],
        answers={
            "Kim": [{"order": [0, 1, 2, 3]}, {"order": [0, 1, 2, 3]}],
            "Lee": [{"order": [0, 1, 3, 2]}, {"order": [0, 1, 2, 3]}],
            "Park": [None, {"order": [3, 2, 1, 0]}],
        },
        code="ORDERSCORE",
    )
    answers = {
        (a.participant.nickname, a.question.position): a
        for a in Answer.objects.filter(session=session).select_related("participant", "question")
    }
    kim = answers[("Kim", 0)]
    assert kim.correct is True
    assert kim.points == ordering.order_points(
        [0, 1, 2, 3],
        points=1000,
        response_ms=kim.response_ms,
        time_limit_ms=60_000,
        rules=live_answers.rules_for(session.quiz),
    )
    assert answers[("Kim", 1)].streak_bonus == 100, "two exact orders in a row: a streak"
    assert answers[("Lee", 0)].correct is False
    assert answers[("Lee", 0)].points > 0
    assert answers[("Lee", 1)].streak_bonus == 0, "a partly right order breaks the streak"
    assert answers[("Park", 1)].points == 0
    lee = Participant.objects.get(session=session, nickname="Lee")
    assert lee.score == answers[("Lee", 0)].points + answers[("Lee", 1)].points


def test_the_report_grid_and_csv_show_each_students_order_and_points(transactional_db, client):
    teacher = InstructorFactory.create(username="reporter", password="x-long-password-1")
    session = play(
        teacher,
        questions=[ORDERING],
        answers={"Kim": [{"order": [0, 1, 2, 3]}], "Lee": [{"order": [1, 0, 2, 3]}]},
        code="ORDERREPORT",
    )
    client.force_login(teacher)
    page = client.get(reverse("reports:session_report", args=[session.id]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert " → ".join([ITEMS[1], ITEMS[0], ITEMS[2], ITEMS[3]]).replace(">", "&gt;") in body
    response = client.get(reverse("reports:export_csv", args=[session.id]), HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    header = rows[0]
    lee = dict(zip(header, next(r for r in rows if r[0] == "Lee"), strict=True))
    kim = dict(zip(header, next(r for r in rows if r[0] == "Kim"), strict=True))
    assert lee["Q1 answer"] == " → ".join([ITEMS[1], ITEMS[0], ITEMS[2], ITEMS[3]])
    assert lee["Q1 right (1/0)"] == "0"
    assert int(lee["Q1 points"]) > 0, "2 of 4 in place: partial credit"
    assert kim["Q1 answer"] == " → ".join(ITEMS)
    assert kim["Q1 right (1/0)"] == "1"
    assert int(kim["Q1 points"]) > int(lee["Q1 points"])
    xlsx = client.get(reverse("reports:export_xlsx", args=[session.id]), HTTP_ACCEPT_LANGUAGE="en")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Grid"]
    grid = [[cell.value for cell in row] for row in sheet.iter_rows()]
    lee_row = dict(zip(grid[0], next(r for r in grid if r[0] == "Lee"), strict=True))
    assert lee_row["Q1 answer"] == " → ".join([ITEMS[1], ITEMS[0], ITEMS[2], ITEMS[3]])
    assert lee_row["Q1 points"] == int(lee["Q1 points"])


def test_the_builder_api_keeps_the_items_and_refuses_bad_ones(transactional_db):
    teacher = InstructorFactory.create(username="builder", password="x-long-password-1")
    api = APIClient()
    api.force_authenticate(teacher)
    created = api.post("/api/quizzes/", {"title": "Steps", "questions": [ORDERING]}, format="json")
    assert created.status_code == 201, created.content
    question = created.json()["questions"][0]
    assert question["kind"] == "ordering"
    assert [o["text"] for o in question["options"]] == ITEMS, "stored in their right order"
    url = f"/api/quizzes/{created.json()['id']}/questions/"
    for options, english, korean in (
        ([{"text": "a"}, {"text": "b"}], "3 to 6 items", "3~6개"),
        ([{"text": "a"}, {"text": "B"}, {"text": "b"}], "read the same", "똑같"),
    ):
        for language, expected in (("en", english), ("ko", korean)):
            refused = api.post(url, {**ORDERING, "options": options}, format="json", HTTP_ACCEPT_LANGUAGE=language)
            assert refused.status_code == 422, refused.content
            assert expected in refused.json()["error"]["message"], refused.json()
    assert Question.objects.count() == 1
    fetched = api.get(f"/api/quizzes/{created.json()['id']}/")
    assert [o["text"] for o in fetched.json()["questions"][0]["options"]] == ITEMS


def test_a_quiz_file_round_trips_an_ordering_question(transactional_db):
    teacher = InstructorFactory.create(username="porter", password="x-long-password-1")
    quiz = quiz_create(owner=teacher, title="Steps", questions=[ORDERING])
    again = quiz_import(owner=teacher, data=quiz_export(quiz))
    question = again.questions.get()
    assert question.kind == "ordering"
    assert question.options == quiz.questions.get().options
    assert [o["text"] for o in question.options] == ITEMS


def test_gift_carries_ordering_as_matching_and_kahoot_and_aiken_report_it():
    exported = [{**ORDERING, "options": [{"text": t, "correct": False} for t in ITEMS], "accepted_answers": []}]
    text, skipped = gift.export(exported)
    assert skipped == []
    assert "{=1 -> " in text
    parsed = gift.parse(text)
    assert parsed.problems == []
    [(_line, back)] = parsed.questions
    assert back["kind"] == "ordering"
    assert back["options"] == ITEMS
    # an item with "->" would not read back: skipped and reported
    arrow = {**exported[0], "options": [{"text": "a -> b"}, {"text": "c"}, {"text": "d"}]}
    _text, skipped = gift.export([arrow])
    assert [s.kind for s in skipped] == ["ordering"]
    _text, skipped = aiken.export(exported)
    assert [s.kind for s in skipped] == ["ordering"]
    _data, skipped = kahoot.export(exported)
    assert [s.kind for s in skipped] == ["ordering"]


def test_the_builder_form_adds_edits_and_refuses_ordering_questions(transactional_db, client):
    from tests.quizapp.authoring.test_views import question_post

    teacher = InstructorFactory.create(username="former", password="x-long-password-1")
    client.force_login(teacher)
    quiz = quiz_create(owner=teacher, title="Steps", language="ko")
    url = f"/quizzes/{quiz.id}/questions/add/"
    response = client.post(url, question_post(kind="ordering", prompt="순서는?", ordering_items="\r\n".join(ITEMS)))
    assert response.status_code == 302, response.content.decode()
    question = quiz.questions.get()
    assert (question.kind, [o["text"] for o in question.options]) == ("ordering", ITEMS)
    edit = client.get(f"/quizzes/{quiz.id}/questions/{question.id}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "\n".join(ITEMS).replace(">", "&gt;") in edit
    assert 'data-kinds="ordering"' in edit
    listed = client.get(f"/quizzes/{quiz.id}/").content.decode()
    assert 'data-testid="ordering-items"' in listed, "the quiz page lists the items in their order"
    for language, expected in (
        ("en", "An ordering question has 3 to 6 items."),
        ("ko", "순서 문제의 항목은 3~6개입니다."),
    ):
        refused = client.post(
            url, question_post(kind="ordering", ordering_items="only\ntwo"), HTTP_ACCEPT_LANGUAGE=language
        )
        assert refused.status_code == 400
        assert expected in refused.content.decode()
    assert quiz.questions.count() == 1


def test_student_paced_the_result_comes_with_the_answer(transactional_db):
    from quizapp.live import join as joining

    teacher = InstructorFactory.create(username="pacer", password="x-long-password-1")
    room = room_create(owner=teacher, code="ORDERPACE")
    quiz = quiz_create(owner=teacher, title="At your pace", questions=[ORDERING])
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.STUDENT_PACED, user=teacher)
    student = joining.participant_join(code="ORDERPACE", nickname="Solo", address="10.0.0.9").participant
    live.student_advance(participant_id=student.id)
    question = quiz.questions.get()
    receipt = live_answers.answer_submit(participant_id=student.id, question_id=question.id, order=[0, 2, 1, 3])
    result = receipt.immediate_result
    assert result is not None
    assert result["correct"] is False
    assert 0 < result["points"] <= 250, "2 of 4 in place"
    assert result["ordering_answer"]["items"][0] == {"id": 0, "text": ITEMS[0]}
    assert result["accepted_answers"] == [" → ".join(ITEMS)]
