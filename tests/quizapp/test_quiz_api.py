"""The quiz REST API: quizzes and questions, export/import, rooms, sessions, results, and
owner-only access (someone else's object is a 404)."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from quizapp.authoring.services import quiz_create, quiz_export
from quizapp.live import answers as live_answers
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Question, Quiz, QuizSession, Room
from tests.factories import InstructorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

TF = {
    "kind": "true_false",
    "prompt": "Spotting a cat in a photo?",
    "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
}
MC = {
    "kind": "multiple_choice",
    "prompt": "Which are A → B?",
    "options": [{"text": "spam", "correct": True}, {"text": "empathy"}, {"text": "translation", "correct": True}],
    "time_limit_s": 30,
    "points": 2000,
    "explanation": "Input A, output B.",
}
SHORT = {"kind": "short_answer", "prompt": "고양이 in English?", "accepted_answers": ["cat"]}


@pytest.fixture
def teacher() -> User:
    return InstructorFactory(username="teacher", password="a-long-password-1")


@pytest.fixture
def api(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def quiz(teacher) -> Quiz:
    return quiz_create(owner=teacher, title="Lecture 1", questions=[TF, MC, SHORT])


@pytest.fixture
def room(teacher) -> Room:
    return room_create(owner=teacher, code="MODULABS")


def post(client, url, data=None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


def patch(client, url, data, **extra):
    return client.patch(url, data, content_type="application/json", **extra)


def error(response) -> dict:
    return response.json()["error"]


# --- quizzes ------------------------------------------------------------------------------


def test_the_api_needs_a_login(client, quiz):
    response = client.get("/api/quizzes/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert error(response)["code"] == "not_authenticated"
    assert client.get(f"/api/quizzes/{quiz.id}/").status_code == 401


def test_token_auth_works_for_scripts(client, teacher, quiz):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=teacher)
    response = client.get("/api/quizzes/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert [q["id"] for q in response.json()] == [quiz.id]


def test_list_has_only_my_real_quizzes(api, teacher, quiz):
    Quiz.objects.create(owner=teacher, title="adhoc", is_adhoc=True)
    quiz_create(owner=InstructorFactory(username="other"), title="Other's")
    body = api.get("/api/quizzes/").json()
    assert body == [
        {
            "id": quiz.id,
            "title": "Lecture 1",
            "language": "ko",
            "speed_points": True,
            "streaks": True,
            "ask_confidence": False,
            "question_count": 3,
            "created_at": body[0]["created_at"],
            "updated_at": body[0]["updated_at"],
        }
    ]


def test_create_a_quiz_with_questions(api, teacher):
    response = post(
        api,
        "/api/quizzes/",
        {"title": "New", "language": "en", "streaks": False, "questions": [TF, {**MC, "options": MC["options"]}]},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    quiz = Quiz.objects.get(owner=teacher)
    assert body["id"] == quiz.id
    assert (body["title"], body["language"], body["streaks"], body["question_count"]) == ("New", "en", False, 2)
    assert [q["prompt"] for q in body["questions"]] == [TF["prompt"], MC["prompt"]]
    assert body["questions"][1]["options"][1] == {"text": "empathy", "correct": False}
    assert body["questions"][1]["image"] is None


def test_create_refuses_a_bad_question_and_stores_nothing(api):
    bad = {**MC, "options": [{"text": "a"}, {"text": "b"}]}
    response = post(api, "/api/quizzes/", {"title": "New", "questions": [TF, bad]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert error(response) == {
        "code": "invalid",
        "message": "Question 2: Mark at least one option as correct (or make it a poll).",
    }
    korean = post(api, "/api/quizzes/", {"title": "New", "questions": [TF, bad]}, HTTP_ACCEPT_LANGUAGE="ko")
    assert error(korean)["message"] == "2번 문제: 정답인 보기를 하나 이상 표시하세요(아니면 설문으로 바꾸세요)."
    assert not Quiz.objects.exists()
    assert not Question.objects.exists()


def test_create_with_a_malformed_body_names_the_fields(api):
    response = post(api, "/api/quizzes/", {"language": "fr", "questions": [{"prompt": "no kind"}]})
    assert response.status_code == 400
    assert error(response)["code"] == "invalid"
    assert set(error(response)["fields"]) == {"title", "language", "questions"}


def test_get_patch_and_delete_a_quiz(api, quiz):
    detail = api.get(f"/api/quizzes/{quiz.id}/").json()
    assert [q["kind"] for q in detail["questions"]] == ["true_false", "multiple_choice", "short_answer"]
    response = patch(api, f"/api/quizzes/{quiz.id}/", {"title": "Renamed", "ask_confidence": True})
    assert response.status_code == 200
    quiz.refresh_from_db()
    assert (quiz.title, quiz.language, quiz.ask_confidence) == ("Renamed", "ko", True)
    blank = patch(api, f"/api/quizzes/{quiz.id}/", {"title": "   "}, HTTP_ACCEPT_LANGUAGE="en")
    assert blank.status_code == 400
    assert "title" in error(blank)["fields"]
    assert api.delete(f"/api/quizzes/{quiz.id}/").status_code == 204
    assert not Quiz.objects.filter(id=quiz.id).exists()
    assert api.get(f"/api/quizzes/{quiz.id}/").status_code == 404


def test_a_played_quiz_cannot_be_deleted(api, teacher, quiz, room):
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    response = api.delete(f"/api/quizzes/{quiz.id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert error(response)["code"] == "quiz_in_use"
    assert "cannot be deleted" in error(response)["message"]
    assert Quiz.objects.filter(id=quiz.id).exists()


# --- questions ----------------------------------------------------------------------------


def test_add_update_duplicate_move_and_delete_questions(api, quiz):
    added = post(api, f"/api/quizzes/{quiz.id}/questions/", {"kind": "poll", "prompt": "Poll?", "options": ["a", "b"]})
    assert added.status_code == 400, "options are objects with a text"
    added = post(
        api,
        f"/api/quizzes/{quiz.id}/questions/",
        {"kind": "poll", "prompt": "Poll?", "options": [{"text": "a", "correct": True}, {"text": "b"}], "points": 0},
    )
    assert added.status_code == 201
    poll = added.json()
    assert poll["options"] == [{"text": "a", "correct": False}, {"text": "b", "correct": False}]
    assert (poll["quiz"], poll["time_limit_s"], poll["points"]) == (quiz.id, 20, 0)

    mc = quiz.questions.get(kind="multiple_choice")
    updated = patch(api, f"/api/questions/{mc.id}/", {"prompt": "Only the prompt changes"})
    assert updated.status_code == 200
    mc.refresh_from_db()
    assert (mc.prompt, mc.points, mc.options) == ("Only the prompt changes", 2000, updated.json()["options"])
    refused = patch(api, f"/api/questions/{mc.id}/", {"time_limit_s": 1}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert error(refused) == {"code": "invalid", "message": "The time limit is between 5 and 300 seconds."}
    mc.refresh_from_db()
    assert mc.time_limit_s == 30

    copy = post(api, f"/api/questions/{mc.id}/duplicate/")
    assert copy.status_code == 201
    order = [q["id"] for q in api.get(f"/api/quizzes/{quiz.id}/").json()["questions"]]
    assert order[1:3] == [mc.id, copy.json()["id"]]

    moved = post(api, f"/api/questions/{poll['id']}/move/", {"offset": -1})
    assert moved.status_code == 200
    assert [q["id"] for q in moved.json()][-2:] == [poll["id"], order[3]]
    assert post(api, f"/api/questions/{poll['id']}/move/", {"offset": 3}).status_code == 400

    assert api.delete(f"/api/questions/{mc.id}/").status_code == 204
    positions = list(quiz.questions.order_by("position").values_list("position", flat=True))
    assert positions == list(range(len(positions)))
    assert not Question.objects.filter(id=mc.id).exists()


# --- export and import --------------------------------------------------------------------


def test_export_then_import_round_trip(api, teacher, quiz):
    exported = api.get(f"/api/quizzes/{quiz.id}/export/")
    assert exported.status_code == 200
    assert exported.json() == quiz_export(quiz)
    imported = post(api, "/api/quizzes/import/", exported.json())
    assert imported.status_code == 201
    copy = Quiz.objects.get(id=imported.json()["id"], owner=teacher)
    assert copy.id != quiz.id
    assert quiz_export(copy) == quiz_export(quiz)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"format": "kahoot"}, "This is not an A2B Lab quiz file."),
        ({"format": "a2blab.quiz", "version": 7}, "This quiz file's version is not supported."),
        (
            {"format": "a2blab.quiz", "version": 1, "title": "T", "questions": {}},
            "The quiz file has no list of questions.",
        ),
        (
            {"format": "a2blab.quiz", "version": 1, "title": "T", "questions": [TF, {"kind": "essay", "prompt": "?"}]},
            "Question 2: Unknown question kind: essay",
        ),
        ([1, 2, 3], "This is not an A2B Lab quiz file."),
    ],
)
def test_a_broken_import_is_refused_and_stores_nothing(api, quiz, body, message):
    counts = (Quiz.objects.count(), Question.objects.count())
    response = post(api, "/api/quizzes/import/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert error(response) == {"code": "invalid", "message": message}
    assert (Quiz.objects.count(), Question.objects.count()) == counts


def test_an_import_that_is_not_json_is_a_parse_error(api):
    response = api.post("/api/quizzes/import/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert error(response)["code"] == "parse_error"
    assert not Quiz.objects.exists()


# --- rooms and sessions -------------------------------------------------------------------


def test_rooms_with_a_chosen_or_generated_code(api, teacher, room):
    generated = post(api, "/api/rooms/", {"title": "Tuesday"})
    assert generated.status_code == 201
    assert 4 <= len(generated.json()["code"]) <= 12
    chosen = post(api, "/api/rooms/", {"code": "class-7b"})
    assert chosen.status_code == 201
    taken = post(api, "/api/rooms/", {"code": "modulabs"}, HTTP_ACCEPT_LANGUAGE="en")
    assert taken.status_code == 400
    assert "is taken" in error(taken)["message"]
    codes = {r["code"] for r in api.get("/api/rooms/").json()}
    assert codes == {"MODULABS", generated.json()["code"], chosen.json()["code"]}
    detail = api.get("/api/rooms/modulabs/")
    assert detail.status_code == 200
    assert detail.json()["code"] == "MODULABS"
    assert detail.json()["live_session"] is None


def test_launch_a_quiz_and_see_it_in_the_sessions(api, teacher, quiz, room):
    response = post(api, "/api/rooms/MODULABS/sessions/", {"quiz": quiz.id, "mode": "student_paced"})
    assert response.status_code == 201
    session = response.json()
    assert (session["room"], session["quiz"], session["mode"], session["state"], session["is_live"]) == (
        "MODULABS",
        quiz.id,
        "student_paced",
        "running",
        True,
    )
    assert api.get("/api/rooms/MODULABS/").json()["live_session"]["id"] == session["id"]
    # A second launch ends the first: one live session per room.
    second = post(api, "/api/rooms/MODULABS/sessions/", {"quiz": quiz.id})
    assert second.json()["mode"] == "instructor_paced"
    listed = api.get("/api/sessions/").json()
    assert [(s["id"], s["is_live"]) for s in listed] == [(second.json()["id"], True), (session["id"], False)]


def test_launch_refusals(api, teacher, room):
    empty = quiz_create(owner=teacher, title="Empty")
    response = post(api, "/api/rooms/MODULABS/sessions/", {"quiz": empty.id}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert error(response)["code"] == "invalid_state"
    bad_mode = post(api, "/api/rooms/MODULABS/sessions/", {"quiz": empty.id, "mode": "quick_question"})
    assert bad_mode.status_code == 400
    assert "mode" in error(bad_mode)["fields"]
    assert post(api, "/api/rooms/NOSUCH/sessions/", {"quiz": empty.id}).status_code == 404
    assert not QuizSession.objects.exists()


def test_quick_question(api, teacher, room):
    response = post(
        api,
        "/api/rooms/MODULABS/quick-question/",
        {"kind": "multiple_choice", "prompt": "Now?", "options": [{"text": "yes", "correct": True}, {"text": "no"}]},
    )
    assert response.status_code == 201
    assert (response.json()["mode"], response.json()["state"]) == ("quick_question", "question")
    assert api.get("/api/quizzes/").json() == [], "the quick question's quiz stays out of the list"
    bad = post(
        api,
        "/api/rooms/MODULABS/quick-question/",
        {"kind": "short_answer", "prompt": "Type it"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400
    assert error(bad)["message"] == "A short-answer question needs at least one accepted answer."
    assert Quiz.objects.count() == 1


def test_results_grid(api, teacher, quiz, room):
    session = live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    student = joining.participant_join(code="MODULABS", nickname="Mina", address="10.0.0.1").participant
    live.session_next(session_id=session.id, user=teacher)
    live_answers.answer_submit(participant_id=student.id, question_id=quiz.questions.first().id, choices=[0])
    response = api.get(f"/api/sessions/{session.id}/results/")
    assert response.status_code == 200
    grid = response.json()
    assert [q["kind"] for q in grid["questions"]] == ["true_false", "multiple_choice", "short_answer"]
    (row,) = grid["rows"]
    assert row["participant"]["nickname"] == "Mina"
    first, second, third = row["cells"]
    assert (first["choices"], first["correct"], first["display"]) == ([0], True, "가능")
    assert second is None
    assert third is None


# --- permissions --------------------------------------------------------------------------


@pytest.fixture
def stranger_api(client, teacher):
    stranger = InstructorFactory(username="stranger", password="a-long-password-2")
    quiz_create(owner=stranger, title="Stranger's own", questions=[TF])
    room_create(owner=stranger, code="STRANGE")
    client.force_login(stranger)
    return client


def test_another_instructor_gets_404_on_every_object(stranger_api, teacher, quiz, room):
    session = live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    question = quiz.questions.first()
    calls = [
        ("get", f"/api/quizzes/{quiz.id}/", None),
        ("patch", f"/api/quizzes/{quiz.id}/", {"title": "mine"}),
        ("delete", f"/api/quizzes/{quiz.id}/", None),
        ("get", f"/api/quizzes/{quiz.id}/export/", None),
        ("post", f"/api/quizzes/{quiz.id}/questions/", SHORT),
        ("patch", f"/api/questions/{question.id}/", {"prompt": "mine"}),
        ("delete", f"/api/questions/{question.id}/", None),
        ("post", f"/api/questions/{question.id}/duplicate/", None),
        ("post", f"/api/questions/{question.id}/move/", {"offset": 1}),
        ("get", "/api/rooms/MODULABS/", None),
        ("post", "/api/rooms/MODULABS/sessions/", {"quiz": quiz.id}),
        ("post", "/api/rooms/MODULABS/quick-question/", SHORT),
        ("get", f"/api/sessions/{session.id}/results/", None),
    ]
    for method, url, body in calls:
        response = getattr(stranger_api, method)(
            url, body or {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 404, (method, url)
        assert error(response)["code"] == "not_found"
    assert stranger_api.get("/api/sessions/").json() == []
    assert [r["code"] for r in stranger_api.get("/api/rooms/").json()] == ["STRANGE"]
    quiz.refresh_from_db()
    assert (quiz.title, quiz.questions.count(), QuizSession.objects.count()) == ("Lecture 1", 3, 1)


def test_no_launching_someone_elses_quiz_in_my_room(stranger_api, quiz):
    response = post(stranger_api, "/api/rooms/STRANGE/sessions/", {"quiz": quiz.id}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert error(response)["message"] == "You have no quiz with that id."
    assert not QuizSession.objects.exists()


# --- the schema ---------------------------------------------------------------------------


def test_the_quiz_api_schema_builds_without_warnings(tmp_path):
    """Only this module's views: ``--fail-on-warn`` turns any warning into an error."""
    target = tmp_path / "schema.yml"
    call_command("spectacular", urlconf="quizapp.api_urls", validate=True, fail_on_warn=True, file=str(target))
    text = target.read_text()
    for path in ("/quizzes/{quiz_id}/export/", "/rooms/{code}/join/", "/sessions/{session_id}/results/"):
        assert f"{path}:" in text
