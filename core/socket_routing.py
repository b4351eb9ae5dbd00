"""Sockets that authenticate by a token of their own skip the Django session and user lookups.

A student's phone proves who it is with its join token (``hello``), never with a login, so its
socket does not need Channels' session and auth middleware: each copies the scope, wraps every
``send`` in another coroutine and keeps a lazy session and user per socket, for thousands of
phones that never use them. Those sockets get the cookies only (their language); every other
socket (the instructor's console, training progress) keeps the full stack.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class TokenSocketsFirst:
    """Route a socket whose path matches ``token_routes`` to ``token_app``, any other to ``session_app``."""

    def __init__(self, *, token_routes: Sequence[Any], token_app: Any, session_app: Any) -> None:
        self.patterns = [route.pattern for route in token_routes]
        self.token_app = token_app
        self.session_app = session_app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")[len(scope.get("root_path", "")) :].lstrip("/")
        token = any(pattern.match(path) for pattern in self.patterns)
        await (self.token_app if token else self.session_app)(scope, receive, send)
