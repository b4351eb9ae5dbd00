"""Training and classification jobs run in-process (the task's service, no worker): progress rows,
the registry, failures with their codes, cancelling, fencing and the sweeper. The same paths
through a real worker are in test_worker_jobs.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from mlcore.errors import MlError
from mlcore.learn import generate_doodles, predict_proba
from mlcore.models import ClassificationJob, TrainedModel, TrainingJob
from mlcore.selectors import image_array, training_job_snapshot
from mlcore.services import datasets, jobs, registry
from mlcore.services.classification import classification_job_create, classification_job_run
from mlcore.services.training import training_job_cancel, training_job_create, training_job_run
from tests.mlcore.conftest import HOUSES_CSV, encoded, make_zip, png
from tests.mlcore.factories import DoodlesFactory, TrainingJobFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

FAST = {"epochs": 2, "batch_size": 16}


@pytest.fixture
def doodles(teacher, media):
    return DoodlesFactory(owner=teacher, per_class=6)


def run(job) -> str:
    outcome = training_job_run(job_id=job.id, task_id="t-1", worker="test@host")
    job.refresh_from_db()
    return outcome


def test_training_stores_progress_and_registers_a_version(teacher, doodles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        job = training_job_create(owner=teacher, dataset=doodles, params=FAST)
    assert job.state == "queued"
    assert job.celery_task_id
    assert len(callbacks) == 1
    assert run(job) == "succeeded"
    assert (job.state, job.progress, job.epoch, job.epochs, job.attempts) == ("succeeded", 1.0, 2, 2, 1)
    assert [point["epoch"] for point in job.history] == [1, 2]
    assert set(job.history[0]) >= {"train_loss", "train_accuracy", "val_loss", "val_accuracy"}
    model = TrainedModel.objects.get(job=job)
    assert (model.version, model.task, model.dataset_name) == (1, "image_classification", doodles.name)
    assert len(model.labels) == 10
    assert model.metrics["confusion_matrix"]
    assert model.size_bytes > 1000
    snapshot = training_job_snapshot(job)
    assert snapshot["model"] == model.id
    assert snapshot["error"] is None
    # a second job is the next version; running a finished job again changes nothing
    second = training_job_create(owner=teacher, dataset=doodles, params=FAST)
    assert run(second) == "succeeded"
    assert TrainedModel.objects.get(job=second).version == 2
    assert run(job) == "finished"
    assert TrainedModel.objects.count() == 2


def test_house_table_trains_a_regression(teacher, media):
    job = TrainingJobFactory(dataset__owner=teacher)
    assert run(job) == "succeeded"
    model = TrainedModel.objects.get(job=job)
    assert model.metrics["heldout"] is False
    assert model.columns == ["size_sqft", "bedrooms"]
    value = registry.predict_row(model=model, row={"size_sqft": 1000, "bedrooms": 2})["value"]
    assert 150 < value < 300


def test_bad_params_are_refused_before_queueing(teacher, doodles):
    with pytest.raises(MlError) as info:
        training_job_create(owner=teacher, dataset=doodles, params={"epochs": 0})
    assert info.value.code == "bad_param"
    assert info.value.params["param"] == "epochs"
    with pytest.raises(MlError) as info:
        training_job_create(owner=teacher, dataset=doodles, params={"colour": "red"})
    assert info.value.code == "bad_param"
    assert TrainingJob.objects.count() == 0


def test_a_failing_job_is_failed_with_its_code_and_a_message(teacher, doodles):
    job = training_job_create(owner=teacher, dataset=doodles, params=FAST)
    TrainingJob.objects.filter(id=job.id).update(params={"epochs": 0})  # as if the learner's rules changed
    assert run(job) == "failed"
    assert job.error_code == "bad_param"
    assert job.finished_at
    with translation.override("en"):
        assert "epochs" in training_job_snapshot(job)["error"]["message"]
    assert not TrainedModel.objects.exists()


def test_a_table_that_lost_its_classes_fails_with_one_class(teacher, media):
    data = b"size,kind\n1,cat\n2,dog\n3,cat\n4,cat\n"
    dataset = datasets.dataset_create_from_csv(owner=teacher, name="t", data=data, target="kind")
    job = training_job_create(owner=teacher, dataset=dataset)
    rows = b'{"columns":["size","kind"],"rows":[["1","cat"],["2","cat"],["3","cat"]]}'
    dataset.rows_file.save("rows.json", ContentFile(rows))  # the file changed under the job
    assert run(job) == "failed"
    assert job.error_code == "one_class"


def test_cancel_queued_and_running(teacher, doodles, monkeypatch):
    queued = training_job_create(owner=teacher, dataset=doodles, params=FAST)
    training_job_cancel(owner=teacher, job=queued)
    queued.refresh_from_db()
    assert queued.state == "cancelled"
    assert run(queued) == "finished"
    with pytest.raises(MlError) as info:
        training_job_cancel(owner=teacher, job=queued)
    assert info.value.code == "job_finished"

    running = training_job_create(owner=teacher, dataset=doodles, params={"epochs": 50, "batch_size": 8})
    original = jobs.JobRun.write

    def write_then_cancel(self, **fields):
        original(self, **fields)
        if fields.get("epoch") == 1:
            TrainingJob.objects.filter(id=self.job_id).update(cancel_requested=True)
            self._last_check = 0.0

    monkeypatch.setattr(jobs.JobRun, "write", write_then_cancel)
    assert run(running) == "cancelled"
    assert running.state == "cancelled"
    assert running.epoch < 50
    assert not TrainedModel.objects.exists()


def test_a_stale_run_cannot_write_after_losing_its_claim(teacher, doodles, monkeypatch):
    job = training_job_create(owner=teacher, dataset=doodles, params={"epochs": 30, "batch_size": 8})
    original = jobs.JobRun.write

    calls = []

    def declared_dead(self, **fields):
        calls.append(fields)
        if len(calls) == 2:  # meanwhile the sweeper re-queued it and another worker claimed it
            TrainingJob.objects.filter(id=self.job_id).update(attempts=self.attempt + 1)
        original(self, **fields)

    monkeypatch.setattr(jobs.JobRun, "write", declared_dead)
    assert run(job) == "lost"
    assert job.state == "running"
    assert job.attempts == 2
    assert job.epoch == calls[0]["epoch"]  # the second write never landed
    assert not TrainedModel.objects.exists()


def test_sweeper_requeues_then_fails_jobs_of_dead_workers(teacher, doodles, django_capture_on_commit_callbacks):
    job = training_job_create(owner=teacher, dataset=doodles, params=FAST)
    long_ago = timezone.now() - timedelta(minutes=5)
    TrainingJob.objects.filter(id=job.id).update(state="running", attempts=1, heartbeat_at=long_ago, worker="w1")
    fresh = training_job_create(owner=teacher, dataset=doodles, params=FAST)
    TrainingJob.objects.filter(id=fresh.id).update(state="running", attempts=1, heartbeat_at=timezone.now())

    with django_capture_on_commit_callbacks() as sent:
        report = jobs.jobs_fail_stale()
    assert report["requeued"] == [job.id]
    assert len(sent) == 2
    job.refresh_from_db()
    assert (job.state, job.attempts, job.worker) == ("queued", 1, "")

    TrainingJob.objects.filter(id=job.id).update(state="running", attempts=2, heartbeat_at=long_ago)
    assert jobs.jobs_fail_stale()["failed"] == [job.id]
    job.refresh_from_db()
    assert (job.state, job.error_code, job.error_params) == ("failed", "worker_lost", {"attempts": 2})
    with translation.override("en"):
        assert "worker stopped during training" in training_job_snapshot(job)["error"]["message"]
    fresh.refresh_from_db()
    assert fresh.state == "running"


def test_a_delivery_for_a_job_running_elsewhere_is_busy(teacher, doodles):
    job = training_job_create(owner=teacher, dataset=doodles, params=FAST)
    TrainingJob.objects.filter(id=job.id).update(state="running", attempts=1, heartbeat_at=timezone.now())
    assert run(job) == "busy"


def test_classification_job_and_single_predict(teacher, doodles):
    job = training_job_create(owner=teacher, dataset=doodles, params={"epochs": 3, "batch_size": 16})
    assert run(job) == "succeeded"
    model = TrainedModel.objects.get(job=job)
    images, labels = generate_doodles(per_class=1, seed=9, classes=["circle", "cross"])
    zip_data = make_zip(
        {f"{label}/{i}.png": encoded(a) for i, (a, label) in enumerate(zip(images, labels, strict=True))}
    )
    uploads = [("one.png", encoded(images[0])), ("photos.zip", zip_data), ("bad.png", b"nope")]
    classification = classification_job_create(owner=teacher, model=model, uploads=uploads)
    assert classification.total == 3
    assert [s["name"] for s in classification.skipped] == ["bad.png"]
    assert classification_job_run(job_id=classification.id) == "succeeded"
    classification.refresh_from_db()
    assert classification.state == "succeeded"
    assert classification.done == 3
    first = classification.results[0]
    assert first["name"] == "one.png"
    assert abs(sum(first["probabilities"].values()) - 1) < 1e-3
    assert [r["expected"] for r in classification.results] == ["", "circle", "cross"]

    result = registry.predict_image(model=model, data=encoded(images[0]))
    expected = predict_proba(registry.model_load(model), [image_array(encoded(images[0]))])[0]
    best = max(expected.items(), key=lambda item: item[1])
    assert result["top"][0]["label"] == str(best[0])  # the one-thread fast path answers like the learner
    assert abs(result["top"][0]["probability"] - best[1]) < 1e-5
    assert len(result["top"]) == 3
    assert result["label"] == result["top"][0]["label"]
    with pytest.raises(MlError) as info:
        registry.predict_image(model=model, data=b"not an image")
    assert info.value.code == "image_not_an_image"
    with pytest.raises(MlError):
        classification_job_create(owner=teacher, model=model, uploads=[("x.zip", make_zip({"../x.png": png()}))])
    assert ClassificationJob.objects.count() == 1


def test_model_export_and_delete(teacher, media, django_capture_on_commit_callbacks):
    house = datasets.dataset_create_from_csv(owner=teacher, name="h", data=HOUSES_CSV.encode(), target="price")
    job = training_job_create(owner=teacher, dataset=house)
    assert run(job) == "succeeded"
    model = TrainedModel.objects.get(job=job)
    data, name, _ = registry.model_export(model=model)
    assert name == "h-v1.joblib"
    assert len(data) > 100
    path = media / model.artefact.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        registry.model_delete(model=model)
    assert not path.exists()
    job.refresh_from_db()
    assert job.state == "succeeded"
