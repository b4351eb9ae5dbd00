"""``train(A, B) -> model`` and ``predict(model, A) -> B``, plus evaluate, save, load and export."""

from __future__ import annotations

import copy
import io
import json
import math
import os
import pickle
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .common import Label, as_sequence, clean_label, is_missing, label_sort_key, prepare_target, to_float
from .errors import BadInput, BadModelFile, BadParam, BadTask, LengthMismatch, NonNumericTarget, NotAClassifier
from .images import is_single_image, read_images
from .metrics import classification_metrics, regression_metrics
from .progress import ProgressCallback, Reporter
from .tabular import TabularImpl, read_table, train_tabular
from .text import TextImpl, explain_batch, read_texts, text_column, train_text

TASKS = ("regression", "classification", "image_classification", "text_classification")
TEXT = "text_classification"
FORMAT = "a2b-learn-model"
FORMAT_VERSION = 1
PathLike = str | os.PathLike[str]


@dataclass(eq=False)
class Model:
    """A trained model and everything needed to explain it: held-out metrics, per-epoch history, labels."""

    task: str
    labels: list[Label]
    params: dict[str, Any]
    input_shape: tuple[int, ...]
    """(height, width, channels) for images; (number of columns,) for tables."""
    metrics: dict[str, Any]
    history: list[dict[str, Any]]
    seed: int
    columns: list[str] | None = None
    column_kinds: list[str] | None = None
    impl: Any = field(default=None, repr=False)

    @property
    def is_classifier(self) -> bool:
        return self.task != "regression"

    def predict(self, A: Any) -> list[Any]:
        return predict(self, A)

    def predict_proba(self, A: Any) -> list[dict[Label, float]]:
        return predict_proba(self, A)

    def evaluate(self, A: Any, B: Any) -> dict[str, Any]:
        return evaluate(self, A, B)

    def save(self, path: PathLike) -> Path:
        return save(self, path)

    def __repr__(self) -> str:
        if self.is_classifier:
            score = f"accuracy={self.metrics.get('accuracy', float('nan')):.3f}"
        else:
            score = f"mae={self.metrics.get('mae', float('nan')):.4g}"
        where = "held-out" if self.metrics.get("heldout") else "training rows"
        labels = f", labels={len(self.labels)}" if self.is_classifier else ""
        return f"Model(task={self.task!r}{labels}, input_shape={self.input_shape}, {score} on {where})"


# --------------------------------------------------------------------------- train


def train(
    A: Any,
    B: Any,
    *,
    task: str,
    params: dict[str, Any] | None = None,
    progress: ProgressCallback | None = None,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
) -> Model:
    """Learn B from A. Always scores on held-back rows when there are enough (see ``model.metrics``).

    ``task`` is "regression", "classification" (tables), "image_classification" (a small CNN) or
    "text_classification" (TF-IDF on character and word n-grams, logistic regression; A is texts).
    ``progress(event)`` gets a start event, one event per epoch (CNN) and an end event;
    ``should_stop()`` is polled between batches and raises :class:`TrainingCancelled` when true.
    Raises :class:`LearnError` subclasses with stable codes for bad input.
    """
    if task not in TASKS:
        raise BadTask(f"Unknown task {task!r}; use one of {', '.join(TASKS)}.", task=str(task), allowed=list(TASKS))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= int(seed) < 2**32:
        raise BadParam("seed must be a whole number from 0 to 2**32 - 1.", param="seed", value=repr(seed))
    seed = int(seed)
    for name, fn in (("progress", progress), ("should_stop", should_stop)):
        if fn is not None and not callable(fn):
            raise BadParam(f"{name} must be a function.", param=name)
    classification = task != "regression"

    def target_of(n: int) -> Any:
        return prepare_target(B, n, classification=classification)

    def reporter_of(epochs: int) -> Reporter:
        reporter = Reporter(progress, should_stop, epochs)
        reporter.check()
        return reporter

    if task == "image_classification":
        from .cnn import train_cnn  # noqa: PLC0415  defers torch

        impl, clean, metrics, history, target = train_cnn(
            A, target_of, params=params, seed=seed, reporter_of=reporter_of
        )
        h, w, c = impl.geometry
        return Model(task, target.labels, clean, (h, w, c), metrics, history, seed, impl=impl)
    if task == TEXT:
        text_impl, clean, metrics, history, target = train_text(
            A, target_of, params=params, seed=seed, reporter_of=reporter_of
        )
        column = text_column(A)
        columns = [column] if column else None
        return Model(task, target.labels, clean, (1,), metrics, history, seed, columns=columns, impl=text_impl)
    impl, clean, metrics, history, target = train_tabular(
        A, target_of, classification=classification, params=params, seed=seed, reporter_of=reporter_of
    )
    return Model(
        task,
        target.labels,
        clean,
        (len(impl.columns),),
        metrics,
        history,
        seed,
        columns=impl.columns,
        column_kinds=impl.kinds,
        impl=impl,
    )


