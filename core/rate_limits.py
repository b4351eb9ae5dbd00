"""Fixed-window rate limits in the cache (Redis in production, local memory embedded)."""

import time

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache

from core.process_cache import process_cache


def parse_rate(rate: str) -> tuple[int, int]:
    """``"30/m"`` -> (30, 60). Units: s, m, h."""
    count, _, unit = rate.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600}[unit[:1] or "m"]


def hit(key: str, rate: str) -> bool:
    """Count one attempt; True while within the rate, False once over it."""
    limit, window = parse_rate(rate)
    bucket = f"rl:{key}:{int(time.time() // window)}"
    cache = process_cache()
    if isinstance(cache, RedisCache):
        return _count_on_redis(cache, bucket, window) <= limit
    return _count(cache, bucket, window) <= limit


def _count_on_redis(cache: RedisCache, bucket: str, window: int) -> int:
    """One round trip (a join checks two limits, at hundreds of joins a second): create the window's
    counter with its expiry if it is new, then count. Django's Redis cache stores integers as such,
    so ``cache.get`` reads the same number."""
    key = cache.make_and_validate_key(bucket)
    pipe = cache._cache.get_client(key, write=True).pipeline(transaction=False)  # noqa: SLF001 - no public pipeline
    pipe.set(key, 0, ex=window + 1, nx=True)
    pipe.incr(key)
    return int(pipe.execute()[1])


def _count(cache: BaseCache, bucket: str, window: int) -> int:
    if cache.add(bucket, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window + 1)
        return 1
