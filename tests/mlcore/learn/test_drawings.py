"""Drawings from the pad: wire-format checks, the two renderings, synthetic drawings, and whether a CNN
trained on generated doodles reads hand-drawn strokes."""

import hashlib
import io
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from mlcore.learn import (
    DOODLE_NAMES,
    BadInput,
    BadParam,
    Drawing,
    DrawingEmpty,
    DrawingMalformed,
    DrawingTooBig,
    generate_doodles,
    parse_strokes,
    predict,
    render_display,
    render_normalised,
    synthetic_drawing,
    train,
)
from mlcore.learn import drawings as D

SQUARE = [[100, 100, 900, 100, 900, 900, 100, 900, 100, 100]]


def wire(strokes, **over):
    return {"v": 1, "size": 1024, "strokes": strokes, **over}


def box_stroke(x0: int, y0: int, x1: int, y1: int) -> list[int]:
    return [x0, y0, x1, y0, x1, y1, x0, y1, x0, y0]


# --------------------------------------------------------------------------- the doodles did not move


def test_doodles_are_byte_identical_after_the_refactor():
    """doodles.py was split (doodle_strokes, hand_drawn, ink) so drawings reuse its shapes and pen.
    This hash of generate_doodles(per_class=50, seed=0), images and labels, was computed before any
    change; the refactor must not move a single pixel."""
    images, labels = generate_doodles(per_class=50, seed=0)
    digest = hashlib.sha256(images.tobytes())
    digest.update("|".join(labels).encode())
    assert digest.hexdigest() == "04c4b21977630362affdbbf4fac584067a74257a6fee6d380d5b0cfecc80f40b"


# --------------------------------------------------------------------------- parsing


def test_parse_round_trip_through_json():
    drawing = parse_strokes(wire([*SQUARE, [500, 500]]))
    assert drawing == Drawing(1024, ((100, 100, 900, 100, 900, 900, 100, 900, 100, 100), (500, 500)))
    assert drawing.n_points == 6
    assert drawing.bbox() == (100, 100, 900, 900)
    again = parse_strokes(json.loads(json.dumps(drawing.to_wire())))
    assert again == drawing
    assert drawing.to_wire() == wire([*SQUARE, [500, 500]])


