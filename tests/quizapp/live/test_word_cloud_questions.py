"""Word cloud questions end to end over real WebSockets and the REST API: students send one to
three words (Korean particles counted together), hostile, oversized, empty and non-string frames
are refused with a clear message and lose nothing, the hosts' cloud follows live (coalesced like
the tally), the instructor hides and unhides a word (hidden on reconnect, never sent to phones), a
late answer is refused; the builder's API keeps the setting and refuses bad ones; a quiz file
round-trips it; GIFT/Aiken/Kahoot skip it; the report lists the words and each student's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from quizapp.authoring.formats import aiken, gift, kahoot
from quizapp.authoring.services import quiz_create, quiz_export, quiz_import
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Answer, Question, QuizSession
from quizapp.reporting import exports
from quizapp.reporting.load import session_report
from tests.factories import InstructorFactory
from tests.quizapp.live.test_consumers import connect, join, layer, receive_type  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

CLOUD = {
    "kind": "word_cloud",
    "prompt": "AI 하면 떠오르는 단어는?",
    "words_per_student": 2,
    "time_limit_s": 120,
}
POLL = {"kind": "poll", "prompt": "Ready?", "options": [{"text": "yes"}, {"text": "no"}]}


def make_cloud_game(code: str = "CLOUDY", questions: list | None = None):
    teacher = InstructorFactory.create(username="teacher", password="x-long-password-1")
    room = room_create(owner=teacher, code=code)
    quiz = quiz_create(owner=teacher, title="Cloud", questions=questions or [CLOUD, POLL])
    session = live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    client = Client()
    client.force_login(teacher)
    return session, client.cookies["sessionid"].value


async def cloud_update(host, *, total: int, kinds=("tally", "word_cloud")) -> dict:
    """The next cloud the hosts hear (a coalesced tally or a hide/unhide) with ``total`` words."""
    for _ in range(30):
        payload = await host.receive_json_from(timeout=5)
        cloud = payload.get("cloud") if payload["type"] in kinds else None
        if cloud and cloud["total"] == total:
            return cloud
    raise AssertionError(f"no cloud with {total} words")


def words(cloud: dict) -> dict[str, int]:
    return {w["word"]: w["count"] for w in cloud["words"]}


async def test_students_fill_a_live_cloud_and_the_instructor_hides_a_word(layer):  # noqa: F811
    session, cookie = await database_sync_to_async(make_cloud_game)()
    host = await connect("/ws/rooms/CLOUDY/host/", cookie)
    sockets = [host]
    try:
        await receive_type(host, "host_state")
        students = []
        for name in ("kim", "lee", "park", "choi"):
            socket, _token = await join("CLOUDY", name)
            students.append(socket)
        sockets += students
        kim, lee, park, choi = students
        await host.send_json_to({"type": "next"})
        for socket in students:
            opened = (await receive_type(socket, "question"))["question"]
        assert opened["kind"] == "word_cloud"
        assert opened["words_per_student"] == 2
        assert opened["options"] == []
        assert opened["points"] == 0
        qid = opened["id"]

        # Refused frames, each with a clear English message; nothing is stored.
        refusals = [
            ({"words": ["a", "b", "c"]}, "too_many_words", "This question takes at most 2 words from each student."),
            ({"words": []}, "word_empty", "Type a word or a short phrase first."),
            ({"words": ["  \u200b "]}, "word_empty", "Type a word or a short phrase first."),
            ({"text": ""}, "word_empty", "Type a word or a short phrase first."),
            ({"words": ["가" * 40]}, "word_too_long", "A word or phrase has at most 25 characters."),
            ({"words": ["x" * 2000]}, "word_too_long", "A word or phrase has at most 25 characters."),
            ({"words": ["x" * 100_000]}, "frame_too_large", None),
            ({"words": ["<script>alert(1)</script>"]}, "word_markup", "Words cannot contain “<” or “>”."),
            ({"words": ["\u202e!!!"]}, "word_invalid", None),
            ({"words": [42]}, "invalid_answer", "That answer does not fit the question."),
            ({"words": "not a list", "choices": [0]}, "invalid_answer", None),
            ({"words": {"a": 1}}, "invalid_answer", None),
            ({"words": [["nested"]]}, "invalid_answer", None),
            ({"value": 3}, "invalid_answer", None),
            ({}, "invalid_answer", None),
        ]
        for fields, code, text in refusals:
            await kim.send_json_to({"type": "answer", "question_id": qid, "id": "w", **fields})
            error = await receive_type(kim, "error")
            assert error["code"] == code, fields
            assert error.get("ref") == ("w" if code != "frame_too_large" else None)
            if text:
                assert error["message"] == text
        assert await database_sync_to_async(Answer.objects.count)() == 0

        # Hostile text that leaves a word is cleaned; Korean particles count together.
        await kim.send_json_to({"type": "answer", "question_id": qid, "words": ["데이터가", "\u202eAI\u202c"]})
        ack = await receive_type(kim, "answer_received")
        assert ack["words"] == ["데이터가", "AI"]
        await lee.send_json_to({"type": "answer", "question_id": qid, "words": ["데이터", "데이터는"]})
        assert (await receive_type(lee, "answer_received"))["words"] == ["데이터"]  # once per student
        await park.send_json_to({"type": "answer", "question_id": qid, "text": "ai는"})
        await receive_type(park, "answer_received")
        cloud = await cloud_update(host, total=4)
        assert words(cloud) == {"데이터": 2, "AI": 2}
        assert all(w["size"] == 5 for w in cloud["words"])

        # A second answer follows the limit: refused, the first kept.
        await kim.send_json_to({"type": "answer", "question_id": qid, "words": ["모델"]})
        again = await receive_type(kim, "error")
        assert again["code"] == "already_answered"

        # The instructor hides a word (any spelling of it); the hosts' cloud loses it at once.
        await host.send_json_to({"type": "cloud_hide", "question_id": qid, "word": "데이터가"})
        hidden = await cloud_update(host, total=4, kinds=("word_cloud",))
        assert words(hidden) == {"AI": 2}
        assert [(w["word"], w["count"]) for w in hidden["hidden"]] == [("데이터", 2)]

        # Bad host frames are refused.
        for frame, code in (
            ({"type": "cloud_hide", "question_id": "x", "word": "AI"}, "not_word_cloud"),
            ({"type": "cloud_hide", "question_id": qid + 1, "word": "AI"}, "not_word_cloud"),
            ({"type": "cloud_hide", "question_id": qid, "word": 7}, "invalid_state"),
            ({"type": "cloud_hide", "question_id": qid, "word": "  "}, "word_empty"),
        ):
            await host.send_json_to(frame)
            assert (await receive_type(host, "error"))["code"] == code, frame

        # A reconnecting console or projector gets the cloud without the hidden word.
        projector = await connect("/ws/rooms/CLOUDY/host/", cookie)
        sockets.append(projector)
        state = await receive_type(projector, "host_state")
        assert words(state["tally"]["cloud"]) == {"AI": 2}
        assert [w["key"] for w in state["tally"]["cloud"]["hidden"]] == ["데이터"]

        # More words keep the hidden one hidden; unhiding brings it back with every count.
        await choi.send_json_to({"type": "answer", "question_id": qid, "words": ["데이터를", "모델"]})
        await receive_type(choi, "answer_received")
        cloud = await cloud_update(projector, total=6)
        assert words(cloud) == {"AI": 2, "모델": 1}
        await host.send_json_to({"type": "cloud_unhide", "question_id": qid, "word": "데이터"})
        shown = await cloud_update(projector, total=6, kinds=("word_cloud",))
        assert words(shown) == {"데이터": 3, "AI": 2, "모델": 1}
        assert shown["hidden"] == []

        # A late answer gets the existing message.
        await database_sync_to_async(QuizSession.objects.filter(id=session.id).update)(
            question_deadline=timezone.now() - timedelta(seconds=30)
        )
        await host.send_json_to({"type": "cloud_hide", "question_id": qid, "word": "모델"})
        late_socket, _token = await join("CLOUDY", "late")
        sockets.append(late_socket)
        await late_socket.send_json_to({"type": "answer", "question_id": qid, "words": ["늦음"]})
        late = await receive_type(late_socket, "error")
        assert late["code"] == "too_late"
        assert late["message"] == "Time is up: the answer came after the time limit."

        # The reveal carries no words to the phones (a hidden word must never reach them).
        await host.send_json_to({"type": "reveal"})
        reveal = await receive_type(kim, "reveal")
        assert reveal["distribution"] == {}
        assert "cloud" not in reveal
        assert reveal["you"]["points"] == 0
    finally:
        for socket in sockets:
            await socket.disconnect()
    stored = await database_sync_to_async(lambda: sorted(Answer.objects.values_list("text", "points", "correct")))()
    assert stored == [("ai는", 0, None), ("데이터", 0, None), ("데이터가\nAI", 0, None), ("데이터를\n모델", 0, None)]
    hidden = await database_sync_to_async(lambda: QuizSession.objects.get(id=session.id).hidden_words)()
    assert hidden == {str(qid): ["모델"]}


async def test_a_student_reconnecting_sees_their_words(layer):  # noqa: F811
    _session, cookie = await database_sync_to_async(make_cloud_game)("CLOUDS")
    host = await connect("/ws/rooms/CLOUDS/host/", cookie)
    kim, token = await join("CLOUDS", "kim")
    try:
        await receive_type(host, "host_state")
        await host.send_json_to({"type": "next"})
        qid = (await receive_type(kim, "question"))["question"]["id"]
        await kim.send_json_to({"type": "answer", "question_id": qid, "words": ["딥러닝이", "GPU"]})
        await receive_type(kim, "answer_received")
        await kim.send_json_to({"type": "hello", "token": token})
        state = await receive_type(kim, "state")
        assert state["answer"]["words"] == ["딥러닝이", "GPU"]
        assert state["question"]["words_per_student"] == 2
    finally:
        await kim.disconnect()
        await host.disconnect()


def test_the_host_cannot_hide_on_another_kind_of_question(transactional_db):
    from quizapp import errors
    from quizapp.live import word_clouds

    session, _cookie = make_cloud_game("OTHER", questions=[POLL])
    teacher = session.room.owner
    poll = session.quiz.questions.get()
    with pytest.raises(errors.NotWordCloud):
        word_clouds.word_set_hidden(session_id=session.id, user=teacher, question_id=poll.id, word="a", hidden=True)
    stranger = InstructorFactory.create(username="stranger", password="x-long-password-1")
    with pytest.raises(errors.NotAllowed):
        word_clouds.word_set_hidden(session_id=session.id, user=stranger, question_id=poll.id, word="a", hidden=True)


def test_the_builder_api_keeps_the_setting_and_refuses_bad_ones(transactional_db):
    teacher = InstructorFactory.create(username="builder", password="x-long-password-1")
    api = APIClient()
    api.force_authenticate(teacher)
    created = api.post("/api/quizzes/", {"title": "Words", "questions": [CLOUD, POLL]}, format="json")
    assert created.status_code == 201, created.content
    cloud, poll = created.json()["questions"]
    assert (cloud["kind"], cloud["words_per_student"], cloud["points"], cloud["options"]) == ("word_cloud", 2, 0, [])
    assert poll["words_per_student"] is None
    quiz_id = created.json()["id"]
    default = api.post(
        f"/api/quizzes/{quiz_id}/questions/", {"kind": "word_cloud", "prompt": "One word?"}, format="json"
    )
    assert default.status_code == 201
    assert default.json()["words_per_student"] == 1
    for bad in (0, 4, -1):
        refused = api.post(
            f"/api/quizzes/{quiz_id}/questions/",
            {**CLOUD, "words_per_student": bad},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert refused.status_code == 422, bad
        assert refused.json()["error"]["message"] == "A word cloud takes 1 to 3 words per student."
    korean = api.post(
        f"/api/quizzes/{quiz_id}/questions/",
        {**CLOUD, "words_per_student": 9},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    assert korean.status_code == 422
    assert "1" in korean.json()["error"]["message"]
    assert korean.json()["error"]["message"] != "A word cloud takes 1 to 3 words per student."
    patched = api.patch(f"/api/questions/{cloud['id']}/", {"words_per_student": 3}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["words_per_student"] == 3
    assert Question.objects.count() == 3


def test_a_quiz_file_round_trips_a_word_cloud_and_other_formats_skip_it(transactional_db):
    teacher = InstructorFactory.create(username="porter", password="x-long-password-1")
    quiz = quiz_create(owner=teacher, title="Words", questions=[CLOUD, POLL])
    exported = quiz_export(quiz)
    assert exported["questions"][0]["words_per_student"] == 2
    again = quiz_import(owner=teacher, data=exported)
    question = again.questions.order_by("position").first()
    assert (question.kind, question.words_per_student, question.points) == ("word_cloud", 2, 0)
    api = APIClient()
    api.force_authenticate(teacher)
    assert api.post("/api/quizzes/import/", exported, format="json").status_code == 201
    questions = exported["questions"]
    for export in (gift.export, aiken.export, kahoot.export):
        _out, skipped = export(questions)
        assert (skipped[0].position, skipped[0].kind) == (1, "word_cloud")


def test_the_report_lists_the_words_and_each_students(transactional_db):
    session, _cookie = make_cloud_game("REPORT")
    teacher = session.room.owner
    from quizapp.live import answers, word_clouds
    from quizapp.live import join as joining

    live.session_next(session_id=session.id, user=teacher)
    qid = session.quiz.questions.order_by("position").first().id
    for name, sent in (("kim", ["데이터가", "AI"]), ("lee", ["데이터"]), ("park", ["바보"])):
        joined = joining.participant_join(code="REPORT", nickname=name, address="127.0.0.1")
        answers.answer_submit(participant_id=joined.participant.id, question_id=qid, words=sent)
    word_clouds.word_set_hidden(session_id=session.id, user=teacher, question_id=qid, word="바보", hidden=True)
    live.session_end(session_id=session.id, user=teacher)
    report = session_report(QuizSession.objects.get(id=session.id))
    entries = [(e.label, e.count, e.hidden) for e in report.question_stats[0].first.distribution]
    assert entries == [("데이터", 2, False), ("AI", 1, False), ("바보", 1, True)]
    assert [row.cells[0].display for row in report.grid] == ["데이터가, AI", "데이터", "바보"]
    assert report.summary.graded == 0
    table = exports.distribution_table(report)
    labels = [row[2] for row in table.rows if row[0] == 1]
    assert labels[-1] != "바보"
    assert "바보" in labels[-1]
    client = Client()
    client.force_login(teacher)
    csv_text = client.get(f"/sessions/{session.id}/export.csv?table=grid").content.decode("utf-8-sig")
    assert "데이터가, AI" in csv_text
    answers_csv = client.get(f"/sessions/{session.id}/export.csv?table=answers").content.decode("utf-8-sig")
    assert "데이터" in answers_csv
    xlsx = client.get(f"/sessions/{session.id}/export.xlsx")
    assert xlsx.status_code == 200
    page = client.get(f"/sessions/{session.id}/report/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="word-cloud-report"' in html
    assert "hidden by the instructor" in html
