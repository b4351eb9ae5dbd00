"""Server-side SVG charts of mlcore.

Plain SVG text, no script and no CSS variables: it prints as it is shown, reads the same inline in a
page, as an ``<img>`` or in a PDF, and is accessible (``role="img"`` with a ``<title>`` and a
``<desc>`` that says in words what the chart shows). Every text is escaped and translated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mlcore.data_needed import (
    ERROR_RATE,
    about,
    answer_text,
    as_result,
    count_text,
    examples_needed_for,
    number_text,
    percent_text,
)

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 30, 286
BRAND, TARGET, MUTED, GRID, INK = "#3446d8", "#b97f00", "#5b6470", "#e3e6ea", "#1d232b"
#: The x axis reaches at most this factor beyond the largest measured slice; an answer farther out is
#: pointed at with an arrow at the edge.
MAX_REACH = 1000.0


def _x_ticks(lo: float, hi: float) -> list[float]:
    ticks = []
    for k in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for m in (1, 2, 5):
            value = m * 10.0**k
            if lo <= value <= hi:
                ticks.append(value)
    if len(ticks) > 9:
        ticks = [t for t in ticks if math.isclose(t, 10 ** round(math.log10(t)))]
    return ticks


def _y_ticks(lo: float, hi: float) -> list[float]:
    span = max(hi - lo, 1e-12)
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def _f(value: float) -> str:
    return f"{value:.1f}"


def learning_curve_svg(
    result: Mapping[str, Any],
    *,
    metric_label: str | None = None,
    target: float | None = None,
    accuracy: bool | None = None,
    x_label: str | None = None,
    title: str | None = None,
    chart_id: str = "learning-curve",
) -> str:
    """The learning curve of a stored result (``LearningCurveJob.result``, or the raw answer of
    ``mlcore.learn.learning_curve``) as an SVG document: the measured points with their spread over
    the folds as error bars, the fitted power law (dashed where it extrapolates), the target as a
    line, the predicted number of examples with its 80% band shaded, and the examples on hand. The x
    axis (training examples) is logarithmic.

    ``target``: accuracy 0..1 for classifiers, MAE for regression. Classifiers are drawn as accuracy
    (``1 - error``, higher is better: the drawing rounds' "accuracy against number of drawings");
    ``accuracy=False`` draws the error rate instead. ``metric_label`` / ``x_label`` / ``title``
    replace the axis and chart names; ``chart_id`` keeps ids unique when a page has several charts."""
    result = as_result(result)
    classification = result["metric"] == ERROR_RATE
    accuracy = classification if accuracy is None else (accuracy and classification)
    points = [p for p in result["points"] if p["n"] > 0]
    fit = result.get("fit")
    needed = examples_needed_for(result, target) if target is not None and fit else None
    reachable = needed if needed and needed["reachable"] else None
    on_hand = int(result.get("examples_on_hand") or 0)

    def shown(error: float) -> float:
        return 1.0 - error if accuracy else error

    if metric_label is None:
        metric_label = _("Accuracy") if accuracy else (_("Error rate") if classification else _("Mean absolute error"))
    x_label = x_label or _("Training examples (log scale)")
    title = title or _("Learning curve: %(metric)s by number of training examples") % {"metric": metric_label}

    def value_text(value: float) -> str:
        return percent_text(value) if classification else number_text(value)

    target_value = None
    if target is not None:
        target_value = target if (accuracy or not classification) else 1.0 - target
    scale = _scale(points, on_hand, reachable, fit, shown, target_value, classification=classification)
    clip = f"{chart_id}-plot"
    legend, height = _legend(bool(fit), target_value is not None, reachable is not None)
    parts: list[str] = [
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#fff"/>',
        f'<clipPath id="{escape(clip)}"><rect x="{LEFT}" y="{TOP}" width="{WIDTH - RIGHT - LEFT}" '
        f'height="{BOTTOM - TOP}"/></clipPath>',
        *_grid(scale, value_text),
    ]
    plot = _plot(scale, points, fit, shown, reachable=reachable, on_hand=on_hand, target_value=target_value)
    parts.append(f'<g clip-path="url(#{escape(clip)})">{"".join(plot)}</g>')
    # labels above the plot area, then axes and legend
    if target_value is not None:
        parts.append(_target_label(scale, target_value, value_text(target_value), accuracy=accuracy))
    if reachable is not None:
        parts.append(_estimate_label(scale, reachable["estimate"]))
    if on_hand > 0:
        parts.append(_on_hand_label(scale, on_hand))
    parts += _axes(x_label, metric_label)
    parts.append(legend)

    description = _describe(result, points, shown, value_text, metric_label, needed)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" class="ml-curve" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, Noto Sans KR, sans-serif">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        f"{''.join(parts)}</svg>"
    )


@dataclass(frozen=True)
class _Scale:
    """The plot's domains: x (training examples) on a log scale, y (the shown metric) linear."""

    n_min: float
    n_max: float
    lx_lo: float
    lx_hi: float
    y_lo: float
    y_hi: float
    arrow: float | None  # the estimate, when it lies beyond the right edge

    def sx(self, n: float) -> float:
        return LEFT + (math.log10(max(n, 1e-9)) - self.lx_lo) / (self.lx_hi - self.lx_lo) * (WIDTH - RIGHT - LEFT)

    def sy(self, v: float) -> float:
        return BOTTOM - (v - self.y_lo) / (self.y_hi - self.y_lo) * (BOTTOM - TOP)


def _scale(
    points: list[Mapping[str, Any]],
    on_hand: int,
    reachable: Mapping[str, Any] | None,
    fit: Mapping[str, Any] | None,
    shown: Any,
    target_value: float | None,
    *,
    classification: bool,
) -> _Scale:
    sizes = [p["n"] for p in points] or [1.0]
    n_min, n_max = min(sizes), max(sizes)
    reach = [n_max * 4, on_hand * 1.3]
    arrow = None
    if reachable:
        reach.append(reachable["estimate"] * 1.5)
        if reachable["high"] is not None:
            reach.append(reachable["high"] * 1.2)
    x_lo = max(n_min / 1.6, 1.0)
    x_hi = min(max(reach), n_max * MAX_REACH)
    if reachable and reachable["estimate"] > x_hi:
        arrow = reachable["estimate"]
    lx_lo, lx_hi = math.log10(x_lo), math.log10(max(x_hi, x_lo * 10))

    ys = [shown(p["error_mean"] + s * p["error_std"]) for p in points for s in (-1, 1)]
    if target_value is not None:
        ys.append(target_value)
    if fit:
        ys += [shown(_power(fit, n)) for n in (n_min, 10**lx_hi)]
    y_lo, y_hi = _y_domain(ys or [0.0, 1.0], classification=classification)
    return _Scale(n_min, n_max, lx_lo, lx_hi, y_lo, y_hi, arrow)


def _y_domain(ys: list[float], *, classification: bool) -> tuple[float, float]:
    y_lo, y_hi = min(ys), max(ys)
    pad = 0.08 * (y_hi - y_lo or 0.1)
    y_lo, y_hi = y_lo - pad, y_hi + pad
    if classification:
        y_lo, y_hi = max(0.0, y_lo), min(1.0, y_hi)
    else:
        y_lo = max(0.0, y_lo)
    if y_hi - y_lo < 1e-9:
        y_hi = y_lo + 0.1
    return y_lo, y_hi


def _grid(scale: _Scale, value_text: Any) -> list[str]:
    parts = []
    for tick in _y_ticks(scale.y_lo, scale.y_hi):
        y = scale.sy(tick)
        parts.append(f'<line x1="{LEFT}" y1="{_f(y)}" x2="{WIDTH - RIGHT}" y2="{_f(y)}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{_f(y + 4)}" text-anchor="end" font-size="11" fill="{MUTED}">'
            f"{escape(value_text(tick))}</text>"
        )
    for tick in _x_ticks(10**scale.lx_lo, 10**scale.lx_hi):
        x = scale.sx(tick)
        parts.append(f'<line x1="{_f(x)}" y1="{TOP}" x2="{_f(x)}" y2="{BOTTOM}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{_f(x)}" y="{BOTTOM + 16}" text-anchor="middle" font-size="11" fill="{MUTED}">'
            f"{escape(count_text(tick))}</text>"
        )
    return parts


def _plot(
    scale: _Scale,
    points: list[Mapping[str, Any]],
    fit: Mapping[str, Any] | None,
    shown: Any,
    *,
    reachable: Mapping[str, Any] | None,
    on_hand: int,
    target_value: float | None,
) -> list[str]:
    """What is drawn inside the plot area: band, on-hand line, fit, target, estimate, measured points."""
    sx, sy = scale.sx, scale.sy
    plot: list[str] = []
    if reachable:
        left = sx(reachable["low"])
        right = sx(reachable["high"]) if reachable["high"] is not None else WIDTH - RIGHT
        plot.append(
            f'<rect x="{_f(left)}" y="{TOP}" width="{_f(max(right - left, 1.5))}" height="{BOTTOM - TOP}" '
            f'fill="{BRAND}" fill-opacity="0.13"/>'
        )
    if on_hand > 0:
        x = sx(on_hand)
        plot.append(
            f'<line x1="{_f(x)}" y1="{TOP}" x2="{_f(x)}" y2="{BOTTOM}" stroke="{MUTED}" stroke-width="1.5" '
            'stroke-dasharray="2 3"/>'
        )
    if fit:
        plot += _fit_paths(fit, shown, sx, sy, (10**scale.lx_lo, scale.n_min, scale.n_max, 10**scale.lx_hi))
    if target_value is not None:
        y = sy(target_value)
        plot.append(
            f'<line x1="{LEFT}" y1="{_f(y)}" x2="{WIDTH - RIGHT}" y2="{_f(y)}" stroke="{TARGET}" stroke-width="2" '
            'stroke-dasharray="8 4"/>'
        )
    if reachable and scale.arrow is None:
        x = sx(reachable["estimate"])
        plot.append(
            f'<line x1="{_f(x)}" y1="{TOP}" x2="{_f(x)}" y2="{BOTTOM}" stroke="{BRAND}" stroke-width="2" '
            'stroke-dasharray="4 3"/>'
        )
    for p in points:
        x = sx(p["n"])
        mid, lo, hi = (shown(p["error_mean"] + s * p["error_std"]) for s in (0, -1, 1))
        plot.append(
            f'<path d="M{_f(x)} {_f(sy(lo))}V{_f(sy(hi))}M{_f(x - 4)} {_f(sy(lo))}h8M{_f(x - 4)} {_f(sy(hi))}h8" '
            f'stroke="{INK}" stroke-width="1.5" fill="none"/>'
        )
        plot.append(
            f'<circle cx="{_f(x)}" cy="{_f(sy(mid))}" r="4.5" fill="{BRAND}" stroke="#fff" stroke-width="1.5"/>'
        )
    return plot


def _target_label(scale: _Scale, target_value: float, text: str, *, accuracy: bool) -> str:
    """Where the curve is not: top left for a rising accuracy, top right for a falling error."""
    label = _("target %(value)s") % {"value": text}
    y = scale.sy(target_value) - 5 if scale.sy(target_value) - 5 > TOP + 10 else scale.sy(target_value) + 15
    if accuracy:
        return _label(LEFT + 6, y, label, TARGET, "start")
    return _label(WIDTH - RIGHT - 4, y, label, TARGET, "end")


def _estimate_label(scale: _Scale, estimate: float) -> str:
    text = "≈ " + count_text(about(estimate))
    if scale.arrow is not None:
        return _label(WIDTH - RIGHT - 4, TOP + 14, text + " →", BRAND, "end", bold=True)
    if scale.sx(estimate) + 4 + _text_width(text, 12) > WIDTH - RIGHT:
        return _label(scale.sx(estimate) - 4, TOP + 14, text, BRAND, "end", bold=True)
    return _label(scale.sx(estimate) + 4, TOP + 14, text, BRAND, "start", bold=True)


def _on_hand_label(scale: _Scale, on_hand: int) -> str:
    label = _("you have %(count)s") % {"count": count_text(on_hand)}
    x = scale.sx(on_hand)
    if x - LEFT > _text_width(label, 12) + 8:
        return _label(x - 4, BOTTOM - 6, label, MUTED, "end")
    return _label(x + 4, BOTTOM - 6, label, MUTED, "start")


def _axes(x_label: str, metric_label: str) -> list[str]:
    return [
        f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{WIDTH - RIGHT}" y2="{BOTTOM}" stroke="{MUTED}"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BOTTOM}" stroke="{MUTED}"/>',
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{BOTTOM + 34}" text-anchor="middle" font-size="12" '
        f'fill="{INK}">{escape(x_label)}</text>',
        f'<text transform="translate(16 {(TOP + BOTTOM) / 2}) rotate(-90)" text-anchor="middle" font-size="12" '
        f'fill="{INK}">{escape(metric_label)}</text>',
    ]


def _power(fit: Mapping[str, Any], n: float) -> float:
    return float(fit["a"]) * n ** (-float(fit["b"])) + float(fit["c"])


def _fit_paths(fit: Mapping[str, Any], shown: Any, sx: Any, sy: Any, bounds: tuple[float, ...]) -> list[str]:
    """The fitted curve: solid over the measured slices, dashed where it extrapolates."""
    lo, n_min, n_max, hi = bounds
    paths = []
    for start, end, dashed in ((lo, n_min, True), (n_min, n_max, False), (n_max, hi, True)):
        if end <= start:
            continue
        steps = 40
        coords = []
        for i in range(steps + 1):
            n = 10 ** (math.log10(start) + (math.log10(end) - math.log10(start)) * i / steps)
            coords.append(f"{_f(sx(n))} {_f(sy(shown(_power(fit, n))))}")
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        paths.append(f'<path d="M{"L".join(coords)}" fill="none" stroke="{BRAND}" stroke-width="2.5"{dash}/>')
    return paths


def _label(x: float, y: float, text: str, colour: str, anchor: str, *, bold: bool = False) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="12" fill="{colour}"{weight} '
        f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(text)}</text>'
    )


