"""The one API layer: every app's DRF views derive from :class:`AppApiView`.

A service raises an :class:`core.errors.AppError` (or Django's ``ValidationError``); the view lets
it through and the project's exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) answers
``{"error": {"code", "message", "fields"?}}`` with the error's status. DRF's own exceptions
(authentication, parsing, serializer validation) come out in the same shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.request import Request
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


# The schema says what the API holds to (checked by schemathesis in tests/test_openapi_contract.py):
# - a request body is documented as JSON only, unless the view takes files (its own parser_classes and
#   `request={"multipart/form-data": ...}`); the form parsers still work for browsers and old scripts,
#   but a form cannot carry JSON's types, so the schema does not promise them;
# - a text field that refuses blank says `minLength: 1`; a file in a request is `format: binary`.
# (drf-spectacular's COMPONENT_SPLIT_REQUEST would do the last two by renaming every request component.)
NO_NUL_PATTERN = "^[^\\x00]*$"


class AppAutoSchema(AutoSchema):
    def map_parsers(self) -> list[Any]:
        media_types = super().map_parsers()
        if "multipart/form-data" in media_types and "parser_classes" in type(self.view).__dict__:
            return media_types
        return [m for m in media_types if m == "application/json"] or media_types

    def _get_serializer_field_meta(self, field: Any, direction: str) -> dict[str, Any]:
        meta = super()._get_serializer_field_meta(field, direction)
        if direction == "request" and isinstance(field, serializers.CharField):
            if not field.allow_blank:
                meta.setdefault("minLength", 1)
            # not where the field says its own pattern (a RegexField, or a schema given by extend_schema_field).
            # Form fields (multipart-only views) carry none: schemathesis negates a pattern there with
            # valid text ("0" -> "0*"). DRF refuses NUL in them too, with a 400 `invalid`; the contract
            # test generates no NUL (tests/test_openapi_contract.py, `allow-x00 = false`).
            json_body = "application/json" in self.map_parsers()
            if (
                json_body
                and not isinstance(field, serializers.RegexField)
                and not hasattr(field, "_spectacular_annotation")
            ):
                meta.setdefault("pattern", NO_NUL_PATTERN)  # DRF refuses a NUL character in any text
        return meta

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> dict[str, Any]:
        if direction == "request" and isinstance(field, serializers.FileField):
            empty = {} if field.allow_empty_file else {"minLength": 1}  # an empty upload is refused
            return {"type": "string", "format": "binary", **empty, **self._get_serializer_field_meta(field, direction)}
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        child = getattr(field, "child", None)
        items = schema.get("items")
        if isinstance(field, serializers.ListField) and getattr(child, "allow_null", False) and "$ref" in (items or {}):
            schema["items"] = {"allOf": [items], "nullable": True}  # drf-spectacular drops a child's allow_null
        return schema

    def _get_request_for_media_type(self, serializer: Any, direction: str = "request") -> Any:
        # drf-spectacular documents every PATCH body as partial; here a PATCH is partial only where the
        # view's serializer is (documented as an instance with partial=True, as the view calls it).
        if self.method == "PATCH" and not getattr(serializer, "partial", False):
            self.method = "PUT"
            try:
                return super()._get_request_for_media_type(serializer, direction)
            finally:
                self.method = "PATCH"
        return super()._get_request_for_media_type(serializer, direction)


def _json_type_error(field: serializers.Field | None, value: Any) -> Any:
    """What is wrong with a JSON value's type for ``field`` (DRF coerces 0 to "0", "1" to True), or None."""
    if value is None or field is None:
        return None  # allow_null and required are the field's own business
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        if not isinstance(value, list):
            return None  # the field says "expected a list" itself
        errors = {i: e for i, item in enumerate(value) if (e := _json_type_error(field.child, item)) is not None}
        return errors or None
    if isinstance(field, serializers.DictField):
        if not isinstance(value, dict):
            return None
        errors = {k: e for k, item in value.items() if (e := _json_type_error(field.child, item)) is not None}
        return errors or None
    if isinstance(field, serializers.Serializer):
        return _json_types_errors(field, value) or None if isinstance(value, dict) else None
    wrong = _json_wrong_type(field, value)
    return [wrong] if wrong else None


def _same_json_type(a: Any, b: Any) -> bool:
    """Whether two Python values are the same JSON type (a TextChoices member is a string)."""
    kinds = (bool, int, float, str)
    return next((k for k in kinds if isinstance(a, k)), None) is next((k for k in kinds if isinstance(b, k)), None)


def _json_wrong_type(field: serializers.Field, value: Any) -> str | None:
    """``field``'s own (translated) message for a value of the wrong JSON type, or None."""
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else str(field.error_messages["invalid"])
    if isinstance(field, serializers.ChoiceField):
        if (value == "" and field.allow_blank) or any(_same_json_type(k, value) and k == value for k in field.choices):
            return None
        return str(field.error_messages["invalid_choice"]).format(input=value)
    if isinstance(field, serializers.CharField):
        return None if isinstance(value, str) else str(field.error_messages["invalid"])
    if isinstance(field, serializers.IntegerField):
        # JSON has one number type: 3.0 is the integer 3 (as JSON Schema says), 3.5 is not
        integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        return None if integral and not isinstance(value, bool) else str(field.error_messages["invalid"])
    if isinstance(field, serializers.FloatField):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return None if number else str(field.error_messages["invalid"])
    return None


