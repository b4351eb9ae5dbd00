"""The envelope every WebSocket message of the site shares (see docs/websocket-protocol.md).

Frames are JSON objects with a ``type``; the server adds ``v`` (the protocol version)
to everything it sends. A frame that cannot be read is answered with an ``error``
message, never dropped in silence.
"""

import json
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 64 * 1024


class ProtocolError(Exception):
    """A client frame the server refuses; ``code`` is stable, ``message`` translated."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_frame(text: str | None, bytes_data: bytes | None = None) -> dict[str, Any]:
    """Decode a client frame into a dict with a string ``type`` or raise ProtocolError."""
    if bytes_data is not None:
        raise ProtocolError("binary_not_supported", _("Binary frames are not supported; send JSON text."))
    if text is None or len(text.encode("utf-8", errors="replace")) > MAX_FRAME_BYTES:
        raise ProtocolError("frame_too_large", _("The message is too large."))
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("malformed_json", _("The message is not valid JSON.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ProtocolError("missing_type", _("The message must be a JSON object with a 'type'."))
    return data


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
