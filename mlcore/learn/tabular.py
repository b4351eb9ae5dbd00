"""Tables (regression and classification) with scikit-learn pipelines.

A arrives in whatever shape a notebook or a CSV upload gives: a list of dicts, a list of lists, a 2-D
numpy array, a dict of columns, or a flat list for a single column. It is turned into an object array
(floats for numeric columns, strings for categorical ones, NaN for blanks) that the pipeline imputes,
scales and one-hot encodes.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .common import (
    VALIDATION_FRACTION,
    ParamSpec,
    Target,
    check_params,
    heldout_split,
    int_range,
    is_missing,
    one_of,
    split_info,
    to_float,
)
from .errors import BadInput, BadShape
from .metrics import classification_metrics, majority_baseline, mean_baseline, regression_metrics
from .progress import Reporter

NUMERIC = "numeric"
CATEGORICAL = "categorical"
EMPTY = "empty"

MAX_CATEGORIES = 50
"""One-hot columns per categorical feature; rarer values share an 'infrequent' column."""

PARAMS: dict[str, ParamSpec] = {
    "validation_fraction": VALIDATION_FRACTION,
    "model": ParamSpec("linear", one_of("linear", "forest")),
    "n_estimators": ParamSpec(100, int_range(1, 500)),
    "max_depth": ParamSpec(None, int_range(1, 50, allow_none=True)),
}


# --------------------------------------------------------------------------- reading A


def read_table(A: Any, columns: Sequence[str] | None = None) -> tuple[list[list[Any]], list[str]]:
    """Rows as lists of raw cells, plus column names. ``columns`` (from a trained model) fixes the order."""
    if isinstance(A, Mapping):
        values = list(A.values())
        if values and all(_is_column(v) for v in values):
            return _read_columns(A, values, columns)
        A = [A]  # a single row given as a dict
    if isinstance(A, np.ndarray):
        return _read_array(A, columns)
    if isinstance(A, str | bytes) or not isinstance(A, Sequence):
        A = _as_rows(A, columns)
    if len(A) == 0:
        return [], list(columns or [])
    if all(isinstance(r, Mapping) for r in A):
        return _read_dict_rows(A, columns)
    if all(_is_scalar(r) for r in A):
        rows = [[r] for r in A]
        return _reorder(rows, ["x0"], columns)
    if all(isinstance(r, Sequence | np.ndarray) and not isinstance(r, str | bytes) for r in A):
        widths = {len(r) for r in A}
        if len(widths) > 1:
            raise BadShape("Every row must have the same number of values.", widths=sorted(widths))
        width = widths.pop()
        return _reorder([list(r) for r in A], [f"x{j}" for j in range(width)], columns)
    raise BadShape("Rows must all be dicts, all lists, or all single values.")


def _read_columns(
    A: Mapping[Any, Any], values: list[Any], columns: Sequence[str] | None
) -> tuple[list[list[Any]], list[str]]:
    """A dict of columns."""
    names = [str(k) for k in A]
    lengths = {len(v) for v in values}
    if len(lengths) > 1:
        raise BadShape("All columns must have the same number of values.", lengths=sorted(lengths))
    n = lengths.pop() if lengths else 0
    raw = [list(v) for v in values]
    rows = [[raw[j][i] for j in range(len(names))] for i in range(n)]
    return _reorder(rows, names, columns)


def _read_array(A: np.ndarray, columns: Sequence[str] | None) -> tuple[list[list[Any]], list[str]]:
    if A.ndim == 1:
        A = A.reshape(-1, 1)
    if A.ndim != 2:
        raise BadShape(f"A table must be 2-D (rows x columns); got {A.ndim}-D.", ndim=int(A.ndim))
    names = [f"x{j}" for j in range(A.shape[1])]
    return _reorder(A.tolist(), names, columns)


def _as_rows(A: Any, columns: Sequence[str] | None) -> Any:
    """A single value (for a one-column model) or an iterable, as a list."""
    if isinstance(A, numbers.Real) and columns is not None and len(columns) == 1:
        return [A]
    try:
        return list(A)
    except TypeError:
        raise BadInput("A must be a list of rows, a 2-D array or a dict of columns.", argument="A") from None


def _read_dict_rows(A: Sequence[Mapping[Any, Any]], columns: Sequence[str] | None) -> tuple[list[list[Any]], list[str]]:
    """Rows given as dicts: the columns in the order they first appear (or ``columns``)."""
    names: list[str] = []
    seen: set[str] = set()
    for r in A:
        for k in r:
            key = str(k)
            if key not in seen:
                seen.add(key)
                names.append(key)
    if columns is not None:
        names = list(columns)
    rows = [[_get(r, name) for name in names] for r in A]
    return rows, names


def _get(row: Mapping[Any, Any], name: str) -> Any:
    if name in row:
        return row[name]
    for k, v in row.items():
        if str(k) == name:
            return v
    return None


def _is_column(value: Any) -> bool:
    return (isinstance(value, Sequence) and not isinstance(value, str | bytes)) or (
        isinstance(value, np.ndarray) and value.ndim == 1
    )


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | bytes | numbers.Number | np.generic)


def _reorder(
    rows: list[list[Any]], names: list[str], columns: Sequence[str] | None
) -> tuple[list[list[Any]], list[str]]:
    """Line the input up with the model's columns: by position for unnamed input, by name otherwise."""
    if columns is None or names == list(columns):
        return rows, names
    mismatch = BadShape(
        f"The model expects {len(columns)} columns ({', '.join(columns)}); got {len(names)} ({', '.join(names)}).",
        expected=list(columns),
        got=names,
    )
    if names == [f"x{j}" for j in range(len(names))]:  # lists or arrays: columns by position
        if len(names) != len(columns):
            raise mismatch
        return rows, list(columns)
    if not set(columns) & set(names):
        raise mismatch
    index = {n: j for j, n in enumerate(names)}  # named: missing columns become blanks, extra ones are ignored
    return [[r[index[c]] if c in index else None for c in columns] for r in rows], list(columns)


