"""Running a hot synchronous view side by side with its peers instead of one at a time.

Under ASGI Django runs every synchronous view in the process's one "thread-sensitive" thread, so a
class joining at once queued there join by join, each waiting on its own database and Redis round
trips (docs/operations.md). :func:`in_worker_threads` runs the view in the loop's thread pool
instead (each thread has its own database connection, from the pool in production), closes stale
connections around it as Channels' ``database_sync_to_async`` does, and renders the response there,
so nothing of the request goes back to the shared thread.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from asgiref.sync import markcoroutinefunction, sync_to_async
from channels.db import database_sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import SimpleTemplateResponse


def in_worker_threads(view: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    """An async view that runs the synchronous ``view`` in a worker thread (for hot, independent
    requests: joining a room). Keeps the view's ``csrf_exempt`` mark."""

    def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if not isinstance(response, SimpleTemplateResponse):
            return response
        response.render()  # a DRF or template response: rendered here, not in the shared thread
        plain = HttpResponse(response.content, status=response.status_code)
        for header, value in response.items():
            plain[header] = value
        plain.cookies = response.cookies
        return plain

    in_pool = database_sync_to_async(run, thread_sensitive=False)
    in_request_thread = sync_to_async(run)  # what Django does for a sync view

    @functools.wraps(view)
    async def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Under WSGI (Django's test client, a WSGI server) the request has a thread of its own
        # already, and a test's transaction is visible only on that thread's connection.
        call = in_pool if isinstance(request, ASGIRequest) else in_request_thread
        return await call(request, *args, **kwargs)

    markcoroutinefunction(wrapper)
    return wrapper
