"""The projector's Space Race (team mode) and podium render from a real session, with no critical or
serious axe violation on either."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import User

from quizapp.authoring.services import quiz_create
from quizapp.live import answers as live_answers
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from tests.browser.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TF = {
    "kind": "true_false",
    "prompt": "Spam filter?",
    "options": [{"text": "Possible", "correct": True}, {"text": "Impossible", "correct": False}],
}


def play_one_question():
    """A real session through the services (run off the browser's thread: they publish)."""
    teacher = User.objects.create_user("racer", password="a-long-Passw0rd")
    room = room_create(owner=teacher, code="RACE42")
    quiz = quiz_create(owner=teacher, title="Race", language="en", questions=[TF, {**TF, "prompt": "Translation?"}])
    session = live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=teacher, team_count=3)
    players = [joining.participant_join(code="RACE42", nickname=f"Player {i}", address="127.0.0.1") for i in range(7)]
    live.session_next(session_id=session.id, user=teacher)
    question = quiz.questions.order_by("position").first()
    for i, joined in enumerate(players):
        live_answers.answer_submit(
            participant_id=joined.participant.id, question_id=question.id, choices=[0 if i % 3 else 1]
        )
    live.session_reveal(session_id=session.id, user=teacher)


def test_space_race_and_podium(browser, live_server_asgi, screenshot):
    with ThreadPoolExecutor(1) as pool:
        pool.submit(play_one_question).result()
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server_asgi.url + "/accounts/login/")
        page.fill("#id_username", "racer")
        page.fill("#id_password", "a-long-Passw0rd")
        page.click("main button[type=submit]")
        page.goto(live_server_asgi.url + "/rooms/RACE42/projector/")
        race = page.get_by_test_id("space-race")
        race.locator(".lane").nth(2).wait_for()
        assert race.locator(".lane").count() == 3
        assert "Red" in race.inner_text()
        screenshot(page, "space-race")
        assert_accessible(page, "projector: Space Race team lanes")

        console = context.new_page()
        console.goto(live_server_asgi.url + "/rooms/RACE42/console/")
        console.once("dialog", lambda dialog: dialog.accept())
        console.get_by_test_id("host-end").click()
        page.get_by_test_id("podium").locator(".place-1").wait_for()
        assert page.get_by_test_id("podium").locator(".step").count() == 3
        screenshot(page, "podium")
        assert_accessible(page, "projector: team podium")
        assert_accessible(console, "console: team session ended")
    finally:
        context.close()