# --------------------------------------------------------------------------- predict / evaluate


def predict(model: Model, A: Any) -> list[Any]:
    """Labels (classification) or floats (regression), one per row or image.

    A single image or a single dict row is accepted as a batch of one (the result is still a list).
    """
    raw = model.impl.predict_raw(A)
    if model.is_classifier:
        return [model.labels[int(i)] for i in raw]
    return [float(v) for v in raw]


def predict_proba(model: Model, A: Any) -> list[dict[Label, float]]:
    """One ``{label: probability}`` dict per row, in ``model.labels`` order; classifiers only."""
    if not model.is_classifier:
        raise NotAClassifier("A regression model predicts numbers, not class probabilities.", task=model.task)
    probs = model.impl.proba(A)
    return [{label: float(p) for label, p in zip(model.labels, row, strict=True)} for row in probs]


def prepare_input(model: Model, A: Any) -> np.ndarray:
    """The array the exported file consumes: float32 N x C x H x W in [0, 1] (images) or the object
    array of cleaned cells (tables), or the list of NFC-normalised texts (text)."""
    if model.task == TEXT:
        return np.array(read_texts(A), dtype=object)
    if model.task == "image_classification":
        return model.impl.prepare(A).astype(np.float32) / np.float32(255.0)
    return model.impl.matrix(A)


def _kept_inputs(model: Model, A: Any, n_values: int, keep: list[int]) -> Any:
    """A's rows (images, texts or table rows) that have a value in B, once A and B match in length."""

    def same_length(n: int) -> None:
        if n != n_values:
            raise LengthMismatch(f"A has {n} rows but B has {n_values} values.", rows=n, targets=n_values)

    if model.task == "image_classification":
        if is_single_image(A):
            A = [A]
        images = read_images(A)
        same_length(len(images))
        return images[keep] if isinstance(images, np.ndarray) else [images[i] for i in keep]
    if model.task == TEXT:
        texts = read_texts(A)
        same_length(len(texts))
        return [texts[i] for i in keep]
    rows, _ = read_table(A, model.columns)
    same_length(len(rows))
    return [dict(zip(model.columns or [], rows[i], strict=True)) for i in keep]


