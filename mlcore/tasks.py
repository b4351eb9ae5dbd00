"""Celery tasks of mlcore: thin interfaces that take an id and call one service.

All of them are idempotent (a job is claimed once; a finished job is skipped) and run with
``acks_late`` and ``reject_on_worker_lost``, so a message is only acknowledged once the job has
been handled, and a worker process that dies hands the message back to the broker. The sweeper
(``jobs_fail_stale``) runs when a worker starts and before every job, so a job whose worker was
killed is re-queued or failed with the reason, never left "running" (see docs/jobs.md).
"""

import logging

from celery import shared_task
from celery.signals import worker_process_init, worker_ready
from django.conf import settings

from mlcore import task_names
from mlcore.services.classification import classification_job_run
from mlcore.services.jobs import disable_push_if_the_layer_is_local, jobs_fail_stale
from mlcore.services.learning_curves import learning_curve_job_run
from mlcore.services.limits import DEFAULTS, limit
from mlcore.services.training import training_job_run

logger = logging.getLogger(__name__)

#: Read once, when the worker imports the tasks (Celery needs them at decoration time).
TRAIN_TIME_LIMIT_S = int(getattr(settings, "MLCORE_TRAIN_TIME_LIMIT_S", DEFAULTS["MLCORE_TRAIN_TIME_LIMIT_S"]))
CLASSIFY_TIME_LIMIT_S = int(getattr(settings, "MLCORE_CLASSIFY_TIME_LIMIT_S", DEFAULTS["MLCORE_CLASSIFY_TIME_LIMIT_S"]))
LEARNING_CURVE_TIME_LIMIT_S = int(
    getattr(settings, "MLCORE_LEARNING_CURVE_TIME_LIMIT_S", DEFAULTS["MLCORE_LEARNING_CURVE_TIME_LIMIT_S"])
)
#: The hard limit kills the process a little after the soft one asked the job to stop.
HARD_LIMIT_GRACE_S = 30

JOB_TASK_OPTIONS = {"bind": True, "acks_late": True, "reject_on_worker_lost": True, "max_retries": 1}


def _run(task, service, job_id: int) -> str:
    jobs_fail_stale()
    outcome = service(job_id=job_id, task_id=task.request.id or "", worker=task.request.hostname or "")
    if outcome == "busy" and task.request.retries < 1:
        # Another delivery of a job that looks alive: look again once its heartbeat would have gone stale.
        raise task.retry(countdown=float(limit("MLCORE_HEARTBEAT_TIMEOUT_S")) + 1)
    return outcome


@shared_task(
    name=task_names.TRAIN_MODEL,
    time_limit=TRAIN_TIME_LIMIT_S + HARD_LIMIT_GRACE_S,
    soft_time_limit=TRAIN_TIME_LIMIT_S,
    **JOB_TASK_OPTIONS,
)
def train_model(self, job_id: int) -> str:
    return _run(self, training_job_run, job_id)


@shared_task(
    name=task_names.CLASSIFY_IMAGES,
    time_limit=CLASSIFY_TIME_LIMIT_S + HARD_LIMIT_GRACE_S,
    soft_time_limit=CLASSIFY_TIME_LIMIT_S,
    **JOB_TASK_OPTIONS,
)
def classify_images(self, job_id: int) -> str:
    return _run(self, classification_job_run, job_id)


@shared_task(
    name=task_names.LEARNING_CURVE,
    time_limit=LEARNING_CURVE_TIME_LIMIT_S + HARD_LIMIT_GRACE_S,
    soft_time_limit=LEARNING_CURVE_TIME_LIMIT_S,
    **JOB_TASK_OPTIONS,
)
def measure_learning_curve(self, job_id: int) -> str:
    return _run(self, learning_curve_job_run, job_id)


@shared_task(name=task_names.SWEEP_JOBS, acks_late=True)
def sweep_jobs(resend_queued: bool = False) -> dict[str, list[int]]:
    return jobs_fail_stale(resend_queued=resend_queued)


@worker_ready.connect
def sweep_when_a_worker_starts(sender=None, **kwargs) -> None:
    """A (re)started worker recovers what a dead one left: now, and once more when the heartbeat
    of a job whose worker died just before this start has had time to go stale."""
    try:
        sweep_jobs.apply_async(kwargs={"resend_queued": True})
        sweep_jobs.apply_async(countdown=float(limit("MLCORE_HEARTBEAT_TIMEOUT_S")) + 1)
    except Exception:  # a broker hiccup at start must not stop the worker
        logger.exception("mlcore: could not schedule the job sweeper")


@worker_process_init.connect
def no_pushes_into_a_private_layer(**kwargs) -> None:
    """With the in-memory channel layer a worker's pushes could reach no socket: skip them."""
    disable_push_if_the_layer_is_local()
