"""Settings of the Celery workers that the mlcore worker tests start: the test settings with a
short heartbeat timeout, so a killed worker's job is recognised as orphaned within seconds."""

from config.settings.test import *  # noqa: F403

MLCORE_HEARTBEAT_INTERVAL_S = 1.0
MLCORE_HEARTBEAT_TIMEOUT_S = 4.0
