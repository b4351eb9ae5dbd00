"""Per-socket frame budgets: a flood from one socket is refused cheaply, then the socket closed.

Each kind of frame (answers, drawings, guesses, pings, anything else) has its own token bucket,
so a flood of answers never starves the pings that measure the line. A frame over its budget is
answered with ``rate_limited`` without any work (no database, no model). A socket that keeps
sending after its refusals used up :data:`REFUSALS_BEFORE_CLOSE` (refilled slowly) is closed with
:data:`CLOSE_RATE_LIMITED`. Logging is one line per socket per limit, never one per frame.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

#: Close code for a socket that went on flooding (docs/websocket-protocol.md).
CLOSE_RATE_LIMITED = 4429
#: Refusals a socket may collect (burst) before it is closed, and how fast they are forgiven.
REFUSALS_BEFORE_CLOSE = 200
REFUSALS_FORGIVEN_PER_S = 5.0


@dataclass(frozen=True)
class Budget:
    """``burst`` frames at once, then ``per_second``."""

    per_second: float
    burst: int


#: Budgets per frame kind: far above what a phone or console sends, far below a flood.
BUDGETS: dict[str, Budget] = {
    "answer": Budget(per_second=5, burst=20),
    "drawing": Budget(per_second=5, burst=20),
    "guess": Budget(per_second=10, burst=20),
    "route": Budget(per_second=10, burst=20),
    "ping": Budget(per_second=5, burst=20),
    "other": Budget(per_second=10, burst=40),
}


@dataclass
class _Bucket:
    budget: Budget
    tokens: float
    stamp: float

    def take(self, now: float) -> bool:
        self.tokens = min(self.budget.burst, self.tokens + (now - self.stamp) * self.budget.per_second)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass
class FrameLimiter:
    """One socket's budgets; :meth:`allow` per frame, :meth:`refused` after each refusal."""

    name: str = "socket"
    budgets: dict[str, Budget] = field(default_factory=lambda: dict(BUDGETS))
    refusals_before_close: int = REFUSALS_BEFORE_CLOSE
    refusals_forgiven_per_s: float = REFUSALS_FORGIVEN_PER_S
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _strikes: _Bucket | None = None
    _logged: set[str] = field(default_factory=set)

    def kind(self, frame_type: str | None) -> str:
        return frame_type if frame_type in self.budgets else "other"

    def allow(self, frame_type: str | None) -> bool:
        """Whether this frame is within its kind's budget (it spends one if so)."""
        kind = self.kind(frame_type)
        now = self.clock()
        bucket = self._buckets.get(kind)
        if bucket is None:
            budget = self.budgets[kind]
            bucket = self._buckets[kind] = _Bucket(budget, float(budget.burst), now)
        if bucket.take(now):
            return True
        if kind not in self._logged:
            self._logged.add(kind)
            logger.warning("%s: %s frames over %s/s, refused", self.name, kind, bucket.budget.per_second)
        return False

    def refused(self) -> bool:
        """Count one refusal; True when the socket has used up its refusals and must be closed."""
        now = self.clock()
        if self._strikes is None:
            budget = Budget(self.refusals_forgiven_per_s, self.refusals_before_close)
            self._strikes = _Bucket(budget, float(budget.burst), now)
        if self._strikes.take(now):
            return False
        if "close" not in self._logged:
            self._logged.add("close")
            logger.warning("%s: closed after %d refused frames", self.name, self.refusals_before_close)
        return True
