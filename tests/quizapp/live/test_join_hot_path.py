"""core.apis.HotJsonPost: a well-formed JSON join skips DRF's request machinery and answers exactly
as DRF's way would; every other request (a form, bad JSON, an invalid field, another Accept) still
goes through DRF and gets DRF's own answer."""

import json
import threading
from unittest import mock

import pytest
from django.test import Client
from rest_framework.views import APIView

from quizapp.authoring.services import quiz_create
from quizapp.live import session as live
from quizapp.live.apis import RoomJoinApi
from quizapp.live.rooms import room_create
from quizapp.models import Participant, QuizSession

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

QUESTIONS = [
    {
        "kind": "true_false",
        "prompt": "Pedestrian detection?",
        "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
    }
]


@pytest.fixture
def session(teacher) -> QuizSession:
    room = room_create(owner=teacher, code="MODULABS")
    quiz = quiz_create(owner=teacher, title="Lecture quiz", questions=QUESTIONS)
    return live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)


def post(body: bytes | str | dict, content_type: str = "application/json", language: str = "en", **headers):
    data = json.dumps(body) if isinstance(body, dict) else body
    return Client(enforce_csrf_checks=True).post(
        "/api/rooms/MODULABS/join/",
        data,
        content_type=content_type,
        REMOTE_ADDR="10.0.0.7",
        HTTP_ACCEPT_LANGUAGE=language,
        **headers,
    )


@pytest.fixture
def drf_requests():
    """How many requests went DRF's way (``APIView.initialize_request``)."""
    with mock.patch.object(APIView, "initialize_request", autospec=True, side_effect=APIView.initialize_request) as spy:
        yield spy


def test_a_json_join_takes_the_short_way_and_answers_as_drf_would(session, drf_requests):
    short = post({"nickname": "Mina", "device_id": "d1", "more_time": True})
    assert drf_requests.call_count == 0
    assert short.status_code == 201
    assert short["Content-Type"] == "application/json"
    assert short["Allow"] == "POST, OPTIONS"
    assert "Accept" in short["Vary"]
    body = short.json()
    mina = Participant.objects.get(session=session, nickname="Mina")
    assert body["participant"] == {"id": mina.id, "nickname": "Mina"}
    assert mina.device_id == "d1"
    assert mina.time_requested
    assert body["token"]
    assert body["session"]["id"] == session.id

    # The same join as a form goes DRF's way: the same answer, key for key
    form = post("nickname=Jun&device_id=d2", content_type="application/x-www-form-urlencoded")
    assert drf_requests.call_count == 1
    assert form.status_code == 201
    assert form.json().keys() == body.keys()
    assert form.json()["session"] == body["session"]
    assert form["Allow"] == short["Allow"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"nickname": "Mina"', "parse_error"),  # broken JSON
        (b'["Mina"]', "invalid"),  # not an object
        ({"nickname": 7}, "invalid"),  # JSON's types are the schema's
        ({"nickname": "Mina", "more_time": "yes"}, "invalid"),
        ({"nickname": "Mina", "device_id": "x" * 65}, "invalid"),
        ({"nickname": "Mi\x00na"}, "invalid"),
        ({}, "invalid"),
    ],
)
def test_what_the_short_way_cannot_take_gets_drfs_own_refusal(session, drf_requests, raw, code):
    response = post(raw, language="ko")
    assert drf_requests.call_count == 1
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]  # translated, never empty
    assert not Participant.objects.filter(session=session).exists()


def test_a_services_refusal_on_the_short_way_keeps_the_one_error_shape_and_language(session, drf_requests):
    post({"nickname": "Mina"})
    taken = post({"nickname": "Mina"}, language="ko")
    missing = Client().post(
        "/api/rooms/NOSUCHROOM/join/", {"nickname": "Jun"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert drf_requests.call_count == 0
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "nickname_taken"
    assert any("\uac00" <= ch <= "\ud7a3" for ch in taken.json()["error"]["message"])  # Korean
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "room_not_found", "message": mock.ANY}}


def test_another_accept_goes_drfs_way(session, drf_requests):
    response = post({"nickname": "Mina"}, HTTP_ACCEPT="application/json; indent=2")
    assert drf_requests.call_count == 1
    assert response.status_code == 201


def test_one_validator_serves_many_threads_at_once():
    """The view class validates with one serializer instance: validating must change nothing in it."""
    view = RoomJoinApi()
    results: dict[int, dict] = {}

    def validate(i: int) -> None:
        for _ in range(200):
            body = {"nickname": f"s{i}", "team": i, "more_time": i % 2 == 0}
            request = mock.Mock(
                method="POST", content_type="application/json", META={}, headers={}, body=json.dumps(body)
            )
            data = view._hot_data(request)
            assert data == {"nickname": f"s{i}", "device_id": "", "team": i, "more_time": i % 2 == 0}
        results[i] = data

    threads = [threading.Thread(target=validate, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
