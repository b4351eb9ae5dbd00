"""The quadrant chart, drawn on the server as SVG: no JavaScript, prints as it shows.

x is ML feasibility, y business value (both 0-100), lines at the quadrant thresholds, a bubble
per scored idea sized by its effort and linking to the idea. The ``<svg role="figure">`` is named by
its ``<title>`` and described by a ``<desc>`` that lists every idea's numbers; the bubbles are
mouse shortcuts hidden from assistive technology, because the page shows the same ideas as a
table of links right under the chart. (Not ``role="img"``: an image's children are presentational,
and links inside one are nested interactive controls, which axe-core counts as a serious violation.)
Every text goes through ``format_html``, so titles typed by anyone (students included) stay text.
Flagged ideas get a dashed outline, so the chart still reads in black and white.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
RADIUS_MIN, RADIUS_SPAN = 8.0, 16.0
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
#: Labels are cut to LABEL_CHARS, or to LABEL_CHARS_TIGHT where the longer one has no room.
LABEL_CHARS = 18
LABEL_CHARS_TIGHT = 9
LABEL_FONT = 13
#: Bubbles closer than this share of their radii are nudged apart, by at most DODGE_MAX units.
DODGE_OVERLAP = 0.9
DODGE_MAX = 22.0
DODGE_ROUNDS = 40


def x_of(feasibility: float) -> float:
    return LEFT + PLOT_W * min(100.0, max(0.0, feasibility)) / 100.0


def y_of(value: float) -> float:
    return TOP + PLOT_H * (1.0 - min(100.0, max(0.0, value)) / 100.0)


def radius_of(effort: float | None) -> float:
    share = 0.5 if effort is None else min(100.0, max(0.0, effort)) / 100.0
    return RADIUS_MIN + RADIUS_SPAN * share


def _short(text: str, chars: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


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


@dataclass
class _Placed:
    item: RankedIdea
    #: The idea's mean feasibility and value and its quadrant (only scored ideas are placed).
    feasibility: float
    value: float
    quadrant: str
    x: float
    y: float
    r: float
    label: str = ""
    label_x: float = 0.0
    label_y: float = 0.0
    anchor: str = "start"


def _text_width(text: str) -> float:
    """A rough width at LABEL_FONT: Hangul and CJK about square, Latin about 0.6 of that."""
    return sum(LABEL_FONT if ord(ch) >= 0x1100 else LABEL_FONT * 0.6 for ch in text)


def _dodge(placed: list[_Placed]) -> None:
    """Nudge bubbles that sit almost on top of each other apart (a few units at most), so an idea
    is never hidden under another one; the table under the chart keeps the exact numbers."""
    origin = [(p.x, p.y) for p in placed]
    for _round in range(DODGE_ROUNDS):
        moved = False
        for i, a in enumerate(placed):
            for j in range(i + 1, len(placed)):
                b = placed[j]
                dx, dy = b.x - a.x, b.y - a.y
                distance = math.hypot(dx, dy)
                wanted = (a.r + b.r) * DODGE_OVERLAP
                if distance >= wanted:
                    continue
                if distance < 1e-6:  # the same spot: spread along a fixed, index-based angle
                    angle = (i + j) * 2.399963
                    dx, dy, distance = math.cos(angle), math.sin(angle), 1.0
                push = (wanted - distance) / 2
                a.x, a.y = a.x - dx / distance * push, a.y - dy / distance * push
                b.x, b.y = b.x + dx / distance * push, b.y + dy / distance * push
                moved = True
        for p, (ox, oy) in zip(placed, origin, strict=True):
            p.x = min(max(p.x, ox - DODGE_MAX), ox + DODGE_MAX, LEFT + PLOT_W - p.r / 2)
            p.y = min(max(p.y, oy - DODGE_MAX), oy + DODGE_MAX, TOP + PLOT_H - p.r / 2)
            p.x, p.y = max(p.x, LEFT + p.r / 2), max(p.y, TOP + p.r / 2)
        if not moved:
            break


def _overlaps(box: tuple[float, float, float, float], other: tuple[float, float, float, float]) -> bool:
    return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]


def _hits_circle(box: tuple[float, float, float, float], p: _Placed) -> bool:
    nearest_x, nearest_y = min(max(p.x, box[0]), box[2]), min(max(p.y, box[1]), box[3])
    return math.hypot(p.x - nearest_x, p.y - nearest_y) < p.r


def _place_labels(placed: list[_Placed]) -> None:
    """Best-ranked first, each label goes to the first free spot around its bubble (right, left,
    above, below, then a line up or down); a label with no free spot is left out (the number in
    the bubble and the table still name the idea)."""
    taken: list[tuple[float, float, float, float]] = []
    for p in sorted(placed, key=lambda q: (q.item.rank or 0, q.item.idea.id)):
        for chars in (LABEL_CHARS, LABEL_CHARS_TIGHT):
            if _try_label(p, _short(p.item.idea.title, chars), placed, taken):
                break


def _try_label(p: _Placed, text: str, placed: list[_Placed], taken: list[tuple[float, float, float, float]]) -> bool:
    width, height, gap = _text_width(text), LABEL_FONT + 3, p.r + 4
    candidates = [
        (p.x + gap, p.y, "start"),
        (p.x - gap, p.y, "end"),
        (p.x, p.y - gap - height / 2, "middle"),
        (p.x, p.y + gap + height / 2, "middle"),
        *[
            (p.x + side * gap, p.y + shift, anchor)
            for shift in (-height, height)
            for side, anchor in ((1, "start"), (-1, "end"))
        ],
    ]
    for cx, cy, anchor in candidates:
        left = cx if anchor == "start" else cx - width if anchor == "end" else cx - width / 2
        box = (left, cy - height / 2, left + width, cy + height / 2)
        # Inside the plot (or the margin on its right), below the quadrant names of the top row.
        inside = box[0] >= LEFT + 2 and box[2] <= WIDTH - 2 and box[1] >= TOP + 28 and box[3] <= TOP + PLOT_H - 2
        if not inside or any(_overlaps(box, t) for t in taken) or any(_hits_circle(box, q) for q in placed):
            continue
        taken.append(box)
        p.label, p.label_x, p.label_y, p.anchor = text, cx, cy + LABEL_FONT * 0.35, anchor
        return True
    return False


def _bubble(p: _Placed, href: str) -> SafeString:
    score = p.item.score
    f, v = p.feasibility, p.value
    tooltip = _("%(title)s: feasibility %(f)s, value %(v)s") % {"title": p.item.idea.title, "f": _n(f), "v": _n(v)}
    label = (
        format_html(
            '<text class="bubble-label" x="{}" y="{}" text-anchor="{}" font-size="{}" fill="#1b1f24" stroke="#fff" '
            'stroke-width="3" paint-order="stroke">{}</text>',
            _f(p.label_x),
            _f(p.label_y),
            p.anchor,
            LABEL_FONT,
            p.label,
        )
        if p.label
        else ""
    )
    return format_html(
        '<a href="{href}" class="bubble q-{q}{flag}" tabindex="-1" aria-hidden="true" data-idea="{id}">'
        "<title>{tooltip}</title>"
        '<circle cx="{x}" cy="{y}" r="{r}" fill="{fill}" fill-opacity="0.8" stroke="#1b1f24" '
        'stroke-width="{sw}"{dash}/>'
        '<text x="{x}" y="{ty}" text-anchor="middle" fill="#fff" font-weight="800" font-size="13">{rank}</text>'
        "{label}</a>",
        href=href,
        q=p.quadrant,
        flag=" flagged" if score.flagged else "",
        id=p.item.idea.id,
        tooltip=tooltip,
        x=_f(p.x),
        y=_f(p.y),
        r=_f(p.r),
        fill=BUBBLE_FILLS[p.quadrant],
        sw=2.5 if score.flagged else 1,
        dash=format_html(' stroke-dasharray="{}"', "4 3") if score.flagged else "",
        ty=_f(p.y + 4.5),
        rank=p.item.rank or "",
        label=label,
    )


def _scored(ranked: Sequence[RankedIdea]) -> list[tuple[RankedIdea, float, float, str]]:
    """The scored ideas among ``ranked`` with their mean feasibility, value and quadrant (an idea
    is scored once both axes have a mean, which places it in a quadrant)."""
    scored = []
    for item in ranked:
        score = item.score
        if score.feasibility is not None and score.value is not None and score.quadrant is not None:
            scored.append((item, score.feasibility.mean, score.value.mean, score.quadrant))
    return scored


def quadrant_svg(
    ranked: Sequence[RankedIdea], *, chart_id: str, href: Callable[[RankedIdea], str], title: str
) -> SafeString:
    """The chart of the scored ideas among ``ranked`` (unscored ones have no place on it). Larger
    bubbles are drawn first, so a small one is never hidden under a big one."""
    placed = _scored(ranked)
    if placed:
        lines = [
            _("%(rank)s. %(title)s: feasibility %(f)s, value %(v)s, %(quadrant)s.")
            % {
                "rank": item.rank,
                "title": item.idea.title,
                "f": _n(feasibility),
                "v": _n(value),
                "quadrant": QUADRANT_LABELS[quadrant],
            }
            for item, feasibility, value, quadrant in placed
        ]
        desc = (
            _("Ideas by ML feasibility (across) and business value (up); bubble size is effort.")
            + " "
            + " ".join(lines)
        )
    else:
        desc = _("No idea has been scored yet.")
    layout = [
        _Placed(item, feasibility, value, quadrant, x_of(feasibility), y_of(value), radius_of(item.score.effort))
        for item, feasibility, value, quadrant in placed
    ]
    _dodge(layout)
    _place_labels(layout)
    bubbles = [_bubble(p, href(p.item)) for p in sorted(layout, key=lambda p: -p.r)]
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="quadrant-chart" viewBox="0 0 {w} {h}" role="figure" '
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
