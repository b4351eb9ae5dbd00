"""A procedurally drawn doodle set: ten simple shapes, 28x28, white strokes on black (like MNIST).

Real doodle data sets are large downloads; this one is generated in about a second, is the same for the
same seed, and is varied enough (wobbly strokes, random pen width, position, size and rotation) that a
model has to learn shapes rather than memorise pixels.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

SIZE = 28
SUPERSAMPLE = 3  # draw at 3x and shrink: smooth, anti-aliased strokes like a real pen

DOODLE_CLASSES: dict[str, dict[str, str]] = {
    "circle": {"en": "circle", "ko": "원"},
    "square": {"en": "square", "ko": "사각형"},
    "triangle": {"en": "triangle", "ko": "삼각형"},
    "line": {"en": "line", "ko": "선"},
    "cross": {"en": "cross", "ko": "십자"},
    "star": {"en": "star", "ko": "별"},
    "house": {"en": "house", "ko": "집"},
    "sun": {"en": "sun", "ko": "해"},
    "fish": {"en": "fish", "ko": "물고기"},
    "face": {"en": "smiley face", "ko": "웃는 얼굴"},
}
DOODLE_NAMES: tuple[str, ...] = tuple(DOODLE_CLASSES)

Stroke = np.ndarray  # k x 2 points in [-1, 1] (x right, y down)


def _arc(cx: float, cy: float, rx: float, ry: float, t0: float, t1: float, n: int = 32) -> Stroke:
    t = np.linspace(t0, t1, n)
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _loop(rng: np.random.Generator, cx: float, cy: float, rx: float, ry: float, n: int = 36) -> Stroke:
    start = rng.uniform(0, 2 * math.pi)
    overshoot = rng.uniform(-0.1, 0.35)  # hand-drawn loops rarely close exactly
    return _arc(cx, cy, rx, ry, start, start + 2 * math.pi + overshoot, n)


def _poly(rng: np.random.Generator, points: list[tuple[float, float]], corner: float, closed: bool) -> Stroke:
    pts = np.array(points, dtype=np.float64)
    pts = pts + rng.normal(0, corner, pts.shape)
    if closed:
        pts = np.vstack([pts, pts[:1] + rng.normal(0, corner / 2, (1, 2))])
    return pts


def _circle(rng: np.random.Generator) -> list[Stroke]:
    return [_loop(rng, 0, 0, 1, rng.uniform(0.8, 1.2))]


def _square(rng: np.random.Generator) -> list[Stroke]:
    a = rng.uniform(0.6, 1.0)
    return [_poly(rng, [(-1, -a), (1, -a), (1, a), (-1, a)], 0.08, True)]


def _triangle(rng: np.random.Generator) -> list[Stroke]:
    pts = [(math.cos(t), math.sin(t) + 0.2) for t in np.radians([-90, 30, 150])]
    return [_poly(rng, pts, 0.12, True)]


def _line(rng: np.random.Generator) -> list[Stroke]:
    bend = rng.normal(0, 0.12)
    return [np.array([(-1, 0), (0, bend), (1, 0)], dtype=np.float64)]


def _cross(rng: np.random.Generator) -> list[Stroke]:
    return [
        _poly(rng, [(-1, 0), (1, 0)], 0.06, False),
        _poly(rng, [(0, -1), (0, 1)], 0.06, False),
    ]


def _star(rng: np.random.Generator) -> list[Stroke]:
    angles = np.radians(-90 + 144 * np.arange(6))
    pts = [(math.cos(t), math.sin(t) + 0.1) for t in angles[:5]]
    return [_poly(rng, pts, 0.08, True)]


def _house(rng: np.random.Generator) -> list[Stroke]:
    top = rng.uniform(-0.2, 0.05)
    w = rng.uniform(0.6, 0.8)
    strokes = [
        _poly(rng, [(-w, top), (-w, 1), (w, 1), (w, top)], 0.04, False),
        _poly(rng, [(-w - 0.15, top), (0, -1), (w + 0.15, top), (-w - 0.15, top)], 0.05, False),
    ]
    if rng.random() < 0.5:
        x = rng.uniform(-0.3, 0.3)
        strokes.append(_poly(rng, [(x - 0.15, 1), (x - 0.15, 0.55), (x + 0.15, 0.55), (x + 0.15, 1)], 0.03, False))
    return strokes


def _sun(rng: np.random.Generator) -> list[Stroke]:
    r = rng.uniform(0.4, 0.5)
    strokes = [_loop(rng, 0, 0, r, r * rng.uniform(0.9, 1.1), 28)]
    rays = int(rng.integers(5, 12))
    offset = rng.uniform(0, 2 * math.pi)
    for k in range(rays):
        t = offset + 2 * math.pi * k / rays + rng.normal(0, 0.08)
        r0, r1 = r + rng.uniform(0.12, 0.2), rng.uniform(0.85, 1.0)
        strokes.append(np.array([(r0 * math.cos(t), r0 * math.sin(t)), (r1 * math.cos(t), r1 * math.sin(t))]))
    return strokes


def _fish(rng: np.random.Generator) -> list[Stroke]:
    ry = rng.uniform(0.3, 0.45)
    body = _arc(-0.2, 0, 0.65, ry, 0.15 * math.pi, 1.85 * math.pi, 30)
    end_top, end_bottom = body[-1], body[0]
    spread = rng.uniform(0.35, 0.55)
    tail = _poly(rng, [tuple(end_top), (1, -spread), (1, spread), tuple(end_bottom)], 0.04, False)
    strokes = [body, tail]
    if rng.random() < 0.7:
        strokes.append(_arc(-0.55, -0.08, 0.05, 0.05, 0, 2 * math.pi, 8))
    if rng.random() < 0.5:
        strokes = [s * np.array([-1.0, 1.0]) for s in strokes]  # facing the other way
    return strokes


def _face(rng: np.random.Generator) -> list[Stroke]:
    strokes = [_loop(rng, 0, 0, 1, rng.uniform(0.9, 1.1))]
    eye_y, eye_x = rng.uniform(-0.45, -0.25), rng.uniform(0.3, 0.45)
    for sx in (-1, 1):
        strokes.append(_arc(sx * eye_x, eye_y, 0.08, 0.1, 0, 2 * math.pi, 10))
    width = rng.uniform(0.4, 0.6)
    strokes.append(_arc(0, 0.1, width, rng.uniform(0.3, 0.45), 0.15 * math.pi, 0.85 * math.pi, 16))
    return strokes


_DRAW = {
    "circle": (_circle, 180),
    "square": (_square, 20),
    "triangle": (_triangle, 20),
    "line": (_line, 180),
    "cross": (_cross, 15),
    "star": (_star, 20),
    "house": (_house, 10),
    "sun": (_sun, 180),
    "fish": (_fish, 15),
    "face": (_face, 15),
}
"""class -> (shape function, maximum rotation in degrees either way)."""


def _wobble(rng: np.random.Generator, stroke: Stroke, amount: float) -> Stroke:
    """Resample the stroke densely and add smooth low-frequency noise: a shaky hand, not pixel noise."""
    seg = np.sqrt((np.diff(stroke, axis=0) ** 2).sum(axis=1))
    length = float(seg.sum())
    if length == 0:
        return stroke
    n = max(2, int(length / 0.08))
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    t = np.linspace(0, length, n)
    pts = np.stack([np.interp(t, cum, stroke[:, 0]), np.interp(t, cum, stroke[:, 1])], axis=1)
    walk = np.cumsum(rng.normal(0, amount, (n + 4, 2)), axis=0)
    smooth = (walk[4:] - walk[:-4]) / 2  # a windowed sum of steps: smooth, zero-mean drift
    return pts + smooth


def _gap(rng: np.random.Generator, pts: Stroke) -> list[Stroke]:
    """Sometimes the pen skips: cut a short piece out of a long stroke."""
    if len(pts) < 12 or rng.random() > 0.15:
        return [pts]
    start = int(rng.integers(2, len(pts) - 6))
    end = start + int(rng.integers(2, 5))
    return [pts[: start + 1], pts[end:]]


def doodle_strokes(name: str, rng: np.random.Generator) -> list[Stroke]:
    """The strokes of one doodle of class ``name`` in [-1, 1] (x right, y down), before any pose or pen.

    The shape and, now and then, a stray mark. Shared by :func:`draw_doodle` and the synthetic stroke
    drawings of :mod:`mlcore.learn.drawings`, so both draw the same shapes.
    """
    shape, _ = _DRAW[name]
    strokes = shape(rng)
    if rng.random() < 0.15:  # a stray mark, as on any real sketch pad
        x, y = rng.uniform(-1, 1, 2)
        t = rng.uniform(0, math.pi)
        r = rng.uniform(0.1, 0.3)
        strokes.append(
            np.array([(x - r * math.cos(t), y - r * math.sin(t)), (x + r * math.cos(t), y + r * math.sin(t))])
        )
    return strokes


def max_rotation(name: str) -> float:
    """How far (degrees, either way) a doodle of class ``name`` may be turned: a circle any way, a house barely."""
    return float(_DRAW[name][1])


def hand_drawn(
    rng: np.random.Generator, strokes: list[Stroke], wobble: float, place: Callable[[Stroke], Stroke]
) -> list[Stroke]:
    """Each stroke wobbled by a shaky hand, moved by ``place`` and sometimes split where the pen skipped."""
    pieces: list[Stroke] = []
    for stroke in strokes:
        pieces.extend(_gap(rng, place(_wobble(rng, stroke, wobble))))
    return pieces


def ink(draw: Any, pieces: list[Stroke], width: int, radius: float, *, joint: str | None = None) -> None:
    """Draw polylines (pixel coordinates) in white on a Pillow ``ImageDraw``, with round ends.

    The one pen of the doodle set: hand-drawn drawings are rendered with it too, so both look alike.
    ``joint="curve"`` rounds the corners as well, for sparse points (a doodle's points are dense).
    """
    for piece in pieces:
        draw.line(piece.ravel().tolist(), fill=255, width=width, joint=joint)
        for x, y in (piece[0], piece[-1]):
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)


def draw_doodle(name: str, rng: np.random.Generator) -> np.ndarray:
    """One 28x28 uint8 doodle of class ``name``."""
    from PIL import Image, ImageDraw  # noqa: PLC0415  defers PIL

    max_rot = _DRAW[name][1]
    strokes = doodle_strokes(name, rng)
    angle = math.radians(rng.uniform(-max_rot, max_rot))
    scale = rng.uniform(0.5, 0.95)
    stretch = rng.uniform(0.8, 1.2)
    sx, sy = scale * stretch, scale / stretch
    cos, sin = math.cos(angle), math.sin(angle)
    rot = np.array([[cos, -sin], [sin, cos]])
    room = max(0.0, 1 - scale)
    shift = rng.uniform(-room, room, 2) * 0.8
    big = SIZE * SUPERSAMPLE
    pen = rng.uniform(0.9, 2.8) * SUPERSAMPLE
    width = max(1, round(pen))
    canvas = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(canvas)
    half = big / 2 * 0.9
    wobble = rng.uniform(0.008, 0.025)

    def place(pts: Stroke) -> Stroke:
        return ((pts * np.array([sx, sy])) @ rot.T + shift) * half + big / 2

    ink(draw, hand_drawn(rng, strokes, wobble, place), width, pen / 2)
    small = canvas.resize((SIZE, SIZE), Image.Resampling.BOX)
    arr = np.asarray(small, dtype=np.float32) * rng.uniform(0.8, 1.15)
    return np.clip(np.rint(arr), 0, 255).astype(np.uint8)


def generate_doodles(
    per_class: int = 500, seed: int = 0, classes: tuple[str, ...] | list[str] | None = None
) -> tuple[np.ndarray, list[str]]:
    """``per_class`` doodles of each class, shuffled: (images N x 28 x 28 uint8, English class keys).

    The same ``seed`` always gives the same images, on every machine.
    """
    names = tuple(classes) if classes is not None else DOODLE_NAMES
    unknown = [n for n in names if n not in _DRAW]
    if unknown:
        raise ValueError(f"Unknown doodle class {unknown[0]!r}; choose from {', '.join(DOODLE_NAMES)}.")
    if per_class < 0:
        raise ValueError("per_class must be zero or more.")
    rng = np.random.default_rng(seed)
    images = np.zeros((per_class * len(names), SIZE, SIZE), dtype=np.uint8)
    labels: list[str] = []
    i = 0
    for name in names:
        for _ in range(per_class):
            images[i] = draw_doodle(name, rng)
            labels.append(name)
            i += 1
    order = rng.permutation(len(labels))
    return images[order], [labels[j] for j in order]
