import re
import subprocess
import sys
from pathlib import Path

import numpy as np

import mlcore.learn as learn
from mlcore.learn import DOODLE_CLASSES, DOODLE_NAMES, ERROR_CODES, HOUSE_TABLE, generate_doodles, load_digits

ROOT = Path(__file__).resolve().parents[3]


def test_no_django_needed():
    """The package must work in a notebook: importing and training must not pull in Django."""
    code = (
        "import sys, mlcore.learn as L\n"
        "L.train([1, 2, 3, 4], [2, 4, 6, 8], task='regression')\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120)


def test_every_error_code_is_documented():
    doc = (ROOT / "docs" / "mlcore-learn.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", doc, flags=re.MULTILINE))
    assert set(ERROR_CODES) <= documented
    assert len(set(ERROR_CODES)) == len(ERROR_CODES)


def test_public_api_is_exported():
    for name in learn.__all__:
        assert hasattr(learn, name), name


def test_doodles_are_deterministic_and_balanced():
    a, labels_a = generate_doodles(per_class=6, seed=5)
    b, labels_b = generate_doodles(per_class=6, seed=5)
    c, _ = generate_doodles(per_class=6, seed=6)
    assert a.shape == (60, 28, 28)
    assert a.dtype == np.uint8
    assert np.array_equal(a, b)
    assert labels_a == labels_b
    assert not np.array_equal(a, c)
    assert sorted(set(labels_a)) == sorted(DOODLE_NAMES)
    assert all(labels_a.count(n) == 6 for n in DOODLE_NAMES)
    assert len(DOODLE_CLASSES) == 10
    assert all(set(v) == {"en", "ko"} and v["ko"] for v in DOODLE_CLASSES.values())
    # strokes, not empty canvases or solid blocks
    ink = (a > 64).mean(axis=(1, 2))
    assert ink.min() > 0.01
    assert ink.max() < 0.5


def test_builtin_data():
    assert [(r["size_sqft"], r["bedrooms"], r["price_k"]) for r in HOUSE_TABLE] == [
        (523, 1, 115),
        (645, 1, 150),
        (708, 2, 210),
        (1034, 3, 280),
        (2290, 4, 355),
        (2545, 4, 440),
    ]
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8)
    assert images.dtype == np.uint8
    assert images.max() == 255
    assert sorted(set(labels)) == list(range(10))
    big, _ = load_digits(upscale=True)
    assert big.shape == (1797, 28, 28)
