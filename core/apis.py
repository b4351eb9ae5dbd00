"""The one API layer: every app's DRF views derive from :class:`AppApiView`.

A service raises an :class:`core.errors.AppError` (or Django's ``ValidationError``); the view lets
it through and the project's exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) answers
``{"error": {"code", "message", "fields"?}}`` with the error's status. DRF's own exceptions
(authentication, parsing, serializer validation) come out in the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from core.errors import AppError, InvalidInput, error_body

T = TypeVar("T")


class NotFound(AppError):
    code = "not_found"
    status = 404
    default_message = gettext_lazy("Not found.")


class ApiRefusal(exceptions.APIException):
    """An :class:`AppError` inside DRF's machinery (so its headers, e.g. for 401, stay DRF's)."""

    def __init__(self, error: AppError) -> None:
        self.status_code = error.status
        self.error = error
        super().__init__(detail=error.message, code=error.code)


def as_app_error(exc: Exception) -> Exception:
    """What a service raised, as the API answers it; anything else is returned unchanged."""
    if isinstance(exc, DjangoValidationError):
        return InvalidInput.from_validation_error(exc)
    return exc


# Base of every API view: service errors keep their code, status and fields. (A comment, not a
# docstring: drf-spectacular would show a base class's docstring as every operation's description.)
class AppApiView(APIView):
    def handle_exception(self, exc: Exception) -> Response:
        exc = as_app_error(exc)
        if isinstance(exc, AppError):
            exc = ApiRefusal(exc)
        return super().handle_exception(exc)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = as_app_error(exc)
    if isinstance(exc, AppError):
        exc = ApiRefusal(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: handler500 answers with JSON and logs it
    if isinstance(exc, ApiRefusal):
        response.data = {"error": exc.error.as_dict()}
    elif isinstance(exc, exceptions.ValidationError):
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = error_body("invalid", _("Some fields are not valid; see 'fields'."), fields)
    else:
        detail = getattr(exc, "detail", None)
        code = detail.code if hasattr(detail, "code") else getattr(exc, "default_code", "error")
        response.data = error_body(str(code), str(detail if detail is not None else exc))
    return response


def json_error(status: int, code: str, message: str) -> JsonResponse:
    """The same shape outside DRF (404/500 handlers, health)."""
    return JsonResponse(error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False})


def found_or_404(obj: T | None, message: Any) -> T:
    """The object a permission-checking selector returned, or a 404 that says what was not found."""
    if obj is None:
        raise NotFound(message)
    return obj


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable; clients switch on it.")
    message = serializers.CharField(help_text="Translated for the request's language; says what to do.")
    fields = serializers.DictField(required=False, help_text="Per-field problems of an invalid request body.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


COMMON_ERROR_TEXT: dict[int, str] = {
    400: "Invalid input (`invalid` with `fields`, or a service's code).",
    401: "Not signed in.",
    403: "Refused: your role or state does not allow it.",
    404: "Not found: not yours, or no such id.",
    409: "Conflicts with the current state.",
    413: "Too large.",
    429: "Too many attempts (`rate_limited`).",
}


def error_responses(*statuses: int, text: Mapping[int, str] | None = None) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the error statuses an endpoint can answer, in the one error shape."""
    descriptions = {**COMMON_ERROR_TEXT, **(text or {})}
    return {s: OpenApiResponse(ErrorSerializer, description=descriptions[s]) for s in statuses}