def test_limits_are_accepted_up_to_the_edge():
    per = D.MAX_POINTS_PER_STROKE
    long = [c for i in range(per) for c in (i % 1024, (i * 7) % 1024)]
    assert parse_strokes(wire([long])).n_points == per
    strokes = [box_stroke(i, i, i + 20, i + 20) for i in range(D.MAX_STROKES)]
    assert len(parse_strokes(wire(strokes)).strokes) == D.MAX_STROKES
    full = [long] * (D.MAX_POINTS // per)
    assert parse_strokes(wire(full)).n_points == D.MAX_POINTS
    assert parse_strokes(wire([[0, 0, 1023, 1023]])).bbox() == (0, 0, 1023, 1023)


NAN = float("nan")
MALFORMED = [
    ([], "not_an_object"),
    ("{}", "not_an_object"),
    (None, "not_an_object"),
    (7, "not_an_object"),
    ({"v": 1, "size": 1024}, "keys"),
    (wire(SQUARE, extra=1), "keys"),
    ({"v": 1, "size": 1024, "strokes": SQUARE, 5: 5}, "keys"),
    (wire(SQUARE, v=2), "version"),
    (wire(SQUARE, v=True), "version"),
    (wire(SQUARE, v=1.0), "version"),
    (wire(SQUARE, v="1"), "version"),
    (wire(SQUARE, size=512), "size"),
    (wire(SQUARE, size=1024.0), "size"),
    (wire(SQUARE, size="1024"), "size"),
    (wire(SQUARE, size=10**100), "size"),
    (wire("[[1, 2]]"), "strokes"),
    (wire({"0": [1, 2]}), "strokes"),
    (wire(None), "strokes"),
    (wire([5]), "stroke"),
    (wire(["1,2,3,4"]), "stroke"),
    (wire([{"x": 1, "y": 2}]), "stroke"),
    (wire([[]]), "empty_stroke"),
    (wire([[100, 100, 200]]), "odd_length"),
    (wire([[100.0, 100, 200, 200]]), "coordinate"),
    (wire([[100.5, 100, 200, 200]]), "coordinate"),
    (wire([[NAN, 100, 200, 200]]), "coordinate"),
    (wire([[float("inf"), 100, 200, 200]]), "coordinate"),
    (wire([[True, 100, 200, 200]]), "coordinate"),
    (wire([["100", "100", "200", "200"]]), "coordinate"),
    (wire([[[100], [100], [200], [200]]]), "coordinate"),
    (wire([[None, 100, 200, 200]]), "coordinate"),
    (wire([[-1, 100, 200, 200]]), "range"),
    (wire([[1024, 100, 200, 200]]), "range"),
    (wire([[10**100, 100, 200, 200]]), "range"),
    (wire([[100, 100, 200, -(10**30)]]), "range"),
]


@pytest.mark.parametrize(("raw", "reason"), MALFORMED, ids=[f"{i}-{r}" for i, (_, r) in enumerate(MALFORMED)])
def test_malformed_input_is_refused_with_a_reason(raw, reason):
    with pytest.raises(DrawingMalformed) as caught:
        parse_strokes(raw)
    assert caught.value.code == "drawing_malformed"
    assert caught.value.details["reason"] == reason
    assert isinstance(caught.value, BadInput)


def test_malformed_names_the_stroke():
    with pytest.raises(DrawingMalformed) as caught:
        parse_strokes(wire([*SQUARE, [1, 2, "3", 4]]))
    assert caught.value.details == {"reason": "coordinate", "stroke": 2}


TOO_BIG = [
    ("strokes", wire([[10, 10, 50, 50]] * (D.MAX_STROKES + 1))),
    ("stroke_points", wire([[5] * 2 * (D.MAX_POINTS_PER_STROKE + 1)])),
    ("stroke_points", wire([[5] * 20_000])),  # 10k points in one stroke
    ("points", wire([[5] * 2 * D.MAX_POINTS_PER_STROKE] * 4 + [[10, 10, 50, 50]])),
    ("strokes", wire([[1, 1]] * 10**6)),  # refused by its length, before any stroke is looked at
]


@pytest.mark.parametrize(("what", "raw"), TOO_BIG, ids=[f"{i}-{w}" for i, (w, _) in enumerate(TOO_BIG)])
def test_too_big_is_refused_with_the_limits(what, raw):
    with pytest.raises(DrawingTooBig) as caught:
        parse_strokes(raw)
    err = caught.value
    assert err.code == "drawing_too_big"
    assert err.details["what"] == what
    assert err.details["max_strokes"] == D.MAX_STROKES
    assert err.details["max_points"] == D.MAX_POINTS
    assert isinstance(err, BadInput)


def test_a_huge_stroke_is_refused_without_reading_it():
    """The point count is checked before the coordinates: a million junk values cost nothing."""
    junk = ["x"] * 2_000_000
    with pytest.raises(DrawingTooBig):
        parse_strokes(wire([junk]))


@pytest.mark.parametrize(
    "strokes",
    [[], [[500, 500]], [[500, 500], [510, 510]], [box_stroke(500, 500, 500 + D.MIN_EXTENT - 1, 505)]],
    ids=["no-strokes", "one-dot", "two-dots", "tiny-box"],
)
def test_empty_or_tiny_drawings_are_refused(strokes):
    with pytest.raises(DrawingEmpty) as caught:
        parse_strokes(wire(strokes))
    assert caught.value.code == "drawing_empty"
    assert caught.value.details == {"minimum": D.MIN_EXTENT}


def test_the_smallest_readable_drawing():
    assert parse_strokes(wire([[500, 500, 500 + D.MIN_EXTENT, 500]])).n_points == 2


json_junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        json_junk,
        st.builds(wire, json_junk),
        st.builds(wire, st.lists(st.lists(json_junk, max_size=8), max_size=4)),
        st.builds(wire, st.lists(st.lists(st.integers(-5, 1030), max_size=12), max_size=5)),
    )
)
def test_hostile_input_only_ever_raises_bad_input(raw):
    """Whatever a JSON frame decodes to, the answer is a Drawing or one of the three drawing errors."""
    try:
        drawing = parse_strokes(raw)
    except (DrawingMalformed, DrawingTooBig, DrawingEmpty) as err:
        refusal = err.as_dict()
    else:
        refusal = None
    if refusal is not None:
        assert refusal["code"] in {"drawing_malformed", "drawing_too_big", "drawing_empty"}
        json.dumps(refusal)  # details are JSON-ready for a log or an error frame
    else:
        assert all(type(c) is int and 0 <= c < 1024 for s in drawing.strokes for c in s)
        assert render_normalised(drawing).shape == (28, 28)


