"""Drawings made on a phone: the wire format, its checks, and the two ways to render one.

A drawing travels as vector strokes, not as a PNG: a few kilobytes, exact, and nothing untrusted
for an image decoder to chew on::

    {"v": 1, "size": 1024, "strokes": [[x0, y0, x1, y1, ...], ...]}

Coordinates are integers in ``0 .. size - 1`` (x right, y down); each stroke is a flat list of x, y
pairs and a stroke of one point is a dot. ``static/js/drawing_pad.js`` records exactly this and
mirrors the limits below. :func:`parse_strokes` checks untrusted input (a WebSocket frame),
:func:`render_display` draws the PNG the projector shows, :func:`render_normalised` the 28 x 28
image a CNN trained on :func:`mlcore.learn.generate_doodles` reads, and :func:`synthetic_drawing`
draws like a student would, for tests and benchmarks.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .doodles import DOODLE_NAMES, SIZE, SUPERSAMPLE, Stroke, doodle_strokes, hand_drawn, ink, max_rotation
from .errors import BadParam, DrawingEmpty, DrawingMalformed, DrawingTooBig

VERSION = 1
WIRE_SIZE = 1024
"""The side of the square the pad records in; the pad scales whatever it shows to this."""
ALLOWED_SIZES: tuple[int, ...] = (WIRE_SIZE,)
MAX_STROKES = 64
MAX_POINTS = 4000
"""All strokes together. The pad records a point only after the pen moved a few units, so 4,000 is
several times what a detailed doodle takes, and a frame stays under about 40 kB of JSON."""
MAX_POINTS_PER_STROKE = 1000
MIN_EXTENT = 16
"""Wire units: ink whose bounding box is narrower and lower than this is a tap, not a drawing."""

PEN_FRACTION = 0.02
"""Pen width as a share of the side, on the pad and in :func:`render_display` alike."""
MIN_DISPLAY_SIDE = 16
MAX_DISPLAY_SIDE = 1024
_DISPLAY_SUPER = 4

NORMALISED_SPAN = 19.0
"""Length, in 28 x 28 pixels, of the longer side of the strokes' bounding box (pen centre lines).

Measured on ``generate_doodles``: the longer side of the inked box is 21 px at the median (14 to 28),
that is 19 px of centre line plus a pen of about 2 px.
"""
NORMALISED_PEN = 1.85
"""Pen width in 28 x 28 pixels: the middle of the doodles' random 0.9 .. 2.8."""


