import gc

import pytest

from core.collector import THRESHOLDS, FullCollectionLog

pytestmark = pytest.mark.embedded


def test_the_web_process_tunes_the_collector_once_the_app_is_loaded():
    import config.asgi  # noqa: F401 - what uvicorn loads

    assert gc.get_threshold() == THRESHOLDS
    assert gc.get_freeze_count() > 10_000  # Django and the app, out of every scan


def test_a_long_full_collection_is_logged_and_a_short_or_young_one_is_not(caplog):
    import config.asgi  # noqa: F401 - what uvicorn loads

    assert sum(isinstance(callback, FullCollectionLog) for callback in gc.callbacks) == 1
    caplog.set_level("WARNING", logger="core.collector")
    log = FullCollectionLog(slow_ms=0.0)
    log("start", {"generation": 0})
    log("stop", {"generation": 0, "collected": 5})
    assert not caplog.records
    log("start", {"generation": 2})
    log("stop", {"generation": 2, "collected": 7})
    assert "a full collection stopped this process" in caplog.records[-1].getMessage()
    caplog.clear()
    patient = FullCollectionLog(slow_ms=60_000.0)
    gc.callbacks.append(patient)
    try:
        gc.collect()  # a real full collection: timed from its start to its stop, far under a minute
        assert patient.started is None
    finally:
        gc.callbacks.remove(patient)
