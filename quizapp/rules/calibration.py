"""Confidence calibration: do students know what they know?

Each answer can carry a confidence between 0.5 ("guessing between two") and 1.0 ("certain").
Someone whose 75%-sure answers are right about 75% of the time is *calibrated*; a class whose
"certain" answers are often wrong is *over-confident*, which is exactly what an AI workshop wants
to surface (and what a language model's confident wrong answers look like).

* The **Brier score** is the mean of ``(confidence - outcome)^2`` with outcome 1 for right and 0
  for wrong: 0 is perfect, lower is better, and always answering 50% gives 0.25.
* **Bins** group answers by confidence. The default edges put the three confidences the quiz UI
  offers (50%, 75%, 100%) each in the middle of their own bin, so float noise cannot move them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

__all__ = [
    "DEFAULT_EDGES",
    "MIN_ANSWERS",
    "Bin",
    "Verdict",
    "brier_score",
    "calibration_bins",
    "overconfidence",
    "verdict",
]

DEFAULT_EDGES: tuple[float, ...] = (0.5, 0.625, 0.875, 1.0)
#: Below this many answers a verdict would be noise.
MIN_ANSWERS = 3
#: Absorbs float error when a difference lands exactly on the tolerance.
_EPSILON = 1e-9

Pair = tuple[float, bool]


class Verdict(StrEnum):
    OVERCONFIDENT = "overconfident"
    UNDERCONFIDENT = "underconfident"
    CALIBRATED = "calibrated"
    NOT_ENOUGH_DATA = "not_enough_data"


@dataclass(frozen=True, kw_only=True)
class Bin:
    """Answers whose confidence lies in ``[low, high)`` (the last bin includes ``high``).

    ``mean_confidence`` and ``accuracy`` are None for an empty bin.
    """

    low: float
    high: float
    count: int
    mean_confidence: float | None
    accuracy: float | None

    @property
    def gap(self) -> float | None:
        """Mean confidence minus accuracy: positive means over-confident in this range."""
        if self.mean_confidence is None or self.accuracy is None:
            return None
        return self.mean_confidence - self.accuracy


def _checked(pairs: Sequence[Pair]) -> Sequence[Pair]:
    if not pairs:
        raise ValueError("no answers")
    for confidence, _ in pairs:
        if not 0.0 <= confidence <= 1.0:
            raise ValueError(f"confidence {confidence!r} is outside [0, 1]")
    return pairs


def brier_score(pairs: Sequence[Pair]) -> float:
    """Mean of ``(confidence - correct)^2``; raises ValueError for no answers."""
    pairs = _checked(pairs)
    return math.fsum((confidence - float(correct)) ** 2 for confidence, correct in pairs) / len(pairs)


def calibration_bins(pairs: Sequence[Pair], edges: Sequence[float] = DEFAULT_EDGES) -> list[Bin]:
    """One :class:`Bin` per pair of neighbouring ``edges``, empty bins included.

    A confidence outside ``[edges[0], edges[-1]]`` raises ValueError rather than vanishing.
    """
    if len(edges) < 2 or any(b <= a for a, b in pairwise(edges)):
        raise ValueError("edges must be at least two strictly increasing numbers")
    groups: list[list[Pair]] = [[] for _ in range(len(edges) - 1)]
    for confidence, correct in pairs:
        if not edges[0] <= confidence <= edges[-1]:
            raise ValueError(f"confidence {confidence!r} is outside [{edges[0]}, {edges[-1]}]")
        index = next((i for i in range(len(groups)) if confidence < edges[i + 1]), len(groups) - 1)
        groups[index].append((confidence, correct))
    bins = []
    for i, group in enumerate(groups):
        count = len(group)
        bins.append(
            Bin(
                low=edges[i],
                high=edges[i + 1],
                count=count,
                mean_confidence=math.fsum(c for c, _ in group) / count if count else None,
                accuracy=sum(1 for _, ok in group if ok) / count if count else None,
            )
        )
    return bins


def overconfidence(pairs: Sequence[Pair]) -> float:
    """Mean confidence minus accuracy: positive = over-confident, negative = under-confident."""
    pairs = _checked(pairs)
    mean_confidence = math.fsum(c for c, _ in pairs) / len(pairs)
    accuracy = sum(1 for _, ok in pairs if ok) / len(pairs)
    return mean_confidence - accuracy


def verdict(pairs: Sequence[Pair], tolerance: float = 0.05) -> Verdict:
    """A one-word summary; a gap of exactly ``tolerance`` still counts as calibrated."""
    if len(pairs) < MIN_ANSWERS:
        return Verdict.NOT_ENOUGH_DATA
    gap = overconfidence(pairs)
    if gap > tolerance + _EPSILON:
        return Verdict.OVERCONFIDENT
    if gap < -tolerance - _EPSILON:
        return Verdict.UNDERCONFIDENT
    return Verdict.CALIBRATED
