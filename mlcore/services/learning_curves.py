"""Learning-curve jobs: how many examples would a target performance take? Run by a Celery worker.

``learning_curve_job_create`` checks the request against the data set (so a person hears at once
what is wrong, in their language) and stores a queued job whose task is sent when the transaction
commits; ``learning_curve_job_run`` is what the task calls: ``mlcore.learn.learning_curve`` trains a
fast baseline on growing slices of the data (``fractions`` of each cross-validation fold's training
part, ``folds`` folds), fits ``error = a * n**(-b) + c`` and the job stores the result
(``mlcore.data_needed.curve_result``) with the answer for its target. Claims, fencing, heartbeats,
progress pushes, cancel and the sweeper are the shared job machinery (``mlcore.services.jobs``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from mlcore.data_needed import clean_target, curve_result, examples_needed_for, metric_of
from mlcore.errors import MlError
from mlcore.learn import learning_curve
from mlcore.models import DEFAULT_FOLDS, DEFAULT_FRACTIONS, Dataset, JobState, LearningCurveJob, Task
from mlcore.selectors import dataset_training_data
from mlcore.services import jobs
from mlcore.services.limits import limit

MAX_FRACTIONS = 10
MIN_FOLDS, MAX_FOLDS = 2, 10
#: The smallest slice must hold this many examples (and, for classifiers, one per class).
MIN_SLICE = 5


def clean_fractions(fractions: Any) -> list[float]:
    """Sorted distinct shares in (0, 1]: at least three (a power law has three parameters)."""
    if fractions is None:
        return list(DEFAULT_FRACTIONS)
    if isinstance(fractions, str | bytes) or not isinstance(fractions, Sequence):
        raise MlError("bad_fractions", maximum=MAX_FRACTIONS)
    values = []
    for item in fractions:
        if isinstance(item, bool) or not isinstance(item, numbers.Real) or not math.isfinite(float(item)):
            raise MlError("bad_fractions", maximum=MAX_FRACTIONS)
        values.append(round(float(item), 4))
    clean = sorted(set(values))
    if not 3 <= len(clean) <= MAX_FRACTIONS or clean[0] <= 0 or clean[-1] > 1:
        raise MlError("bad_fractions", maximum=MAX_FRACTIONS)
    return clean


def clean_folds(folds: Any) -> int:
    if folds is None:
        return DEFAULT_FOLDS
    if isinstance(folds, float) and folds.is_integer():
        folds = int(folds)
    if isinstance(folds, bool) or not isinstance(folds, int) or not MIN_FOLDS <= folds <= MAX_FOLDS:
        raise MlError("bad_folds", minimum=MIN_FOLDS, maximum=MAX_FOLDS)
    return folds


def _examples(dataset: Dataset) -> int:
    """Examples with an answer: the class counts when there are some (rows without B do not count)."""
    counted = sum(int(n) for n in dataset.class_counts.values())
    return counted or int(dataset.row_count)


def check_curve_fits_data(dataset: Dataset, *, fractions: list[float], folds: int) -> int:
    """Refuse a curve the data cannot give: a class smaller than the folds, a smallest slice under
    :data:`MIN_SLICE` examples (or the number of classes), slices that round to fewer than three sizes.
    Returns the examples on hand."""
    rows = _examples(dataset)
    if rows > limit("MLCORE_MAX_TRAIN_EXAMPLES"):
        raise MlError("dataset_too_large", maximum=limit("MLCORE_MAX_TRAIN_EXAMPLES"))
    counts = {label: int(n) for label, n in dataset.class_counts.items() if n}
    for label, count in counts.items():
        if count < folds:
            raise MlError("class_too_small_for_folds", label=str(label)[:60], count=count, folds=folds)
    smallest = max(MIN_SLICE, len(counts))
    # A fold trains on the other folds: at least rows * (folds - 1) / folds examples, rounded down.
    train = rows * (folds - 1) // folds
    minimum = math.ceil(smallest / fractions[0] * folds / (folds - 1))
    if round(fractions[0] * train) < smallest:
        raise MlError("too_few_for_curve", rows=rows, minimum=minimum, folds=folds, fraction=fractions[0])
    sizes = {max(2, round(f * train)) for f in fractions}
    if len(sizes) < 3:
        raise MlError("fractions_too_close", rows=rows)
    return rows


def learning_curve_job_create(
    *,
    owner: User,
    dataset: Dataset,
    target: float | str | None = None,
    fractions: Sequence[float] | None = None,
    folds: int | None = None,
    baseline: str = LearningCurveJob.Baseline.AUTO,
    seed: int = 0,
) -> LearningCurveJob:
    """A queued learning-curve job on ``dataset`` (looked up through its owner first).

    ``target``: the performance needed, accuracy 0..1 for classifiers or the mean absolute error for
    regression (optional: :func:`mlcore.data_needed.examples_needed_for` answers for any target
    later). ``fractions`` default to 0.1, 0.2, 0.4, 0.8 of a fold's training part, ``folds`` to 3;
    ``baseline`` is ``auto``, ``linear`` or (images) ``cnn``. Refusals are ``MlError`` with the codes
    of ``mlcore.errors`` (``dataset_not_ready``, ``too_few_for_curve``, ``bad_fractions``, ...)."""
    if dataset.owner_id != owner.id:
        raise ValueError("look the data set up through its owner (mlcore.selectors) first")
    if not dataset.ready:
        raise MlError("dataset_not_ready" if dataset.is_tabular else "dataset_needs_classes")
    task = dataset.task
    if baseline not in LearningCurveJob.Baseline.values or (
        baseline == LearningCurveJob.Baseline.CNN and task != Task.IMAGE_CLASSIFICATION
    ):
        raise MlError("bad_baseline")
    clean_target_value = clean_target(metric_of(task), target)
    clean = clean_fractions(fractions)
    folds = clean_folds(folds)
    on_hand = check_curve_fits_data(dataset, fractions=clean, folds=folds)
    with transaction.atomic():
        job = LearningCurveJob.objects.create(
            owner=owner,
            dataset=dataset,
            task=task,
            fractions=clean,
            folds=folds,
            baseline=baseline,
            target=clean_target_value,
            seed=seed,
            steps=folds * len(clean),
            examples_on_hand=on_hand,
            queued_at=timezone.now(),
        )
        jobs.enqueue_on_commit(job)
    return job


def learning_curve_job_cancel(*, owner: User, job: LearningCurveJob) -> LearningCurveJob:
    """A queued job stops at once, a running one before its next slice (within about a second)."""
    if job.owner_id != owner.id:
        raise ValueError("look the job up through its owner (mlcore.selectors) first")
    return jobs.job_cancel(job)  # type: ignore[return-value]


class CurveProgress:
    """The learner's ``progress`` callback: one event per trained slice; the row gets the share done,
    the slice count and the ETA (throttled, always for the first slice and the end), pushed to watchers."""

    def __init__(self, run: jobs.JobRun) -> None:
        self.run = run

    def __call__(self, event: dict[str, Any]) -> None:
        must = event["stage"] == "end" or (event["stage"] == "epoch" and event["epoch"] == 1)
        self.run.write_throttled(
            force=must,
            progress=float(event["fraction"]),
            step=int(event["epoch"]),
            steps=int(event["epochs"]),
            eta_seconds=event["eta_seconds"],
        )


def learning_curve_job_run(*, job_id: int, task_id: str = "", worker: str = "") -> str:
    """Claim the job, measure the curve, store the result; returns what happened (for logs and tests)."""
    return jobs.run_claimed(
        "learning_curve",
        job_id,
        _measure,
        task_id=task_id,
        worker=worker,
        time_limit_setting="MLCORE_LEARNING_CURVE_TIME_LIMIT_S",
    )


def _measure(job: LearningCurveJob, run: jobs.JobRun) -> str:
    A, B, _ids = dataset_training_data(job.dataset)
    curve = learning_curve(
        A,
        B,
        task=job.task,
        fractions=job.fractions,
        folds=job.folds,
        seed=job.seed,
        baseline=job.baseline,
        progress=CurveProgress(run),
        should_stop=run.should_stop,
    )
    result = curve_result(curve)
    if job.target is not None:
        result["needed"] = examples_needed_for(result, job.target)
    run.finish(
        JobState.SUCCEEDED,
        result=result,
        progress=1.0,
        step=job.folds * len(job.fractions),
        examples_on_hand=result["examples_on_hand"],
    )
    return "succeeded"
