"""A text round in a browser (the call-centre router), end to end on three phones: the class votes
"possible?", each phone writes example sentences for the desk it is given (Korean and English), the
projector shows them arriving, the instructor trains on a real Celery worker, the reveal settles the
vote with the measured accuracy, and in the route round a student types a new sentence and sees the
model's top desks and the words that decided it while typing; the session report keeps it all. No
serious axe violation on the way."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import User

from mlcore.learn import generate_call_centre
from quizapp.authoring.services import quiz_create
from quizapp.drawing import selectors as drawing_selectors
from quizapp.drawing import services as drawings
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Drawing, DrawingRound, QuizSession
from tests.browser.a11y import describe, violations
from tests.mlcore.workers import killable_worker

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKS = {"환불": "refund", "불만": "complaint", "해지": "cancellation"}
LABELS = ["환불 / refund", "불만 / complaint", "해지 / cancellation"]
VOTE = {
    "kind": "true_false",
    "prompt": "콜센터: 고객의 말을 알맞은 창구로 보내기, 가능할까?",
    "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
    "time_limit_s": 120,
}
ROUND = {"kind": "text_round", "prompt": "창구로 갈 고객의 말을 써 보세요", "options": LABELS, "time_limit_s": 300}
#: What a phone writes for the desk it is given.
WRITTEN = {
    "환불": "바지를 샀는데 배송 중에 살이 쪘어요, 환불해 주세요",
    "불만": "The courier was rude and threw my parcel at the door",
    "해지": "인터넷 서비스 해지하고 싶어요",
}


def _setup() -> None:
    teacher = User.objects.create_user("router", password="a-long-password-1")
    room = room_create(owner=teacher, code="ROUTE1")
    quiz = quiz_create(owner=teacher, title="Call centre", questions=[VOTE, ROUND])
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)


def _class_sentences() -> None:
    """Thirty more students of the class, writing through the same service the sockets use."""
    texts, desks = generate_call_centre(per_desk=12, seed=8, label_language="key")
    pool: dict[str, list[str]] = {
        key: [t for t, d in zip(texts, desks, strict=True) if d == v] for key, v in DESKS.items()
    }
    round_ = DrawingRound.objects.select_related("question").get()
    requests = []
    for i in range(30):
        joined = joining.participant_join(code="ROUTE1", nickname=f"class{i}", address=f"10.8.0.{i}")
        key = drawing_selectors.participant_prompt(joined.participant, round_.question)["key"]
        requests.append(
            drawings.DrawingRequest(joined.participant.id, round_.question_id, {}, description=pool[key].pop())
        )
    assert all(isinstance(o, drawings.DrawingReceipt) for o in drawings.drawings_submit(requests))


def test_three_phones_write_train_and_route(browser, live_server_asgi, screenshot):
    with ThreadPoolExecutor(1) as pool:  # services publish with async_to_sync: not on Playwright's loop
        pool.submit(_setup).result()
    base = live_server_asgi.url
    host_context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    contexts = [host_context]
    found: dict[str, list] = {}
    try:
        host = host_context.new_page()
        host.goto(base + "/accounts/login/")
        host.fill("#id_username", "router")
        host.fill("#id_password", "a-long-password-1")
        host.click("main button[type=submit]")
        host.wait_for_url(base + "/")
        host.goto(base + "/rooms/ROUTE1/console/")
        host.get_by_test_id("session-state").wait_for()
        projector = host_context.new_page()
        projector.goto(base + "/rooms/ROUTE1/projector/")

        phones = []
        for name, locale in (("Kim", "ko-KR"), ("Lee", "en-US"), ("Park", "ko-KR")):
            context = browser.new_context(locale=locale, viewport=PHONE, is_mobile=True, has_touch=True)
            contexts.append(context)
            page = context.new_page()
            page.goto(base + "/r/ROUTE1/")
            page.get_by_test_id("nickname").fill(name)
            page.get_by_test_id("join-submit").click()
            page.locator("[data-view=lobby]").wait_for()
            phones.append(page)

        # The vote: two of three say possible.
        host.get_by_test_id("host-next").click()
        for i, page in enumerate(phones):
            page.get_by_test_id("prompt").get_by_text(VOTE["prompt"]).wait_for()
            page.get_by_role("button", name="불가능" if i == 2 else "가능", exact=True).tap()
            page.get_by_test_id("answer-status").locator("text=/./").wait_for()
        host.get_by_test_id("host-reveal").click()
        phones[0].get_by_test_id("verdict").wait_for()

        # The text round: each phone is given a desk and writes a sentence for it.
        host.get_by_test_id("host-next").click()
        given = []
        for page in phones:
            page.get_by_test_id("draw-title").get_by_text(" / ", exact=False).wait_for()
            title = page.get_by_test_id("draw-title").inner_text()
            given.append(next(key for key in DESKS if key in title))
            assert page.get_by_test_id("drawing-pad").is_hidden(), "a text round has no drawing pad"
            assert page.get_by_test_id("describe-toggle").is_hidden()
        assert sorted(given) == sorted(DESKS), "three phones, three desks (round-robin)"
        found["phone: text round, writing"] = violations(phones[0])
        phones[0].get_by_test_id("send-description").click()  # empty: not sent
        phones[0].get_by_test_id("draw-status").get_by_text("먼저", exact=False).wait_for()
        for page, key in zip(phones, given, strict=True):
            page.get_by_test_id("describe-text").fill(WRITTEN[key])
            page.get_by_test_id("describe-text").press("Enter")
        phones[0].get_by_test_id("draw-status").get_by_text("문장", exact=False).wait_for()
        phones[1].get_by_test_id("draw-status").get_by_text("sentence is in", exact=False).wait_for()
        projector.get_by_test_id("wall-description").nth(2).wait_for()
        assert WRITTEN["환불"] in projector.get_by_test_id("drawing-wall").inner_text()
        host.get_by_test_id("drawing-total").get_by_text("3", exact=False).wait_for()
        found["projector: text wall"] = violations(projector)
        found["console: text wall"] = violations(host)
        screenshot(projector, "projector-text-wall")

        with ThreadPoolExecutor(1) as pool:
            pool.submit(_class_sentences).result()
        projector.get_by_test_id("wall-description").nth(32).wait_for()
        assert Drawing.objects.count() == 33

        host.get_by_test_id("host-reveal").click()
        assert host.locator('[data-role="doodle-controls"]').is_hidden(), "no doodles for sentences"
        with killable_worker(
            name="text-round-browser", DJANGO_SETTINGS_MODULE="tests.mlcore.worker_settings"
        ) as worker:
            host.get_by_test_id("host-train").click()
            phones[0].get_by_test_id("reveal-training").wait_for()
            projector.locator("table.confusion").wait_for(timeout=120_000)
            assert "%" in projector.get_by_test_id("host-training").inner_text(), worker.log()
        settle = phones[0].get_by_test_id("reveal-training").get_by_test_id("settle")
        settle.wait_for()
        assert "67%" in settle.inner_text(), settle.inner_text()  # two of three said possible
        assert projector.get_by_test_id("host-training").get_by_test_id("settle").is_visible()
        found["phone: trained, vote settled"] = violations(phones[0])
        found["projector: trained, vote settled"] = violations(projector)
        screenshot(phones[0], "phone-text-settled")

        # Route: a new sentence, routed while it is typed, with the words that decided it.
        host.get_by_test_id("host-guess-round").click()
        page = phones[1]
        page.get_by_test_id("draw-title").get_by_text("Route round", exact=False).wait_for()
        page.get_by_test_id("describe-text").press_sequentially("I want my money back for these shoes", delay=20)
        page.get_by_test_id("live-guesses").locator("li").first.wait_for()
        assert page.get_by_test_id("live-guesses").locator("li").count() == 3
        page.get_by_test_id("route-words").wait_for()
        found["phone: routing"] = violations(page)
        screenshot(page, "phone-routing")
        page.get_by_test_id("send-description").click()  # no label chosen yet: not sent
        page.get_by_test_id("draw-status").get_by_text("label you meant", exact=False).wait_for()
        page.get_by_role("button", name="환불 / refund").click()
        page.get_by_test_id("send-description").click()
        page.get_by_test_id("draw-status").get_by_text("joins the class", exact=False).wait_for()
        projector.locator(".wall-guess").first.wait_for()
        found["projector: routed sentence"] = violations(projector)
        # The instructor shows the routed sentence big on the projector, then takes it off.
        host.get_by_test_id("wall-item").first.get_by_test_id("spotlight-toggle").click()
        spotlight = projector.get_by_test_id("spotlight")
        spotlight.get_by_text("I want my money back", exact=False).wait_for()
        assert "환불" in spotlight.inner_text() or "refund" in spotlight.inner_text()
        found["projector: spotlight"] = violations(projector)
        host.get_by_test_id("wall-item").first.get_by_test_id("spotlight-toggle").click()
        spotlight.wait_for(state="hidden")
        routed = Drawing.objects.get(phase="guess")
        assert (routed.label, routed.description) == ("환불", "I want my money back for these shoes")
        assert len(routed.guesses) == 3

        # The session report keeps the round: sentences per label, the result, the vote settled.
        host.goto(base + f"/sessions/{QuizSession.objects.get().id}/report/")
        section = host.get_by_test_id("report-text-round")
        section.get_by_test_id("report-settle").wait_for()
        assert "67%" in section.get_by_test_id("report-settle").inner_text()
        assert section.get_by_test_id("report-description").count() == 34
        found["report: text round"] = violations(host)
    finally:
        for context in contexts:
            context.close()
    problems = "\n".join(f"## {name}\n{describe(v)}" for name, v in found.items() if v)
    assert not problems, f"critical/serious axe violations in the text round:\n{problems}"
