"""Joining with a look-alike of a classmate's nickname is refused (TR39 skeleton keys), and the
migration that turned stored keys into skeletons runs both ways without breaking uniqueness."""

import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client

from quizapp.authoring.services import quiz_create
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Participant, QuizSession
from quizapp.rules.nicknames import nickname_key
from tests.factories import InstructorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

QUESTIONS = [
    {
        "kind": "true_false",
        "prompt": "Pedestrian detection?",
        "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
    }
]
rekey = importlib.import_module("quizapp.migrations.0008_nickname_key_skeleton")


@pytest.fixture
def session() -> QuizSession:
    teacher: Any = InstructorFactory(username="teacher", password="a-long-password-1")
    room = room_create(owner=teacher, code="MODULABS")
    quiz = quiz_create(owner=teacher, title="Lecture quiz", questions=QUESTIONS)
    return live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)


def join(nickname: str, address: str):
    return Client().post(
        "/api/rooms/MODULABS/join/",
        {"nickname": nickname, "device_id": address},
        content_type="application/json",
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize("lookalike", ["\u0410lice", "\u0391LICE", "\u0410\u217ci\u0441e"])
def test_a_cyrillic_or_greek_lookalike_is_taken(session, lookalike):
    assert join("Alice", "10.0.0.1").status_code == 201
    response = join(lookalike, "10.0.0.2")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "nickname_taken"
    assert list(Participant.objects.values_list("nickname", flat=True)) == ["Alice"]


def test_korean_names_join_side_by_side(session):
    for index, name in enumerate(["김민수", "김민서", "갂가", "각까"]):
        assert join(name, f"10.0.1.{index}").status_code == 201
    assert Participant.objects.count() == 4


def test_the_migration_rekeys_and_keeps_colliding_rows_apart(session):
    alice = Participant.objects.create(session=session, nickname="Alice", nickname_key="alice")
    # Stored before the skeleton: the Cyrillic one had a key of its own.
    twin = Participant.objects.create(session=session, nickname="\u0410lice", nickname_key="\u0430lice")
    kim = Participant.objects.create(session=session, nickname="Kim", nickname_key="kim")

    rekey.forward(django_apps, None)
    keys = dict(Participant.objects.values_list("id", "nickname_key"))
    assert keys[alice.id] == nickname_key("Alice")
    assert keys[twin.id] == f"{nickname_key('Alice')}#{twin.id}"
    assert keys[kim.id] == nickname_key("Kim")

    rekey.backward(django_apps, None)
    keys = dict(Participant.objects.values_list("id", "nickname_key"))
    assert keys == {alice.id: "alice", twin.id: "\u0430lice", kim.id: "kim"}
