"""Generated tables whose learning curve is known, for the learning-curve tests.

**The teacher–student perceptron.** ``x`` is ``d`` independent standard normal features and the
answer is the side of a fixed hyperplane through the origin: ``y = [w · x > 0]`` with ``w`` a fixed
random unit vector (the "teacher"). Why its curve is known:

* The Bayes error is exactly 0 (the answer is a deterministic function of ``x``), so the floor
  ``c`` of ``error = a * n**(-b) + c`` is 0 and everything the baseline gets wrong is estimation
  error: nothing (label noise, missing inputs) hides how fast learning goes.
* The family is right: a linear "student" (the baseline's logistic regression) can represent the
  teacher exactly, and the error of a linear student trained on ``n`` examples falls as a power of
  ``n / d`` that tends to ``1 / n`` (the statistical mechanics of learning: Seung, Sompolinsky and
  Tishby, Phys. Rev. A 45, 1992; Engel and Van den Broeck, *Statistical Mechanics of Learning*,
  2001). Learning is gradual, and ``d`` sets how slowly: the error depends on ``n / d``.
* ``x`` is isotropic, so the curve does not depend on which ``w`` was drawn.

``d`` and the sample are chosen so the slices a learning curve trains on lie in that power-law
regime (at least one example per feature in the smallest slice) and the errors are large enough to
be measured on the held-out folds.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from mlcore.learn.tabular import NUMERIC, build_pipeline

TEACHER_SEED = 99


def teacher_student(n: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` examples: features (n x d) and 0/1 answers from the fixed teacher of dimension ``d``."""
    teacher = np.random.default_rng(TEACHER_SEED).normal(size=d)
    teacher /= np.linalg.norm(teacher)
    X = np.random.default_rng(seed).normal(size=(n, d))
    return X, (X @ teacher > 0).astype(np.int64)


def table_csv(X: np.ndarray, y: np.ndarray, *, answer: str = "y") -> bytes:
    """A CSV upload of the table (features ``x1..xd``, the answer last), as a spreadsheet would save it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"x{j + 1}" for j in range(X.shape[1])] + [answer])
    for row, value in zip(X, y, strict=True):
        writer.writerow([f"{v:.6g}" for v in row] + [str(value)])
    return out.getvalue().encode()


def baseline_error(n: int, d: int, *, test: tuple[np.ndarray, np.ndarray], repeats: int, seed: int) -> float:
    """The mean held-out error of the model ``train(..., model="linear")`` builds (imputer, scaler,
    logistic regression: the learning curve's baseline), trained on ``repeats`` fresh samples of ``n``."""
    X_test, y_test = test
    errors = []
    for r in range(repeats):
        X, y = teacher_student(n, d, seed=seed + 7919 * r + n)
        if len(np.unique(y)) < 2:
            errors.append(float(np.mean(y_test != y[0])))
            continue
        model = build_pipeline([NUMERIC] * d, classification=True, params={"model": "linear"}, seed=0)
        model.fit(X, y)
        errors.append(float(np.mean(model.predict(X_test) != y_test)))
    return float(np.mean(errors))


def smallest_n_reaching(
    target_error: float, d: int, *, lo: int = 100, hi: int = 20_000, test_size: int = 40_000, repeats: int = 10
) -> int:
    """By measurement: the smallest training-set size whose mean held-out error (``repeats`` fresh
    training samples, ``test_size`` held-out examples) is at most ``target_error``: bisection on a log
    scale between ``lo`` and ``hi`` to within 4% (the error falls with ``n``)."""
    test = teacher_student(test_size, d, seed=424242)
    measured: dict[int, float] = {}

    def error(n: int) -> float:
        if n not in measured:
            measured[n] = baseline_error(n, d, test=test, repeats=repeats, seed=31)
        return measured[n]

    if error(lo) <= target_error:
        return lo
    if error(hi) > target_error:
        return hi * 10  # beyond the search: the caller's factor-of-two check fails loudly
    while hi / lo > 1.04:
        mid = round((lo * hi) ** 0.5)
        if error(mid) <= target_error:
            hi = mid
        else:
            lo = mid
    return hi
