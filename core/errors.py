"""The one error type of the project: a refusal a person can act on.

Every app's refusals (``quizapp.errors``, ``projects.errors``, ``mlcore.errors``) are
:class:`AppError` subclasses with a stable ``code`` (clients switch on it), an HTTP ``status`` for
the API, optional per-field problems, and a message rendered *when read*, so it comes out in the
language active where it is shown (a socket's, a request's, a page's).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _


class AppError(Exception):
    """A refused request: stable ``code``, HTTP ``status``, translated ``message``, optional ``fields``."""

    code: str = "error"
    #: 422: the request was well formed (the API's serializers passed it) and a rule refused it; a
    #: request the schema calls invalid is DRF's 400. Refusals of state or rights set their own.
    status: int = 422
    default_message: Any = _("That cannot be done right now.")

    def __init__(self, message: Any = None, *, fields: dict[str, list[str]] | None = None, **params: Any) -> None:
        self.params = params
        self.fields = fields
        self._message = message
        super().__init__(self.code)

    @property
    def message(self) -> str:
        text = str(self._message if self._message is not None else self.default_message)
        if not self.params:
            return text
        try:
            return text % self.params
        except (KeyError, TypeError, ValueError):
            return text

    def as_dict(self) -> dict[str, Any]:
        """The ``error`` member of the project's one error shape."""
        return error_dict(self.code, self.message, self.fields)

    def __str__(self) -> str:
        return f"{self.code}: {self.params}" if self.params else self.code


def error_type(code: str, message: Any, *, status: int = 422, base: type[AppError] = AppError) -> type[AppError]:
    """A named :class:`AppError` subclass for one refusal (``room_full`` -> ``RoomFull``)."""
    name = "".join(part.title() for part in code.split("_"))
    return type(name, (base,), {"code": code, "status": status, "default_message": message})


def error_dict(code: str, message: str, fields: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return error


def error_body(code: str, message: str, fields: Any = None) -> dict[str, Any]:
    """``{"error": {"code", "message", "fields"?}}``: every API error, every app."""
    return {"error": error_dict(code, message, fields)}


def validation_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    """Django's ``ValidationError`` as per-field messages (``non_field_errors`` when it has no field)."""
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


class InvalidInput(AppError):
    """Django's ``ValidationError`` from a service, as the API answers it everywhere."""

    code = "invalid"
    default_message = _("Some fields are not valid; see 'fields'.")

    @classmethod
    def from_validation_error(cls, exc: DjangoValidationError) -> InvalidInput:
        """The messages joined for people; ``fields`` only when the error names fields."""
        fields = validation_fields(exc)
        messages = [m for field_messages in fields.values() for m in field_messages]
        named = fields if hasattr(exc, "error_dict") else None
        return cls(" ".join(messages) if messages else None, fields=named)