@dataclass(frozen=True)
class Drawing:
    """A checked drawing: ``size`` and ``strokes`` as on the wire (tuples of ints, flat x, y pairs)."""

    size: int
    strokes: tuple[tuple[int, ...], ...]

    @property
    def n_points(self) -> int:
        return sum(len(s) for s in self.strokes) // 2

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready wire object (what the pad's ``toJSON()`` sends and ``load()`` takes)."""
        return {"v": VERSION, "size": self.size, "strokes": [list(s) for s in self.strokes]}

    def arrays(self) -> list[np.ndarray]:
        """One float64 k x 2 array of (x, y) points per stroke."""
        return [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in self.strokes]

    def bbox(self) -> tuple[int, int, int, int]:
        """(x_min, y_min, x_max, y_max) over every point; a drawing always has at least one."""
        xs = [c for s in self.strokes for c in s[0::2]]
        ys = [c for s in self.strokes for c in s[1::2]]
        return min(xs), min(ys), max(xs), max(ys)


def _malformed(reason: str, **details: Any) -> DrawingMalformed:
    return DrawingMalformed(f"The drawing is not in the expected format ({reason}).", reason=reason, **details)


def _too_big(what: str, maximum: int) -> DrawingTooBig:
    return DrawingTooBig(
        f"The drawing has too many {what.replace('_', ' ')}: at most {maximum}.",
        what=what,
        maximum=maximum,
        max_strokes=MAX_STROKES,
        max_points=MAX_POINTS,
    )


def parse_strokes(raw: Any) -> Drawing:
    """Check an untrusted wire object (already JSON-decoded) and return the :class:`Drawing`.

    Strict on purpose: exactly the keys ``v``, ``size`` and ``strokes``; ``v`` is 1; ``size`` one of
    :data:`ALLOWED_SIZES`; every coordinate a real ``int`` (not a bool, a float such as ``12.0``,
    NaN or a string) inside the square. Counts are checked before the coordinates they cover, so
    hostile input costs at most :data:`MAX_POINTS` points of work.

    Raises ``DrawingMalformed`` (``drawing_malformed``, ``details["reason"]`` says what), ``DrawingTooBig``
    (``drawing_too_big``) or ``DrawingEmpty`` (``drawing_empty``: no strokes, or all the ink fits in a
    box smaller than :data:`MIN_EXTENT` units); all three are ``BadInput``.
    """
    size, strokes = _checked_header(raw)
    clean = _checked_strokes(strokes, size)
    drawing = Drawing(size, tuple(clean))
    x0, y0, x1, y1 = drawing.bbox()
    if max(x1 - x0, y1 - y0) < MIN_EXTENT:
        raise DrawingEmpty("The drawing is too small to be read.", minimum=MIN_EXTENT)
    return drawing


def _checked_header(raw: Any) -> tuple[int, list[Any] | tuple[Any, ...]]:
    """The wire object's ``size`` and ``strokes``, once its keys, version, size and stroke count are right."""
    if not isinstance(raw, dict):
        raise _malformed("not_an_object")
    keys = set(raw)
    if keys != {"v", "size", "strokes"}:
        missing = sorted({"v", "size", "strokes"} - keys)
        extra = sorted(str(k)[:40] for k in keys - {"v", "size", "strokes"})[:5]
        raise _malformed("keys", missing=",".join(missing), extra=",".join(extra))
    if type(raw["v"]) is not int or raw["v"] != VERSION:
        raise _malformed("version")
    size = raw["size"]
    if type(size) is not int or size not in ALLOWED_SIZES:
        raise _malformed("size", allowed=",".join(map(str, ALLOWED_SIZES)))
    strokes = raw["strokes"]
    if not isinstance(strokes, list | tuple):
        raise _malformed("strokes")
    if not strokes:
        raise DrawingEmpty("The drawing has no strokes.", minimum=MIN_EXTENT)
    if len(strokes) > MAX_STROKES:
        raise _too_big("strokes", MAX_STROKES)
    return size, strokes


def _checked_strokes(strokes: list[Any] | tuple[Any, ...], size: int) -> list[tuple[int, ...]]:
    """Every stroke as a tuple of coordinates; point counts are checked before the coordinates."""
    total = 0
    clean: list[tuple[int, ...]] = []
    for i, stroke in enumerate(strokes, start=1):
        if not isinstance(stroke, list | tuple):
            raise _malformed("stroke", stroke=i)
        n = len(stroke)
        if n == 0 or n % 2:
            raise _malformed("odd_length" if n else "empty_stroke", stroke=i)
        if n // 2 > MAX_POINTS_PER_STROKE:
            raise _too_big("stroke_points", MAX_POINTS_PER_STROKE)
        total += n // 2
        if total > MAX_POINTS:
            raise _too_big("points", MAX_POINTS)
        _check_coordinates(stroke, size, i)
        clean.append(tuple(stroke))
    return clean


def _check_coordinates(stroke: list[Any] | tuple[Any, ...], size: int, i: int) -> None:
    for c in stroke:
        if type(c) is not int:  # bool is an int subclass; floats, NaN and strings fail here too
            raise _malformed("coordinate", stroke=i)
        if not 0 <= c < size:
            raise _malformed("range", stroke=i)


def render_display(drawing: Drawing, side: int = 256) -> bytes:
    """A PNG of the drawing as the student saw it: black ink on white, ``side`` x ``side``, greyscale.

    Drawn at 4x with round caps and joins, then shrunk with a box filter (anti-aliased edges). The pen
    is :data:`PEN_FRACTION` of the side, as on the pad, so a thumbnail looks like the phone's screen.
    """
    from PIL import Image, ImageDraw, ImageOps  # noqa: PLC0415  defers PIL

    if type(side) is not int or not MIN_DISPLAY_SIDE <= side <= MAX_DISPLAY_SIDE:
        raise BadParam(
            f"side must be an integer from {MIN_DISPLAY_SIDE} to {MAX_DISPLAY_SIDE}.",
            param="side",
            reason=f"an integer from {MIN_DISPLAY_SIDE} to {MAX_DISPLAY_SIDE}",
            value=str(side)[:40],
        )
    big = side * _DISPLAY_SUPER
    canvas = Image.new("L", (big, big), 0)
    scale = big / drawing.size
    pen = PEN_FRACTION * big
    pieces = [(pts + 0.5) * scale for pts in drawing.arrays()]
    ink(ImageDraw.Draw(canvas), pieces, max(1, round(pen)), pen / 2, joint="curve")
    small = ImageOps.invert(canvas.resize((side, side), Image.Resampling.BOX))
    out = io.BytesIO()
    small.save(out, format="PNG")
    return out.getvalue()


#: Strokes are resampled to a point every this many pixels of the 3x canvas (about half the pen).
RENDER_STEP = 2.5


def render_normalised(drawing: Drawing) -> np.ndarray:
    """28 x 28 uint8, white on black: the drawing as a doodle of ``generate_doodles`` would look.

    Cropped to the bounding box of the strokes and scaled, aspect ratio kept, so the box's longer side
    spans :data:`NORMALISED_SPAN` pixels (the doodles' median); drawn with the doodles' own pen
    (:func:`mlcore.learn.doodles.ink`), :data:`NORMALISED_PEN` wide whatever size was drawn (a
    person's pen does not grow with the drawing), at 3x, then shrunk with the same box filter.

    Centred by the centre of mass of the ink (MNIST's recipe: box for the scale, mass for the place),
    moved by whole 3x pixels and never so far that ink leaves the frame. Why mass rather than the box:
    the doodles already sit up to about 2.5 px off centre (their centre of mass varies by 1.9 px), so
    the network is not tied to box alignment, and a stray mark, a long ray or an extra detail moves
    the box centre by half its reach but the mass centre only by its share of the ink, so the shape
    stays where the network expects it. Measured with the CNN trained on ``generate_doodles`` and
    1,500 held-out synthetic drawings, mass centring was ahead in 5 of 6 conditions (for example
    99.6 % against 99.5 % with 200 doodles per class, 91.5 % against 91.3 % with 50 per class and
    an added stray mark); small margins, but never worse beyond noise.
    """
    from PIL import Image, ImageDraw  # noqa: PLC0415  defers PIL

    big = SIZE * SUPERSAMPLE
    x0, y0, x1, y1 = drawing.bbox()
    span = max(x1 - x0, y1 - y0, 1)
    scale = NORMALISED_SPAN * SUPERSAMPLE / span
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    # the doodles' mapping (``... * half + big / 2``): a box-centred drawing lands where theirs do
    pieces = [_thin((pts - centre) * scale + big / 2, RENDER_STEP) for pts in drawing.arrays()]
    pen = NORMALISED_PEN * SUPERSAMPLE
    canvas = Image.new("L", (big, big), 0)
    ink(ImageDraw.Draw(canvas), pieces, max(1, round(pen)), pen / 2, joint="curve")
    pixels = np.asarray(canvas)
    dx, dy = (round(v) for v in to_centre_of_mass(pixels))
    if dx or dy:  # whole pixels, and never so far that ink leaves the frame: a shift, not a redraw
        pixels = np.roll(pixels, (dy, dx), axis=(0, 1))
    return np.asarray(Image.fromarray(pixels).resize((SIZE, SIZE), Image.Resampling.BOX), dtype=np.uint8).copy()


def _thin(points: np.ndarray, step: float) -> np.ndarray:
    """The stroke resampled to about one point per ``step`` pixels of its length (ends kept).

    A finger on a phone gives a point every few screen pixels, hundreds per stroke; at 84 x 84 most
    of them fall inside the pen's width and only cost time (Pillow draws a rounded joint per point).
    """
    if len(points) <= 2:
        return points
    length = np.concatenate(([0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))))
    bucket = np.floor(length / step)
    keep = np.flatnonzero(np.diff(bucket, prepend=-1.0) > 0)
    if keep[-1] != len(points) - 1:
        keep = np.append(keep, len(points) - 1)
    return points[keep]


