"""Training jobs: ``train(A, B) -> model`` on a data set, run by a Celery worker with live progress.

``training_job_create`` stores a queued job and sends its task when the transaction commits;
``training_job_run`` is what the task calls (see ``mlcore.services.jobs`` for claims, fencing,
heartbeats and the sweeper).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from mlcore import errors
from mlcore.errors import MlError
from mlcore.learn import LearnError, predict_proba, train
from mlcore.learn.common import check_params as learn_check
from mlcore.learn.common import heldout_split
from mlcore.learn.tabular import PARAMS as TABLE_SPEC
from mlcore.learn.text import PARAMS as TEXT_SPEC
from mlcore.models import Dataset, JobState, Task, TrainingJob
from mlcore.selectors import dataset_training_data
from mlcore.services import jobs
from mlcore.services.files import atomic_with_files
from mlcore.services.registry import model_register

logger = logging.getLogger(__name__)

#: Parameters a person may set (``mlcore.learn`` checks their values before any work starts).
IMAGE_PARAMS = ("epochs", "batch_size", "learning_rate", "validation_fraction", "augment", "image_size", "width")
TABLE_PARAMS = ("model", "n_estimators", "max_depth", "validation_fraction")
TEXT_PARAMS = ("char_ngrams", "word_ngrams", "C", "max_features", "validation_fraction")
DEFAULT_IMAGE_PARAMS = {"epochs": 8, "batch_size": 64, "learning_rate": 0.005}
MAX_MISCLASSIFIED = 48


def _clean_params(task: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """Keep the known names; ``mlcore.learn`` refuses bad values (``bad_param``) when the job runs,
    and :func:`training_job_create` runs the same check first so the person hears it at once."""
    by_task: dict[str, tuple[str, ...]] = {
        Task.IMAGE_CLASSIFICATION: IMAGE_PARAMS,
        Task.TEXT_CLASSIFICATION: TEXT_PARAMS,
    }
    allowed = by_task.get(task, TABLE_PARAMS)
    params = dict(params or {})
    unknown = sorted(str(k) for k in params if k not in allowed)
    if unknown:
        raise MlError("bad_param", param=unknown[0], reason="unknown")
    return {k: v for k, v in params.items() if v is not None and v != ""}


def check_params(task: str, params: dict[str, Any]) -> None:
    """The learner's own parameter check, run before queueing so a bad value is refused at once
    (the image check imports torch: the web process needs it for predictions anyway)."""
    if task == Task.IMAGE_CLASSIFICATION:
        from mlcore.learn.cnn import PARAMS as spec  # noqa: PLC0415  defers torch
    elif task == Task.TEXT_CLASSIFICATION:
        spec = TEXT_SPEC
    else:
        spec = TABLE_SPEC
    try:
        learn_check(params, spec)
    except LearnError as exc:
        raise errors.from_learn_error(exc) from None


def training_job_create(
    *, owner: User, dataset: Dataset, params: dict[str, Any] | None = None, task: str | None = None, seed: int = 0
) -> TrainingJob:
    """A queued job; its task is sent when the transaction commits."""
    if dataset.owner_id != owner.id:
        raise ValueError("look the data set up through its owner (mlcore.selectors) first")
    task = task or dataset.task
    if dataset.is_tabular and task not in (Task.REGRESSION, Task.CLASSIFICATION, Task.TEXT_CLASSIFICATION):
        raise MlError("bad_task")
    if not dataset.is_tabular and task != Task.IMAGE_CLASSIFICATION:
        raise MlError("bad_task")
    if dataset.is_tabular and not dataset.ready:
        raise MlError("dataset_not_ready")
    if not dataset.is_tabular and not dataset.ready:
        raise MlError("dataset_needs_classes")
    if task == Task.TEXT_CLASSIFICATION and len(dataset.features) != 1:
        raise MlError("text_needs_one_column")
    clean = _clean_params(task, params)
    check_params(task, clean)
    with transaction.atomic():
        job = TrainingJob.objects.create(
            owner=owner,
            dataset=dataset,
            task=task,
            params=clean,
            seed=seed,
            epochs=int(clean.get("epochs", DEFAULT_IMAGE_PARAMS["epochs"])) if task == Task.IMAGE_CLASSIFICATION else 1,
            queued_at=timezone.now(),
        )
        jobs.enqueue_on_commit(job)
    return job


def training_job_cancel(*, owner: User, job: TrainingJob) -> TrainingJob:
    if job.owner_id != owner.id:
        raise ValueError("look the job up through its owner (mlcore.selectors) first")
    return jobs.job_cancel(job)


class _Progress:
    """The learner's ``progress`` callback. Every event updates the in-memory history; the row
    (fraction, epoch, ETA, latest metrics and the whole per-epoch history) is written through
    :meth:`JobRun.write_throttled`, always for the first epoch and the end. Each write is pushed to
    the job's watchers."""

    def __init__(self, run: jobs.JobRun) -> None:
        self.run = run
        self.history: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> None:
        point = {
            key: event.get(key)
            for key in ("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "seconds")
        }
        if event["stage"] == "epoch" or (event["stage"] == "end" and not self.history):
            self.history.append(point)
        must = event["stage"] == "end" or (event["stage"] == "epoch" and event["epoch"] == 1)
        self.run.write_throttled(
            force=must,
            progress=float(event["fraction"]),
            epoch=int(event["epoch"]),
            epochs=int(event["epochs"]),
            eta_seconds=event["eta_seconds"],
            metrics={k: v for k, v in point.items() if k != "epoch"},
            history=self.history,
        )


def training_job_run(*, job_id: int, task_id: str = "", worker: str = "") -> str:
    """Claim the job, train, register the model; returns what happened (for logs and tests)."""
    return jobs.run_claimed(
        "training", job_id, _train, task_id=task_id, worker=worker, time_limit_setting="MLCORE_TRAIN_TIME_LIMIT_S"
    )


def _train(job: TrainingJob, run: jobs.JobRun) -> str:
    A, B, ids = dataset_training_data(job.dataset)
    progress = _Progress(run)
    learned = train(
        A, B, task=job.task, params=job.params, seed=job.seed, progress=progress, should_stop=run.should_stop
    )
    misclassified = _misclassified(learned, A, B, ids) if job.task == Task.IMAGE_CLASSIFICATION else []
    with atomic_with_files() as files:
        locked = run.lock()
        model_register(job=locked, learned=learned, misclassified=misclassified, files=files)
        run.finish_locked(
            locked,
            JobState.SUCCEEDED,
            progress=1.0,
            history=jobs.json_safe(learned.history),
            metrics=jobs.json_safe(_summary(learned.metrics)),
        )
    return "succeeded"


def _summary(metrics: dict[str, Any]) -> dict[str, Any]:
    """The headline numbers kept on the job (the full metrics live in the registry)."""
    keys = ("accuracy", "baseline_accuracy", "mae", "rmse", "r2", "baseline_mae", "heldout", "n_train", "n_validation")
    return {k: metrics[k] for k in keys if k in metrics}


def _misclassified(learned: Any, A: list[Any], B: list[Any], ids: list[int]) -> list[dict[str, Any]]:
    """Held-out images the model got wrong, most confident mistakes first.

    The held-out rows are the learner's own split, reproduced from its seed and parameters; with
    too little data to hold any back (``heldout`` False) every image is checked.
    """
    labels = [str(label) for label in learned.labels]
    index = {label: i for i, label in enumerate(labels)}
    y = np.array([index.get(str(b), -1) for b in B])
    if (y < 0).any():
        return []
    split = heldout_split(len(y), y, float(learned.params.get("validation_fraction", 0.2)), learned.seed)
    rows = split.val if split.heldout else np.arange(len(y))
    if not len(rows):
        return []
    probabilities = predict_proba(learned, [A[int(i)] for i in rows])
    wrong = []
    for i, probs in zip(rows, probabilities, strict=True):
        best = max(probs.items(), key=lambda item: item[1])
        if str(best[0]) != str(B[int(i)]):
            wrong.append(
                {
                    "image_id": ids[int(i)],
                    "label": str(B[int(i)]),
                    "predicted": str(best[0]),
                    "confidence": round(float(best[1]), 4),
                }
            )
    wrong.sort(key=lambda item: -item["confidence"])
    return wrong[:MAX_MISCLASSIFIED]
