import pytest

from accounts.services import demo_load_all
from quizapp.live import answers as live_answers
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.models import Quiz, QuizSession
from tests.factories import InstructorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def demo(client):
    instructor, _ = demo_load_all()
    return instructor


def test_join_by_code_forgives_case_and_lookalikes(client, demo):
    response = client.post("/join", {"code": "m0du1abs"})
    assert response.status_code == 302
    assert response["Location"] == "/r/MODULABS/"
    page = client.get("/r/MODULABS/", HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200
    assert "닉네임" in page.content.decode()


def test_unknown_code_is_a_translated_error_and_guessing_is_throttled(client, demo, settings):
    settings.QUIZ_CODE_GUESS_RATE = "3/m"
    for _ in range(3):
        page = client.post("/join", {"code": "NOPE99"}, HTTP_ACCEPT_LANGUAGE="en")
        assert "No room has that code" in page.content.decode()
    throttled = client.post("/join", {"code": "NOPE98"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many attempts" in throttled.content.decode()
    assert client.get("/r/NOPE99/").status_code == 404


def test_console_and_projector_are_for_the_owner(client, demo):
    assert client.get("/rooms/MODULABS/console/").status_code == 302  # to log in
    InstructorFactory.create(username="other", password="pw-long-enough-1")
    client.login(username="other", password="pw-long-enough-1")
    assert client.get("/rooms/MODULABS/console/").status_code == 404
    client.login(username="demo", password="modulabs-demo")
    projector = client.get("/rooms/MODULABS/projector/")
    assert projector.status_code == 200
    html = projector.content.decode()
    assert "<svg" in html, "the projector shows a QR code of the join URL"
    assert "MODULABS" in html


def test_launch_and_quick_question_from_the_rooms_page(client, demo):
    client.login(username="demo", password="modulabs-demo")
    quiz = Quiz.objects.get(title="Is this AI possible or impossible?")
    response = client.post("/rooms/MODULABS/launch", {"quiz": quiz.id, "mode": "instructor_paced"})
    assert response["Location"] == "/rooms/MODULABS/console/"
    assert QuizSession.objects.get(ended_at__isnull=True).quiz == quiz
    quick = client.post(
        "/rooms/MODULABS/quick", {"kind": "multiple_choice", "prompt": "Best demo?", "options": "*Quick Draw\nGAN"}
    )
    assert quick.status_code == 302
    live_session = QuizSession.objects.get(ended_at__isnull=True)
    assert live_session.mode == "quick_question"
    assert live_session.state == "question", "a quick question opens at once"
    assert QuizSession.objects.filter(quiz=quiz).get().ended_at is not None, "launching ends the previous session"


def test_past_session_results_page(client, demo):
    client.login(username="demo", password="modulabs-demo")
    room = demo.rooms.get()
    quiz = Quiz.objects.get(title="Is this AI possible or impossible?")
    session = live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=demo)
    joined = joining.participant_join(code="MODULABS", nickname="<i>Kim</i>", address="10.0.0.1")
    live.session_next(session_id=session.id, user=demo)
    question = quiz.questions.order_by("position").first()
    live_answers.answer_submit(participant_id=joined.participant.id, question_id=question.id, choices=[0])
    live.session_end(session_id=session.id, user=demo)
    page = client.get(f"/sessions/{session.id}/")
    html = page.content.decode()
    assert "&lt;i&gt;Kim&lt;/i&gt;" in html, "nicknames are escaped"
    assert 'class="ok"' in html
    assert "Possible" in html
    listing = client.get("/rooms/").content.decode()
    assert f"/sessions/{session.id}/" in listing


def test_exit_ticket_in_one_click(client, demo):
    client.login(username="demo", password="modulabs-demo")
    response = client.post(
        "/rooms/MODULABS/exit-ticket", {"own_question": "Which demo surprised you?"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response["Location"] == "/rooms/MODULABS/console/"
    session = QuizSession.objects.get(ended_at__isnull=True)
    assert session.mode == "student_paced"
    kinds = list(session.quiz.questions.order_by("position").values_list("kind", "prompt"))
    assert kinds == [
        ("poll", "How well did you understand today's material?"),
        ("open", "What did you learn today?"),
        ("open", "Which demo surprised you?"),
    ]
    joined = joining.participant_join(code="MODULABS", nickname="Kim", address="10.0.0.2")
    participant, first = live.student_advance(participant_id=joined.participant.id)
    receipt = live_answers.answer_submit(participant_id=participant.id, question_id=first.id, choices=[3])
    assert receipt.answer.correct is None
    participant, second = live.student_advance(participant_id=participant.id)
    open_answer = live_answers.answer_submit(
        participant_id=participant.id, question_id=second.id, text="A -> B needs data"
    )
    assert (open_answer.answer.text, open_answer.answer.correct, open_answer.answer.points) == (
        "A -> B needs data",
        None,
        0,
    )
    assert not Quiz.objects.filter(is_adhoc=False, title__icontains="exit").exists(), "kept out of the quiz list"
