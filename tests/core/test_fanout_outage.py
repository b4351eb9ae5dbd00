"""Publishing while the channel layer is unreachable: no exception into the service, one log line
per outage, and a False answer (issue 13, defect 1); the tally's backoff (defect 2)."""

import logging

import pytest

from core import fanout
from quizapp.live import tally
from tests.support import free_port


@pytest.fixture
def dead_layer(settings, monkeypatch):
    """channels-redis pointed at a port nothing listens on (and no outage logged yet)."""
    monkeypatch.setattr(fanout, "_publishing", fanout.OutageLog())
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{free_port()}/0"], "prefix": "a2bdead"},
        }
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.embedded
def test_publish_while_the_layer_is_down_does_not_raise_and_logs_once(dead_layer, caplog):
    caplog.set_level(logging.WARNING, logger="core.fanout")
    assert fanout.publish_sync("room.dead", '{"type":"question"}') is False
    assert fanout.publish_sync("room.dead", '{"type":"reveal"}') is False
    outage_lines = [r for r in caplog.records if "not reaching the layer" in r.getMessage()]
    assert len(outage_lines) == 1


@pytest.mark.embedded
async def test_async_publish_while_the_layer_is_down_answers_false(dead_layer):
    assert await fanout.publish("room.dead", '{"type":"tally"}', audience="hosts") is False


@pytest.mark.embedded
def test_the_tally_backs_off_up_to_a_bound():
    assert [tally.retry_delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 5.0]
    assert tally.retry_delay(50) == tally.RETRY_MAX_S
