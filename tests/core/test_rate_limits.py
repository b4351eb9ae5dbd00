"""Rate limits and the process-wide cache client they count in (Redis in the PostgreSQL pass,
local memory in the embedded one)."""

import asyncio
import contextvars

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from core import rate_limits
from core.process_cache import process_cache

pytestmark = pytest.mark.embedded


def test_a_limit_lets_its_count_through_then_refuses():
    assert [rate_limits.hit("test:addr", "3/m") for _ in range(5)] == [True, True, True, False, False]


def test_several_limits_count_together_and_one_attempt_can_be_taken_back():
    assert rate_limits.hit_many([("test:x", "2/m"), ("test:y", "1/m")]) == [True, True]
    assert rate_limits.hit_many([("test:x", "2/m"), ("test:y", "1/m")]) == [True, False]
    rate_limits.undo("test:y", "1/m")
    rate_limits.undo("test:y", "1/m")
    assert rate_limits.hit_many([("test:x", "2/m"), ("test:y", "1/m")]) == [False, True]


def test_limits_count_per_key_and_per_window(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(rate_limits.time, "time", lambda: now[0])
    assert rate_limits.hit("test:a", "1/m") is True
    assert rate_limits.hit("test:a", "1/m") is False
    assert rate_limits.hit("test:b", "1/m") is True  # another key counts on its own
    now[0] += 60  # the next window
    assert rate_limits.hit("test:a", "1/m") is True


def test_the_count_is_readable_through_the_cache(monkeypatch):
    monkeypatch.setattr(rate_limits.time, "time", lambda: 120.0)
    for _ in range(4):
        rate_limits.hit("test:read", "10/m")
    assert caches["default"].get("rl:test:read:2") == 4


def test_one_cache_client_serves_every_socket_of_the_process():
    """Django's ``cache`` is one object per async context (a socket, a request): each built its own
    Redis connection. The live paths share one."""

    async def both() -> list[object]:
        async def one() -> object:
            await asyncio.sleep(0)
            return process_cache()

        return await asyncio.gather(*(asyncio.create_task(one(), context=contextvars.Context()) for _ in range(2)))

    first, second = asyncio.run(both())
    assert first is second is process_cache()


def test_a_settings_change_gives_a_new_client(settings):
    before = process_cache()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "other"}}
    assert process_cache() is not before


def test_counting_goes_on_after_redis_forgets_its_script(settings):
    """A restarted Redis has no scripts: the count's script is loaded again, no attempt is lost."""
    cache = process_cache()
    if not isinstance(cache, RedisCache):
        assert rate_limits.hit_many([("test:flush", "3/m")]) == [True]  # the embedded pass counts in memory
        return
    assert rate_limits.hit_many([("test:flush", "3/m")]) == [True]
    cache._cache.get_client(write=True).script_flush()
    assert rate_limits.hit_many([("test:flush", "3/m"), ("test:flush", "3/m")]) == [True, True]
    assert rate_limits.hit("test:flush", "3/m") is False
    assert cache.get(rate_limits._bucket("test:flush", "3/m")) == 4
