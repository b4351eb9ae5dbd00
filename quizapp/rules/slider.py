"""A slider (number) question's rules, pure: its settings, its answers, its histogram.

The answer is a number in ``[minimum, maximum]`` on the slider's ``step``; it is right within
``margin`` of the true ``answer`` (Kahoot's slider with margin; ``docs/scoring.md``). The reveal and
the report show the class's answers as a histogram of at most :data:`MAX_BINS` equal bins over the
range: each bin is one of the question's ``options`` (its text the bin's range), so the tally, the
bars and the report's distribution work as for a poll; the bin holding the true answer is marked
correct for the bars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_BINS", "MAX_STEPS", "SliderRefused", "SliderSettings", "check_value", "clean_settings"]

MAX_BINS = 10
#: At most this many positions on a slider: a phone's thumb can pick among them.
MAX_STEPS = 100_000
#: Numbers as large as a price in won, not more (JSON and a phone's display stay exact).
MAX_ABS = 1e12


class SliderRefused(ValueError):
    """A setting or an answer that does not fit; ``code`` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SliderSettings:
    minimum: float
    maximum: float
    step: float
    answer: float
    margin: float
    unit: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "min": _plain(self.minimum),
            "max": _plain(self.maximum),
            "step": _plain(self.step),
            "answer": _plain(self.answer),
            "margin": _plain(self.margin),
            "unit": self.unit,
        }

    def public(self) -> dict[str, Any]:
        """What a phone needs to draw the slider: never the answer."""
        return {"min": _plain(self.minimum), "max": _plain(self.maximum), "step": _plain(self.step), "unit": self.unit}

    def bins(self) -> list[tuple[float, float]]:
        """Equal bins over the range, on the step (fewer when the range has fewer positions)."""
        positions = round((self.maximum - self.minimum) / self.step) + 1
        count = min(MAX_BINS, positions)
        width = math.ceil(positions / count) * self.step
        edges = []
        low = self.minimum
        while low <= self.maximum + self.step / 2:
            high = min(self.maximum, low + width - self.step)
            edges.append((low, high))
            low = low + width
        return edges

    def bin_of(self, value: float) -> int:
        for index, (low, high) in enumerate(self.bins()):
            if low - self.step / 2 <= value <= high + self.step / 2:
                return index
        return len(self.bins()) - 1

    def bin_labels(self) -> list[str]:
        labels = []
        for low, high in self.bins():
            text = fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}"
            labels.append(f"{text} {self.unit}".strip())
        return labels

    def is_correct(self, value: float) -> bool:
        return abs(value - self.answer) <= self.margin + self.step * 1e-9

    def answer_text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{fmt(self.answer)}{unit}" + (f" (± {fmt(self.margin)})" if self.margin else "")


def _number(value: Any, code: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise SliderRefused(code)
    try:
        number = float(value)
    except ValueError:
        raise SliderRefused(code) from None
    if not math.isfinite(number) or abs(number) > MAX_ABS:
        raise SliderRefused(code)
    return number


def _plain(number: float) -> int | float:
    """15.0 -> 15 (the wire and the builder show integers as integers)."""
    return int(number) if float(number).is_integer() else number


def fmt(number: float) -> str:
    """A number for people: no trailing zeros, at most six decimals."""
    plain = _plain(round(number, 6))
    return f"{plain:,}" if isinstance(plain, int) else f"{plain:,.6f}".rstrip("0").rstrip(".")


def clean_settings(raw: Any) -> SliderSettings:
    """The settings an author gave (``min``, ``max``, ``step``, ``answer``, ``margin``, ``unit``), checked."""
    if not isinstance(raw, dict):
        raise SliderRefused("slider_settings")
    minimum = _number(raw.get("min"), "slider_range")
    maximum = _number(raw.get("max"), "slider_range")
    step = _number(raw.get("step", 1), "slider_step")
    answer = _number(raw.get("answer"), "slider_answer")
    margin = _number(raw.get("margin", 0), "slider_margin")
    unit = str(raw.get("unit") or "").strip()[:20]
    if not minimum < maximum:
        raise SliderRefused("slider_range")
    if step <= 0 or (maximum - minimum) / step > MAX_STEPS:
        raise SliderRefused("slider_step")
    if not _on_step(answer, minimum, step) or not minimum <= answer <= maximum:
        raise SliderRefused("slider_answer")
    if margin < 0 or margin > maximum - minimum + step * 1e-6:
        raise SliderRefused("slider_margin")
    return SliderSettings(minimum, maximum, step, answer, margin, unit)


def settings_of(numeric: dict[str, Any]) -> SliderSettings:
    """A stored question's settings (checked when it was saved)."""
    return clean_settings(numeric)


def _on_step(value: float, minimum: float, step: float) -> bool:
    steps = (value - minimum) / step
    return abs(steps - round(steps)) <= 1e-6


def check_value(settings: SliderSettings, raw: Any) -> float:
    """A student's answer: a number (not a boolean, not a string) in the range, on the step."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise SliderRefused("slider_value")
    value = float(raw)
    if not math.isfinite(value) or not settings.minimum <= value <= settings.maximum:
        raise SliderRefused("slider_value")
    if not _on_step(value, settings.minimum, settings.step):
        raise SliderRefused("slider_value")
    return value
