"""Jobs through a real Celery worker process (no eager mode): train with progress rows to a
registered model, classify, cancel a running job, a failing job, and a worker killed mid-job.

The worker uses the configured broker: the filesystem transport in the embedded pass, Redis in the
production pass. Its settings (``tests/mlcore/worker_settings.py``) shorten the heartbeat timeout.
"""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from mlcore.learn import generate_doodles
from mlcore.models import ClassificationJob, TrainedModel, TrainingJob
from mlcore.services import jobs
from mlcore.services.classification import classification_job_create
from mlcore.services.training import training_job_cancel, training_job_create
from tests.mlcore.conftest import encoded
from tests.mlcore.factories import DoodlesFactory
from tests.mlcore.workers import killable_worker

pytestmark = [pytest.mark.worker, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

WORKER_SETTINGS = {"DJANGO_SETTINGS_MODULE": "tests.mlcore.worker_settings"}
LONG = {"epochs": 40, "batch_size": 8}


@pytest.fixture
def doodles(teacher):
    return DoodlesFactory(owner=teacher, per_class=4)


@pytest.fixture
def more_doodles(teacher):
    """Enough work that a cancel or a kill lands while the job runs (40 images finished 40 epochs
    before the test could see the first one on a fast machine): about 1,000 optimiser steps."""
    return DoodlesFactory(owner=teacher, per_class=20)


def wait_for(job, predicate, timeout: float, seen: list | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if seen is not None and (not seen or seen[-1] != (job.state, job.epoch)):
            seen.append((job.state, job.epoch))
        if predicate(job):
            return job
        time.sleep(0.05)
    pytest.fail(f"job {job.id} stuck in {job.state} (epoch {job.epoch}, attempts {job.attempts})")


def test_train_then_classify_through_a_worker(teacher, doodles):
    seen: list[tuple[str, int]] = []
    with killable_worker(name="mlcore-train", **WORKER_SETTINGS) as worker:
        job = training_job_create(owner=teacher, dataset=doodles, params={"epochs": 3, "batch_size": 16})
        wait_for(job, lambda j: j.finished, 90, seen)
        assert job.state == "succeeded", (job.error_code, job.error_detail, worker.log())
        assert any(state == "running" for state, _ in seen), seen  # watched while it trained
        # claim, start, first epoch, end, finish: every one a stored revision (later epochs may share one)
        assert job.revision >= 5
        assert [point["epoch"] for point in job.history] == [1, 2, 3]
        assert job.progress == 1.0
        assert job.attempts == 1
        model = TrainedModel.objects.get(job=job)
        assert model.version == 1
        assert model.artefact.size > 0

        images, _ = generate_doodles(per_class=1, seed=5, classes=["star", "sun"])
        uploads = [(f"{i}.png", encoded(a)) for i, a in enumerate(images)]
        classification = classification_job_create(owner=teacher, model=model, uploads=uploads)
        wait_for(classification, lambda j: j.finished, 30)
        assert classification.state == "succeeded"
        assert [row["name"] for row in classification.results] == ["0.png", "1.png"]
    assert ClassificationJob.objects.count() == 1


def test_cancel_a_running_job(teacher, more_doodles):
    with killable_worker(name="mlcore-cancel", **WORKER_SETTINGS) as worker:
        job = training_job_create(owner=teacher, dataset=more_doodles, params=LONG)
        wait_for(job, lambda j: j.state == "running" and j.epoch >= 1, 40)
        training_job_cancel(owner=teacher, job=job)
        wait_for(job, lambda j: j.finished, 15)
        assert job.state == "cancelled", worker.log()
        assert job.epoch < LONG["epochs"]
        assert job.error_code == "cancelled"
    assert not TrainedModel.objects.exists()


def test_a_failing_job_is_failed_with_its_code(teacher, doodles):
    with killable_worker(name="mlcore-fail", **WORKER_SETTINGS):
        # Params the create service would refuse: as if they were stored before a rule changed.
        with transaction.atomic():
            job = TrainingJob.objects.create(
                owner=teacher, dataset=doodles, task="image_classification", params={"learning_rate": 7}
            )
            jobs.enqueue_on_commit(job)
        wait_for(job, lambda j: j.finished, 40)
    assert job.state == "failed"
    assert job.error_code == "bad_param"
    assert job.error_params["param"] == "learning_rate"
    assert not TrainedModel.objects.exists()


def test_a_worker_killed_during_a_job_does_not_leave_it_running(teacher, more_doodles):
    with killable_worker(name="mlcore-killed", **WORKER_SETTINGS) as first:
        job = training_job_create(owner=teacher, dataset=more_doodles, params=LONG)
        wait_for(job, lambda j: j.state == "running" and j.epoch >= 2, 40)
        first.kill()
    job.refresh_from_db()
    assert job.state == "running"  # what a dead worker leaves behind
    assert job.attempts == 1
    # A worker (re)starting recovers it: the sweeper sees the stopped heartbeat and queues a new attempt.
    with killable_worker(name="mlcore-recover", **WORKER_SETTINGS) as second:
        wait_for(job, lambda j: j.finished, 120)  # a long job on a busy two-core machine
        assert job.state == "succeeded", (job.error_code, second.log())
    assert job.attempts == 2
    assert TrainedModel.objects.filter(job=job).count() == 1
