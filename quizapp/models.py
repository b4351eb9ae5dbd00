from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quizapp import room_codes


class Room(models.Model):
    """A place students join with a code; an instructor owns it and runs sessions in it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("owner")
    )
    code = models.CharField(_("code"), max_length=room_codes.MAX_LENGTH)
    code_key = models.CharField(max_length=room_codes.MAX_LENGTH, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