def _text_width(text: str, size: float) -> float:
    """Roughly how wide ``text`` is drawn (Hangul and other wide scripts take about a full em)."""
    return sum(size if ord(ch) >= 0x1100 else size * 0.56 for ch in text)


def _legend(with_fit: bool, with_target: bool, with_band: bool) -> tuple[str, int]:
    """The legend under the x axis, wrapped into rows; returns it and the chart's whole height."""
    items: list[tuple[str, str]] = [
        (
            f'<circle cx="6" cy="-4" r="4.5" fill="{BRAND}"/><path d="M6 -11V3" stroke="{INK}" stroke-width="1.5"/>',
            _("measured (spread over folds)"),
        )
    ]
    if with_fit:
        items.append((f'<path d="M0 -4h18" stroke="{BRAND}" stroke-width="2.5"/>', _("fitted power law")))
        items.append(
            (f'<path d="M0 -4h18" stroke="{BRAND}" stroke-width="2.5" stroke-dasharray="6 4"/>', _("extrapolated"))
        )
    if with_target:
        items.append((f'<path d="M0 -4h18" stroke="{TARGET}" stroke-width="2" stroke-dasharray="8 4"/>', _("target")))
    if with_band:
        items.append(
            (f'<rect x="0" y="-10" width="18" height="12" fill="{BRAND}" fill-opacity="0.13"/>', _("80% band"))
        )
    out, x, y = [], float(LEFT), BOTTOM + 62
    for symbol, text in items:
        width = 24 + _text_width(text, 11) + 16
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, y = float(LEFT), y + 18
        out.append(
            f'<g transform="translate({_f(x)} {y})">{symbol}'
            f'<text x="24" y="0" font-size="11" fill="{MUTED}">{escape(text)}</text></g>'
        )
        x += width
    return "".join(out), max(HEIGHT, y + 12)


