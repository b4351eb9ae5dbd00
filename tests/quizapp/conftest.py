"""Fixtures of the quiz tests: an instructor, their signed-in client, a quiz and a room."""

import pytest
from django.contrib.auth.models import User

from quizapp.authoring.services import quiz_create
from quizapp.live.rooms import room_create
from quizapp.models import Quiz, Room
from tests.factories import InstructorFactory
from tests.quizapp.api_support import MC, SHORT, TF


@pytest.fixture
def teacher() -> User:
    return InstructorFactory.create(username="teacher", password="a-long-password-1")


@pytest.fixture
def api(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def quiz(teacher) -> Quiz:
    return quiz_create(owner=teacher, title="Lecture 1", questions=[TF, MC, SHORT])


@pytest.fixture
def room(teacher) -> Room:
    return room_create(owner=teacher, code="MODULABS")
