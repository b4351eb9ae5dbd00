"""Shared plumbing: parameter checking, targets, held-out splits."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import BadInput, BadParam, LengthMismatch, NonNumericTarget, OneClass, TooFewRows

MIN_ROWS = 3
"""Fewer rows than this cannot teach anything; we refuse instead of returning a meaningless model."""

MIN_ROWS_FOR_HELDOUT = 10
"""Below this we train on everything and evaluate on the training rows (and say so)."""

MISSING_STRINGS = frozenset({"", "na", "n/a", "nan", "null", "none", "-"})

Label = str | int | float | bool


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class ParamSpec:
    default: Any
    check: Callable[[Any], Any]
    """Returns the cleaned value or raises ValueError with an English reason."""


def check_params(params: Mapping[str, Any] | None, spec: Mapping[str, ParamSpec]) -> dict[str, Any]:
    """Fill defaults and reject unknown or out-of-range values early, before minutes of training."""
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise BadParam("params must be a dict.", param=None, reason="not a dict")
    unknown = sorted(str(k) for k in params if k not in spec)
    if unknown:
        raise BadParam(
            f"Unknown parameter {unknown[0]!r}. Known parameters: {', '.join(sorted(spec))}.",
            param=unknown[0],
            reason="unknown",
            allowed=sorted(spec),
        )
    clean: dict[str, Any] = {}
    for name, item in spec.items():
        value = params.get(name, item.default)
        try:
            clean[name] = item.check(value)
        except (ValueError, TypeError) as exc:
            raise BadParam(f"Bad value for {name!r}: {exc}", param=name, reason=str(exc), value=repr(value)) from None
    return clean


def int_range(lo: int, hi: int, *, allow_none: bool = False) -> Callable[[Any], int | None]:
    def check(value: Any) -> int | None:
        if value is None and allow_none:
            return None
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise TypeError(f"must be a whole number between {lo} and {hi}")
        value = int(value)
        if not lo <= value <= hi:
            raise ValueError(f"must be between {lo} and {hi}")
        return value

    return check


def float_range(lo: float, hi: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"must be a number between {lo} and {hi}")
        value = float(value)
        if not (math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"must be between {lo} and {hi}")
        return value

    return check


def boolean(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise TypeError("must be true or false")


def one_of(*choices: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value

    return check


VALIDATION_FRACTION = ParamSpec(0.2, float_range(0.0, 0.5))


# --------------------------------------------------------------------------- values


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, str):
        return value.strip().lower() in MISSING_STRINGS
    return False


def to_float(value: Any) -> float | None:
    """A number from an int, float or numeric string (CSV cells arrive as strings); None if it is not one."""
    if isinstance(value, bool | np.bool_):
        return float(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            return float(text)
        except ValueError:
            return None
    return None


def as_sequence(values: Any, what: str) -> Sequence[Any]:
    if isinstance(values, np.ndarray):
        if values.ndim == 0:
            raise BadInput(f"{what} must be a list, not a single value.", argument=what)
        return values
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        try:
            return list(values)
        except TypeError:
            raise BadInput(f"{what} must be a list or an array.", argument=what) from None
    return values


def clean_label(value: Any) -> Label:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | int | float):
        return value
    return str(value)


def label_sort_key(value: Label) -> tuple[int, Any]:
    if isinstance(value, str):
        return (1, value)
    return (0, float(value))


@dataclass
class Target:
    """The cleaned B: which rows to keep, and the values as the learner needs them."""

    keep: np.ndarray
    """Indices of rows with a target (rows with a blank target are dropped)."""
    y: np.ndarray
    """float64 values (regression) or int64 label indices (classification)."""
    labels: list[Label]
    dropped: int


def prepare_target(B: Any, n_rows: int, *, classification: bool) -> Target:
    """Check B once for every task so the error codes are the same everywhere."""
    values = as_sequence(B, "B")
    if isinstance(values, np.ndarray) and values.ndim > 1:
        if values.ndim == 2 and values.shape[1] == 1:
            values = values[:, 0]
        else:
            raise BadInput("B must be one value per row (a flat list).", argument="B")
    if len(values) != n_rows:
        raise LengthMismatch(
            f"A has {n_rows} rows but B has {len(values)} values; they must match one to one.",
            rows=n_rows,
            targets=len(values),
        )
    keep = [i for i, v in enumerate(values) if not is_missing(v)]
    dropped = n_rows - len(keep)
    if len(keep) < MIN_ROWS:
        raise TooFewRows(
            f"Only {len(keep)} rows have an answer in B; at least {MIN_ROWS} are needed.",
            rows=len(keep),
            minimum=MIN_ROWS,
        )
    if classification:
        cleaned = [clean_label(values[i]) for i in keep]
        labels = sorted(set(cleaned), key=label_sort_key)
        if len(labels) < 2:
            raise OneClass(
                f"Every row has the same answer ({labels[0]!r}); a classifier needs at least two classes.",
                label=labels[0],
            )
        index = {label: i for i, label in enumerate(labels)}
        y = np.array([index[v] for v in cleaned], dtype=np.int64)
        return Target(np.array(keep, dtype=np.int64), y, labels, dropped)
    numbers_: list[float] = []
    for i in keep:
        number = to_float(values[i])
        if number is None or not math.isfinite(number):
            raise NonNumericTarget(
                f"Regression needs numbers in B, but row {i + 1} is {values[i]!r}. "
                "Use task='classification' for categories.",
                row=i + 1,
                value=str(values[i]),
            )
        numbers_.append(number)
    return Target(np.array(keep, dtype=np.int64), np.array(numbers_, dtype=np.float64), [], dropped)


# --------------------------------------------------------------------------- held-out split


@dataclass
class Split:
    train: np.ndarray
    val: np.ndarray
    heldout: bool
    warning: str | None


def heldout_split(n: int, y: np.ndarray | None, fraction: float, seed: int) -> Split:
    """Hold rows back for an honest score; with tiny data fall back to training scores and say so.

    ``y`` (label indices) makes the split stratified so every class is seen in both parts.
    """
    everything = np.arange(n)
    if fraction <= 0:
        return Split(
            everything,
            everything,
            False,
            "validation_fraction is 0, so the model was evaluated on the rows it was trained on. "
            "These scores are optimistic: they do not show how it does on new data.",
        )
    n_val = math.ceil(n * fraction)
    n_train = n - n_val
    reason = None
    if n < MIN_ROWS_FOR_HELDOUT or n_train < MIN_ROWS or n_val < 2:
        reason = f"only {n} rows"
    elif y is not None:
        counts = np.bincount(y)
        classes = int((counts > 0).sum())
        if counts[counts > 0].min() < 2 or n_val < classes or n_train < classes:
            reason = "a class has too few examples to put one aside"
    if reason is not None:
        return Split(
            everything,
            everything,
            False,
            f"Too little data to hold some back for testing ({reason}), so the model was trained on all "
            "rows and evaluated on the same rows. These scores are optimistic: they do not show how it "
            "does on new data. Collect more examples for an honest score.",
        )
    rng = np.random.default_rng(seed)
    val = rng.permutation(n)[:n_val] if y is None else _stratified_pick(y, n_val, rng)
    mask = np.zeros(n, dtype=bool)
    mask[val] = True
    return Split(everything[~mask], everything[mask], True, None)


def _stratified_pick(y: np.ndarray, n_val: int, rng: np.random.Generator) -> np.ndarray:
    """``n_val`` indices with every class in proportion (largest remainder), at least one per class on
    each side. Plain numpy, so the image path does not pay scikit-learn's import time."""
    classes, counts = np.unique(y, return_counts=True)
    ideal = counts * n_val / len(y)
    take = np.clip(np.floor(ideal).astype(np.int64), 1, counts - 1)
    order = np.argsort(-(ideal - take), kind="stable")
    diff = n_val - int(take.sum())
    while diff != 0:
        moved = False
        for j in order if diff > 0 else order[::-1]:
            if diff > 0 and take[j] < counts[j] - 1:
                take[j] += 1
                diff -= 1
                moved = True
            elif diff < 0 and take[j] > 1:
                take[j] -= 1
                diff += 1
                moved = True
            if diff == 0:
                break
        if not moved:
            break
    picks = [rng.permutation(np.flatnonzero(y == c))[:k] for c, k in zip(classes, take, strict=True)]
    return np.concatenate(picks)


def split_info(split: Split, target: Target) -> dict[str, Any]:
    info: dict[str, Any] = {
        "heldout": split.heldout,
        "evaluated_on": "heldout" if split.heldout else "training",
        "n_train": len(split.train),
        "n_validation": len(split.val) if split.heldout else 0,
        "dropped_rows": target.dropped,
    }
    if split.warning:
        info["warning"] = split.warning
    return info
