"""Demo data of the live rooms: the lecture's room ``MODULABS``."""

from django.contrib.auth.models import User

from quizapp.selectors import room_get_by_code
from quizapp.services import room_create

DEMO_ROOM_CODE = "MODULABS"


def load(*, instructor: User) -> list[str]:
    if room_get_by_code(DEMO_ROOM_CODE) is not None:
        return []
    room_create(owner=instructor, code=DEMO_ROOM_CODE, title="손에 잡히는 AI")
    return [f"room {DEMO_ROOM_CODE}"]
