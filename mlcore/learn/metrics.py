"""Scores as plain JSON-friendly dicts, so the web layer can store and chart them directly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .common import Label


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[Label]) -> dict[str, Any]:
    """Accuracy alone hides which classes get confused; the matrix and per-class recall show it.

    ``y_true``/``y_pred`` are indices into ``labels``. ``confusion_matrix[i][j]`` counts rows whose true
    label is ``labels[i]`` and that were predicted as ``labels[j]``.
    """
    k = len(labels)
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    matrix = np.zeros((k, k), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    n = int(y_true.size)
    per_class = []
    for i, label in enumerate(labels):
        tp = int(matrix[i, i])
        predicted = int(matrix[:, i].sum())
        support = int(matrix[i, :].sum())
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class.append({"label": label, "precision": precision, "recall": recall, "f1": f1, "support": support})
    accuracy = float(np.trace(matrix) / n) if n else 0.0
    return {
        "n": n,
        "accuracy": accuracy,
        "labels": list(labels),
        "per_class": per_class,
        "confusion_matrix": matrix.tolist(),
    }


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    """MAE is in the target's own units (easy to explain); R² compares with always guessing the mean."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    n = int(y_true.size)
    err = y_pred - y_true
    mae = float(np.abs(err).mean()) if n else 0.0
    rmse = float(np.sqrt((err**2).mean())) if n else 0.0
    ss_tot = float(((y_true - y_true.mean()) ** 2).sum()) if n else 0.0
    r2 = None if n < 2 or ss_tot == 0 else float(1 - (err**2).sum() / ss_tot)
    return {"n": n, "mae": mae, "rmse": rmse, "r2": r2}


def majority_baseline(y_train: np.ndarray, y_eval: np.ndarray) -> float:
    """Accuracy of always answering the most common training class: the score to beat."""
    if y_eval.size == 0:
        return 0.0
    majority = int(np.bincount(y_train).argmax())
    return float((y_eval == majority).mean())


def mean_baseline(y_train: np.ndarray, y_eval: np.ndarray) -> float:
    """MAE of always answering the training mean: the score to beat."""
    if y_eval.size == 0:
        return 0.0
    return float(np.abs(y_eval - y_train.mean()).mean())
