"""The canvas rubric: how evaluators' 1-5 scores become feasibility and value (0-100), a quadrant,
reasons and recommendations. Plain Python (no Django), so it is tested without a database and
reads the same in a notebook. ``docs/rubric.md`` says the same rules in plain words; keep both true.

The rules, in short:

* Every criterion belongs to one axis (feasibility or value) and is scored 1-5 by each evaluator
  (or skipped). Most criteria are "higher is better"; engineering effort, ethical risk and the cost
  of errors are "higher is worse" (``direction = -1``).
* A score's *goodness* is ``(s - 1) / 4`` (or ``(5 - s) / 4`` for higher-is-worse), 0..1. An
  evaluator's axis score is ``100 × Σ wᵢ·goodnessᵢ / Σ wᵢ`` over the criteria of the axis they
  scored that have a weight above zero: a weighted mean, so it stays in 0..100, never falls when a
  better score is given, ignores zero-weight criteria, and moves towards a criterion whose weight
  grows. Neutral (every score 3) is 50.
* Over evaluators: the mean and the population standard deviation (spread) of their axis scores,
  and of each criterion's scores. With two evaluators or more, an idea is *flagged for discussion*
  when an axis spread reaches :data:`AXIS_SPREAD_FLAG` points or a weighted criterion's spread
  reaches :data:`CRITERION_SPREAD_FLAG`.
* Quadrant by the mean scores, with lines at 50 (a point on a line counts as high): do now,
  invest in data or research, quick win, drop. Rank by priority ``√(feasibility × value)``.
* :class:`DataEvidence` (a learning-curve measurement) replaces the evaluators' judgement of the
  data criteria with scores computed from the measurement; the result says it is data-backed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean, pstdev
from typing import Any

__all__ = [
    "AXES",
    "AXIS_SPREAD_FLAG",
    "CRITERIA",
    "CRITERIA_BY_KEY",
    "CRITERION_SPREAD_FLAG",
    "DO_NOW",
    "DROP",
    "FEASIBILITY",
    "FEASIBILITY_LINE",
    "INVEST",
    "MAX_WEIGHT",
    "QUADRANTS",
    "QUICK_WIN",
    "SCORE_MAX",
    "SCORE_MIN",
    "VALUE",
    "VALUE_LINE",
    "Criterion",
    "DataEvidence",
    "IdeaFacts",
    "IdeaScore",
    "Reason",
    "Recommendation",
    "RubricError",
    "Stat",
    "apply_evidence",
    "axis_score",
    "clean_scores",
    "clean_weights",
    "default_weights",
    "enough_data_score",
    "evidence_scores",
    "goodness",
    "quadrant",
    "rank_key",
    "round_count",
    "score_idea",
]

FEASIBILITY = "feasibility"
VALUE = "value"
AXES = (FEASIBILITY, VALUE)

SCORE_MIN = 1
SCORE_MAX = 5
#: The axis score of an idea whose every criterion is scored 3 (neither good nor bad).
NEUTRAL = 50.0
#: Weights are 0..MAX_WEIGHT; 0 switches a criterion off.
MAX_WEIGHT = 10.0

#: Quadrant lines on the 0-100 axes; a point on a line counts as high.
FEASIBILITY_LINE = 50.0
VALUE_LINE = 50.0
DO_NOW = "do_now"  # feasible and valuable
INVEST = "invest"  # valuable, not feasible yet: invest in data or research
QUICK_WIN = "quick_win"  # feasible, modest value: cheap to try
DROP = "drop"  # neither
QUADRANTS = (DO_NOW, INVEST, QUICK_WIN, DROP)

#: Disagreement: with two or more evaluators, an axis spread (population standard deviation of
#: their axis scores) of 15 points or more -- two evaluators 30 points apart -- flags the idea...
AXIS_SPREAD_FLAG = 15.0
#: ...and so does a criterion (with a weight above 0) whose scores have a spread of 1.5 or more
#: on the 1-5 scale: two evaluators 3 apart (1 and 4, 2 and 5).
CRITERION_SPREAD_FLAG = 1.5

#: Reasons shown per idea: the criteria that move the scores furthest from neutral.
REASONS_SHOWN = 3
#: Smaller moves (in points) are not worth a reason.
REASON_MIN_POINTS = 0.5
#: A criterion's mean score at or below LOW_SCORE is "low", at or above HIGH_SCORE "high" (for the
#: recommendations).
LOW_SCORE = 2.5
MIDDLE_SCORE = 3.0
HIGH_SCORE = 4.0
#: What to do next in each quadrant.
QUADRANT_ADVICE = {DO_NOW: "start_pilot", INVEST: "invest_in_data", QUICK_WIN: "quick_win", DROP: "park_it"}


@dataclass(frozen=True)
class Criterion:
    key: str
    axis: str
    default_weight: float
    #: +1: a higher score makes the idea better on its axis; -1: worse (effort, risk, error cost).
    direction: int = 1
    #: Computed from a :class:`DataEvidence` when one is given, instead of the evaluators' score.
    data_backed: bool = False


CRITERIA: tuple[Criterion, ...] = (
    # Feasibility: the lecture's rules of thumb, then AI-project diligence.
    Criterion("one_second_task", FEASIBILITY, 2.0),
    Criterion("clear_a_to_b", FEASIBILITY, 1.5),
    Criterion("enough_data", FEASIBILITY, 2.0, data_backed=True),
    Criterion("performance_reachable", FEASIBILITY, 1.5, data_backed=True),
    Criterion("engineering_effort", FEASIBILITY, 1.0, direction=-1),
    Criterion("ethical_risk", FEASIBILITY, 1.0, direction=-1),
    # Value: what it is worth to the business.
    Criterion("business_impact", VALUE, 2.0),
    Criterion("pain_severity", VALUE, 1.5),
    Criterion("frequency", VALUE, 1.0),
    Criterion("strategic_fit", VALUE, 1.0),
    Criterion("error_cost", VALUE, 1.0, direction=-1),
)
CRITERIA_BY_KEY: dict[str, Criterion] = {c.key: c for c in CRITERIA}


class RubricError(ValueError):
    """Refused scores or weights: a stable ``code`` (translated by the UI) and its ``params``.

    Codes: ``unknown_criterion``, ``bad_score``, ``no_scores``, ``bad_weight``, ``zero_weights``.
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}" if params else code)


