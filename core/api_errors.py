"""One JSON shape for every API error: ``{"error": {"code", "message", "fields"?}}``."""

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def error_body(code: str, message: str, fields: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: handler500 answers with JSON and logs it
    if isinstance(exc, exceptions.ValidationError):
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = error_body("invalid", _("Some fields are not valid; see 'fields'."), fields)
    else:
        detail = getattr(exc, "detail", None)
        code = detail.code if hasattr(detail, "code") else getattr(exc, "default_code", "error")
        response.data = error_body(str(code), str(detail if detail is not None else exc))
    return response


def json_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False})
