"""The progress-callback contract shared by every trainer.

A Celery task forwards these events to a WebSocket; a notebook may simply print them. Every event
has every key, so a consumer never needs ``.get``; values that make no sense yet are ``None``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal, TypedDict

from .errors import TrainingCancelled

Stage = Literal["start", "epoch", "end"]


class ProgressEvent(TypedDict):
    stage: Stage
    epoch: int
    epochs: int
    fraction: float
    train_loss: float | None
    train_accuracy: float | None
    val_loss: float | None
    val_accuracy: float | None
    seconds: float
    eta_seconds: float | None


ProgressCallback = Callable[[ProgressEvent], None]
StopCheck = Callable[[], bool]

EVENT_KEYS: tuple[str, ...] = tuple(ProgressEvent.__annotations__)


class Reporter:
    """Small helper so trainers do not repeat the bookkeeping of time, ETA and cancellation."""

    def __init__(self, progress: ProgressCallback | None, should_stop: StopCheck | None, epochs: int) -> None:
        self.progress = progress
        self.should_stop = should_stop
        self.epochs = epochs
        self.started = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def check(self) -> None:
        """Raise :class:`TrainingCancelled` when the caller asked to stop."""
        if self.should_stop is not None and self.should_stop():
            raise TrainingCancelled("Training was cancelled.", seconds=round(self.elapsed(), 3))

    def emit(
        self,
        stage: Stage,
        epoch: int,
        *,
        train_loss: float | None = None,
        train_accuracy: float | None = None,
        val_loss: float | None = None,
        val_accuracy: float | None = None,
    ) -> None:
        if self.progress is None:
            return
        seconds = self.elapsed()
        fraction = 0.0 if self.epochs <= 0 else min(1.0, max(0.0, epoch / self.epochs))
        if stage == "end":
            fraction = 1.0
        if stage == "end" or fraction >= 1.0:
            eta: float | None = 0.0
        elif epoch > 0:
            eta = seconds / epoch * (self.epochs - epoch)
        else:
            eta = None
        event: ProgressEvent = {
            "stage": stage,
            "epoch": epoch,
            "epochs": self.epochs,
            "fraction": fraction,
            "train_loss": _num(train_loss),
            "train_accuracy": _num(train_accuracy),
            "val_loss": _num(val_loss),
            "val_accuracy": _num(val_accuracy),
            "seconds": round(seconds, 4),
            "eta_seconds": None if eta is None else round(eta, 3),
        }
        self.progress(event)


def _num(value: float | None) -> float | None:
    return None if value is None else float(value)
