"""Data sets that ship with the code: the lecture's house table and scikit-learn's handwritten digits."""

from __future__ import annotations

import numpy as np

HOUSE_COLUMNS = ("size_sqft", "bedrooms")
HOUSE_TARGET = "price_k"

HOUSE_TABLE: tuple[dict[str, int], ...] = (
    {"size_sqft": 523, "bedrooms": 1, "price_k": 115},
    {"size_sqft": 645, "bedrooms": 1, "price_k": 150},
    {"size_sqft": 708, "bedrooms": 2, "price_k": 210},
    {"size_sqft": 1034, "bedrooms": 3, "price_k": 280},
    {"size_sqft": 2290, "bedrooms": 4, "price_k": 355},
    {"size_sqft": 2545, "bedrooms": 4, "price_k": 440},
)
"""Size in square feet, bedrooms, price in thousands of dollars."""

HOUSE_TABLE_NOTE = (
    "Six rows are enough to draw a line, not to trust it. With so few examples there is nothing left to "
    "test on: every row is needed for training, so the score is measured on the same rows the model has "
    "already seen and looks better than it is. One unusual house moves the whole line, and the model has "
    "never seen a 5-bedroom house or one over 2,545 sq ft, so it can only guess there. Real price models "
    "use thousands of sales and many more columns (location, age, condition)."
)


def load_house_table() -> tuple[list[dict[str, int]], list[float]]:
    """(A, B) for ``train(A, B, task="regression")``: rows with size and bedrooms, prices in $1000."""
    A = [{k: row[k] for k in HOUSE_COLUMNS} for row in HOUSE_TABLE]
    B = [float(row[HOUSE_TARGET]) for row in HOUSE_TABLE]
    return A, B


def load_digits(upscale: bool = False) -> tuple[np.ndarray, list[int]]:
    """scikit-learn's 1,797 handwritten digits (bundled, no download) as uint8 images and int labels.

    The originals are 8x8 with values 0..16; they are scaled to 0..255. ``upscale=True`` resizes them to
    28x28 so they look like the doodles and a doodle-sized model can be reused.
    """
    from sklearn.datasets import load_digits as sk_load_digits  # noqa: PLC0415  defers sklearn

    data = sk_load_digits()
    images = np.clip(np.rint(data.images * (255.0 / 16.0)), 0, 255).astype(np.uint8)
    if upscale:
        from PIL import Image  # noqa: PLC0415  defers PIL

        images = np.stack(
            [np.asarray(Image.fromarray(a).resize((28, 28), Image.Resampling.BILINEAR), dtype=np.uint8) for a in images]
        )
    return images, [int(t) for t in data.target]
