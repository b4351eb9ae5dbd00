import os

import pytest
import redis
from django.core.cache import cache

from tests.support import OUTPUT_DIR, ThreadedServer, unavailable

DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and throttles live in the cache; no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A reachable Redis for tests about the Redis channel layer or broker."""
    url = os.environ.get("REDIS_URL") or os.environ.get("A2B_TEST_REDIS_URL", DEFAULT_TEST_REDIS_URL)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {url}: {exc}")
    return url


@pytest.fixture
def redis_channel_layer(settings, redis_url):
    """Switch the app to channels-redis for one test."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": f"a2btest{os.getpid()}"},
        }
    }
    return settings.CHANNEL_LAYERS


@pytest.fixture(scope="session")
def output_dir():
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture(scope="session")
def live_server_asgi(django_db_setup, django_db_blocker):
    """The real ASGI application (HTTP and WebSockets) on a local port."""
    from config.asgi import application

    server = ThreadedServer(application).start()
    yield server
    server.stop()


def pytest_collection_modifyitems(items):
    """Browser tests last: they are the slowest and hold Playwright's loop while they run."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
