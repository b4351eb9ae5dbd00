"""Fixed-window rate limits in the cache (Redis in production, local memory embedded)."""

import contextlib
import time
from typing import Any

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache

from core.process_cache import process_cache


def parse_rate(rate: str) -> tuple[int, int]:
    """``"30/m"`` -> (30, 60). Units: s, m, h."""
    count, _, unit = rate.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600}[unit[:1] or "m"]


def hit(key: str, rate: str) -> bool:
    """Count one attempt; True while within the rate, False once over it."""
    return hit_many([(key, rate)])[0]


def hit_many(checks: list[tuple[str, str]]) -> list[bool]:
    """Count one attempt against each (key, rate), in one Redis round trip (a join checks two
    limits, at hundreds of joins a second); True for each limit still kept."""
    buckets = [(_bucket(key, rate), *parse_rate(rate)) for key, rate in checks]
    cache = process_cache()
    if isinstance(cache, RedisCache):
        counts = _count_on_redis(cache, [(bucket, window) for bucket, _limit, window in buckets])
    else:
        counts = [_count(cache, bucket, window) for bucket, _limit, window in buckets]
    return [count <= limit for count, (_bucket_key, limit, _window) in zip(counts, buckets, strict=True)]


def undo(key: str, rate: str) -> None:
    """Take back one attempt counted by :func:`hit_many` (it was refused by another limit)."""
    with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing to take back
        process_cache().decr(_bucket(key, rate))


def _bucket(key: str, rate: str) -> str:
    _limit, window = parse_rate(rate)
    return f"rl:{key}:{int(time.time() // window)}"


#: Each window's counter created with its expiry if it is new, then counted: one command for all the
#: limits (a join checks two), not a pipeline of four (offline: ~200 -> ~130 µs of a join's CPU).
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  redis.call('SET', key, 0, 'EX', ARGV[i], 'NX')
  counts[i] = redis.call('INCR', key)
end
return counts
"""
_count_script: Any = None


def _count_on_redis(cache: RedisCache, buckets: list[tuple[str, int]]) -> list[int]:
    """Count one attempt in each bucket in one round trip (:data:`_COUNT_SCRIPT`). Django's Redis
    cache stores integers as such, so ``cache.get`` reads the same number."""
    global _count_script  # one per process (any client runs it); redis-py loads it again if Redis lost it
    keys = [cache.make_and_validate_key(bucket) for bucket, _window in buckets]
    client = cache._cache.get_client(keys[0], write=True)  # noqa: SLF001 - no public client
    if _count_script is None:
        _count_script = client.register_script(_COUNT_SCRIPT)
    counts = _count_script(keys=keys, args=[window + 1 for _bucket, window in buckets], client=client)
    return [int(count) for count in counts]


def _count(cache: BaseCache, bucket: str, window: int) -> int:
    if cache.add(bucket, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window + 1)
        return 1
