"""Settings of the processes the fault suite starts (web, worker, ops): the test settings with a short
job heartbeat, so a killed worker's training job is recognised as orphaned within seconds."""

from config.settings.test import *  # noqa: F403

MLCORE_HEARTBEAT_INTERVAL_S = 1.0
MLCORE_HEARTBEAT_TIMEOUT_S = 4.0
