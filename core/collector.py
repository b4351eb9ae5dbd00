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

#: (generation 0, 1, 2) thresholds; Python's defaults are (700, 10, 10).
THRESHOLDS = (20_000, 20, 20)


def tune_for_a_room() -> None:
    """Freeze what is alive now (call once the app is loaded) and raise the young threshold."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
