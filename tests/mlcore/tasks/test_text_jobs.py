"""Text jobs through a real Celery worker process (no eager mode): train a text model on the
generated call centre, then classify a CSV of texts (Korean and English) with it."""

from __future__ import annotations

import pytest
from django.utils import translation

from mlcore.models import TrainedModel
from mlcore.services import datasets, registry
from mlcore.services.learning_curves import learning_curve_job_create
from mlcore.services.text_classification import classification_job_create_texts
from mlcore.services.training import training_job_create
from tests.mlcore.tasks.test_jobs import WORKER_SETTINGS, wait_for
from tests.mlcore.workers import killable_worker

pytestmark = [pytest.mark.worker, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

CSV = (
    "text,label\n"
    "바지를 샀는데 살이 쪄서 환불하고 싶어요,refund\n"
    "택배가 아직 안 왔어요,delivery\n"
    "인터넷 해지해 주세요,cancellation\n"
    "The agent hung up on me and was rude,complaint\n"
    "Where is my parcel? It has been a week,delivery\n"
)


def test_train_then_classify_texts_through_a_worker(teacher):
    with translation.override("en"):
        dataset = datasets.dataset_create_builtin(owner=teacher, which="callcentre", per_class=60)
    seen: list[tuple[str, int]] = []
    with killable_worker(name="mlcore-text", **WORKER_SETTINGS) as worker:
        job = training_job_create(owner=teacher, dataset=dataset)
        wait_for(job, lambda j: j.finished, 90, seen)
        assert job.state == "succeeded", (job.error_code, job.error_detail, worker.log())
        assert job.task == "text_classification"
        assert job.progress == 1.0
        assert job.metrics["accuracy"] >= 0.9
        assert [point["epoch"] for point in job.history] == [1]
        model = TrainedModel.objects.get(job=job)
        assert model.metrics["heldout"] is True
        assert model.artefact.size > 0

        classification = classification_job_create_texts(owner=teacher, model=model, data=CSV.encode("cp949"))
        wait_for(classification, lambda j: j.finished, 60)
        assert classification.state == "succeeded", (classification.error_code, worker.log())
        assert [row["label"] for row in classification.results] == [row["expected"] for row in classification.results]
        assert all(row["words"] for row in classification.results)

        # the web process predicts the same model synchronously, with the deciding words
        result = registry.predict_text(model=model, text="환불 부탁드립니다")
        assert result["label"] == "refund"
        assert result["words"][0]["word"] == "환불"

        curve = learning_curve_job_create(owner=teacher, dataset=dataset, target=0.95)
        wait_for(curve, lambda j: j.finished, 120)
        assert curve.state == "succeeded", (curve.error_code, worker.log())
        assert curve.result["fit"] is not None