def infer_kinds(rows: list[list[Any]], n_columns: int) -> list[str]:
    """A column is numeric when every filled cell reads as a number (CSV strings like "1,034" count)."""
    kinds = []
    for j in range(n_columns):
        filled = [r[j] for r in rows if not is_missing(r[j])]
        if not filled:
            kinds.append(EMPTY)
        elif all(to_float(v) is not None for v in filled):
            kinds.append(NUMERIC)
        else:
            kinds.append(CATEGORICAL)
    return kinds


def to_matrix(rows: list[list[Any]], columns: Sequence[str], kinds: Sequence[str]) -> np.ndarray:
    """The exact array the scikit-learn pipeline consumes (also what :func:`export` expects)."""
    matrix = np.empty((len(rows), len(kinds)), dtype=object)
    for i, row in enumerate(rows):
        for j, kind in enumerate(kinds):
            value = row[j]
            if is_missing(value) or kind == EMPTY:
                matrix[i, j] = np.nan
            elif kind == NUMERIC:
                number = to_float(value)
                if number is None or math.isinf(number):
                    raise BadInput(
                        f"Column {columns[j]!r} holds numbers, but row {i + 1} has {value!r}.",
                        column=columns[j],
                        row=i + 1,
                        value=str(value),
                    )
                matrix[i, j] = number
            else:
                matrix[i, j] = _category(value)
    return matrix


def _category(value: Any) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --------------------------------------------------------------------------- the estimator


def build_pipeline(kinds: Sequence[str], *, classification: bool, params: Mapping[str, Any], seed: int) -> Any:
    from sklearn.compose import ColumnTransformer  # noqa: PLC0415  defers sklearn
    from sklearn.impute import SimpleImputer  # noqa: PLC0415  defers sklearn
    from sklearn.pipeline import Pipeline  # noqa: PLC0415  defers sklearn
    from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: PLC0415  defers sklearn

    numeric = [j for j, k in enumerate(kinds) if k == NUMERIC]
    categorical = [j for j, k in enumerate(kinds) if k == CATEGORICAL]
    parts = []
    if numeric:
        parts.append(
            ("numeric", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), numeric)
        )
    if categorical:
        encoder = OneHotEncoder(
            handle_unknown="infrequent_if_exist", max_categories=MAX_CATEGORIES, sparse_output=False
        )
        parts.append(
            (
                "categorical",
                Pipeline([("impute", SimpleImputer(strategy="most_frequent")), ("onehot", encoder)]),
                categorical,
            )
        )
    prep = ColumnTransformer(parts, remainder="drop")
    if params["model"] == "forest":
        from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor  # noqa: PLC0415  defers sklearn

        cls = RandomForestClassifier if classification else RandomForestRegressor
        estimator = cls(n_estimators=params["n_estimators"], max_depth=params["max_depth"], random_state=seed, n_jobs=1)
    elif classification:
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415  defers sklearn

        estimator = LogisticRegression(max_iter=2000)
    else:
        from sklearn.linear_model import LinearRegression  # noqa: PLC0415  defers sklearn

        estimator = LinearRegression()
    return Pipeline([("prepare", prep), ("model", estimator)])


