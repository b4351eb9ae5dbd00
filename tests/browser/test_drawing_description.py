"""The drawing round's accessible path in a browser, keyboard only: a student who cannot draw Tabs
to "I can't draw: describe it in words", presses Enter, types a description and presses Enter; the
phone says it is in, the projector wall shows it as a text card (escaped), the console can remove it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import User

from quizapp.authoring.services import quiz_create
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Drawing, QuizSession
from tests.browser.a11y import assert_accessible
from tests.browser.test_keyboard_only import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WORDS = '<img src=x onerror="window.__pwned=1"> a round sun'


def _setup() -> None:
    teacher = User.objects.create_user("teacher", password="a-long-password-1")
    room = room_create(owner=teacher, code="WORDS")
    quiz = quiz_create(
        owner=teacher,
        title="Draw it",
        language="en",
        questions=[{"kind": "drawing", "prompt": "Draw it", "options": ["circle", "house"], "time_limit_s": 300}],
    )
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)


def test_a_student_describes_the_prompt_with_the_keyboard(browser, live_server_asgi, screenshot):
    with ThreadPoolExecutor(1) as pool:  # services publish with async_to_sync: not on Playwright's loop
        pool.submit(_setup).result()
    base = live_server_asgi.url
    host_context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    phone_context = browser.new_context(locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        host = host_context.new_page()
        host.goto(base + "/accounts/login/")
        host.fill("#id_username", "teacher")
        host.fill("#id_password", "a-long-password-1")
        host.click("main button[type=submit]")
        host.wait_for_url(base + "/")
        host.goto(base + "/rooms/WORDS/console/")
        host.get_by_test_id("session-state").wait_for()
        projector = host_context.new_page()
        projector.goto(base + "/rooms/WORDS/projector/")

        phone = phone_context.new_page()
        phone.goto(base + "/r/WORDS/")
        tab_to(phone, '[data-testid="nickname"]')
        phone.keyboard.type("Pat")
        phone.keyboard.press("Enter")
        phone.locator('[data-view="lobby"]').wait_for()
        host.get_by_test_id("people").get_by_text("Pat").wait_for()
        host.get_by_test_id("host-next").click()
        phone.get_by_test_id("draw-title").get_by_text("circle").wait_for()

        assert phone.get_by_test_id("describe-form").is_hidden()
        tab_to(phone, '[data-testid="describe-toggle"]')
        phone.keyboard.press("Enter")
        phone.get_by_test_id("describe-text").wait_for()
        assert phone.evaluate("document.activeElement.dataset.testid") == "describe-text"
        assert phone.get_by_test_id("describe-toggle").get_attribute("aria-expanded") == "true"
        assert_accessible(phone, "phone: describing the prompt in words")
        # An empty description is not sent.
        phone.keyboard.press("Enter")
        phone.get_by_test_id("draw-status").get_by_text("Write a few words first.").wait_for()
        phone.keyboard.type(WORDS)
        phone.keyboard.press("Enter")
        phone.get_by_test_id("draw-status").get_by_text("Your description is in!", exact=False).wait_for()
        assert phone.get_by_test_id("describe-toggle").is_hidden()
        assert phone.get_by_test_id("describe-text").is_disabled()
        screenshot(phone, "student-description")

        card = projector.get_by_test_id("wall-description")
        card.wait_for()
        assert WORDS in card.inner_text()  # shown as text, not as markup
        assert projector.get_by_test_id("drawing-wall").locator("img").count() == 0
        assert projector.evaluate("window.__pwned") is None
        screenshot(projector, "projector-description")
        assert_accessible(projector, "projector: a description on the wall")
        drawing = Drawing.objects.get()
        assert (drawing.description, drawing.strokes, drawing.label) == (WORDS, {}, "circle")

        # After a reload the phone still shows what it sent, locked.
        phone.reload()
        phone.get_by_test_id("describe-text").wait_for()
        assert phone.get_by_test_id("describe-text").input_value() == WORDS

        host.once("dialog", lambda dialog: dialog.accept())
        host.get_by_test_id("wall-description").wait_for()
        host.get_by_test_id("wall-item").get_by_role("button", name="Remove").click()
        host.get_by_test_id("wall-item").wait_for(state="detached")
        drawing.refresh_from_db()
        assert drawing.removed
    finally:
        host_context.close()
        phone_context.close()
