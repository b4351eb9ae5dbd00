"""A scale (rating) question's rules, pure: its settings, its answers, the class's statistics.

Mentimeter's "scales": one question with 1 to :data:`MAX_STATEMENTS` statements, each rated on the
same scale, 1-5 or 0-10, with optional end labels ("Strongly disagree" … "Strongly agree"). The
statements are the question's ``options``; the scale is its ``numeric`` settings (``{"min", "max",
"low_label", "high_label"}``). A student rates **every** statement (no skipping: a phone shows
each statement's scale and Submit asks for the missing ones), so every statement's ``n`` is the
number of answers; a rating is a whole number on the scale (a JSON ``3.0`` counts as 3, as
elsewhere in the API). A scale has no right answer and scores no points, like a poll
(``docs/scoring.md``).

The statistics per statement: ``n``, the mean, the population standard deviation (the spread of
this class, not an estimate for another) and the distribution over the scale's points.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_LABEL",
    "MAX_STATEMENT",
    "MAX_STATEMENTS",
    "RANGES",
    "ScaleRefused",
    "ScaleSettings",
    "StatementStats",
    "aggregate",
    "check_ratings",
    "clean_settings",
    "clean_statements",
    "ratings_text",
]

MAX_STATEMENTS = 8
MAX_STATEMENT = 200
MAX_LABEL = 40
#: The scales a question may use: 1-5 (Likert) or 0-10 (NPS-like).
RANGES = ((1, 5), (0, 10))


class ScaleRefused(ValueError):
    """A setting or an answer that does not fit; ``code`` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ScaleSettings:
    minimum: int
    maximum: int
    low_label: str = ""
    high_label: str = ""

    @property
    def points(self) -> list[int]:
        """The scale's points, lowest first (1..5 or 0..10)."""
        return list(range(self.minimum, self.maximum + 1))

    def as_dict(self) -> dict[str, Any]:
        return {"min": self.minimum, "max": self.maximum, "low_label": self.low_label, "high_label": self.high_label}


@dataclass(frozen=True)
class StatementStats:
    n: int
    mean: float | None
    sd: float | None
    #: Answers per scale point, lowest point first.
    distribution: list[int]

    def as_dict(self) -> dict[str, Any]:
        rounded = None if self.mean is None else round(self.mean, 2)
        spread = None if self.sd is None else round(self.sd, 2)
        return {"n": self.n, "mean": rounded, "sd": spread, "distribution": list(self.distribution)}


def _whole(value: Any) -> int | None:
    """An integer, or a float that is one (3.0); ``None`` for anything else (booleans, 3.5, "3")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def _label(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ScaleRefused("scale_label")
    text = " ".join(value.split())
    if len(text) > MAX_LABEL:
        raise ScaleRefused("scale_label")
    return text


def clean_settings(raw: Any) -> ScaleSettings:
    """The scale an author chose (``min``/``max``: 1-5 or 0-10; optional end labels), checked."""
    if raw is None or raw == {}:
        return ScaleSettings(1, 5)
    if not isinstance(raw, dict):
        raise ScaleRefused("scale_settings")
    bounds = (_whole(raw.get("min", 1)), _whole(raw.get("max", 5)))
    for minimum, maximum in RANGES:
        if bounds == (minimum, maximum):
            return ScaleSettings(minimum, maximum, _label(raw.get("low_label")), _label(raw.get("high_label")))
    raise ScaleRefused("scale_range")


def settings_of(numeric: dict[str, Any]) -> ScaleSettings:
    """A stored question's scale (checked when it was saved)."""
    return clean_settings(numeric)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def clean_statements(raw: Any) -> list[str]:
    """1 to 8 statements, each non-empty, at most 200 characters, no two the same (ignoring case
    and spacing: two equal rows would split one opinion in two)."""
    if not isinstance(raw, list):
        raise ScaleRefused("scale_statements")
    statements = []
    for item in raw:
        text = item.get("text") if isinstance(item, dict) else item
        if not isinstance(text, str) or not text.strip():
            raise ScaleRefused("scale_statement_empty")
        text = " ".join(unicodedata.normalize("NFC", text).split())
        if len(text) > MAX_STATEMENT:
            raise ScaleRefused("scale_statement_long")
        statements.append(text)
    if not 1 <= len(statements) <= MAX_STATEMENTS:
        raise ScaleRefused("scale_statements")
    if len({_fold(s) for s in statements}) != len(statements):
        raise ScaleRefused("scale_statement_twice")
    return statements


def check_ratings(settings: ScaleSettings, statements: int, raw: Any) -> list[int]:
    """A student's answer: a list with one whole number on the scale per statement, in order."""
    if not isinstance(raw, list):
        raise ScaleRefused("scale_ratings")
    if len(raw) != statements:
        raise ScaleRefused("scale_count")
    ratings = []
    for value in raw:
        rating = _whole(value)
        if rating is None or not settings.minimum <= rating <= settings.maximum:
            raise ScaleRefused("scale_value")
        ratings.append(rating)
    return ratings


def ratings_text(ratings: Sequence[int]) -> str:
    """An answer in one short line for the results grid ("4 · 2 · 5")."""
    return " · ".join(str(r) for r in ratings)


def aggregate(settings: ScaleSettings, statements: int, answers: Iterable[Sequence[Any]]) -> list[StatementStats]:
    """Per statement: n, mean, population standard deviation, distribution over the scale points.

    Ratings that do not fit (a stored list of another length, a value off the scale) are left
    out, so a question edited after answers came in cannot break the tally."""
    points = settings.points
    counts = [[0] * len(points) for _ in range(statements)]
    for ratings in answers:
        if not isinstance(ratings, list | tuple) or len(ratings) != statements:
            continue
        for index, value in enumerate(ratings):
            rating = _whole(value)
            if rating is not None and settings.minimum <= rating <= settings.maximum:
                counts[index][rating - settings.minimum] += 1
    return [_stats(points, row) for row in counts]


def _stats(points: list[int], counts: list[int]) -> StatementStats:
    n = sum(counts)
    if not n:
        return StatementStats(0, None, None, counts)
    mean = math.fsum(p * c for p, c in zip(points, counts, strict=True)) / n
    variance = math.fsum(c * (p - mean) ** 2 for p, c in zip(points, counts, strict=True)) / n
    return StatementStats(n, mean, math.sqrt(max(0.0, variance)), counts)
