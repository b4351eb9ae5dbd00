"""Writes on rooms."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from quizapp.models import Room
from quizapp.rules import room_codes


@transaction.atomic
def room_create(*, owner: User, code: str | None = None, title: str = "", max_participants: int = 5000) -> Room:
    """Open a room with the chosen code, or a generated one when none is given."""
    if code is None:
        for _attempt in range(20):
            candidate = room_codes.generate()
            if not Room.objects.filter(code_key=room_codes.lookup_key(candidate)).exists():
                code = candidate
                break
        else:  # pragma: no cover - 31^6 codes make this practically unreachable
            raise ValidationError(_("Could not find a free room code; please choose one."))
    code = room_codes.normalise(code)
    if not room_codes.is_valid(code):
        raise ValidationError(
            _("A room code has %(min)d to %(max)d letters or digits.")
            % {"min": room_codes.MIN_LENGTH, "max": room_codes.MAX_LENGTH}
        )
    try:
        with transaction.atomic():
            return Room.objects.create(
                owner=owner,
                code=code,
                code_key=room_codes.lookup_key(code),
                title=title,
                max_participants=max(1, min(int(max_participants), 20000)),
            )
    except IntegrityError:
        raise ValidationError(_("The room code %(code)s is taken; choose another.") % {"code": code}) from None
