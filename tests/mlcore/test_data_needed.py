"""Answers and charts from a stored learning curve, without a database or training:
``mlcore.data_needed`` (examples needed for any target, the sentence) and ``mlcore.charts``
(the accessible SVG). The curves here are made by hand so every number is known."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from mlcore.charts import learning_curve_svg
from mlcore.data_needed import about, answer_text, curve_result, examples_needed_for
from mlcore.errors import MlError
from tests.mlcore.services.test_learning_curves import korean  # noqa: F401 - the fixture

pytestmark = pytest.mark.embedded

SVG = "{http://www.w3.org/2000/svg}"
HANGUL = re.compile("[\uac00-\ud7a3]")


@pytest.fixture(autouse=True)
def english():
    """English unless a test says otherwise (the site's default language is Korean)."""
    with translation.override("en"):
        yield


def curve(a: float = 2.0, b: float = 0.5, c: float = 0.03, *, metric: str = "error_rate", on_hand: int = 600) -> dict:
    """A stored result whose points lie on ``a * n**-b + c`` exactly (no bootstrap: no band)."""
    sizes = [40.0, 80.0, 160.0, 320.0]
    errors = [a * n**-b + c for n in sizes]
    raw = {
        "task": "classification" if metric == "error_rate" else "regression",
        "metric": metric,
        "baseline": "logistic regression",
        "n_available": on_hand,
        "folds": 3,
        "fractions": [0.1, 0.2, 0.4, 0.8],
        "sizes": sizes,
        "errors": [[e, e, e] for e in errors],
        "mean_error": errors,
        "std_error": [0.01] * 4,
        "fit": {"a": a, "b": b, "c": c, "rmse": 0.0, "method": "profile", "samples": []},
        "seconds": 0.1,
    }
    return curve_result(raw)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def test_examples_needed_from_the_formula():
    result = curve()  # error = 2 / sqrt(n) + 0.03
    needed = examples_needed_for(result, 0.9)  # error 0.1: n = (2 / 0.07) ** 2 = 816.3
    # 816 is beyond the largest slice measured (320): an extrapolation, so the band is at least x/÷ 2
    assert needed == {
        "target": 0.9,
        "metric": "accuracy",
        "target_error": pytest.approx(0.1),
        "reachable": True,
        "estimate": 817,
        "low": 409,
        "high": 1633,
        "examples_on_hand": 600,
        "enough": False,
        "limit": pytest.approx(0.97),
    }
    assert examples_needed_for(result, "0.8")["enough"] is True  # a string is a number too
    beyond = examples_needed_for(result, 0.99)  # error 0.01 is below the floor 0.02
    assert (beyond["reachable"], beyond["estimate"], beyond["high"]) == (False, None, None)
    regression = examples_needed_for(curve(metric="mae", c=0.5), 0.65)  # n = (2 / 0.15) ** 2 = 177.8
    assert (regression["metric"], regression["estimate"], regression["limit"]) == ("mae", 178, 0.5)
    no_fit = examples_needed_for({**result, "fit": None}, 0.9)
    assert (no_fit["reachable"], no_fit["estimate"]) == (None, None)
    for bad in (None, 90, 0, 1, "x", True):
        with pytest.raises(MlError) as info:
            examples_needed_for(result, bad)
        assert info.value.code == "bad_target_accuracy"


def test_the_band_comes_from_the_bootstrap_refits():
    result = curve()
    result["fit"]["samples"] = [[2.0, 0.5, 0.03], [1.5, 0.5, 0.03], [3.0, 0.5, 0.03], [2.0, 0.5, 0.2]]
    needed = examples_needed_for(result, 0.9)
    assert needed["low"] < needed["estimate"] == 817
    assert needed["high"] is None  # a refit that never reaches 90%: the band has no top


def test_the_sentence_in_english_and_korean(korean):  # noqa: F811
    with translation.override("en"):
        assert about(4123) == 4100
        assert about(57) == 57
        text = answer_text(examples_needed_for(curve(), 0.9))
        assert text == (
            "About 820 examples for 90% accuracy (80% band 410–1,600); you have 600. Collect about 220 more."
        )
        within = answer_text(examples_needed_for(curve(), 0.86))  # n = (2 / 0.11) ** 2 = 331: barely beyond
        assert "About 330 examples for 86% accuracy" in within
        assert answer_text(examples_needed_for(curve(), 0.8)).endswith("you have 600. That should be enough.")
        unreachable = answer_text(examples_needed_for(curve(), 0.99))
        assert "unlikely to reach 99% accuracy" in unreachable
        assert "near 97%" in unreachable
        mae = answer_text(examples_needed_for(curve(metric="mae", c=0.5, on_hand=5000), 0.65))
        assert mae.startswith("About 180 examples for a mean absolute error of 0.65")
        result = curve(on_hand=12000)
        result["fit"]["samples"] = [[2.0, 0.5, 0.03], [2.0, 0.5, 0.2]] * 5
        assert "80% band: 410 or more" in answer_text(examples_needed_for(result, 0.9))
    with translation.override("ko"):
        text = answer_text(examples_needed_for(curve(), 0.9))
        assert HANGUL.search(text)
        assert "820" in text
        assert "90%" in text


def test_the_chart_is_accessible_printable_svg():
    svg = learning_curve_svg(curve(), target=0.9, chart_id="c1")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").get("id") == "c1-title"
    description = root.find(f"{SVG}desc").text
    assert "40 examples" in description
    assert "About 820 examples for 90% accuracy" in description
    assert "<script" not in svg
    assert "var(--" not in svg  # explicit colours: prints as shown
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Accuracy" in texts
    assert "Training examples (log scale)" in texts
    assert "target 90%" in texts
    assert "you have 600" in texts
    assert "≈ 820" in texts
    assert {"50", "100", "200", "500", "1,000"} <= set(texts)  # a 1-2-5 logarithmic axis
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("r") == "4.5"]) == 4 + 1  # points + legend
    assert len(root.findall(f".//{SVG}g/{SVG}rect")) >= 1  # the band


