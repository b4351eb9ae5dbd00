"""Fixed-window rate limits in the cache (Redis in production, local memory embedded)."""

import time

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
    if cache.add(bucket, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(bucket)
        except ValueError:  # expired between add and incr
            cache.add(bucket, 1, timeout=window + 1)
            count = 1
    return count <= limit
