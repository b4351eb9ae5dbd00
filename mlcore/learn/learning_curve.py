"""How many examples would it take? Learning curves and a power-law extrapolation.

Method
------
1. Split the data into ``folds`` cross-validation folds (stratified for classification).
2. For every fold and every fraction ``f``, train a *fast baseline* on a random ``f`` share of the fold's
   training part (stratified when possible) and measure its error on the fold's held-out part.
   Baselines: logistic regression (classification) or ridge regression (regression) on the same
   imputed/scaled/one-hot columns as :func:`train`. For images, by default the same small CNN as
   :func:`train` with few epochs (about 60 optimiser steps per slice, 2 to 10 epochs), because a linear
   model on pixels has a much higher error floor than the CNN and would say "unreachable" for targets the
   CNN meets easily; ``baseline="linear"`` uses logistic regression on pixels shrunk to 16x16 instead
   (faster, but only a lower bound on what a CNN can do). The baseline is not the final model: it answers
   "does more data still help, and how fast?".
3. Fit ``error = a * n**(-b) + c`` to all (size, error) points by least squares under the bounds
   ``a >= 0``, ``0.01 <= b <= 3``, ``0 <= c <= max(error)``. ``c`` is the error that more data of the same
   kind will not remove. For a fixed ``b`` the problem is linear in ``a`` and ``c`` and is solved exactly
   (a profile over a grid of ``b``, then a finer grid); that solution starts ``scipy.optimize.curve_fit``
   (bounded trust-region least squares), whose answer is kept when it is at least as good (``method``
   says which). The grid start avoids curve_fit's local minima.
4. Uncertainty: a bootstrap. The (size, error) points from all folds are resampled with replacement
   (200 times by default) and refitted with the vectorised profile fit; :func:`examples_needed` solves
   each refit for ``n`` and reports the 10th and 90th percentiles as an 80% band.

Error is ``1 - accuracy`` for classification and the mean absolute error for regression.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import api
from . import images as img
from .common import MIN_ROWS, check_params, prepare_target
from .errors import BadParam, BadTask, TooFewRows
from .progress import ProgressCallback, Reporter
from .tabular import EMPTY, build_pipeline, infer_kinds, read_table, to_matrix
from .text import PARAMS as TEXT_PARAMS
from .text import build_pipeline as build_text_pipeline
from .text import read_texts

BOOTSTRAP = 200
IMAGE_SIDE = 16
CNN_BATCH = 64
CNN_STEPS = 60
CNN_MIN_EPOCHS = 2
CNN_MAX_EPOCHS = 10


@dataclass(frozen=True)
class PowerLawFit:
    """``error = a * n**(-b) + c``. Unpacks as ``a, b, c = fit``; ``samples`` are bootstrap refits."""

    a: float
    b: float
    c: float
    rmse: float = 0.0
    method: str = "curve_fit"
    samples: tuple[tuple[float, float, float], ...] = field(default=(), repr=False)

    def __iter__(self) -> Iterator[float]:
        return iter((self.a, self.b, self.c))

    def __call__(self, n: float | np.ndarray) -> float | np.ndarray:
        return self.a * np.power(n, -self.b) + self.c

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "c": self.c,
            "rmse": self.rmse,
            "method": self.method,
            "samples": [list(s) for s in self.samples],
        }


def _power(n: np.ndarray, a: float, b: float, c: float) -> np.ndarray:
    return a * np.power(n, -b) + c


B_MIN, B_MAX = 0.01, 3.0


def _profile_fit(x: np.ndarray, Y: np.ndarray, top: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares fits of ``Y ~ a * x**(-b) + c`` for many data sets at once (one per row).

    For a fixed ``b`` the model is linear in ``a`` and ``c``, so the bounded 2-parameter problem is solved
    exactly; ``b`` is then found on a coarse grid and refined on a fine one. This is the same objective
    as curve_fit, but vectorised (hundreds of bootstrap refits in milliseconds) and immune to local minima.
    """
    S = x.shape[0]
    coarse = np.linspace(B_MIN, B_MAX, 150)
    _, b, _ = _profile_grid(x, Y, top, np.broadcast_to(coarse, (S, len(coarse))))
    step = coarse[1] - coarse[0]
    fine = np.clip(b[:, None] + np.linspace(-step, step, 41)[None, :], B_MIN, B_MAX)
    return _profile_grid(x, Y, top, fine)