def test_the_chart_variants():
    error_rate = parse(learning_curve_svg(curve(), target=0.9, accuracy=False))
    texts = [t.text for t in error_rate.iter(f"{SVG}text")]
    assert "Error rate" in texts
    assert "target 10%" in texts
    far = [t.text for t in parse(learning_curve_svg(curve(), target=0.9699)).iter(f"{SVG}text")]
    assert any(text.startswith("≈") and text.endswith("→") for text in far)  # beyond the axis: an arrow
    unreachable = parse(learning_curve_svg(curve(), target=0.99))
    assert "unlikely to reach" in unreachable.find(f"{SVG}desc").text
    plain = parse(learning_curve_svg(curve(metric="mae", c=0.5), x_label="Drawings", metric_label="MAE (원)"))
    texts = [t.text for t in plain.iter(f"{SVG}text")]
    assert "Drawings" in texts
    assert "MAE (원)" in texts
    raw = {
        "task": "classification",
        "metric": "error_rate",
        "sizes": [10.0, 20.0, 40.0],
        "fractions": [0.25, 0.5, 1.0],
        "errors": [[0.5], [0.4], [0.3]],
        "mean_error": [0.5, 0.4, 0.3],
        "std_error": [0.0, 0.0, 0.0],
        "fit": None,
        "n_available": 60,
    }
    assert parse(learning_curve_svg(raw, target=0.9)).get("role") == "img"  # learn's own answer, no fit


def test_the_chart_escapes_every_text(korean):  # noqa: F811
    result = curve()
    result["baseline"] = '<script>alert("x")</script>'
    svg = learning_curve_svg(result, metric_label="a < b & c", title='"><img src=x>', chart_id="x\"'y")
    parse(svg)
    assert "<script>" not in svg
    assert "<img" not in svg
    with translation.override("ko"):
        root = parse(learning_curve_svg(curve(), target=0.9))
    assert HANGUL.search(root.find(f"{SVG}title").text)
    assert HANGUL.search(root.find(f"{SVG}desc").text)
