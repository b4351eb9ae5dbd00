"""Reads of data sets, jobs and models. Every look-up goes through the owner: someone else's
object is simply not found (the API answers 404, never 403, so ids reveal nothing)."""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import reverse
from PIL import Image

from core.csv_checks import is_missing
from core.spreadsheet_safety import neutralise_row
from mlcore import errors
from mlcore.data_needed import answer_text, examples_needed_for
from mlcore.errors import MlError
from mlcore.models import (
    ClassificationImage,
    ClassificationJob,
    Dataset,
    DatasetImage,
    LearningCurveJob,
    TrainedModel,
    TrainingJob,
)
from mlcore.services.files import read_bytes, read_json
from mlcore.services.limits import limit

PREVIEW_ROWS = 20
SAMPLES_PER_CLASS = 8

# --------------------------------------------------------------------------- owner look-ups


def datasets_for_owner(user: User) -> QuerySet[Dataset]:
    return Dataset.objects.filter(owner=user)


def dataset_get_for_owner(user: User, dataset_id: int) -> Dataset | None:
    return datasets_for_owner(user).filter(id=dataset_id).first()


def dataset_image_get_for_owner(user: User, image_id: int) -> DatasetImage | None:
    return DatasetImage.objects.select_related("dataset").filter(id=image_id, dataset__owner=user).first()


def training_jobs_for_owner(user: User) -> QuerySet[TrainingJob]:
    return TrainingJob.objects.filter(owner=user).select_related("dataset")


def training_job_get_for_owner(user: User, job_id: int) -> TrainingJob | None:
    return training_jobs_for_owner(user).filter(id=job_id).first()


def models_for_owner(user: User) -> QuerySet[TrainedModel]:
    return TrainedModel.objects.filter(owner=user).select_related("dataset")


def model_get_for_owner(user: User, model_id: int) -> TrainedModel | None:
    return models_for_owner(user).filter(id=model_id).first()


def classification_jobs_for_owner(user: User) -> QuerySet[ClassificationJob]:
    return ClassificationJob.objects.filter(owner=user).select_related("model")


def classification_job_get_for_owner(user: User, job_id: int) -> ClassificationJob | None:
    return classification_jobs_for_owner(user).filter(id=job_id).first()


def learning_curve_jobs_for_owner(user: User) -> QuerySet[LearningCurveJob]:
    return LearningCurveJob.objects.filter(owner=user).select_related("dataset")


def learning_curve_job_get_for_owner(user: User, job_id: int) -> LearningCurveJob | None:
    return learning_curve_jobs_for_owner(user).filter(id=job_id).first()


def learning_curve_latest(user: User, dataset: Dataset) -> LearningCurveJob | None:
    """The data set's newest learning-curve job (what its page shows)."""
    return learning_curve_jobs_for_owner(user).filter(dataset=dataset).first()


_JOB_GETTERS = {
    "training": training_job_get_for_owner,
    "classification": classification_job_get_for_owner,
    "learning_curve": learning_curve_job_get_for_owner,
}


def job_get_for_owner(kind: str, user: User, job_id: int) -> Any:
    """A job of any kind (``mlcore.groups.JOB_KINDS``) through its owner; None when not theirs."""
    return _JOB_GETTERS[kind](user, job_id)


def classification_image_get_for_owner(user: User, image_id: int):
    return ClassificationImage.objects.filter(id=image_id, job__owner=user).first()


# --------------------------------------------------------------------------- data set contents


def dataset_rows(dataset: Dataset) -> tuple[list[str], list[list[str]]]:
    """A table's columns and rows of string cells, as uploaded (after the CSV checks)."""
    if not dataset.rows_file:
        return list(dataset.columns), []
    payload = read_json(dataset.rows_file.name)
    return list(payload["columns"]), [list(row) for row in payload["rows"]]


def dataset_preview(dataset: Dataset, limit_rows: int = PREVIEW_ROWS) -> dict[str, Any]:
    columns, rows = dataset_rows(dataset)
    return {"columns": columns, "rows": rows[:limit_rows], "total": len(rows)}


def dataset_image_url(image_id: int) -> str:
    return reverse("mlcore:dataset_image", kwargs={"image_id": image_id})


