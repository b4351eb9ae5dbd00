"""A lesson in a browser: the console drives slide (with formulas) → true/false question → slide with
the keyboard (→, Space, ←); the projector shows the slide with MathML; a phone shows the compact slide
(and "look at the screen"), then answers the question; typing in a field does not move the lesson;
the notes are on the console only; no critical or serious axe violation on the way."""

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
NOTE = "Ask: who has heard of the sigmoid?"
LESSON: list[dict[str, Any]] = [
    {
        "kind": "slide",
        "prompt": "미적분 한 줄 요약",
        "body": r"The integral $\int \frac{1}{x}\,dx = \ln|x| + C$ and the sigmoid $$\frac{1}{1+e^{x}}$$",
        "layout": "title_body",
        "notes": NOTE,
    },
    {
        "kind": "true_false",
        "prompt": "Pedestrian detection is possible with supervised learning?",
        "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
        "time_limit_s": 120,
    },
    {"kind": "slide", "prompt": "What ML does well", "body": "The **one-second** rule.", "layout": "title"},
]


def _setup() -> None:
    teacher = User.objects.create_user("lessons", password="a-long-password-1")
    room = room_create(owner=teacher, code="LESSON1")
    quiz = quiz_create(owner=teacher, title="Lesson", questions=LESSON)
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)


def test_the_console_drives_a_lesson_with_the_keyboard(browser, live_server_asgi, screenshot):
    with ThreadPoolExecutor(1) as pool:  # services publish with async_to_sync: not on Playwright's loop
        pool.submit(_setup).result()
    base = live_server_asgi.url
    host_context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    contexts = [host_context]
    found: dict[str, list] = {}
    try:
        host = host_context.new_page()
        host.goto(base + "/accounts/login/")
        host.fill("#id_username", "lessons")
        host.fill("#id_password", "a-long-password-1")
        host.click("main button[type=submit]")
        host.wait_for_url(base + "/")
        host.goto(base + "/rooms/LESSON1/console/")
        host.get_by_test_id("session-state").wait_for()
        projector = host_context.new_page()
        projector.goto(base + "/rooms/LESSON1/projector/")
        phone_context = browser.new_context(locale="ko-KR", viewport=PHONE, is_mobile=True, has_touch=True)
        contexts.append(phone_context)
        phone = phone_context.new_page()
        phone.goto(base + "/r/LESSON1/")
        phone.get_by_test_id("nickname").fill("Kim")
        phone.get_by_test_id("join-submit").click()
        phone.locator("[data-view=lobby]").wait_for()
        host.get_by_test_id("people").get_by_text("Kim").wait_for()

        # → starts the lesson: the first slide, its formulas as MathML on the projector.
        host.locator("body").press("ArrowRight")
        projector.locator("[data-view=slide]:not([hidden]) math").first.wait_for()
        slide = projector.get_by_test_id("projector-slide")
        assert "미적분 한 줄 요약" in slide.inner_text()
        assert slide.locator("math").count() == 2
        assert slide.locator('math[display="block"] mfrac').count() == 1
        assert NOTE not in projector.content()
        host.get_by_test_id("console-notes").get_by_text(NOTE).wait_for()
        phone.get_by_test_id("phone-slide").get_by_text("미적분 한 줄 요약").wait_for()
        assert phone.get_by_text("화면을 보세요").or_(phone.get_by_text("Look at the screen")).count() >= 1
        assert NOTE not in phone.content()
        found["projector: slide with formulas"] = violations(projector)
        found["phone: compact slide"] = violations(phone)
        found["console: slide and notes"] = violations(host)
        screenshot(projector, "projector-lesson-slide-mathml")

        # ← on the first slide is refused (nothing before it): still the same slide, the status says why.
        host.locator("body").press("ArrowLeft")
        host.get_by_test_id("console-status").get_by_text("previous slide only").wait_for()
        assert "미적분" in projector.get_by_test_id("projector-slide").inner_text()

        # Space: the question. Typing a space in a field first must not move the lesson.
        host.get_by_test_id("time-factor").first.focus()
        host.keyboard.press("Space")
        host.keyboard.press("Escape")
        host.wait_for_timeout(300)
        assert "미적분" in projector.get_by_test_id("projector-slide").inner_text()
        host.evaluate("document.activeElement.blur()")
        host.keyboard.press("Space")
        phone.locator(".choice").first.wait_for()
        projector.get_by_test_id("projector-prompt").get_by_text("Pedestrian detection").wait_for()
        assert "1" in phone.locator("[data-role=progress]").inner_text()
        assert "3" not in phone.locator("[data-role=progress]").inner_text(), "slides are not questions"
        phone.locator(".choice").first.click()
        phone.get_by_test_id("answer-status").locator("text=/./").wait_for()

        # → reveals the open question (the class sees the answers), the next → shows the last slide
        # (layout: title only).
        host.locator("body").press("ArrowRight")
        projector.get_by_test_id("projector-bars").locator(".bar.correct").wait_for()
        phone.get_by_test_id("verdict").wait_for()
        host.locator("body").press("ArrowRight")
        projector.locator(".slide.layout-title").get_by_text("What ML does well").wait_for()
        phone.get_by_test_id("phone-slide").get_by_text("What ML does well").wait_for()
        found["projector: title slide"] = violations(projector)
        screenshot(host, "console-lesson-last-slide")
    finally:
        for context in contexts:
            context.close()
    assert list(Answer.objects.values_list("correct", flat=True)) == [True]
    problems = "\n".join(f"## {name}\n{describe(v)}" for name, v in found.items() if v)
    assert not problems, f"critical/serious axe violations in a lesson:\n{problems}"
