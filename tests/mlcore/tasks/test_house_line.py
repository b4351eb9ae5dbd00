"""The lecture's house table trained through a real Celery worker (no eager mode), from the slide
link to the model page's prediction line: what a person does after the "A → B" slide."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from mlcore.models import Dataset, TrainedModel, TrainingJob
from tests.mlcore.tasks.test_jobs import WORKER_SETTINGS, wait_for
from tests.mlcore.workers import killable_worker

pytestmark = [pytest.mark.worker, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


def test_the_house_model_trains_on_a_worker_and_its_page_draws_six_points_and_a_line(teacher):
    client = Client()
    client.force_login(teacher)
    with killable_worker(name="mlcore-house", **WORKER_SETTINGS) as worker:
        dataset_url = client.get("/ml/datasets/builtin/house/")["Location"]
        dataset = Dataset.objects.get(owner=teacher, builtin_key="house")
        assert dataset_url == f"/ml/datasets/{dataset.id}/#train"
        client.post(f"/ml/datasets/{dataset.id}/train", {"model": "linear"})  # the one button
        job = wait_for(TrainingJob.objects.get(dataset=dataset), lambda j: j.finished, 90)
        assert job.state == "succeeded", (job.error_code, job.error_detail, worker.log())
    model = TrainedModel.objects.get(job=job)
    body = client.get(f"/ml/models/{model.id}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    figure = body.split('data-testid="prediction-line"')[1].split("</figure>")[0]
    assert 'role="img"' in figure
    assert len(re.findall(r'<circle class="ml-point"', figure)) == 6
    assert figure.count('class="ml-line"') == 1
    assert "예측선" in body
    assert "평균 절대 오차" in body  # the error numbers stay on the page
