"""An idea's score as plain data in the active language: what the API returns, the pages show
and the CSV export writes. One place words the rubric's codes (``projects.criteria_text``)."""

from __future__ import annotations

from typing import Any

from projects import rubric
from projects.criteria_text import (
    AXIS_LABELS,
    QUADRANT_LABELS,
    UNSCORED_LABEL,
    criterion_label,
    recommendation_text,
    topic_label,
)


def _num(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def stat_payload(stat: rubric.Stat | None) -> dict[str, Any] | None:
    if stat is None:
        return None
    return {"mean": _num(stat.mean), "spread": _num(stat.spread), "count": stat.count}


def quadrant_label(quadrant: str | None) -> str:
    return str(QUADRANT_LABELS[quadrant]) if quadrant else str(UNSCORED_LABEL)


def reason_payload(reason: rubric.Reason) -> dict[str, Any]:
    return {
        "criterion": reason.criterion,
        "label": criterion_label(reason.criterion),
        "axis": reason.axis,
        "axis_label": str(AXIS_LABELS[reason.axis]),
        "points": _num(reason.points),
        "mean": _num(reason.mean),
        "data_backed": reason.data_backed,
    }


def recommendation_payload(rec: rubric.Recommendation) -> dict[str, Any]:
    return {"code": rec.code, "params": rec.params, "text": recommendation_text(rec)}


def evidence_payload(evidence: rubric.DataEvidence | None) -> dict[str, Any] | None:
    if evidence is None:
        return None
    return {
        "examples_on_hand": evidence.examples_on_hand,
        "examples_needed": evidence.examples_needed,
        "needed_low": evidence.needed_low,
        "needed_high": evidence.needed_high,
        "target_metric": evidence.target_metric,
        "reachable": evidence.reachable,
    }


def score_payload(score: rubric.IdeaScore) -> dict[str, Any]:
    return {
        "evaluations": score.evaluations,
        "feasibility": stat_payload(score.feasibility),
        "value": stat_payload(score.value),
        "quadrant": score.quadrant,
        "quadrant_label": quadrant_label(score.quadrant),
        "priority": _num(score.priority),
        "effort": _num(score.effort),
        "flagged": score.flagged,
        "disagreements": [{"key": key, "label": topic_label(key)} for key in score.disagreements],
        "criteria": {key: stat_payload(stat) for key, stat in score.criteria.items()},
        "reasons": [reason_payload(r) for r in score.reasons],
        "recommendations": [recommendation_payload(r) for r in score.recommendations],
        "data_backed": score.data_backed,
        "evidence": evidence_payload(score.evidence),
    }
