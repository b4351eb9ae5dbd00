"""An ordering question in a browser: two phones put the lecture's four steps in order, Kim (ko) by
keyboard only (Tab to a move button, Enter; each move read out by the announcer), Lee (en) by
touch with a mistake left in; the console counts exact / partly right answers, the reveal shows the
right order with per-position % right on the projector and a partial verdict on Lee's phone; no
critical or serious axe violation on the way."""

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

ITEMS = ["데이터 모으기", "모델 학습", "새 데이터로 확인", "제품에 쓰기"]
ORDERING = {
    "kind": "ordering",
    "prompt": "지도 학습 프로젝트의 순서는?",
    "options": ITEMS,
    "time_limit_s": 120,
}


def _setup() -> None:
    teacher = User.objects.create_user("orders", password=PASSWORD)
    room = room_create(owner=teacher, code="ORDER1")
    quiz = quiz_create(owner=teacher, title="Ordering", questions=[ORDERING])
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)


def _order(page) -> list[int]:
    return [
        int(i) for i in page.get_by_test_id("ordering-item").evaluate_all("(rows) => rows.map((r) => r.dataset.id)")
    ]


def _focused(page) -> tuple[str | None, str | None]:
    return tuple(
        page.evaluate(
            "() => { const a = document.activeElement; const row = a && a.closest('[data-testid=ordering-item]');"
            " return [row ? row.dataset.id : null, a ? a.dataset.move || null : null]; }"
        )
    )


def _tab_to(page, item: int, move: str) -> None:
    """Tab (or Shift+Tab) until the focus is on that item's move button: the keyboard only."""
    for _ in range(40):
        if _focused(page) == (str(item), move):
            return
        buttons = page.locator(".ordering-move").evaluate_all(
            "(all) => all.map((b) => b.closest('[data-testid=ordering-item]').dataset.id + ':' + b.dataset.move)"
        )
        here = _focused(page)
        current = f"{here[0]}:{here[1]}" if here[0] is not None else None
        wanted = buttons.index(f"{item}:{move}")
        backwards = current in buttons and buttons.index(current) > wanted
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"could not reach {move} of item {item} by Tab")


def _arrange(page, target: list[int], *, keyboard: bool) -> None:
    """Move items up until the list reads ``target`` (by keyboard, or by tapping)."""
    for place, item in enumerate(target):
        while _order(page).index(item) > place:
            if keyboard:
                _tab_to(page, item, "up")
                page.keyboard.press("Enter")
            else:
                page.locator(f"[data-testid=ordering-item][data-id='{item}'] [data-move=up]").tap()
    assert _order(page) == target


def test_two_phones_order_the_steps_and_the_projector_reveals_the_right_order(browser, live_server_asgi, screenshot):
    with ThreadPoolExecutor(1) as pool:  # services publish with async_to_sync: not on Playwright's loop
        pool.submit(_setup).result()
    base = live_server_asgi.url
    found: dict[str, list] = {}
    people = (("Kim", "ko-KR"), ("Lee", "en-US"))
    with classroom(browser, base, code="ORDER1", username="orders", phones=people) as room:
        host, projector, phones = room.host, room.projector, room.phones

        host.get_by_test_id("host-next").click()
        kim, lee = phones
        for page in phones:
            page.get_by_test_id("ordering-form").wait_for()
            assert page.locator(".choice").count() == 0, "an ordering question has no choice buttons"
            assert page.get_by_test_id("ordering-item").count() == 4
        shuffled = _order(kim)
        assert sorted(shuffled) == [0, 1, 2, 3]
        assert shuffled != [0, 1, 2, 3], "the phones never start in the right order"
        assert _order(lee) == shuffled, "every phone gets the same shuffle"
        for box in (b.bounding_box() for b in kim.locator(".ordering-move").all()):
            assert box is not None
            assert box["width"] >= 24, box
            assert box["height"] >= 24, box
        first_up = kim.locator(".ordering-move").first
        assert "위로 옮기기" in (first_up.get_attribute("aria-label") or ""), "each button says what it moves"
        shown = projector.locator("[data-role=options] li")
        shown.first.wait_for()
        assert shown.all_inner_texts() == [ITEMS[i] for i in shuffled], "the projector lists the phones' shuffle"
        found["phone: ordering question"] = violations(kim)
        screenshot(kim, "phone-ordering-question")
        found["projector: ordering question"] = violations(projector)

        # Kim, keyboard only: Tab to a button, Enter; the new place is read out.
        kim.locator("body").focus()
        _arrange(kim, [0, 1, 2, 3], keyboard=True)
        announcer = kim.get_by_test_id("announcer")
        announcer.get_by_text("자리로 옮겼습니다", exact=False).wait_for()
        _tab_to(kim, _order(kim)[0], "up")
        kim.keyboard.press("Enter")  # the first item cannot go higher: said, not done
        announcer.get_by_text("이미 맨 처음", exact=False).wait_for()
        kim.keyboard.press("Tab")
        while kim.evaluate("() => document.activeElement.dataset.testid") != "ordering-submit":
            kim.keyboard.press("Tab")
        kim.keyboard.press("Enter")
        kim.get_by_test_id("answer-status").locator("text=/./").wait_for()

        # Lee, by touch: the first two right, the last two swapped (2 of 4 in place).
        _arrange(lee, [0, 1, 3, 2], keyboard=False)
        lee.get_by_test_id("ordering-submit").tap()
        lee.get_by_test_id("answer-status").locator("text=/./").wait_for()
        host.get_by_test_id("ordering-summary").get_by_text("일부 맞음: 1", exact=False).wait_for()
        found["console: ordering answered"] = violations(host)

        host.get_by_test_id("host-reveal").click()
        kim.get_by_test_id("verdict").wait_for()
        assert " → ".join(ITEMS) in kim.locator("[data-role=correct-answer]").inner_text()
        assert "정답" in kim.get_by_test_id("verdict").inner_text()
        lee.get_by_test_id("verdict").get_by_text("Partly right: 2 of 4", exact=False).wait_for()
        projector.get_by_test_id("projector-bars").wait_for()
        bars = projector.get_by_test_id("projector-bars")
        bars.get_by_text("순서 모두 맞음: 1", exact=False).wait_for()
        text = bars.inner_text()
        for place, item in enumerate(ITEMS, start=1):
            assert f"{place}. {item}" in text, text
        values = bars.locator(".bar-value").all_inner_texts()
        assert values == ["100%", "100%", "50%", "50%"], values
        found["projector: ordering reveal"] = violations(projector)
        found["phone: ordering reveal (keyboard)"] = violations(kim)
        found["phone: ordering reveal (partial)"] = violations(lee)
        found["console: ordering reveal"] = violations(host)
        screenshot(projector, "projector-ordering-reveal")
        projector.reload()  # a projector that reconnects during the reveal draws it again from host_state
        projector.get_by_test_id("projector-bars").get_by_text("순서 모두 맞음: 1", exact=False).wait_for()
        again = projector.get_by_test_id("projector-bars").locator(".bar-value").all_inner_texts()
        assert again == ["100%", "100%", "50%", "50%"], again
        screenshot(lee, "phone-ordering-partial")
    stored = sorted(Answer.objects.values_list("participant__nickname", "choices", "correct"))
    assert stored == [("Kim", [0, 1, 2, 3], True), ("Lee", [0, 1, 3, 2], False)]
    problems = "\n".join(f"## {name}\n{describe(v)}" for name, v in found.items() if v)
    assert not problems, f"critical/serious axe violations in an ordering question:\n{problems}"
