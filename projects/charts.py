"""The quadrant chart, drawn on the server as SVG: no JavaScript, prints as it shows.

x is ML feasibility, y business value (both 0-100), lines at the quadrant thresholds, a bubble
per scored idea sized by its effort and linking to the idea. The ``<svg role="img">`` is named by
its ``<title>`` and described by a ``<desc>`` that lists every idea's numbers; the bubbles are
mouse shortcuts hidden from assistive technology, because the page shows the same ideas as a
table of links right under the chart. Every text goes through ``format_html``, so titles typed by
anyone (students included) stay text. Flagged ideas get a dashed outline, so the chart still
reads in black and white.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from projects import rubric
from projects.criteria_text import AXIS_LABELS, QUADRANT_LABELS
from projects.selectors import RankedIdea

WIDTH, HEIGHT = 760, 600
LEFT, RIGHT, TOP, BOTTOM = 78, 24, 24, 70
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
FONT = 16
#: Bubble radius: MIN for no effort, MIN + SPAN for the most; ideas without an effort get the middle.
RADIUS_MIN, RADIUS_SPAN = 9.0, 20.0
QUADRANT_FILLS = {
    rubric.DO_NOW: "#e6f4ea",
    rubric.INVEST: "#e8eefc",
    rubric.QUICK_WIN: "#fff6dd",
    rubric.DROP: "#f1f2f4",
}
BUBBLE_FILLS = {
    rubric.DO_NOW: "#1a7f37",
    rubric.INVEST: "#3446d8",
    rubric.QUICK_WIN: "#b07d00",
    rubric.DROP: "#6b7380",
}
LABEL_CHARS = 18


def x_of(feasibility: float) -> float:
    return LEFT + PLOT_W * min(100.0, max(0.0, feasibility)) / 100.0


def y_of(value: float) -> float:
    return TOP + PLOT_H * (1.0 - min(100.0, max(0.0, value)) / 100.0)


def radius_of(effort: float | None) -> float:
    share = 0.5 if effort is None else min(100.0, max(0.0, effort)) / 100.0
    return RADIUS_MIN + RADIUS_SPAN * share


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _n(value: float) -> str:
    return number_format(round(value), 0)


def _f(value: float) -> str:
    return f"{value:.1f}"


def _join(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _background() -> list[SafeString]:
    fx, fy = x_of(rubric.FEASIBILITY_LINE), y_of(rubric.VALUE_LINE)
    right, bottom = LEFT + PLOT_W, TOP + PLOT_H
    areas = [
        (rubric.INVEST, LEFT, TOP, fx - LEFT, fy - TOP, LEFT + 10, TOP + 24, "start"),
        (rubric.DO_NOW, fx, TOP, right - fx, fy - TOP, right - 10, TOP + 24, "end"),
        (rubric.DROP, LEFT, fy, fx - LEFT, bottom - fy, LEFT + 10, bottom - 12, "start"),
        (rubric.QUICK_WIN, fx, fy, right - fx, bottom - fy, right - 10, bottom - 12, "end"),
    ]
    parts = [
        format_html(
            '<rect class="quadrant q-{}" x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
            '<text class="quadrant-label" x="{}" y="{}" text-anchor="{}" font-weight="700" fill="#3b424c">{}</text>',
            key,
            x,
            y,
            w,
            h,
            QUADRANT_FILLS[key],
            tx,
            ty,
            anchor,
            QUADRANT_LABELS[key],
        )
        for key, x, y, w, h, tx, ty, anchor in areas
    ]
    for tick in (0, 25, 50, 75, 100):
        x, y = x_of(tick), y_of(tick)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" fill="#5b6470" font-size="13">{}</text>'
                '<text x="{}" y="{}" text-anchor="end" fill="#5b6470" font-size="13">{}</text>',
                x,
                bottom + 18,
                tick,
                LEFT - 8,
                y + 4,
                tick,
            )
        )
    parts.append(
        format_html(
            '<line x1="{fx}" y1="{top}" x2="{fx}" y2="{bottom}" stroke="#5b6470" stroke-width="1.5" '
            'stroke-dasharray="6 4"/>'
            '<line x1="{left}" y1="{fy}" x2="{right}" y2="{fy}" stroke="#5b6470" stroke-width="1.5" '
            'stroke-dasharray="6 4"/>'
            '<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#9aa2ad"/>'
            '<text x="{cx}" y="{xlabel_y}" text-anchor="middle" font-weight="700" fill="#1b1f24">{xlabel} →</text>'
            '<text transform="translate({ylabel_x} {cy}) rotate(-90)" text-anchor="middle" font-weight="700" '
            'fill="#1b1f24">{ylabel} →</text>',
            fx=fx,
            fy=fy,
            top=TOP,
            bottom=bottom,
            left=LEFT,
            right=right,
            w=PLOT_W,
            h=PLOT_H,
            cx=LEFT + PLOT_W / 2,
            cy=TOP + PLOT_H / 2,
            xlabel_y=HEIGHT - 22,
            ylabel_x=24,
            xlabel=AXIS_LABELS[rubric.FEASIBILITY],
            ylabel=AXIS_LABELS[rubric.VALUE],
        )
    )
    return parts


def _bubble(item: RankedIdea, href: str) -> SafeString:
    score = item.score
    f, v = score.feasibility.mean, score.value.mean
    x, y, r = x_of(f), y_of(v), radius_of(score.effort)
    label_left = x > LEFT + PLOT_W * 0.72  # keep labels inside the chart on the right edge
    tooltip = _("%(title)s: feasibility %(f)s, value %(v)s") % {"title": item.idea.title, "f": _n(f), "v": _n(v)}
    return format_html(
        '<a href="{href}" class="bubble q-{q}{flag}" tabindex="-1" aria-hidden="true" data-idea="{id}">'
        "<title>{tooltip}</title>"
        '<circle cx="{x}" cy="{y}" r="{r}" fill="{fill}" fill-opacity="0.78" stroke="#1b1f24" '
        'stroke-width="{sw}"{dash}/>'
        '<text x="{x}" y="{ty}" text-anchor="middle" fill="#fff" font-weight="800" font-size="13">{rank}</text>'
        '<text class="bubble-label" x="{lx}" y="{ty}" text-anchor="{anchor}" font-size="13" fill="#1b1f24" '
        'stroke="#fff" stroke-width="3" paint-order="stroke">{label}</text></a>',
        href=href,
        q=score.quadrant,
        flag=" flagged" if score.flagged else "",
        id=item.idea.id,
        tooltip=tooltip,
        x=_f(x),
        y=_f(y),
        r=_f(r),
        fill=BUBBLE_FILLS[score.quadrant],
        sw=2.5 if score.flagged else 1,
        dash=format_html(' stroke-dasharray="{}"', "4 3") if score.flagged else "",
        ty=_f(y + 4.5),
        rank=item.rank or "",
        lx=_f(x - r - 4 if label_left else x + r + 4),
        anchor="end" if label_left else "start",
        label=_short(item.idea.title),
    )


def quadrant_svg(
    ranked: Sequence[RankedIdea], *, chart_id: str, href: Callable[[RankedIdea], str], title: str
) -> SafeString:
    """The chart of the scored ideas among ``ranked`` (unscored ones have no place on it). Larger
    bubbles are drawn first, so a small one is never hidden under a big one."""
    placed = [item for item in ranked if item.score.scored]
    if placed:
        lines = [
            _("%(rank)s. %(title)s: feasibility %(f)s, value %(v)s, %(quadrant)s.")
            % {
                "rank": item.rank,
                "title": item.idea.title,
                "f": _n(item.score.feasibility.mean),
                "v": _n(item.score.value.mean),
                "quadrant": QUADRANT_LABELS[item.score.quadrant],
            }
            for item in placed
        ]
        desc = (
            _("Ideas by ML feasibility (across) and business value (up); bubble size is effort.")
            + " "
            + " ".join(lines)
        )
    else:
        desc = _("No idea has been scored yet.")
    bubbles = [_bubble(item, href(item)) for item in sorted(placed, key=lambda i: -radius_of(i.score.effort))]
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="quadrant-chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" font-size="{font}" '
        "font-family=\"system-ui, -apple-system, 'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Sans KR', sans-serif\">"
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}{bubbles}</svg>',
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        font=FONT,
        title=title,
        desc=desc,
        body=_join(_background()),
        bubbles=_join(bubbles),
    )
