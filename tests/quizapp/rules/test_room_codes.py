import pytest
from django.core.exceptions import ValidationError

from quizapp.live.rooms import room_create
from quizapp.rules import room_codes
from quizapp.selectors import room_get_by_code
from tests.factories import InstructorFactory


def test_lookalikes_share_a_key():
    assert room_codes.lookup_key("modulabs") == room_codes.lookup_key("M0DU1ABS")
    assert room_codes.lookup_key(" mod-ulabs ") == room_codes.lookup_key("MODULABS")


def test_generated_codes_avoid_lookalikes():
    for _ in range(200):
        code = room_codes.generate()
        assert len(code) == room_codes.GENERATED_LENGTH
        assert not set(code) & set("01OIL")


def test_fullwidth_input_is_normalised():
    assert room_codes.normalise("ＭＯＤＵＬＡＢＳ") == "MODULABS"


@pytest.mark.embedded
@pytest.mark.django_db
def test_codes_are_unique_up_to_lookalikes(django_user_model):
    owner = InstructorFactory.create(username="teacher")
    room = room_create(owner=owner, code="modulabs")
    assert room.code == "MODULABS"
    assert room_get_by_code("m0du1abs") == room
    with pytest.raises(ValidationError):
        room_create(owner=owner, code="MODU1ABS")
    with pytest.raises(ValidationError):
        room_create(owner=owner, code="<script>")
    assert len(room_create(owner=owner).code) == room_codes.GENERATED_LENGTH
