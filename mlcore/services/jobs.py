"""What every kind of job shares (training, classification, learning curves): queueing, claiming,
fenced progress writes, heartbeats, pushes to watchers, running a claimed attempt, finishing, and the
sweeper that recovers jobs of dead workers.

Life cycle (``docs/jobs.md``): queued -> running -> succeeded | failed | cancelled.

* **Claim.** A task claims its job in one transaction: a queued job, or a running one whose
  heartbeat stopped (its worker died), becomes running and ``attempts`` goes up by one. The
  attempt number is a *fencing token*: every later write of that run is an ``UPDATE ... WHERE
  attempts = <mine> AND state = 'running'``, so a run that lost its claim (declared dead while it was
  only slow) can never overwrite the newer attempt; it notices (:class:`LostClaim`) and stops.
* **Heartbeat.** While a job runs, a thread of the worker writes ``heartbeat_at`` every
  ``MLCORE_HEARTBEAT_INTERVAL_S`` (and progress writes refresh it too). A running job whose
  heartbeat is older than ``MLCORE_HEARTBEAT_TIMEOUT_S`` belongs to a worker that stopped.
* **Sweeper.** :func:`jobs_fail_stale` puts such jobs back in the queue (a new attempt) or, after
  ``MLCORE_JOB_MAX_ATTEMPTS``, fails them with ``worker_lost``. It runs when a worker starts and at
  the start of every job task, so no job stays "running" forever.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.ws_protocol import message
from mlcore import errors, groups
from mlcore.errors import MlError
from mlcore.learn import LearnError, TrainingCancelled
from mlcore.models import ClassificationJob, JobState, LearningCurveJob, TrainingJob
from mlcore.selectors import job_progress_snapshot
from mlcore.services.limits import limit
from mlcore.task_names import JOB_TASK_NAMES

logger = logging.getLogger(__name__)

Job = TrainingJob | ClassificationJob | LearningCurveJob

#: Every kind of job, by the name its tasks, groups and sockets use (``mlcore.groups.JOB_KINDS``).
KINDS: dict[str, type[Job]] = {
    "training": TrainingJob,
    "classification": ClassificationJob,
    "learning_curve": LearningCurveJob,
}
_KIND_OF_MODEL = {model: kind for kind, model in KINDS.items()}


class LostClaim(Exception):
    """This run is no longer the job's current attempt (it was declared dead, or the job was deleted)."""


def kind_of(job: Job) -> str:
    return _KIND_OF_MODEL[type(job)]


def json_safe(value: Any) -> Any:
    """NaN and infinities become None (PostgreSQL's jsonb refuses them); numpy scalars become numbers."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return json_safe(value.item())
    return value


# --------------------------------------------------------------------------- queueing and pushes


def enqueue_on_commit(job: Job) -> None:
    """Send the job's task once the transaction that created or re-queued it commits."""
    task_id = str(uuid.uuid4())
    type(job).objects.filter(id=job.id).update(celery_task_id=task_id)
    job.celery_task_id = task_id
    kind, job_id = kind_of(job), job.id
    transaction.on_commit(lambda: send_task(kind, job_id, task_id))


def send_task(kind: str, job_id: int, task_id: str | None = None) -> None:
    """Queue the task of a job of this kind, by its registered name (``mlcore.task_names``)."""
    current_app.send_task(JOB_TASK_NAMES[kind], args=(job_id,), task_id=task_id or str(uuid.uuid4()))


def snapshot(job: Job) -> dict[str, Any]:
    """What watchers of the job see (``mlcore.selectors.job_progress_snapshot``)."""
    return job_progress_snapshot(job)


def progress_message(job: Job) -> dict[str, Any]:
    """The ``job_progress`` socket message: the whole (small) state of the job."""
    return message("job_progress", job=snapshot(job))


#: False in a worker process whose channel layer is in-memory: nothing outside the process could
#: hear it (sockets then poll the row; see docs/jobs.md).
PUSH_ENABLED = True


def disable_push_if_the_layer_is_local() -> None:
    """Called in each worker process at start."""
    global PUSH_ENABLED
    PUSH_ENABLED = not isinstance(get_channel_layer(), InMemoryChannelLayer)


