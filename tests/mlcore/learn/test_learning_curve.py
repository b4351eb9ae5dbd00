import importlib
import math

import numpy as np
import pytest

from mlcore.learn import (
    EVENT_KEYS,
    LearnError,
    PowerLawFit,
    examples_needed,
    fit_power_law,
    generate_doodles,
    learning_curve,
    load_digits,
)

# the package exports the function learning_curve, which hides the module of the same name
lc = importlib.import_module("mlcore.learn.learning_curve")


def _synthetic(a=2.0, b=0.5, c=0.05, noise=0.03, seed=0):
    rng = np.random.default_rng(seed)
    sizes = np.repeat([50, 100, 200, 400, 800, 1600, 3200], 3)  # three "folds" per size
    errors = (a * sizes ** (-b) + c) * (1 + rng.normal(0, noise, len(sizes)))
    return sizes, errors


def test_power_law_recovers_known_parameters():
    sizes, errors = _synthetic()
    fit = fit_power_law(sizes, errors, bootstrap=50)
    a, b, c = fit
    assert a == pytest.approx(2.0, rel=0.3)
    assert b == pytest.approx(0.5, abs=0.08)
    assert c == pytest.approx(0.05, abs=0.01)
    assert fit.method == "curve_fit"
    assert len(fit.samples) > 40
    assert fit(400) == pytest.approx(2.0 * 400**-0.5 + 0.05, rel=0.1)


@pytest.mark.parametrize(("a", "b", "c", "target"), [(2.0, 0.5, 0.05, 0.08), (5.0, 0.7, 0.02, 0.06)])
def test_examples_needed_within_factor_two(a, b, c, target):
    sizes, errors = _synthetic(a, b, c, seed=1)
    fit = fit_power_law(sizes, errors, bootstrap=100, seed=1)
    truth = (a / (target - c)) ** (1 / b)
    estimate, low, high = examples_needed(fit, target)
    assert truth / 2 <= estimate <= truth * 2
    assert low <= estimate <= high
    assert high < 10 * truth
    # the same numbers from the JSON form the learning curve returns
    assert examples_needed(fit.as_dict(), target) == (estimate, low, high)
    # a plain tuple has no band
    assert examples_needed(tuple(fit), target) == (estimate, estimate, estimate)


def test_examples_needed_below_the_floor_is_infinite():
    assert examples_needed((1.0, 0.5, 0.1), 0.05) == (math.inf, math.inf, math.inf)


def test_fit_needs_three_sizes():
    with pytest.raises(LearnError) as info:
        fit_power_law([10, 20, 10, 20], [0.5, 0.4, 0.5, 0.4])
    assert info.value.code == "too_few_rows"
    assert isinstance(fit_power_law([10, 20, 40], [0.5, 0.4, 0.35], bootstrap=0), PowerLawFit)


def test_learning_curve_on_digit_table():
    images, labels = load_digits()
    events = []
    curve = learning_curve(images.reshape(len(images), -1), labels, task="classification", progress=events.append)
    assert curve["metric"] == "error_rate"
    assert curve["baseline"] == "logistic regression"
    assert curve["sizes"] == sorted(curve["sizes"])
    assert len(curve["errors"]) == 4
    assert all(len(e) == 3 for e in curve["errors"])
    assert curve["mean_error"][0] > curve["mean_error"][-1]
    assert curve["fit"] is not None
    assert curve["fit"]["b"] > 0
    assert [e["stage"] for e in events] == ["start"] + ["epoch"] * 12 + ["end"]
    assert all(tuple(e) == EVENT_KEYS for e in events)


def test_learning_curve_regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    y = X @ np.array([1.0, 2.0, 3.0]) + rng.normal(0, 0.5, 150)
    curve = learning_curve(X, y, task="regression", fractions=(0.1, 0.3, 0.6, 1.0))
    assert curve["metric"] == "mae"
    assert curve["mean_error"][-1] < curve["mean_error"][0]
    assert curve["mean_error"][-1] < 0.6


def test_learning_curve_on_images_both_baselines(monkeypatch):
    monkeypatch.setattr(lc, "CNN_STEPS", 30)  # fewer optimiser steps per slice: this is a smoke test
    images, labels = generate_doodles(per_class=24, seed=2)
    linear = learning_curve(images, labels, task="image_classification", baseline="linear")
    assert linear["baseline"] == "logistic regression on pixels"
    cnn = learning_curve(images, labels, task="image_classification", fractions=(0.25, 0.5, 1.0), folds=2)
    assert cnn["baseline"] == "small CNN, few epochs"
    assert cnn["mean_error"][-1] < cnn["mean_error"][0]
    assert cnn["mean_error"][-1] < 0.9  # chance is 0.9


@pytest.mark.parametrize(
    "kwargs",
    [{"task": "ranking"}, {"task": "classification", "folds": 1}, {"task": "classification", "fractions": (0, 0.5)}],
)
def test_learning_curve_bad_arguments(kwargs):
    with pytest.raises(LearnError) as info:
        learning_curve([[1], [2], [3], [4]] * 5, ["a", "b"] * 10, **kwargs)
    assert info.value.code in ("bad_task", "bad_param")


def test_an_extrapolated_estimate_has_at_least_a_factor_two_band():
    """Beyond the largest slice measured, the bootstrap's band is too narrow (it sees only the
    measured points' scatter): the band widens to estimate / 2 .. estimate x 2."""
    fit = (2.0, 0.5, 0.0)  # error = 2 / sqrt(n): 0.02 needs 10,000 examples
    assert examples_needed(fit, 0.02) == (10000.0, 10000.0, 10000.0)
    assert examples_needed(fit, 0.02, measured_max=2000) == (10000.0, 5000.0, 20000.0)
    # inside the measured range nothing changes
    assert examples_needed(fit, 0.02, measured_max=20000) == (10000.0, 10000.0, 10000.0)
    # unreachable stays unreachable
    assert examples_needed((1.0, 0.5, 0.1), 0.05, measured_max=100) == (math.inf, math.inf, math.inf)
