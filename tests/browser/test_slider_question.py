"""A slider question in a browser: two phones pick a number (one with the arrow keys, one by
dragging), the console counts the answers, the reveal shows the histogram on the projector and
"15 년 (± 3)" on the phones, right within the margin; no serious axe violation on the way."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import User

from quizapp.authoring.services import quiz_create
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Answer, QuizSession
from tests.browser.a11y import describe, violations
from tests.browser.classroom import PASSWORD, classroom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLIDER = {
    "kind": "slider",
    "prompt": "1920년대 S&P 기업의 평균 수명은 67년. 오늘날은?",
    "numeric": {"min": 0, "max": 100, "step": 1, "answer": 15, "margin": 3, "unit": "년"},
    "time_limit_s": 120,
}


def _setup() -> None:
    teacher = User.objects.create_user("slides", password=PASSWORD)
    room = room_create(owner=teacher, code="SLIDE1")
    quiz = quiz_create(owner=teacher, title="Slider", questions=[SLIDER])
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)


def test_phones_pick_numbers_and_the_reveal_shows_the_histogram(browser, live_server_asgi, screenshot):
    with ThreadPoolExecutor(1) as pool:  # services publish with async_to_sync: not on Playwright's loop
        pool.submit(_setup).result()
    base = live_server_asgi.url
    found: dict[str, list] = {}
    people = (("Kim", "ko-KR"), ("Lee", "en-US"))
    with classroom(browser, base, code="SLIDE1", username="slides", phones=people) as room:
        host, projector, phones = room.host, room.projector, room.phones

        host.get_by_test_id("host-next").click()
        kim, lee = phones
        for page in phones:
            page.get_by_test_id("slider-form").wait_for()
            assert page.locator(".choice").count() == 0, "a slider has no choice buttons"
        assert kim.get_by_test_id("slider-output").inner_text() == "50 년"
        found["phone: slider"] = violations(kim)

        # Kim by keyboard: from 50 down to 16 with the arrow keys, then Enter on Send.
        kim.get_by_test_id("slider-value").focus()
        for _ in range(34):
            kim.keyboard.press("ArrowLeft")
        assert kim.get_by_test_id("slider-output").inner_text() == "16 년"
        kim.get_by_test_id("slider-form").get_by_role("button").press("Enter")
        kim.get_by_test_id("answer-status").locator("text=/./").wait_for()
        # Lee sets 90 (a wrong guess).
        lee.get_by_test_id("slider-value").fill("90")
        lee.get_by_test_id("slider-form").get_by_role("button").click()
        lee.get_by_test_id("answer-status").locator("text=/./").wait_for()
        found["console: slider answered"] = violations(host)

        host.get_by_test_id("host-reveal").click()
        kim.get_by_test_id("verdict").wait_for()
        assert "15 년 (± 3)" in kim.locator("[data-role=correct-answer]").inner_text()
        assert (
            "정답" in kim.get_by_test_id("verdict").inner_text()
            or "Correct" in kim.get_by_test_id("verdict").inner_text()
        )
        lee.get_by_test_id("verdict").get_by_text("Not this time").wait_for()
        projector.get_by_test_id("projector-bars").wait_for()
        bars = projector.get_by_test_id("projector-bars").inner_text()
        assert "11–21 년" in bars, bars
        assert "88–98 년" in bars, bars
        found["projector: slider histogram"] = violations(projector)
        found["phone: slider reveal"] = violations(kim)
        screenshot(projector, "projector-slider-histogram")
    assert sorted(Answer.objects.values_list("text", "correct")) == [("16", True), ("90", False)]
    problems = "\n".join(f"## {name}\n{describe(v)}" for name, v in found.items() if v)
    assert not problems, f"critical/serious axe violations in a slider question:\n{problems}"