def _profile_grid(
    x: np.ndarray, Y: np.ndarray, top: np.ndarray, grid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    F = x[:, None, :] ** (-grid[:, :, None])  # samples x grid x points
    y = Y[:, None, :]
    hi = top[:, None]
    fm, ym = F.mean(-1), y.mean(-1)
    fc, yc = F - fm[..., None], y - ym[..., None]
    a_free = (fc * yc).sum(-1) / np.maximum((fc**2).sum(-1), 1e-300)
    c_free = ym - a_free * fm
    ff = (F**2).sum(-1)
    candidates = [
        (a_free, c_free, (a_free >= 0) & (c_free >= 0) & (c_free <= hi)),
        (np.maximum((F * y).sum(-1) / ff, 0), np.zeros_like(fm), None),  # c = 0
        (np.maximum((F * (y - hi[..., None])).sum(-1) / ff, 0), np.broadcast_to(hi, fm.shape), None),  # c = top
        (np.zeros_like(fm), np.broadcast_to(np.clip(ym, 0, hi), fm.shape), None),  # a = 0
    ]
    best_sse = np.full(fm.shape, np.inf)
    best_a, best_c = np.zeros_like(fm), np.zeros_like(fm)
    for ca, cc, feasible in candidates:
        sse = ((ca[..., None] * F + cc[..., None] - y) ** 2).sum(-1)
        if feasible is not None:
            sse = np.where(feasible, sse, np.inf)
        better = sse < best_sse
        best_sse = np.where(better, sse, best_sse)
        best_a, best_c = np.where(better, ca, best_a), np.where(better, cc, best_c)
    pick = best_sse.argmin(axis=1)
    rows = np.arange(len(pick))
    return best_a[rows, pick], grid[rows, pick], best_c[rows, pick]


def _polish(
    x: np.ndarray, y: np.ndarray, top: float, start: tuple[float, float, float]
) -> tuple[float, float, float, str]:
    """curve_fit (bounded trust-region least squares) from the profile solution; kept only if no worse."""
    from scipy.optimize import curve_fit  # noqa: PLC0415  defers scipy

    def sse(p: Sequence[float]) -> float:
        return float(((_power(x, *p) - y) ** 2).sum())

    a0, b0, c0 = start
    p0 = (max(a0, 1e-12), float(np.clip(b0, B_MIN + 1e-9, B_MAX - 1e-9)), float(np.clip(c0, 1e-12, top - 1e-12)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p, _ = curve_fit(_power, x, y, p0=p0, bounds=((0.0, B_MIN, 0.0), (np.inf, B_MAX, top)), maxfev=2000)
    except (RuntimeError, ValueError):
        return a0, b0, c0, "profile"
    if sse(p) <= sse(start) + 1e-15:
        return float(p[0]), float(p[1]), float(p[2]), "curve_fit"
    return a0, b0, c0, "profile"


def fit_power_law(
    sizes: Sequence[float] | np.ndarray,
    errors: Sequence[float] | np.ndarray,
    *,
    bootstrap: int = BOOTSTRAP,
    seed: int = 0,
) -> PowerLawFit:
    """Fit ``error = a * n**(-b) + c``; repeated sizes (one point per fold) are welcome and sharpen the band."""
    x = np.asarray(sizes, dtype=np.float64).ravel()
    y = np.asarray(errors, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise BadParam("sizes and errors must have the same length.", param="errors")
    ok = np.isfinite(x) & np.isfinite(y) & (x > 0)
    x, y = x[ok], y[ok]
    if len(np.unique(x)) < 3:
        raise TooFewRows(
            "A power law needs errors at three or more different sizes.", rows=len(np.unique(x)), minimum=3
        )
    ref = float(x.max())
    xs = x / ref  # n / n_max keeps a of the order of the errors: better conditioned
    top = max(float(y.max()), 1e-12)
    pa, pb, pc = _profile_fit(xs[None, :], y[None, :], np.array([top]))
    a, b, c, method = _polish(xs, y, top, (float(pa[0]), float(pb[0]), float(pc[0])))
    rmse = float(np.sqrt(np.mean((_power(xs, a, b, c) - y) ** 2)))
    samples: list[tuple[float, float, float]] = []
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        picks = rng.integers(0, len(x), (bootstrap, len(x)))
        picks = picks[[len(np.unique(x[p])) >= 3 for p in picks]]
        if len(picks):
            sa, sb, sc = _profile_fit(xs[picks], y[picks], y[picks].max(axis=1).clip(1e-12))
            samples = [(float(i) * ref ** float(j), float(j), float(k)) for i, j, k in zip(sa, sb, sc, strict=True)]
    a *= ref**b
    return PowerLawFit(a, b, c, rmse, method, tuple(samples))


def _needed(a: float, b: float, c: float, target: float) -> float:
    if target <= c or b <= 0 or a <= 0:
        return 0.0 if a <= 0 and target > c else math.inf
    return (a / (target - c)) ** (1.0 / b)


#: Beyond the largest slice measured, the band is at least estimate / 2 .. estimate x 2. The bootstrap
#: only sees the scatter of the measured points, not the error of extrapolating the power law: on the
#: 30 teacher-student data sets of bench/learning_curve_check.py its 80% band held the size measured by
#: training in 7 of 30, while the estimate itself was within a factor of 2 in 27 of 30.
EXTRAPOLATION_FACTOR = 2.0


def examples_needed(
    fit: PowerLawFit | Mapping[str, Any] | Sequence[float],
    target_error: float,
    *,
    measured_max: float | None = None,
) -> tuple[float, float, float]:
    """(estimate, low, high) training examples to reach ``target_error``; ``inf`` when the fitted floor
    ``c`` is above the target (more of the same data will not get there). The band is the bootstrap's
    10th..90th percentile; a plain ``(a, b, c)`` tuple has no band, so low == high == estimate.

    ``measured_max``: the largest training size the curve measured. An estimate beyond it is an
    extrapolation, and the band widens to at least a factor of :data:`EXTRAPOLATION_FACTOR` either
    side (see there for the measurement behind it)."""
    samples: Sequence[Sequence[float]] = ()
    if isinstance(fit, PowerLawFit):
        a, b, c = fit
        samples = fit.samples
    elif isinstance(fit, Mapping):
        a, b, c = float(fit["a"]), float(fit["b"]), float(fit["c"])
        samples = fit.get("samples") or ()
    else:
        a, b, c = (float(v) for v in fit)
    estimate = _needed(a, b, c, target_error)
    low = high = estimate
    if samples:
        values = np.array([_needed(*s, target_error) for s in samples], dtype=np.float64)
        low = min(estimate, float(np.quantile(values, 0.1, method="inverted_cdf")))
        high = max(estimate, float(np.quantile(values, 0.9, method="inverted_cdf")))
    if measured_max is not None and math.isfinite(estimate) and estimate > measured_max:
        low = min(low, estimate / EXTRAPOLATION_FACTOR)
        high = max(high, estimate * EXTRAPOLATION_FACTOR)
    return _round(estimate), _round(low), _round(high)


def _round(n: float) -> float:
    return n if math.isinf(n) else float(math.ceil(n))


# --------------------------------------------------------------------------- learning curve


@dataclass
class _Baseline:
    name: str
    X: Any
    n: int
    fit_error: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], float]
    """(train rows, train targets, test rows, test targets) -> error."""


def _cnn_epochs(n: int) -> int:
    """Roughly the same number of optimiser steps for every slice, so small slices are not simply undertrained."""
    batches = max(1, math.ceil(n / CNN_BATCH))
    return int(min(CNN_MAX_EPOCHS, max(CNN_MIN_EPOCHS, math.ceil(CNN_STEPS / batches))))


def _baseline(A: Any, task: str, kind: str, seed: int, should_stop: Callable[[], bool] | None) -> _Baseline:
    classification = task != "regression"
    if task == "image_classification":
        if img.is_single_image(A):
            raise TooFewRows("A must be a list of images.", rows=1, minimum=MIN_ROWS)
        images = img.read_images(A)
        h, w, ch = img.choose_geometry(images, None)
        if kind == "cnn":
            X = img.prepare(images, h, w, ch, auto_invert=True)
            X = X[:, 0] if ch == 1 else X.transpose(0, 2, 3, 1)

            def cnn_error(idx: np.ndarray, y: np.ndarray, test: np.ndarray, y_test: np.ndarray) -> float:
                if len(np.unique(y)) < 2 or len(idx) < MIN_ROWS:
                    return _constant_error(y, y_test)
                params = {"epochs": _cnn_epochs(len(idx)), "batch_size": CNN_BATCH, "validation_fraction": 0.0}
                model = api.train(X[idx], y.tolist(), task=task, params=params, seed=seed, should_stop=should_stop)
                pred = np.array(model.impl.predict_raw(X[test]))
                return float((np.array(model.labels)[pred] != y_test).mean())

            return _Baseline("small CNN, few epochs", X, len(X), cnn_error)
        scale = min(1.0, IMAGE_SIDE / max(h, w))
        h, w = max(1, round(h * scale)), max(1, round(w * scale))
        X = img.prepare(images, h, w, ch, auto_invert=True).reshape(len(images), -1).astype(np.float32) / 255.0

        def make() -> Any:
            from sklearn.linear_model import LogisticRegression  # noqa: PLC0415  defers sklearn

            return LogisticRegression(max_iter=200, tol=1e-3, C=0.5)

        return _Baseline("logistic regression on pixels", X, len(X), _sklearn_error(make, X, classification))
    if task == api.TEXT:
        return _text_baseline(A, seed)
    rows, columns = read_table(A)
    kinds = infer_kinds(rows, len(columns))  # decided once, on all rows, so every fold encodes alike
    if all(k == EMPTY for k in kinds):
        raise TooFewRows("A has no usable columns.", rows=len(rows), minimum=1)
    X = to_matrix(rows, columns, kinds)

    def make_table() -> Any:
        params = {"model": "linear", "n_estimators": 1, "max_depth": None}
        pipeline = build_pipeline(kinds, classification=classification, params=params, seed=seed)
        if classification:
            from sklearn.linear_model import LogisticRegression  # noqa: PLC0415  defers sklearn

            pipeline.steps[-1] = ("model", LogisticRegression(max_iter=300, tol=1e-3))
        else:
            from sklearn.linear_model import Ridge  # noqa: PLC0415  defers sklearn

            pipeline.steps[-1] = ("model", Ridge(alpha=1.0))
        return pipeline

    name = "logistic regression" if classification else "ridge regression"
    return _Baseline(name, X, len(X), _sklearn_error(make_table, X, classification))


def _text_baseline(A: Any, seed: int) -> _Baseline:
    """The same TF-IDF + logistic regression as :func:`train` (it is fast): vocabulary and weights are
    learnt on each slice alone, so no word of the test part leaks in."""
    texts = np.array(read_texts(A), dtype=object)

    def make() -> Any:
        return build_text_pipeline(check_params(None, TEXT_PARAMS), seed)

    return _Baseline("TF-IDF n-grams + logistic regression", texts, len(texts), _sklearn_error(make, texts, True))


def _constant_error(y: np.ndarray, y_test: np.ndarray) -> float:
    """One class seen: the best guess is that class."""
    return float((y_test != y[0]).mean())


def _sklearn_error(make: Callable[[], Any], X: Any, classification: bool) -> Callable[..., float]:
    def error(idx: np.ndarray, y: np.ndarray, test: np.ndarray, y_test: np.ndarray) -> float:
        if classification and len(np.unique(y)) < 2:
            return _constant_error(y, y_test)
        model = make()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X[idx], y)
        pred = model.predict(X[test])
        if classification:
            return float((pred != y_test).mean())
        return float(np.abs(pred - y_test).mean())

    return error


def _checked_settings(task: str, baseline: str, fractions: Sequence[float], folds: int) -> tuple[str, list[float]]:
    """The baseline kind (``cnn`` or ``linear``) and the sorted fractions, once every setting is valid."""
    if task not in api.TASKS:
        raise BadTask(f"Unknown task {task!r}.", task=str(task))
    if baseline not in ("auto", "linear", "cnn") or (baseline == "cnn" and task != "image_classification"):
        raise BadParam("baseline must be 'auto', 'linear' or (for images) 'cnn'.", param="baseline")
    kind = "cnn" if task == "image_classification" and baseline in ("auto", "cnn") else "linear"
    try:
        fracs = sorted({float(f) for f in fractions})
    except (TypeError, ValueError):
        raise BadParam("fractions must be numbers between 0 and 1.", param="fractions") from None
    if len(fracs) < 1 or fracs[0] <= 0 or fracs[-1] > 1:
        raise BadParam("fractions must be between 0 (excluded) and 1.", param="fractions")
    if isinstance(folds, bool) or not isinstance(folds, int) or not 2 <= folds <= 20:
        raise BadParam("folds must be a whole number from 2 to 20.", param="folds")
    return kind, fracs


def _splitter(y: np.ndarray, folds: int, *, classification: bool, seed: int) -> tuple[Any, int]:
    """The cross-validation splitter and its number of folds (fewer when a class is rarer than ``folds``)."""
    from sklearn.model_selection import KFold, StratifiedKFold  # noqa: PLC0415  defers sklearn

    if classification:
        counts = np.bincount(y)
        folds = min(folds, int(counts[counts > 0].min()))
        if folds < 2:
            raise TooFewRows("Every class needs at least two examples for a learning curve.", rows=len(y), minimum=2)
        return StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed), folds
    if len(y) < 2 * folds:
        raise TooFewRows(f"A learning curve needs at least {2 * folds} rows.", rows=len(y), minimum=2 * folds)
    return KFold(n_splits=folds, shuffle=True, random_state=seed), folds