def evaluate(model: Model, A: Any, B: Any) -> dict[str, Any]:
    """Score on new labelled data; the same keys as ``model.metrics`` (accuracy, per_class,
    confusion_matrix and labels, or mae, rmse and r2). Rows with a blank B are skipped."""
    values = as_sequence(B, "B")
    keep = [i for i, v in enumerate(values) if not is_missing(v)]
    A = _kept_inputs(model, A, len(values), keep)
    if not keep:
        raise BadInput("B has no values to compare with.", argument="B")
    raw = model.impl.predict_raw(A)
    if model.is_classifier:
        labels = list(model.labels)
        index = {label: i for i, label in enumerate(labels)}
        truth = []
        for i in keep:
            label = clean_label(values[i])
            if label not in index:  # a class the model never saw: it can only get these wrong
                index[label] = len(labels)
                labels.append(label)
            truth.append(index[label])
        result = classification_metrics(np.array(truth), raw, labels)
        result["unseen_labels"] = sorted(labels[len(model.labels) :], key=label_sort_key)
        return result
    truth_f = []
    for i in keep:
        number = to_float(values[i])
        if number is None or not math.isfinite(number):
            raise NonNumericTarget(f"B row {i + 1} is {values[i]!r}, not a number.", row=i + 1, value=str(values[i]))
        truth_f.append(number)
    return regression_metrics(np.array(truth_f), raw)


def explain(model: Model, A: Any, *, top: int = 3, words: int = 5, ngrams: bool = True) -> list[dict[str, Any]]:
    """Text models: per text, the ``top`` labels with probabilities and the words and n-grams that
    pushed it toward the predicted label (``"환불"`` -> refund). See :func:`mlcore.learn.text.explain_batch`
    for the keys. A single string is a batch of one (the result is still a list)."""
    if model.task != TEXT:
        raise BadTask("Only text models explain their predictions with words.", task=model.task, allowed=[TEXT])
    return explain_batch(model.impl, model.labels, read_texts(A), top=top, words=words, ngrams=ngrams)


# --------------------------------------------------------------------------- save / load / export


def _meta(model: Model) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "task": model.task,
        "labels": model.labels,
        "params": model.params,
        "input_shape": list(model.input_shape),
        "metrics": model.metrics,
        "history": model.history,
        "seed": model.seed,
        "columns": model.columns,
        "column_kinds": model.column_kinds,
    }
    if model.task == "image_classification":
        meta["backend"] = "torch-cnn"
        meta["arch"] = model.impl.arch
        meta["auto_invert"] = model.impl.auto_invert
    else:
        meta["backend"] = "sklearn"
    return meta