@dataclass
class TabularImpl:
    pipeline: Any
    columns: list[str]
    kinds: list[str]
    classification: bool
    n_labels: int

    def matrix(self, A: Any) -> np.ndarray:
        rows, _ = read_table(A, self.columns)
        return to_matrix(rows, self.columns, self.kinds)

    def predict_raw(self, A: Any) -> np.ndarray:
        """Label indices (classification) or float predictions (regression)."""
        X = self.matrix(A)
        if len(X) == 0:
            return np.zeros(0, dtype=np.int64 if self.classification else np.float64)
        out = self.pipeline.predict(X)
        return out.astype(np.int64) if self.classification else out.astype(np.float64)

    def proba(self, A: Any) -> np.ndarray:
        return _proba(self, self.matrix(A))


def train_tabular(
    A: Any, target_of: Any, *, classification: bool, params: Mapping[str, Any] | None, seed: int, reporter_of: Any
) -> tuple[TabularImpl, dict[str, Any], dict[str, Any], list[dict[str, Any]], Target]:
    """Returns (impl, clean params, metrics, history, target). Kept free of the Model class to avoid a cycle."""
    clean = check_params(params, PARAMS)
    rows, columns = read_table(A)
    target: Target = target_of(len(rows))
    rows = [rows[i] for i in target.keep]
    if not columns:
        raise BadInput("A has no columns.", argument="A")
    kinds = infer_kinds(rows, len(columns))
    if all(k == EMPTY for k in kinds):
        raise BadInput("A has no usable columns: every cell is blank.", argument="A")
    X = to_matrix(rows, columns, kinds)
    y = target.y
    reporter: Reporter = reporter_of(1)
    reporter.emit("start", 0)
    reporter.check()
    split = heldout_split(len(y), y if classification else None, clean["validation_fraction"], seed)
    pipeline = build_pipeline(kinds, classification=classification, params=clean, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # rare categories / convergence chatter
        pipeline.fit(X[split.train], y[split.train])
    reporter.check()
    impl = TabularImpl(pipeline, columns, kinds, classification, len(target.labels))
    train_pred = pipeline.predict(X[split.train])
    val_pred = pipeline.predict(X[split.val])
    if classification:
        metrics = classification_metrics(y[split.val], val_pred.astype(np.int64), target.labels)
        metrics["baseline_accuracy"] = majority_baseline(y[split.train], y[split.val])
        train_acc = float((train_pred == y[split.train]).mean())
        from sklearn.metrics import log_loss  # noqa: PLC0415  defers sklearn

        labels_idx = list(range(len(target.labels)))
        train_loss = float(log_loss(y[split.train], _proba(impl, X[split.train]), labels=labels_idx))
        val_loss = float(log_loss(y[split.val], _proba(impl, X[split.val]), labels=labels_idx))
        entry = {"epoch": 1, "train_loss": train_loss, "train_accuracy": train_acc, "val_loss": val_loss}
        entry["val_accuracy"] = metrics["accuracy"]
    else:
        metrics = regression_metrics(y[split.val], val_pred)
        metrics["baseline_mae"] = mean_baseline(y[split.train], y[split.val])
        entry = {
            "epoch": 1,
            "train_loss": float(((train_pred - y[split.train]) ** 2).mean()),
            "train_accuracy": None,
            "val_loss": float(((val_pred - y[split.val]) ** 2).mean()),
            "val_accuracy": None,
        }
    if not split.heldout:  # "validation" would be the training rows again; the metrics say so instead
        entry["val_loss"] = entry["val_accuracy"] = None
    entry["seconds"] = round(reporter.elapsed(), 4)
    history = [entry]
    reporter.emit(
        "end",
        1,
        train_loss=entry["train_loss"],
        train_accuracy=entry["train_accuracy"],
        val_loss=entry["val_loss"],
        val_accuracy=entry["val_accuracy"],
    )
    metrics.update(split_info(split, target))
    return impl, clean, metrics, history, target


def _proba(impl: TabularImpl, X: np.ndarray) -> np.ndarray:
    full = np.zeros((len(X), impl.n_labels), dtype=np.float64)
    if len(X):
        full[:, impl.pipeline.classes_.astype(np.int64)] = impl.pipeline.predict_proba(X)
    return full