def _json_types_errors(serializer: serializers.Serializer, data: Mapping[str, Any]) -> dict[str, Any]:
    errors = {}
    for name, field in serializer.fields.items():
        if field.read_only or name not in data:
            continue
        if (error := _json_type_error(field, data[name])) is not None:
            errors[name] = error
    return errors


# An API input: in a JSON body each value has the JSON type the schema gives it. DRF's fields coerce
# (0 becomes "0", "true" and 1 become True, "5" becomes 5), which is right for forms and wrong for a JSON
# API whose schema says string or boolean. Form and multipart bodies (a QueryDict) are left to the
# fields: every value there is text. (A comment: a docstring would describe every input component.)
class InputSerializer(serializers.Serializer):
    def to_internal_value(self, data: Any) -> Any:
        errors = _json_types_errors(self, data) if isinstance(data, dict) and not hasattr(data, "getlist") else {}
        if not errors:
            return super().to_internal_value(data)
        try:  # the other fields' problems too, in the same answer
            super().to_internal_value({k: v for k, v in data.items() if k not in errors})
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                errors = {**cast(dict[str, Any], exc.detail), **errors}
        raise serializers.ValidationError(errors)


def query_data(request: Request, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
    """The query parameters ``serializer_class`` declares, validated (each once); 400 ``invalid`` if not."""
    fields = serializer_class().fields
    repeated = {
        name: [exceptions.ErrorDetail(str(field.error_messages["invalid"]), code="invalid")]
        for name, field in fields.items()
        if len(request.query_params.getlist(name)) > 1
    }
    if repeated:
        raise exceptions.ValidationError(repeated)
    # A plain dict, not the QueryDict: for "form" input DRF reads an empty boolean as false.
    data = {name: request.query_params[name] for name in fields.keys() if name in request.query_params}  # noqa: SIM118 - BindingDict's stubs iterate fields
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# Base of every API view: service errors keep their code, status and fields. (A comment, not a
# docstring: drf-spectacular would show a base class's docstring as every operation's description.)
class AppApiView(APIView):
    schema = AppAutoSchema()

    def handle_exception(self, exc: Exception) -> Response:
        exc = as_app_error(exc)
        if isinstance(exc, AppError):
            exc = ApiRefusal(exc)
        return super().handle_exception(exc)


#: A larger body takes DRF's way (and its limits): a hot endpoint's input is a few fields.
HOT_BODY_MAX_BYTES = 16 * 1024
_HOT_VALIDATORS: dict[type[serializers.Serializer], serializers.Serializer] = {}


class HotJsonPost:
    """For an :class:`AppApiView` whose POST a whole class makes at once (10,000 students joining):
    a JSON body that its input serializer accepts skips DRF's request wrapping, content negotiation
    and per-request copy of the serializer's fields (an eighth of a join's CPU in the web process,
    docs/operations.md). Anything else (another method, content type or ``Accept``, a body that does
    not parse or validate) goes through DRF unchanged, so every refusal is DRF's own answer; a
    service's refusal keeps the one error shape.

    The view sets ``hot_input`` and implements ``hot_post(request, data, **kwargs) -> (status,
    body)``, which its DRF ``post`` calls too: one path for the work, two ways in."""

    hot_input: ClassVar[type[serializers.Serializer]]

    def hot_post(self, request: HttpRequest, data: Mapping[str, Any], **kwargs: Any) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        data = self._hot_data(request)
        if data is None:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        self.args, self.kwargs = args, kwargs
        try:
            status, body = self.hot_post(request, data, **kwargs)
        except Exception as exc:  # only a service's refusal is answered here; the rest is re-raised
            refusal = as_app_error(exc)
            if not isinstance(refusal, AppError):
                raise
            status, body = refusal.status, {"error": refusal.as_dict()}
        response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
        response["Allow"] = ", ".join(self.allowed_methods)  # type: ignore[attr-defined]
        response["Vary"] = "Accept"  # as DRF's answer says
        return response

    def _hot_data(self, request: HttpRequest) -> Mapping[str, Any] | None:
        """The validated input when the request can take the short way, else None."""
        if request.method != "POST" or request.content_type != "application/json":
            return None
        try:
            if int(request.META.get("CONTENT_LENGTH") or 0) > HOT_BODY_MAX_BYTES:
                return None
        except ValueError:
            return None
        accept = request.headers.get("Accept", "*/*")
        if accept not in ("*/*", "application/json"):
            return None  # DRF negotiates the rest (and answers 406 where nothing fits)
        try:
            data = json.loads(request.body)
        except ValueError:  # UnicodeDecodeError too
            return None
        if not isinstance(data, dict):
            return None
        validator = _HOT_VALIDATORS.get(self.hot_input)
        if validator is None:
            # One instance per input class: validating reads its bound fields and changes nothing.
            validator = _HOT_VALIDATORS[self.hot_input] = self.hot_input()
        try:
            return cast(Mapping[str, Any], validator.run_validation(data))
        except serializers.ValidationError:
            return None


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
    # 400 and 422 split what schemathesis (tests/test_openapi_contract.py) tells apart: a request the
    # schema calls invalid, and a valid one that a rule the schema cannot say (a true/false question
    # has one right answer; the CSV is binary) refuses. Services' refusals are 422 (core.errors.AppError).
    400: "The request does not match this schema: `invalid`, with `fields` naming each problem.",
    422: "Well formed, but refused by a rule the schema cannot express; `code` says which.",
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