def publish(job: Job) -> None:
    """Push the job's state to its watchers' sockets. Never fails the job: sockets poll as a fallback."""
    if not PUSH_ENABLED:
        return
    text = json.dumps(progress_message(job), ensure_ascii=False, allow_nan=False)
    try:
        async_to_sync(get_channel_layer().group_send)(
            groups.job_group(kind_of(job), job.id),
            {"type": "job.progress", "text": text, "revision": job.revision, "finished": job.finished},
        )
    except Exception:
        logger.warning("mlcore: could not push progress of %s", job, exc_info=True)


def publish_on_commit(job: Job) -> None:
    transaction.on_commit(lambda: publish(job))


# --------------------------------------------------------------------------- claim


@dataclass
class Claim:
    job: Job
    attempt: int


def _stale_cutoff() -> Any:
    return timezone.now() - timedelta(seconds=float(limit("MLCORE_HEARTBEAT_TIMEOUT_S")))


def _is_orphan(job: Any) -> bool:
    return job.state == JobState.RUNNING and (job.heartbeat_at is None or job.heartbeat_at < _stale_cutoff())


def job_claim(kind: str, job_id: int, *, task_id: str = "", worker: str = "") -> Claim | str:
    """Make this run the job's current attempt, or say why not (``"missing"``, ``"finished"``,
    ``"busy"``: running elsewhere with a live heartbeat, ``"cancelled"``, ``"failed"``)."""
    model = KINDS[kind]
    now = timezone.now()
    with transaction.atomic():
        job = model.objects.select_for_update().filter(id=job_id).first()
        if job is None:
            return "missing"
        if job.finished:
            return "finished"
        if job.state == JobState.RUNNING and not _is_orphan(job):
            return "busy"
        if job.cancel_requested:
            _finish_locked(job, JobState.CANCELLED, error=MlError("cancelled"))
            return "cancelled"
        if job.attempts >= int(limit("MLCORE_JOB_MAX_ATTEMPTS")):
            _finish_locked(job, JobState.FAILED, error=MlError("worker_lost", attempts=job.attempts))
            return "failed"
        job.state = JobState.RUNNING
        job.attempts += 1
        job.worker = worker[:200]
        job.celery_task_id = task_id or job.celery_task_id
        job.heartbeat_at = now
        job.started_at = now
        job.revision += 1
        job.save(
            update_fields=["state", "attempts", "worker", "celery_task_id", "heartbeat_at", "started_at", "revision"]
        )
        publish_on_commit(job)
        return Claim(job, job.attempts)


def _finish_locked(job: Any, state: str, *, error: MlError | None = None, detail: str = "", **fields: Any) -> None:
    job.state = state
    job.finished_at = timezone.now()
    job.eta_seconds = 0 if state == JobState.SUCCEEDED else None
    job.error_code = error.code if error else ""
    job.error_params = json_safe(error.params) if error else {}
    job.error_detail = detail[:2000]
    job.revision += 1
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    publish_on_commit(job)


# --------------------------------------------------------------------------- a claimed run


