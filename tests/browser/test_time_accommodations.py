"""Time accommodations in the browser: a student ticks "I need more time" at join, the instructor
gives another no time limit from the console's participant list (by keyboard); each phone counts
down to its own deadline while the projector keeps the class's."""

import pytest

from accounts.services import demo_load_all
from quizapp.models import Participant
from tests.browser.a11y import NOT_ANNOUNCER
from tests.browser.test_live_quiz import PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _join(browser, base: str, name: str, *, more_time: bool):
    context = browser.new_context(locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base + "/r/MODULABS/")
    page.get_by_test_id("nickname").fill(name)
    if more_time:
        page.get_by_label("I need more time").check()
    page.get_by_test_id("join-submit").click()
    page.get_by_text("You are in!", exact=False).and_(page.locator(NOT_ANNOUNCER)).wait_for(timeout=10000)
    return context, page


def test_own_countdowns_for_accommodated_students(browser, live_server_asgi):
    demo_load_all()
    base = live_server_asgi.url
    host_context, host = log_in(browser, base)
    contexts = [host_context]
    try:
        host.goto(base + "/rooms/")
        launch = host.locator("form.launch").first
        launch.locator("select[name=quiz]").select_option(label="이 AI, 가능할까? 불가능할까?")
        launch.locator("select[name=mode]").select_option("instructor_paced")
        host.get_by_test_id("launch-MODULABS").click()
        host.wait_for_url(base + "/rooms/MODULABS/console/")
        host.get_by_test_id("session-state").wait_for()

        kim_context, kim = _join(browser, base, "Kim", more_time=True)
        lee_context, lee = _join(browser, base, "Lee", more_time=False)
        contexts += [kim_context, lee_context]
        people = host.get_by_test_id("people")
        people.get_by_text("Lee").wait_for()
        controls = people.get_by_test_id("time-factor")
        assert controls.count() == 2
        assert controls.nth(0).input_value() == "2", "the request at join applies x2 at once"
        assert people.locator(".badge").count() == 1  # Kim asked

        # Keyboard only: focus Lee's control and choose "no time limit".
        controls.nth(1).focus()
        controls.nth(1).select_option("none")
        host.wait_for_function("() => document.querySelectorAll('[data-testid=time-factor]')[1]?.value === 'none'")
        for _attempt in range(50):
            if Participant.objects.get(nickname="Lee").time_factor == 0:
                break
            host.wait_for_timeout(100)
        assert Participant.objects.get(nickname="Lee").time_factor == 0

        projector = host_context.new_page()
        projector.goto(base + "/rooms/MODULABS/projector/")
        projector.get_by_text("Kim").wait_for()
        host.get_by_test_id("host-next").click()
        for page in (kim, lee):
            page.get_by_test_id("prompt").wait_for()
        projector.get_by_test_id("projector-prompt").wait_for()
        countdown = '[data-role="countdown"]'
        kim.wait_for_function(f"() => Number(document.querySelector('{countdown}').textContent) > 0")
        limit = int(projector.locator(countdown).inner_text())
        assert 0 < limit <= 20, "the projector counts down the class's time limit"
        assert 20 < int(kim.locator(countdown).inner_text()) <= 40, "Kim counts down twice the time"
        assert lee.locator(countdown).inner_text() == "No time limit"
    finally:
        for context in contexts:
            context.close()
