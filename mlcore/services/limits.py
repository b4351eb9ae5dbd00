"""Limits of data sets and jobs. Each can be set in Django settings; these are the defaults.

Read at call time (not import time) so tests and deployments may change them, except the Celery
time limits, which the task decorators read once when ``mlcore.tasks`` is imported.
"""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Jobs
    "MLCORE_TRAIN_TIME_LIMIT_S": 600,
    "MLCORE_CLASSIFY_TIME_LIMIT_S": 300,
    #: A learning curve trains ``folds x fractions`` small baselines (12 by default).
    "MLCORE_LEARNING_CURVE_TIME_LIMIT_S": 600,
    "MLCORE_JOB_MAX_ATTEMPTS": 2,
    "MLCORE_HEARTBEAT_INTERVAL_S": 2.0,
    "MLCORE_HEARTBEAT_TIMEOUT_S": 10.0,
    "MLCORE_PROGRESS_INTERVAL_S": 0.5,
    #: A thread that keeps the heartbeat fresh during long steps without callbacks (off in
    #: in-process tests, whose transaction another connection cannot see).
    "MLCORE_HEARTBEAT_THREAD": True,
    # Data sets
    "MLCORE_MAX_IMAGES_PER_DATASET": 20_000,
    "MLCORE_MAX_TRAIN_EXAMPLES": 50_000,
    "MLCORE_IMAGE_MAX_SIDE": 256,
    "MLCORE_ZIP_MAX_FILES": 5_000,
    "MLCORE_ZIP_MAX_BYTES": 200_000_000,
    "MLCORE_CSV_MAX_BYTES": 20_000_000,
    "MLCORE_CLASSIFY_MAX_IMAGES": 5_000,
    "MLCORE_MODEL_CACHE_SIZE": 8,
    # Texts
    #: One text sent for a prediction (a customer's message, not an essay).
    "MLCORE_TEXT_MAX_CHARS": 2_000,
    #: Texts in one classification job (rows of a CSV).
    "MLCORE_CLASSIFY_MAX_TEXTS": 20_000,
}


def limit(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
