"""A word cloud in a browser: three phones (Korean and English) send words, the projector's cloud
fills live (particles counted together: 데이터가 = 데이터), the instructor hides a word from the
console with the keyboard alone and it leaves the projector (and stays hidden after a reload),
then shows it again; no critical or serious axe violation on the way."""

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

CLOUD = {"kind": "word_cloud", "prompt": "AI 하면 떠오르는 단어는?", "words_per_student": 2, "time_limit_s": 240}


def _setup() -> None:
    teacher = User.objects.create_user("clouds", password=PASSWORD)
    room = room_create(owner=teacher, code="CLOUD1")
    quiz = quiz_create(owner=teacher, title="Word cloud", questions=[CLOUD])
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)


def _cloud_words(page, testid: str) -> dict[str, str]:
    """word -> its count as printed, from a cloud's list (read at once: the list is redrawn live)."""
    return page.evaluate(
        """(testid) => Object.fromEntries(
            [...document.querySelectorAll(`[data-testid="${testid}"] .word-cloud > li`)].map((li) => [
                li.querySelector(".cloud-text").textContent, li.querySelector(".cloud-count").textContent,
            ]))""",
        testid,
    )


def _wait_for_words(page, testid: str, expected: dict[str, str]) -> None:
    for _ in range(100):
        if _cloud_words(page, testid) == expected:
            return
        page.wait_for_timeout(100)
    assert _cloud_words(page, testid) == expected


def test_phones_fill_the_cloud_and_the_console_hides_a_word_by_keyboard(browser, live_server_asgi, screenshot):
    with ThreadPoolExecutor(1) as pool:  # services publish with async_to_sync: not on Playwright's loop
        pool.submit(_setup).result()
    base = live_server_asgi.url
    found: dict[str, list] = {}
    people = (("Kim", "ko-KR"), ("Lee", "en-US"), ("Park", "ko-KR"))
    with classroom(browser, base, code="CLOUD1", username="clouds", phones=people) as room:
        host, projector, phones = room.host, room.projector, room.phones

        host.get_by_test_id("host-next").click()
        kim, lee, park = phones
        for page in phones:
            page.get_by_test_id("word-form").wait_for()
            assert page.locator(".choice").count() == 0, "a word cloud has no choice buttons"
            assert page.get_by_test_id("word-input").locator("visible=true").count() == 2
        found["phone: word cloud"] = violations(kim)

        # Kim types by keyboard: two words, Enter sends them.
        kim.get_by_test_id("word-input").first.fill("데이터가")
        kim.get_by_test_id("word-input").nth(1).fill("AI")
        kim.get_by_test_id("word-input").nth(1).press("Enter")
        kim.get_by_test_id("answer-status").get_by_text("데이터가, AI").wait_for()
        # Lee (English): a refused word first, then two good ones.
        lee.get_by_test_id("word-input").first.fill("<b>data</b>")
        lee.get_by_test_id("word-form").get_by_role("button").click()
        lee.get_by_test_id("answer-status").get_by_text("“<”").wait_for()
        lee.get_by_test_id("word-input").first.fill("data")
        lee.get_by_test_id("word-input").nth(1).fill("ai")
        lee.get_by_test_id("word-form").get_by_role("button").click()
        lee.get_by_test_id("answer-status").get_by_text("data, ai").wait_for()
        # Park: one word (the second field may stay empty).
        park.get_by_test_id("word-input").first.fill("데이터")
        park.get_by_test_id("word-form").get_by_role("button").click()
        park.get_by_test_id("answer-status").get_by_text("데이터").wait_for()

        _wait_for_words(projector, "projector-cloud", {"AI": "2", "데이터": "2", "data": "1"})
        biggest = projector.get_by_test_id("projector-cloud").locator(".word-cloud > li").first
        assert "s5" in (biggest.get_attribute("class") or "")
        found["projector: word cloud"] = violations(projector)
        screenshot(projector, "projector-word-cloud")

        # The instructor hides "data" from the console by keyboard alone: Tab to its Hide button, Enter.
        _wait_for_words(host, "console-cloud", {"AI": "2", "데이터": "2", "data": "1"})
        found["console: word cloud"] = violations(host)
        hide = host.get_by_role("button", name="“data”")
        host.locator("body").focus()
        for _ in range(80):
            host.keyboard.press("Tab")
            if "“data”" in host.evaluate("() => document.activeElement?.textContent || ''"):
                break
        else:
            pytest.fail("no Hide button for “data” in the console's tab order")
        assert hide.evaluate("(node) => node === document.activeElement")
        host.keyboard.press("Enter")
        _wait_for_words(projector, "projector-cloud", {"AI": "2", "데이터": "2"})
        host.get_by_test_id("hidden-words").get_by_text("data").wait_for()
        found["console: a hidden word"] = violations(host)

        # A reload keeps it hidden.
        projector.reload()
        _wait_for_words(projector, "projector-cloud", {"AI": "2", "데이터": "2"})

        # Show again, by keyboard too.
        unhide = host.get_by_test_id("cloud-unhide")
        unhide.focus()
        host.keyboard.press("Enter")
        _wait_for_words(projector, "projector-cloud", {"AI": "2", "데이터": "2", "data": "1"})

        host.get_by_test_id("host-reveal").click()
        kim.get_by_test_id("verdict").wait_for()
        projector.locator("[data-view=reveal] .word-cloud").wait_for()
        found["projector: word cloud reveal"] = violations(projector)
        found["phone: word cloud reveal"] = violations(lee)
    assert sorted(Answer.objects.values_list("text", flat=True)) == ["data\nai", "데이터", "데이터가\nAI"]
    problems = "\n".join(f"## {name}\n{describe(v)}" for name, v in found.items() if v)
    assert not problems, f"critical/serious axe violations in a word cloud question:\n{problems}"
