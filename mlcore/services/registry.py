"""The model registry: register a trained model as the next version of its data set, delete,
export, and predict synchronously with a small in-process cache of loaded models."""

from __future__ import annotations

import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max

from core.csv_checks import parse_number
from mlcore import errors
from mlcore.errors import MlError
from mlcore.learn import LearnError, explain, export, load, predict, predict_proba, prepare_input, save
from mlcore.learn.text import class_keywords
from mlcore.models import Dataset, TrainedModel, TrainingJob
from mlcore.selectors import dataset_rows, image_array
from mlcore.services.datasets import check_uploaded_image
from mlcore.services.files import StoredFiles, delete_on_commit, local_path
from mlcore.services.jobs import json_safe
from mlcore.services.limits import limit

TOP_K = 3
#: Words of an explanation shown with a text prediction.
TOP_WORDS = 5
TEXT_TASK = "text_classification"


def model_register(
    *, job: TrainingJob, learned: Any, misclassified: list[dict[str, Any]], files: StoredFiles
) -> TrainedModel:
    """Save ``learned`` (an ``mlcore.learn.Model``) and record it as the data set's next version.

    Call inside the transaction that finishes the job; ``files`` removes the artefact if it fails.
    """
    with tempfile.TemporaryDirectory(prefix="mlcore-") as folder:
        path = save(learned, Path(folder) / "model.zip")
        data = path.read_bytes()
    dataset = Dataset.objects.select_for_update().get(id=job.dataset_id)
    version = (TrainedModel.objects.filter(dataset=dataset).aggregate(v=Max("version"))["v"] or 0) + 1
    registered = TrainedModel(
        owner_id=job.owner_id,
        dataset=dataset,
        dataset_name=dataset.name,
        job=job,
        version=version,
        task=learned.task,
        labels=json_safe(list(learned.labels)),
        params=json_safe(dict(learned.params)),
        metrics=json_safe(dict(learned.metrics)),
        history=json_safe(list(learned.history)),
        input_shape=list(learned.input_shape),
        columns=list(learned.columns or []),
        misclassified=json_safe(misclassified),
        size_bytes=len(data),
    )
    files.save_field(registered.artefact, "model.zip", data)
    registered.save()
    return registered


@transaction.atomic
def model_delete(*, model: TrainedModel) -> None:
    """The registry entry and its file (after commit). Classification jobs of the model go with it."""
    delete_on_commit(model.artefact.name)
    _cache.forget(model.id)
    model.delete()


# --------------------------------------------------------------------------- loaded models


class _ModelCache:
    """Least-recently-used loaded models, keyed by id and file (a re-registered file reloads)."""

    def __init__(self) -> None:
        self.items: OrderedDict[tuple[int, str], Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, model: TrainedModel) -> Any:
        key = (model.id, model.artefact.name)
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        loaded = _load(model)
        with self.lock:
            self.items[key] = loaded
            self.items.move_to_end(key)
            while len(self.items) > int(limit("MLCORE_MODEL_CACHE_SIZE")):
                self.items.popitem(last=False)
        return loaded

    def forget(self, model_id: int) -> None:
        with self.lock:
            for key in [k for k in self.items if k[0] == model_id]:
                del self.items[key]

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_cache = _ModelCache()


def _load(model: TrainedModel) -> Any:
    try:
        with local_path(model.artefact) as path:
            return load(path)
    except LearnError as exc:
        raise errors.from_learn_error(exc) from None
    except OSError:
        raise MlError("bad_model_file") from None


def model_load(model: TrainedModel) -> Any:
    """The ``mlcore.learn.Model`` of a registry entry, from the cache when it was used recently."""
    return _cache.get(model)


def model_cache_clear() -> None:
    _cache.clear()


# --------------------------------------------------------------------------- predict


def _top(probabilities: dict[Any, float], k: int) -> list[dict[str, Any]]:
    ranked = sorted(probabilities.items(), key=lambda item: -item[1])[:k]
    return [{"label": str(label), "probability": round(float(p), 6)} for label, p in ranked]


def predict_image(*, model: TrainedModel, data: bytes, top: int = TOP_K) -> dict[str, Any]:
    """One uploaded image -> ``{"label", "top": [{label, probability}] x k, "milliseconds"}``.

    The image goes through the same check and re-encoding as training images, so it is seen the
    same way (``core.image_checks``); the loaded model stays cached in this process.
    """
    started = time.perf_counter()
    if model.task != "image_classification":
        raise MlError("wrong_kind")
    checked = check_uploaded_image(data)
    learned = model_load(model)
    try:
        probabilities = _proba_one_image(learned, image_array(checked.data))
    except LearnError as exc:
        raise errors.from_learn_error(exc) from None
    ranked = _top(probabilities, top)
    return {
        "label": ranked[0]["label"],
        "top": ranked,
        "milliseconds": round((time.perf_counter() - started) * 1000, 2),
    }


