"""The live rooms' REST API: rooms, sessions, results, and owner-only access (someone else's object is a 404)."""

import pytest

from quizapp.authoring.services import quiz_create
from quizapp.live import answers as live_answers
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Quiz, QuizSession
from tests.factories import InstructorFactory
from tests.quizapp.api_support import SHORT, TF, error, post

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


# --- rooms and sessions -------------------------------------------------------------------


def test_rooms_with_a_chosen_or_generated_code(api, teacher, room):
    generated = post(api, "/api/rooms/", {"title": "Tuesday"})
    assert generated.status_code == 201
    assert 4 <= len(generated.json()["code"]) <= 12
    chosen = post(api, "/api/rooms/", {"code": "class-7b"})
    assert chosen.status_code == 201
    taken = post(api, "/api/rooms/", {"code": "modulabs"}, HTTP_ACCEPT_LANGUAGE="en")
    assert taken.status_code == 422
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
    assert bad.status_code == 422
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
    stranger = InstructorFactory.create(username="stranger", password="a-long-password-2")
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