def dataset_samples(dataset: Dataset, per_class: int = SAMPLES_PER_CLASS) -> list[dict[str, Any]]:
    """A few images of every class, for the grid on the data set page: ``[{label, count, images}]``."""
    groups = []
    for label, count in dataset.class_counts.items():
        ids = list(
            DatasetImage.objects.filter(dataset=dataset, label=label)
            .order_by("id")
            .values_list("id", flat=True)[:per_class]
        )
        groups.append({"label": label, "count": count, "images": [{"id": i, "url": dataset_image_url(i)} for i in ids]})
    return groups


def dataset_training_data(dataset: Dataset) -> tuple[list[Any], list[Any], list[int]]:
    """``(A, B, ids)`` ready for ``mlcore.learn.train``; ids are image ids (images) or row numbers."""
    if dataset.is_tabular:
        if not (dataset.target and dataset.features):
            raise MlError("dataset_not_ready")
        columns, rows = dataset_rows(dataset)
        if not rows:
            raise MlError("dataset_empty")
        if len(rows) > limit("MLCORE_MAX_TRAIN_EXAMPLES"):
            raise MlError("dataset_too_large", maximum=limit("MLCORE_MAX_TRAIN_EXAMPLES"))
        try:
            target = columns.index(dataset.target)
            feature_index = [(name, columns.index(name)) for name in dataset.features]
        except ValueError:
            raise MlError("dataset_not_ready") from None
        A = [{name: _cell(row[i]) for name, i in feature_index} for row in rows]
        B = [_cell(row[target]) for row in rows]
        return A, B, list(range(len(rows)))

    images = list(DatasetImage.objects.filter(dataset=dataset).order_by("id").values_list("id", "label", "image"))
    if not images:
        raise MlError("dataset_empty")
    if len(images) > limit("MLCORE_MAX_TRAIN_EXAMPLES"):
        raise MlError("dataset_too_large", maximum=limit("MLCORE_MAX_TRAIN_EXAMPLES"))
    counts: dict[str, int] = {}
    for _, label, _ in images:
        counts[label] = counts.get(label, 0) + 1
    if len(counts) < 2:
        raise MlError("dataset_needs_classes")
    A = [image_array(read_bytes(name)) for _, _, name in images]
    return A, [label for _, label, _ in images], [image_id for image_id, _, _ in images]


def _cell(value: str) -> str | None:
    return None if is_missing(value) else value


def image_array(data: bytes) -> Any:
    """A stored (already checked and re-encoded) image as a numpy array: H x W, or H x W x 3/4."""
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        if img.mode not in ("L", "RGB", "RGBA"):
            img = img.convert("RGB")
        return np.asarray(img)


# --------------------------------------------------------------------------- jobs as data


def _error(job: Any) -> dict[str, Any] | None:
    if not job.error_code:
        return None
    return {"code": job.error_code, "message": errors.message_for(job.error_code, job.error_params)}


