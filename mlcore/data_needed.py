"""How much data is enough? Answers read from a stored learning curve, without training again.

A learning-curve job (``mlcore.services.learning_curves``) stores :func:`curve_result`: the error
of a baseline measured on growing slices of a data set and the power law fitted to it. From that,
:func:`examples_needed_for` answers "how many training examples for this target?" for any target
(the projects canvas and the drawing rounds ask again for other targets), and :func:`answer_text`
says it in a sentence. No database and no training here: only the stored numbers.

Targets are in the units people think in: **accuracy** (a share between 0 and 1) for classifiers,
the **mean absolute error** (in the units of the answer column) for regression. The curve itself is
of the error (``1 - accuracy`` or the MAE), which is what the power law describes.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mlcore.errors import MlError
from mlcore.learn import examples_needed

ERROR_RATE = "error_rate"
MAE = "mae"


def metric_of(task: str) -> str:
    """The error a learning curve measures for ``task``: ``error_rate`` (classifiers) or ``mae``."""
    return MAE if task == "regression" else ERROR_RATE


def clean_target(metric: str, target: Any) -> float | None:
    """The target as a float, or None when none was given; refuses what cannot be a target with a
    message that says what to give (``bad_target_accuracy`` / ``bad_target_mae``)."""
    if target is None or target == "":
        return None
    code = "bad_target_mae" if metric == MAE else "bad_target_accuracy"
    if isinstance(target, bool):
        raise MlError(code)
    if isinstance(target, str):
        try:
            target = float(target.strip().replace(",", ""))
        except ValueError:
            raise MlError(code) from None
    if not isinstance(target, numbers.Real) or not math.isfinite(float(target)):
        raise MlError(code)
    value = float(target)
    if metric == MAE and value <= 0:
        raise MlError(code)
    if metric != MAE and not 0 < value < 1:
        raise MlError(code)
    return value


def curve_result(curve: Mapping[str, Any], *, examples_on_hand: int | None = None) -> dict[str, Any]:
    """The stored form of ``mlcore.learn.learning_curve``'s answer: one point per slice (its share of a
    fold's training part, the mean number of training examples, the error per fold, their mean and
    spread), the fit ``{a, b, c, rmse, method, samples}`` (``samples`` are the bootstrap refits that
    give the band; None with fewer than three slice sizes) and ``examples_on_hand``."""
    points = []
    for i, size in enumerate(curve["sizes"]):
        points.append(
            {
                "fraction": float(curve["fractions"][i]),
                "n": float(size),
                "errors": [float(e) for e in curve["errors"][i]],
                "error_mean": float(curve["mean_error"][i]),
                "error_std": float(curve["std_error"][i]),
            }
        )
    on_hand = int(curve.get("n_available", 0)) if examples_on_hand is None else int(examples_on_hand)
    return {
        "task": curve.get("task", ""),
        "metric": curve["metric"],
        "baseline": curve.get("baseline", ""),
        "folds": int(curve.get("folds", 0)),
        "examples_on_hand": on_hand,
        "points": points,
        "fit": dict(curve["fit"]) if curve.get("fit") else None,
        "seconds": curve.get("seconds"),
    }


def as_result(result_or_curve: Mapping[str, Any]) -> Mapping[str, Any]:
    """A stored result as it is, or the raw answer of ``mlcore.learn.learning_curve`` converted."""
    if "points" in result_or_curve:
        return result_or_curve
    return curve_result(result_or_curve)


def target_error(metric: str, target: float) -> float:
    return target if metric == MAE else 1.0 - target


def performance(metric: str, error: float) -> float:
    """What people read: accuracy for an error rate, the MAE itself for regression."""
    return error if metric == MAE else 1.0 - error


def examples_needed_for(result: Mapping[str, Any], target: Any) -> dict[str, Any]:
    """How many training examples ``target`` would take, from a stored learning curve.

    Returns ``{target, metric ("accuracy" | "mae"), target_error, reachable, estimate, low, high,
    examples_on_hand, enough, limit}``. ``estimate`` and the 80% band ``low``..``high`` are whole
    numbers of training examples; ``high`` is None when the band has no top (some bootstrap refits
    never reach the target). ``reachable`` is False when the target is beyond the fitted floor (more
    examples of the same kind will not get there; ``estimate`` is None then), None when the curve
    could not be fitted. ``limit`` is the best the curve levels off at (accuracy or MAE)."""
    result = as_result(result)
    metric = result["metric"]
    value = clean_target(metric, target)
    if value is None:
        raise MlError("bad_target_mae" if metric == MAE else "bad_target_accuracy")
    on_hand = int(result.get("examples_on_hand") or 0)
    answer: dict[str, Any] = {
        "target": value,
        "metric": "mae" if metric == MAE else "accuracy",
        "target_error": target_error(metric, value),
        "reachable": None,
        "estimate": None,
        "low": None,
        "high": None,
        "examples_on_hand": on_hand,
        "enough": None,
        "limit": None,
    }
    fit = result.get("fit")
    if not fit:
        return answer
    answer["limit"] = performance(metric, float(fit["c"]))
    measured_max = max((float(p["n"]) for p in result.get("points") or ()), default=None)
    estimate, low, high = examples_needed(fit, answer["target_error"], measured_max=measured_max)
    if math.isinf(estimate):
        answer["reachable"] = False
        answer["enough"] = False
        return answer
    answer["reachable"] = True
    answer["estimate"] = _count(estimate)
    answer["low"] = _count(low)
    answer["high"] = None if math.isinf(high) else _count(high)
    answer["enough"] = answer["estimate"] <= on_hand
    return answer


def _count(n: float) -> int:
    return max(1, math.ceil(n))


# --------------------------------------------------------------------------- words


def about(n: float) -> int:
    """Two significant figures ("about 4,100", not "4,123"): the measurement is not more precise."""
    if n < 100:
        return max(1, round(n))
    digits = math.floor(math.log10(n)) - 1
    return int(round(n / 10**digits) * 10**digits)


def count_text(n: float) -> str:
    return number_format(int(n), force_grouping=True)


def percent_text(share: float) -> str:
    text = f"{100 * share:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def number_text(value: float) -> str:
    return number_format(float(f"{value:.3g}"), force_grouping=True)


def performance_text(metric: str, value: float) -> str:
    """An accuracy as a percentage, an MAE as a number ("accuracy" / "mae", or the curve's metric)."""
    return number_text(value) if metric in (MAE, "mae") else percent_text(value)


def answer_text(answer: Mapping[str, Any]) -> str:
    """The answer of :func:`examples_needed_for` as a sentence in the active language, e.g. "About
    4,000 examples for 90% accuracy (80% band 2,500–6,800); you have 600. Collect about 3,400 more." """
    accuracy = answer["metric"] != "mae"
    target = performance_text(answer["metric"], answer["target"])
    if answer["reachable"] is None:
        return _("The learning curve could not be fitted: it needs errors at three or more different slice sizes.")
    if not answer["reachable"]:
        values = {"target": target, "limit": performance_text(answer["metric"], answer["limit"])}
        if accuracy:
            text = _(
                "More examples of the same kind are unlikely to reach %(target)s accuracy: the baseline levels "
                "off near %(limit)s. Better inputs (A), cleaner answers (B) or a stronger model would be needed."
            )
        else:
            text = _(
                "More examples of the same kind are unlikely to reach a mean absolute error of %(target)s: the "
                "baseline levels off near %(limit)s. Better inputs (A), cleaner answers (B) or a stronger model "
                "would be needed."
            )
        return text % values
    low = count_text(about(answer["low"]))
    if answer["high"] is None:
        band = _("80%% band: %(low)s or more") % {"low": low}
    elif about(answer["low"]) == about(answer["high"]):
        band = _("80%% band: about %(low)s") % {"low": low}
    else:
        band = _("80%% band %(low)s–%(high)s") % {"low": low, "high": count_text(about(answer["high"]))}
    values = {
        "estimate": count_text(about(answer["estimate"])),
        "target": target,
        "band": band,
        "on_hand": count_text(answer["examples_on_hand"]),
    }
    if accuracy:
        text = _("About %(estimate)s examples for %(target)s accuracy (%(band)s); you have %(on_hand)s.") % values
    else:
        text = (
            _("About %(estimate)s examples for a mean absolute error of %(target)s (%(band)s); you have %(on_hand)s.")
            % values
        )
    if answer["enough"]:
        advice = _("That should be enough.")
    else:
        advice = _("Collect about %(more)s more.") % {
            "more": count_text(about(answer["estimate"] - answer["examples_on_hand"]))
        }
    return f"{text} {advice}"
