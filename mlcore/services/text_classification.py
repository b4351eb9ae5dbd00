"""Classification jobs of texts: the rows of a CSV through a text model, run by a worker.

The texts are checked when the job is created (the same CSV checks as data sets: encodings incl.
CP949, size, rows) and stored as ``classifications/<job id>/texts.json``; the worker classifies them
in batches, each result with the words that decided it. Rows without a text, or with a text over
``MLCORE_TEXT_MAX_CHARS``, are listed in ``skipped`` (``{"name": "row N", "code", "reason"}``).
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from core.csv_checks import CsvRejected, ParsedCsv, is_missing, read_csv
from mlcore import errors
from mlcore.errors import MlError
from mlcore.models import ClassificationJob, JobState, TrainedModel
from mlcore.services import jobs
from mlcore.services.datasets import skipped_list
from mlcore.services.files import atomic_with_files, delete_quietly, read_json, write_json
from mlcore.services.limits import limit
from mlcore.services.registry import TEXT_TASK, explain_texts

BATCH = 500
#: Words kept per result (the page and the CSV show them).
RESULT_WORDS = 3
EXPECTED_COLUMNS = ("label", "expected", "answer", "정답", "라벨")


def texts_file(job_id: int) -> str:
    return f"classifications/{job_id}/texts.json"


def _text_column(parsed: ParsedCsv, model: TrainedModel, column: str | None) -> str:
    """The column asked for; else the one the model learnt from, ``text``, the only one, or the one
    with the longest cells."""
    columns = parsed.columns
    if column:
        if column not in columns:
            raise MlError("unknown_column", column=column[:100])
        return column
    for name in [*(model.columns or [])[:1], "text", "texts", "문장", "텍스트"]:
        if name in columns:
            return name
    if len(columns) == 1:
        return columns[0]

    def length(name: str) -> float:
        index = columns.index(name)
        return sum(len(row[index]) for row in parsed.rows) / max(1, len(parsed.rows))

    return max(columns, key=length)


def _expected_column(parsed: ParsedCsv, model: TrainedModel, text_column: str) -> str | None:
    target = model.dataset.target if model.dataset else ""
    for name in (target, *EXPECTED_COLUMNS):
        if name and name != text_column and name in parsed.columns:
            return name
    return None


def read_texts_csv(
    data: bytes, model: TrainedModel, column: str | None = None
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """``([{row, text, expected}], skipped [(name, code)])`` from a CSV with a header row."""
    try:
        parsed = read_csv(data, max_bytes=limit("MLCORE_CSV_MAX_BYTES"))
    except CsvRejected as exc:
        raise errors.from_csv_rejection(exc) from None
    name = _text_column(parsed, model, column)
    index = parsed.columns.index(name)
    expected = _expected_column(parsed, model, name)
    expected_index = parsed.columns.index(expected) if expected else None
    maximum = int(limit("MLCORE_TEXT_MAX_CHARS"))
    items: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    for line, row in enumerate(parsed.rows, start=2):
        text = row[index]
        if is_missing(text):
            skipped.append((f"row {line}", "blank_text"))
            continue
        if len(text) > maximum:
            skipped.append((f"row {line}", "text_too_long"))
            continue
        label = row[expected_index] if expected_index is not None else ""
        items.append({"row": line, "text": text, "expected": "" if is_missing(label) else label[:100]})
    if not items:
        raise MlError("no_texts", column=name)
    if len(items) > int(limit("MLCORE_CLASSIFY_MAX_TEXTS")):
        raise MlError("too_many_texts", maximum=int(limit("MLCORE_CLASSIFY_MAX_TEXTS")))
    return items, skipped


def classification_job_create_texts(
    *, owner: User, model: TrainedModel, data: bytes, column: str | None = None
) -> ClassificationJob:
    """Check the CSV, store its texts and queue the job; with no usable text nothing is stored."""
    if model.owner_id != owner.id:
        raise ValueError("look the model up through its owner (mlcore.selectors) first")
    if model.task != TEXT_TASK:
        raise MlError("not_text")
    items, skipped = read_texts_csv(data, model, column)
    with atomic_with_files() as files:
        job = ClassificationJob.objects.create(
            owner=owner, model=model, total=len(items), skipped=skipped_list(skipped), queued_at=timezone.now()
        )
        delete_quietly(texts_file(job.id))  # a leftover of an earlier database with the same ids
        stored = write_json(texts_file(job.id), {"items": items}, files)
        if stored != texts_file(job.id):
            raise MlError("internal_error")
        jobs.enqueue_on_commit(job)
    return job


def classify_texts(job: ClassificationJob, run: jobs.JobRun) -> str:
    """The worker's part: every stored text through the model, in batches, with progress."""
    started = time.monotonic()
    items = read_json(texts_file(job.id))["items"]
    labels = [str(label) for label in job.model.labels]
    results: list[dict[str, Any]] = []
    for start in range(0, len(items), BATCH):
        if run.should_stop():
            if run.lost:
                return "lost"
            run.finish(JobState.CANCELLED, error=MlError("cancelled"), results=results, done=len(results))
            return "cancelled"
        batch = items[start : start + BATCH]
        explained = explain_texts(
            model=job.model, texts=[item["text"] for item in batch], top=len(labels), words=RESULT_WORDS
        )
        for item, result in zip(batch, explained, strict=True):
            probabilities = {t["label"]: t["probability"] for t in result["top"]}
            results.append(
                {
                    "row": item["row"],
                    "name": item["text"][:300],
                    "text": item["text"],
                    "expected": item["expected"],
                    "label": result["label"],
                    "confidence": probabilities[result["label"]],
                    "probabilities": {label: probabilities.get(label, 0.0) for label in labels},
                    "words": [w["word"] for w in result["words"]],
                }
            )
        done = len(results)
        elapsed = time.monotonic() - started
        run.write(done=done, progress=done / max(1, len(items)), eta_seconds=elapsed / done * (len(items) - done))
    run.finish(JobState.SUCCEEDED, results=results, done=len(results), progress=1.0)
    return "succeeded"
