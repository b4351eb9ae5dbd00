"""A scale question in a browser: two phones rate three statements on 1-5 (Kim with the keyboard
only: Tab between statements, arrow keys within one, Space and Enter; Lee by tapping), Submit
with a statement left unrated points to it, the projector shows each statement's live mean and
spread with the numbers, the console too, the reveal keeps them; no serious axe violation."""

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

STATEMENTS = ["AI가 내 일을 바꿀 것이다", "AI의 답을 믿는다", "모델 만드는 법을 배우고 싶다"]
SCALE = {
    "kind": "scale",
    "prompt": "AI와 나의 일: 얼마나 동의하나요?",
    "options": STATEMENTS,
    "scale": {"min": 1, "max": 5, "low_label": "전혀 아니다", "high_label": "매우 그렇다"},
    "time_limit_s": 120,
}


def _setup() -> None:
    teacher = User.objects.create_user("rater", password=PASSWORD)
    room = room_create(owner=teacher, code="SCALE1")
    quiz = quiz_create(owner=teacher, title="Scale", questions=[SCALE])
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)


def _focused_testid(page) -> str:
    return page.evaluate("() => document.activeElement?.dataset?.testid || document.activeElement?.tagName || ''")


def _tab_to(page, prefix: str, limit: int = 40) -> str:
    for _ in range(limit):
        page.keyboard.press("Tab")
        found = _focused_testid(page)
        if found.startswith(prefix):
            return found
    raise AssertionError(f"Tab never reached {prefix}")


def test_phones_rate_statements_and_the_projector_shows_means_and_spread(browser, live_server_asgi, screenshot):
    with ThreadPoolExecutor(1) as pool:  # services publish with async_to_sync: not on Playwright's loop
        pool.submit(_setup).result()
    base = live_server_asgi.url
    found: dict[str, list] = {}
    people = (("Kim", "ko-KR"), ("Lee", "en-US"))
    with classroom(browser, base, code="SCALE1", username="rater", phones=people) as room:
        host, projector, phones = room.host, room.projector, room.phones

        host.get_by_test_id("host-next").click()
        kim, lee = phones
        for page in phones:
            page.get_by_test_id("scale-form").wait_for()
            assert page.locator(".choice").count() == 0, "a scale has no choice buttons"
            assert page.get_by_test_id("scale-statement").count() == 3
        # Every number is a tap target of at least 24 × 24 px, and the ends are read with 1 and 5.
        box = kim.locator(".scale-point").first.bounding_box()
        assert box is not None
        assert box["width"] >= 24, box
        assert box["height"] >= 24, box
        assert kim.get_by_role("radio", name="1 (전혀 아니다)").count() == 3
        assert kim.get_by_role("group", name=STATEMENTS[1]).count() == 1
        projector.get_by_test_id("projector-scale").wait_for()
        found["phone: scale"] = violations(kim)

        # Kim, keyboard only: rate the first statement 4 (Space on 1, then three arrows right) ...
        assert _tab_to(kim, "rate-0-") == "rate-0-1"
        kim.keyboard.press("Space")
        for _ in range(3):
            kim.keyboard.press("ArrowRight")
        assert kim.get_by_test_id("rate-0-4").is_checked()
        # ... then Submit too early: the status says what is missing and the focus goes to it.
        _tab_to(kim, "BUTTON")
        kim.keyboard.press("Enter")
        assert "2" in kim.get_by_test_id("answer-status").inner_text()
        assert _focused_testid(kim) == "rate-1-1"
        kim.keyboard.press("Space")
        kim.keyboard.press("ArrowRight")  # 2
        assert _tab_to(kim, "rate-2-") == "rate-2-1"
        kim.keyboard.press("Space")
        for _ in range(4):
            kim.keyboard.press("ArrowRight")
        assert kim.get_by_test_id("rate-2-5").is_checked()
        _tab_to(kim, "BUTTON")
        kim.keyboard.press("Enter")
        kim.wait_for_function("() => document.querySelector('[data-testid=rate-0-1]').disabled")  # received

        # Lee taps 5, 3, 5.
        for index, value in enumerate((5, 3, 5)):
            lee.get_by_test_id(f"rate-{index}-{value}").click()
        lee.get_by_test_id("scale-form").get_by_role("button").click()
        lee.wait_for_function("() => document.querySelector('[data-testid=rate-0-1]').disabled")

        # The projector's live tally: mean, SD and answers per statement, printed.
        scale = projector.get_by_test_id("projector-scale")
        scale.get_by_text("평균 4.5 · 표준편차 0.5 · 응답 2개").wait_for()
        rows = scale.get_by_test_id("scale-row")
        assert rows.count() == 3
        assert "평균 2.5 · 표준편차 0.5 · 응답 2개" in rows.nth(1).inner_text()
        assert "평균 5.0 · 표준편차 0.0 · 응답 2개" in rows.nth(2).inner_text()
        assert "전혀 아니다" in scale.inner_text()
        assert "매우 그렇다" in scale.inner_text()
        host.get_by_text("평균 4.5 · 표준편차 0.5 · 응답 2개").wait_for()
        found["projector: scale live"] = violations(projector)
        found["console: scale answered"] = violations(host)

        host.get_by_test_id("host-reveal").click()
        kim.get_by_test_id("verdict").get_by_text("평가해 주셔서 고마워요.").wait_for()
        lee.get_by_test_id("verdict").get_by_text("Thanks for your ratings.").wait_for()
        bars = projector.get_by_test_id("projector-bars")
        bars.get_by_text("평균 2.5 · 표준편차 0.5 · 응답 2개").wait_for()
        assert STATEMENTS[2] in bars.inner_text()
        found["projector: scale reveal"] = violations(projector)
        found["phone: scale reveal"] = violations(kim)
        screenshot(projector, "projector-scale-means")
    assert sorted(Answer.objects.values_list("ratings", "correct", "points")) == [
        ([4, 2, 5], None, 0),
        ([5, 3, 5], None, 0),
    ]
    problems = "\n".join(f"## {name}\n{describe(v)}" for name, v in found.items() if v)
    assert not problems, f"critical/serious axe violations in a scale question:\n{problems}"
