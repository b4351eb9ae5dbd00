"""The envelope every WebSocket message of the site shares (see docs/websocket-protocol.md).

Frames are JSON objects with a ``type``; the server adds ``v`` (the protocol version)
to everything it sends. A frame that cannot be read is answered with an ``error``
message, never dropped in silence.
"""

import json
from typing import Any, TypeGuard

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 64 * 1024
#: Ids are positive and fit a signed 64-bit column (PostgreSQL bigint, SQLite integer).
MAX_ID = 2**63 - 1
#: Fields that hold a database id wherever they appear in a frame.
ID_FIELDS = ("question_id", "participant_id", "drawing_id")
#: Option indexes are small (a question has a handful of options).
MAX_CHOICE = 63
MAX_CHOICES = 64
#: Other whole numbers a frame may carry, with their range.
COUNT_FIELDS = {"doodles_per_class": 10_000}


class ProtocolError(Exception):
    """A client frame the server refuses; ``code`` is stable, ``message`` translated."""

    def __init__(self, code: str, message: str, *, field: str | None = None, ref: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        #: The frame's ``id`` when the frame could be read (so the error can echo it).
        self.ref = ref


def rate_limited() -> ProtocolError:
    """A frame over its kind's budget (see core.frame_limits)."""
    return ProtocolError("rate_limited", _("Too many messages: slow down and send it again in a moment."))


def too_many_messages() -> ProtocolError:
    """The last word to a socket that kept flooding; it is closed next."""
    return ProtocolError("too_many_messages", _("Too many messages: the connection is closed. Reload the page."))


def parse_frame(text: str | None, bytes_data: bytes | None = None) -> dict[str, Any]:
    """Decode a client frame into a dict with a string ``type`` or raise ProtocolError."""
    if bytes_data is not None:
        raise ProtocolError("binary_not_supported", _("Binary frames are not supported; send JSON text."))
    if text is None or len(text.encode("utf-8", errors="replace")) > MAX_FRAME_BYTES:
        raise ProtocolError("frame_too_large", _("The message is too large."))
    try:
        data = _DECODE(text)
    except (ValueError, RecursionError):
        raise ProtocolError("malformed_json", _("The message is not valid JSON.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ProtocolError("missing_type", _("The message must be a JSON object with a 'type'."))
    try:
        check_fields(data)
    except ProtocolError as exc:
        exc.ref = frame_ref(data)
        raise
    return data


def frame_ref(frame: dict[str, Any]) -> str | int | None:
    """The client's ``id`` of a frame, echoed as ``ref`` in errors (strings and whole numbers)."""
    ref = frame.get("id")
    return ref if isinstance(ref, str | int) and not isinstance(ref, bool) else None


def _no_constant(name: str) -> Any:
    """``NaN`` and ``Infinity`` are not JSON: refuse them rather than let them reach a rule."""
    raise ValueError(name)


#: One decoder for every frame (``json.loads`` with an option builds one per call).
_DECODE = json.JSONDecoder(parse_constant=_no_constant).decode


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _out_of_range(field: str) -> ProtocolError:
    return ProtocolError("value_out_of_range", _("%(field)s is out of range.") % {"field": field}, field=field)


def check_fields(frame: dict[str, Any]) -> None:
    """Refuse numbers no rule can take before they reach one (or the database).

    Ids (``question_id``, ...) that are whole numbers must be positive and below 2**63;
    ``choices`` whole numbers 0-63 (at most 64 of them). ``confidence`` needs no range here: it is
    only compared (the answer rules refuse what is outside 0.5-1), and ``NaN``/``Infinity`` are
    refused as malformed JSON. Values of the wrong *type* are left to the endpoint's own code.
    """
    for name in ID_FIELDS:
        value = frame.get(name)
        if _whole(value) and not 1 <= value <= MAX_ID:
            raise _out_of_range(name)
    for name, top in COUNT_FIELDS.items():
        value = frame.get(name)
        if _whole(value) and not 0 <= value <= top:
            raise _out_of_range(name)
    choices = frame.get("choices")
    if _whole(choices):
        choices = [choices]
    if isinstance(choices, list) and (
        len(choices) > MAX_CHOICES or any(_whole(c) and not 0 <= c <= MAX_CHOICE for c in choices)
    ):
        raise _out_of_range("choices")


def message(type_: str, **fields: Any) -> dict[str, Any]:
    """A server message in the shared envelope."""
    return {"v": PROTOCOL_VERSION, "type": type_, **fields}


def error_message(code: str, text: str, *, ref: Any = None) -> dict[str, Any]:
    """An ``error`` message; ``ref`` echoes the client's ``id`` so it can match it."""
    fields: dict[str, Any] = {"code": code, "message": text}
    if ref is not None:
        fields["ref"] = ref
    return message("error", **fields)


def socket_language(scope: dict[str, Any]) -> str:
    """The language of a socket: the language cookie, else the handshake's Accept-Language."""
    cookie = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)
    candidates = [cookie] if cookie else []
    headers = dict(scope.get("headers") or [])
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    candidates += [lang for lang, _q in parse_accept_lang_header(accept) if lang != "*"]
    for candidate in candidates:
        try:
            return translation.get_supported_language_variant(candidate)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