def predict_arrays(*, model: TrainedModel, arrays: list[Any], top: int = TOP_K) -> list[list[dict[str, Any]]]:
    """Many images the platform prepared itself (e.g. rendered drawings) in one forward pass:
    the top ``top`` labels with probabilities for each, in order."""
    if model.task != "image_classification":
        raise MlError("wrong_kind")
    if not arrays:
        return []
    learned = model_load(model)
    try:
        return [_top(p, top) for p in _proba_images(learned, arrays)]
    except LearnError as exc:
        raise errors.from_learn_error(exc) from None


def _proba_one_image(learned: Any, array: Any) -> dict[Any, float]:
    return _proba_images(learned, [array])[0]


def _proba_images(learned: Any, arrays: list[Any]) -> list[dict[Any, float]]:
    """``predict_proba(learned, arrays)``, on one torch thread.

    ``mlcore.learn`` predicts on two threads (right for batches); for a single 28 x 28 image the
    threads only wait for each other: about 1 ms on one thread against 10 to 15 ms on two on this
    2-core machine under load, which decides whether the endpoint meets p95 <= 100 ms. The input is
    ``prepare_input`` (the learner's own preparation), so the answer is the same.
    """
    import torch  # noqa: PLC0415  defers torch

    net = getattr(learned.impl, "net", None)
    if net is None:
        return predict_proba(learned, arrays)
    batch = torch.from_numpy(prepare_input(learned, arrays))
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)  # this (web) process predicts small batches; workers train
    with torch.inference_mode():
        rows = torch.softmax(net(batch).double(), dim=1).tolist()
    return [dict(zip(learned.labels, row, strict=True)) for row in rows]


def check_text(text: Any) -> str:
    """A text to classify: a string, not blank, not longer than ``MLCORE_TEXT_MAX_CHARS``."""
    if not isinstance(text, str) or not text.strip():
        raise MlError("text_required")
    maximum = int(limit("MLCORE_TEXT_MAX_CHARS"))
    if len(text) > maximum:
        raise MlError("text_too_long", maximum=maximum)
    return text


def explain_texts(
    *, model: TrainedModel, texts: list[str], top: int = TOP_K, words: int = TOP_WORDS, ngrams: bool = True
) -> list[dict[str, Any]]:
    """Many (checked) texts in one pass: for each, ``label``, ``top`` [{label, probability}] and the
    words that decided it (``words``: [{word, start, end, weight}], ``spans``, ``ngrams``; see
    ``mlcore.learn.text.explain_batch``). For the text round's live routing and the projector."""
    if model.task != TEXT_TASK:
        raise MlError("not_text")
    if not texts:
        return []
    learned = model_load(model)
    try:
        results = explain(learned, texts, top=top, words=words, ngrams=ngrams)
    except LearnError as exc:
        raise errors.from_learn_error(exc) from None
    return explained(results)


def explained(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``mlcore.learn.explain``'s results as the registry gives them: labels as text, rounded."""
    out = []
    for result in results:
        ranked = [{"label": str(t["label"]), "probability": round(t["probability"], 6)} for t in result["top"]]
        out.append(
            {
                "label": ranked[0]["label"],
                "top": ranked,
                "words": result["words"],
                "spans": result["spans"],
                "ngrams": result["ngrams"],
            }
        )
    return out


def predict_text(*, model: TrainedModel, text: Any, top: int = TOP_K, words: int = TOP_WORDS) -> dict[str, Any]:
    """One text -> ``{"label", "top", "words", "spans", "ngrams", "milliseconds"}`` (the words that
    pushed it toward its label: "환불" -> refund), synchronously, with the model cached in this process."""
    started = time.perf_counter()
    if model.task != TEXT_TASK:
        raise MlError("not_text")
    [result] = explain_texts(model=model, texts=[check_text(text)], top=top, words=words)
    result["milliseconds"] = round((time.perf_counter() - started) * 1000, 2)
    return result


def model_keywords(model: TrainedModel, per_class: int = 8) -> list[dict[str, Any]]:
    """A text model's strongest n-grams per class, for its page: ``[{label, ngrams: [{ngram, kind, weight}]}]``."""
    if model.task != TEXT_TASK:
        raise MlError("not_text")
    learned = model_load(model)
    keywords = class_keywords(learned.impl, learned.labels, per_class=per_class)
    return [{"label": str(label), "ngrams": keywords[label]} for label in learned.labels]


def predict_row(*, model: TrainedModel, row: dict[str, Any], top: int = TOP_K) -> dict[str, Any]:
    """One table row (``{column: value}``) -> a number (regression) or a class with probabilities.
    A text model takes the row's one value as its text (:func:`predict_text`)."""
    if model.task == "image_classification":
        raise MlError("wrong_kind")
    if model.task == TEXT_TASK:
        values = [v for v in row.values() if v is not None]
        return predict_text(model=model, text=values[0] if len(values) == 1 else None, top=top)
    learned = model_load(model)
    cells = {str(k): (None if v is None else str(v)) for k, v in row.items()}
    try:
        if not learned.is_classifier:
            return {"value": float(predict(learned, [cells])[0])}
        ranked = _top(predict_proba(learned, [cells])[0], top)
    except LearnError as exc:
        raise errors.from_learn_error(exc) from None
    return {"label": ranked[0]["label"], "top": ranked}


def model_export(*, model: TrainedModel) -> tuple[bytes, str, str]:
    """(bytes, file name, content type): TorchScript for the CNN, joblib for scikit-learn models."""
    learned = model_load(model)
    torch_model = model.task == "image_classification"
    suffix = ".pt" if torch_model else ".joblib"
    with tempfile.TemporaryDirectory(prefix="mlcore-export-") as folder:
        path = export(learned, Path(folder) / f"model{suffix}")
        data = path.read_bytes()
    name = f"{_file_stem(model)}{suffix}"
    return data, name, "application/octet-stream"


def _file_stem(model: TrainedModel) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in model.dataset_name)[:60].strip("-")
    return f"{safe or 'model'}-v{model.version}"


