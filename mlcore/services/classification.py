"""Classification jobs: many images (or a zip of them) against a registered model, run by a worker."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from core.image_checks import CheckedImage, ImageRejected, check_image
from core.zip_checks import ZipRejected, check_zip_images, read_labelled_zip
from mlcore import errors
from mlcore.errors import MlError
from mlcore.learn import predict_proba
from mlcore.models import ClassificationImage, ClassificationJob, JobState, TrainedModel
from mlcore.selectors import image_array
from mlcore.services import jobs
from mlcore.services.datasets import skipped_list
from mlcore.services.files import atomic_with_files, read_bytes
from mlcore.services.limits import limit
from mlcore.services.registry import TEXT_TASK, model_load
from mlcore.services.text_classification import classify_texts

logger = logging.getLogger(__name__)

BATCH = 256
ZIP_MAGIC = b"PK\x03\x04"


def _is_zip(name: str, data: bytes) -> bool:
    return name.lower().endswith(".zip") or data[:4] == ZIP_MAGIC


def _gather(uploads: Iterable[tuple[str, bytes]]) -> tuple[list[tuple[str, str, CheckedImage]], list[tuple[str, str]]]:
    """Checked images ``(name, expected label, image)`` from single files and zips, and the skipped files."""
    maximum = int(limit("MLCORE_CLASSIFY_MAX_IMAGES"))
    side = int(limit("MLCORE_IMAGE_MAX_SIDE"))
    accepted: list[tuple[str, str, CheckedImage]] = []
    skipped: list[tuple[str, str]] = []
    for name, data in uploads:
        if _is_zip(name, data):
            try:
                members = read_labelled_zip(data, max_files=maximum)
            except ZipRejected as exc:
                raise errors.from_zip_rejection(exc) from None
            good, bad = check_zip_images(members, max_side=side)
            accepted += [(member_name, label, checked) for label, checked, member_name in good]
            skipped += bad
        else:
            try:
                accepted.append((name, "", check_image(data, max_side=side)))
            except ImageRejected as exc:
                skipped.append((name, exc.code))
        if len(accepted) > maximum:
            raise MlError("too_many_images", maximum=maximum)
    return accepted, skipped


def classification_job_create(
    *, owner: User, model: TrainedModel, uploads: Iterable[tuple[str, bytes]]
) -> ClassificationJob:
    """Check the images (single files, or zips whose folder names are the expected classes), store
    them and queue the job. Unusable files are listed in ``skipped``; with none usable, nothing is stored."""
    if model.owner_id != owner.id:
        raise ValueError("look the model up through its owner (mlcore.selectors) first")
    if model.task != "image_classification":
        raise MlError("wrong_kind")
    accepted, skipped = _gather(uploads)
    if not accepted:
        raise MlError("no_images")
    with atomic_with_files() as files:
        job = ClassificationJob.objects.create(
            owner=owner,
            model=model,
            total=len(accepted),
            skipped=skipped_list(skipped),
            queued_at=timezone.now(),
        )
        rows = []
        for position, (name, expected, checked) in enumerate(accepted):
            row = ClassificationImage(job=job, position=position, name=name[:300], expected=expected[:100])
            files.save_field(row.image, f"image{checked.extension}", checked.data)
            rows.append(row)
        ClassificationImage.objects.bulk_create(rows, batch_size=500)
        jobs.enqueue_on_commit(job)
    return job


def classification_job_cancel(*, owner: User, job: ClassificationJob) -> ClassificationJob:
    if job.owner_id != owner.id:
        raise ValueError("look the job up through its owner (mlcore.selectors) first")
    return jobs.job_cancel(job)


def classification_job_run(*, job_id: int, task_id: str = "", worker: str = "") -> str:
    return jobs.run_claimed(
        "classification",
        job_id,
        _classify,
        task_id=task_id,
        worker=worker,
        time_limit_setting="MLCORE_CLASSIFY_TIME_LIMIT_S",
    )


def _classify(job: ClassificationJob, run: jobs.JobRun) -> str:
    if job.model.task == TEXT_TASK:
        return classify_texts(job, run)
    started = time.monotonic()
    learned = model_load(job.model)
    images = list(ClassificationImage.objects.filter(job=job).order_by("position"))
    results: list[dict[str, Any]] = []
    for start in range(0, len(images), BATCH):
        if run.should_stop():
            if run.lost:
                return "lost"
            run.finish(JobState.CANCELLED, error=MlError("cancelled"), results=results, done=len(results))
            return "cancelled"
        batch = images[start : start + BATCH]
        arrays = [image_array(read_bytes(row.image.name)) for row in batch]
        for row, probs in zip(batch, predict_proba(learned, arrays), strict=True):
            best = max(probs.items(), key=lambda item: item[1])
            results.append(
                {
                    "image_id": row.id,
                    "name": row.name,
                    "expected": row.expected,
                    "label": str(best[0]),
                    "confidence": round(float(best[1]), 6),
                    "probabilities": {str(k): round(float(v), 6) for k, v in probs.items()},
                }
            )
        done = len(results)
        elapsed = time.monotonic() - started
        eta = elapsed / done * (len(images) - done) if done else None
        run.write(done=done, progress=done / max(1, len(images)), eta_seconds=eta)
    run.finish(JobState.SUCCEEDED, results=results, done=len(results), progress=1.0)
    return "succeeded"


def classification_image_bytes(row: ClassificationImage) -> bytes:
    return read_bytes(row.image.name)
