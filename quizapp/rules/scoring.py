"""Kahoot-style scoring for live quizzes: pure rules, no Django, no database.

Why these rules
---------------
* **Speed points.** A correct answer earns the question's points scaled by how fast it came:
  ``points * (1 - (response_time / time_limit) / 2)``, i.e. full points when instant and half at
  the limit. A correct-but-slow answer still beats any wrong answer, so accuracy stays what
  matters most while speed breaks ties in a lively way.
* **Rounding.** Computed in exact integer arithmetic and rounded *half up* (``500.5 -> 501``), so
  results never depend on float error and are the same on every machine. (Python's ``round``
  would round half to even; the difference only ever shows for odd point values.)
* **Streaks.** The 2nd correct answer in a row earns ``+streak_step`` (100), the 3rd ``+200``
  ... capped at ``+streak_cap`` (500). A wrong answer or no answer resets the streak to 0.
* **Polls and no-points questions** score 0 and neither build nor break a streak: a poll has no
  right answer, and an instructor who sets a question to 0 points (a warm-up) has said it should
  not count, so it must not be able to cost anyone a streak either.
* Both speed points and streaks can be switched off per quiz (:class:`ScoringRules`).
* **Time accommodations** (WCAG 2.2.1). A student may have ×2 or ×10 the time, or no time limit
  (:data:`TIME_FACTORS`). Their deadline is their own (:func:`own_time_limit_ms`), and their speed
  points are computed on their own limit (:func:`speed_time_limit_ms`): a ×2 student answering
  at twice the time scores exactly what a classmate answering at 1× does, so extra time is never a
  penalty and never a bonus. With no time limit, speed is measured on the ×10 limit (the widest
  finite one), so the fastest answer is worth what it is for everyone and a slow one still earns
  half, like anyone at their limit.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "NO_TIME_LIMIT",
    "TIME_FACTORS",
    "AnswerOutcome",
    "LeaderboardRow",
    "ScoredAnswer",
    "ScoringRules",
    "answer_points",
    "competition_ranks",
    "leaderboard",
    "own_time_limit_ms",
    "score_sequence",
    "speed_time_limit_ms",
    "streak_bonus",
]

#: A time factor meaning "no time limit" (the answer is accepted until the question closes).
NO_TIME_LIMIT = 0
#: The time accommodations an instructor may give: standard, ×2, ×10, none.
TIME_FACTORS = (1, 2, 10, NO_TIME_LIMIT)
#: The factor speed points use for a student with no time limit.
NO_LIMIT_SPEED_FACTOR = 10


def _check_factor(factor: int) -> None:
    if factor not in TIME_FACTORS:
        raise ValueError(f"time factor must be one of {TIME_FACTORS}")


def own_time_limit_ms(time_limit_ms: int, factor: int) -> int | None:
    """A student's own time limit for a question: ``time_limit_ms * factor``; ``None`` for no limit.

    An untimed question (``time_limit_ms <= 0``) stays untimed (``None``) whatever the factor.
    """
    _check_factor(factor)
    if factor == NO_TIME_LIMIT or time_limit_ms <= 0:
        return None
    return time_limit_ms * factor


def speed_time_limit_ms(time_limit_ms: int, factor: int) -> int:
    """The limit speed points are computed on: the student's own, ×10 for no time limit."""
    _check_factor(factor)
    if time_limit_ms <= 0:
        return time_limit_ms
    return time_limit_ms * (NO_LIMIT_SPEED_FACTOR if factor == NO_TIME_LIMIT else factor)


@dataclass(frozen=True, kw_only=True)
class ScoringRules:
    """Per-quiz switches; the defaults are Kahoot's."""

    speed_points: bool = True
    streaks: bool = True
    streak_step: int = 100
    streak_cap: int = 500

    def __post_init__(self) -> None:
        if self.streak_step < 0 or self.streak_cap < 0:
            raise ValueError("streak_step and streak_cap must not be negative")


@dataclass(frozen=True, kw_only=True)
class AnswerOutcome:
    """One participant's outcome on one question, as :func:`score_sequence` needs it.

    ``answered=False`` means no answer before the time ran out (``correct`` and ``response_ms``
    are then ignored). ``poll=True`` marks a question without a right answer.
    """

    points: int = 1000
    time_limit_ms: int = 20_000
    answered: bool = True
    correct: bool = False
    response_ms: int = 0
    poll: bool = False
    #: The student's time accommodation (:data:`TIME_FACTORS`); speed is scored on their own limit.
    time_factor: int = 1


