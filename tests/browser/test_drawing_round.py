"""A drawing round in a browser: two students draw with the mouse on their phones' canvas and send,
the drawings appear on the projector wall, the instructor trains on a real Celery worker (the class's
drawings plus generated doodles), starts the guess round, and a student sees the model's guesses."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from django.contrib.auth.models import User

from mlcore.learn.drawings import synthetic_drawing
from quizapp.authoring.services import quiz_create
from quizapp.drawing import selectors as drawing_selectors
from quizapp.drawing import services as drawings
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Drawing, DrawingRound, Participant, QuizSession
from tests.browser.a11y import NOT_ANNOUNCER, describe, violations
from tests.mlcore.workers import killable_worker

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PROMPTS = ["원 / circle", "삼각형 / triangle", "집 / house", "물고기 / fish"]
SQUARE_ISH = [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7), (0.3, 0.3)]
TRIANGLE = [(0.5, 0.2), (0.8, 0.75), (0.2, 0.75), (0.5, 0.2)]


def _setup() -> None:
    teacher = User.objects.create_user("teacher", password="a-long-password-1")
    room = room_create(owner=teacher, code="DRAWIT")
    quiz = quiz_create(
        owner=teacher,
        title="Draw it",
        questions=[{"kind": "drawing", "prompt": "그려 보세요", "options": PROMPTS, "time_limit_s": 300}],
    )
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)


def _class_drawings() -> None:
    """Sixteen more students of the class, drawing through the same service the sockets use."""
    round_ = DrawingRound.objects.select_related("question").get()
    requests = []
    for i in range(16):
        joined = joining.participant_join(code="DRAWIT", nickname=f"class{i}", address=f"10.9.0.{i}")
        prompt = drawing_selectors.participant_prompt(joined.participant, round_.question)["key"]
        strokes = synthetic_drawing(prompt, np.random.default_rng(50 + i)).to_wire()
        requests.append(drawings.DrawingRequest(joined.participant.id, round_.question_id, strokes))
    assert all(isinstance(o, drawings.DrawingReceipt) for o in drawings.drawings_submit(requests))


def draw(page, points) -> None:
    """Drag the mouse along ``points`` (fractions of the canvas)."""
    box = page.get_by_test_id("drawing-pad").bounding_box()
    x0, y0 = box["x"], box["y"]
    page.mouse.move(x0 + points[0][0] * box["width"], y0 + points[0][1] * box["height"])
    page.mouse.down()
    for fx, fy in points[1:]:
        page.mouse.move(x0 + fx * box["width"], y0 + fy * box["height"], steps=8)
    page.mouse.up()


def test_students_draw_the_wall_fills_the_model_trains_and_guesses(browser, live_server_asgi, screenshot):
    with ThreadPoolExecutor(1) as pool:  # services publish with async_to_sync: not on Playwright's loop
        pool.submit(_setup).result()
    base = live_server_asgi.url
    host_context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    contexts = [host_context]
    try:
        host = host_context.new_page()
        host.goto(base + "/accounts/login/")
        host.fill("#id_username", "teacher")
        host.fill("#id_password", "a-long-password-1")
        host.click("main button[type=submit]")
        host.wait_for_url(base + "/")
        host.goto(base + "/rooms/DRAWIT/console/")
        host.get_by_test_id("session-state").wait_for()
        projector = host_context.new_page()
        projector.goto(base + "/rooms/DRAWIT/projector/")

        students = []
        for name in ("Kim", "Lee"):
            context = browser.new_context(locale="ko-KR", viewport=PHONE, is_mobile=True, has_touch=True)
            contexts.append(context)
            page = context.new_page()
            page.goto(base + "/r/DRAWIT/")
            page.get_by_test_id("nickname").fill(name)
            page.get_by_test_id("join-submit").click()
            page.get_by_text("들어왔어요", exact=False).and_(page.locator(NOT_ANNOUNCER)).wait_for(timeout=10000)
            students.append(page)

        host.get_by_test_id("host-next").click()
        for page in students:
            page.get_by_test_id("draw-title").wait_for()
        assert "원" in students[0].get_by_test_id("draw-title").inner_text()  # first joiner, first prompt
        assert "삼각형" in students[1].get_by_test_id("draw-title").inner_text()

        # An empty canvas is not sent.
        students[0].get_by_test_id("send-drawing").click()
        students[0].get_by_test_id("draw-status").get_by_text("먼저", exact=False).wait_for()

        draw(students[0], [(0.5 + 0.3 * np.cos(t), 0.5 + 0.3 * np.sin(t)) for t in np.linspace(0, 6.3, 30)])
        draw(students[1], TRIANGLE)
        screenshot(students[0], "student-drawing")
        for page in students:
            page.get_by_test_id("send-drawing").click()
            page.get_by_test_id("draw-status").get_by_text("들어갔", exact=False).wait_for()
        projector.get_by_test_id("wall-item").nth(1).wait_for()
        assert projector.get_by_test_id("drawing-wall").locator("svg polyline").count() >= 2
        host.get_by_test_id("drawing-total").get_by_text("2", exact=False).wait_for()
        screenshot(projector, "projector-wall")

        with ThreadPoolExecutor(1) as pool:
            pool.submit(_class_drawings).result()
        projector.get_by_test_id("wall-item").nth(17).wait_for()
        assert Drawing.objects.count() == 18
        wall = {"phone: drawing sent": violations(students[0]), "projector: wall of 18": violations(projector)}

        host.get_by_test_id("host-reveal").click()
        with killable_worker(name="drawing-browser", DJANGO_SETTINGS_MODULE="tests.mlcore.worker_settings") as worker:
            host.locator('[data-role="with-doodles"]').check()
            host.locator('[data-role="doodles-per-class"]').fill("60")
            host.get_by_test_id("host-train").click()
            students[0].get_by_test_id("reveal-training").wait_for()
            done = host.get_by_test_id("host-training").get_by_text("학습", exact=False)
            projector.locator("table.confusion").wait_for(timeout=120_000)
            assert "%" in projector.get_by_test_id("host-training").inner_text(), worker.log()
            host.get_by_test_id("host-curve").click()  # the virtuous cycle, on the same worker
            projector.get_by_test_id("curve-panel").locator("svg").wait_for(timeout=120_000)
        screenshot(projector, "projector-trained-with-curve")
        assert done.count() >= 0
        students[0].get_by_test_id("reveal-training").get_by_text("%", exact=False).wait_for()
        screenshot(students[0], "student-trained")
        found = {  # axe on each phase as it is on screen; asserted together at the end
            **wall,
            "phone: trained": violations(students[0]),
            "console: trained": violations(host),
            "projector: trained, curve": violations(projector),
        }

        host.get_by_test_id("host-guess-round").click()
        page = students[1]
        page.get_by_test_id("draw-title").get_by_text("맞혀", exact=False).wait_for()
        draw(page, SQUARE_ISH)
        page.get_by_test_id("live-guesses").locator("li").first.wait_for()
        assert page.get_by_test_id("live-guesses").locator("li").count() == 3
        screenshot(page, "student-guesses")
        found["phone: guessing"] = violations(page)
        page.get_by_role("button", name="삼각형 / triangle").click()
        page.get_by_test_id("send-drawing").click()
        projector.locator(".wall-guess").first.wait_for()
        screenshot(projector, "projector-guess")
        found["console: guess round"] = violations(host)
        found["projector: guess wall"] = violations(projector)
        found["phone: guess sent"] = violations(page)
        problems = "\n".join(f"## {name}\n{describe(v)}" for name, v in found.items() if v)
        assert not problems, f"critical/serious axe violations in the drawing round's phases:\n{problems}"
        assert Participant.objects.filter(nickname="Lee").get().drawings.filter(phase="guess").count() == 1

        # The session report keeps the round: counts, the result, the curve and every drawing.
        host.goto(base + f"/sessions/{QuizSession.objects.get().id}/report/")
        section = host.get_by_test_id("report-drawings")
        section.locator("svg").first.wait_for()
        images = section.locator("img")
        assert images.count() == 19
        images.last.scroll_into_view_if_needed()
        host.wait_for_function("() => [...document.querySelectorAll('.report-drawings img')].every(i => i.complete)")
        assert host.evaluate("document.querySelector('.report-drawings img').naturalWidth") == 256
        screenshot(host, "report-drawings")
    finally:
        for context in contexts:
            context.close()