# --------------------------------------------------------------------------- rendering


def centre_of_mass(a: np.ndarray) -> tuple[float, float]:
    w = a.astype(np.float64)
    ys, xs = np.indices(a.shape)
    return float((xs * w).sum() / w.sum()), float((ys * w).sum() / w.sum())


def test_normalised_is_a_white_on_black_28x28_centred_doodle():
    drawing = parse_strokes(wire([box_stroke(40, 600, 240, 700)]))  # small, wide and off in a corner
    img = render_normalised(drawing)
    assert img.shape == (28, 28)
    assert img.dtype == np.uint8
    assert img.max() >= 200, "white ink"
    frame = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
    assert frame.max() == 0, "black background, nothing touches the border"
    cx, cy = centre_of_mass(img)
    assert abs(cx - 13.5) < 0.5
    assert abs(cy - 13.5) < 0.5
    rows, cols = np.nonzero(img > 40)
    width, height = cols.max() - cols.min() + 1, rows.max() - rows.min() + 1
    assert 19 <= width <= 23, "the longer side spans about what the doodles' does (median 21 px)"
    assert 8 <= height <= 12, "the aspect ratio is kept (2:1)"
    assert np.array_equal(img, render_normalised(drawing)), "deterministic"


def test_normalised_ignores_where_and_how_big_it_was_drawn():
    small = [[int(100 + x * 0.25), int(100 + y * 0.25)] for x, y in [(0, 0), (800, 0), (400, 700), (0, 0)]]
    big = [[int(120 + x * 1.1), int(150 + y * 1.1)] for x, y in [(0, 0), (800, 0), (400, 700), (0, 0)]]
    a = render_normalised(parse_strokes(wire([[c for p in small for c in p]])))
    b = render_normalised(parse_strokes(wire([[c for p in big for c in p]])))
    assert np.abs(a.astype(int) - b.astype(int)).mean() < 3


def test_mass_centring_moves_lopsided_drawings_without_cutting_them(monkeypatch):
    """A line with a scribbled-in block at one end: the box centre is far from the mass centre."""
    blob = [c for y in range(420, 590, 10) for c in (100, y, 260, y)]
    drawing = parse_strokes(wire([[100, 500, 1000, 500], blob]))
    img = render_normalised(drawing)
    monkeypatch.setattr(D, "to_centre_of_mass", lambda a: np.zeros(2))
    by_box = render_normalised(drawing)
    assert abs(int(img.sum(dtype=np.int64)) - int(by_box.sum(dtype=np.int64))) < 0.01 * by_box.sum(dtype=np.int64)
    assert abs(centre_of_mass(by_box)[0] - 13.5) > 2
    assert abs(centre_of_mass(img)[0] - 13.5) < 0.5


def test_mass_centring_stops_where_the_ink_would_leave_the_frame():
    a = np.zeros((84, 84), dtype=np.uint8)
    a[40:44, 0:30] = 255  # heavy on the left ...
    a[41, 80] = 255  # ... and a speck near the right edge: moving right by more than 3 would cut it
    dx, dy = D.to_centre_of_mass(a)
    assert dx == 3
    assert abs(dy - (41.5 - 41.5)) < 0.1
    assert list(D.to_centre_of_mass(np.zeros((84, 84), dtype=np.uint8))) == [0, 0]


def test_the_pen_after_scaling_is_comparable_to_the_doodles():
    """Ink per pixel of size within 20 % of the doodles', class by class (measured: +2 % to +16 %)."""
    doodles, labels = generate_doodles(per_class=60, seed=3)
    labels = np.array(labels)
    rng = np.random.default_rng(5)

    def ink_per_size(images):
        total = images.astype(np.float64).sum(axis=(1, 2)) / 255
        sizes = []
        for img in images:
            rows, cols = np.nonzero(img > 40)
            sizes.append(max(cols.max() - cols.min(), rows.max() - rows.min()) + 1)
        return float(np.mean(total / np.array(sizes)))

    for name in DOODLE_NAMES:
        ours = np.stack([render_normalised(synthetic_drawing(name, rng)) for _ in range(30)])
        ratio = ink_per_size(ours) / ink_per_size(doodles[labels == name])
        assert 0.8 <= ratio <= 1.25, (name, ratio)