def to_centre_of_mass(a: np.ndarray) -> np.ndarray:
    """(dx, dy) that moves the ink's centre of mass to the image's centre, as far as the ink stays inside."""
    weight = a.sum(dtype=np.float64)
    if weight == 0:
        return np.zeros(2)
    rows, cols = np.nonzero(a)
    offset = []
    for idx, profile in ((cols, a.sum(axis=0, dtype=np.float64)), (rows, a.sum(axis=1, dtype=np.float64))):
        mass = float((profile * np.arange(len(profile))).sum() / weight)
        want = (len(profile) - 1) / 2 - mass
        offset.append(float(np.clip(want, -int(idx.min()), len(profile) - 1 - int(idx.max()))))
    return np.array(offset)


def synthetic_drawing(name: str, rng: np.random.Generator) -> Drawing:
    """A stroke drawing of doodle class ``name`` as a student might make it on the pad.

    The doodle set's own shapes (:func:`mlcore.learn.doodles.doodle_strokes`), turned, stretched, made
    shaky and broken where the pen skipped the same way, but placed anywhere on the pad at any size
    from a third to nearly all of it, and sampled like the pad samples a finger: a point every 4 to
    12 units, rounded to integers. Always within the limits; same ``rng`` state, same drawing.
    """
    if name not in DOODLE_NAMES:
        raise BadParam(
            f"Unknown doodle class {name!r}; choose from {', '.join(DOODLE_NAMES)}.",
            param="name",
            reason="a doodle class",
            value=str(name)[:40],
        )
    size = WIRE_SIZE
    strokes = doodle_strokes(name, rng)
    angle = math.radians(rng.uniform(-1, 1) * max_rotation(name))
    half = rng.uniform(0.16, 0.46) * size
    stretch = rng.uniform(0.8, 1.2)
    cos, sin = math.cos(angle), math.sin(angle)
    rot = np.array([[cos, -sin], [sin, cos]])
    room = max(0.0, size / 2 - 1.1 * half * max(stretch, 1 / stretch))
    centre = size / 2 + rng.uniform(-room, room, 2)
    wobble = rng.uniform(0.008, 0.025)

    def place(pts: Stroke) -> Stroke:
        return ((pts * np.array([stretch, 1 / stretch])) @ rot.T) * half + centre

    pieces = hand_drawn(rng, strokes, wobble, place)
    lengths = [float(np.sqrt((np.diff(p, axis=0) ** 2).sum(axis=1)).sum()) for p in pieces]
    step = max(rng.uniform(4, 12), sum(lengths) / (0.9 * MAX_POINTS), max(lengths) / (0.9 * MAX_POINTS_PER_STROKE))
    out: list[tuple[int, ...]] = []
    for piece, length in zip(pieces, lengths, strict=True):
        if len(out) == MAX_STROKES:
            break
        cum = np.concatenate([[0.0], np.cumsum(np.sqrt((np.diff(piece, axis=0) ** 2).sum(axis=1)))])
        t = np.linspace(0, length, max(1, int(length / step) + 1))
        pts = np.stack([np.interp(t, cum, piece[:, 0]), np.interp(t, cum, piece[:, 1])], axis=1)
        pts = np.clip(np.rint(pts), 0, size - 1).astype(np.int64)
        keep = np.ones(len(pts), dtype=bool)
        keep[1:] = (np.diff(pts, axis=0) != 0).any(axis=1)  # the pad never records the same point twice
        out.append(tuple(pts[keep].ravel().tolist()))
    return Drawing(size, tuple(out))
