import gc

import pytest

from core.collector import THRESHOLDS

pytestmark = pytest.mark.embedded


def test_the_web_process_tunes_the_collector_once_the_app_is_loaded():
    import config.asgi  # noqa: F401 - what uvicorn loads

    assert gc.get_threshold() == THRESHOLDS
    assert gc.get_freeze_count() > 10_000  # Django and the app, out of every scan
