"""One cache client per process for the live paths (seq counters, rate limits).

Django's ``cache`` is kept per async context (``caches`` is an asgiref ``Local`` that is not
thread-critical), so every WebSocket and every request that touches it builds a cache object of
its own; with Redis that is a connection pool and a connection of its own, opened with a
handshake and held until the object is collected. A room of 10,000 held 10,000 Redis connections
and hit Redis's ``maxclients`` mid-lesson (docs/operations.md). The backends are thread-safe
(redis-py's pool, the local-memory store's lock), so the process shares one.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.signals import setting_changed
from django.dispatch import receiver

_shared: BaseCache | None = None
_lock = threading.Lock()


def process_cache() -> BaseCache:
    """The default cache, one instance for the whole process."""
    global _shared
    shared = _shared
    if shared is None:
        with _lock:
            if _shared is None:
                _shared = caches.create_connection(DEFAULT_CACHE_ALIAS)
            shared = _shared
    return shared


@receiver(setting_changed)
def _forget_on_settings_change(*, setting: str, **kwargs: Any) -> None:
    """Tests point CACHES at a Redis of their own: the next call builds a client for it."""
    global _shared
    if setting == "CACHES":
        with _lock:
            old, _shared = _shared, None
        if old is not None:
            old.close()