@dataclass
class JobRun:
    """One claimed attempt inside a worker: fenced writes, throttled cancel checks, heartbeat."""

    kind: str
    job_id: int
    attempt: int
    lost: bool = False
    _last_check: float = 0.0
    _last_write: float = 0.0
    _last_beat: float = field(default_factory=time.monotonic)
    _cancel: bool = False
    _heartbeat: _Heartbeat | None = None

    @property
    def model(self) -> Any:
        return KINDS[self.kind]

    def fenced(self) -> Any:
        """The job's row while this run is still its current, running attempt (else nothing)."""
        return self.model.objects.filter(id=self.job_id, attempts=self.attempt, state=JobState.RUNNING)

    def lock(self) -> Any:
        """Inside a transaction: the job's row, locked, or :class:`LostClaim` when this run lost it."""
        job = self.fenced().select_for_update().first()
        if job is None:
            self.lost = True
            raise LostClaim(self.job_id)
        return job

    def finish_locked(
        self, job: Any, state: str, *, error: MlError | None = None, detail: str = "", **fields: Any
    ) -> None:
        """The final write on a row this run has locked (:meth:`lock`), with other writes of the same
        transaction (a registered model); pushed to watchers once it commits."""
        _finish_locked(job, state, error=error, detail=detail, **{k: json_safe(v) for k, v in fields.items()})

    def write(self, *, push: bool = True, **fields: Any) -> None:
        """Store progress fields (and a heartbeat), then push the new state to watchers."""
        fields = {k: json_safe(v) for k, v in fields.items()}
        updated = self.fenced().update(heartbeat_at=timezone.now(), revision=F("revision") + 1, **fields)
        self._last_beat = time.monotonic()
        if not updated:
            self.lost = True
            raise LostClaim(self.job_id)
        if push and PUSH_ENABLED:
            job = self.model.objects.filter(id=self.job_id).first()
            if job is not None:
                publish(job)

    def write_throttled(self, *, force: bool = False, **fields: Any) -> bool:
        """:meth:`write`, at most once per ``MLCORE_PROGRESS_INTERVAL_S`` unless ``force`` (a first step,
        the end): fast steps do not become a write each, a slow one is still seen as soon as it ends.
        True when it wrote."""
        now = time.monotonic()
        if not force and now - self._last_write < float(limit("MLCORE_PROGRESS_INTERVAL_S")):
            return False
        self._last_write = now
        self.write(**fields)
        return True

    def should_stop(self) -> bool:
        """Polled by the learner between batches: reads the row at most every progress interval."""
        now = time.monotonic()
        if now - self._last_check < float(limit("MLCORE_PROGRESS_INTERVAL_S")):
            return self._cancel or self.lost
        self._last_check = now
        row = self.model.objects.filter(id=self.job_id).values("cancel_requested", "attempts", "state").first()
        if row is None or row["attempts"] != self.attempt or row["state"] != JobState.RUNNING:
            self.lost = True
            return True
        self._cancel = bool(row["cancel_requested"])
        if now - self._last_beat > float(limit("MLCORE_HEARTBEAT_INTERVAL_S")):
            self.fenced().update(heartbeat_at=timezone.now())
            self._last_beat = now
        return self._cancel

    def finish(self, state: str, *, error: MlError | None = None, detail: str = "", **fields: Any) -> bool:
        """Fenced final write; False when the claim was lost meanwhile (nothing is written then)."""
        with transaction.atomic():
            try:
                job = self.lock()
            except LostClaim:
                return False
            self.finish_locked(job, state, error=error, detail=detail, **fields)
        return True

    def start_heartbeat(self) -> None:
        if limit("MLCORE_HEARTBEAT_THREAD"):
            self._heartbeat = _Heartbeat(self)
            self._heartbeat.start()

    def stop_heartbeat(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.stop()
            self._heartbeat = None


def run_claimed(
    kind: str,
    job_id: int,
    body: Callable[[Any, JobRun], str],
    *,
    task_id: str = "",
    worker: str = "",
    time_limit_setting: str,
) -> str:
    """Claim the job and run ``body(job, run)`` as its current attempt, with a heartbeat; return what
    happened (for logs and tests): ``body``'s answer, or ``lost``, ``cancelled``, ``failed``, or why it
    was not run (:func:`job_claim`). The one place that turns what stops a job into its final state:
    a lost claim writes nothing, the learner's :class:`~mlcore.learn.TrainingCancelled` becomes
    ``cancelled``, anything else goes to :func:`record_failure`."""
    claim = job_claim(kind, job_id, task_id=task_id, worker=worker)
    if isinstance(claim, str):
        logger.info("mlcore: %s job %s not run: %s", kind, job_id, claim)
        return claim
    run = JobRun(kind, job_id, claim.attempt)
    run.start_heartbeat()
    try:
        return body(claim.job, run)
    except LostClaim:
        logger.warning("mlcore: %s job %s lost its claim (attempt %s); stopping", kind, job_id, run.attempt)
        return "lost"
    except TrainingCancelled:
        if run.lost:
            return "lost"
        run.finish(JobState.CANCELLED, error=MlError("cancelled"))
        return "cancelled"
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the job
        return record_failure(run, exc, time_limit_setting=time_limit_setting, what=kind, job_id=job_id)
    finally:
        run.stop_heartbeat()


class _Heartbeat(threading.Thread):
    """Keeps ``heartbeat_at`` fresh while the learner is busy without callbacks (a long scikit-learn
    fit, reading thousands of images)."""

    def __init__(self, run: JobRun) -> None:
        super().__init__(name=f"mlcore-heartbeat-{run.kind}-{run.job_id}", daemon=True)
        self.run_ = run
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = float(limit("MLCORE_HEARTBEAT_INTERVAL_S"))
        try:
            while not self.stopped.wait(interval):
                try:
                    if not self.run_.fenced().update(heartbeat_at=timezone.now()):
                        return  # the main thread notices at its next write or check
                except Exception:
                    logger.warning("mlcore: heartbeat write failed", exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


# --------------------------------------------------------------------------- sweeper


def jobs_fail_stale(*, resend_queued: bool = False) -> dict[str, list[int]]:
    """Recover jobs whose worker stopped: re-queue them as a new attempt, or fail them with
    ``worker_lost`` after ``MLCORE_JOB_MAX_ATTEMPTS``. With ``resend_queued`` (at worker start),
    also send again the task of jobs queued for longer than the heartbeat timeout, in case the
    broker lost the message with the worker that had reserved it (duplicates are harmless: a
    job is claimed once)."""
    report: dict[str, list[int]] = {"requeued": [], "failed": [], "resent": []}
    cutoff = _stale_cutoff()
    for kind, model in KINDS.items():
        stale = model.objects.filter(state=JobState.RUNNING).filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at=None))
        for job_id in list(stale.values_list("id", flat=True)):
            outcome = _recover(kind, job_id)
            if outcome:
                report[outcome].append(job_id)
        if resend_queued:
            waiting = model.objects.filter(state=JobState.QUEUED).filter(Q(queued_at__lt=cutoff) | Q(queued_at=None))
            for job_id in list(waiting.values_list("id", flat=True)):
                send_task(kind, job_id)
                report["resent"].append(job_id)
    if any(report.values()):
        logger.warning("mlcore: sweeper %s", report)
    return report


