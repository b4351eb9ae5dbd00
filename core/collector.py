"""Python's cycle collector, tuned for a web process holding thousands of sockets.

With the defaults, a process with 1,000 sockets ran a full (generation 2) collection every few
seconds, each 115-230 ms of a frozen event loop: a question reaching a class of 2,000 stalled
behind them (p99 376 ms, bench/room_load.py), and the pauses grow with the heap. Two changes: what
was imported at start (Django, the app, its libraries: 55 ms of every full scan) is frozen out of
the scans, and the youngest generation collects every 20,000 net allocations instead of 700 (the
older ones after 20 of the younger instead of 10), so short-lived cycles (a message's futures and
tasks) die young instead of being promoted and rescanned with the whole heap. Measured on the
production shape at 2,000: question p99 376 -> 160 ms, no full collection while the class played
(docs/operations.md).
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from typing import Any

logger = logging.getLogger(__name__)

#: (generation 0, 1, 2) thresholds; Python's defaults are (700, 10, 10).
THRESHOLDS = (20_000, 20, 20)
#: A full collection at least this long is logged: the event loop stood still that long, every
#: socket of the process waiting (a question's fan-out in one process slower than in the others).
SLOW_FULL_COLLECTION_MS = 50.0


class FullCollectionLog:
    """A ``gc.callbacks`` entry that logs each full collection that took long."""

    def __init__(self, slow_ms: float = SLOW_FULL_COLLECTION_MS) -> None:
        self.slow_ms = slow_ms
        self.started: float | None = None

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self.started = time.perf_counter()
            return
        if self.started is None:
            return
        took_ms = (time.perf_counter() - self.started) * 1000
        self.started = None
        # Not as the interpreter exits: its last collections are nobody's pause, and the log's
        # stream may be closed by then (pytest's capture: "--- Logging error ---" after a run).
        if took_ms >= self.slow_ms and not sys.is_finalizing():
            logger.warning(
                "gc: a full collection stopped this process for %.0f ms (%d objects freed)",
                took_ms,
                info.get("collected", 0),
            )


def tune_for_a_room() -> None:
    """Freeze what is alive now (call once the app is loaded) and raise the young threshold."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    if not any(isinstance(callback, FullCollectionLog) for callback in gc.callbacks):
        gc.callbacks.append(FullCollectionLog())
