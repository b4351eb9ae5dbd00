"""Hot HTTP endpoints handled whole in one worker thread: Django's WSGI handler in the loop's pool.

Under ASGI, Django runs every synchronous middleware (each ``MiddlewareMixin`` one: security,
sessions, locale, common, CSRF, auth, messages, clickjacking) through ``sync_to_async`` on the way
in and out, in an executor thread that asgiref's ``ThreadSensitiveContext`` starts for the request
and another thread then joins: about sixteen thread switches and two thread starts per request. For
a class of 10,000 joining at once those switches cost more than the join (docs/operations.md). A
view marked with :func:`whole_in_worker_thread` is served instead by Django's WSGI handler in one of
the event loop's worker threads: the request body is read on the loop, the middleware, the view and
the rendering run in that thread (its database connection from the pool), and the response is
written back on the loop: two switches.

Only for small, independent requests (the response is sent in one piece). Elsewhere — the Django
test client, a WSGI server, or an ASGI app without :class:`PooledHttpRouter` — the marked view is an
ordinary synchronous view.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from tempfile import SpooledTemporaryFile
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.urls import Resolver404, resolve

#: The attribute :func:`whole_in_worker_thread` sets on a view.
MARK = "whole_in_worker_thread"
#: Request bodies up to this size stay in memory; larger ones spool to a file (Django's own limits
#: still apply when the view reads them).
BODY_IN_MEMORY = 64 * 1024


def whole_in_worker_thread(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a synchronous view to be served by :class:`PooledHttpRouter` in a worker thread, through
    ``settings.POOLED_HTTP_MIDDLEWARE`` (no session, user, messages or CSRF: an anonymous JSON endpoint)."""
    setattr(view, MARK, True)
    return view


class PooledHttpHandler(WSGIHandler):
    """Django's WSGI handler with the marked views' own middleware list (``POOLED_HTTP_MIDDLEWARE``)."""

    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from settings.MIDDLEWARE: the list is swapped in for that, once,
        # when the process starts (config/asgi.py), before any request runs.
        every = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.POOLED_HTTP_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = every


class PooledHttpRouter:
    """ASGI HTTP app: marked views go to ``wsgi_app`` in the loop's thread pool, the rest to ``asgi_app``."""

    def __init__(self, asgi_app: Callable[..., Any], wsgi_app: Callable[..., Any]) -> None:
        self.asgi_app = asgi_app
        self.wsgi_app = wsgi_app

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http" or not self._marked(scope["path"]):
            await self.asgi_app(scope, receive, send)
            return
        with SpooledTemporaryFile(max_size=BODY_IN_MEMORY) as body:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":  # the client left: nothing to answer
                    return
                body.write(message.get("body", b""))
                if not message.get("more_body"):
                    break
            size = body.tell()
            body.seek(0)
            status, headers, content = await sync_to_async(self._respond, thread_sensitive=False)(scope, body, size)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    @staticmethod
    @functools.lru_cache(maxsize=1024)
    def _marked(path: str) -> bool:
        """Whether the path's view is marked (remembered per path: URL patterns do not change at run time)."""
        try:
            return bool(getattr(resolve(path).func, MARK, False))
        except Resolver404:
            return False

    def _respond(self, scope: dict[str, Any], body: Any, size: int) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Run the WSGI app in this (worker) thread; Django's handler opens and closes the request
        (its signals return the database connection to the pool)."""
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            started["status"] = int(status.split(" ", 1)[0])
            started["headers"] = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
            return lambda data: None  # the legacy write(); Django does not use it

        environ = wsgi_environ(scope, body)
        environ["CONTENT_LENGTH"] = str(size)  # what arrived (a chunked request has no header; WSGI needs it)
        result: Iterable[bytes] = self.wsgi_app(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return started["status"], started["headers"], content


def wsgi_environ(scope: dict[str, Any], body: Any) -> dict[str, Any]:
    """The WSGI environ of an ASGI HTTP scope (PEP 3333; as asgiref's WsgiToAsgi builds it)."""
    script_name = scope.get("root_path", "").encode("utf8").decode("latin1")
    path_info = scope["path"].encode("utf8").decode("latin1")
    if path_info.startswith(script_name):
        path_info = path_info[len(script_name) :]
    server = scope.get("server") or ("localhost", 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path_info,
        "QUERY_STRING": scope.get("query_string", b"").decode("latin1"),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1] if server[1] is not None else 0),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if scope.get("client"):
        environ["REMOTE_ADDR"] = scope["client"][0]
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin1").upper().replace("-", "_")
        key = name if name in ("CONTENT_LENGTH", "CONTENT_TYPE") else f"HTTP_{name}"
        value = raw_value.decode("latin1")
        if key in environ:  # a repeated header: cookies are joined as one Cookie header is written
            value = f"{environ[key]}{'; ' if key == 'HTTP_COOKIE' else ','}{value}"
        environ[key] = value
    return environ
