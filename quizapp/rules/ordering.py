"""An ordering (puzzle) question's rules, pure: its items, the phones' shuffle, answers, scoring.

The author enters 3 to 6 distinct items **in their right order**; they are the question's
``options`` and an item's id is its index there, so the right order is ``[0, 1, …, n − 1]``.
Phones get the items in a shuffle seeded by the question (every phone, and every reconnect, the
same one), never already in the right order. An answer is a permutation of the ids.

Scoring (``docs/scoring.md``): the exact order is a right answer and scores like one (speed
points, streaks; :func:`quizapp.rules.scoring.answer_points`). Any other order earns partial
credit for the items in their right place: ``points × k / (2n)`` for ``k`` of ``n`` items,
rounded down, then scaled by the same speed factor as a right answer. It is always less than half
the points, so an exact order, however slow, beats any partly right one, as a right answer beats
a wrong one. A partly right answer is not a right one: it never builds a streak (it ends one).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from quizapp.rules import scoring

__all__ = [
    "MAX_ITEMS",
    "MAX_ITEM_LENGTH",
    "MIN_ITEMS",
    "OrderingRefused",
    "OrderingTally",
    "check_order",
    "clean_items",
    "in_place",
    "is_exact",
    "order_points",
    "partial_points",
    "phone_order",
    "position_counts",
    "tally",
]

MIN_ITEMS = 3
MAX_ITEMS = 6
#: An item is read on a phone, one line per item.
MAX_ITEM_LENGTH = 120


class OrderingRefused(ValueError):
    """Items or an answer that do not fit; ``code`` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _key(text: str) -> str:
    """Two items that read the same to a student (case, spacing) are the same item."""
    return " ".join(text.split()).casefold()


def clean_items(raw: Any) -> list[str]:
    """The author's items in their right order: 3 to 6 distinct, non-empty, short texts.

    Each may be a string or an option ``{"text": ...}`` (the ``correct`` flag is ignored: the
    order is the answer)."""
    if not isinstance(raw, list | tuple):
        raise OrderingRefused("ordering_items")
    items = []
    for entry in raw:
        text = entry.get("text") if isinstance(entry, dict) else entry
        if not isinstance(text, str) or not text.strip():
            raise OrderingRefused("ordering_blank")
        text = " ".join(text.split())
        if len(text) > MAX_ITEM_LENGTH:
            raise OrderingRefused("ordering_length")
        items.append(text)
    if not MIN_ITEMS <= len(items) <= MAX_ITEMS:
        raise OrderingRefused("ordering_count")
    if len({_key(t) for t in items}) != len(items):
        raise OrderingRefused("ordering_duplicate")
    return items


def phone_order(count: int, seed: int) -> list[int]:
    """The ids in the order phones show them: a shuffle seeded by ``seed`` (the question's id),
    the same for every phone and every reconnect, and never the right order itself (a shuffle
    that lands on it is turned by one place)."""
    if count < 2:
        return list(range(count))
    ids = list(range(count))
    random.Random(f"ordering:{seed}").shuffle(ids)
    if ids == sorted(ids):
        ids = ids[1:] + ids[:1]
    return ids


def check_order(raw: Any, count: int) -> list[int]:
    """A student's answer: every id from 0 to ``count − 1`` once (integers, not booleans or strings)."""
    if not isinstance(raw, list) or len(raw) != count:
        raise OrderingRefused("ordering_order")
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in raw):
        raise OrderingRefused("ordering_order")
    if sorted(raw) != list(range(count)):
        raise OrderingRefused("ordering_order")
    return list(raw)


def in_place(order: Sequence[int]) -> int:
    """How many items are in their right place."""
    return sum(1 for position, item in enumerate(order) if item == position)


def is_exact(order: Sequence[int]) -> bool:
    return in_place(order) == len(order)


def partial_points(order: Sequence[int], points: int) -> int:
    """The points at stake before speed: all of them for the exact order, else
    ``points × k / (2n)`` rounded down (always less than half)."""
    if points < 0:
        raise ValueError("question points must not be negative")
    count = len(order)
    if not count:
        return 0
    if is_exact(order):
        return points
    return (points * in_place(order)) // (2 * count)


def order_points(
    order: Sequence[int], *, points: int, response_ms: int, time_limit_ms: int, rules: scoring.ScoringRules
) -> int:
    """Points for one answer, without the streak bonus: the stake of :func:`partial_points`, with
    the speed rule every answer has (:func:`quizapp.rules.scoring.answer_points`)."""
    stake = partial_points(order, points)
    return scoring.answer_points(
        correct=stake > 0, points=stake, response_ms=response_ms, time_limit_ms=time_limit_ms, rules=rules
    )


def position_counts(orders: Iterable[tuple[Sequence[int], int]], count: int) -> list[int]:
    """For each position, how many answers have the right item there (``(order, how many)`` rows)."""
    right = [0] * count
    for order, n in orders:
        for position, item in enumerate(order or []):
            if position < count and item == position:
                right[position] += n
    return right


@dataclass(frozen=True)
class OrderingTally:
    """Answers by outcome: the exact order, some items in place, none in place."""

    exact: int = 0
    partial: int = 0
    wrong: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"exact": self.exact, "partial": self.partial, "wrong": self.wrong}


def tally(orders: Iterable[tuple[Sequence[int], int]]) -> OrderingTally:
    exact = partial = wrong = 0
    for order, n in orders:
        k = in_place(order or [])
        if order and k == len(order):
            exact += n
        elif k:
            partial += n
        else:
            wrong += n
    return OrderingTally(exact, partial, wrong)
