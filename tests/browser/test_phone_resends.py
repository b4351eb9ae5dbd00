"""The phone keeps an answer the server could not store (``not_stored``): it sends it again, a
little later, and the answer is stored once (issue 13: nothing lost)."""

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import User

from accounts.services import demo_load_all
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.models import Answer, Quiz, QuizSession, Room

pytestmark = [pytest.mark.browser, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


def off_the_browser_loop(function, **kwargs):
    """Services publish with async_to_sync, which cannot run on Playwright's own event loop thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, **kwargs).result()


def test_an_answer_refused_as_not_stored_is_sent_again_and_stored_once(browser, live_server_asgi):
    demo_load_all()
    demo = User.objects.get(username="demo")
    room = Room.objects.get(code="MODULABS")
    quiz = Quiz.objects.get(owner=demo, title="이 AI, 가능할까? 불가능할까?")
    session = live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=demo)
    joined = off_the_browser_loop(joining.participant_join, code="MODULABS", nickname="Mina", address="10.1.2.3")
    off_the_browser_loop(live.session_next, session_id=session.id, user=demo)

    context = browser.new_context(
        locale="ko-KR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.add_init_script(f"localStorage.setItem('a2b.token.MODULABS', {json.dumps(joined.token)})")
    refused: list[dict] = []
    forwarded: list[dict] = []

    def route(ws):
        server = ws.connect_to_server()

        def from_page(message):
            frame = json.loads(message)
            if frame.get("type") == "answer" and not refused:
                refused.append(frame)  # as the server answers when its database hiccups
                ws.send(json.dumps({"v": 1, "type": "error", "code": "not_stored", "message": "x", "ref": frame["id"]}))
                return
            if frame.get("type") == "answer":
                forwarded.append(frame)
            server.send(message)

        ws.on_message(from_page)

    try:
        page = context.new_page()
        page.route_web_socket(re.compile(r".*/ws/rooms/MODULABS/play/$"), route)
        page.goto(live_server_asgi.url + "/r/MODULABS/")
        page.get_by_test_id("prompt").wait_for()
        page.get_by_role("button", name="가능", exact=True).tap()
        page.get_by_test_id("answer-status").get_by_text("답이 들어갔습니다", exact=False).wait_for(timeout=15000)
        assert len(refused) == 1
        assert len(forwarded) == 1, "sent again once, after the refusal"
        assert forwarded[0]["question_id"] == refused[0]["question_id"]
        assert forwarded[0]["choices"] == refused[0]["choices"]
        assert Answer.objects.filter(participant=joined.participant).count() == 1
    finally:
        context.close()