def _slice(
    train_pos: np.ndarray, f: float, y: np.ndarray, *, classification: bool, rng: np.random.Generator
) -> np.ndarray:
    """A random ``f`` share of a fold's training part (stratified for classes when it can be)."""
    from sklearn.model_selection import train_test_split  # noqa: PLC0415  defers sklearn

    m = max(2, round(f * len(train_pos)))
    if m >= len(train_pos):
        return train_pos
    if classification and m >= len(np.unique(y[train_pos])):
        try:
            sub, _ = train_test_split(
                train_pos, train_size=m, stratify=y[train_pos], random_state=int(rng.integers(2**31))
            )
        except ValueError:  # a class too rare to stratify at this size
            return rng.choice(train_pos, m, replace=False)
        return sub
    return rng.choice(train_pos, m, replace=False)


def learning_curve(
    A: Any,
    B: Any,
    *,
    task: str,
    fractions: Sequence[float] = (0.1, 0.2, 0.4, 0.8),
    folds: int = 3,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    baseline: str = "auto",
) -> dict[str, Any]:
    """Error of a fast baseline on growing slices of the data, with a power-law fit (see module doc).

    ``baseline``: "auto" (a short CNN for images, linear models for tables), "linear" or "cnn".
    Returns a JSON-friendly dict: ``sizes`` (training examples per slice), ``errors`` (one list per size,
    one value per fold), ``mean_error``, ``std_error``, ``metric``, ``baseline`` and ``fit``
    (``{"a", "b", "c", "rmse", "method", "samples"}`` or None) to pass to :func:`examples_needed`.
    """
    kind, fracs = _checked_settings(task, baseline, fractions, folds)
    classification = task != "regression"
    base = _baseline(A, task, kind, seed, should_stop)
    target = prepare_target(B, base.n, classification=classification)
    rows, y = target.keep, target.y
    splitter, folds = _splitter(y, folds, classification=classification, seed=seed)
    reporter = Reporter(progress, should_stop, folds * len(fracs))
    reporter.check()
    reporter.emit("start", 0)
    errors = np.full((len(fracs), folds), np.nan)
    sizes = np.zeros((len(fracs), folds))
    step = 0
    rng = np.random.default_rng(seed)
    for k, (train_pos, test_pos) in enumerate(splitter.split(np.zeros(len(y)), y if classification else None)):
        for i, f in enumerate(fracs):
            reporter.check()
            sub = _slice(train_pos, f, y, classification=classification, rng=rng)
            errors[i, k] = base.fit_error(rows[sub], y[sub], rows[test_pos], y[test_pos])
            sizes[i, k] = len(sub)
            step += 1
            reporter.emit("epoch", step, val_loss=errors[i, k])
    mean_sizes = sizes.mean(axis=1)
    fit = None
    if len(np.unique(np.round(mean_sizes))) >= 3:
        fit = fit_power_law(sizes.ravel(), errors.ravel(), seed=seed).as_dict()
    reporter.emit("end", folds * len(fracs), val_loss=float(errors[-1].mean()))
    return {
        "task": task,
        "metric": "error_rate" if classification else "mae",
        "baseline": base.name,
        "n_available": len(y),
        "folds": folds,
        "fractions": fracs,
        "sizes": [float(s) for s in mean_sizes],
        "errors": errors.tolist(),
        "mean_error": errors.mean(axis=1).tolist(),
        "std_error": errors.std(axis=1).tolist(),
        "fit": fit,
        "seconds": round(reporter.elapsed(), 3),
    }