def training_job_snapshot(job: TrainingJob) -> dict[str, Any]:
    """Everything a watcher needs, the same for the REST API, the socket and polling."""
    model = TrainedModel.objects.filter(job_id=job.id).values_list("id", flat=True).first()
    return {
        "id": job.id,
        "kind": "training",
        "dataset": job.dataset_id,
        "task": job.task,
        "params": job.params,
        "state": job.state,
        "progress": round(job.progress, 4),
        "epoch": job.epoch,
        "epochs": job.epochs,
        "eta_seconds": job.eta_seconds,
        "metrics": job.metrics,
        "history": job.history,
        "error": _error(job),
        "cancel_requested": job.cancel_requested,
        "attempts": job.attempts,
        "model": model,
        "revision": job.revision,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def classification_job_snapshot(job: ClassificationJob, *, with_results: bool = True) -> dict[str, Any]:
    results = []
    if with_results:
        for row in job.results:
            if "image_id" in row:
                row = {**row, "image_url": classification_image_url(row["image_id"])}
            results.append(row)
    return {
        "id": job.id,
        "kind": "classification",
        "model": job.model_id,
        "state": job.state,
        "progress": round(job.progress, 4),
        "total": job.total,
        "done": job.done,
        "eta_seconds": job.eta_seconds,
        "error": _error(job),
        "cancel_requested": job.cancel_requested,
        "attempts": job.attempts,
        "results": results,
        "skipped": job.skipped,
        "revision": job.revision,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def learning_curve_job_snapshot(job: LearningCurveJob) -> dict[str, Any]:
    """The job with its result (points and fit, without the bootstrap refits), and, when it has a
    target, ``needed`` (``mlcore.data_needed.examples_needed_for``) and ``answer``: the sentence in
    the active language. The same for the REST API, the socket and polling."""
    result = None
    needed = None
    answer = None
    if job.result:
        result = {k: v for k, v in job.result.items() if k not in ("fit", "needed")}
        fit = job.result.get("fit")
        result["fit"] = {k: fit[k] for k in ("a", "b", "c", "rmse", "method") if k in fit} if fit else None
        if job.target is not None:
            needed = job.result.get("needed") or examples_needed_for(job.result, job.target)
            answer = answer_text(needed)
    return {
        "id": job.id,
        "kind": "learning_curve",
        "dataset": job.dataset_id,
        "task": job.task,
        "fractions": job.fractions,
        "folds": job.folds,
        "baseline": job.baseline,
        "target": job.target,
        "seed": job.seed,
        "state": job.state,
        "progress": round(job.progress, 4),
        "step": job.step,
        "steps": job.steps,
        "eta_seconds": job.eta_seconds,
        "examples_on_hand": job.examples_on_hand,
        "result": result,
        "needed": needed,
        "answer": answer,
        "error": _error(job),
        "cancel_requested": job.cancel_requested,
        "attempts": job.attempts,
        "revision": job.revision,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def job_progress_snapshot(job: Any) -> dict[str, Any]:
    """What a job's watchers get in ``job_progress`` (a classification's results stay out: they are large)."""
    if isinstance(job, TrainingJob):
        return training_job_snapshot(job)
    if isinstance(job, LearningCurveJob):
        return learning_curve_job_snapshot(job)
    return classification_job_snapshot(job, with_results=False)


def classification_image_url(image_id: int) -> str:
    return reverse("mlcore:classification_image", kwargs={"image_id": image_id})


def classification_csv_rows(job: ClassificationJob) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the results download: file, predicted class, confidence, then one column per class."""
    labels = [str(label) for label in job.model.labels]
    header = ["text" if job.model.task == "text_classification" else "file", "expected", "predicted", "confidence"]
    header += labels
    rows = []
    for row in job.results:
        probs = row.get("probabilities", {})
        rows.append(
            [
                row.get("text", row["name"]),
                row.get("expected", ""),
                row["label"],
                round(row["confidence"], 4),
                *(round(probs.get(label, 0.0), 4) for label in labels),
            ]
        )
    return header, rows


# --------------------------------------------------------------------------- results of a model


def model_result(model: TrainedModel) -> dict[str, Any]:
    """The result page's numbers: confusion matrix rows with totals, per-class accuracy, or regression errors."""
    metrics = model.metrics or {}
    result: dict[str, Any] = {"metrics": metrics, "is_classifier": model.is_classifier}
    if model.is_classifier and metrics.get("confusion_matrix"):
        labels = [str(label) for label in metrics.get("labels", model.labels)]
        matrix = metrics["confusion_matrix"]
        rows = []
        for i, label in enumerate(labels):
            cells = matrix[i] if i < len(matrix) else []
            total = sum(cells)
            rows.append(
                {
                    "label": label,
                    "cells": [
                        {"count": n, "correct": j == i, "share": (n / total) if total else 0.0}
                        for j, n in enumerate(cells)
                    ],
                    "total": total,
                    "accuracy": (cells[i] / total) if total and i < len(cells) else None,
                }
            )
        result["labels"] = labels
        result["rows"] = rows
        result["per_class"] = metrics.get("per_class", [])
    result["misclassified"] = [
        {**item, "url": dataset_image_url(item["image_id"])} for item in model.misclassified if item.get("image_id")
    ]
    return result


def classification_csv(job: ClassificationJob) -> bytes:
    """The results download: UTF-8 with a BOM (so Excel reads Korean), formula-like cells defused."""
    header, rows = classification_csv_rows(job)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(neutralise_row(header))
    for row in rows:
        writer.writerow(neutralise_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
