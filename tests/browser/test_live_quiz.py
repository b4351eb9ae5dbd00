"""The lecture in a browser: the instructor launches the MODULABS quiz, three students join on
phones and answer, the reveal and the results grid show what they answered."""

import re

import pytest
from django.contrib.auth.models import User

from accounts.services import demo_load_all
from quizapp.live import session as live
from quizapp.models import Quiz, QuizSession, Room
from tests.browser.a11y import NOT_ANNOUNCER

pytestmark = [pytest.mark.browser, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(browser, base_url):
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", "demo")
    page.fill("#id_password", "modulabs-demo")
    page.click("main button[type=submit]")
    page.wait_for_url(base_url + "/")
    return context, page


def test_three_students_play_the_modulabs_quiz(browser, live_server_asgi, screenshot):
    demo_load_all()
    assert User.objects.filter(username="demo").exists()
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

        students = []
        for name in ("Kim", "Lee", "<b>Park</b>"):
            context = browser.new_context(locale="ko-KR", viewport=PHONE, is_mobile=True, has_touch=True)
            contexts.append(context)
            page = context.new_page()
            page.goto(base + "/join")
            page.fill("#id_code", "modulabs")
            page.get_by_test_id("join-code-submit").click()
            page.wait_for_url(base + "/r/MODULABS/")
            page.get_by_test_id("nickname").fill(name)
            page.get_by_test_id("join-submit").click()
            page.get_by_text("들어왔어요", exact=False).and_(page.locator(NOT_ANNOUNCER)).wait_for(timeout=10000)
            students.append(page)
        screenshot(students[0], "student-lobby")
        host.get_by_test_id("people").get_by_text("<b>Park</b>").wait_for()  # escaped, shown as typed

        projector = host_context.new_page()
        projector.goto(base + "/rooms/MODULABS/projector/")
        assert projector.get_by_test_id("projector-code").inner_text() == "MODULABS"
        assert projector.locator(".qr svg").count() == 1
        projector.get_by_text("Kim").wait_for()
        screenshot(projector, "projector-lobby")

        host.get_by_test_id("host-next").click()
        projector.get_by_test_id("projector-prompt").wait_for()
        for page in students:
            page.get_by_test_id("prompt").wait_for()
        assert "콜센터" in students[0].get_by_test_id("prompt").inner_text()
        screenshot(students[0], "student-question")
        students[0].get_by_role("button", name="가능", exact=True).tap()
        students[1].get_by_role("button", name="불가능", exact=True).tap()
        students[2].get_by_role("button", name="가능", exact=True).tap()
        for page in students:
            page.get_by_test_id("answer-status").get_by_text("답이 들어갔습니다", exact=False).wait_for()
        host.get_by_test_id("answered-count").get_by_text("3", exact=False).wait_for()
        screenshot(host, "console-answers")

        host.get_by_test_id("host-reveal").click()
        students[0].get_by_test_id("verdict").get_by_text("정답").wait_for()
        students[1].get_by_test_id("verdict").get_by_text("아쉽").wait_for()
        projector.get_by_test_id("projector-bars").locator(".bar.correct").wait_for()
        screenshot(projector, "projector-reveal")
        screenshot(students[0], "student-reveal-correct")
        screenshot(students[1], "student-reveal-wrong")

        grid = host.get_by_test_id("results-grid")
        grid.locator("td.ok").nth(1).wait_for()
        assert grid.locator("td.ok").count() == 2
        assert grid.locator("td.bad").count() == 1
        assert "불가능" in grid.locator("td.bad").inner_text()
        screenshot(host, "console-results-grid")

        host.once("dialog", lambda dialog: dialog.accept())
        host.get_by_test_id("host-end").click()
        podium = projector.get_by_test_id("podium")
        podium.locator(".place-1").wait_for()
        assert "Kim" in podium.locator(".place-1").inner_text()
        screenshot(projector, "projector-podium")
        students[0].get_by_text("내 점수: ", exact=False).and_(students[0].locator(NOT_ANNOUNCER)).wait_for()
        assert (
            "1위"
            in students[0].get_by_text("내 점수: ", exact=False).and_(students[0].locator(NOT_ANNOUNCER)).inner_text()
        )
        students[0].reload()  # back after the end: the final state, not an error (issue 13, defect 3)
        students[0].get_by_text("내 점수: ", exact=False).and_(students[0].locator(NOT_ANNOUNCER)).wait_for()
        assert (
            "1위"
            in students[0].get_by_text("내 점수: ", exact=False).and_(students[0].locator(NOT_ANNOUNCER)).inner_text()
        )
    finally:
        for context in contexts:
            context.close()


def test_the_console_shows_reconnecting_while_its_socket_is_down(browser, live_server_asgi):
    """The host socket is cut (Playwright's WebSocket route between page and server): the console
    shows "reconnecting" until a new socket is open; a `link` `up: false` from the server (its
    process lost the room's layer) shows it too, `up: true` hides it."""
    demo_load_all()
    demo = User.objects.get(username="demo")
    room = Room.objects.get(code="MODULABS")
    quiz = Quiz.objects.filter(owner=demo, is_adhoc=False).first()
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=demo)
    context, page = log_in(browser, live_server_asgi.url)
    routes = []
    refuse = {"on": False}

    def route(ws):
        if refuse["on"]:
            ws.close(code=1011)
            return
        ws.connect_to_server()
        routes.append(ws)

    try:
        page.route_web_socket(re.compile(r".*/ws/rooms/MODULABS/host/$"), route)
        page.goto(live_server_asgi.url + "/rooms/MODULABS/console/")
        page.get_by_test_id("session-state").wait_for()
        indicator = page.get_by_test_id("reconnecting")
        assert indicator.is_hidden()

        refuse["on"] = True
        routes[-1].close(code=1011)
        indicator.wait_for(state="visible", timeout=5000)
        page.wait_for_timeout(1500)  # reconnect attempts are refused meanwhile: it stays
        assert indicator.is_visible()
        refuse["on"] = False
        indicator.wait_for(state="hidden", timeout=15000)
        page.get_by_test_id("session-state").wait_for()

        routes[-1].send('{"v":1,"type":"link","up":false}')
        indicator.wait_for(state="visible", timeout=5000)
        routes[-1].send('{"v":1,"type":"link","up":true}')
        indicator.wait_for(state="hidden", timeout=5000)
    finally:
        context.close()