def test_display_png():
    drawing = parse_strokes(wire([*SQUARE, [500, 500]]))
    png = render_display(drawing)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    img = Image.open(io.BytesIO(png))
    img.load()
    assert img.format == "PNG"
    assert img.size == (256, 256)
    assert img.mode == "L"
    arr = np.asarray(img)
    assert arr[0, 0] == 255, "white paper"
    assert arr[128, 60] == 255, "white inside the square"
    assert arr[int(100 / 4), 128] < 40, "black ink along the top edge of the square (100 / 1024 * 256 = 25)"
    assert arr[125:131, 125:131].min() < 40, "the dot in the middle"
    assert 0 < (arr < 255).mean() < 0.2
    assert len(np.unique(arr)) > 10, "anti-aliased edges, not two colours"
    assert render_display(drawing) == png, "deterministic"
    small = Image.open(io.BytesIO(render_display(drawing, side=64)))
    assert small.size == (64, 64)


@pytest.mark.parametrize("side", [8, 2000, 256.0, True, "256", None])
def test_display_side_is_checked(side):
    with pytest.raises(BadParam) as caught:
        render_display(parse_strokes(wire(SQUARE)), side=side)
    assert caught.value.details["param"] == "side"


# --------------------------------------------------------------------------- synthetic drawings


def test_synthetic_drawings_are_valid_varied_and_deterministic():
    rng = np.random.default_rng(0)
    drawings = [synthetic_drawing(name, rng) for _ in range(20) for name in DOODLE_NAMES]
    for d in drawings:
        assert parse_strokes(json.loads(json.dumps(d.to_wire()))) == d
    assert max(d.n_points for d in drawings) <= D.MAX_POINTS
    assert len({d.bbox() for d in drawings}) == len(drawings), "placed and sized differently every time"
    spans = [max(x1 - x0, y1 - y0) for x0, y0, x1, y1 in (d.bbox() for d in drawings)]
    assert min(spans) > 200, "at least about a third of the pad"
    assert max(spans) > 700, "up to nearly all of it"
    a = synthetic_drawing("house", np.random.default_rng(42))
    b = synthetic_drawing("house", np.random.default_rng(42))
    assert a == b


def test_synthetic_drawing_of_an_unknown_class():
    with pytest.raises(BadParam):
        synthetic_drawing("dragon", np.random.default_rng(0))


# --------------------------------------------------------------------------- the point of it all


@pytest.fixture(scope="module")
def doodle_cnn():
    images, labels = generate_doodles(per_class=200, seed=0)
    return train(images, labels, task="image_classification", seed=0)


def test_a_cnn_trained_on_doodles_reads_drawings(doodle_cnn):
    """The CNN trained on generated doodles (200 per class, all 10 classes, default parameters, about 4 s
    on two threads) reads held-out synthetic pad drawings after render_normalised.

    Measured: 99.3 % on these 300 drawings (chance is 10 %); 99.6 % on 1,500 (three training seeds);
    with bounding-box instead of mass centring 99.5 %. Doodle held-out accuracy is 99.75 %.
    """
    rng = np.random.default_rng(2024)  # not the doodles' seed: new shapes, new poses
    names = [name for _ in range(30) for name in DOODLE_NAMES]
    images = np.stack([render_normalised(parse_strokes(synthetic_drawing(n, rng).to_wire())) for n in names])
    guesses = predict(doodle_cnn, images)
    accuracy = float(np.mean([g == n for g, n in zip(guesses, names, strict=True)]))
    assert accuracy >= 0.9, accuracy
    for name in DOODLE_NAMES:
        hits = [g == n for g, n in zip(guesses, names, strict=True) if n == name]
        assert np.mean(hits) >= 0.6, (name, np.mean(hits))


def test_a_square_from_four_corners_is_a_square(doodle_cnn):
    """Sparse points (four corners, as a fast mouse gives) still draw closed corners (round joins)."""
    guess = predict(doodle_cnn, [render_normalised(parse_strokes(wire(SQUARE)))])
    assert guess == ["square"]
    circle = [c for k in range(25) for c in (512 + round(300 * math.cos(k / 24 * 2 * math.pi)),
                                             512 + round(300 * math.sin(k / 24 * 2 * math.pi)))]  # fmt: skip
    assert predict(doodle_cnn, [render_normalised(parse_strokes(wire([circle])))]) == ["circle"]
