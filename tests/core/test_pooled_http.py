"""core.pooled_http: joining a room is served whole by Django's WSGI handler in a worker thread."""

import io
import json
import threading

import pytest
from channels.db import database_sync_to_async
from channels.testing import ApplicationCommunicator

from accounts.services import demo_load_all
from core.pooled_http import PooledHttpHandler, PooledHttpRouter, wsgi_environ
from quizapp.live import session as live
from quizapp.models import Participant, Quiz
from quizapp.selectors import room_get_by_code

pytestmark = pytest.mark.embedded


class Recorder:
    def __init__(self) -> None:
        self.paths: list[str] = []
        self.threads: list[str] = []

    async def __call__(self, scope, receive, send) -> None:
        self.paths.append(scope["path"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def wsgi(self, environ, start_response):
        self.paths.append(environ["PATH_INFO"])
        self.threads.append(threading.current_thread().name)
        start_response("201 Created", [("Content-Type", "application/json")])
        return [b'{"ok": ', environ["wsgi.input"].read(), b"}"]


async def _call(app, path: str, body: bytes = b"", method: str = "POST", headers=None) -> dict:
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "path": path,
        "query_string": b"",
        "headers": headers or [(b"content-type", b"application/json")],
        "client": ("10.1.2.3", 5555),
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": body[:3], "more_body": True})
    await communicator.send_input({"type": "http.request", "body": body[3:]})
    start = await communicator.receive_output(10)
    content = await communicator.receive_output(10)
    return {"status": start["status"], "headers": dict(start["headers"]), "body": content["body"]}


async def test_only_the_marked_view_goes_to_the_worker_thread():
    asgi, wsgi = Recorder(), Recorder()
    router = PooledHttpRouter(asgi, wsgi.wsgi)
    joined = await _call(router, "/api/rooms/MODULABS/join/", b"true")
    other = await _call(router, "/api/rooms/MODULABS/", b"")
    missing = await _call(router, "/no/such/page/", b"")
    assert (joined["status"], joined["body"]) == (201, b'{"ok": true}'), "the body arrived in two parts, whole"
    assert wsgi.paths == ["/api/rooms/MODULABS/join/"]
    assert wsgi.threads[0] != threading.main_thread().name
    assert asgi.paths == ["/api/rooms/MODULABS/", "/no/such/page/"]
    assert (other["status"], missing["status"]) == (204, 204)


def test_the_environ_carries_the_address_headers_and_cookies():
    scope = {
        "method": "POST",
        "path": "/api/rooms/모두/join/",
        "query_string": b"a=1",
        "http_version": "1.1",
        "scheme": "https",
        "client": ("10.9.8.7", 1234),
        "server": ("example.org", 443),
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", b"2"),
            (b"accept-language", b"ko"),
            (b"cookie", b"a=1"),
            (b"cookie", b"b=2"),
            (b"x-forwarded-proto", b"https"),
        ],
    }
    environ = wsgi_environ(scope, io.BytesIO(b"{}"))
    assert environ["REMOTE_ADDR"] == "10.9.8.7"
    assert (environ["CONTENT_TYPE"], environ["CONTENT_LENGTH"]) == ("application/json", "2")
    assert environ["HTTP_ACCEPT_LANGUAGE"] == "ko"
    assert environ["HTTP_COOKIE"] == "a=1; b=2"
    assert environ["wsgi.url_scheme"] == "https"
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"], environ["QUERY_STRING"]) == ("example.org", "443", "a=1")
    assert environ["PATH_INFO"].encode("latin1").decode("utf8") == "/api/rooms/모두/join/"


def _live_demo_room() -> None:
    instructor, _ = demo_load_all()
    quiz = Quiz.objects.filter(owner=instructor).first()
    room = room_get_by_code("MODULABS")
    assert quiz is not None
    assert room is not None
    live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=instructor)


@pytest.mark.django_db(transaction=True)
async def test_a_student_joins_through_the_application_with_its_middleware():
    from config import asgi

    await database_sync_to_async(_live_demo_room)()
    body = json.dumps({"nickname": "민지", "device_id": "phone-1"}).encode()
    joined = await _call(asgi.application, "/api/rooms/MODULABS/join/", body)
    assert joined["status"] == 201, joined
    data = json.loads(joined["body"])
    assert data["participant"]["nickname"] == "민지"
    assert data["token"]
    assert joined["headers"][b"content-type"].startswith(b"application/json")
    assert joined["headers"][b"x-content-type-options"] == b"nosniff", "the security middleware ran"
    assert joined["headers"][b"x-frame-options"] == b"DENY"
    assert b"Accept-Language" in joined["headers"][b"vary"], "the locale middleware ran"
    assert b"set-cookie" not in joined["headers"], "no session or CSRF cookie for an anonymous join"
    assert await database_sync_to_async(Participant.objects.filter(nickname="민지").count)() == 1

    refused = await _call(
        asgi.application,
        "/api/rooms/MODULABS/join/",
        b"{not json",
        headers=[(b"content-type", b"application/json"), (b"accept-language", b"ko")],
    )
    assert refused["status"] == 400
    assert json.loads(refused["body"])["error"]["code"]

    taken = await _call(
        asgi.application,
        "/api/rooms/MODULABS/join/",
        json.dumps({"nickname": "민지"}).encode(),
        headers=[(b"content-type", b"application/json"), (b"accept-language", b"ko")],
    )
    assert taken["status"] == 409
    assert "닉네임" in json.loads(taken["body"])["error"]["message"], "translated: the locale middleware ran"


def test_marked_views_skip_the_middleware_of_signed_in_pages(settings):
    every = list(settings.MIDDLEWARE)
    handler = PooledHttpHandler()
    assert every == settings.MIDDLEWARE, "the process's own list is back"
    chain = []
    layer = handler._middleware_chain
    while layer is not None:
        inner = getattr(layer, "__wrapped__", layer)
        if hasattr(inner, "get_response"):
            chain.append(type(inner).__name__)
        layer = getattr(inner, "get_response", None)
    assert "SecurityMiddleware" in chain
    assert "LocaleMiddleware" in chain
    assert "XFrameOptionsMiddleware" in chain
    for signed_in in ("SessionMiddleware", "CsrfViewMiddleware", "AuthenticationMiddleware", "MessageMiddleware"):
        assert signed_in not in chain