def save(model: Model, path: PathLike) -> Path:
    """One zip file: ``meta.json`` plus ``weights.pt`` (a torch state_dict, loaded with weights_only=True)
    or ``pipeline.joblib`` (scikit-learn). Written atomically so a crash never leaves half a file."""
    path = Path(path)
    meta = json.dumps(_meta(model), ensure_ascii=False, indent=1, allow_nan=True)
    buffer = io.BytesIO()
    if model.task == "image_classification":
        import torch  # noqa: PLC0415  defers torch

        torch.save(model.impl.net.state_dict(), buffer)
        payload = ("weights.pt", buffer.getvalue())
    else:
        import joblib  # noqa: PLC0415  defers joblib

        joblib.dump(model.impl.pipeline, buffer)
        payload = ("pipeline.joblib", buffer.getvalue())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".zip", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("meta.json", meta)
            zf.writestr(*payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load(path: PathLike) -> Model:
    """Inverse of :func:`save`. CNN weights are read with ``torch.load(weights_only=True)``.

    Table models hold a joblib (pickle) file: load those only from storage you control.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            meta = json.loads(zf.read("meta.json").decode("utf-8"))
            if meta.get("format") != FORMAT:
                raise BadModelFile("Not an A2B Lab model file.", path=str(path))
            if int(meta.get("format_version", 0)) > FORMAT_VERSION:
                raise BadModelFile(
                    "This model file was written by a newer version.", version=meta.get("format_version")
                )
            if meta["task"] == "image_classification":
                impl = _load_cnn(zf, meta)
            elif meta["task"] == TEXT:
                impl = _load_text(zf, meta)
            else:
                impl = _load_tabular(zf, meta)
    except BadModelFile:
        raise
    except (
        OSError,
        KeyError,
        ValueError,
        TypeError,
        RuntimeError,
        EOFError,
        AttributeError,
        ImportError,
        pickle.UnpicklingError,
        zipfile.BadZipFile,
    ) as exc:
        raise BadModelFile(f"Cannot read model file: {exc}", path=str(path)) from exc
    return Model(
        meta["task"],
        meta["labels"],
        meta["params"],
        tuple(meta["input_shape"]),
        meta["metrics"],
        meta["history"],
        meta["seed"],
        columns=meta.get("columns"),
        column_kinds=meta.get("column_kinds"),
        impl=impl,
    )


def _load_cnn(zf: zipfile.ZipFile, meta: dict[str, Any]) -> Any:
    import torch  # noqa: PLC0415  defers torch

    from .cnn import CnnImpl, build_net  # noqa: PLC0415  defers torch

    arch = meta["arch"]
    net = build_net(arch)
    state = torch.load(io.BytesIO(zf.read("weights.pt")), map_location="cpu", weights_only=True)
    net.load_state_dict(state, strict=True)
    net.eval()
    return CnnImpl(net, arch, bool(meta.get("auto_invert", True)))


def _load_tabular(zf: zipfile.ZipFile, meta: dict[str, Any]) -> Any:
    import joblib  # noqa: PLC0415  defers joblib
    from sklearn.pipeline import Pipeline  # noqa: PLC0415  defers sklearn

    # joblib is pickle: acceptable only because model files come from the server's own storage (see docs).
    pipeline = joblib.load(io.BytesIO(zf.read("pipeline.joblib")))
    if not isinstance(pipeline, Pipeline):
        raise BadModelFile("The model file does not hold a scikit-learn pipeline.")
    return TabularImpl(
        pipeline, list(meta["columns"]), list(meta["column_kinds"]), meta["task"] != "regression", len(meta["labels"])
    )


def _load_text(zf: zipfile.ZipFile, meta: dict[str, Any]) -> Any:
    import joblib  # noqa: PLC0415  defers joblib
    from sklearn.pipeline import Pipeline  # noqa: PLC0415  defers sklearn

    pipeline = joblib.load(io.BytesIO(zf.read("pipeline.joblib")))  # our own storage only, as for tables
    if not isinstance(pipeline, Pipeline):
        raise BadModelFile("The model file does not hold a scikit-learn pipeline.")
    return TextImpl(pipeline, len(meta["labels"]))


def export(model: Model, path: PathLike) -> Path:
    """A file other programs can run without this package.

    Images: TorchScript (``torch.jit.load``); input float32 N x C x H x W in [0, 1] (see
    :func:`prepare_input`), output class probabilities in ``labels`` order; ``meta.json`` is embedded as an
    extra file. Tables: joblib of ``{"pipeline", "columns", "column_kinds", "labels", "task"}``; the
    pipeline predicts label indices (classification) or numbers. Texts: the same dict with
    ``columns`` None; the pipeline takes a list of NFC-normalised strings and predicts label indices.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = json.dumps(_meta(model), ensure_ascii=False)
    if model.task == "image_classification":
        import torch  # noqa: PLC0415  defers torch

        from .cnn import Probabilities  # noqa: PLC0415  defers torch

        with warnings.catch_warnings():
            # TorchScript is deprecated upstream but is still the one format C++/mobile runtimes load.
            warnings.simplefilter("ignore", DeprecationWarning)
            scripted = torch.jit.script(Probabilities(copy.deepcopy(model.impl.net)).eval())
            torch.jit.save(scripted, str(path), _extra_files={"meta.json": meta})
        return path
    import joblib  # noqa: PLC0415  defers joblib

    joblib.dump(
        {
            "pipeline": model.impl.pipeline,
            "columns": model.columns,
            "column_kinds": model.column_kinds,
            "labels": model.labels,
            "task": model.task,
        },
        path,
    )
    return path


__all__ = [
    "TASKS",
    "Model",
    "evaluate",
    "explain",
    "export",
    "load",
    "predict",
    "predict_proba",
    "prepare_input",
    "save",
    "train",
]