def _png(size=(120, 80)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _image_loaded(page) -> bool:
    return page.locator('[data-role="image"]').evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_question_image_loads_on_the_phone_and_the_projector(browser, live_server_asgi, settings, tmp_path):
    """Question images are served with DEBUG off (as under ``make run`` and in production)."""
    from core.image_checks import check_image
    from quizapp.authoring.services import question_image_describe, question_image_set
    from quizapp.models import Quiz

    assert settings.DEBUG is False
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load_all()
    quiz = Quiz.objects.get(title="이 AI, 가능할까? 불가능할까?")
    first = quiz.questions.order_by("position", "id").first()
    question_image_set(question=first, image=check_image(_png()))
    question_image_describe(question=first, alt="A blue rectangle", decorative=False)
    base = live_server_asgi.url
    host_context, host = log_in(browser, base)
    phone_context = browser.new_context(locale="ko-KR", viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        host.goto(base + "/rooms/")
        launch = host.locator("form.launch").first
        launch.locator("select[name=quiz]").select_option(label="이 AI, 가능할까? 불가능할까?")
        launch.locator("select[name=mode]").select_option("instructor_paced")
        host.get_by_test_id("launch-MODULABS").click()
        host.wait_for_url(base + "/rooms/MODULABS/console/")
        phone = phone_context.new_page()
        phone.goto(base + "/r/MODULABS/")
        phone.get_by_test_id("nickname").fill("Choi")
        phone.get_by_test_id("join-submit").click()
        phone.get_by_text("들어왔어요", exact=False).and_(phone.locator(NOT_ANNOUNCER)).wait_for(timeout=10000)
        projector = host_context.new_page()
        projector.goto(base + "/rooms/MODULABS/projector/")
        projector.get_by_text("Choi").wait_for()

        host.get_by_test_id("host-next").click()
        for page in (phone, projector):
            page.locator('[data-role="image"]').wait_for(state="visible")
            page.wait_for_function(
                "() => { const i = document.querySelector('[data-role=\"image\"]');"
                " return i && i.complete && i.naturalWidth > 0; }",
                timeout=10000,
            )
            assert _image_loaded(page)
            assert page.locator('[data-role="image"]').evaluate("img => img.naturalWidth") == 120
            assert page.locator('[data-role="image"]').get_attribute("alt") == "A blue rectangle"
    finally:
        phone_context.close()
        host_context.close()