def model_download_name(model: TrainedModel) -> str:
    return f"{_file_stem(model)}.zip"


# --------------------------------------------------------------------------- the prediction line

#: Rows drawn on a model's prediction line (the first ones of a larger table), and the points of the
#: line along x for a one-input model.
LINE_MAX_ROWS = 300
LINE_STEPS = 60


def model_prediction_line(model: TrainedModel) -> dict[str, Any] | None:
    """A regression model against its data set, for the chart on its page: ``{points, line, rows,
    x_label, y_label, per_row, total}``, or ``None`` where there is nothing to draw (a classifier, a
    deleted or reconfigured data set, no numeric input, an unreadable model file).

    x is the model's first numeric input column, y the data set's answer column. With one input the
    line is predicted at evenly spaced x; with several, each row is predicted from all its inputs and
    the predictions are joined in x order (``per_row``)."""
    dataset = model.dataset
    if model.task != "regression" or dataset is None or dataset.task != "regression" or not model.columns:
        return None
    columns, rows = dataset_rows(dataset)
    inputs = [str(c) for c in model.columns]
    target = dataset.target
    if not target or target in inputs or target not in columns or any(c not in columns for c in inputs):
        return None
    numeric = [c for c in inputs if dataset.column_types.get(c) == "numeric"]
    if not numeric:
        return None
    x_name, x_at, y_at = numeric[0], columns.index(numeric[0]), columns.index(target)
    chosen: list[tuple[float, float, dict[str, str | None]]] = []
    for row in rows:
        x, y = parse_number(row[x_at]), parse_number(row[y_at])
        if x is None or y is None:
            continue
        chosen.append((float(x), float(y), {c: row[columns.index(c)] for c in inputs}))
        if len(chosen) >= LINE_MAX_ROWS:
            break
    if not chosen:
        return None
    per_row = len(inputs) > 1
    xs = [x for x, _y, _cells in chosen]
    grid: list[float] = []
    if not per_row:
        lo, hi = min(xs), max(xs)
        grid = [lo + (hi - lo) * i / LINE_STEPS for i in range(LINE_STEPS + 1)] if hi > lo else [lo]
    cells: list[dict[str, str | None]] = [c for _x, _y, c in chosen] + [{x_name: repr(x)} for x in grid]
    try:
        predicted = predict(model_load(model), cells)
    except (LearnError, MlError):
        return None
    on_rows = [float(v) for v in predicted[: len(chosen)]]
    if per_row:
        line = sorted(zip(xs, on_rows, strict=True))
    else:
        line = list(zip(grid, [float(v) for v in predicted[len(chosen) :]], strict=True))
    return {
        "points": [(x, y) for x, y, _cells in chosen],
        "line": line,
        "rows": [
            {"x": x, "y": y, "predicted": p, "error": p - y}
            for (x, y, _cells), p in sorted(zip(chosen, on_rows, strict=True), key=lambda item: item[0][0])
        ],
        "x_label": x_name,
        "y_label": target,
        "per_row": per_row,
        "total": len(rows),
    }


__all__ = [
    "TOP_K",
    "check_text",
    "explain_texts",
    "explained",
    "model_cache_clear",
    "model_delete",
    "model_download_name",
    "model_export",
    "model_keywords",
    "model_load",
    "model_prediction_line",
    "model_register",
    "predict_image",
    "predict_row",
    "predict_text",
]
