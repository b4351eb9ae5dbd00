"""The words of the rubric: criterion labels, questions and scale anchors, quadrant names, and the
recommendations and refusals that ``projects.rubric`` returns as codes. Kept apart so the rubric
stays plain Python; everything here is translated lazily (rendered in the reader's language)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from projects import rubric

if TYPE_CHECKING:  # the type of a lazy translation, known to the type checker only (django-stubs)
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class CriterionText:
    label: StrPromise
    question: StrPromise
    low: StrPromise  # what a 1 means
    high: StrPromise  # what a 5 means


TEXT: dict[str, CriterionText] = {
    "one_second_task": CriterionText(
        gettext_lazy("One-second task"),
        gettext_lazy("Could a person do this task with about a second of thought?"),
        gettext_lazy("No: it takes long thinking"),
        gettext_lazy("Yes: at a glance"),
    ),
    "clear_a_to_b": CriterionText(
        gettext_lazy("Clear A → B"),
        gettext_lazy(
            "Are the input A and the output B well defined, so that two people labelling the same A agree on B?"
        ),
        gettext_lazy("Vague"),
        gettext_lazy("Crisp"),
    ),
    "enough_data": CriterionText(
        gettext_lazy("Enough A → B data"),
        gettext_lazy(
            "Is there enough labelled A → B data, on hand or collectable, for how hard the concept is? "
            "Little data and a hard concept make a hard project."
        ),
        gettext_lazy("Little data for a hard concept"),
        gettext_lazy("Plenty for an easy one"),
    ),
    "performance_reachable": CriterionText(
        gettext_lazy("Needed performance reachable"),
        gettext_lazy("Can a model reach the accuracy the business needs to use it?"),
        gettext_lazy("Far beyond today's AI"),
        gettext_lazy("Clearly reachable"),
    ),
    "engineering_effort": CriterionText(
        gettext_lazy("Engineering effort"),
        gettext_lazy("How much building, integration and upkeep does it take? More effort lowers feasibility."),
        gettext_lazy("Very little"),
        gettext_lazy("A major project"),
    ),
    "ethical_risk": CriterionText(
        gettext_lazy("Ethical risk"),
        gettext_lazy(
            "How serious are the privacy, bias, explainability and safety risks? More risk lowers feasibility."
        ),
        gettext_lazy("Negligible"),
        gettext_lazy("Serious"),
    ),
    "business_impact": CriterionText(
        gettext_lazy("Business impact"),
        gettext_lazy("How much would it lower costs, raise revenue, or improve quality or speed?"),
        gettext_lazy("Marginal"),
        gettext_lazy("Large"),
    ),
    "pain_severity": CriterionText(
        gettext_lazy("Pain severity"),
        gettext_lazy("How much does the pain point it relieves hurt today?"),
        gettext_lazy("A minor annoyance"),
        gettext_lazy("A serious problem"),
    ),
    "frequency": CriterionText(
        gettext_lazy("Frequency"),
        gettext_lazy("How often does the task happen?"),
        gettext_lazy("Rarely"),
        gettext_lazy("All the time"),
    ),
    "strategic_fit": CriterionText(
        gettext_lazy("Strategic fit"),
        gettext_lazy(
            "Does it fit where the business is going, and can it start a virtuous cycle "
            "(a better product brings more users, more users bring more data)?"
        ),
        gettext_lazy("Off strategy"),
        gettext_lazy("At the core"),
    ),
    "error_cost": CriterionText(
        gettext_lazy("Cost of errors"),
        gettext_lazy("How costly is a wrong answer from the model? Costly errors lower the value."),
        gettext_lazy("Harmless"),
        gettext_lazy("Very costly"),
    ),
}

AXIS_LABELS = {rubric.FEASIBILITY: gettext_lazy("ML feasibility"), rubric.VALUE: gettext_lazy("Business value")}

QUADRANT_LABELS = {
    rubric.DO_NOW: gettext_lazy("Do now"),
    rubric.INVEST: gettext_lazy("Invest in data or research"),
    rubric.QUICK_WIN: gettext_lazy("Quick win"),
    rubric.DROP: gettext_lazy("Drop"),
}
QUADRANT_HELP = {
    rubric.DO_NOW: gettext_lazy("Feasible and valuable: where ML and the business meet."),
    rubric.INVEST: gettext_lazy("Valuable, but not feasible yet: it needs data or research first."),
    rubric.QUICK_WIN: gettext_lazy("Feasible, of modest value: cheap to try."),
    rubric.DROP: gettext_lazy("Neither feasible nor valuable enough, for now."),
}
UNSCORED_LABEL = gettext_lazy("Not scored yet")

DATA_BACKED_NOTE = gettext_lazy(
    "Data-backed: the data criteria come from a learning curve measured on a sample of the data, "
    "not from the evaluators' judgement."
)

ERROR_MESSAGES = {
    "unknown_criterion": gettext_lazy("There is no criterion named “%(criterion)s”."),
    "bad_score": gettext_lazy("Score “%(label)s” with a whole number from 1 to 5, or leave it empty."),
    "no_scores": gettext_lazy("Score at least one criterion."),
    "bad_weight": gettext_lazy("The weight of “%(label)s” must be a number from 0 to %(maximum)s."),
    "zero_weights": gettext_lazy("At least one criterion of %(axis)s needs a weight above 0."),
}


def criterion_label(key: str) -> str:
    text = TEXT.get(key)
    return str(text.label) if text else key


def topic_label(key: str) -> str:
    """A criterion's or an axis's name (disagreements name both)."""
    return str(AXIS_LABELS[key]) if key in AXIS_LABELS else criterion_label(key)


def criteria_definitions(weights: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """Every criterion with its words in the active language, in rubric order (forms, API)."""
    weights = rubric.clean_weights(weights)
    return [
        {
            "key": c.key,
            "axis": c.axis,
            "axis_label": str(AXIS_LABELS[c.axis]),
            "label": str(TEXT[c.key].label),
            "question": str(TEXT[c.key].question),
            "low": str(TEXT[c.key].low),
            "high": str(TEXT[c.key].high),
            "direction": c.direction,
            "data_backed": c.data_backed,
            "default_weight": c.default_weight,
            "weight": weights[c.key],
        }
        for c in rubric.CRITERIA
    ]


def rubric_error_message(exc: rubric.RubricError) -> str:
    params = dict(exc.params)
    if "criterion" in params:
        params["label"] = criterion_label(params["criterion"])
    if "axis" in params:
        params["axis"] = topic_label(params["axis"])
    if "maximum" in params:
        params["maximum"] = number_format(params["maximum"])
    template = ERROR_MESSAGES.get(exc.code)
    return str(template) % params if template else exc.code


def _percent(value: float) -> str:
    return f"{number_format(round(100 * value, 1))} %"


#: Advice that takes no parameters, by recommendation code.
FIXED_ADVICE: dict[str, Promise] = {
    "score_it": gettext_lazy("Score it: nobody has evaluated this idea yet."),
    "run_one_second_test": gettext_lazy(
        "Run a one-second test: show a colleague 20 examples of A and check that they can give B "
        "with about a second of thought each."
    ),
    "measure_data_need": gettext_lazy(
        "Collect labelled A → B examples and measure how many are needed: a learning curve on a sample "
        "answers it with data, not a guess."
    ),
    "review_risks": gettext_lazy(
        "Review privacy, bias, explainability and safety before building, and decide how a person can "
        "check and overrule the model."
    ),
    "keep_human_in_loop": gettext_lazy(
        "Errors are costly: keep a person in the loop to check the answers the model is unsure of."
    ),
    "start_pilot": gettext_lazy(
        "Do it now: start a small pilot, measure it, and let the data it collects make it better "
        "(the virtuous cycle of AI)."
    ),
    "invest_in_data": gettext_lazy(
        "Valuable but not feasible yet: invest in data collection or research before building."
    ),
    "quick_win": gettext_lazy(
        "A quick win: feasible but of modest value. Do it if it is cheap, or bundle it with a bigger idea."
    ),
    "park_it": gettext_lazy("Park it for now: it is neither feasible nor valuable enough yet."),
    "ask_another_evaluator": gettext_lazy("Ask another evaluator: one opinion has no spread."),
}


def _discuss_disagreement(p: dict[str, Any]) -> str:
    topics = ", ".join(topic_label(t) for t in p.get("topics", []))
    return _("Evaluators disagree on %(topics)s: talk it through before deciding.") % {"topics": topics}


def _scope_to_task(p: dict[str, Any]) -> str:
    if p.get("task"):
        return _(
            "Think smaller: scope it to one task (%(task)s) that a person does in about a second. "
            "Automate tasks, not jobs."
        ) % {"task": p["task"]}
    return _("Think smaller: automate one task, not the whole job. Find the step a person does in about a second.")


def _rethink_target(p: dict[str, Any]) -> str:
    return _(
        "The learning curve does not reach %(target)s with any amount of data in sight: lower the target "
        "or rethink the task."
    ) % {"target": _percent(p["target"])}


def _collect_examples(p: dict[str, Any]) -> str:
    text = _("Collect about %(count)s more labelled examples first to reach %(target)s.") % {
        "count": number_format(p["count"], force_grouping=True),
        "target": _percent(p["target"]),
    }
    if "low" in p and "high" in p:
        text += " " + _("(Likely between %(low)s and %(high)s.)") % {
            "low": number_format(p["low"], force_grouping=True),
            "high": number_format(p["high"], force_grouping=True),
        }
    if p.get("months"):
        text += " " + ngettext(
            "At the current pace that takes about %(months)s month.",
            "At the current pace that takes about %(months)s months.",
            p["months"],
        ) % {"months": p["months"]}
    return text


#: Advice worded from the recommendation's parameters, by code.
ADVICE_WITH_PARAMS: dict[str, Callable[[dict[str, Any]], str]] = {
    "discuss_disagreement": _discuss_disagreement,
    "scope_to_task": _scope_to_task,
    "rethink_target": _rethink_target,
    "collect_examples": _collect_examples,
}


def recommendation_text(rec: rubric.Recommendation) -> str:
    """The advice in the active language (the code itself for an unknown one)."""
    if rec.code in FIXED_ADVICE:
        return str(FIXED_ADVICE[rec.code])
    wording = ADVICE_WITH_PARAMS.get(rec.code)
    return wording(dict(rec.params)) if wording is not None else rec.code
