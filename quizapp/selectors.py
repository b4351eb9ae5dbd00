"""Reads on rooms."""

from quizapp import room_codes
from quizapp.models import Room


def room_get_by_code(code: str) -> Room | None:
    """The room a typed code reaches, look-alikes and case forgiven."""
    return Room.objects.filter(code_key=room_codes.lookup_key(code)).select_related("owner").first()