def _describe(
    result: Mapping[str, Any],
    points: list[Mapping[str, Any]],
    shown: Any,
    value_text: Any,
    metric_label: str,
    needed: Mapping[str, Any] | None,
) -> str:
    """The chart in words, for screen readers and wherever the picture is not seen."""
    measured = "; ".join(
        _("%(count)s examples: %(value)s (± %(spread)s)")
        % {
            "count": count_text(round(p["n"])),
            "value": value_text(shown(p["error_mean"])),
            "spread": value_text(p["error_std"]),
        }
        for p in points
    )
    text = _("%(metric)s of %(baseline)s measured on growing slices of the data: %(points)s.") % {
        "metric": metric_label,
        "baseline": result.get("baseline") or _("a baseline"),
        "points": measured,
    }
    fit = result.get("fit")
    if fit:
        text += " " + _("The fitted power law levels off at %(limit)s.") % {"limit": value_text(shown(float(fit["c"])))}
    if needed is not None:
        text += " " + answer_text(needed)
    return text


# --------------------------------------------------------------------------- prediction line

LINE = "#a35200"


def prediction_line_svg(
    points: Sequence[tuple[float, float]],
    line: Sequence[tuple[float, float]],
    *,
    x_label: str,
    y_label: str,
    per_row: bool,
    title: str | None = None,
    chart_id: str = "prediction-line",
) -> str:
    """A regression model against its data: the rows as points (x = an input column, y = the answer)
    and the model's predictions as a line, both on linear axes (the "A → B" picture of the lecture).

    ``line``: (x, predicted y) in x order. ``per_row``: the model has several inputs, so the line
    joins its predictions for the rows in order of x instead of following x alone; the description
    says so."""
    title = title or _("The model's prediction line: %(y)s by %(x)s") % {"x": x_label, "y": y_label}
    xs = [x for x, _y in points] + [x for x, _y in line]
    ys = [y for _x, y in points] + [y for _x, y in line]
    x_lo, x_hi = _padded(xs)
    y_lo, y_hi = _padded(ys)

    def sx(x: float) -> float:
        return LEFT + (x - x_lo) / (x_hi - x_lo) * (WIDTH - RIGHT - LEFT)

    def sy(y: float) -> float:
        return BOTTOM - (y - y_lo) / (y_hi - y_lo) * (BOTTOM - TOP)

    clip = f"{chart_id}-plot"
    parts: list[str] = [
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        f'<clipPath id="{escape(clip)}"><rect x="{LEFT}" y="{TOP}" width="{WIDTH - RIGHT - LEFT}" '
        f'height="{BOTTOM - TOP}"/></clipPath>',
    ]
    for tick in _y_ticks(y_lo, y_hi):
        y = sy(tick)
        parts.append(f'<line x1="{LEFT}" y1="{_f(y)}" x2="{WIDTH - RIGHT}" y2="{_f(y)}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{_f(y + 4)}" text-anchor="end" font-size="11" fill="{MUTED}">'
            f"{escape(_value_text(tick))}</text>"
        )
    for tick in _y_ticks(x_lo, x_hi):
        x = sx(tick)
        parts.append(f'<line x1="{_f(x)}" y1="{TOP}" x2="{_f(x)}" y2="{BOTTOM}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{_f(x)}" y="{BOTTOM + 16}" text-anchor="middle" font-size="11" fill="{MUTED}">'
            f"{escape(_value_text(tick))}</text>"
        )
    plot: list[str] = []
    if line:
        coords = "L".join(f"{_f(sx(x))} {_f(sy(y))}" for x, y in line)
        plot.append(f'<path class="ml-line" d="M{coords}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    for x, y in points:
        plot.append(
            f'<circle class="ml-point" cx="{_f(sx(x))}" cy="{_f(sy(y))}" r="5" fill="{BRAND}" '
            'stroke="#fff" stroke-width="1.5"/>'
        )
    parts.append(f'<g clip-path="url(#{escape(clip)})">{"".join(plot)}</g>')
    parts += _axes(x_label, y_label)
    line_text = (
        _("prediction of each row, in order of %(x)s") % {"x": x_label} if per_row else _("the model's prediction")
    )
    legend = [
        (f'<circle cx="6" cy="-4" r="5" fill="{BRAND}"/>', _("rows of the data set")),
        (f'<path d="M0 -4h18" stroke="{LINE}" stroke-width="2.5"/>', line_text),
    ]
    x = float(LEFT)
    for symbol, text in legend:
        parts.append(
            f'<g transform="translate({_f(x)} {BOTTOM + 62})">{symbol}'
            f'<text x="24" y="0" font-size="11" fill="{MUTED}">{escape(text)}</text></g>'
        )
        x += 24 + _text_width(text, 11) + 16

    description = _describe_line(points, line, x_label=x_label, y_label=y_label, per_row=per_row)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" class="ml-curve" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, Noto Sans KR, sans-serif">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        f"{''.join(parts)}</svg>"
    )