def _recover(kind: str, job_id: int) -> str | None:
    model = KINDS[kind]
    with transaction.atomic():
        job = model.objects.select_for_update().filter(id=job_id).first()
        if job is None or not _is_orphan(job):
            return None
        if job.cancel_requested:
            _finish_locked(job, JobState.CANCELLED, error=MlError("cancelled"))
            return "failed"
        if job.attempts >= int(limit("MLCORE_JOB_MAX_ATTEMPTS")):
            _finish_locked(
                job,
                JobState.FAILED,
                error=MlError("worker_lost", attempts=job.attempts),
                detail=f"the worker stopped during the job ({job.worker or 'unknown worker'})",
            )
            return "failed"
        job.state = JobState.QUEUED
        job.queued_at = timezone.now()
        job.heartbeat_at = None
        job.worker = ""
        job.revision += 1
        job.save(update_fields=["state", "queued_at", "heartbeat_at", "worker", "revision"])
        enqueue_on_commit(job)
        publish_on_commit(job)
        return "requeued"


# --------------------------------------------------------------------------- cancel


def job_cancel(job: Job) -> Job:
    """A queued job (or one whose worker died) is cancelled at once; a running one stops at its next
    check (within about a second)."""
    with transaction.atomic():
        locked = type(job).objects.select_for_update().get(id=job.id)
        if locked.finished:
            raise MlError("job_finished")
        if locked.state == JobState.QUEUED or _is_orphan(locked):
            _finish_locked(locked, JobState.CANCELLED, error=MlError("cancelled"), cancel_requested=True)
        else:
            locked.cancel_requested = True
            locked.revision += 1
            locked.save(update_fields=["cancel_requested", "revision"])
            publish_on_commit(locked)
    return locked


def record_failure(run: Any, exc: Exception, *, time_limit_setting: str, what: str, job_id: int) -> str:
    """The one place that turns what stopped a job into its failed state, with a message a person
    can act on (the learner's own code, a data problem, the time limit, or our own bug)."""
    if isinstance(exc, LearnError):
        run.finish(JobState.FAILED, error=errors.from_learn_error(exc), detail=exc.message)
    elif isinstance(exc, MlError):
        run.finish(JobState.FAILED, error=exc, detail=str(exc))
    elif isinstance(exc, SoftTimeLimitExceeded):
        seconds = int(limit(time_limit_setting))
        run.finish(JobState.FAILED, error=MlError("time_limit", seconds=seconds), detail="soft time limit")
    else:
        logger.exception("mlcore: %s job %s crashed", what, job_id)
        try:
            run.finish(JobState.FAILED, error=MlError("internal_error"), detail=f"{type(exc).__name__}: {exc}")
        except Exception:
            logger.exception("mlcore: could not record the failure of job %s", job_id)
    return "failed"