# --------------------------------------------------------------------------- validation


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def clean_scores(raw: Mapping[str, Any]) -> dict[str, int]:
    """One evaluator's scores, checked: known criteria, whole numbers 1-5; ``None`` or ``""``
    means "skipped" and is left out. At least one criterion must be scored."""
    cleaned: dict[str, int] = {}
    for key, value in raw.items():
        if key not in CRITERIA_BY_KEY:
            raise RubricError("unknown_criterion", criterion=key)
        if value is None or value == "":
            continue
        if not _is_number(value) or value != int(value) or not SCORE_MIN <= value <= SCORE_MAX:
            raise RubricError("bad_score", criterion=key)
        cleaned[key] = int(value)
    if not cleaned:
        raise RubricError("no_scores")
    return cleaned


def default_weights() -> dict[str, float]:
    return {c.key: c.default_weight for c in CRITERIA}


def clean_weights(raw: Mapping[str, Any] | None) -> dict[str, float]:
    """A workspace's weights, complete: missing criteria get their default; each weight is a number
    0..MAX_WEIGHT; each axis keeps at least one weight above zero."""
    weights = default_weights()
    for key, value in (raw or {}).items():
        if key not in CRITERIA_BY_KEY:
            raise RubricError("unknown_criterion", criterion=key)
        if not _is_number(value) or not 0 <= value <= MAX_WEIGHT:
            raise RubricError("bad_weight", criterion=key, maximum=MAX_WEIGHT)
        weights[key] = float(value)
    for axis in AXES:
        if not any(weights[c.key] > 0 for c in CRITERIA if c.axis == axis):
            raise RubricError("zero_weights", axis=axis)
    return weights


# --------------------------------------------------------------------------- one evaluator


def goodness(criterion: Criterion, score: float) -> float:
    """0..1: how good a score is for its axis (1 is best), whichever way the criterion points."""
    score = min(max(float(score), SCORE_MIN), SCORE_MAX)
    fraction = (score - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)
    return fraction if criterion.direction > 0 else 1.0 - fraction


