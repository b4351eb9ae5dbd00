"""The quiz builder's REST API: quizzes and questions, export/import, and the schema."""

import pytest
from django.core.management import call_command

from quizapp.authoring.services import quiz_create, quiz_export
from quizapp.live import session as live
from quizapp.models import Question, Quiz, QuizSession
from tests.factories import InstructorFactory
from tests.quizapp.api_support import MC, TF, error, patch, post

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


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
    quiz_create(owner=InstructorFactory.create(username="other"), title="Other's")
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
    assert response.status_code == 422
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
    assert refused.status_code == 422
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
    assert response.status_code == 422
    assert error(response) == {"code": "invalid", "message": message}
    assert (Quiz.objects.count(), Question.objects.count()) == counts


def test_an_import_that_is_not_json_is_a_parse_error(api):
    response = api.post("/api/quizzes/import/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert error(response)["code"] == "parse_error"
    assert not Quiz.objects.exists()


# --- the schema ---------------------------------------------------------------------------


def test_the_quiz_api_schema_builds_without_warnings(tmp_path):
    """Only this module's views: ``--fail-on-warn`` turns any warning into an error."""
    target = tmp_path / "schema.yml"
    call_command("spectacular", urlconf="quizapp.api_urls", validate=True, fail_on_warn=True, file=str(target))
    text = target.read_text()
    for path in ("/quizzes/{quiz_id}/export/", "/rooms/{code}/join/", "/sessions/{session_id}/results/"):
        assert f"{path}:" in text