def _value_text(value: float) -> str:
    """A number to four significant digits, grouped, without a trailing ".0" (523, 2,545, 0.125)."""
    rounded = float(f"{value:.4g}")
    return number_format(int(rounded) if rounded.is_integer() else rounded, force_grouping=True)


def _padded(values: list[float]) -> tuple[float, float]:
    """A linear domain around ``values`` with 6% room on each side (never empty)."""
    if not values:
        return 0.0, 1.0
    lo, hi = min(values), max(values)
    pad = 0.06 * (hi - lo) if hi > lo else max(abs(lo) * 0.1, 1.0)
    return lo - pad, hi + pad


def _describe_line(
    points: Sequence[tuple[float, float]],
    line: Sequence[tuple[float, float]],
    *,
    x_label: str,
    y_label: str,
    per_row: bool,
) -> str:
    """The chart in words: what the points and the line are, and where the line starts and ends."""
    text = _("%(count)s rows of the data set as points: %(y)s against %(x)s.") % {
        "count": count_text(len(points)),
        "x": x_label,
        "y": y_label,
    }
    if line:
        (x0, y0), (x1, y1) = line[0], line[-1]
        values = {"x": x_label, "x0": _value_text(x0), "x1": _value_text(x1)}
        values |= {"y0": _value_text(y0), "y1": _value_text(y1)}
        if per_row:
            sentence = _(
                "The model uses several inputs, so the line joins its prediction for each row in order of "
                "%(x)s, from %(y0)s at %(x0)s to %(y1)s at %(x1)s."
            )
        else:
            sentence = _("The line is the model's prediction, from %(y0)s at %(x)s %(x0)s to %(y1)s at %(x)s %(x1)s.")
        text += " " + sentence % values
    return text
