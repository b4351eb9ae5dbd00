"""A student-paced quiz on a phone, by keyboard only: each question opens for the student alone, the
verdict comes with the answer, and the "Next question" button (shown only in this mode) takes them
on to the end screen. Each phase has no critical or serious axe violation, in Korean and English."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.auth.models import User

from quizapp.authoring.services import quiz_create
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Answer, QuizSession
from tests.browser.a11y import describe, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "true_false",
        "prompt": "스팸 메일 거르기, 가능할까?",
        "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
        "explanation": "A → B: 메일 → 스팸인가",
    },
    {
        "kind": "multiple_choice",
        "prompt": "A → B 인 것은?",
        "options": [{"text": "번역", "correct": True}, {"text": "공감"}, {"text": "유머"}],
    },
]


def _setup() -> None:
    teacher = User.objects.create_user("pacer", password="a-long-password-1")
    room = room_create(owner=teacher, code="PACED2")
    quiz = quiz_create(owner=teacher, title="At your pace", questions=QUESTIONS)
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.STUDENT_PACED, user=teacher)


def _press_option(phone, text: str) -> None:
    """Tab to the option named ``text`` and press Enter: no mouse, no tap."""
    for _ in range(12):
        phone.keyboard.press("Tab")
        if phone.evaluate("() => document.activeElement.textContent.trim()").endswith(text):
            phone.keyboard.press("Enter")
            return
    raise AssertionError(f"no option {text!r} reachable by Tab")


@pytest.mark.parametrize("locale", ["ko-KR", "en-US"], ids=["ko", "en"])
def test_student_paced_quiz_by_keyboard(browser, live_server_asgi, locale):
    with ThreadPoolExecutor(1) as pool:  # services publish with async_to_sync: not on Playwright's loop
        pool.submit(_setup).result()
    context = browser.new_context(locale=locale, viewport=PHONE, is_mobile=True)
    found: dict[str, list] = {}
    try:
        phone = context.new_page()
        phone.goto(live_server_asgi.url + "/r/PACED2/")
        phone.get_by_test_id("nickname").fill("Solo")
        phone.get_by_test_id("nickname").press("Enter")
        phone.get_by_test_id("prompt").get_by_text(QUESTIONS[0]["prompt"]).wait_for()
        found["phone (student-paced): question 1"] = violations(phone)

        _press_option(phone, "가능")
        phone.get_by_test_id("verdict").wait_for()
        next_button = phone.locator("[data-role=next]")
        next_button.wait_for()
        assert "A → B" in phone.locator("[data-role=explanation]").inner_text()
        found["phone (student-paced): verdict with next"] = violations(phone)
        next_button.focus()
        assert phone.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
        phone.keyboard.press("Enter")

        phone.get_by_test_id("prompt").get_by_text(QUESTIONS[1]["prompt"]).wait_for()
        found["phone (student-paced): question 2"] = violations(phone)
        _press_option(phone, "공감")
        next_button.wait_for()
        next_button.focus()
        phone.keyboard.press("Enter")

        phone.locator("[data-view=ended]").wait_for()
        found["phone (student-paced): finished"] = violations(phone)
    finally:
        context.close()
    assert Answer.objects.filter(participant__nickname="Solo").count() == 2
    assert sorted(Answer.objects.values_list("correct", flat=True)) == [False, True]
    problems = "\n".join(f"## {name}\n{describe(v)}" for name, v in found.items() if v)
    assert not problems, f"critical/serious axe violations ({locale}):\n{problems}"
