"""The ranked list as CSV: UTF-8 with a BOM (so Excel reads Korean), headers in the reader's
language, and every text cell typed by someone (titles, students' nicknames) defused against
formula injection by ``core.spreadsheet_safety``. Numbers stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheet_safety import neutralise_row
from projects import rubric
from projects.criteria_text import criterion_label, recommendation_text, topic_label
from projects.models import ValueDriver, Workspace
from projects.payloads import quadrant_label
from projects.selectors import RankedIdea

BOM = "\ufeff"


def _round(value: float | None) -> float | str:
    return "" if value is None else round(value, 1)


def ranking_header() -> list[str]:
    return [
        _("Rank"),
        _("Title"),
        _("Quadrant"),
        _("ML feasibility"),
        _("Feasibility spread"),
        _("Business value"),
        _("Value spread"),
        _("Priority"),
        _("Effort"),
        _("Evaluations"),
        _("Flagged for discussion"),
        _("Data-backed"),
        _("Input (A)"),
        _("Output (B)"),
        _("Who uses it"),
        _("Pain point"),
        _("Value drivers"),
        _("Submitted by"),
        _("Reasons"),
        _("Recommendations"),
        *[criterion_label(c.key) for c in rubric.CRITERIA],
    ]


def ranking_row(item: RankedIdea) -> list[object]:
    idea, score = item.idea, item.score
    drivers = dict(ValueDriver.choices)
    yes, no = _("yes"), _("no")
    reasons = "; ".join(f"{criterion_label(r.criterion)} {r.points:+.1f}" for r in score.reasons)
    if score.flagged:
        reasons = (reasons + "; " if reasons else "") + _("disagreement: %(topics)s") % {
            "topics": ", ".join(topic_label(t) for t in score.disagreements)
        }
    return [
        item.rank if item.rank is not None else "",
        idea.title,
        quadrant_label(score.quadrant),
        _round(score.feasibility.mean if score.feasibility else None),
        _round(score.feasibility.spread if score.feasibility else None),
        _round(score.value.mean if score.value else None),
        _round(score.value.spread if score.value else None),
        _round(score.priority),
        _round(score.effort),
        score.evaluations,
        yes if score.flagged else no,
        yes if score.data_backed else no,
        idea.input_a,
        idea.output_b,
        idea.users,
        idea.pain_point,
        ", ".join(str(drivers.get(d, d)) for d in idea.value_drivers or []),
        idea.submitter_name,
        reasons,
        " ".join(recommendation_text(r) for r in score.recommendations),
        *[_round(score.criteria[c.key].mean) if c.key in score.criteria else "" for c in rubric.CRITERIA],
    ]


def ranking_csv(ranked: Sequence[RankedIdea]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(neutralise_row(ranking_header()))
    for item in ranked:
        writer.writerow(neutralise_row(ranking_row(item)))
    return (BOM + buffer.getvalue()).encode("utf-8")


def ranking_filename(workspace: Workspace) -> str:
    """ASCII only, so every browser keeps it: ``a2blab-ideas-<id>-<date>.csv``."""
    return f"a2blab-ideas-{workspace.id}-{timezone.localdate():%Y%m%d}.csv"


def ranking_response(ranked: Sequence[RankedIdea], workspace: Workspace) -> HttpResponse:
    """The CSV as a download."""
    response = HttpResponse(ranking_csv(ranked), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ranking_filename(workspace)}"'
    return response