def axis_score(scores: Mapping[str, float], weights: Mapping[str, float], axis: str) -> float | None:
    """0..100 for one axis: the weighted mean of the goodness of the scored criteria with a weight
    above zero; ``None`` when there is none."""
    total = weighted = 0.0
    for criterion in CRITERIA:
        if criterion.axis != axis or criterion.key not in scores:
            continue
        weight = weights.get(criterion.key, criterion.default_weight)
        if weight <= 0:
            continue
        total += weight
        weighted += weight * goodness(criterion, scores[criterion.key])
    if total <= 0:
        return None
    return min(100.0, max(0.0, 100.0 * weighted / total))


# --------------------------------------------------------------------------- data evidence


@dataclass(frozen=True)
class DataEvidence:
    """What a learning curve measured on a sample of the idea's A -> B data.

    ``examples_needed`` is the predicted number of labelled examples that reach ``target_metric``
    (``needed_low``..``needed_high`` its uncertainty band), ``None`` when the curve never gets
    there; ``reachable`` says whether the target is reachable at all; ``examples_on_hand`` is how
    many labelled examples exist (``None`` when unknown).
    """

    examples_on_hand: int | None
    examples_needed: float | None
    needed_low: float | None
    needed_high: float | None
    target_metric: float
    reachable: bool


def enough_data_score(on_hand: float, needed: float) -> float:
    """1..5 from the ratio ``on_hand / needed``, log-linear: a tenth of what is needed or less
    scores 1, all of it or more scores 5, a third of it (10^-0.5) scores 3."""
    if needed <= 0:
        return float(SCORE_MAX)
    if on_hand <= 0:
        return float(SCORE_MIN)
    level = min(1.0, max(0.0, 1.0 + math.log10(on_hand / needed)))
    return SCORE_MIN + (SCORE_MAX - SCORE_MIN) * level


def evidence_scores(evidence: DataEvidence) -> dict[str, float]:
    """The data criteria as the measurement scores them.

    * ``performance_reachable``: 5 when the curve reaches the target, else 1.
    * ``enough_data``: 1 when the target is not reachable (or no amount is predicted); otherwise
      :func:`enough_data_score` of on hand / needed. When the number on hand is unknown this
      criterion stays with the evaluators.
    """
    scores: dict[str, float] = {"performance_reachable": float(SCORE_MAX if evidence.reachable else SCORE_MIN)}
    if not evidence.reachable or evidence.examples_needed is None:
        scores["enough_data"] = float(SCORE_MIN)
    elif evidence.examples_on_hand is not None:
        scores["enough_data"] = enough_data_score(evidence.examples_on_hand, evidence.examples_needed)
    return scores


def apply_evidence(scores: Mapping[str, float], evidence: DataEvidence | None) -> dict[str, float]:
    """An evaluator's scores with the data criteria replaced by the measurement (when there is one)."""
    result = dict(scores)
    if evidence is not None:
        result.update(evidence_scores(evidence))
    return result


# --------------------------------------------------------------------------- many evaluators


@dataclass(frozen=True)
class Stat:
    """Mean and spread (population standard deviation) over ``count`` evaluators."""

    mean: float
    spread: float
    count: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Stat | None:
        if not values:
            return None
        return cls(mean=fmean(values), spread=pstdev(values) if len(values) > 1 else 0.0, count=len(values))


@dataclass(frozen=True)
class Reason:
    """A criterion that moved its axis: ``points`` above (+) or below (-) the neutral 50."""

    criterion: str
    axis: str
    points: float
    mean: float
    data_backed: bool = False