@dataclass(frozen=True, kw_only=True)
class ScoredAnswer:
    """The score of one answer: speed points, streak bonus and where the streak now stands."""

    base: int
    streak_bonus: int
    streak: int
    running_total: int

    @property
    def points(self) -> int:
        return self.base + self.streak_bonus


@dataclass(frozen=True, kw_only=True)
class LeaderboardRow:
    """A leaderboard line. ``rank_change`` > 0 means the participant moved up."""

    key: Hashable
    rank: int
    score: int
    score_change: int
    previous_rank: int | None
    rank_change: int | None


def answer_points(*, correct: bool, points: int, response_ms: int, time_limit_ms: int, rules: ScoringRules) -> int:
    """Points for one answer, without the streak bonus.

    ``response_ms`` is clamped into ``[0, time_limit_ms]`` (clock skew can make it negative, a
    late packet can make it exceed the limit). A non-positive ``time_limit_ms`` means the
    question is untimed, so a correct answer earns full points.
    """
    if points < 0:
        raise ValueError("question points must not be negative")
    if not correct or points == 0:
        return 0
    if not rules.speed_points or time_limit_ms <= 0:
        return points
    elapsed = min(max(response_ms, 0), time_limit_ms)
    # points * (1 - elapsed / (2 * limit)) = points * (2*limit - elapsed) / (2*limit), rounded half up.
    denominator = 2 * time_limit_ms
    return (points * (denominator - elapsed) * 2 + denominator) // (2 * denominator)


def streak_bonus(streak_before: int, correct: bool, rules: ScoringRules) -> tuple[int, int]:
    """``(bonus, new_streak)`` after one scored question.

    The streak is counted even when streak bonuses are switched off, so a quiz can still show
    "3 in a row"; only the bonus is then 0.
    """
    if not correct:
        return 0, 0
    new_streak = max(streak_before, 0) + 1
    if not rules.streaks:
        return 0, new_streak
    return min(rules.streak_step * (new_streak - 1), rules.streak_cap), new_streak


def score_sequence(answers: Sequence[AnswerOutcome], rules: ScoringRules) -> list[ScoredAnswer]:
    """Score one participant's answers in question order (one entry per question asked)."""
    scored: list[ScoredAnswer] = []
    streak = 0
    total = 0
    for answer in answers:
        if answer.poll or answer.points == 0:
            # Neither builds nor breaks a streak, answered or not.
            scored.append(ScoredAnswer(base=0, streak_bonus=0, streak=streak, running_total=total))
            continue
        correct = answer.answered and answer.correct
        base = answer_points(
            correct=correct,
            points=answer.points,
            response_ms=answer.response_ms,
            time_limit_ms=speed_time_limit_ms(answer.time_limit_ms, answer.time_factor),
            rules=rules,
        )
        bonus, streak = streak_bonus(streak, correct, rules)
        total += base + bonus
        scored.append(ScoredAnswer(base=base, streak_bonus=bonus, streak=streak, running_total=total))
    return scored


def competition_ranks(totals: Mapping[Hashable, int]) -> dict[Hashable, int]:
    """Standard competition ranking ("1224"): equal scores share a rank, the next rank skips."""
    ranks: dict[Hashable, int] = {}
    previous_score: int | None = None
    rank = 0
    for position, (key, score) in enumerate(sorted(totals.items(), key=lambda item: -item[1]), start=1):
        if score != previous_score:
            rank, previous_score = position, score
        ranks[key] = rank
    return ranks


def leaderboard(totals: Mapping[Hashable, int], previous: Mapping[Hashable, int] | None = None) -> list[LeaderboardRow]:
    """Rows ordered by score (highest first), with competition ranks (1, 1, 3).

    Ties keep the order of ``totals`` (sorting is stable), so the caller decides how tied rows
    are listed, e.g. by join order. ``previous`` is the totals before the last question: a key
    missing there (or ``previous=None``) counts as 0 points with no previous rank; keys only in
    ``previous`` (people who left) are ignored.
    """
    previous = previous or {}
    ranks = competition_ranks(totals)
    previous_ranks = competition_ranks(previous)
    rows = []
    for key, score in sorted(totals.items(), key=lambda item: -item[1]):
        previous_rank = previous_ranks.get(key)
        rows.append(
            LeaderboardRow(
                key=key,
                rank=ranks[key],
                score=score,
                score_change=score - previous.get(key, 0),
                previous_rank=previous_rank,
                rank_change=None if previous_rank is None else previous_rank - ranks[key],
            )
        )
    return rows
