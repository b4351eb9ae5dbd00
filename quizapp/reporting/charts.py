"""Small server-side SVG charts for the session report: no JavaScript, no chart library.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by a ``<desc>``
that lists the numbers, so a screen reader reads the data, not the drawing. All text goes
through :func:`django.utils.html.format_html`, so option texts and nicknames typed by anyone
stay text. Sizes are in ``viewBox`` units and the SVG scales to its container: the 18-unit text
is about 18 px on a laptop and grows with the projector; colours are paired with marks (✓, a
dashed line, a legend) so a black-and-white print still reads.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from quizapp.rules import calibration

__all__ = ["Series", "bar_chart_svg", "calibration_chart_svg"]

FONT = 18
INK = "#1b1f24"
MUTED = "#5b6470"
GRID = "#dde1e6"
#: Fills per series (first vote lighter, second darker); a right option is drawn in greens.
FILLS = ("#3446d8", "#98a2ee")
RIGHT_FILLS = ("#1a7f37", "#8fd19e")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]


def _join(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _fit(text: str, width: float) -> str:
    """``text`` on one line, cut with an ellipsis to about ``width`` viewBox units."""
    text = " ".join(str(text).split())
    if _text_width(text) <= width:
        return text
    room, out = width - _text_width("…"), []
    for ch in text:
        room -= _text_width(ch)
        if room < 0:
            break
        out.append(ch)
    return "".join(out).rstrip() + "…"


def _text_width(text: str, bold: bool = True) -> float:
    """A rough width in viewBox units: Hangul and CJK are about square, Latin about 0.6 of that
    (a little more in bold), so labels can be cut before they run off the chart."""
    latin = FONT * (0.64 if bold else 0.58)
    return sum(FONT if ord(ch) >= 0x1100 else latin for ch in text)


def _pct(value: float) -> str:
    return f"{round(100 * value)}%"


def _svg(*, chart_id: str, width: int, height: int, title: str, desc: str, body: Sequence[SafeString]) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" font-size="{font}" '
        "font-family=\"system-ui, -apple-system, 'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Sans KR', "
        'sans-serif">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=width,
        h=height,
        id=chart_id,
        font=FONT,
        title=title,
        desc=desc,
        body=_join(body),
    )


def bar_chart_svg(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    correct: Sequence[bool | None] = (),
    totals: Sequence[int] | None = None,
) -> SafeString:
    """Horizontal bars, one group per label and one bar per series (at most two: 1st and 2nd vote).

    ``correct[i]`` marks label ``i`` as a right answer (✓, green). Each bar is labelled with its
    count and its share of the series' total: ``totals[k]`` if given (the number of students who
    answered, when one may choose several options), else the sum of the series' values.
    """
    if not 1 <= len(series) <= len(FILLS):
        raise ValueError(f"one or {len(FILLS)} series")
    width, label_w, value_w, top = 760, 250, 120, 8
    bar_h, gap = 28, 14
    legend_h = 34 if len(series) > 1 else 0
    bar_x, bar_w = label_w + 10, width - label_w - 10 - value_w
    totals = list(totals) if totals is not None else [sum(s.values) for s in series]
    peak = max([1, *(v for s in series for v in s.values)])
    group_h = bar_h * len(series) + gap
    height = top + legend_h + max(1, len(labels)) * group_h + 4
    body: list[SafeString] = []
    if legend_h:
        x: float = bar_x
        for k, s in enumerate(series):
            body.append(
                format_html(
                    '<rect x="{}" y="{}" width="18" height="18" fill="{}" stroke="{}"{}/>'
                    '<text x="{}" y="{}" fill="{}">{}</text>',
                    x,
                    top + 4,
                    FILLS[k],
                    INK,
                    format_html(' stroke-dasharray="{}"', "4 3") if k else "",
                    x + 26,
                    top + 19,
                    INK,
                    s.name,
                )
            )
            x += 26 + _text_width(s.name) + 30
    lines = []
    for i, label in enumerate(labels):
        right = i < len(correct) and correct[i] is True
        y0 = top + legend_h + i * group_h
        mark = "✓ " if right else ""
        body.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}" font-weight="{}">{}{}<title>{}</title></text>',
                label_w,
                y0 + bar_h * len(series) / 2 + FONT / 3,
                INK,
                700 if right else 400,
                mark,
                _fit(label, label_w - 6 - _text_width(mark)),
                label,
            )
        )
        for k, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else 0
            w = round(bar_w * value / peak, 1)
            y = y0 + k * bar_h
            fill = (RIGHT_FILLS if right else FILLS)[k]
            share = f" ({_pct(value / totals[k])})" if totals[k] else ""
            body.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{}"{}/>'
                    '<text x="{}" y="{}" fill="{}" font-weight="700">{}{}</text>',
                    bar_x,
                    y + 2,
                    max(w, 2),
                    bar_h - 4,
                    fill,
                    format_html(' stroke="{}" stroke-dasharray="4 3"', INK) if k else "",
                    bar_x + max(w, 2) + 8,
                    y + bar_h / 2 + FONT / 3,
                    INK,
                    value,
                    share,
                )
            )
            lines.append((label, s.name, value, share, right))
    body.insert(
        0,
        format_html(
            '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{c}"/>',
            x=bar_x,
            y1=top + legend_h,
            y2=height - 4,
            c=MUTED,
        ),
    )
    desc_parts = []
    for label, name, value, share, right in lines:
        prefix = f"{name}: " if len(series) > 1 else ""
        suffix = f" ({_('right answer')})" if right else ""
        desc_parts.append(f"{prefix}{label}{suffix}: {value}{share}")
    desc = "; ".join(desc_parts) if desc_parts else _("No answers.")
    return _svg(chart_id=chart_id, width=width, height=height, title=title, desc=desc, body=body)


def calibration_chart_svg(*, chart_id: str, title: str, bins: Sequence[calibration.Bin]) -> SafeString:
    """Confidence (x) against the share of right answers (y) per confidence bin.

    The dashed diagonal is perfect calibration; a point below it is over-confidence (sure but
    wrong), above it under-confidence. A point's size grows with the number of answers in its bin.
    """
    size, left, right, top, bottom = 560, 84, 24, 16, 76
    plot_w, plot_h = size - left - right, size - top - bottom
    x_min = min([0.5, *(b.low for b in bins)]) if bins else 0.5
    x_min = 0.0 if x_min < 0.5 else 0.5

    def px(confidence: float) -> float:
        return round(left + (confidence - x_min) / (1 - x_min) * plot_w, 1)

    def py(accuracy: float) -> float:
        return round(top + (1 - accuracy) * plot_h, 1)

    body: list[SafeString] = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        body.append(
            format_html(
                '<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{}"/>'
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>',
                left,
                left + plot_w,
                GRID,
                left - 8,
                py(tick) + FONT / 3,
                MUTED,
                _pct(tick),
                y=py(tick),
            )
        )
    x_ticks = [0.0, 0.25, 0.5, 0.75, 1.0] if x_min == 0 else [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    for tick in x_ticks:
        body.append(
            format_html(
                '<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{}"/>'
                '<text x="{x}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                top,
                top + plot_h,
                GRID,
                top + plot_h + FONT + 6,
                MUTED,
                _pct(tick),
                x=px(tick),
            )
        )
    along = x_min + (1 - x_min) / 3
    label_x, label_y = px(along), py(along)
    body.append(
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}"/>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="8 6"/>'
            '<text x="{}" y="{}" dy="-8" fill="{}" text-anchor="middle" transform="rotate(-{} {} {})">{}</text>'
            '<text x="{}" y="{}" fill="{}" text-anchor="end" font-style="italic">{}</text>'
            '<text x="{}" y="{}" fill="{}" font-style="italic">{}</text>',
            left,
            top,
            plot_w,
            plot_h,
            MUTED,
            px(x_min),
            py(x_min),
            px(1.0),
            py(1.0),
            MUTED,
            # the diagonal's label: along it, just above, a third of the way up
            label_x,
            label_y,
            MUTED,
            round(math.degrees(math.atan2(py(x_min) - py(1.0), px(1.0) - px(x_min))), 1),
            label_x,
            label_y,
            _("perfectly calibrated"),
            left + plot_w - 8,
            top + plot_h - 12,
            MUTED,
            _("over-confident ↘"),
            left + 10,
            top + FONT + 6,
            MUTED,
            _("↖ under-confident"),
        )
    )
    body.append(
        format_html(
            '<text x="{}" y="{}" text-anchor="middle" fill="{}" font-weight="700">{}</text>'
            '<text x="{}" y="{}" text-anchor="middle" fill="{}" font-weight="700" '
            'transform="rotate(-90 {} {})">{}</text>',
            left + plot_w / 2,
            size - 12,
            INK,
            _("Confidence"),
            22,
            top + plot_h / 2,
            INK,
            22,
            top + plot_h / 2,
            _("Answers right"),
        )
    )
    # (bin, its mean confidence, its share right) for the bins that have both
    filled = [
        (b, b.mean_confidence, b.accuracy)
        for b in bins
        if b.count and b.mean_confidence is not None and b.accuracy is not None
    ]
    if len(filled) > 1:
        points = " ".join(f"{px(confidence)},{py(accuracy)}" for _b, confidence, accuracy in filled)
        body.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="3"/>', points, FILLS[0]))
    peak = max([1, *(b.count for b, _c, _a in filled)])
    desc_parts = []
    for b, confidence, accuracy in filled:
        radius = round(7 + 9 * math.sqrt(b.count / peak), 1)
        x, y = px(confidence), py(accuracy)
        label_x, anchor = (x - radius - 6, "end") if x > left + plot_w * 0.75 else (x + radius + 6, "start")
        body.append(
            format_html(
                '<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#fff" stroke-width="2"/>'
                '<text x="{}" y="{}" text-anchor="{}" fill="{}" font-weight="700">{}</text>',
                x,
                y,
                radius,
                FILLS[0],
                label_x,
                y + FONT / 3,
                anchor,
                INK,
                _("%(right)s right, n=%(count)d") % {"right": _pct(accuracy), "count": b.count},
            )
        )
        desc_parts.append(
            _("%(low)s to %(high)s sure: %(count)d answers, %(right)s right")
            % {"low": _pct(b.low), "high": _pct(b.high), "count": b.count, "right": _pct(accuracy)}
        )
    desc = "; ".join(desc_parts) if desc_parts else _("No answers with a confidence.")
    return _svg(chart_id=chart_id, width=size, height=size, title=title, desc=desc, body=body)