@dataclass(frozen=True)
class Recommendation:
    """A plain-language advice as a stable ``code`` with ``params``; the UI words it."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IdeaFacts:
    """What the canvas says, for the recommendations (all optional)."""

    one_second_test: str = ""  # "yes", "no", "unsure" or "" (not done)
    task_scope: str = ""
    examples_per_month: int | None = None


@dataclass(frozen=True)
class IdeaScore:
    evaluations: int
    feasibility: Stat | None
    value: Stat | None
    criteria: dict[str, Stat]
    quadrant: str | None
    priority: float | None
    effort: float | None
    flagged: bool
    disagreements: tuple[str, ...]
    reasons: tuple[Reason, ...]
    recommendations: tuple[Recommendation, ...]
    data_backed: bool
    evidence: DataEvidence | None = None

    @property
    def scored(self) -> bool:
        return self.quadrant is not None


def quadrant(feasibility: float, value: float) -> str:
    high_f, high_v = feasibility >= FEASIBILITY_LINE, value >= VALUE_LINE
    if high_f and high_v:
        return DO_NOW
    if high_v:
        return INVEST
    if high_f:
        return QUICK_WIN
    return DROP


def _effort(criteria: Mapping[str, Stat]) -> float | None:
    """0..100 for the bubble size: 60 % how much engineering (the effort criterion), 40 % how much
    data is still to collect (the inverse of ``enough_data``, measured when data-backed)."""
    parts = []
    if "engineering_effort" in criteria:
        parts.append((0.6, (criteria["engineering_effort"].mean - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)))
    if "enough_data" in criteria:
        parts.append((0.4, (SCORE_MAX - criteria["enough_data"].mean) / (SCORE_MAX - SCORE_MIN)))
    if not parts:
        return None
    return min(100.0, max(0.0, 100.0 * sum(w * v for w, v in parts) / sum(w for w, _ in parts)))


def _reasons(criteria: Mapping[str, Stat], weights: Mapping[str, float], data_backed: set[str]) -> tuple[Reason, ...]:
    """Each scored criterion's share of its axis's distance from neutral, the largest first."""
    found: list[Reason] = []
    for axis in AXES:
        counted = [c for c in CRITERIA if c.axis == axis and c.key in criteria and weights[c.key] > 0]
        total = sum(weights[c.key] for c in counted)
        for c in counted:
            mean = criteria[c.key].mean
            points = weights[c.key] / total * (100.0 * goodness(c, mean) - NEUTRAL)
            if abs(points) >= REASON_MIN_POINTS:
                found.append(Reason(c.key, axis, points, mean, c.key in data_backed))
    order = {c.key: i for i, c in enumerate(CRITERIA)}
    found.sort(key=lambda r: (-abs(r.points), order[r.criterion]))
    return tuple(found[:REASONS_SHOWN])


def round_count(value: float) -> int:
    """A count people can read: two significant figures (4,321 -> 4,300), at least 1."""
    if value <= 0:
        return 0
    digits = max(0, math.floor(math.log10(value)) - 1)
    return max(1, round(value / 10**digits) * 10**digits)


def _mean(criteria: Mapping[str, Stat], key: str) -> float | None:
    return criteria[key].mean if key in criteria else None


def _at_most(criteria: Mapping[str, Stat], key: str, limit: float) -> bool:
    return key in criteria and criteria[key].mean <= limit


def _at_least(criteria: Mapping[str, Stat], key: str, limit: float) -> bool:
    return key in criteria and criteria[key].mean >= limit


def _task_advice(criteria: Mapping[str, Stat], facts: IdeaFacts) -> Recommendation | None:
    """The task: think small, and check it is a one-second task."""
    one_second = _mean(criteria, "one_second_task")
    if (
        facts.one_second_test == "no"
        or _at_most(criteria, "one_second_task", LOW_SCORE)
        or _at_most(criteria, "clear_a_to_b", LOW_SCORE)
    ):
        return Recommendation("scope_to_task", {"task": facts.task_scope.strip()})
    if facts.one_second_test != "yes" and (one_second is None or one_second < HIGH_SCORE):
        return Recommendation("run_one_second_test")
    return None


def _data_advice(
    criteria: Mapping[str, Stat], evidence: DataEvidence | None, facts: IdeaFacts
) -> Recommendation | None:
    """The data: measured when there is evidence, else judged."""
    if evidence is None:
        return Recommendation("measure_data_need") if _at_most(criteria, "enough_data", MIDDLE_SCORE) else None
    if not evidence.reachable:
        return Recommendation("rethink_target", {"target": evidence.target_metric})
    if (
        evidence.examples_needed is None
        or evidence.examples_on_hand is None
        or evidence.examples_on_hand >= evidence.examples_needed
    ):
        return None
    missing = evidence.examples_needed - evidence.examples_on_hand
    params: dict[str, Any] = {"count": round_count(missing), "target": evidence.target_metric}
    if evidence.needed_low is not None and evidence.needed_high is not None:
        params["low"] = round_count(max(0.0, evidence.needed_low - evidence.examples_on_hand))
        params["high"] = round_count(max(0.0, evidence.needed_high - evidence.examples_on_hand))
    if facts.examples_per_month:
        params["months"] = math.ceil(missing / facts.examples_per_month)
    return Recommendation("collect_examples", params)


def _recommendations(
    *,
    score_quadrant: str | None,
    evaluations: int,
    criteria: Mapping[str, Stat],
    disagreements: tuple[str, ...],
    evidence: DataEvidence | None,
    facts: IdeaFacts,
) -> tuple[Recommendation, ...]:
    if evaluations == 0:
        return (Recommendation("score_it"),)
    out: list[Recommendation] = []
    if disagreements:
        out.append(Recommendation("discuss_disagreement", {"topics": list(disagreements)}))
    for advice in (_task_advice(criteria, facts), _data_advice(criteria, evidence, facts)):
        if advice is not None:
            out.append(advice)
    if _at_least(criteria, "ethical_risk", HIGH_SCORE):
        out.append(Recommendation("review_risks"))
    if _at_least(criteria, "error_cost", HIGH_SCORE):
        out.append(Recommendation("keep_human_in_loop"))
    if score_quadrant is not None:
        out.append(Recommendation(QUADRANT_ADVICE[score_quadrant]))
    if evaluations == 1:
        out.append(Recommendation("ask_another_evaluator"))
    return tuple(out)


def score_idea(
    evaluations: Iterable[Mapping[str, float]],
    *,
    weights: Mapping[str, Any] | None = None,
    evidence: DataEvidence | None = None,
    facts: IdeaFacts | None = None,
) -> IdeaScore:
    """Everything the canvas shows about one idea, from its evaluators' (cleaned) scores."""
    weights = clean_weights(weights)
    per_evaluator = [apply_evidence(e, evidence) for e in evaluations]
    axes: dict[str, Stat | None] = {}
    for axis in AXES:
        values = [s for s in (axis_score(e, weights, axis) for e in per_evaluator) if s is not None]
        axes[axis] = Stat.of(values)
    criteria: dict[str, Stat] = {}
    for c in CRITERIA:
        stat = Stat.of([e[c.key] for e in per_evaluator if c.key in e])
        if stat is not None:
            criteria[c.key] = stat
    feasibility, value = axes[FEASIBILITY], axes[VALUE]
    score_quadrant = priority = None
    if feasibility is not None and value is not None:
        score_quadrant = quadrant(feasibility.mean, value.mean)
        priority = math.sqrt(feasibility.mean * value.mean)
    disagreements: list[str] = []
    if len(per_evaluator) >= 2:
        disagreements += [
            a for a in AXES if (axis_stat := axes[a]) is not None and axis_stat.spread >= AXIS_SPREAD_FLAG
        ]
        disagreements += [
            c.key
            for c in CRITERIA
            if c.key in criteria and weights[c.key] > 0 and criteria[c.key].spread >= CRITERION_SPREAD_FLAG
        ]
    backed = set(evidence_scores(evidence)) if evidence is not None and per_evaluator else set()
    return IdeaScore(
        evaluations=len(per_evaluator),
        feasibility=feasibility,
        value=value,
        criteria=criteria,
        quadrant=score_quadrant,
        priority=priority,
        effort=_effort(criteria),
        flagged=bool(disagreements),
        disagreements=tuple(disagreements),
        reasons=_reasons(criteria, weights, backed),
        recommendations=_recommendations(
            score_quadrant=score_quadrant,
            evaluations=len(per_evaluator),
            criteria=criteria,
            disagreements=tuple(disagreements),
            evidence=evidence,
            facts=facts or IdeaFacts(),
        ),
        data_backed=bool(backed),
        evidence=evidence,
    )


def rank_key(score: IdeaScore) -> tuple[int, float, float, float]:
    """Sort key, best first: scored ideas by priority √(F × V), then value, then feasibility;
    unscored ideas last."""
    if score.priority is None or score.feasibility is None or score.value is None:
        return (1, 0.0, 0.0, 0.0)
    return (0, -score.priority, -score.value.mean, -score.feasibility.mean)
